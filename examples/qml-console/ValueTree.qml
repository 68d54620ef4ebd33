// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A decoded body as an expandable tree: objects and arrays are nodes with
// a triangle that shows or hides their members (the first levels start
// open), everything else a "key: value" line. Children are loaded from this
// file when a node opens.
ColumnLayout {
    id: node

    property var value
    property string key: ""
    property int depth: 0
    property bool expanded: depth < 3

    readonly property bool composite: value !== null && typeof value === "object"
    readonly property var keys: composite ? Object.keys(value) : []

    spacing: 0

    function scalarText(v) {
        if (v === undefined)
            return "undefined"
        if (typeof v === "string")
            return JSON.stringify(v)
        return String(v)
    }

    RowLayout {
        spacing: 4
        Label {
            objectName: "treeToggle"
            text: node.composite ? (node.expanded ? "▾" : "▸") : " "
            color: "steelblue"
            Layout.preferredWidth: 12
            TapHandler { enabled: node.composite; onTapped: node.expanded = !node.expanded }
        }
        Label {
            objectName: "treeNode"
            text: {
                const prefix = node.key.length > 0 ? node.key + ": " : ""
                if (!node.composite)
                    return prefix + node.scalarText(node.value)
                const size = node.keys.length
                return prefix + (Array.isArray(node.value) ? "[" + size + "]" : "{" + size + "}")
            }
            font.family: "monospace"
            color: node.composite ? "gray" : palette.text
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
    }

    Repeater {
        model: node.composite && node.expanded ? node.keys : []
        Loader {
            required property var modelData
            Layout.leftMargin: 16
            Layout.fillWidth: true
            Component.onCompleted: setSource(Qt.resolvedUrl("ValueTree.qml"),
                                             { value: node.value[modelData], key: Array.isArray(node.value) ? "[" + modelData + "]" : modelData,
                                               depth: node.depth + 1 })
        }
    }
}

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A timestamped log of what went out, what came in and what went wrong.
// Entries with a decoded body (addValue()) show it as an expandable tree
// below their line. Every line is also printed on standard error, with the
// body as JSON, for scripts.
Frame {
    id: frame

    function add(kind, text) {
        const time = new Date().toLocaleTimeString(Qt.locale("C"), "HH:mm:ss.zzz")
        entries.append({ time: time, kind: kind, text: text, json: "" })
        list.positionViewAtEnd()
        console.info(time + " " + kind + " " + text)
    }

    // An entry with a decoded body, kept as JSON (what a ListModel can hold).
    function addValue(kind, text, value) {
        const time = new Date().toLocaleTimeString(Qt.locale("C"), "HH:mm:ss.zzz")
        const json = JSON.stringify(value === undefined ? null : value)
        entries.append({ time: time, kind: kind, text: text, json: json })
        list.positionViewAtEnd()
        console.info(time + " " + kind + " " + text + " " + json)
    }

    readonly property alias count: entries.count

    ColumnLayout {
        anchors.fill: parent
        RowLayout {
            Label {
                text: qsTr("Log")
                font.bold: true
                Layout.fillWidth: true
            }
            Button {
                text: qsTr("Clear")
                onClicked: entries.clear()
            }
        }
        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: ListModel { id: entries }
            ScrollBar.vertical: ScrollBar { }
            delegate: ColumnLayout {
                id: entry
                required property var model
                width: ListView.view.width
                spacing: 0
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12
                    Label {
                        text: entry.model.time
                        font.family: "monospace"
                        color: "gray"
                    }
                    Label {
                        text: ({ "out": "→", "in": "←", "error": "✕", "info": "•" })[entry.model.kind]
                        color: entry.model.kind === "error" ? "firebrick"
                                                            : entry.model.kind === "in" ? "darkgreen" : "steelblue"
                        font.bold: true
                    }
                    Label {
                        objectName: "logText"
                        text: entry.model.text
                        color: entry.model.kind === "error" ? "firebrick" : palette.text
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                }
                Loader {
                    active: entry.model.json.length > 0
                    visible: active
                    Layout.leftMargin: 120
                    Layout.fillWidth: true
                    sourceComponent: ValueTree {
                        objectName: "valueTree"
                        value: JSON.parse(entry.model.json)
                        key: qsTr("body")
                    }
                }
            }
        }
    }
}

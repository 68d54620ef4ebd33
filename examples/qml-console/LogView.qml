// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// A timestamped log of what went out, what came in and what went wrong.
// Every line is also printed on standard error, for scripts.
Frame {
    id: frame

    function add(kind, text) {
        const time = new Date().toLocaleTimeString(Qt.locale("C"), "HH:mm:ss.zzz")
        entries.append({ time: time, kind: kind, text: text })
        list.positionViewAtEnd()
        console.info(time + " " + kind + " " + text)
    }

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
            delegate: RowLayout {
                width: ListView.view.width
                spacing: 12
                Label {
                    text: model.time
                    font.family: "monospace"
                    color: "gray"
                }
                Label {
                    text: ({ "out": "→", "in": "←", "error": "✕", "info": "•" })[model.kind]
                    color: model.kind === "error" ? "firebrick" : model.kind === "in" ? "darkgreen" : "steelblue"
                    font.bold: true
                }
                Label {
                    text: model.text
                    color: model.kind === "error" ? "firebrick" : palette.text
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
        }
    }
}

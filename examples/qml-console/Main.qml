// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Fizyr.Rpc

// The console: a connection bar, a request bar, an update/stream bar and
// the log. "startup" holds the command-line options (see main.cpp).
ApplicationWindow {
    id: window
    width: 960
    height: 600
    visible: true
    title: qsTr("Fizyr RPC console — %1").arg(peer.address)

    // The request being composed or open; null when there is none.
    property RpcRequest current: null
    property bool sentAtStart: false

    function describe(message) {
        let what = message.typeName
        if (message.type !== RpcMessage.Stream)
            what += " #" + message.requestId
        what += ", service " + message.serviceId
        if (message.isError)
            return what + ": error \"" + message.errorText + "\""
        return what + ": " + (message.size === 0 ? "(empty)" : "\"" + message.text + "\"")
    }

    function sendRequest() {
        let request = peer.sendRequest(serviceBox.value, bodyField.text)
        current = request
        log.add("out", "request #" + request.requestId + ", service " + request.serviceId
                + ": \"" + bodyField.text + "\"")
        request.updateReceived.connect(update => log.add("in", window.describe(update)))
        request.responseReceived.connect(response => log.add("in", window.describe(response)))
        request.errorOccurred.connect(text => log.add("error", "request #" + request.requestId
                                                      + " failed: " + text))
        request.finished.connect(() => {
            if (window.current === request)
                window.current = null
            if (startup.screenshot && window.sentAtStart)
                startup.finish(request.error === RpcError.NoError)
        })
    }

    RpcPeer {
        id: peer
        address: startup.address
        onConnected: {
            log.add("info", "connected to " + address)
            if (startup.sendAtStart && !window.sentAtStart) {
                window.sentAtStart = true
                window.sendRequest()
            }
        }
        onDisconnected: log.add("info", "disconnected")
        onErrorOccurred: text => {
            log.add("error", text)
            if (startup.screenshot && !window.sentAtStart)
                startup.finish(false)
        }
        onStreamReceived: message => log.add("in", window.describe(message))
        onRequestReceived: request => {
            log.add("in", window.describe(request.message) + " (answered with an error)")
            request.sendErrorResponse("qml-console does not serve requests")
        }
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 8
            anchors.rightMargin: 8
            Label { text: qsTr("Address") }
            TextField {
                id: addressField
                objectName: "addressField"
                Layout.fillWidth: true
                text: peer.address
                enabled: peer.state === RpcPeer.Unconnected
                placeholderText: "tcp://host:port, unix:/path or seqpacket:/path"
                onAccepted: connectButton.clicked()
            }
            Button {
                id: connectButton
                text: peer.state === RpcPeer.Unconnected ? qsTr("Connect") : qsTr("Disconnect")
                onClicked: {
                    if (peer.state === RpcPeer.Unconnected) {
                        peer.address = addressField.text
                        peer.active = true
                    } else {
                        peer.active = false
                    }
                }
            }
            Label {
                text: ["unconnected", "connecting", "connected", "closing"][peer.state]
                color: peer.state === RpcPeer.Connected ? "darkgreen" : "gray"
                Layout.minimumWidth: 90
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8

        GroupBox {
            title: qsTr("Request")
            Layout.fillWidth: true
            RowLayout {
                anchors.fill: parent
                Label { text: qsTr("Service") }
                SpinBox {
                    id: serviceBox
                    from: -2147483647
                    to: 2147483647
                    editable: true
                    value: startup.service
                }
                TextField {
                    id: bodyField
                    Layout.fillWidth: true
                    text: startup.body
                    placeholderText: qsTr("Body (text or JSON)")
                    onAccepted: if (sendButton.enabled) sendButton.clicked()
                }
                Button {
                    id: sendButton
                    text: qsTr("Send request")
                    enabled: peer.state === RpcPeer.Connected
                    onClicked: window.sendRequest()
                }
                Button {
                    text: qsTr("Send stream")
                    enabled: peer.state === RpcPeer.Connected
                    onClicked: {
                        if (peer.sendStream(serviceBox.value, bodyField.text))
                            log.add("out", "stream, service " + serviceBox.value + ": \"" + bodyField.text + "\"")
                        else
                            log.add("error", "stream not sent: " + peer.errorString)
                    }
                }
            }
        }

        GroupBox {
            title: window.current ? qsTr("Open request #%1").arg(window.current.requestId)
                                  : qsTr("No open request")
            Layout.fillWidth: true
            enabled: window.current !== null
            RowLayout {
                anchors.fill: parent
                Label { text: qsTr("Update service") }
                SpinBox {
                    id: updateServiceBox
                    from: -2147483647
                    to: 2147483647
                    editable: true
                    value: 1
                }
                TextField {
                    id: updateBodyField
                    Layout.fillWidth: true
                    placeholderText: qsTr("Update body")
                }
                Button {
                    text: qsTr("Send update")
                    onClicked: {
                        if (window.current.sendUpdate(updateServiceBox.value, updateBodyField.text))
                            log.add("out", "requester-update #" + window.current.requestId + ", service "
                                    + updateServiceBox.value + ": \"" + updateBodyField.text + "\"")
                        else
                            log.add("error", "update not sent: " + window.current.errorString)
                    }
                }
                Button {
                    text: qsTr("Cancel")
                    onClicked: window.current.abort()
                }
            }
        }

        LogView {
            id: log
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
    }

    Component.onCompleted: if (startup.sendAtStart) peer.active = true
}

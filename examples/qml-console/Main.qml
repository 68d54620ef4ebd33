// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Fizyr.Rpc

// The console: a connection bar, an interface bar, and below them either
// the services of the interface file with a form for the selected one's
// request (an interface file is open) or a request bar and an update/stream
// bar with service ids and raw bodies (no file); then the log. "startup"
// holds the command-line options (see main.cpp).
ApplicationWindow {
    id: window
    width: 1100
    height: 720
    visible: true
    title: qsTr("Fizyr RPC console — %1").arg(peer.address)

    // The raw request being composed or open; null when there is none.
    property RpcRequest current: null
    // The call made from the form that is open; null when there is none.
    property RpcInterfaceCall currentCall: null
    property bool sentAtStart: false
    readonly property bool typed: iface.status === RpcInterfaceClient.Ready
    // The selected service or stream: its description from iface.services
    // or iface.streams, with "stream" set for a stream.
    property var selected: null
    property bool showHidden: false
    readonly property var entries: {
        let list = []
        for (const service of iface.services) {
            if (window.showHidden || !service.hidden)
                list.push(Object.assign({ stream: false }, service))
        }
        for (const stream of iface.streams) {
            if (window.showHidden || !stream.hidden)
                list.push(Object.assign({ stream: true }, stream))
        }
        return list
    }

    function select(entry) {
        selected = entry
        if (!entry) {
            formLoader.source = ""
            return
        }
        formLoader.setSource(Qt.resolvedUrl("ValueEditor.qml"),
                             { schema: iface.typeSchema(entry.stream ? entry.type : entry.requestType),
                               client: iface, path: "" })
    }

    // Calls the selected service with the form's value.
    function callService() {
        const service = selected
        let body
        try {
            body = formLoader.item.value()
        } catch (e) {
            log.add("error", e.message)
            return
        }
        const call = iface.call(service.name, body)
        currentCall = call
        const label = service.name + " #" + call.requestId
        log.addValue("out", "request " + label, body)
        call.updateReceived.connect((name, value) => log.addValue("in", "update " + name + " of " + label, value))
        call.invalidMessageReceived.connect(text => log.add("error", label + ": " + text))
        call.responseReceived.connect(value => log.addValue("in", "response " + label, value))
        call.errorOccurred.connect(text => log.add("error", label + " failed: " + text))
        call.finished.connect(() => {
            if (window.currentCall === call)
                window.currentCall = null
            if (startup.screenshot && window.sentAtStart)
                startup.finish(call.error === RpcError.NoError)
        })
    }

    function sendTypedStream() {
        const stream = selected
        let body
        try {
            body = formLoader.item.value()
            if (iface.sendStream(stream.name, body))
                log.addValue("out", "stream " + stream.name, body)
            else
                log.add("error", "stream not sent: " + peer.errorString)
        } catch (e) {
            log.add("error", e.message)
        }
    }

    // What --send and --screenshot do once connected.
    function sendAtStart() {
        window.sentAtStart = true
        if (!window.typed) {
            window.sendRequest()
            return
        }
        const service = iface.services.find(s => startup.serviceName.length > 0 ? s.name === startup.serviceName
                                                                                  : s.id === startup.service)
        const entry = service ? Object.assign({ stream: false }, service) : null
        if (!entry) {
            log.add("error", "no service " + (startup.serviceName || startup.service) + " in the interface")
            if (startup.screenshot)
                startup.finish(false)
            return
        }
        window.select(entry)
        if (startup.body.length > 0) {
            try {
                formLoader.item.setValue(JSON.parse(startup.body))
            } catch (e) {
                log.add("error", "--body is not JSON: " + e.message)
            }
        }
        window.callService()
    }

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
        objectName: "peer"
        address: startup.address
        onConnected: {
            log.add("info", "connected to " + address)
            if (startup.sendAtStart && !window.sentAtStart)
                window.sendAtStart()
        }
        onDisconnected: log.add("info", "disconnected")
        onErrorOccurred: text => {
            log.add("error", text)
            if (startup.screenshot && !window.sentAtStart)
                startup.finish(false)
        }
        // Streams of the interface are shown decoded, by iface.
        onStreamReceived: message => {
            if (!window.typed || !iface.streams.some(stream => stream.id === message.serviceId))
                log.add("in", window.describe(message))
        }
        onRequestReceived: request => {
            log.add("in", window.describe(request.message) + " (answered with an error)")
            request.sendErrorResponse("qml-console does not serve requests")
        }
    }

    RpcInterfaceClient {
        id: iface
        objectName: "interfaceClient"
        peer: peer
        source: startup.interfaceFile
        onStatusChanged: {
            if (status === RpcInterfaceClient.Ready) {
                log.add("info", "interface " + currentInterface + " from " + source + ": "
                        + services.length + " services, " + streams.length + " streams")
                // Once the window's bindings (entries) have caught up.
                Qt.callLater(() => window.select(window.entries[0] || null))
            } else if (status === RpcInterfaceClient.Error) {
                log.add("error", errorString)
                window.select(null)
            } else {
                window.select(null)
            }
        }
        onStreamReceived: (name, body) => log.addValue("in", "stream " + name, body)
        onInvalidMessageReceived: text => log.add("error", text)
    }

    FileDialog {
        id: fileDialog
        title: qsTr("Open an interface file")
        nameFilters: [qsTr("Interface files (*.rpc)"), qsTr("All files (*)")]
        onAccepted: iface.source = selectedFile
    }

    header: ToolBar {
      ColumnLayout {
        anchors.fill: parent
        spacing: 0
        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 8
            Layout.rightMargin: 8
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
                objectName: "connectButton"
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
        RowLayout {
            Layout.fillWidth: true
            Layout.leftMargin: 8
            Layout.rightMargin: 8
            Label { text: qsTr("Interface") }
            TextField {
                id: interfaceField
                objectName: "interfaceField"
                Layout.fillWidth: true
                text: iface.source.toString().replace(/^file:\/\//, "")
                placeholderText: qsTr("No interface file: services by id, raw bodies")
                // A path (absolute, or relative to the working directory) or a URL.
                onAccepted: {
                    const path = text.trim()
                    if (path.length === 0)
                        iface.source = ""
                    else if (/^[a-z]+:/.test(path))
                        iface.source = path
                    else if (path.startsWith("/"))
                        iface.source = "file://" + path
                    else
                        iface.source = startup.workingDirectory + "/" + path
                }
            }
            Button {
                text: qsTr("Open…")
                onClicked: fileDialog.open()
            }
            Button {
                objectName: "closeInterfaceButton"
                text: qsTr("Close")
                enabled: iface.source.toString().length > 0
                onClicked: iface.source = ""
            }
            Label {
                text: iface.status === RpcInterfaceClient.Ready ? iface.currentInterface
                    : iface.status === RpcInterfaceClient.Error ? qsTr("error") : qsTr("none")
                color: iface.status === RpcInterfaceClient.Error ? "firebrick"
                     : iface.status === RpcInterfaceClient.Ready ? "darkgreen" : "gray"
                Layout.minimumWidth: 90
            }
        }
      }
    }

    RowLayout {
      anchors.fill: parent
      anchors.margins: 8
      spacing: 8

      // The services and streams of the interface, with their docs.
      Frame {
        visible: window.typed
        Layout.preferredWidth: 280
        Layout.fillHeight: true
        ColumnLayout {
            anchors.fill: parent
            Label {
                text: iface.currentInterface
                font.bold: true
                font.pointSize: 12
            }
            Label {
                text: iface.doc
                visible: text.length > 0
                wrapMode: Text.Wrap
                color: "gray"
                Layout.fillWidth: true
            }
            CheckBox {
                objectName: "showHidden"
                text: qsTr("Show hidden")
                checked: window.showHidden
                onToggled: window.showHidden = checked
            }
            ListView {
                id: serviceList
                objectName: "serviceList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 2
                model: window.entries
                ScrollBar.vertical: ScrollBar { }
                delegate: ItemDelegate {
                    id: serviceEntry
                    required property var modelData
                    objectName: (modelData.stream ? "stream:" : "service:") + modelData.name
                    width: ListView.view.width
                    highlighted: window.selected !== null && window.selected.stream === modelData.stream
                                 && window.selected.name === modelData.name
                    onClicked: window.select(modelData)
                    contentItem: ColumnLayout {
                        spacing: 2
                        RowLayout {
                            Label {
                                text: serviceEntry.modelData.name
                                font.bold: true
                            }
                            Label {
                                text: (serviceEntry.modelData.stream ? qsTr("stream ") : qsTr("service "))
                                      + serviceEntry.modelData.id
                                color: serviceEntry.highlighted ? palette.highlightedText : "gray"
                            }
                            Label {
                                visible: serviceEntry.modelData.hidden
                                text: qsTr("hidden")
                                color: "darkorange"
                            }
                        }
                        Label {
                            text: serviceEntry.modelData.stream ? serviceEntry.modelData.type
                                  : serviceEntry.modelData.requestType + " → " + serviceEntry.modelData.responseType
                            font.family: "monospace"
                            color: serviceEntry.highlighted ? palette.highlightedText : "steelblue"
                            elide: Text.ElideRight
                            Layout.fillWidth: true
                        }
                        Label {
                            text: serviceEntry.modelData.doc
                            visible: text.length > 0
                            wrapMode: Text.Wrap
                            Layout.fillWidth: true
                        }
                    }
                }
            }
        }
      }

      ColumnLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true

        // The form of the selected service's request or stream's message.
        GroupBox {
            visible: window.typed
            title: !window.selected ? qsTr("Nothing selected")
                   : window.selected.stream ? qsTr("Stream %1: %2").arg(window.selected.name).arg(window.selected.type)
                   : qsTr("Request %1: %2").arg(window.selected.name).arg(window.selected.requestType)
            Layout.fillWidth: true
            Layout.preferredHeight: 240
            ColumnLayout {
                anchors.fill: parent
                ScrollView {
                    id: formScroll
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    contentWidth: availableWidth
                    clip: true
                    Loader {
                        id: formLoader
                        objectName: "requestForm"
                        width: formScroll.availableWidth
                    }
                }
                RowLayout {
                    Item { Layout.fillWidth: true }
                    Button {
                        objectName: "callButton"
                        visible: window.selected !== null && !window.selected.stream
                        text: qsTr("Call")
                        enabled: peer.state === RpcPeer.Connected && formLoader.item !== null
                        onClicked: window.callService()
                    }
                    Button {
                        objectName: "sendStreamButton"
                        visible: window.selected !== null && window.selected.stream
                        text: qsTr("Send stream")
                        enabled: peer.state === RpcPeer.Connected && formLoader.item !== null
                        onClicked: window.sendTypedStream()
                    }
                }
            }
        }

        // Updates to the open call, by name, and cancelling it.
        GroupBox {
            id: callBox
            visible: window.typed
            title: window.currentCall ? qsTr("Open call %1 #%2").arg(window.currentCall.service).arg(window.currentCall.requestId)
                                      : qsTr("No open call")
            Layout.fillWidth: true
            enabled: window.currentCall !== null
            readonly property var updates: window.currentCall ? iface.service(window.currentCall.service).requestUpdates : []
            RowLayout {
                anchors.fill: parent
                Label { text: qsTr("Update") }
                ComboBox {
                    id: updateBox
                    model: callBox.updates.map(update => update.name)
                    Layout.minimumWidth: 120
                    onCurrentTextChanged: {
                        const update = callBox.updates[currentIndex]
                        if (update)
                            updateForm.setSource(Qt.resolvedUrl("ValueEditor.qml"),
                                                 { schema: iface.typeSchema(update.type), client: iface,
                                                   path: "update" })
                        else
                            updateForm.source = ""
                    }
                }
                Loader {
                    id: updateForm
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Send update")
                    enabled: updateBox.currentText.length > 0
                    onClicked: {
                        try {
                            const body = updateForm.item.value()
                            if (window.currentCall.sendUpdate(updateBox.currentText, body))
                                log.addValue("out", "update " + updateBox.currentText + " to "
                                             + window.currentCall.service + " #" + window.currentCall.requestId, body)
                            else
                                log.add("error", "update not sent")
                        } catch (e) {
                            log.add("error", e.message)
                        }
                    }
                }
                Button {
                    objectName: "cancelButton"
                    text: qsTr("Cancel")
                    onClicked: {
                        const call = window.currentCall
                        if (call.cancel())
                            log.add("out", "cancel to " + call.service + " #" + call.requestId)
                    }
                }
            }
        }

        GroupBox {
            visible: !window.typed
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
            visible: !window.typed
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
            objectName: "log"
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
      }
    }

    Component.onCompleted: if (startup.sendAtStart) peer.active = true
}

// A client that stays connected: its server goes away and comes back, the
// client connects again by itself. Run it with
//   QML_IMPORT_PATH=build/qml /usr/lib/qt6/bin/qml doc/snippets/qml-reconnect.qml
// (add QT_QPA_PLATFORM=offscreen where there is no display).
import QtQuick
import Fizyr.Rpc

Item {
    // A server that drops its first client and stops listening for a
    // while, as a restarting service would.
    RpcServer {
        id: server
        property int connections: 0
        address: "unix:@qml-reconnect-" + Math.floor(Math.random() * 1e9)
        listening: true
        onPeerConnected: peer => {
            if (++connections === 1) {
                listening = false          // the service goes away...
                peer.disconnectFromServer()
            }
        }
        onRequestReceived: request => request.sendResponse(0, "hello from connection " + connections)
    }

    RpcPeer {
        id: client
        address: server.address
        active: true
        autoReconnect: true
        reconnectInitialDelay: 100         // then 200, 400, ... up to reconnectMaxDelay
        reconnectMaxDelay: 2000
        // Long-running requests end when the connection goes: send them
        // again on every connection.
        onConnected: subscribe()
        onReconnected: console.log("reconnected")
        onStateChanged: {
            if (state !== RpcPeer.WaitingToReconnect)
                return
            console.log("connection down: attempt", reconnectAttempt, "in", reconnectDelay, "ms")
            if (reconnectAttempt === 3)
                server.listening = true    // ...and comes back
        }
    }

    function subscribe() {
        client.call(1, "hello?").then(response => {
            console.log("response:", response.text)
            if (server.connections > 1)
                Qt.exit(0)
        }).catch(error => console.log("call failed:", error.message))
    }
}

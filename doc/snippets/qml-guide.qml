// A service and its client in one QML file. Run it with
//   QML_IMPORT_PATH=build/qml /usr/lib/qt6/bin/qml doc/snippets/qml-guide.qml
// (add QT_QPA_PLATFORM=offscreen where there is no display).
import QtQuick
import Fizyr.Rpc

Item {
    // The service: service 1 greets with JSON after a progress update;
    // other services get an error response.
    RpcServer {
        id: server
        address: "tcp://127.0.0.1:0"   // port 0: any free port
        listening: true
        onRequestReceived: request => {
            if (request.serviceId !== 1) {
                request.sendErrorResponse("unknown service " + request.serviceId)
                return
            }
            request.sendUpdate(2, "looking up " + request.json.name)
            request.sendResponse(1, { greeting: "Hello, " + request.json.name + "!" })
        }
        onStreamReceived: (peer, message) => console.log("server got a stream message:", message.text)
    }

    // The client: connects as soon as the server listens.
    RpcPeer {
        id: client
        address: server.serverAddress
        active: server.listening
        onConnected: talk()
        onErrorOccurred: text => {
            console.log("client error:", text)
            Qt.exit(1)
        }
    }

    function talk() {
        client.sendStream(7, "fire and forget")

        // A request with its updates: keep the RpcRequest to watch them.
        const request = client.sendRequest(1, { name: "QML" })
        request.updateReceived.connect(update => console.log("update:", update.text))
        request.then(response => {
            console.log("response:", response.json.greeting)
            // The short way: call() gives a Promise of the response.
            return client.call(42, "anyone?")
        }).catch(error => {
            console.log("error response:", error.message)
            Qt.exit(0)
        })
    }
}

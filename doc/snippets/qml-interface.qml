// Calls the greeter example by name, with its interface file read at run
// time: no generated code. Start the server, then run this with the qml tool:
//   build/examples/greeter-server/greeter-server &
//   QML_IMPORT_PATH=build/qml /usr/lib/qt6/bin/qml doc/snippets/qml-interface.qml
// (add QT_QPA_PLATFORM=offscreen where there is no display, and "-- ADDRESS"
// for a server elsewhere than tcp://127.0.0.1:12346).
import QtQuick
import Fizyr.Rpc

Item {
    readonly property var args: Qt.application.arguments

    RpcPeer {
        id: peer
        address: args.indexOf("--") >= 0 ? args[args.indexOf("--") + 1] : "tcp://127.0.0.1:12346"
        active: true
        onConnected: talk()
        onErrorOccurred: text => { console.log("error:", text); Qt.exit(1) }
    }

    RpcInterfaceClient {
        id: greeter
        source: "../../examples/greeter/greeter.rpc" // relative to this file
        peer: peer
    }

    function talk() {
        console.log("services:", greeter.services.map(s => s.name + " #" + s.id).join(", "))
        greeter.sendStream("log", { level: "Info", text: "hello from QML" })
        const call = greeter.call("greet", { name: "Ada", times: 2, style: { Custom: "Hi" } })
        call.updateReceived.connect((name, body) => console.log(name + ":", body.done, "of", body.total))
        call.then(response => {
            console.log("response:", response.greetings.join(" "))
            // A body that does not fit the request type is refused, naming the field.
            return greeter.call("greet", { name: "Ada", times: "twice" })
        }).catch(error => console.log("refused:", error.message))
          .then(() => Qt.quit())
    }
}

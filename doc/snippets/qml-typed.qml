import QtQml
import Fizyr.Rpc
import Greeter

// A Greeter service and its client in one file, with the QML types that
// fizyr_rpc_add_interface(... QML_URI Greeter) generated from greeter.rpc.
QtObject {
    id: root

    property RpcServer server: RpcServer { address: "tcp://127.0.0.1:0" }

    property GreeterServer greeter: GreeterServer {
        server: root.server
        onGreetRequested: request => {
            const body = request.body // {name: "Ada", times: 2, style: null}
            let greetings = []
            for (let i = 1; i <= body.times; ++i) {
                greetings.push("Hello, " + body.name + "!")
                request.sendProgress({ done: i, total: body.times })
            }
            request.respond({ greetings: greetings })
        }
        onLogReceived: (line, peer) => console.log("log:", line.level, line.text)
    }

    property RpcPeer peer: RpcPeer { onConnected: root.greet() }
    property GreeterClient client: GreeterClient { peer: root.peer }

    function greet() {
        client.sendLog({ level: Level.Info, text: "greeting Ada" })
        const call = client.greet({ name: "Ada", times: 2 })
        call.progressReceived.connect(progress => console.log("progress:", progress.done, "of", progress.total))
        call.then(response => {
            console.log("response:", response.greetings.join(" "))
            // A value that does not fit the type rejects, naming the field.
            return client.greet({ name: "Ada", times: "two" })
        }).then(() => Qt.exit(1), error => {
            console.log("rejected:", error.message)
            Qt.exit(0)
        })
    }

    Component.onCompleted: {
        server.listen()
        peer.address = server.serverAddress
        peer.active = true
    }
}

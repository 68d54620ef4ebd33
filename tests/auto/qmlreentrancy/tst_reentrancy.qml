// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtTest
import Fizyr.Rpc
import Greeter

// The generated QML types and the runtime RpcInterfaceClient used the way
// QML applications use them: each object of a typed client and server (the
// GreeterClient, the client RpcPeer, the GreeterServer, the RpcServer, the
// RpcInterfaceClient) destroyed from inside a handler of its own signals,
// over every transport. Each row checks that the call ends once (or, when
// its client died, calls back into no JavaScript), that nothing is delivered
// to a destroyed object, and that a fresh setup works afterwards.
TestCase {
    id: testCase
    name: "QmlReentrancy"

    property int socketCount: 0

    // One complete setup, created per row so that any part can be destroyed.
    Component {
        id: setupComponent
        Item {
            id: setup
            property alias server: server
            property alias greeterServer: greeterServer
            property alias client: client
            property alias greeterClient: greeterClient
            property alias runtimeClient: runtimeClient
            // "answer": progress updates then the response; "hold": one
            // progress update, then the request waits (and answers a cancel).
            property string mode: "answer"
            property var onRequest: null
            property int cancels: 0

            RpcServer { id: server }
            GreeterServer {
                id: greeterServer
                server: server
                onGreetRequested: request => {
                    if (setup.onRequest && setup.onRequest(request))
                        return
                    if (setup.mode === "hold") {
                        request.cancelRequested.connect(() => {
                            ++setup.cancels
                            request.respondError("cancelled")
                        })
                        request.sendProgress({ done: 1, total: request.body.times })
                        return
                    }
                    let greetings = []
                    for (let i = 1; i <= request.body.times; ++i) {
                        request.sendProgress({ done: i, total: request.body.times })
                        greetings.push("Hello, " + request.body.name + "!")
                    }
                    request.respond({ greetings: greetings })
                }
            }
            RpcPeer { id: client }
            GreeterClient { id: greeterClient; peer: client }
            RpcInterfaceClient {
                id: runtimeClient
                source: Qt.resolvedUrl("../../../examples/greeter/greeter.rpc")
                interfaceName: "Greeter"
                peer: client
            }
        }
    }

    function transports_data() {
        let rows = [ { tag: "tcp", address: "tcp://127.0.0.1:0" },
                     { tag: "unix", address: "unix:" + testTempDir + "/re-" + (++socketCount) + ".sock" } ]
        if (testHaveSeqpacket)
            rows.push({ tag: "seqpacket", address: "seqpacket:" + testTempDir + "/re-" + (++socketCount) + ".seq" })
        return rows
    }

    function rows(actions) {
        let result = []
        for (const transport of transports_data()) {
            for (const action of actions)
                result.push({ tag: transport.tag + "/" + action, address: transport.address, action: action })
        }
        return result
    }

    function open(address) {
        const setup = createTemporaryObject(setupComponent, testCase)
        verify(setup)
        setup.server.address = address
        setup.server.listening = true
        verify(setup.server.listening, setup.server.errorString)
        setup.client.address = setup.server.serverAddress
        setup.client.active = true
        tryCompare(setup.client, "state", RpcPeer.Connected, 20000)
        tryCompare(setup.server, "peerCount", 1, 20000)
        compare(setup.runtimeClient.status, RpcInterfaceClient.Ready, setup.runtimeClient.errorString)
        return setup
    }

    // A fresh setup on a new address still serves a call.
    function checkFreshSetup(address) {
        const fresh = open(address.startsWith("tcp") ? address : address + "-fresh")
        let result = null
        fresh.greeterClient.greet({ name: "Ada", times: 1 }).then(r => { result = r.greetings }, e => { result = e.message })
        tryVerify(() => result !== null, 20000)
        compare(result, ["Hello, Ada!"])
    }

    // Inside a progress update of a generated call.
    function test_inProgressHandler_data() {
        return rows(["destroyGreeterClient", "destroyClientPeer", "destroySetup", "cancel"])
    }
    function test_inProgressHandler(data) {
        const setup = open(data.address)
        setup.mode = "hold"
        let callbacks = []
        let call = setup.greeterClient.greet({ name: "Ada", times: 3 })
        call.progressReceived.connect(() => {
            callbacks.push("progress")
            if (data.action === "destroyGreeterClient")
                setup.greeterClient.destroy()
            else if (data.action === "destroyClientPeer")
                setup.client.destroy()
            else if (data.action === "destroySetup")
                setup.destroy()
            else
                call.cancel()
        })
        call.then(() => callbacks.push("resolved"), e => callbacks.push("rejected: " + e.message))
        tryVerify(() => callbacks.length >= 1, 20000)
        if (data.action === "cancel") {
            // cancel() ends the call at once; the server sees the cancel.
            tryCompare(setup, "cancels", 1, 20000)
            tryCompare(callbacks, "length", 2, 20000)
            compare(callbacks, ["progress", "rejected: canceled"])
            compare(call.status, GreeterGreetCall.Canceled)
        } else if (data.action === "destroyClientPeer") {
            // The client's peer went away under an open call: it fails once.
            tryCompare(callbacks, "length", 2, 20000)
            compare(callbacks[0], "progress")
            verify(callbacks[1].startsWith("rejected"), callbacks[1])
        } else if (data.action === "destroySetup") {
            // The children go in declaration order: the peer (declared first)
            // fails the call before its client goes.
            tryCompare(callbacks, "length", 2, 20000)
            compare(callbacks, ["progress", "rejected: the peer was deleted"])
        } else {
            // The client died: its open call was canceled (the server saw the
            // cancel and answered it), and a round trip later on the same
            // peer nothing has called back.
            tryCompare(setup, "cancels", 1, 20000)
            gc()
            roundTrip(setup, setup.runtimeClient.call("greet", { name: "Ada", times: 1 }))
            compare(callbacks, ["progress"])
        }
        call = null
        gc()
        checkFreshSetup(data.address)
    }

    function roundTrip(setup, call) {
        setup.mode = "answer"
        let done = false
        call.then(() => { done = true }, () => { done = true })
        tryVerify(() => done, 20000)
    }

    // Inside greetRequested of the generated server.
    function test_inRequestHandler_data() {
        return rows(["destroyGreeterServer", "destroyServer", "abortServerPeer"])
    }
    function test_inRequestHandler(data) {
        const setup = open(data.address)
        setup.onRequest = request => {
            if (data.action === "destroyGreeterServer") {
                // The request outlives its server and can still answer.
                setup.greeterServer.destroy()
                request.respond({ greetings: ["late"] })
            } else if (data.action === "destroyServer") {
                setup.server.destroy()
            } else {
                // The server's peers belong to the server: abort the connection.
                setup.server.peers[0].abort()
            }
            return true
        }
        let outcome = null
        setup.greeterClient.greet({ name: "Ada", times: 1 }).then(r => { outcome = r.greetings }, e => { outcome = "rejected" })
        tryVerify(() => outcome !== null, 20000)
        if (data.action === "destroyGreeterServer")
            compare(outcome, ["late"])
        else
            compare(outcome, "rejected")
        checkFreshSetup(data.address)
    }

    // Inside a progress update of a call made by name with RpcInterfaceClient.
    function test_runtimeClient_data() {
        return rows(["destroyRuntimeClient", "destroyClientPeer", "cancel"])
    }
    function test_runtimeClient(data) {
        const setup = open(data.address)
        setup.mode = "hold"
        let callbacks = []
        let call = setup.runtimeClient.call("greet", { name: "Ada", times: 2 })
        call.updateReceived.connect((name, value) => {
            callbacks.push(name)
            if (data.action === "destroyRuntimeClient")
                setup.runtimeClient.destroy()
            else if (data.action === "destroyClientPeer")
                setup.client.destroy()
            else
                call.cancel()
        })
        call.then(() => callbacks.push("resolved"), e => callbacks.push("rejected"))
        tryVerify(() => callbacks.length >= 1, 20000)
        if (data.action === "cancel") {
            tryCompare(setup, "cancels", 1, 20000)
            tryCompare(callbacks, "length", 2, 20000)
            compare(callbacks, ["progress", "rejected"])
        } else if (data.action === "destroyClientPeer") {
            tryCompare(callbacks, "length", 2, 20000)
            compare(callbacks, ["progress", "rejected"])
        } else {
            tryCompare(setup, "cancels", 1, 20000)
            gc()
            roundTrip(setup, setup.greeterClient.greet({ name: "Ada", times: 1 }))
            compare(callbacks, ["progress"])
        }
        call = null
        gc()
        checkFreshSetup(data.address)
    }
}

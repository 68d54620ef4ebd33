// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtTest
import Fizyr.Rpc
import Greeter

// The generated QML types of the greeter: a GreeterServer on a QML RpcServer
// and a GreeterClient on a QML RpcPeer talk over every transport.
TestCase {
    id: testCase
    name: "QmlGenerated"

    property int socketCount: 0
    // How the server answers greet: "now" (progress updates then the
    // response at once) or "hold" (one progress update, then it waits).
    property string greetMode: "now"
    property var held: null
    property int cancelCount: 0
    property var serverErrors: []
    property var untyped: []

    RpcServer {
        id: server
        // Services of no typed server still come here.
        onRequestReceived: request => {
            testCase.untyped.push(request.serviceId)
            request.sendErrorResponse("untyped " + request.serviceId)
        }
    }

    RpcListModel { id: serverLog; capacity: 3; roles: ["level", "text"] }

    GreeterServer {
        id: greeter
        server: server
        onGreetRequested: request => testCase.serveGreet(request)
        onLogReceived: (line, peer) => serverLog.append(line)
    }

    RpcPeer { id: client }
    SignalSpy { id: invalidBodies; target: greeter; signalName: "invalidBodyReceived" }

    GreeterClient { id: greeterClient; peer: client }

    // A ListView shows the model of stream messages directly.
    ListView {
        id: logView
        width: 200; height: 200
        model: serverLog
        delegate: Text { required property var model; text: model.level + ": " + model.text }
    }

    // Bindings to the state of the current call, without any handler.
    property var currentCall: null
    property int boundDone: currentCall && currentCall.progress ? currentCall.progress.done : -1
    property int boundStatus: currentCall ? currentCall.status : -1
    property var boundGreetings: currentCall && currentCall.response ? currentCall.response.greetings : []

    Component { id: ownerComponent; Item { } }
    Component { id: clientComponent; GreeterClient { } }

    function greeting(body) {
        const hello = "Hello, " + body.name + "!"
        if (body.style === null || body.style === undefined || body.style === "Plain")
            return hello
        if (body.style === "Shouting")
            return hello.toUpperCase()
        return body.style.Custom + ", " + body.name + "!"
    }

    function serveGreet(request) {
        const body = request.body
        if (body.times > 100) {
            request.respondError("times must be at most 100, got " + body.times)
            return
        }
        if (body.name === "bad response") {
            try {
                request.respond({ greetings: 5 })
            } catch (e) {
                serverErrors.push(e.message)
            }
            request.respondError("could not respond")
            return
        }
        if (greetMode === "hold") {
            held = request
            request.cancelRequested.connect(() => {
                ++testCase.cancelCount
                request.respondError("cancelled")
            })
            verify(request.sendProgress({ done: 0, total: body.times }))
            return
        }
        let greetings = []
        for (let i = 0; i < body.times; ++i) {
            greetings.push(greeting(body))
            verify(request.sendProgress({ done: i + 1, total: body.times }))
        }
        verify(request.respond({ greetings: greetings }))
    }

    function transports_data() {
        let rows = [ { tag: "tcp", address: "tcp://127.0.0.1:0" },
                     { tag: "unix", address: "unix:" + testTempDir + "/gen-" + (++socketCount) + ".sock" } ]
        if (testHaveSeqpacket)
            rows.push({ tag: "seqpacket", address: "seqpacket:" + testTempDir + "/gen-" + (++socketCount) + ".seq" })
        return rows
    }

    function connectTo(address) {
        server.address = address
        server.listening = true
        verify(server.listening, server.errorString)
        client.address = server.serverAddress
        client.active = true
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        tryCompare(server, "peerCount", 1, 20000)
    }

    function cleanup() {
        client.autoReconnect = false
        greetMode = "now"
        held = null
        cancelCount = 0
        serverErrors = []
        untyped = []
        currentCall = null
        invalidBodies.clear()
        greeter.bodyFormat = "json"
        greeterClient.bodyFormat = "json"
        serverLog.capacity = 3
        serverLog.clear()
        client.active = false
        tryCompare(client, "state", RpcPeer.Unconnected, 20000)
        tryCompare(server, "peerCount", 0, 20000)
        server.listening = false
    }

    // greet() returns a thenable call: typed updates, then the response.
    function test_call_data() { return transports_data() }
    function test_call(data) {
        connectTo(data.address)
        let updates = []
        let result = null
        const call = greeterClient.greet({ name: "Ada", times: 2 })
        call.progressReceived.connect(progress => updates.push(progress.done + "/" + progress.total))
        call.then(response => { result = response }, error => { result = "error: " + error.message })
        tryVerify(() => result !== null, 20000)
        compare(result.greetings, ["Hello, Ada!", "Hello, Ada!"])
        compare(updates, ["1/2", "2/2"])
        compare(call.status, GreeterGreetCall.Succeeded)
        compare(call.open, false)
        compare(call.response.greetings.length, 2)
        compare(call.progress.done, 2)
        compare(call.errorString, "")
        // A received value, handed to C++, becomes the generated gadget.
        compare(fixtures.progressText(call.progress), "2/2")
        compare(untyped, [])
    }

    // Enums as JavaScript values: the wire names, the QML enum values, and
    // variants with data; a generated gadget from C++ as the request.
    function test_enumsAndGadgets_data() { return transports_data() }
    function test_enumsAndGadgets(data) {
        connectTo(data.address)
        let results = []
        greeterClient.greet({ name: "Ada", times: 1, style: "Shouting" }).then(r => results.push(r.greetings[0]))
        tryCompare(results, "length", 1, 20000)
        greeterClient.greet({ name: "Ada", times: 1, style: Style.Shouting }).then(r => results.push(r.greetings[0]))
        tryCompare(results, "length", 2, 20000)
        greeterClient.greet({ name: "Ada", times: 1, style: { Custom: "Howdy" } }).then(r => results.push(r.greetings[0]))
        tryCompare(results, "length", 3, 20000)
        greeterClient.greet(fixtures.greetRequest("Bob", 1, true)).then(r => results.push(r.greetings[0]))
        tryCompare(results, "length", 4, 20000)
        compare(results, ["HELLO, ADA!", "HELLO, ADA!", "Howdy, Ada!", "HELLO, BOB!"])
        compare(Level.Warning, 2)
    }

    // Bindings follow the call's state without handlers.
    function test_bindings_data() { return transports_data() }
    function test_bindings(data) {
        connectTo(data.address)
        greetMode = "hold"
        currentCall = greeterClient.greet({ name: "Ada", times: 3 })
        compare(boundStatus, GreeterGreetCall.Pending)
        compare(boundDone, -1)
        tryCompare(testCase, "boundDone", 0, 20000)
        verify(held)
        verify(held.sendProgress({ done: 2, total: 3 }))
        tryCompare(testCase, "boundDone", 2, 20000)
        verify(held.respond({ greetings: ["a", "b"] }))
        tryCompare(testCase, "boundStatus", GreeterGreetCall.Succeeded, 20000)
        compare(boundGreetings, ["a", "b"])
    }

    // cancel() sends the cancel update and finishes the call at once;
    // sendCancel() only sends it, and the server's answer finishes the call.
    function test_cancel_data() { return transports_data() }
    function test_cancel(data) {
        connectTo(data.address)
        greetMode = "hold"
        let outcome = null
        const call = greeterClient.greet({ name: "Ada", times: 3 })
        call.then(() => { outcome = "resolved" }, error => { outcome = error.message })
        tryVerify(() => call.progress !== undefined, 20000)
        call.cancel()
        compare(call.status, GreeterGreetCall.Canceled)
        tryCompare(testCase, "cancelCount", 1, 20000)
        tryVerify(() => outcome !== null, 20000)
        compare(outcome, "canceled")

        outcome = null
        const second = greeterClient.greet({ name: "Ada", times: 3 })
        second.then(() => { outcome = "resolved" }, error => { outcome = error.message })
        tryVerify(() => second.progress !== undefined, 20000)
        verify(second.sendCancel())
        tryCompare(second, "status", GreeterGreetCall.Failed, 20000)
        compare(cancelCount, 2)
        compare(second.errorString, "cancelled")
        tryVerify(() => outcome !== null, 20000)
        compare(outcome, "cancelled")
        compare(second.error, RpcError.RemoteError)
    }

    // A stream feeds a bounded model that a ListView shows.
    function test_streams_data() { return transports_data() }
    function test_streams(data) {
        connectTo(data.address)
        verify(greeterClient.sendLog({ level: "Info", text: "line 1" }))
        verify(greeterClient.sendLog({ level: Level.Warning, text: "line 2" }))
        verify(greeterClient.sendLog({ level: "Debug", text: "line 3" }))
        verify(greeterClient.sendLog({ level: "Info", text: "line 4" }))
        verify(greeterClient.sendLog({ level: "Info", text: "line 5" }))
        tryCompare(serverLog, "droppedCount", 2, 20000)
        compare(serverLog.count, 3)
        compare(serverLog.get(0).text, "line 3")
        compare(serverLog.get(2).text, "line 5")
        tryCompare(logView, "count", 3, 20000)
        logView.forceLayout()
        tryVerify(() => logView.itemAtIndex(0) !== null, 20000)
        compare(logView.itemAtIndex(0).text, "Debug: line 3")
        serverLog.capacity = 1
        compare(serverLog.count, 1)
        compare(serverLog.get(0).text, "line 5")
        compare(serverLog.droppedCount, 4)
    }

    // A malformed JavaScript value rejects (calls) or throws (sends) with a
    // message naming the field.
    function test_malformed_data() { return transports_data() }
    function test_malformed(data) {
        connectTo(data.address)
        let message = null
        const call = greeterClient.greet({ name: "Ada", times: "two" })
        call.then(() => { message = "resolved" }, error => { message = error.message })
        tryVerify(() => message !== null, 20000)
        verify(message.indexOf("times") >= 0, message)
        compare(call.status, GreeterGreetCall.Failed)
        compare(call.error, RpcError.InvalidBody)

        let thrown = ""
        try {
            greeterClient.sendLog({ level: "Loud", text: "x" })
        } catch (e) {
            thrown = e.message
        }
        verify(thrown.indexOf("level") >= 0, thrown)

        // The server's own malformed response throws there too.
        message = null
        greeterClient.greet({ name: "bad response", times: 1 }).then(() => { message = "resolved" },
                                                                      error => { message = error.message })
        tryVerify(() => message !== null, 20000)
        compare(message, "could not respond")
        compare(serverErrors.length, 1)
        verify(serverErrors[0].indexOf("greetings") >= 0, serverErrors[0])
    }

    // A request body that does not decode gets an error response naming the
    // field, and the typed server reports it.
    function test_undecodableRequest_data() { return transports_data() }
    function test_undecodableRequest(data) {
        connectTo(data.address)
        let message = null
        client.call(1, { name: 5, times: 1 }).then(() => { message = "resolved" }, error => { message = error.message })
        tryVerify(() => message !== null, 20000)
        verify(message.indexOf("invalid body for greet: ") === 0, message)
        verify(message.indexOf("name") >= 0, message)
        compare(invalidBodies.count, 1)
        compare(invalidBodies.signalArguments[0][0], message)
        compare(invalidBodies.signalArguments[0][1], server.peers[0])
    }

    // CBOR bodies on both sides.
    function test_cbor_data() { return transports_data() }
    function test_cbor(data) {
        connectTo(data.address)
        greeter.bodyFormat = "cbor"
        greeterClient.bodyFormat = "cbor"
        let result = null
        let updates = 0
        const call = greeterClient.greet({ name: "Ada", times: 2, style: { Custom: "Hi" } })
        call.progressReceived.connect(() => ++updates)
        call.then(r => { result = r }, e => { result = e.message })
        tryVerify(() => result !== null, 20000)
        compare(result.greetings, ["Hi, Ada!", "Hi, Ada!"])
        compare(updates, 2)
    }

    // Services nobody handles: ping has no handler on the typed server (an
    // error response), other ids go to the RpcServer's requestReceived.
    function test_unhandled_data() { return transports_data() }
    function test_unhandled(data) {
        connectTo(data.address)
        let message = null
        greeterClient.ping().then(() => { message = "resolved" }, error => { message = error.message })
        tryVerify(() => message !== null, 20000)
        compare(message, "unexpected request for service 99")
        message = null
        client.call(42, "x").then(() => { message = "resolved" }, error => { message = error.message })
        tryVerify(() => message !== null, 20000)
        compare(message, "untyped 42")
        compare(untyped, [42])
    }

    // A call whose owner item dies is canceled (the server gets the cancel
    // update) and calls back into no JavaScript, also after gc().
    function test_ownerDeath_data() { return transports_data() }
    function test_ownerDeath(data) {
        connectTo(data.address)
        greetMode = "hold"
        let callbacks = []
        let owner = ownerComponent.createObject(testCase)
        let call = greeterClient.greet({ name: "Ada", times: 3 }, owner)
        compare(call.owner, owner)
        call.progressReceived.connect(() => callbacks.push("progress"))
        call.finished.connect(() => callbacks.push("finished"))
        call.then(() => callbacks.push("resolved"), () => callbacks.push("rejected"))
        tryCompare(callbacks, "length", 1, 20000)
        compare(callbacks, ["progress"])
        owner.destroy()
        owner = null
        tryCompare(testCase, "cancelCount", 1, 20000)
        gc()
        compare(call.status, GreeterGreetCall.Canceled)
        call = null
        gc()
        // A round trip later nothing more has been called.
        let done = false
        greetMode = "now"
        greeterClient.greet({ name: "x", times: 1 }).then(() => { done = true })
        tryVerify(() => done, 20000)
        compare(callbacks, ["progress"])
    }

    // Destroying the client cancels its open calls, without callbacks.
    function test_clientDeath_data() { return transports_data() }
    function test_clientDeath(data) {
        connectTo(data.address)
        greetMode = "hold"
        let callbacks = []
        let other = clientComponent.createObject(testCase, { peer: client })
        fixtures.watch(other)
        const before = fixtures.destroyedCount
        let call = other.greet({ name: "Ada", times: 3 })
        call.then(() => callbacks.push("resolved"), () => callbacks.push("rejected"))
        tryVerify(() => held !== null, 20000)
        compare(other.openCallCount, 1)
        other.destroy()
        other = null
        tryCompare(fixtures, "destroyedCount", before + 1, 20000)
        tryCompare(testCase, "cancelCount", 1, 20000)
        call = null
        gc()
        let done = false
        greetMode = "now"
        greeterClient.greet({ name: "x", times: 1 }).then(() => { done = true })
        tryVerify(() => done, 20000)
        compare(callbacks, [])
    }

    // Finished calls belong to the collector.
    function test_garbageCollection_data() { return transports_data() }
    function test_garbageCollection(data) {
        connectTo(data.address)
        const before = fixtures.destroyedCount
        let finished = 0
        for (let i = 0; i < 3; ++i) {
            const call = greeterClient.greet({ name: "Ada", times: 1 })
            fixtures.watch(call)
            call.then(() => ++finished)
        }
        tryVerify(() => finished === 3, 20000)
        tryVerify(() => { gc(); return fixtures.destroyedCount === before + 3 }, 20000)
    }

    // A generated client on a peer with autoReconnect stays usable across a
    // restart of its server: the same objects call again once reconnected.
    function test_survivesReconnect_data() { return transports_data() }
    function test_survivesReconnect(data) {
        client.autoReconnect = true
        client.reconnectInitialDelay = 10
        client.reconnectMaxDelay = 50
        connectTo(data.address)
        let results = []
        greeterClient.greet({ name: "Ada", times: 1 }).then(r => results.push(r.greetings[0]))
        tryCompare(results, "length", 1, 20000)

        let states = []
        let reconnects = 0
        const onState = () => states.push(client.state)
        const onReconnected = () => ++reconnects
        client.stateChanged.connect(onState)
        client.reconnected.connect(onReconnected)
        const bound = server.serverAddress
        server.listening = false
        server.peers[0].abort()
        tryVerify(() => states.indexOf(RpcPeer.WaitingToReconnect) >= 0, 20000)
        // A call while the server is gone fails at once; the client stays.
        let failed = null
        greeterClient.greet({ name: "Ada", times: 1 }).then(() => { failed = false }, () => { failed = true })
        tryVerify(() => failed !== null, 20000)
        verify(failed)

        server.address = bound
        server.listening = true
        verify(server.listening, server.errorString)
        tryVerify(() => reconnects === 1, 20000, "reconnected() once")
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        greeterClient.greet({ name: "Bob", times: 1 }).then(r => results.push(r.greetings[0]))
        tryCompare(results, "length", 2, 20000)
        compare(results, ["Hello, Ada!", "Hello, Bob!"])
        client.stateChanged.disconnect(onState)
        client.reconnected.disconnect(onReconnected)
    }
}

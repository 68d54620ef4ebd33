// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtTest
import Fizyr.Rpc

// RpcInterfaceClient loads examples/greeter/greeter.rpc at run time and calls
// the generated GreeterServer of the test program (greeterHost) by name, over
// every transport.
TestCase {
    id: testCase
    name: "RpcInterfaceClient"

    property int socketCount: 0

    RpcPeer { id: peer }

    RpcInterfaceClient {
        id: greeter
        source: greeterFile
        peer: peer
    }

    SignalSpy { id: streams; target: greeter; signalName: "streamReceived" }

    // An untyped server for the negative service id test: answers `class`
    // (-7) with its own id, or with -9 (another negative id: an error) or an
    // error response (-1) when asked to.
    RpcServer {
        id: rawServer
        onRequestReceived: request => {
            if (request.text.indexOf("minus-nine") >= 0)
                request.sendResponse(-9, "")
            else if (request.text.indexOf("error") >= 0)
                request.sendErrorResponse("no class")
            else
                request.sendResponse(-7, request.text)
        }
    }

    RpcInterfaceClient {
        id: signed
        source: Qt.resolvedUrl("data/negative.rpc")
        peer: peer
    }

    function transports_data() {
        let rows = [ { tag: "tcp", address: "tcp://127.0.0.1:0" },
                     { tag: "unix", address: "unix:" + testTempDir + "/iface-" + (++socketCount) + ".sock" } ]
        if (testHaveSeqpacket)
            rows.push({ tag: "seqpacket", address: "seqpacket:" + testTempDir + "/iface-" + (++socketCount) + ".seq" })
        return rows
    }

    function connectTo(address) {
        const actual = greeterHost.listen(address)
        verify(actual.length > 0, "listen on " + address)
        peer.address = actual
        peer.active = true
        tryCompare(peer, "state", RpcPeer.Connected, 20000)
    }

    function cleanup() {
        peer.active = false
        tryCompare(peer, "state", RpcPeer.Unconnected, 20000)
        greeterHost.stop()
        streams.clear()
    }

    // Waits for a thenable to settle; returns { value } or { error }.
    function settle(thenable) {
        let outcome = null
        thenable.then(value => { outcome = { value: value } }, error => { outcome = { error: error } })
        tryVerify(() => outcome !== null, 20000)
        return outcome
    }

    function test_description() {
        compare(greeter.status, RpcInterfaceClient.Ready, greeter.errorString)
        compare(greeter.currentInterface, "Greeter")
        compare(greeter.interfaces, ["Greeter"])
        compare(greeter.doc, "Greets people, with progress.")
        compare(greeter.services.length, 2)
        const greet = greeter.services[0]
        compare(greet.name, "greet")
        compare(greet.id, 1)
        compare(greet.hidden, false)
        compare(greet.doc, "Greets `name` `times` times; one progress update per greeting.")
        compare(greet.requestType, "GreetRequest")
        compare(greet.responseType, "GreetResponse")
        compare(greet.responseUpdates.length, 1)
        compare(greet.responseUpdates[0].name, "progress")
        compare(greet.responseUpdates[0].type, "Progress")
        compare(greet.requestUpdates[0].name, "cancel")
        compare(greet.requestUpdates[0].type, "()")
        compare(greeter.services[1].name, "ping")
        compare(greeter.services[1].hidden, true)
        compare(greeter.service("ping").id, 99)
        compare(Object.keys(greeter.service("nope")).length, 0)
        compare(greeter.streams.length, 1)
        compare(greeter.streams[0].name, "log")
        compare(greeter.streams[0].type, "LogLine")
    }

    function test_typeSchema() {
        const request = greeter.typeSchema("GreetRequest")
        compare(request.kind, "struct")
        compare(request.name, "GreetRequest")
        compare(request.fields.map(f => f.name), ["name", "times", "style"])
        compare(request.fields[0].type.kind, "string")
        const times = request.fields[1].type
        compare(times.kind, "u32")
        compare(times.integer, true)
        compare(times.min, 0)
        compare(times.max, 4294967295)
        const style = request.fields[2]
        compare(style.optional, true)
        compare(style.type.kind, "option")
        compare(style.type.element.kind, "enum")
        const variants = style.type.element.variants
        compare(variants.map(v => v.name), ["Plain", "Shouting", "Custom"])
        compare(variants[0].kind, "unit")
        compare(variants[2].kind, "newtype")
        compare(variants[2].types[0].kind, "string")

        const response = greeter.typeSchema("GreetResponse")
        compare(response.fields[0].type.kind, "vec")
        compare(response.fields[0].type.element.kind, "string")

        const expression = greeter.typeSchema("Option<Vec<i8>>")
        compare(expression.kind, "option")
        compare(expression.element.element.min, -128)
        compare(expression.element.element.max, 127)
        compare(greeter.typeSchema("Vec<u8>").bytes, true)
        compare(greeter.typeSchema("f64").float, true)

        const unknown = greeter.typeSchema("Nope")
        compare(unknown.kind, "invalid")
        verify(unknown.error.indexOf("Nope") >= 0, unknown.error)

        compare(greeter.defaultValue("GreetRequest"), { name: "", times: 0, style: null })
        compare(greeter.defaultValue("Level"), "Debug")
        compare(greeter.defaultValue("Nope"), undefined)
    }

    Component {
        id: clientComponent
        RpcInterfaceClient { }
    }

    function test_recursiveTypes() {
        const client = createTemporaryObject(clientComponent, testCase,
                                             { source: Qt.resolvedUrl("data/two.rpc"), interfaceName: "Second" })
        compare(client.status, RpcInterfaceClient.Ready, client.errorString)
        compare(client.interfaces, ["First", "Second"])
        compare(client.currentInterface, "Second")
        compare(client.doc, "The second one.")
        compare(client.services[0].name, "b")
        const node = client.typeSchema("Node")
        compare(node.fields[1].type.kind, "vec")
        compare(node.fields[1].type.element.name, "Node")
        compare(node.fields[1].type.element.recursive, true)
        compare(node.fields[0].type.min, -32768)
        // The default interface is the first one.
        client.interfaceName = ""
        compare(client.currentInterface, "First")
    }

    function test_badFiles() {
        const client = createTemporaryObject(clientComponent, testCase)
        compare(client.status, RpcInterfaceClient.Null)
        const spy = createTemporaryObject(signalSpyComponent, testCase, { target: client, signalName: "statusChanged" })

        client.source = Qt.resolvedUrl("data/bad.rpc")
        compare(client.status, RpcInterfaceClient.Error)
        verify(/bad\.rpc:2:19: unknown type `Missing`/.test(client.errorString), client.errorString)
        compare(client.services.length, 0)
        compare(spy.count, 1)

        client.source = Qt.resolvedUrl("data/missing.rpc")
        compare(client.status, RpcInterfaceClient.Error)
        verify(client.errorString.indexOf("missing.rpc") >= 0, client.errorString)

        client.source = greeterFile
        compare(client.status, RpcInterfaceClient.Ready)
        client.interfaceName = "Nope"
        compare(client.status, RpcInterfaceClient.Error)
        verify(client.errorString.indexOf("no interface `Nope` (the file has: Greeter)") >= 0,
               client.errorString)

        // Calls without a file are refused.
        const outcome = settle(client.call("greet", { name: "Ada", times: 1 }))
        compare(outcome.error.code, RpcError.InvalidOperation)

        client.source = ""
        compare(client.status, RpcInterfaceClient.Null)
        compare(client.errorString, "")
    }

    Component {
        id: signalSpyComponent
        SignalSpy { }
    }

    function test_callByName_data() { return transports_data() }
    function test_callByName(data) {
        connectTo(data.address)
        const call = greeter.call("greet", { name: "Ada", times: 2, style: { Custom: "Hi" } })
        verify(call.open)
        compare(call.service, "greet")
        compare(call.serviceId, 1)
        let updates = []
        call.updateReceived.connect((name, body) => updates.push({ name: name, body: body }))
        const outcome = settle(call)
        verify(outcome.value !== undefined, outcome.error ? outcome.error.message : "")
        compare(outcome.value.greetings, ["Hi, Ada!", "Hi, Ada!"])
        compare(updates.length, 2)
        compare(updates[0].name, "progress")
        compare(updates[0].body, { done: 1, total: 2 })
        compare(updates[1].body, { done: 2, total: 2 })
        verify(!call.open)
        compare(call.error, RpcError.NoError)
        compare(call.response.greetings.length, 2)

        // A unit enum variant is its name; () is null.
        const shouting = settle(greeter.call("greet", { name: "Bo", times: 1, style: "Shouting" }))
        compare(shouting.value.greetings, ["HELLO, BO!"])
        const ping = settle(greeter.call("ping"))
        compare(ping.value, null)
    }

    function test_errorResponse_data() { return transports_data() }
    function test_errorResponse(data) {
        connectTo(data.address)
        const call = greeter.call("greet", { name: "Ada", times: 101 })
        const outcome = settle(call)
        compare(outcome.error.code, RpcError.RemoteError)
        compare(outcome.error.message, "times must be at most 100, got 101")
        compare(call.error, RpcError.RemoteError)
        compare(call.response, undefined)
    }

    // A response with the service's own negative id is a body
    // (RpcService::isErrorResponse()); -1 and other negative ids are errors.
    function test_negativeServiceId_data() { return transports_data() }
    function test_negativeServiceId(data) {
        compare(signed.status, RpcInterfaceClient.Ready, signed.errorString)
        rawServer.address = data.address
        rawServer.listening = true
        verify(rawServer.listening, rawServer.errorString)
        peer.address = rawServer.serverAddress
        peer.active = true
        tryCompare(peer, "state", RpcPeer.Connected, 20000)

        const call = signed.call("class", { class: "c", new: -3 })
        compare(call.serviceId, -7)
        const outcome = settle(call)
        verify(outcome.value !== undefined, outcome.error ? outcome.error.message : "")
        compare(outcome.value, { class: "c", new: -3 })
        compare(call.error, RpcError.NoError)

        const failed = settle(signed.call("class", { class: "error", new: 0 }))
        compare(failed.error.code, RpcError.RemoteError)
        compare(failed.error.message, "no class")

        const other = settle(signed.call("class", { class: "minus-nine", new: 0 }))
        compare(other.error.code, RpcError.RemoteError)

        peer.active = false
        tryCompare(peer, "state", RpcPeer.Unconnected, 20000)
        rawServer.listening = false
    }

    function test_cancel_data() { return transports_data() }
    function test_cancel(data) {
        connectTo(data.address)
        // cancel(): the interface has a request update `cancel`, so the
        // server is told and answers.
        const call = greeter.call("greet", { name: "Ada", times: 100 })
        let progress = 0
        call.updateReceived.connect((name, body) => progress = body.done)
        tryVerify(() => progress >= 1, 20000)
        verify(call.cancel())
        const outcome = settle(call)
        compare(outcome.error.code, RpcError.RemoteError)
        compare(outcome.error.message, "cancelled")
        compare(greeterHost.cancelCount, 1)

        // The update by name, as sendUpdate().
        const second = greeter.call("greet", { name: "Ada", times: 100 })
        let started = false
        second.updateReceived.connect(() => started = true)
        tryVerify(() => started, 20000)
        verify(second.sendUpdate("cancel", null))
        compare(settle(second).error.message, "cancelled")
        tryCompare(greeterHost, "cancelCount", 2, 20000)

        // abort() stops waiting without telling the server.
        const third = greeter.call("greet", { name: "Ada", times: 100 })
        third.abort()
        compare(settle(third).error.code, RpcError.Canceled)
    }

    function test_streams_data() { return transports_data() }
    function test_streams(data) {
        connectTo(data.address)
        verify(greeter.sendStream("log", { level: "Info", text: "hello" }))
        tryCompare(greeterHost, "logs", ["Info hello"], 20000)
        // The host echoes it back, upper-cased.
        tryCompare(streams, "count", 1, 20000)
        compare(streams.signalArguments[0][0], "log")
        compare(streams.signalArguments[0][1], { level: "Info", text: "HELLO" })
    }

    function test_schemaMismatch_data() { return transports_data() }
    function test_schemaMismatch(data) {
        connectTo(data.address)
        let outcome = settle(greeter.call("greet", { name: 5, times: 2 }))
        compare(outcome.error.code, RpcError.InvalidBody)
        verify(outcome.error.message.indexOf("`name`") >= 0, outcome.error.message)

        outcome = settle(greeter.call("greet", { name: "Ada", times: "two" }))
        verify(outcome.error.message.indexOf("`times`") >= 0, outcome.error.message)

        outcome = settle(greeter.call("greet", { name: "Ada", times: -1 }))
        verify(outcome.error.message.indexOf("`times`") >= 0, outcome.error.message)

        outcome = settle(greeter.call("greet", { name: "Ada", times: 1, style: { Loud: null } }))
        verify(outcome.error.message.indexOf("`style`") >= 0, outcome.error.message)

        outcome = settle(greeter.call("nope", {}))
        compare(outcome.error.code, RpcError.InvalidBody)
        verify(outcome.error.message.indexOf("no service `nope`") >= 0, outcome.error.message)

        let thrown = null
        try {
            greeter.sendStream("log", { level: "Loud", text: "x" })
        } catch (e) {
            thrown = e
        }
        verify(thrown instanceof TypeError)
        verify(thrown.message.indexOf("`level`") >= 0, thrown.message)

        thrown = null
        try {
            greeter.sendStream("nope", {})
        } catch (e) {
            thrown = e
        }
        verify(thrown.message.indexOf("no stream `nope`") >= 0, thrown.message)

        const call = greeter.call("greet", { name: "Ada", times: 100 })
        thrown = null
        try {
            call.sendUpdate("faster", {})
        } catch (e) {
            thrown = e
        }
        verify(thrown.message.indexOf("no request update `faster`") >= 0, thrown.message)
        thrown = null
        try {
            call.sendUpdate("cancel", 5)
        } catch (e) {
            thrown = e
        }
        verify(thrown instanceof TypeError, String(thrown))
        call.abort()
        settle(call)

        // Nothing invalid reached the server.
        compare(greeterHost.invalidBodies, [])
    }

    Component {
        id: peerComponent
        RpcPeer { }
    }

    function test_peerDestroyed() {
        // An open call finishes with ConnectionLost when its peer goes; the
        // client's peer turns null.
        const address = greeterHost.listen("tcp://127.0.0.1:0")
        const other = peerComponent.createObject(testCase, { address: address, active: true })
        tryCompare(other, "state", RpcPeer.Connected, 20000)
        const client = createTemporaryObject(clientComponent, testCase, { source: greeterFile, peer: other })
        const spy = createTemporaryObject(signalSpyComponent, testCase, { target: client, signalName: "peerChanged" })
        const call = client.call("greet", { name: "Ada", times: 100 })
        let progress = 0
        call.updateReceived.connect((name, body) => progress = body.done)
        tryVerify(() => progress >= 1, 20000)
        other.destroy()
        const outcome = settle(call)
        compare(outcome.error.code, RpcError.ConnectionLost)
        verify(!call.open)
        tryCompare(spy, "count", 1, 20000)
        compare(client.peer, null)
        // Calls without a peer are refused.
        compare(settle(client.call("ping")).error.code, RpcError.InvalidOperation)
    }

    function test_openCallSurvivesGarbageCollection() {
        connectTo("tcp://127.0.0.1:0")
        // Nothing refers to the call but the promise chain and its own
        // handlers: it stays alive while open and delivers everything.
        let updates = 0
        let outcome = null
        ;(function() {
            const call = greeter.call("greet", { name: "Ada", times: 3 })
            call.updateReceived.connect(() => ++updates)
            call.then(value => outcome = value)
        })()
        gc()
        tryVerify(() => updates >= 1, 20000)
        gc()
        tryVerify(() => outcome !== null, 20000)
        compare(updates, 3)
        compare(outcome.greetings.length, 3)
    }

    function test_notConnected() {
        const outcome = settle(greeter.call("greet", { name: "Ada", times: 1 }))
        compare(outcome.error.code, RpcError.NotConnected)
        verify(!greeter.sendStream("log", { level: "Debug", text: "x" }))
    }
}

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtTest
import Fizyr.Rpc
import Greeter

// The generated QML types of tests/auto/generated/types.rpc (every kind of
// type, keyword names, negative ids, unit bodies, request updates with
// data) over every transport, both ways: a KitchenServer on an RpcServer,
// and one on the connecting RpcPeer served by a client on the accepted peer.
TestCase {
    id: testCase
    name: "QmlGeneratedKitchen"

    property int socketCount: 0
    property var serverLog: []

    RpcServer { id: server }

    KitchenServer {
        id: kitchen
        server: server
        onEchoRequested: request => {
            request.moreReceived.connect(more => testCase.serverLog.push("more " + JSON.stringify(more)))
            request.pokeReceived.connect(() => {
                testCase.serverLog.push("poke")
                verify(request.respond(request.body))
            })
            verify(request.sendSeen([{ Circle: 2 }, "Nothing"]))
            verify(request.sendTick())
        }
        onClassRequested: request => request.respond(request.body)
        onPlainRequested: request => request.respond(["n=" + request.body])
        onNothingRequested: request => {
            testCase.serverLog.push("nothing " + JSON.stringify(request.body))
            request.respond()
        }
        onShapeReceived: (shape, peer) => testCase.serverLog.push("shape " + JSON.stringify(shape))
        onBeatReceived: (beat, peer) => testCase.serverLog.push("beat " + JSON.stringify(beat))
        onNamesReceived: (names, peer) => testCase.serverLog.push("names " + JSON.stringify(names))
    }

    RpcPeer { id: client }
    KitchenClient { id: kitchenClient; peer: client }

    Component { id: reverseServer; KitchenServer { } }
    Component { id: reverseClient; KitchenClient { } }

    function transports_data() {
        let rows = [ { tag: "tcp", address: "tcp://127.0.0.1:0" },
                     { tag: "unix", address: "unix:" + testTempDir + "/kitchen-" + (++socketCount) + ".sock" } ]
        if (testHaveSeqpacket)
            rows.push({ tag: "seqpacket", address: "seqpacket:" + testTempDir + "/kitchen-" + (++socketCount) + ".seq" })
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
        serverLog = []
        client.active = false
        tryCompare(client, "state", RpcPeer.Unconnected, 20000)
        tryCompare(server, "peerCount", 0, 20000)
        server.listening = false
    }

    function everything() {
        return {
            flag: true, small: -8, medium: -16, intValue: -32, big: -64,
            ubyte: 8, ushort: 16, uint: 32, ulong: 64, single: 1.5, double: 2.25,
            text: "h\u00e9llo", bytes: new Uint8Array([1, 2, 255]).buffer,
            list: [{ x: 1, y: 2 }], maybe: null, maybeList: [1, 2],
            map: { a: "Nothing", b: { Circle: 1.5 } }, hash: { k: "v", n: null },
            unitStruct: null, empty: {},
            node: { label: "root", children: [{ label: "leaf", children: [] }] },
            "the-shape": { Poly: { points: [{ x: 0, y: 0 }], closed: true } }
        }
    }

    // Every kind of value round trip, with updates with data and unit
    // updates both ways.
    function test_echo_data() { return transports_data() }
    function test_echo(data) {
        connectTo(data.address)
        let result = null
        const call = kitchenClient.echo(everything())
        call.seenReceived.connect(seen => {
            verify(call.sendMore({ Rect: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }))
            verify(call.sendPoke())
        })
        let ticks = 0
        call.tickReceived.connect(() => ++ticks)
        call.then(response => { result = response }, error => { result = error.message })
        tryVerify(() => result !== null, 20000)
        verify(typeof result === "object", result)
        compare(result.text, "h\u00e9llo")
        compare(Array.from(new Uint8Array(result.bytes)), [1, 2, 255])
        compare(result.intValue, -32)
        compare(result.map.b, { Circle: 1.5 })
        compare(result.hash, { k: "v", n: null })
        compare(result.node.children[0].label, "leaf")
        compare(result["the-shape"].Poly.closed, true)
        compare(result.maybe, null)
        compare(call.seen, [{ Circle: 2 }, "Nothing"])
        compare(call.tick, null)
        compare(ticks, 1)
        compare(serverLog, ["more {\"Rect\":[{\"x\":1,\"y\":1},{\"x\":2,\"y\":2}]}", "poke"])
    }

    // Plain values and unit bodies; keyword names (class_, whose id -7 is
    // negative: its response carries -7 and is a body, not an error, by
    // RpcService::isErrorResponse()).
    function test_services_data() { return transports_data() }
    function test_services(data) {
        connectTo(data.address)
        let results = []
        kitchenClient.plain(5).then(r => results.push(r), e => results.push("plain: " + e.message))
        kitchenClient.nothing().then(r => results.push(r), e => results.push("nothing: " + e.message))
        tryCompare(results, "length", 2, 20000)
        compare(results[0], ["n=5"])
        compare(results[1], null)
        compare(serverLog, ["nothing null"])
        // A missing field is named.
        let message = null
        kitchenClient.class_({ class: "c" }).then(() => { message = "resolved" }, e => { message = e.message })
        tryVerify(() => message !== null, 20000)
        verify(message.indexOf("new") >= 0, message)
        // Over the wire: the server answers with service id -7.
        let keywords = null
        kitchenClient.class_({ class: "c", new: -3, delete: true, namespace: ["a", "b"] })
            .then(r => { keywords = r }, e => { keywords = "class_: " + e.message })
        tryVerify(() => keywords !== null, 20000)
        compare(keywords, { class: "c", new: -3, delete: true, namespace: ["a", "b"] })
    }

    // Streams both ways: the typed client sends, the typed server receives;
    // the accepted peer sends, the typed client receives.
    function test_streams_data() { return transports_data() }
    function test_streams(data) {
        connectTo(data.address)
        verify(kitchenClient.sendShape(Shape.Nothing))
        verify(kitchenClient.sendBeat())
        verify(kitchenClient.sendNames(["a", "b"]))
        tryCompare(serverLog, "length", 3, 20000)
        compare(serverLog, ["shape \"Nothing\"", "beat null", "names [\"a\",\"b\"]"])
        let received = []
        kitchenClient.namesReceived.connect(names => received.push(names))
        kitchenClient.shapeReceived.connect(shape => received.push(shape))
        verify(server.peers[0].sendStream(3, "[\"x\"]"))
        verify(server.peers[0].sendStream(1, "{\"Circle\":0.5}"))
        tryCompare(received, "length", 2, 20000)
        compare(received, [["x"], { Circle: 0.5 }])
    }

    // A typed server on a QML RpcPeer (peer:) answers a typed client on the
    // peer the RpcServer accepted: the other direction.
    function test_reverse_data() { return transports_data() }
    function test_reverse(data) {
        connectTo(data.address)
        const served = reverseServer.createObject(testCase, { peer: client })
        served.plainRequested.connect(request => {
            compare(request.peer, client)
            request.respond(["reverse " + request.body])
        })
        const caller = reverseClient.createObject(testCase, { peer: server.peers[0] })
        let result = null
        caller.plain(7).then(r => { result = r }, e => { result = e.message })
        tryVerify(() => result !== null, 20000)
        compare(result, ["reverse 7"])
        // Not claimed by the reverse server: the QML peer answers as unhandled.
        result = null
        server.peers[0].call(1234, "x").then(() => { result = "resolved" }, e => { result = e.message })
        tryVerify(() => result !== null, 20000)
        compare(result, "unexpected request for service 1234")
        caller.destroy()
        served.destroy()
    }
}

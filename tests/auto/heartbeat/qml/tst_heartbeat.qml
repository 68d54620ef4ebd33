// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtTest
import Fizyr.Rpc

// RpcPeer's keep-alive and heartbeat properties and its timeout, which is
// the C++ peer's defaultTimeout.
TestCase {
    id: testCase
    name: "QmlHeartbeat"

    property int socketCount: 0
    property int pings: 0
    // Answer this many pings, then keep the next ones open.
    property int answerFirst: 3
    property var held: []

    RpcServer {
        id: server
        onRequestReceived: request => {
            if (request.serviceId !== 99) {
                request.sendResponse(0, "other")
                return
            }
            ++testCase.pings
            if (testCase.pings <= testCase.answerFirst)
                request.sendResponse(0, "pong")
            else
                testCase.held.push(request)
        }
    }

    RpcPeer { id: client }
    SignalSpy { id: livenessSpy; target: client; signalName: "livenessChanged" }
    SignalSpy { id: timeoutSpy; target: client; signalName: "timeoutChanged" }

    function transports_data() {
        let rows = [ { tag: "tcp", address: "tcp://127.0.0.1:0" },
                     { tag: "unix", address: "unix:" + testTempDir + "/hb-" + (++socketCount) + ".sock" } ]
        if (testHaveSeqpacket)
            rows.push({ tag: "seqpacket", address: "seqpacket:" + testTempDir + "/hb-" + (++socketCount) + ".seq" })
        return rows
    }

    function cleanup() {
        client.active = false
        tryCompare(client, "state", RpcPeer.Unconnected, 20000)
        server.listening = false
        pings = 0
        answerFirst = 3
        held = []
    }

    function test_defaults() {
        compare(client.keepAlive, true)
        compare(client.keepAliveIdle, 60)
        compare(client.keepAliveInterval, 10)
        compare(client.keepAliveCount, 6)
        compare(client.heartbeatInterval, 0)
        compare(client.heartbeatTimeout, 10000)
        livenessSpy.clear()
        client.keepAliveIdle = 30
        compare(client.keepAliveIdle, 30)
        compare(livenessSpy.count, 1)
        client.keepAliveIdle = 30
        compare(livenessSpy.count, 1)
        client.keepAlive = false
        compare(client.keepAlive, false)
        client.keepAlive = true
        client.keepAliveIdle = 60
        compare(livenessSpy.count, 4)
    }

    function test_timeoutIsDefaultTimeout() {
        timeoutSpy.clear()
        client.timeout = 250
        compare(client.rpcPeer.defaultTimeout, 250)
        compare(timeoutSpy.count, 1)
        client.rpcPeer.defaultTimeout = 300
        compare(client.timeout, 300)
        compare(timeoutSpy.count, 2)
        client.timeout = 0
        compare(client.rpcPeer.defaultTimeout, 0)
    }

    function test_heartbeat_data() { return transports_data() }
    function test_heartbeat(data) {
        server.address = data.address
        server.listening = true
        verify(server.listening, server.errorString)
        client.address = server.serverAddress
        client.heartbeatServiceId = 99
        client.heartbeatInterval = 20
        client.heartbeatTimeout = 300
        client.active = true
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        // Answered pings keep it up; the first unanswered one closes it.
        tryVerify(() => testCase.pings >= 3, 20000)
        tryCompare(client, "state", RpcPeer.Unconnected, 20000)
        compare(client.error, RpcError.HeartbeatTimeout)
        verify(client.errorString.indexOf("heartbeat") >= 0, client.errorString)
        compare(client.active, false)
        verify(pings <= 4, "pings: " + pings)
        // Back to no heartbeat: the next connection stays up.
        client.heartbeatInterval = 0
        testCase.pings = 0
        client.active = true
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        let answered = false
        client.call(1, "x").then(() => { answered = true })
        tryVerify(() => answered, 20000)
        compare(testCase.pings, 0)
    }
}

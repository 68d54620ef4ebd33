// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

import QtQuick
import QtTest
import Fizyr.Rpc

// QML hosts a server and connects a peer to it, over every transport, and
// drives each protocol flow from JavaScript.
TestCase {
    id: testCase
    name: "FizyrRpcQml"

    property int socketCount: 0
    // What the server's handler does with the next request; set per test.
    property var serve: null
    // Requests the server received, in order.
    property var served: []
    // Bindings to the client's error, which must follow every change.
    property int boundClientError: client.error
    property string boundClientErrorString: client.errorString

    RpcServer {
        id: server
        onRequestReceived: request => {
            testCase.served.push(request)
            if (testCase.serve)
                testCase.serve(request)
        }
        // Stream messages are echoed with the service id plus 1000.
        onStreamReceived: (peer, message) => peer.sendStream(message.serviceId + 1000, message.body)
    }

    RpcPeer {
        id: client
    }

    SignalSpy { id: clientStreams; target: client; signalName: "streamReceived" }
    SignalSpy { id: serverPeers; target: server; signalName: "peerConnected" }

    function transports_data() {
        let rows = [ { tag: "tcp", address: "tcp://127.0.0.1:0" },
                     { tag: "unix", address: "unix:" + testTempDir + "/qml-" + (++socketCount) + ".sock" } ]
        if (testHaveSeqpacket)
            rows.push({ tag: "seqpacket", address: "seqpacket:" + testTempDir + "/qml-" + (++socketCount) + ".seq" })
        return rows
    }

    function connectTo(address) {
        server.address = address
        server.listening = true
        verify(server.listening, server.errorString)
        verify(server.serverAddress.length > 0)
        client.address = server.serverAddress
        client.active = true
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        tryCompare(server, "peerCount", 1, 20000)
    }

    function cleanup() {
        serve = null
        served = []
        client.active = false
        tryCompare(client, "state", RpcPeer.Unconnected, 20000)
        tryCompare(server, "peerCount", 0, 20000)
        server.listening = false
        clientStreams.clear()
        serverPeers.clear()
    }

    // Runs the event loop until a stream message went to the server and
    // back: whatever was queued before it has been delivered by then.
    function roundTrip() {
        const before = clientStreams.count
        verify(client.sendStream(77, "sync"))
        tryCompare(clientStreams, "count", before + 1, 20000)
    }

    function bytes(buffer) {
        return Array.from(new Uint8Array(buffer))
    }

    // A request with updates both ways: two responder updates, one
    // requester update, then the response, all in order.
    function test_requestWithUpdates_data() { return transports_data() }
    function test_requestWithUpdates(data) {
        connectTo(data.address)
        let serverLog = []
        serve = request => {
            compare(request.incoming, true)
            compare(request.serviceId, 1)
            compare(request.text, "hello")
            request.updateReceived.connect(update => {
                serverLog.push(update.typeName + ":" + update.serviceId + ":" + update.text)
                request.sendResponse(1, "done after " + update.text)
            })
            verify(request.sendUpdate(10, "first"))
            verify(request.sendUpdate(11, "second"))
        }
        let clientLog = []
        let request = client.sendRequest(1, "hello")
        compare(request.incoming, false)
        compare(request.open, true)
        compare(request.serviceId, 1)
        request.updateReceived.connect(update => {
            clientLog.push(update.typeName + ":" + update.serviceId + ":" + update.text)
            if (clientLog.length === 2)
                request.sendUpdate(20, "third")
        })
        let responses = []
        request.responseReceived.connect(response => responses.push(response))
        // finished is a signal, not hidden by a property of the same name.
        compare(typeof request.finished, "function")
        compare(typeof request.finished.connect, "function")
        let finishedCount = 0
        request.finished.connect(() => ++finishedCount)
        tryCompare(request, "open", false, 20000)
        compare(finishedCount, 1)
        // The library's spelling of message types (RpcMessage::typeName()).
        compare(clientLog, ["responder-update:10:first", "responder-update:11:second"])
        compare(serverLog, ["requester-update:20:third"])
        compare(responses.length, 1)
        compare(responses[0].type, RpcMessage.Response)
        compare(responses[0].requestId, request.requestId)
        compare(responses[0].text, "done after third")
        compare(request.response.text, "done after third")
        compare(request.errorString, "")
        compare(request.error, RpcError.NoError)
        compare(request.open, false)
        compare(client.openRequestCount, 0)
    }

    // The C++ objects behind RpcPeer and RpcServer, for C++ code reached
    // through the meta-object (contract of rpcPeer and rpcServer).
    function test_cppObjects_data() { return transports_data() }
    function test_cppObjects(data) {
        verify(client.rpcPeer)
        verify(server.rpcServer)
        compare(destructionProbe.objectClassOf(client, "rpcPeer"), "Fizyr::RpcPeer")
        compare(destructionProbe.objectClassOf(server, "rpcServer"), "Fizyr::RpcServer")
        const before = client.rpcPeer
        connectTo(data.address)
        compare(client.rpcPeer, before)
        compare(serverPeers.count, 1)
        const accepted = serverPeers.signalArguments[0][0]
        compare(destructionProbe.objectClassOf(accepted, "rpcPeer"), "Fizyr::RpcPeer")
        verify(accepted.rpcPeer !== client.rpcPeer)
    }

    // call() resolves with the response; JSON bodies both ways.
    function test_callWithJson_data() { return transports_data() }
    function test_callWithJson(data) {
        connectTo(data.address)
        serve = request => request.sendResponse(1, { greeting: "hi " + request.json.name, n: request.json.n + 1 })
        let result = null
        client.call(1, { name: "qml", n: 41 }).then(response => result = response.json)
        tryVerify(() => result !== null, 20000)
        compare(result.greeting, "hi qml")
        compare(result.n, 42)
        compare(served[0].text, '{"name":"qml","n":41}')
        // A request is a thenable: Promise.resolve() adopts it.
        let adopted = null
        Promise.resolve(client.sendRequest(1, { name: "thenable", n: 1 })).then(response => adopted = response.json)
        tryVerify(() => adopted !== null, 20000)
        compare(adopted.greeting, "hi thenable")
    }

    // Binary bodies: ArrayBuffer and typed arrays arrive byte for byte.
    function test_binaryBodies_data() { return transports_data() }
    function test_binaryBodies(data) {
        connectTo(data.address)
        serve = request => request.sendResponse(2, request.body)
        let all = new Uint8Array(256)
        for (let i = 0; i < 256; ++i)
            all[i] = i
        let viaBuffer = null
        let viaView = null
        client.call(2, all.buffer).then(response => viaBuffer = response.body)
        client.call(2, all.subarray(250, 256)).then(response => viaView = response.body)
        tryVerify(() => viaBuffer !== null && viaView !== null, 20000)
        compare(viaBuffer.byteLength, 256)
        compare(bytes(viaBuffer), Array.from(all))
        compare(bytes(viaView), [250, 251, 252, 253, 254, 255])
        compare(served[0].message.size, 256)
    }

    // An error response rejects the promise with its text and fires
    // errorOccurred, then finished, once.
    function test_errorResponse_data() { return transports_data() }
    function test_errorResponse(data) {
        connectTo(data.address)
        serve = request => request.sendErrorResponse("no service " + request.serviceId)
        let request = client.sendRequest(99, "x")
        let errors = []
        request.errorOccurred.connect(text => errors.push(text))
        let rejection = null
        request.then(() => fail("an error response must not fulfil"), error => rejection = error)
        tryVerify(() => rejection !== null, 20000)
        compare(errors, ["no service 99"])
        compare(rejection.message, "no service 99")
        compare(rejection.code, RpcError.RemoteError)
        compare(request.error, RpcError.RemoteError)
        compare(rejection.response.isError, true)
        compare(rejection.response.errorText, "no service 99")
        compare(request.open, false)
        compare(request.response.isError, true)
    }

    // Stream messages both ways; the server echoes with service id + 1000.
    function test_streams_data() { return transports_data() }
    function test_streams(data) {
        connectTo(data.address)
        verify(client.sendStream(5, "one"))
        verify(client.sendStream(6, { two: 2 }))
        tryCompare(clientStreams, "count", 2, 20000)
        let first = clientStreams.signalArguments[0][0]
        let second = clientStreams.signalArguments[1][0]
        compare(first.type, RpcMessage.Stream)
        compare(first.serviceId, 1005)
        compare(first.text, "one")
        compare(second.serviceId, 1006)
        compare(second.json.two, 2)
    }

    // A request nobody handles is answered with an error response.
    function test_unhandledRequest() {
        connectTo("tcp://127.0.0.1:0")
        let peer = serverPeers.signalArguments[0][0]
        let rejection = null
        peer.call(3, "to the client").catch(error => rejection = error)
        tryVerify(() => rejection !== null, 20000)
        compare(rejection.message, "unexpected request for service 3")
    }

    // The server side drops the connection: every open request on the
    // client finishes with an error exactly once and its promise rejects.
    function test_connectionLoss_data() { return transports_data() }
    function test_connectionLoss(data) {
        connectTo(data.address)
        let requests = []
        let finishedCount = 0
        let rejected = 0
        for (let i = 0; i < 5; ++i) {
            let request = client.sendRequest(1, "open " + i)
            request.finished.connect(() => ++finishedCount)
            request.promise().catch(() => ++rejected)
            requests.push(request)
        }
        tryCompare(testCase.served, "length", 5, 20000)
        compare(client.openRequestCount, 5)
        served[0].peer.abort()
        tryCompare(client, "state", RpcPeer.Unconnected, 20000)
        tryVerify(() => rejected === 5, 20000)
        compare(finishedCount, 5)
        for (let request of requests) {
            compare(request.open, false)
            verify(request.errorString.length > 0)
        }
        compare(client.active, false)
        compare(client.openRequestCount, 0)
    }

    // Destroying a peer finishes its open requests with an error, once.
    Component {
        id: peerComponent
        RpcPeer { }
    }

    function test_destroyedPeer_data() { return transports_data() }
    function test_destroyedPeer(data) {
        connectTo(data.address)
        let peer = peerComponent.createObject(testCase, { address: server.serverAddress, active: true })
        tryCompare(peer, "state", RpcPeer.Connected, 20000)
        let request = peer.sendRequest(1, "never answered")
        let errors = []
        let finishedCount = 0
        request.errorOccurred.connect(text => errors.push(text))
        request.finished.connect(() => ++finishedCount)
        let rejection = null
        request.promise().catch(error => rejection = error)
        tryCompare(testCase.served, "length", 1, 20000)
        peer.destroy()
        tryVerify(() => rejection !== null, 20000)
        compare(finishedCount, 1)
        compare(errors.length, 1)
        compare(request.open, false)
        compare(rejection.code, RpcError.ConnectionLost)
        compare(request.error, RpcError.ConnectionLost)
        // The server sees the connection go and drops its peer.
        tryCompare(server, "peerCount", 1, 20000)
    }

    // An open request cannot be destroyed from JavaScript: the library owns
    // it until it finished.
    function test_openRequestIsNotDestroyable() {
        connectTo("tcp://127.0.0.1:0")
        let pending = []
        serve = request => pending.push(request)
        let request = client.sendRequest(1, "keep me")
        let threw = false
        try {
            request.destroy()
        } catch (e) {
            threw = true
        }
        verify(threw)
        tryCompare(pending, "length", 1, 20000)
        roundTrip()
        compare(client.openRequestCount, 1)
        compare(request.open, true)
        pending[0].sendResponse(1, "still here")
        tryCompare(request, "open", false, 20000)
        compare(request.response.text, "still here")
        compare(client.openRequestCount, 0)
    }

    // A failed send leaves its error on the request; finishing well clears
    // it again, with a change notification for bindings.
    function test_errorClearedWhenFinishedWell() {
        connectTo("tcp://127.0.0.1:0")
        let changes = 0
        serve = request => {
            request.errorChanged.connect(() => ++changes)
            verify(!request.sendResponse(1, "x".repeat(9000)))
            compare(changes, 1)
            verify(request.errorString.length > 0)
            verify(request.sendResponse(1, "fits"))
        }
        let answer = null
        client.call(1, "go").then(response => answer = response.text)
        tryVerify(() => answer !== null, 20000)
        compare(answer, "fits")
        compare(changes, 2)
        compare(served[0].errorString, "")
        compare(served[0].error, RpcError.NoError)
    }

    // Whatever JSON.stringify() throws, nothing is sent and a TypeError says why.
    function test_bodyWhoseToJsonThrows() {
        connectTo("tcp://127.0.0.1:0")
        for (let thrown of ["a string", 42, new Error("an error")]) {
            let threw = null
            try {
                client.sendStream(1, { toJSON() { throw thrown } })
            } catch (e) {
                threw = e
            }
            verify(threw instanceof TypeError, String(thrown))
        }
        verify(client.sendStream(2, "after"))
        tryCompare(clientStreams, "count", 1, 20000)
        compare(clientStreams.signalArguments[0][0].serviceId, 1002)
    }

    // active false and true again in one go, while the old connection is
    // still closing, connects again.
    function test_activeToggledWhileClosing_data() { return transports_data() }
    function test_activeToggledWhileClosing(data) {
        connectTo(data.address)
        verify(client.sendStream(1, "x".repeat(3000)))
        compare(serverPeers.count, 1)
        client.active = false
        client.active = true
        // A second connection reaches the server, and only that one stays.
        tryCompare(serverPeers, "count", 2, 20000)
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        compare(client.active, true)
        tryCompare(server, "peerCount", 1, 20000)
    }

    // An address that arrives one step after active: the first attempt's
    // "invalid address" must not turn up during the second one.
    function test_addressAfterActive() {
        server.address = "tcp://127.0.0.1:0"
        server.listening = true
        let errors = []
        let onError = text => errors.push(text)
        client.errorOccurred.connect(onError)
        client.address = ""
        client.active = true
        client.address = server.serverAddress
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        roundTrip()
        client.errorOccurred.disconnect(onError)
        compare(errors, [])
        compare(client.errorString, "")
        compare(client.active, true)
        tryCompare(server, "peerCount", 1, 20000)
    }

    // Changing the address while connected reconnects; disconnected() of the
    // old connection comes before the new attempt starts.
    function test_addressChangeReconnects() {
        connectTo("tcp://127.0.0.1:0")
        let statesAtDisconnect = []
        let onDisconnected = () => statesAtDisconnect.push(client.state)
        client.disconnected.connect(onDisconnected)
        client.address = server.serverAddress.replace("127.0.0.1", "localhost")
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        client.disconnected.disconnect(onDisconnected)
        compare(statesAtDisconnect, [RpcPeer.Unconnected])
        compare(client.active, true)
        tryCompare(server, "peerCount", 1, 20000)
    }

    // Sending without a connection fails from the event loop, not at once.
    function test_notConnected() {
        let rejection = null
        client.call(1, "nobody").catch(error => rejection = error)
        tryVerify(() => rejection !== null, 20000)
        verify(rejection.message.length > 0)
        compare(rejection.code, RpcError.NotConnected)
        compare(client.sendStream(1, "x"), false)
        compare(client.error, RpcError.NotConnected)
        verify(client.errorString.length > 0)
    }

    // A body that cannot be sent throws a TypeError and sends nothing.
    function test_invalidBody() {
        connectTo("tcp://127.0.0.1:0")
        let threw = false
        try {
            client.sendRequest(1, function() {})
        } catch (e) {
            threw = e instanceof TypeError
        }
        verify(threw)
        let cyclic = {}
        cyclic.self = cyclic
        threw = false
        try {
            client.sendStream(1, cyclic)
        } catch (e) {
            threw = e instanceof TypeError
        }
        verify(threw)
        compare(client.openRequestCount, 0)
    }

    // An address the library cannot use: active falls back, errorString says why.
    function test_badAddress() {
        let errors = []
        let onError = text => errors.push(text)
        client.errorOccurred.connect(onError)
        client.address = "bogus://nowhere"
        client.active = true
        tryCompare(client, "active", false, 20000)
        client.errorOccurred.disconnect(onError)
        compare(client.state, RpcPeer.Unconnected)
        compare(errors.length, 1)
        compare(client.error, RpcError.InvalidAddress)
        verify(client.errorString.length > 0)
        server.address = "tcp://256.1.1.1:1"
        server.listening = true
        compare(server.listening, false)
        compare(server.error, RpcError.InvalidAddress)
        verify(server.errorString.length > 0)
    }

    // RpcError is a QML enum: its names are usable from QML, as numbers, and
    // the error properties and error codes compare equal to them.
    function test_rpcErrorEnum() {
        compare(typeof RpcError.NoError, "number")
        const names = ["InvalidAddress", "ConnectionRefused", "RemoteClosed", "NotConnected",
                       "DuplicateRequestId", "UnknownRequestId", "PayloadTooLarge",
                       "WriteBufferFull", "RemoteError", "ConnectionLost", "Timeout", "Canceled"]
        let values = [RpcError.NoError]
        for (let name of names) {
            compare(typeof RpcError[name], "number", name)
            verify(values.indexOf(RpcError[name]) === -1, name)
            values.push(RpcError[name])
        }
        compare(typeof client.error, "number")
        compare(typeof server.error, "number")
    }

    // error and errorString are the C++ peer's own, with errorChanged on
    // every change: a failed send sets them, the next connection attempt
    // clears them, and bindings follow.
    function test_peerErrorFollowsEveryChange_data() { return transports_data() }
    function test_peerErrorFollowsEveryChange(data) {
        connectTo(data.address)
        compare(client.error, RpcError.NoError)
        client.active = false
        tryCompare(client, "state", RpcPeer.Unconnected, 20000)
        tryCompare(server, "peerCount", 0, 20000)
        let changes = 0
        let onChange = () => ++changes
        client.errorChanged.connect(onChange)
        const before = client.error
        compare(client.sendStream(1, "nobody listens"), false)
        compare(client.error, RpcError.NotConnected)
        verify(client.errorString.length > 0)
        compare(changes, before === RpcError.NotConnected ? 0 : 1)
        compare(testCase.boundClientError, RpcError.NotConnected)
        compare(testCase.boundClientErrorString, client.errorString)
        changes = 0
        client.active = true
        tryCompare(client, "state", RpcPeer.Connected, 20000)
        client.errorChanged.disconnect(onChange)
        compare(changes, 1)
        compare(client.error, RpcError.NoError)
        compare(client.errorString, "")
        compare(testCase.boundClientError, RpcError.NoError)
        compare(testCase.boundClientErrorString, "")
    }

    // A request's error is the C++ request's: a timeout, abort() and an error
    // response each give their RpcError, with one errorChanged, and reject
    // the Promise with the same code.
    function test_requestErrors_data() { return transports_data() }
    function test_requestErrors(data) {
        connectTo(data.address)
        let pending = []
        serve = request => {
            if (request.serviceId === 3)
                request.sendErrorResponse("refused")
            else
                pending.push(request)
        }
        function track(request) {
            let record = { changes: 0, code: null, errorAtFinish: null }
            request.errorChanged.connect(() => ++record.changes)
            request.finished.connect(() => record.errorAtFinish = request.error)
            request.promise().catch(error => record.code = error.code)
            return record
        }
        let timedOut = client.sendRequest(1, "never answered")
        timedOut.timeout = 50
        let t = track(timedOut)
        let canceled = client.sendRequest(2, "canceled")
        let c = track(canceled)
        let refused = client.sendRequest(3, "refused")
        let r = track(refused)
        canceled.abort()
        tryVerify(() => t.code !== null && c.code !== null && r.code !== null, 20000)
        const cases = [[timedOut, t, RpcError.Timeout], [canceled, c, RpcError.Canceled],
                       [refused, r, RpcError.RemoteError]]
        for (let [request, record, expected] of cases) {
            compare(record.code, expected)
            compare(record.errorAtFinish, expected)
            compare(request.error, expected)
            compare(record.changes, 1)
            verify(request.errorString.length > 0)
            compare(request.open, false)
        }
        compare(refused.errorString, "refused")
        compare(refused.response.isError, true)
        compare(timedOut.response.valid, false)
    }

    // A server's error is the C++ server's: listening where another server
    // listens fails with AddressInUse, listening elsewhere clears it, each
    // with errorChanged.
    Component {
        id: serverComponent
        RpcServer { }
    }

    function test_serverErrors_data() { return transports_data() }
    function test_serverErrors(data) {
        server.address = data.address
        server.listening = true
        verify(server.listening, server.errorString)
        let second = serverComponent.createObject(testCase, { address: server.serverAddress })
        let changes = 0
        second.errorChanged.connect(() => ++changes)
        let errors = []
        second.errorOccurred.connect(text => errors.push(text))
        verify(!second.listen())
        compare(second.listening, false)
        compare(second.error, RpcError.AddressInUse)
        verify(second.errorString.length > 0)
        compare(errors, [second.errorString])
        compare(changes, 1)
        second.address = data.tag === "tcp" ? "tcp://127.0.0.1:0" : data.address + "2"
        verify(second.listen())
        compare(second.listening, true)
        compare(second.error, RpcError.NoError)
        compare(second.errorString, "")
        compare(changes, 2)
        compare(errors.length, 1)
        second.destroy()
    }

    // An error the connection survives: the server's peer gets an update for
    // a request it has already answered (an unknown request id). In its
    // errorOccurred handler the state is still Connected, which is how QML
    // tells; error names what happened, and the connection goes on.
    function test_survivedError_data() { return transports_data() }
    function test_survivedError(data) {
        connectTo(data.address)
        let peer = serverPeers.signalArguments[0][0]
        let seen = []
        peer.errorOccurred.connect(text => seen.push({ text: text, state: peer.state, error: peer.error }))
        serve = request => request.sendResponse(1, "answered at once")
        let request = client.sendRequest(1, "question")
        verify(request.sendUpdate(2, "too late"))
        tryCompare(request, "open", false, 20000)
        tryCompare(seen, "length", 1, 20000)
        compare(seen[0].state, RpcPeer.Connected)
        compare(seen[0].error, RpcError.UnknownRequestId)
        compare(seen[0].text, peer.errorString)
        roundTrip()
        compare(client.state, RpcPeer.Connected)
        compare(peer.state, RpcPeer.Connected)
        compare(client.active, true)
        compare(request.error, RpcError.NoError)
        compare(request.response.text, "answered at once")
    }

    // A failed connection attempt: in errorOccurred the peer is already
    // Unconnected (the error ended the attempt), and active falls back.
    function test_failedAttempt_data() { return transports_data() }
    function test_failedAttempt(data) {
        server.address = data.address
        server.listening = true
        verify(server.listening, server.errorString)
        const address = server.serverAddress
        server.listening = false // nobody listens there any more
        let seen = []
        let onError = text => seen.push({ text: text, state: client.state, error: client.error })
        client.errorOccurred.connect(onError)
        client.address = address
        client.active = true
        tryCompare(client, "active", false, 20000)
        client.errorOccurred.disconnect(onError)
        compare(seen.length, 1)
        compare(seen[0].state, RpcPeer.Unconnected)
        verify(seen[0].error !== RpcError.NoError)
        compare(seen[0].text, client.errorString)
        compare(client.error, seen[0].error)
        compare(client.state, RpcPeer.Unconnected)
    }

    // Garbage collection while requests are open: no JavaScript variable
    // refers to them, only promise callbacks. They are not collected while
    // open and all complete; once finished, the collector deletes them.
    function test_garbageCollection_data() { return transports_data() }
    function test_garbageCollection(data) {
        connectTo(data.address)
        const count = 50
        let pending = []
        serve = request => pending.push(request)
        let answers = 0
        destructionProbe.reset()
        let updates = 0
        // Nothing in this scope refers to the request once it returns. Half
        // of them have handlers that refer to nothing either (only the
        // library keeps those alive while open); the other half have handlers
        // that refer to their own request (a cycle to break once finished).
        // Two functions: a closure keeps its whole scope, request included.
        function sendPlain(i) {
            let request = client.sendRequest(1, "gc " + i)
            destructionProbe.watch(request)
            request.updateReceived.connect(() => ++updates)
            request.then(response => {
                if (response.text === "answer to " + response.requestId)
                    ++answers
            })
        }
        function sendSelfReferencing(i) {
            let request = client.sendRequest(1, "gc " + i)
            destructionProbe.watch(request)
            request.updateReceived.connect(() => {
                if (request.open)
                    ++updates
            })
            request.then(response => {
                if (response.text === "answer to " + request.requestId)
                    ++answers
            })
        }
        function send(i) {
            if (i % 2 === 0)
                sendPlain(i)
            else
                sendSelfReferencing(i)
        }
        for (let i = 0; i < count; ++i)
            send(i)
        tryCompare(testCase.served, "length", count, 20000)
        for (let round = 0; round < 20; ++round) {
            gc()
            roundTrip() // lets the collector's deferred deletions run
        }
        compare(destructionProbe.destroyedCount, 0)
        compare(client.openRequestCount, count)
        // Answer in reverse order, with an update first and the request id in the body.
        for (let i = pending.length - 1; i >= 0; --i) {
            pending[i].sendUpdate(2, "working")
            gc()
            pending[i].sendResponse(1, "answer to " + pending[i].requestId)
        }
        pending = []
        served = []
        tryCompare(client, "openRequestCount", 0, 20000)
        tryVerify(() => answers === count, 20000)
        compare(updates, count)
        // Finished and referred to by nothing: the collector deletes them.
        tryVerify(() => { gc(); return destructionProbe.destroyedCount === count }, 20000)
    }

    SignalSpy { id: serverStreams; target: server; signalName: "streamReceived" }
    SignalSpy { id: clientPauses; target: client; signalName: "readingPausedChanged" }
    SignalSpy { id: clientDrained; target: client; signalName: "writeBufferDrained" }

    // readingPaused holds what the server sends until it is cleared; then
    // everything arrives, in order.
    function test_readingPaused_data() { return transports_data() }
    function test_readingPaused(data) {
        connectTo(data.address)
        serverStreams.clear()
        clientPauses.clear()
        verify(clientDrained.valid)
        compare(client.readingPaused, false)
        client.readingPaused = true
        compare(clientPauses.count, 1)
        for (let i = 0; i < 5; ++i)
            verify(client.sendStream(i, "m" + i))
        // The server echoed all five; the paused client holds them.
        tryCompare(serverStreams, "count", 5, 20000)
        wait(0)
        compare(clientStreams.count, 0)
        client.readingPaused = false
        compare(clientPauses.count, 2)
        tryCompare(clientStreams, "count", 5, 20000)
        for (let i = 0; i < 5; ++i)
            compare(clientStreams.signalArguments[i][0].serviceId, 1000 + i)
        serverStreams.clear()
    }
}

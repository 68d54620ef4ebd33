// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Signal order of RpcRequest on every finishing path, outgoing descriptor
// limits, malformed input from a raw client and server ownership of peers, on
// each transport row, using the shared PeerPair fixture of rpctestsupport.h.
// The main protocol flows are in tst_protocol.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcFileDescriptor>
#include <FizyrRpcQt/RpcRequest>

#include "wire/rpcwire_p.h"

#include <QtCore/QMetaEnum>

using namespace Fizyr;
constexpr int Timeout = RpcTestSupport::DefaultTimeout;

class tst_RpcPeer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { RpcTestSupport::addTransportRows(); }
    void init();
    void cleanup() { m_pair.reset(); }

    void errorBeforeFinishedOnEveryPath();
    void outgoingFileDescriptorLimit();
    void rawClientShortFrame();
    void serverOwnsPeersUntilDeleted();
    void requestsOutliveTheirPeer();
    void unsentRequestsOutliveTheirPeer_data();
    void unsentRequestsOutliveTheirPeer();
    void sendRequestWithId();
    void errorContractNonFatal();
    void errorContractFatal();
    void errorContractRemoteAbort();
    void autoDeleteKeepsParent();
    void openIncomingRequestLimit();
    void openIncomingRequestNoLimit();

private:
    // Records the order of errorOccurred() and finished() of request.
    void track(RpcRequest *request);

    RpcTestSupport::PeerPair m_pair;
    QHash<RpcRequest *, QStringList> m_events;
};

void tst_RpcPeer::init()
{
    QFETCH_GLOBAL(QString, scheme);
    m_events.clear();
    QVERIFY(m_pair.start(scheme));
}

void tst_RpcPeer::track(RpcRequest *request)
{
    connect(request, &RpcRequest::errorOccurred, this,
            [this, request](RpcError) { m_events[request].append(QStringLiteral("error")); });
    connect(request, &RpcRequest::finished, this,
            [this, request] { m_events[request].append(QStringLiteral("finished")); });
}

void tst_RpcPeer::errorBeforeFinishedOnEveryPath()
{
    const QStringList expected = {QStringLiteral("error"), QStringLiteral("finished")};
    QList<QPointer<RpcRequest>> incoming;
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this,
            [&](RpcRequest *request) { incoming.append(request); });

    // Error response.
    RpcRequest *remoteError = m_pair.client->sendRequest(1);
    track(remoteError);
    QTRY_COMPARE_WITH_TIMEOUT(incoming.size(), 1, Timeout);
    QVERIFY(incoming.at(0)->sendErrorResponse(QStringLiteral("nope")));
    QTRY_COMPARE_WITH_TIMEOUT(m_events.value(remoteError), expected, Timeout);
    QCOMPARE(remoteError->error(), RpcError::RemoteError);
    QCOMPARE(remoteError->errorString(), QStringLiteral("nope"));

    // Timeout.
    RpcRequest *timedOut = m_pair.client->sendRequest(2);
    track(timedOut);
    timedOut->setTimeout(1);
    QTRY_COMPARE_WITH_TIMEOUT(m_events.value(timedOut), expected, Timeout);
    QCOMPARE(timedOut->error(), RpcError::Timeout);

    // Abort.
    RpcRequest *aborted = m_pair.client->sendRequest(3);
    track(aborted);
    aborted->abort();
    QTRY_COMPARE_WITH_TIMEOUT(m_events.value(aborted), expected, Timeout);
    QCOMPARE(aborted->error(), RpcError::Canceled);

    // Connection lost, for a sent and a received request.
    RpcRequest *lost = m_pair.client->sendRequest(4);
    track(lost);
    QTRY_COMPARE_WITH_TIMEOUT(incoming.size(), 4, Timeout);
    QPointer<RpcRequest> lostIncoming = incoming.at(3);
    QVERIFY(lostIncoming);
    track(lostIncoming);
    m_pair.serverPeer->abort();
    QTRY_COMPARE_WITH_TIMEOUT(m_events.value(lost), expected, Timeout);
    QCOMPARE(lost->error(), RpcError::ConnectionLost);
    QCOMPARE(m_events.value(lostIncoming.data()), expected);

    // Nothing fires twice afterwards.
    QTRY_COMPARE_WITH_TIMEOUT(m_pair.client->state(), RpcPeer::UnconnectedState, Timeout);
    for (RpcRequest *request : {remoteError, timedOut, aborted, lost})
        QCOMPARE(m_events.value(request), expected);
}

void tst_RpcPeer::outgoingFileDescriptorLimit()
{
    // One descriptor over the limit fails the send, from the event loop for
    // a request, with nothing written; exactly the limit goes through. Stream
    // transports carry none: their limit is 0 and the error says so.
    QFETCH_GLOBAL(QString, scheme);
    const bool seqpacket = scheme == QLatin1String("seqpacket");
    const auto expectedError = [seqpacket](RpcError error) {
        return seqpacket
                ? (error == RpcError::TooManyFileDescriptors || error == RpcError::PayloadTooLarge)
                : error == RpcError::FileDescriptorsNotSupported;
    };
    const int max = seqpacket ? m_pair.client->config().maxFileDescriptorsWrite() : 0;
    QList<RpcFileDescriptor> fds;
    for (int i = 0; i <= max; ++i)
        fds.append(RpcFileDescriptor(0));
    QVERIFY(fds.constLast().isValid());

    QSignalSpy streams(m_pair.serverPeer.data(), &RpcPeer::streamReceived);
    QVERIFY(!m_pair.client->sendStream(1, "x", fds));
    QVERIFY2(expectedError(m_pair.client->error()), qPrintable(m_pair.client->errorString()));

    RpcRequest *request = m_pair.client->sendRequest(1, "x", fds);
    track(request);
    QVERIFY(m_events.value(request).isEmpty()); // never inside sendRequest()
    QTRY_COMPARE_WITH_TIMEOUT(m_events.value(request),
                              QStringList({QStringLiteral("error"), QStringLiteral("finished")}),
                              Timeout);
    QVERIFY2(expectedError(request->error()), qPrintable(request->errorString()));

    // Exactly at the limit works; the connection stays usable.
    fds.removeLast();
    QVERIFY(m_pair.client->sendStream(2, "ok", fds));
    QVERIFY(streams.wait(Timeout));
    QCOMPARE(streams.size(), 1);
    const RpcMessage message = streams.at(0).at(0).value<RpcMessage>();
    QCOMPARE(message.serviceId(), 2);
    QCOMPARE(message.fileDescriptors().size(), max);
    QCOMPARE(m_pair.client->state(), RpcPeer::ConnectedState);
}

void tst_RpcPeer::rawClientShortFrame()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcTestSupport::RawConnection raw;
    QVERIFY(raw.open(m_pair.server->serverAddress().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_pair.server->hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> peer(m_pair.server->nextPendingConnection());
    QVERIFY(peer);
    QSignalSpy errors(peer.get(), &RpcPeer::errorOccurred);
    QSignalSpy disconnected(peer.get(), &RpcPeer::disconnected);

    if (scheme == QLatin1String("seqpacket")) {
        // Datagram boundaries are known: a short one is dropped and reported,
        // the connection stays and the next datagram is delivered.
        QSignalSpy streams(peer.get(), &RpcPeer::streamReceived);
        QVERIFY(raw.write(QByteArray(11, '\0')));
        QVERIFY(raw.write(RpcWire::encodeDatagram(RpcMessage(RpcMessage::Stream, 0, 1, "after"),
                                                  peer->config().byteOrder())));
        QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::FrameTooShort);
        QCOMPARE(streams.at(0).at(0).value<RpcMessage>().body(), QByteArray("after"));
        QCOMPARE(disconnected.size(), 0);
        QCOMPARE(peer->state(), RpcPeer::ConnectedState);
        return;
    }

    // A frame length of 8 (< 12 header bytes), then a valid frame. The decoder
    // judges the length as soon as its 4 bytes are in (see tst_rpcwire), so
    // nothing after them may be delivered.
    const RpcConfig::ByteOrder order = peer->config().byteOrder();
    QByteArray bytes(12, '\0');
    RpcWire::writeU32(bytes.data(), 8, order);
    bytes += RpcWire::encodeStreamFrame(RpcMessage(RpcMessage::Stream, 0, 1, "after"), order);
    QSignalSpy streams(peer.get(), &RpcPeer::streamReceived);
    QVERIFY(raw.write(bytes));
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, Timeout);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::FrameTooShort);
    QCOMPARE(peer->state(), RpcPeer::UnconnectedState);
    QCOMPARE(streams.size(), 0); // nothing after the bad frame is delivered
    QTRY_VERIFY_WITH_TIMEOUT(raw.isClosedByPeer(), Timeout);
}

void tst_RpcPeer::serverOwnsPeersUntilDeleted()
{
    // Taken and untaken peers are children of the server and go with it; the
    // client sees the connection end.
    QCOMPARE(m_pair.serverPeer->parent(), m_pair.server.get());
    RpcPeer second;
    second.connectToServer(m_pair.server->serverAddress().toString());
    QVERIFY(second.waitForConnected(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(m_pair.server->hasPendingConnections(), Timeout);
    QSignalSpy firstGone(m_pair.client.get(), &RpcPeer::disconnected);
    QSignalSpy secondGone(&second, &RpcPeer::disconnected);
    const QPointer<RpcPeer> taken = m_pair.serverPeer;
    m_pair.server.reset();
    QVERIFY(taken.isNull());
    QTRY_COMPARE_WITH_TIMEOUT(firstGone.size(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(secondGone.size(), 1, Timeout);
}

void tst_RpcPeer::requestsOutliveTheirPeer()
{
    // Requests moved away from their peer survive its deletion: an open one
    // finishes with ConnectionLost (error first, once), a finished one keeps
    // its response; both report no peer and refuse to send.
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this, [](RpcRequest *request) {
        if (request->serviceId() == 1)
            request->sendResponse(1, "done");
    });
    std::unique_ptr<RpcRequest> answered(m_pair.client->sendRequest(1, "answer me"));
    QVERIFY(answered->waitForFinished(Timeout));
    std::unique_ptr<RpcRequest> open(m_pair.client->sendRequest(2, "never answered"));
    answered->setParent(nullptr);
    open->setParent(nullptr);
    track(open.get());
    QVERIFY(open->isOpen());

    m_pair.client.reset();
    QCOMPARE(m_events.value(open.get()),
             QStringList({QStringLiteral("error"), QStringLiteral("finished")}));
    QCOMPARE(open->error(), RpcError::ConnectionLost);
    QVERIFY(!open->isOpen());
    QCOMPARE(open->peer(), nullptr);
    QCOMPARE(answered->peer(), nullptr);
    QCOMPARE(answered->response().body(), QByteArray("done"));
    QVERIFY(!answered->sendUpdate(1, "too late"));
    QVERIFY(!open->sendUpdate(1, "too late"));
    // Deleting them now touches nothing of the peer (AddressSanitizer checks).
    answered.reset();
    open.reset();
}

void tst_RpcPeer::unsentRequestsOutliveTheirPeer_data()
{
    QTest::addColumn<QString>("cause");
    QTest::addColumn<RpcError>("error");
    QTest::newRow("not connected") << QStringLiteral("aborted") << RpcError::NotConnected;
    QTest::newRow("request id in use") << QStringLiteral("idInUse") << RpcError::RequestIdInUse;
    QTest::newRow("body too large") << QStringLiteral("tooLarge") << RpcError::PayloadTooLarge;
}

void tst_RpcPeer::unsentRequestsOutliveTheirPeer()
{
    // A request that was never sent finishes from the event loop. Moved to
    // another parent and its peer deleted before that, it finishes during the
    // peer's destruction with its own error (error first, once), and the
    // queued call does nothing afterwards. Left a child of the peer, it goes
    // with the peer without a signal.
    QFETCH(QString, cause);
    QFETCH(RpcError, error);
    RpcPeer *client = m_pair.client.get();
    std::unique_ptr<RpcRequest> held(client->sendRequestWithId(1, 1, "held"));
    held->setParent(nullptr);
    const auto unsent = [&] {
        if (cause == QLatin1String("idInUse"))
            return client->sendRequestWithId(1, 2, "clash");
        if (cause == QLatin1String("tooLarge"))
            return client->sendRequest(
                    2, QByteArray(qsizetype(client->config().maxBodyWriteSize()) + 1, 'x'));
        return client->sendRequest(2, "not sent");
    };
    if (cause == QLatin1String("aborted")) {
        client->abort();
        held.reset();
    }
    std::unique_ptr<RpcRequest> moved(unsent());
    moved->setParent(nullptr);
    track(moved.get());
    QPointer<RpcRequest> child = unsent();
    track(child);
    RpcRequest *const childAddress = child.data();
    // Moved too, then deleted or aborted before the peer goes: the peer
    // forgets them (AddressSanitizer checks that it touches neither).
    std::unique_ptr<RpcRequest> deleted(unsent());
    deleted->setParent(nullptr);
    deleted.reset();
    std::unique_ptr<RpcRequest> aborted(unsent());
    aborted->setParent(nullptr);
    track(aborted.get());
    aborted->abort();
    QCOMPARE(aborted->error(), RpcError::Canceled);
    QVERIFY(!moved->isFinished());
    QVERIFY(!child->isFinished());

    m_pair.client.reset();
    QVERIFY(child.isNull());
    QVERIFY(m_events.value(childAddress).isEmpty()); // went without a signal
    QCOMPARE(m_events.value(aborted.get()),
             QStringList({QStringLiteral("error"), QStringLiteral("finished")}));
    QCOMPARE(aborted->error(), RpcError::Canceled);
    QCOMPARE(m_events.value(moved.get()),
             QStringList({QStringLiteral("error"), QStringLiteral("finished")}));
    QCOMPARE(moved->error(), error);
    QCOMPARE(moved->peer(), nullptr);
    if (held) {
        // Moved away too (it was open): ConnectionLost, as any open one.
        QVERIFY(held->isFinished());
        QCOMPARE(held->error(), RpcError::ConnectionLost);
    }

    // The call queued by the send comes after this one: nothing more.
    bool passed = false;
    QMetaObject::invokeMethod(
            this, [&passed] { passed = true; }, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(passed, Timeout);
    QCOMPARE(m_events.value(moved.get()).size(), 2);
    QCOMPARE(moved->error(), error);
    QCOMPARE(m_events.value(aborted.get()).size(), 2);
}

void tst_RpcPeer::sendRequestWithId()
{
    // The chosen id goes on the wire; an id still in use is refused with
    // nothing sent; the peer's own allocation skips the chosen one.
    QList<QPointer<RpcRequest>> received;
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this,
            [&received](RpcRequest *request) { received.append(request); });
    std::unique_ptr<RpcRequest> chosen(m_pair.client->sendRequestWithId(1, 5, "chosen"));
    QVERIFY(chosen->isOpen());
    QCOMPARE(chosen->requestId(), 1u);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, Timeout);
    QCOMPARE(received.first()->requestId(), 1u);

    std::unique_ptr<RpcRequest> clash(m_pair.client->sendRequestWithId(1, 6, "clash"));
    track(clash.get());
    QVERIFY(!clash->isOpen());
    QTRY_COMPARE_WITH_TIMEOUT(m_events.value(clash.get()).size(), 2, Timeout);
    QCOMPARE(clash->error(), RpcError::RequestIdInUse);

    std::unique_ptr<RpcRequest> first(m_pair.client->sendRequest(7, "allocated"));
    std::unique_ptr<RpcRequest> second(m_pair.client->sendRequest(7, "allocated"));
    QCOMPARE(first->requestId(), 0u);
    QCOMPARE(second->requestId(), 2u); // 1 is in use
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, Timeout);
    QCOMPARE(received.at(1)->body(), QByteArray("allocated")); // "clash" never arrived

    // Answered, the id is free again.
    QVERIFY(received.first()->sendResponse(0, "done"));
    QVERIFY(chosen->waitForFinished(Timeout));
    std::unique_ptr<RpcRequest> again(m_pair.client->sendRequestWithId(1, 5, "again"));
    QVERIFY(again->isOpen());
}

// Records the signals of a peer that tell about errors and the connection
// state, each with the state() the peer is in at that moment.
class SignalLog : public QObject
{
public:
    explicit SignalLog(RpcPeer *peer) : m_peer(peer)
    {
        connect(peer, &RpcPeer::errorOccurred, this, [this] { record("error"); });
        connect(peer, &RpcPeer::stateChanged, this, [this] { record("state"); });
        connect(peer, &RpcPeer::disconnected, this, [this] { record("disconnected"); });
        connect(peer, &RpcPeer::streamReceived, this, [this] { record("stream"); });
    }
    QStringList events;

private:
    void record(const char *what)
    {
        events.append(
                QLatin1String(what) + QLatin1Char('@')
                + QLatin1String(QMetaEnum::fromType<RpcPeer::State>().valueToKey(m_peer->state())));
    }
    RpcPeer *m_peer;
};

void tst_RpcPeer::errorContractNonFatal()
{
    // An update for an unknown request id: errorOccurred() sees
    // ConnectedState, and the connection goes on.
    RpcTestSupport::RawConnection raw;
    QVERIFY(raw.open(m_pair.server->serverAddress().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_pair.server->hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> peer(m_pair.server->nextPendingConnection());
    SignalLog log(peer.get());
    const RpcConfig::ByteOrder order = peer->config().byteOrder();
    const RpcMessage update(RpcMessage::RequesterUpdate, 42, 1, "who?");
    const RpcMessage stream(RpcMessage::Stream, 0, 1, "after");
    if (raw.isSeqpacket()) {
        QVERIFY(raw.write(RpcWire::encodeDatagram(update, order)));
        QVERIFY(raw.write(RpcWire::encodeDatagram(stream, order)));
    } else {
        QVERIFY(raw.write(RpcWire::encodeStreamFrame(update, order)
                          + RpcWire::encodeStreamFrame(stream, order)));
    }
    QTRY_COMPARE_WITH_TIMEOUT(log.events.size(), 2, Timeout);
    QCOMPARE(log.events,
             QStringList({QStringLiteral("error@ConnectedState"),
                          QStringLiteral("stream@ConnectedState")}));
    QCOMPARE(peer->error(), RpcError::UnknownRequestId);
    QCOMPARE(peer->state(), RpcPeer::ConnectedState);
}

void tst_RpcPeer::errorContractFatal()
{
    // A malformed frame on a stream connection (fatal) or a datagram too
    // short for a header on seqpacket (not fatal: boundaries are known).
    // Fatal: the peer is in ClosingState when errorOccurred() is emitted,
    // stateChanged() came first, disconnected() follows.
    RpcTestSupport::RawConnection raw;
    QVERIFY(raw.open(m_pair.server->serverAddress().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_pair.server->hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> peer(m_pair.server->nextPendingConnection());
    SignalLog log(peer.get());
    const RpcConfig::ByteOrder order = peer->config().byteOrder();
    if (raw.isSeqpacket()) {
        QVERIFY(raw.write(QByteArray(11, '\0')));
        QVERIFY(raw.write(
                RpcWire::encodeDatagram(RpcMessage(RpcMessage::Stream, 0, 1, "after"), order)));
        QTRY_COMPARE_WITH_TIMEOUT(log.events.size(), 2, Timeout);
        QCOMPARE(log.events,
                 QStringList({QStringLiteral("error@ConnectedState"),
                              QStringLiteral("stream@ConnectedState")}));
        return;
    }
    QByteArray bytes(12, '\0');
    RpcWire::writeU32(bytes.data(), 8, order);
    QVERIFY(raw.write(bytes));
    QTRY_COMPARE_WITH_TIMEOUT(peer->state(), RpcPeer::UnconnectedState, Timeout);
    QCOMPARE(
            log.events,
            QStringList({QStringLiteral("state@ClosingState"), QStringLiteral("error@ClosingState"),
                         QStringLiteral("state@UnconnectedState"),
                         QStringLiteral("disconnected@UnconnectedState")}));
    QCOMPARE(peer->error(), RpcError::FrameTooShort);
}

void tst_RpcPeer::errorContractRemoteAbort()
{
    // The other side aborts with data in flight both ways: whatever the
    // transport reports, an errorOccurred() never sees ConnectedState, and
    // disconnected() ends it.
    SignalLog log(m_pair.serverPeer);
    QVERIFY(m_pair.serverPeer->sendStream(1, QByteArray(1000, 'x')));
    QVERIFY(m_pair.client->sendStream(1, QByteArray(1000, 'y')));
    m_pair.client->abort();
    QTRY_COMPARE_WITH_TIMEOUT(m_pair.serverPeer->state(), RpcPeer::UnconnectedState, Timeout);
    const QStringList events = log.events;
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.last(), QStringLiteral("disconnected@UnconnectedState"));
    for (const QString &event : events) {
        if (event.startsWith(QLatin1String("error@")))
            QVERIFY2(event != QLatin1String("error@ConnectedState"), qPrintable(event));
    }
}

void tst_RpcPeer::autoDeleteKeepsParent()
{
    // Requests that finish in one batch are deleted together afterwards;
    // until then (and while they are destroyed) their parent is the peer.
    m_pair.client->setAutoDeleteRequests(true);
    m_pair.serverPeer->setAutoDeleteRequests(true);
    QList<QPointer<RpcRequest>> incoming;
    QHash<QString, QObject *> parentAtDestruction;
    QStringList wrongParentInFinished;
    const auto watch = [&](RpcRequest *request, const QString &name, RpcPeer *peer) {
        connect(request, &RpcRequest::finished, this, [&, request, peer, name] {
            if (request->parent() != peer)
                wrongParentInFinished.append(name);
        });
        connect(request, &QObject::destroyed, this,
                [&, name](QObject *object) { parentAtDestruction.insert(name, object->parent()); });
    };
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        watch(request, QStringLiteral("in%1").arg(request->requestId()), m_pair.serverPeer);
        incoming.append(request);
        request->sendResponse(0, request->body());
    });
    constexpr int Count = 5;
    QList<QPointer<RpcRequest>> outgoing;
    for (int i = 0; i < Count; ++i) {
        RpcRequest *request = m_pair.client->sendRequest(1, "x");
        watch(request, QStringLiteral("out%1").arg(request->requestId()), m_pair.client.get());
        outgoing.append(request);
    }
    QTRY_COMPARE_WITH_TIMEOUT(parentAtDestruction.size(), 2 * Count, Timeout);
    for (auto it = parentAtDestruction.cbegin(); it != parentAtDestruction.cend(); ++it) {
        QObject *expected = it.key().startsWith(QLatin1String("in"))
                ? static_cast<QObject *>(m_pair.serverPeer.data())
                : static_cast<QObject *>(m_pair.client.get());
        QVERIFY2(it.value() == expected, qPrintable(it.key()));
    }
    QVERIFY2(wrongParentInFinished.isEmpty(), qPrintable(wrongParentInFinished.join(u' ')));
    for (const QPointer<RpcRequest> &request : std::as_const(outgoing))
        QVERIFY(request.isNull());
    for (const QPointer<RpcRequest> &request : std::as_const(incoming))
        QVERIFY(request.isNull());
    // The peers hold nothing else any more: the transport and the timer
    // that deletes auto-deleted requests when nothing more arrives.
    QTRY_VERIFY_WITH_TIMEOUT(m_pair.client->children().size() <= 2, Timeout);
    QVERIFY(m_pair.client->findChildren<RpcRequest *>().isEmpty());
}

void tst_RpcPeer::openIncomingRequestLimit()
{
    // A server peer with a limit of 3 open incoming requests: the 4th and
    // 5th are answered at once with an error, not delivered; once one is
    // answered, the next one is delivered again.
    QFETCH_GLOBAL(QString, scheme);
    RpcConfig config = RpcConfig::defaultsFor(m_pair.server->serverAddress().transport());
    config.setMaxOpenIncomingRequests(3);
    m_pair.server->setConfig(config);
    RpcPeer client;
    client.connectToServer(m_pair.server->serverAddress());
    QVERIFY(client.waitForConnected(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(m_pair.server->hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> peer(m_pair.server->nextPendingConnection());
    QCOMPARE(peer->config().maxOpenIncomingRequests(), 3);
    QList<QPointer<RpcRequest>> received;
    connect(peer.get(), &RpcPeer::requestReceived, this,
            [&received](RpcRequest *request) { received.append(request); });

    std::vector<std::unique_ptr<RpcRequest>> requests;
    for (int i = 0; i < 5; ++i)
        requests.emplace_back(client.sendRequest(1, QByteArray::number(i)));
    QVERIFY(requests.at(3)->waitForFinished(Timeout));
    QVERIFY(requests.at(4)->waitForFinished(Timeout));
    for (int i = 3; i < 5; ++i) {
        QCOMPARE(requests.at(i)->error(), RpcError::RemoteError);
        QCOMPARE(requests.at(i)->errorString(), QStringLiteral("too many open requests (limit 3)"));
    }
    QCOMPARE(received.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QVERIFY(requests.at(i)->isOpen());
        QCOMPARE(received.at(i)->body(), QByteArray::number(i));
    }
    QCOMPARE(peer->state(), RpcPeer::ConnectedState);

    // Answered requests no longer count; deleted ones neither.
    QVERIFY(received.at(0)->sendResponse(0, "done"));
    delete received.at(1).data();
    std::unique_ptr<RpcRequest> next(client.sendRequest(1, "next"));
    std::unique_ptr<RpcRequest> another(client.sendRequest(1, "another"));
    std::unique_ptr<RpcRequest> over(client.sendRequest(1, "over"));
    QVERIFY(over->waitForFinished(Timeout));
    QCOMPARE(over->errorString(), QStringLiteral("too many open requests (limit 3)"));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 5, Timeout);
    QCOMPARE(received.at(3)->body(), QByteArray("next"));
    QCOMPARE(received.at(4)->body(), QByteArray("another"));
    QVERIFY(next->isOpen());
    QVERIFY(another->isOpen());
}

void tst_RpcPeer::openIncomingRequestNoLimit()
{
    // 0 means no limit: more requests than the default limit are delivered.
    RpcConfig config = RpcConfig::defaultsFor(m_pair.server->serverAddress().transport());
    config.setMaxOpenIncomingRequests(0);
    const int count = RpcConfig::DefaultMaxOpenIncomingRequests + 10;
    m_pair.server->setConfig(config);
    RpcPeer client;
    client.setAutoDeleteRequests(true);
    client.connectToServer(m_pair.server->serverAddress());
    QVERIFY(client.waitForConnected(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(m_pair.server->hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> peer(m_pair.server->nextPendingConnection());
    int received = 0;
    connect(peer.get(), &RpcPeer::requestReceived, this, [&received] { ++received; });
    int failed = 0;
    for (int i = 0; i < count; ++i) {
        RpcRequest *request = client.sendRequest(1);
        connect(request, &RpcRequest::errorOccurred, this, [&failed] { ++failed; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(received, count, Timeout);
    QCOMPARE(failed, 0);
    QCOMPARE(peer->openRequestCount(), count);
}

QTEST_GUILESS_MAIN(tst_RpcPeer)
#include "tst_rpcpeer.moc"

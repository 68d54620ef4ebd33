// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Protocol flows and edge behaviours of RpcPeer, RpcRequest and RpcServer.
// Every test runs on each transport (rows tcp, local, seqpacket, from
// rpctestsupport.h) over real sockets: TCP on loopback, Unix sockets in a
// temporary directory.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpcpeer_p.h"
#include "rpctestsupport.h"
#include "transport/rpcstreamtransport_p.h"
#ifdef FIZYRRPCQT_TEST_SEQPACKET
#    include "transport/rpcseqpackettransport_p.h"
#    include "transport/rpcsocketstreamtransport_p.h"
#endif
#include "wire/rpcwire_p.h"

#include <QtCore/QPointer>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QLocalSocket>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <memory>

using namespace Fizyr;
constexpr int Timeout = RpcTestSupport::DefaultTimeout;

namespace {

RpcTransport *transportOf(RpcPeer *peer)
{
    return RpcPeerPrivate::get(peer)->transport;
}

// Writes raw bytes (streams) or one raw datagram (seqpacket) on the peer's
// connection, bypassing every check of the library.
void writeRaw(RpcPeer *peer, const QByteArray &bytes)
{
    RpcTransport *transport = transportOf(peer);
    if (auto *stream = qobject_cast<RpcStreamTransport *>(transport)) {
        stream->device()->write(bytes);
        return;
    }
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    // tcp:// and unix: without a QIODevice (RpcSocketStreamTransport).
    if (auto *socketStream = qobject_cast<RpcSocketStreamTransport *>(transport)) {
        QCOMPARE(::send(socketStream->socketDescriptor(), bytes.constData(), size_t(bytes.size()),
                        MSG_NOSIGNAL),
                 ssize_t(bytes.size()));
        return;
    }
    auto *seqpacket = qobject_cast<RpcSeqpacketTransport *>(transport);
    QVERIFY(seqpacket);
    QCOMPARE(::send(seqpacket->socketDescriptor(), bytes.constData(), size_t(bytes.size()),
                    MSG_NOSIGNAL),
             ssize_t(bytes.size()));
#else
    QFAIL("not a stream transport");
#endif
}

// Encodes a message as the peer's transport frames it.
QByteArray frame(RpcPeer *peer, const RpcMessage &message)
{
    const RpcConfig config = peer->config();
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    if (qobject_cast<RpcSeqpacketTransport *>(transportOf(peer)))
        return RpcWire::encodeDatagram(message, config.byteOrder());
#endif
    return RpcWire::encodeStreamFrame(message, config.byteOrder());
}

// Sends a message as is (any type, any id): the remote side sees exactly it.
void inject(RpcPeer *peer, const RpcMessage &message)
{
    QCOMPARE(transportOf(peer)->send(message), RpcError::NoError);
}

} // namespace

class tst_Protocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void requestWithUpdatesBothWays();
    void errorResponse();
    void errorResponseWithOtherCode();
    void streamsBothWays();
    void bodySizes_data();
    void bodySizes();
    void concurrentRequestsAnsweredInReverse();
    void requestIdsIncrementAndWrap();
    void unhandledRequestGetsErrorResponse();
    void droppedRequestGetsErrorResponse();
    void connectionLossFinishesOpenRequests();
    void serverPeerDeletedFinishesClientRequests();
    void outgoingBodyTooLarge();
    void fileDescriptorsByTransport();
    void duplicateRequestIdReported();
    void unknownRequestIdReported_data();
    void unknownRequestIdReported();
    void shortFrameIsFatal();
    void invalidTypeIsFatal();
    void incomingBodyTooLarge();
    void timeoutIgnoresLateResponse();
    void abortIgnoresLateResponse();
    void futureDeliversResponse();
    void futureDeliversError();
    void sendAfterFinishFails();
    void disconnectFlushesPendingData();
    void slowReaderHitsHighWaterMark();
    void pendingPeerDoesNotReadBeforeTaken();
    void manyClients();
    void autoDeleteRequests();
    void requestsAreChildrenOfPeer();

private:
    QString makeAddress() const;
    void connectPair();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RpcServer> m_server;
    std::unique_ptr<RpcPeer> m_client;
    QPointer<RpcPeer> m_serverPeer;
};

void tst_Protocol::initTestCase_data()
{
    RpcTestSupport::addTransportRows();
}

QString tst_Protocol::makeAddress() const
{
    QFETCH_GLOBAL(QString, scheme);
    return RpcTestSupport::addressFor(scheme, *m_dir, QStringLiteral("rpc"));
}

void tst_Protocol::connectPair()
{
    m_client.reset(new RpcPeer);
    QSignalSpy connectedSpy(m_client.get(), &RpcPeer::connected);
    QSignalSpy newConnectionSpy(m_server.get(), &RpcServer::newConnection);
    m_client->connectToServer(m_server->serverAddress().toString());
    QTRY_COMPARE_WITH_TIMEOUT(connectedSpy.size(), 1, Timeout);
    QCOMPARE(m_client->state(), RpcPeer::ConnectedState);
    QTRY_VERIFY_WITH_TIMEOUT(m_server->hasPendingConnections(), Timeout);
    m_serverPeer = m_server->nextPendingConnection();
    QVERIFY(m_serverPeer);
    QCOMPARE(m_serverPeer->state(), RpcPeer::ConnectedState);
}

void tst_Protocol::init()
{
    m_dir.reset(new QTemporaryDir);
    QVERIFY(m_dir->isValid());
    m_server.reset(new RpcServer);
    QVERIFY2(m_server->listen(makeAddress()), qPrintable(m_server->errorString()));
    connectPair();
}

void tst_Protocol::cleanup()
{
    m_client.reset();
    m_server.reset();
    m_dir.reset();
}

void tst_Protocol::requestWithUpdatesBothWays()
{
    QList<RpcMessage> serverUpdates;
    QPointer<RpcRequest> incoming;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        incoming = request;
        QCOMPARE(request->direction(), RpcRequest::Incoming);
        QCOMPARE(request->serviceId(), 7);
        QCOMPARE(request->body(), QByteArray("Hello World!"));
        connect(request, &RpcRequest::updateReceived, this,
                [&](const RpcMessage &update) { serverUpdates.append(update); });
        QVERIFY(request->sendUpdate(1, "first"));
        QVERIFY(request->sendUpdate(2, "second"));
        QVERIFY(request->sendUpdate(3, QByteArray()));
    });

    RpcRequest *request = m_client->sendRequest(7, "Hello World!");
    QVERIFY(request);
    QCOMPARE(request->direction(), RpcRequest::Outgoing);
    QVERIFY(request->isOpen());
    QSignalSpy updates(request, &RpcRequest::updateReceived);
    QSignalSpy finished(request, &RpcRequest::finished);
    QSignalSpy errors(request, &RpcRequest::errorOccurred);

    QTRY_COMPARE_WITH_TIMEOUT(updates.size(), 3, Timeout);
    QCOMPARE(updates.at(0).at(0).value<RpcMessage>().type(), RpcMessage::ResponderUpdate);
    QCOMPARE(updates.at(0).at(0).value<RpcMessage>().serviceId(), 1);
    QCOMPARE(updates.at(0).at(0).value<RpcMessage>().body(), QByteArray("first"));
    QCOMPARE(updates.at(1).at(0).value<RpcMessage>().body(), QByteArray("second"));
    QCOMPARE(updates.at(2).at(0).value<RpcMessage>().serviceId(), 3);
    QCOMPARE(updates.at(0).at(0).value<RpcMessage>().requestId(), request->requestId());

    QVERIFY(request->sendUpdate(9, "from the requester"));
    QTRY_COMPARE_WITH_TIMEOUT(serverUpdates.size(), 1, Timeout);
    QCOMPARE(serverUpdates.at(0).type(), RpcMessage::RequesterUpdate);
    QCOMPARE(serverUpdates.at(0).serviceId(), 9);
    QCOMPARE(serverUpdates.at(0).body(), QByteArray("from the requester"));

    QVERIFY(incoming);
    QSignalSpy incomingFinished(incoming.data(), &RpcRequest::finished);
    QVERIFY(incoming->sendResponse(1, "Goodbye!"));
    QCOMPARE(incomingFinished.size(), 1);
    QVERIFY(!incoming->isOpen());
    QCOMPARE(incoming->response().body(), QByteArray("Goodbye!"));

    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(request->error(), RpcError::NoError);
    QVERIFY(!request->isOpen());
    QVERIFY(request->isFinished());
    QCOMPARE(request->response().type(), RpcMessage::Response);
    QCOMPARE(request->response().serviceId(), 1);
    QCOMPARE(request->response().body(), QByteArray("Goodbye!"));
    QVERIFY(!request->response().isError());
    QCOMPARE(m_client->openRequestCount(), 0);
    QCOMPARE(m_serverPeer->openRequestCount(), 0);
    // Nothing more after the response: a stream message sent by the server
    // afterwards arrives behind anything it could still have sent.
    QSignalSpy clientStreams(m_client.get(), &RpcPeer::streamReceived);
    QVERIFY(m_serverPeer->sendStream(9, "behind"));
    QVERIFY(clientStreams.wait(Timeout));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(errors.size(), 0);
}

void tst_Protocol::errorResponse()
{
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [](RpcRequest *request) {
        QVERIFY(request->sendErrorResponse(
                QStringLiteral("unknown service %1 ✓").arg(request->serviceId())));
    });
    RpcRequest *request = m_client->sendRequest(42, "x");
    QSignalSpy errors(request, &RpcRequest::errorOccurred);
    QList<int> order;
    connect(request, &RpcRequest::errorOccurred, this, [&] { order.append(1); });
    connect(request, &RpcRequest::finished, this, [&] { order.append(2); });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, Timeout);
    QCOMPARE(order, QList<int>({1, 2}));
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::RemoteError);
    QCOMPARE(request->error(), RpcError::RemoteError);
    QCOMPARE(request->errorString(), QStringLiteral("unknown service 42 ✓"));
    QVERIFY(request->response().isError());
    QCOMPARE(request->response().serviceId(), -1);
    QCOMPARE(request->response().errorText(), QStringLiteral("unknown service 42 ✓"));
}

void tst_Protocol::errorResponseWithOtherCode()
{
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(-17, "opaque"); });
    RpcRequest *request = m_client->sendRequest(1);
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::RemoteError);
    QCOMPARE(request->response().serviceId(), -17);
    QCOMPARE(request->response().body(), QByteArray("opaque"));
}

void tst_Protocol::streamsBothWays()
{
    QSignalSpy atServer(m_serverPeer, &RpcPeer::streamReceived);
    QSignalSpy atClient(m_client.get(), &RpcPeer::streamReceived);
    QVERIFY(m_client->sendStream(3, "to server"));
    QVERIFY(m_client->sendStream(4, QByteArray()));
    QVERIFY(m_serverPeer->sendStream(-5, "to client"));
    QTRY_COMPARE_WITH_TIMEOUT(atServer.size(), 2, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(atClient.size(), 1, Timeout);
    const RpcMessage first = atServer.at(0).at(0).value<RpcMessage>();
    QCOMPARE(first.type(), RpcMessage::Stream);
    QCOMPARE(first.serviceId(), 3);
    QCOMPARE(first.body(), QByteArray("to server"));
    QCOMPARE(atServer.at(1).at(0).value<RpcMessage>().serviceId(), 4);
    QVERIFY(atServer.at(1).at(0).value<RpcMessage>().body().isEmpty());
    QCOMPARE(atClient.at(0).at(0).value<RpcMessage>().serviceId(), -5);
    QCOMPARE(atClient.at(0).at(0).value<RpcMessage>().body(), QByteArray("to client"));
}

void tst_Protocol::bodySizes_data()
{
    QTest::addColumn<int>("size");
    QTest::newRow("empty") << 0;
    QTest::newRow("one") << 1;
    QTest::newRow("medium") << 1000;
    QTest::newRow("at-limit") << -1; // the transport's default maximum
}

void tst_Protocol::bodySizes()
{
    QFETCH(int, size);
    if (size < 0)
        size = int(m_client->config().maxBodyWriteSize());
    QByteArray body(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        body[i] = char(i * 7 + 3);
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, request->body()); });
    RpcRequest *request = m_client->sendRequest(1, body);
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::NoError);
    QCOMPARE(request->response().body(), body);
}

void tst_Protocol::concurrentRequestsAnsweredInReverse()
{
    constexpr int Count = 100;
    QList<QPointer<RpcRequest>> received;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        received.append(request);
        if (received.size() < Count)
            return;
        for (qsizetype i = received.size() - 1; i >= 0; --i) {
            RpcRequest *r = received.at(i);
            QVERIFY(r->sendResponse(r->serviceId(), "answer " + r->body()));
        }
    });
    QList<RpcRequest *> requests;
    QList<int> finishOrder;
    for (int i = 0; i < Count; ++i) {
        RpcRequest *request = m_client->sendRequest(i, QByteArray::number(i));
        connect(request, &RpcRequest::finished, this, [&finishOrder, i] { finishOrder.append(i); });
        requests.append(request);
    }
    QCOMPARE(m_client->openRequestCount(), Count);
    QTRY_COMPARE_WITH_TIMEOUT(finishOrder.size(), Count, Timeout);
    for (int i = 0; i < Count; ++i) {
        QCOMPARE(requests.at(i)->response().serviceId(), i);
        QCOMPARE(requests.at(i)->response().body(), "answer " + QByteArray::number(i));
        QCOMPARE(finishOrder.at(i), Count - 1 - i);
    }
}

void tst_Protocol::requestIdsIncrementAndWrap()
{
    QList<QPointer<RpcRequest>> received;
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [&](RpcRequest *request) { received.append(request); });

    RpcRequest *first = m_client->sendRequest(1);
    RpcRequest *second = m_client->sendRequest(1);
    QCOMPARE(first->requestId(), 0u);
    QCOMPARE(second->requestId(), 1u);

    // Keep 0 and 1 open across the wrap: they must be skipped.
    RpcPeerPrivate::get(m_client.get())->nextRequestId = 0xFFFFFFFEu;
    RpcRequest *a = m_client->sendRequest(1);
    RpcRequest *b = m_client->sendRequest(1);
    RpcRequest *c = m_client->sendRequest(1);
    QCOMPARE(a->requestId(), 0xFFFFFFFEu);
    QCOMPARE(b->requestId(), 0xFFFFFFFFu);
    QCOMPARE(c->requestId(), 2u);

    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 5, Timeout);
    for (const QPointer<RpcRequest> &request : received)
        QVERIFY(request->sendResponse(0, QByteArray::number(request->requestId())));
    for (RpcRequest *request : {first, second, a, b, c}) {
        QVERIFY(request->waitForFinished(Timeout));
        QCOMPARE(request->response().body(), QByteArray::number(request->requestId()));
    }
    // Once answered, ids are free again.
    RpcPeerPrivate::get(m_client.get())->nextRequestId = 0;
    QCOMPARE(m_client->sendRequest(1)->requestId(), 0u);
}

void tst_Protocol::unhandledRequestGetsErrorResponse()
{
    // Nothing is connected to the server peer's requestReceived().
    RpcRequest *request = m_client->sendRequest(12, "anyone?");
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::RemoteError);
    QCOMPARE(request->errorString(), QStringLiteral("unexpected request for service 12"));
    QCOMPARE(m_serverPeer->openRequestCount(), 0);
    QCOMPARE(m_serverPeer->findChildren<RpcRequest *>().size(), 0);
}

void tst_Protocol::droppedRequestGetsErrorResponse()
{
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->deleteLater(); });
    RpcRequest *request = m_client->sendRequest(5);
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::RemoteError);
    QVERIFY(request->errorString().contains(QLatin1String("without a response")));
    QCOMPARE(m_serverPeer->openRequestCount(), 0);
}

void tst_Protocol::connectionLossFinishesOpenRequests()
{
    QList<QPointer<RpcRequest>> incoming;
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [&](RpcRequest *request) { incoming.append(request); });
    QList<RpcRequest *> outgoing;
    for (int i = 0; i < 5; ++i)
        outgoing.append(m_client->sendRequest(i));
    QTRY_COMPARE_WITH_TIMEOUT(incoming.size(), 5, Timeout);

    // Also a request from the server side to the client, left open.
    QList<QPointer<RpcRequest>> atClient;
    connect(m_client.get(), &RpcPeer::requestReceived, this,
            [&](RpcRequest *request) { atClient.append(request); });
    RpcRequest *fromServer = m_serverPeer->sendRequest(99);
    QTRY_COMPARE_WITH_TIMEOUT(atClient.size(), 1, Timeout);

    QList<std::shared_ptr<QSignalSpy>> finishedSpies;
    QList<std::shared_ptr<QSignalSpy>> errorSpies;
    for (RpcRequest *r : outgoing) {
        finishedSpies.append(std::make_shared<QSignalSpy>(r, &RpcRequest::finished));
        errorSpies.append(std::make_shared<QSignalSpy>(r, &RpcRequest::errorOccurred));
    }
    QSignalSpy incomingFinished(atClient.at(0).data(), &RpcRequest::finished);
    QSignalSpy fromServerFinished(fromServer, &RpcRequest::finished);
    QSignalSpy clientDisconnected(m_client.get(), &RpcPeer::disconnected);
    QSignalSpy serverDisconnected(m_serverPeer.data(), &RpcPeer::disconnected);
    // Open requests finish before disconnected() is emitted.
    int finishedBeforeDisconnect = 0;
    connect(m_client.get(), &RpcPeer::disconnected, this, [&] {
        for (auto &spy : finishedSpies)
            finishedBeforeDisconnect += int(spy->size());
    });

    m_serverPeer->abort();
    QCOMPARE(serverDisconnected.size(), 1);
    QCOMPARE(fromServerFinished.size(), 1);
    QCOMPARE(fromServer->error(), RpcError::ConnectionLost);
    for (const QPointer<RpcRequest> &r : incoming) {
        QVERIFY(r);
        QVERIFY(r->isFinished());
        QCOMPARE(r->error(), RpcError::ConnectionLost);
    }

    QTRY_COMPARE_WITH_TIMEOUT(clientDisconnected.size(), 1, Timeout);
    QCOMPARE(finishedBeforeDisconnect, 5);
    QCOMPARE(m_client->state(), RpcPeer::UnconnectedState);
    for (int i = 0; i < outgoing.size(); ++i) {
        QCOMPARE(finishedSpies.at(i)->size(), 1);
        QCOMPARE(errorSpies.at(i)->size(), 1);
        QCOMPARE(outgoing.at(i)->error(), RpcError::ConnectionLost);
        QVERIFY(!outgoing.at(i)->isOpen());
    }
    QCOMPARE(incomingFinished.size(), 1);
    QCOMPARE(atClient.at(0)->error(), RpcError::ConnectionLost);
    QCOMPARE(m_client->openRequestCount(), 0);

    // Nothing more arrives later; sending now fails cleanly.
    RpcRequest *late = m_client->sendRequest(1);
    QSignalSpy lateFinished(late, &RpcRequest::finished);
    QCOMPARE(lateFinished.size(), 0); // never synchronously
    QTRY_COMPARE_WITH_TIMEOUT(lateFinished.size(), 1, Timeout);
    QCOMPARE(late->error(), RpcError::NotConnected);
    QVERIFY(!m_client->sendStream(1));
    QCOMPARE(m_client->error(), RpcError::NotConnected);
    for (auto &spy : finishedSpies)
        QCOMPARE(spy->size(), 1);
}

void tst_Protocol::serverPeerDeletedFinishesClientRequests()
{
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [](RpcRequest *) {});
    RpcRequest *request = m_client->sendRequest(1);
    QTRY_COMPARE_WITH_TIMEOUT(m_serverPeer->openRequestCount(), 1, Timeout);
    delete m_serverPeer.data();
    QVERIFY(request->waitForFinished(Timeout));
    // Either the dropped request's error response or the closed connection.
    QVERIFY(request->error() == RpcError::ConnectionLost
            || request->error() == RpcError::RemoteError);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), RpcPeer::UnconnectedState, Timeout);
}

void tst_Protocol::outgoingBodyTooLarge()
{
    const qsizetype limit = m_client->config().maxBodyWriteSize();
    const QByteArray tooLarge(limit + 1, 'x');

    QSignalSpy serverStreams(m_serverPeer, &RpcPeer::streamReceived);
    QVERIFY(!m_client->sendStream(1, tooLarge));
    QCOMPARE(m_client->error(), RpcError::PayloadTooLarge);

    RpcRequest *request = m_client->sendRequest(1, tooLarge);
    QSignalSpy finished(request, &RpcRequest::finished);
    QSignalSpy errors(request, &RpcRequest::errorOccurred);
    QCOMPARE(finished.size(), 0); // delivered from the event loop, never inside sendRequest()
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(request->error(), RpcError::PayloadTooLarge);
    QCOMPARE(m_client->openRequestCount(), 0);

    // Updates and responses are checked the same way; the connection stays usable.
    QPointer<RpcRequest> incoming;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *r) { incoming = r; });
    RpcRequest *ok = m_client->sendRequest(1, "fine");
    QTRY_VERIFY_WITH_TIMEOUT(incoming, Timeout);
    QVERIFY(!ok->sendUpdate(1, tooLarge));
    QCOMPARE(ok->error(), RpcError::PayloadTooLarge);
    QVERIFY(ok->isOpen());
    QVERIFY(!incoming->sendResponse(1, tooLarge));
    QCOMPARE(incoming->error(), RpcError::PayloadTooLarge);
    QVERIFY(incoming->isOpen());
    QVERIFY(incoming->sendResponse(1, "done"));
    QVERIFY(ok->waitForFinished(Timeout));
    QCOMPARE(ok->error(), RpcError::NoError);
    QCOMPARE(ok->response().body(), QByteArray("done"));
    QCOMPARE(m_client->state(), RpcPeer::ConnectedState);
    QCOMPARE(serverStreams.size(), 0);
}

void tst_Protocol::fileDescriptorsByTransport()
{
    // Stream transports refuse descriptors, sending nothing; seqpacket
    // carries them (the seqpacket tests read through them).
    QFETCH_GLOBAL(QString, scheme);
    const RpcFileDescriptor fd(STDIN_FILENO);
    QSignalSpy streams(m_serverPeer, &RpcPeer::streamReceived);
    if (scheme != QLatin1String("seqpacket")) {
        QVERIFY(!m_client->sendStream(1, "x", {fd}));
        QCOMPARE(m_client->error(), RpcError::FileDescriptorsNotSupported);
        RpcRequest *request = m_client->sendRequest(1, "x", {fd});
        QVERIFY(request->waitForFinished(Timeout));
        QCOMPARE(request->error(), RpcError::FileDescriptorsNotSupported);
    }
    // Sent last, without descriptors on stream transports: the first message
    // to arrive shows that nothing was written before it.
    const QList<RpcFileDescriptor> fds = scheme == QLatin1String("seqpacket")
            ? QList<RpcFileDescriptor>{fd}
            : QList<RpcFileDescriptor>{};
    QVERIFY(m_client->sendStream(2, "after", fds));
    QVERIFY(streams.wait(Timeout));
    QCOMPARE(streams.size(), 1);
    const RpcMessage message = streams.first().first().value<RpcMessage>();
    QCOMPARE(message.serviceId(), 2);
    QCOMPARE(message.fileDescriptors().size(), fds.size());
    QCOMPARE(m_client->state(), RpcPeer::ConnectedState);
}

void tst_Protocol::duplicateRequestIdReported()
{
    QList<QPointer<RpcRequest>> received;
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [&](RpcRequest *request) { received.append(request); });
    QSignalSpy serverErrors(m_serverPeer, &RpcPeer::errorOccurred);
    inject(m_client.get(), RpcMessage(RpcMessage::Request, 77, 1, "first"));
    inject(m_client.get(), RpcMessage(RpcMessage::Request, 77, 2, "duplicate"));
    QTRY_COMPARE_WITH_TIMEOUT(serverErrors.size(), 1, Timeout);
    QCOMPARE(serverErrors.at(0).at(0).value<RpcError>(), RpcError::DuplicateRequestId);
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.at(0)->body(), QByteArray("first"));
    QCOMPARE(m_serverPeer->state(), RpcPeer::ConnectedState);

    // The connection still works and the first request can still be answered.
    QSignalSpy streams(m_serverPeer, &RpcPeer::streamReceived);
    QVERIFY(m_client->sendStream(1, "still here"));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
    QVERIFY(received.at(0)->sendResponse(0, "ok"));
}

void tst_Protocol::unknownRequestIdReported_data()
{
    QTest::addColumn<int>("type");
    QTest::newRow("response") << int(RpcMessage::Response);
    QTest::newRow("responder-update") << int(RpcMessage::ResponderUpdate);
    QTest::newRow("requester-update") << int(RpcMessage::RequesterUpdate);
}

void tst_Protocol::unknownRequestIdReported()
{
    QFETCH(int, type);
    QSignalSpy clientErrors(m_client.get(), &RpcPeer::errorOccurred);
    inject(m_serverPeer, RpcMessage(RpcMessage::Type(type), 1234, 0, "who?"));
    QTRY_COMPARE_WITH_TIMEOUT(clientErrors.size(), 1, Timeout);
    QCOMPARE(clientErrors.at(0).at(0).value<RpcError>(), RpcError::UnknownRequestId);
    QVERIFY(m_client->errorString().contains(QLatin1String("1234")));
    QCOMPARE(m_client->state(), RpcPeer::ConnectedState);
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, "ok"); });
    RpcRequest *request = m_client->sendRequest(1);
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::NoError);
}

void tst_Protocol::shortFrameIsFatal()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcRequest *open = m_serverPeer->sendRequest(1);
    QSignalSpy openFinished(open, &RpcRequest::finished);
    QSignalSpy serverErrors(m_serverPeer, &RpcPeer::errorOccurred);
    QSignalSpy serverDisconnected(m_serverPeer, &RpcPeer::disconnected);
    if (scheme == QLatin1String("seqpacket")) {
        // A datagram shorter than the header is dropped: the boundaries are known.
        writeRaw(m_client.get(), QByteArray(11, '\0'));
        QTRY_COMPARE_WITH_TIMEOUT(serverErrors.size(), 1, Timeout);
        QCOMPARE(serverErrors.at(0).at(0).value<RpcError>(), RpcError::FrameTooShort);
        QCOMPARE(m_serverPeer->state(), RpcPeer::ConnectedState);
        return;
    }
    char prefix[4];
    RpcWire::writeU32(prefix, 11, RpcConfig::LittleEndian);
    writeRaw(m_client.get(), QByteArray(prefix, 4) + QByteArray(11, '\0'));
    QTRY_COMPARE_WITH_TIMEOUT(serverDisconnected.size(), 1, Timeout);
    QCOMPARE(serverErrors.size(), 1);
    QCOMPARE(serverErrors.at(0).at(0).value<RpcError>(), RpcError::FrameTooShort);
    QCOMPARE(openFinished.size(), 1);
    QCOMPARE(open->error(), RpcError::ConnectionLost);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), RpcPeer::UnconnectedState, Timeout);
}

void tst_Protocol::invalidTypeIsFatal()
{
    QFETCH_GLOBAL(QString, scheme);
    QSignalSpy serverErrors(m_serverPeer, &RpcPeer::errorOccurred);
    QSignalSpy serverDisconnected(m_serverPeer, &RpcPeer::disconnected);
    QByteArray bytes = frame(m_client.get(), RpcMessage(RpcMessage::Stream, 0, 1, "x"));
    // Overwrite the type field with 5.
    const int typeOffset = scheme == QLatin1String("seqpacket") ? 0 : 4;
    RpcWire::writeU32(bytes.data() + typeOffset, 5, m_client->config().byteOrder());
    writeRaw(m_client.get(), bytes);
    QTRY_COMPARE_WITH_TIMEOUT(serverErrors.size(), 1, Timeout);
    QCOMPARE(serverErrors.at(0).at(0).value<RpcError>(), RpcError::InvalidMessageType);
    if (scheme == QLatin1String("seqpacket")) {
        QCOMPARE(m_serverPeer->state(), RpcPeer::ConnectedState);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(serverDisconnected.size(), 1, Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), RpcPeer::UnconnectedState, Timeout);
    }
}

void tst_Protocol::incomingBodyTooLarge()
{
    QFETCH_GLOBAL(QString, scheme);
    // The client may write more than the server accepts.
    m_client.reset();
    m_serverPeer = nullptr;
    RpcConfig serverConfig = m_server->config();
    serverConfig.setMaxBodyReadSize(1000);
    m_server->setConfig(serverConfig);
    connectPair();
    QCOMPARE(m_serverPeer->config().maxBodyReadSize(), 1000u);

    QSignalSpy serverErrors(m_serverPeer, &RpcPeer::errorOccurred);
    QSignalSpy serverStreams(m_serverPeer, &RpcPeer::streamReceived);
    QSignalSpy serverDisconnected(m_serverPeer, &RpcPeer::disconnected);
    QVERIFY(m_client->sendStream(1, QByteArray(1000, 'a'))); // at the limit: fine
    QVERIFY(m_client->sendStream(2, QByteArray(1001, 'b')));
    QVERIFY(m_client->sendStream(3, "after"));
    QTRY_COMPARE_WITH_TIMEOUT(serverErrors.size(), 1, Timeout);
    QCOMPARE(serverErrors.at(0).at(0).value<RpcError>(), RpcError::MessageTooLarge);
    if (scheme == QLatin1String("seqpacket")) {
        // Dropped; the connection stays up and the next message arrives.
        QTRY_COMPARE_WITH_TIMEOUT(serverStreams.size(), 2, Timeout);
        QCOMPARE(serverStreams.at(0).at(0).value<RpcMessage>().serviceId(), 1);
        QCOMPARE(serverStreams.at(1).at(0).value<RpcMessage>().body(), QByteArray("after"));
        QCOMPARE(m_serverPeer->state(), RpcPeer::ConnectedState);
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(serverDisconnected.size(), 1, Timeout);
        QCOMPARE(serverStreams.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(m_client->state(), RpcPeer::UnconnectedState, Timeout);
    }
}

void tst_Protocol::timeoutIgnoresLateResponse()
{
    QPointer<RpcRequest> incoming;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *r) { incoming = r; });
    RpcRequest *request = m_client->sendRequest(1);
    request->setTimeout(50);
    QCOMPARE(request->timeout(), 50);
    QSignalSpy errors(request, &RpcRequest::errorOccurred);
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::Timeout);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(m_client->openRequestCount(), 0);

    QTRY_VERIFY_WITH_TIMEOUT(incoming, Timeout);
    QSignalSpy clientErrors(m_client.get(), &RpcPeer::errorOccurred);
    QSignalSpy streams(m_client.get(), &RpcPeer::streamReceived);
    QVERIFY(incoming->sendUpdate(1, "late update"));
    QVERIFY(incoming->sendResponse(0, "late"));
    QVERIFY(m_serverPeer->sendStream(1, "marker"));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
    QCOMPARE(clientErrors.size(), 0); // quietly dropped
    QCOMPARE(errors.size(), 1);
}

void tst_Protocol::abortIgnoresLateResponse()
{
    QPointer<RpcRequest> incoming;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *r) { incoming = r; });
    RpcRequest *request = m_client->sendRequest(1);
    QTRY_VERIFY_WITH_TIMEOUT(incoming, Timeout);
    QSignalSpy finished(request, &RpcRequest::finished);
    request->abort();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(request->error(), RpcError::Canceled);
    request->abort();
    QCOMPARE(finished.size(), 1);

    // The id stays reserved until the late response arrived.
    RpcRequest *next = m_client->sendRequest(1);
    QVERIFY(next->requestId() != request->requestId());

    QSignalSpy clientErrors(m_client.get(), &RpcPeer::errorOccurred);
    QSignalSpy streams(m_client.get(), &RpcPeer::streamReceived);
    QVERIFY(incoming->sendResponse(0, "late"));
    QVERIFY(m_serverPeer->sendStream(1, "marker"));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
    QCOMPARE(clientErrors.size(), 0);
}

void tst_Protocol::futureDeliversResponse()
{
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(3, "result"); });
    RpcRequest *request = m_client->sendRequest(1);
    QFuture<RpcMessage> future = request->future();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), Timeout);
    QCOMPARE(future.result().body(), QByteArray("result"));
    // A future taken after the fact has the result too.
    QCOMPARE(request->future().result().serviceId(), 3);
}

void tst_Protocol::futureDeliversError()
{
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendErrorResponse(QStringLiteral("nope")); });
    RpcRequest *request = m_client->sendRequest(1);
    QFuture<RpcMessage> future = request->future();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), Timeout);
    try {
        future.result();
        QFAIL("no exception");
    } catch (const RpcException &e) {
        QCOMPARE(e.error(), RpcError::RemoteError);
        QCOMPARE(e.errorString(), QStringLiteral("nope"));
        QVERIFY(e.response().isError());
    }
}

void tst_Protocol::sendAfterFinishFails()
{
    QPointer<RpcRequest> incoming;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *r) { incoming = r; });
    RpcRequest *request = m_client->sendRequest(1);
    QTRY_VERIFY_WITH_TIMEOUT(incoming, Timeout);
    QVERIFY(incoming->sendResponse(0));
    QVERIFY(!incoming->sendResponse(0));
    QVERIFY(!incoming->sendUpdate(0));
    QCOMPARE(incoming->error(), RpcError::NoError); // a finished request keeps its outcome
    QVERIFY(request->waitForFinished(Timeout));
    QVERIFY(!request->sendUpdate(0));
    QCOMPARE(request->error(), RpcError::NoError); // a finished request keeps its outcome
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot respond")));
    QVERIFY(!request->sendResponse(0));
}

void tst_Protocol::disconnectFlushesPendingData()
{
    constexpr int Count = 200;
    QSignalSpy streams(m_serverPeer, &RpcPeer::streamReceived);
    QSignalSpy serverDisconnected(m_serverPeer, &RpcPeer::disconnected);
    QSignalSpy clientDisconnected(m_client.get(), &RpcPeer::disconnected);
    const QByteArray body(2000, 'z');
    for (int i = 0; i < Count; ++i)
        QVERIFY(m_client->sendStream(i, body));
    m_client->disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(serverDisconnected.size(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(clientDisconnected.size(), 1, Timeout);
    QCOMPARE(streams.size(), Count);
    for (int i = 0; i < Count; ++i)
        QCOMPARE(streams.at(i).at(0).value<RpcMessage>().serviceId(), i);
}

void tst_Protocol::slowReaderHitsHighWaterMark()
{
    QFETCH_GLOBAL(QString, scheme);
    // The server peer writes to a client that stops reading from its socket.
    m_client.reset();
    m_serverPeer = nullptr;
    RpcConfig config = m_server->config();
    config.setWriteBufferHighWaterMark(64 * 1024);
    m_server->setConfig(config);

    std::unique_ptr<QTcpSocket> tcp;
    std::unique_ptr<QLocalSocket> local;
    int rawFd = -1;
    const RpcAddress address = m_server->serverAddress();
    if (scheme == QLatin1String("tcp")) {
        tcp.reset(new QTcpSocket);
        tcp->setReadBufferSize(1); // Qt stops reading from the kernel
        tcp->connectToHost(QHostAddress::LocalHost, address.port());
        QVERIFY(tcp->waitForConnected(Timeout));
    } else if (scheme == QLatin1String("unix")) {
        local.reset(new QLocalSocket);
        local->setReadBufferSize(1);
        local->connectToServer(address.path());
        QVERIFY(local->waitForConnected(Timeout));
    } else {
        rawFd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        const QByteArray path = QFile::encodeName(address.path());
        memcpy(addr.sun_path, path.constData(), size_t(path.size()));
        QCOMPARE(::connect(rawFd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_server->hasPendingConnections(), Timeout);
    m_serverPeer = m_server->nextPendingConnection();

    const qsizetype bodySize = qMin<qsizetype>(1000, m_serverPeer->config().maxBodyWriteSize());
    int accepted = 0;
    int refusedAt = -1;
    // Bounded: the kernel buffers plus the mark hold far less than this.
    for (int i = 0; i < 200000 && refusedAt < 0; ++i) {
        QByteArray body(bodySize, char('a' + i % 26));
        RpcWire::writeU32(body.data(), quint32(i), RpcConfig::LittleEndian);
        if (m_serverPeer->sendStream(1, body)) {
            ++accepted;
            if (i % 64 == 0)
                QCoreApplication::processEvents(); // let the socket flush what the kernel takes
        } else {
            refusedAt = i;
        }
    }
    QVERIFY2(refusedAt >= 0, "the high-water mark never stopped the sender");
    QCOMPARE(m_serverPeer->error(), RpcError::WriteBufferFull);
    QVERIFY(m_serverPeer->bytesToWrite() <= 64 * 1024);
    QCOMPARE(m_serverPeer->state(), RpcPeer::ConnectedState);

    // The reader resumes: everything accepted arrives intact and in order.
    RpcWire::RpcFrameDecoder decoder(m_serverPeer->config().byteOrder(), 8192);
    int received = 0;
    auto check = [&](const RpcMessage &message) {
        QCOMPARE(message.type(), RpcMessage::Stream);
        QCOMPARE(message.body().size(), bodySize);
        QCOMPARE(RpcWire::readU32(message.body().constData(), RpcConfig::LittleEndian),
                 quint32(received));
        ++received;
    };
    QIODevice *device = tcp ? static_cast<QIODevice *>(tcp.get()) : local.get();
    if (device) {
        if (tcp)
            tcp->setReadBufferSize(0);
        else
            local->setReadBufferSize(0);
        QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    const QByteArray data = device->readAll();
                    qsizetype offset = 0;
                    while (offset < data.size()) {
                        offset += decoder.feed(data.constData() + offset, data.size() - offset);
                        if (decoder.state() == RpcWire::RpcFrameDecoder::MessageReady)
                            check(decoder.takeMessage());
                        if (decoder.state() == RpcWire::RpcFrameDecoder::Failed)
                            return true;
                    }
                    return received >= accepted;
                }(),
                Timeout);
        QCOMPARE(decoder.state(), RpcWire::RpcFrameDecoder::NeedMore);
    } else {
        QByteArray buffer(64 * 1024, Qt::Uninitialized);
        QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    for (;;) {
                        const ssize_t n
                                = ::recv(rawFd, buffer.data(), size_t(buffer.size()), MSG_DONTWAIT);
                        if (n <= 0)
                            break;
                        const RpcWire::DatagramResult result = RpcWire::parseDatagram(
                                buffer.constData(), n, m_serverPeer->config().byteOrder(), 8192);
                        if (result.error != RpcError::NoError)
                            return true;
                        check(result.message);
                    }
                    return received >= accepted;
                }(),
                Timeout);
        ::close(rawFd);
    }
    QCOMPARE(received, accepted);
    // Below the mark again: sending works.
    QTRY_VERIFY_WITH_TIMEOUT(m_serverPeer->bytesToWrite() == 0, Timeout);
    QVERIFY(m_serverPeer->sendStream(1, "again"));
}

void tst_Protocol::pendingPeerDoesNotReadBeforeTaken()
{
    m_client.reset(new RpcPeer);
    QSignalSpy newConnection(m_server.get(), &RpcServer::newConnection);
    m_client->connectToServer(m_server->serverAddress().toString());
    QVERIFY(m_client->waitForConnected(Timeout));
    RpcRequest *request = m_client->sendRequest(1, "early");
    QVERIFY(m_client->sendStream(2, "early stream"));
    QTRY_COMPARE_WITH_TIMEOUT(newConnection.size(), 1, Timeout);
    // A full round trip on another connection of the same event loop, while
    // this one is pending: had the server read the early request, it would
    // have rejected it as unhandled by now.
    RpcServer other;
    QVERIFY2(other.listen(QStringLiteral("tcp://127.0.0.1:0")), qPrintable(other.errorString()));
    connect(&other, &RpcServer::newConnection, this, [&other] {
        RpcPeer *peer = other.nextPendingConnection();
        connect(peer, &RpcPeer::requestReceived, peer,
                [](RpcRequest *r) { r->sendResponse(0, r->body()); });
    });
    RpcPeer probe;
    probe.connectToServer(other.serverAddress().toString());
    QVERIFY(probe.waitForConnected(Timeout));
    std::unique_ptr<RpcRequest> ping(probe.sendRequest(1, "ping"));
    QVERIFY(ping->waitForFinished(Timeout));
    QCOMPARE(ping->response().body(), QByteArray("ping"));
    QVERIFY(!request->isFinished());

    RpcPeer *peer = m_server->nextPendingConnection();
    QVERIFY(peer);
    QSignalSpy streams(peer, &RpcPeer::streamReceived);
    connect(peer, &RpcPeer::requestReceived, this,
            [](RpcRequest *r) { r->sendResponse(0, "got " + r->body()); });
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::NoError);
    QCOMPARE(request->response().body(), QByteArray("got early"));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, Timeout);
}

void tst_Protocol::manyClients()
{
    constexpr int Clients = 20;
    constexpr int RequestsEach = 10;
    connect(m_server.get(), &RpcServer::newConnection, this, [this] {
        while (RpcPeer *peer = m_server->nextPendingConnection()) {
            peer->setAutoDeleteRequests(true);
            connect(peer, &RpcPeer::requestReceived, peer,
                    [](RpcRequest *r) { r->sendResponse(r->serviceId(), r->body()); });
        }
    });
    connect(m_serverPeer, &RpcPeer::requestReceived, m_serverPeer,
            [](RpcRequest *r) { r->sendResponse(r->serviceId(), r->body()); });

    std::vector<std::unique_ptr<RpcPeer>> clients;
    for (int i = 0; i < Clients; ++i) {
        clients.emplace_back(new RpcPeer);
        clients.back()->connectToServer(m_server->serverAddress().toString());
    }
    for (auto &client : clients)
        QVERIFY(client->waitForConnected(Timeout));
    QList<RpcRequest *> requests;
    for (int i = 0; i < Clients; ++i) {
        for (int j = 0; j < RequestsEach; ++j)
            requests.append(clients[size_t(i)]->sendRequest(i, QByteArray::number(i * 1000 + j)));
    }
    for (int i = 0; i < requests.size(); ++i) {
        QVERIFY(requests.at(i)->waitForFinished(Timeout));
        QCOMPARE(requests.at(i)->error(), RpcError::NoError);
        QCOMPARE(requests.at(i)->response().body(),
                 QByteArray::number((i / RequestsEach) * 1000 + i % RequestsEach));
    }
}

void tst_Protocol::autoDeleteRequests()
{
    m_client->setAutoDeleteRequests(true);
    m_serverPeer->setAutoDeleteRequests(true);
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *r) { r->sendResponse(0, r->body()); });
    QList<QPointer<RpcRequest>> requests;
    for (int i = 0; i < 10; ++i)
        requests.append(m_client->sendRequest(1, "x"));
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(requests.cbegin(), requests.cend(),
                                         [](const QPointer<RpcRequest> &r) { return r.isNull(); }),
                             Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_client->findChildren<RpcRequest *>().size(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_serverPeer->findChildren<RpcRequest *>().size(), 0, Timeout);

    // Deletion is deferred like deleteLater(): a request waited for in a
    // nested event loop is still readable when the wait returns.
    QPointer<RpcRequest> waited = m_client->sendRequest(1, "wait for me");
    QVERIFY(waited->waitForFinished(Timeout));
    QVERIFY(waited);
    QCOMPARE(waited->response().body(), QByteArray("wait for me"));
    QTRY_VERIFY_WITH_TIMEOUT(waited.isNull(), Timeout);
}

void tst_Protocol::requestsAreChildrenOfPeer()
{
    // Following the ownership rules (deleteLater after finished) leaves nothing behind.
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [](RpcRequest *r) {
        QCOMPARE(r->parent(), r->peer());
        r->sendResponse(0, r->body());
        r->deleteLater();
    });
    for (int i = 0; i < 50; ++i) {
        RpcRequest *request = m_client->sendRequest(1, "x");
        QCOMPARE(request->parent(), m_client.get());
        QCOMPARE(request->peer(), m_client.get());
        connect(request, &RpcRequest::finished, request, &QObject::deleteLater);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_client->findChildren<RpcRequest *>().size(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_serverPeer->findChildren<RpcRequest *>().size(), 0, Timeout);
    QCOMPARE(m_client->openRequestCount(), 0);

    // Requests still alive when their peer dies go with it, silently.
    QPointer<RpcRequest> orphan = m_client->sendRequest(1);
    m_client.reset();
    QVERIFY(orphan.isNull());
}

QTEST_GUILESS_MAIN(tst_Protocol)
#include "tst_protocol.moc"

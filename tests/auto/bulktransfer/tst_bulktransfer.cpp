// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Large bodies over every transport: bodies of many sizes (below, at and
// above the sizes where the stream transport writes straight to the socket
// and reads straight into the message) arrive whole and in order, with many
// frames queued behind each other, and while the receiver pauses and resumes
// reading in the middle of a burst.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcMessage>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QList>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr quint32 MaxBody = 8 * 1024 * 1024;

// A body whose every byte depends on its position and on seed, so that a
// lost, repeated or reordered piece shows.
QByteArray patternBody(qsizetype size, int seed)
{
    QByteArray body(size, Qt::Uninitialized);
    char *data = body.data();
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char((i * 131 + (i >> 12) * 17 + seed * 7) & 0xff);
    return body;
}

QList<qsizetype> sizesFor(const QString &scheme)
{
    // Seqpacket: one datagram per message, at most what the socket takes
    // (about 207 KiB with the default buffer sizes).
    if (scheme == QLatin1String("seqpacket"))
        return {0, 1, 4096, 16383, 16384, 65535, 65536, 65537, 100000, 180000, 12, 180001};
    return {0,     1,      4096,        16383,       16384,       16385, 65519, 65520,
            65536, 100000, 1024 * 1024, 1048576 + 7, 2 * 1048576, 12,    5,     1048576 + 1};
}

// What one test sends in one burst stays below half the default write-buffer
// high-water mark (16 MiB): above it a peer stops reading until its own
// output drained, and two peers that both wait so would wait for ever.

RpcConfig configFor(const QString &scheme)
{
    RpcConfig config = RpcConfig::defaultsFor(transportFor(scheme));
    config.setMaxBodyReadSize(MaxBody);
    config.setMaxBodyWriteSize(MaxBody);
    return config;
}

} // namespace

class tst_BulkTransfer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void echoLargeBodies();
    void pausedReceiver();
    void pauseAfterEveryMessage();
};

// Every request is sent before any response arrives, so frames queue behind
// each other in both directions; each response is its request's body.
void tst_BulkTransfer::echoLargeBodies()
{
    QFETCH_GLOBAL(QString, scheme);
    PeerPair pair;
    pair.config = configFor(scheme);
    QVERIFY(pair.start(scheme));
    connect(pair.serverPeer, &RpcPeer::requestReceived, pair.serverPeer, [](RpcRequest *request) {
        QVERIFY(request->sendResponse(request->serviceId(), request->body()));
    });

    const QList<qsizetype> sizes = sizesFor(scheme);
    QList<QByteArray> bodies;
    QList<QPointer<RpcRequest>> requests;
    int finished = 0;
    for (qsizetype size : sizes) {
        const QByteArray body = patternBody(size, int(bodies.size()));
        RpcRequest *request = pair.client->sendRequest(int(bodies.size()), body);
        QVERIFY2(request, qPrintable(QStringLiteral("request of %1 bytes").arg(size)));
        connect(request, &RpcRequest::finished, this, [&finished] { ++finished; });
        bodies.append(body);
        requests.append(request);
    }
    QTRY_COMPARE_WITH_TIMEOUT(finished, int(requests.size()), DefaultTimeout);
    for (qsizetype i = 0; i < requests.size(); ++i) {
        QVERIFY(requests[i]);
        QCOMPARE(requests[i]->error(), RpcError::NoError);
        const RpcMessage response = requests[i]->response();
        QCOMPARE(response.serviceId(), qint32(i));
        QCOMPARE(response.body().size(), bodies[i].size());
        QVERIFY2(response.body() == bodies[i],
                 qPrintable(QStringLiteral("body %1 differs").arg(i)));
    }
    QCOMPARE(pair.client->state(), RpcPeer::ConnectedState);
}

// The receiver pauses before a burst of large messages is sent: nothing is
// delivered while paused, however long the event loop runs; after resuming,
// every message arrives whole and in order.
void tst_BulkTransfer::pausedReceiver()
{
    QFETCH_GLOBAL(QString, scheme);
    PeerPair pair;
    pair.config = configFor(scheme);
    QVERIFY(pair.start(scheme));
    QList<RpcMessage> received;
    connect(pair.serverPeer, &RpcPeer::streamReceived, pair.serverPeer,
            [&received](const RpcMessage &message) { received.append(message); });
    pair.serverPeer->setReadingPaused(true);

    const QList<qsizetype> sizes = sizesFor(scheme);
    QList<QByteArray> bodies;
    for (qsizetype size : sizes) {
        const QByteArray body = patternBody(size, int(bodies.size()) + 1000);
        QVERIFY(pair.client->sendStream(int(bodies.size()), body));
        bodies.append(body);
    }
    // Many passes of the event loop, so that both sides move whatever they
    // can: the sender writes until the paused receiver pushes back.
    for (int i = 0; i < 200; ++i)
        QCoreApplication::processEvents();
    QVERIFY(received.isEmpty());
    QCOMPARE(pair.serverPeer->state(), RpcPeer::ConnectedState);

    pair.serverPeer->setReadingPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), bodies.size(), DefaultTimeout);
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        QCOMPARE(received[i].serviceId(), qint32(i));
        QCOMPARE(received[i].body().size(), bodies[i].size());
        QVERIFY2(received[i].body() == bodies[i],
                 qPrintable(QStringLiteral("body %1 differs").arg(i)));
    }
}

// The receiver pauses from inside its handler after every message and
// resumes from the event loop: a large frame's bytes are then partly in the
// socket's buffer, partly in the kernel, when reading resumes.
void tst_BulkTransfer::pauseAfterEveryMessage()
{
    QFETCH_GLOBAL(QString, scheme);
    PeerPair pair;
    pair.config = configFor(scheme);
    QVERIFY(pair.start(scheme));
    QList<RpcMessage> received;
    RpcPeer *serverPeer = pair.serverPeer;
    connect(serverPeer, &RpcPeer::streamReceived, serverPeer,
            [&received, serverPeer](const RpcMessage &message) {
                received.append(message);
                serverPeer->setReadingPaused(true);
                QTimer::singleShot(0, serverPeer,
                                   [serverPeer] { serverPeer->setReadingPaused(false); });
            });

    QList<QByteArray> bodies;
    for (qsizetype size : sizesFor(scheme)) {
        const QByteArray body = patternBody(size, int(bodies.size()) + 2000);
        QVERIFY(pair.client->sendStream(int(bodies.size()), body));
        bodies.append(body);
    }
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), bodies.size(), DefaultTimeout);
    for (qsizetype i = 0; i < bodies.size(); ++i) {
        QCOMPARE(received[i].serviceId(), qint32(i));
        QVERIFY2(received[i].body() == bodies[i],
                 qPrintable(QStringLiteral("body %1 differs").arg(i)));
    }
    QCOMPARE(pair.client->state(), RpcPeer::ConnectedState);
}

QTEST_GUILESS_MAIN(tst_BulkTransfer)

#include "tst_bulktransfer.moc"

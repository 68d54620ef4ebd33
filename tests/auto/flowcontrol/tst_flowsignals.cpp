// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Flow control both ways, on the public API of RpcPeer: writeBufferDrained()
// lets a producer pause on RpcError::WriteBufferFull and resume, and
// readingPaused stops and resumes delivery without losing or reordering
// anything, also when set in the middle of a batch.

#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcMessage>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtCore/QPointer>
#include <QtCore/QtEndian>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr qint64 HighWater = 1024 * 1024;
constexpr qint64 LowWater = 256 * 1024;

QByteArray numbered(quint32 sequence, qsizetype size)
{
    QByteArray body(size, 'x');
    qToLittleEndian(sequence, body.data());
    return body;
}

quint32 sequenceOf(const QByteArray &body)
{
    return body.size() >= 4 ? qFromLittleEndian<quint32>(body.constData()) : quint32(-1);
}

// A server and a client peer with small water marks, connected.
struct Pair
{
    QTemporaryDir dir;
    RpcServer server;
    RpcPeer client;
    QPointer<RpcPeer> serverPeer;
    qsizetype bodySize = 0;

    bool start(const QString &scheme)
    {
        RpcConfig config = RpcConfig::defaultsFor(
                scheme == QLatin1String("seqpacket") ? RpcAddress::UnixSeqpacket : RpcAddress::Tcp);
        bodySize = qsizetype(config.maxBodyWriteSize());
        config.setWriteBufferHighWaterMark(HighWater);
        config.setWriteBufferLowWaterMark(LowWater);
        server.setConfig(config);
        client.setConfig(config);
        if (!server.listen(addressFor(scheme, dir, QStringLiteral("flow"))))
            return false;
        QSignalSpy connected(&client, &RpcPeer::connected);
        client.connectToServer(server.serverAddress());
        if (!connected.wait(DefaultTimeout) && connected.isEmpty())
            return false;
        if (!server.hasPendingConnections()) {
            QSignalSpy newConnection(&server, &RpcServer::newConnection);
            if (!newConnection.wait(DefaultTimeout))
                return false;
        }
        serverPeer = server.nextPendingConnection();
        return serverPeer;
    }
};

} // namespace

class tst_FlowSignals : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void producerPausesAndResumes();
    void drainedOnlyAfterHighUsage();
    void deleteInDrained();
    void readingPaused();
    void pauseInsideBatch();
};

// A producer sends until WriteBufferFull, then waits for writeBufferDrained()
// to go on; the reader starts paused, and pauses again (until the producer
// is stopped) every 64 messages. All messages arrive, in order.
void tst_FlowSignals::producerPausesAndResumes()
{
    QFETCH_GLOBAL(QString, scheme);
    Pair pair;
    QVERIFY(pair.start(scheme));
    const quint32 total = quint32(8 * HighWater / pair.bodySize) + 50;
    quint32 next = 0;
    int fullCount = 0;
    bool blocked = false;
    bool inSend = false;
    bool drainedInSend = false;
    bool drainedAboveLowWater = false;
    int drainedCount = 0;
    const auto produce = [&] {
        inSend = true;
        blocked = false;
        while (next < total) {
            if (!pair.client.sendStream(7, numbered(next, pair.bodySize))) {
                QCOMPARE(pair.client.error(), RpcError::WriteBufferFull);
                ++fullCount;
                blocked = true;
                break;
            }
            ++next;
        }
        inSend = false;
    };
    connect(&pair.client, &RpcPeer::writeBufferDrained, this, [&] {
        ++drainedCount;
        drainedInSend = drainedInSend || inSend;
        drainedAboveLowWater = drainedAboveLowWater || pair.client.bytesToWrite() > LowWater;
        produce();
    });
    quint32 received = 0;
    bool inOrder = true;
    RpcPeer *reader = pair.serverPeer;
    connect(reader, &RpcPeer::streamReceived, this, [&](const RpcMessage &message) {
        inOrder = inOrder && sequenceOf(message.body()) == received;
        ++received;
        if (received % 64 == 0)
            reader->setReadingPaused(true);
    });
    reader->setReadingPaused(true);
    produce();
    QCOMPARE(fullCount, 1);
    QCOMPARE(drainedCount, 0); // never from inside a send
    int resumes = 0;
    while (received < total) {
        // The reader paused: the producer is stopped (the back-pressure
        // reached it), or has sent everything.
        QTRY_VERIFY_WITH_TIMEOUT(
                received == total || (reader->isReadingPaused() && (blocked || next == total)),
                DefaultTimeout);
        reader->setReadingPaused(false);
        ++resumes;
    }
    QVERIFY(inOrder);
    QCOMPARE(received, total);
    QCOMPARE(next, total);
    QVERIFY(resumes > 1);
    QVERIFY(fullCount > 1);
    QVERIFY(drainedCount >= fullCount - 1);
    QVERIFY(!drainedInSend);
    QVERIFY(!drainedAboveLowWater);
    qInfo("%s: %u messages, producer stopped %d times, resumed by the signal %d times",
          qPrintable(scheme), total, fullCount, drainedCount);
}

// Sending less than the low-water mark never arms the signal.
void tst_FlowSignals::drainedOnlyAfterHighUsage()
{
    QFETCH_GLOBAL(QString, scheme);
    Pair pair;
    QVERIFY(pair.start(scheme));
    QSignalSpy drained(&pair.client, &RpcPeer::writeBufferDrained);
    quint32 received = 0;
    connect(pair.serverPeer, &RpcPeer::streamReceived, this, [&] { ++received; });
    const quint32 count = quint32(LowWater / pair.bodySize / 2);
    for (quint32 i = 0; i < count; ++i)
        QVERIFY(pair.client.sendStream(7, numbered(i, pair.bodySize)));
    QTRY_COMPARE_WITH_TIMEOUT(received, count, DefaultTimeout);
    // A round trip more: whatever the event loop had queued has run.
    QSignalSpy back(&pair.client, &RpcPeer::streamReceived);
    QVERIFY(pair.serverPeer->sendStream(8));
    QVERIFY(back.wait(DefaultTimeout));
    QCOMPARE(drained.size(), 0);
}

// Deleting the peer in a slot connected to writeBufferDrained() is safe.
void tst_FlowSignals::deleteInDrained()
{
    QFETCH_GLOBAL(QString, scheme);
    Pair pair;
    QVERIFY(pair.start(scheme));
    auto *client = new RpcPeer;
    RpcConfig config = pair.client.config();
    QVERIFY(client->setConfig(config));
    QSignalSpy connected(client, &RpcPeer::connected);
    client->connectToServer(pair.server.serverAddress());
    QVERIFY(connected.wait(DefaultTimeout));
    QTRY_VERIFY_WITH_TIMEOUT(pair.server.hasPendingConnections(), DefaultTimeout);
    RpcPeer *reader = pair.server.nextPendingConnection();
    QVERIFY(reader);
    quint32 sent = 0;
    while (client->sendStream(7, numbered(sent, pair.bodySize)))
        ++sent;
    QCOMPARE(client->error(), RpcError::WriteBufferFull);
    QPointer<RpcPeer> guard(client);
    connect(client, &RpcPeer::writeBufferDrained, client, [client] { delete client; });
    QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), DefaultTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(reader->state(), RpcPeer::UnconnectedState, DefaultTimeout);
}

// readingPaused: nothing is delivered while set; everything, in order, after.
void tst_FlowSignals::readingPaused()
{
    QFETCH_GLOBAL(QString, scheme);
    Pair pair;
    QVERIFY(pair.start(scheme));
    RpcPeer *reader = pair.serverPeer;
    QCOMPARE(reader->isReadingPaused(), false);
    QSignalSpy changed(reader, &RpcPeer::readingPausedChanged);
    reader->setReadingPaused(true);
    reader->setReadingPaused(true);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toBool(), true);
    QCOMPARE(reader->property("readingPaused").toBool(), true);
    quint32 received = 0;
    bool inOrder = true;
    connect(reader, &RpcPeer::streamReceived, this, [&](const RpcMessage &message) {
        inOrder = inOrder && sequenceOf(message.body()) == received;
        ++received;
    });
    constexpr quint32 Count = 200;
    for (quint32 i = 0; i < Count; ++i)
        QVERIFY(pair.client.sendStream(7, numbered(i, 64)));
    QTRY_COMPARE_WITH_TIMEOUT(pair.client.bytesToWrite(), 0, DefaultTimeout);
    // The client's end is the other way round: it still reads.
    QSignalSpy back(&pair.client, &RpcPeer::streamReceived);
    QVERIFY(reader->sendStream(8));
    QVERIFY(back.wait(DefaultTimeout));
    QCOMPARE(received, 0u);
    QVERIFY(reader->setProperty("readingPaused", false));
    QCOMPARE(changed.size(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(received, Count, DefaultTimeout);
    QVERIFY(inOrder);
}

// Pausing from a slot in the middle of a batch holds the rest of the batch
// (already read from the socket, or not) until resumed.
void tst_FlowSignals::pauseInsideBatch()
{
    QFETCH_GLOBAL(QString, scheme);
    Pair pair;
    QVERIFY(pair.start(scheme));
    RpcPeer *reader = pair.serverPeer;
    reader->setReadingPaused(true);
    constexpr quint32 Count = 100;
    for (quint32 i = 0; i < Count; ++i)
        QVERIFY(pair.client.sendStream(7, numbered(i, 64)));
    QTRY_COMPARE_WITH_TIMEOUT(pair.client.bytesToWrite(), 0, DefaultTimeout);
    quint32 received = 0;
    bool inOrder = true;
    connect(reader, &RpcPeer::streamReceived, this, [&](const RpcMessage &message) {
        inOrder = inOrder && sequenceOf(message.body()) == received;
        ++received;
        if (received % 10 == 0)
            reader->setReadingPaused(true);
    });
    for (quint32 round = 1; round <= Count / 10; ++round) {
        reader->setReadingPaused(false);
        QTRY_COMPARE_WITH_TIMEOUT(received, round * 10, DefaultTimeout);
        QVERIFY(reader->isReadingPaused());
        // A round trip: had more been delivered, it would be by now.
        QSignalSpy back(&pair.client, &RpcPeer::streamReceived);
        QVERIFY(reader->sendStream(8));
        QVERIFY(back.wait(DefaultTimeout));
        QCOMPARE(received, round * 10);
    }
    QVERIFY(inOrder);
}

QTEST_GUILESS_MAIN(tst_FlowSignals)
#include "tst_flowsignals.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Hostile peers: garbage, malformed frames, hostile lengths, floods of
// duplicate and unknown ids, connections that close at once. After each, the
// server still serves a well-behaved client and its memory stays bounded.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"
#include "wire/rpcwire_p.h"

#include <QtCore/QPointer>
#include <QtCore/QRandomGenerator>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int Timeout = 30000;
// Growth of the resident set a hostile input may cause at most. Far below
// what honouring a hostile 4 GiB length would take.
constexpr qint64 MemoryBoundKiB = 32 * 1024;

} // namespace

class tst_Hostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void init();
    void cleanup();

    void randomBytes();
    void malformedFrames_data();
    void malformedFrames();
    void badLengthPrefixAlone_data();
    void badLengthPrefixAlone();
    void partialFrameThenSilence();
    void duplicateRequestIdFlood();
    void unknownIdFlood();
    void connectAndCloseAtOnce();

private:
    void checkStillServes();
    QByteArray encode(const RpcMessage &message) const;
    bool isSeqpacket() const;

    QTemporaryDir m_dir;
    std::unique_ptr<RpcServer> m_server;
    QList<RpcError> m_errors;
    int m_fdsAtStart = 0;
    qint64 m_rssAtStart = 0;
};

bool tst_Hostile::isSeqpacket() const
{
    return m_server->serverAddress().transport() == RpcAddress::UnixSeqpacket;
}

QByteArray tst_Hostile::encode(const RpcMessage &message) const
{
    const RpcConfig config = m_server->config();
    return isSeqpacket() ? RpcWire::encodeDatagram(message, config.byteOrder())
                         : RpcWire::encodeStreamFrame(message, config.byteOrder());
}

void tst_Hostile::init()
{
    QFETCH_GLOBAL(QString, scheme);
    m_fdsAtStart = openFdCount();
    m_rssAtStart = statusKiB("VmRSS");
    m_errors.clear();
    m_server.reset(new RpcServer);
    QVERIFY(m_server->listen(
            addressFor(scheme, m_dir, QString::fromLatin1(QTest::currentTestFunction()))));
    connect(m_server.get(), &RpcServer::newConnection, this, [this] {
        while (RpcPeer *peer = m_server->nextPendingConnection()) {
            peer->setAutoDeleteRequests(true);
            connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
            connect(peer, &RpcPeer::errorOccurred, this,
                    [this](RpcError error) { m_errors.append(error); });
            connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
                if (request->serviceId() == 1)
                    request->sendResponse(1, request->body());
                // Other services stay open: the tests hold them on purpose.
            });
        }
    });
}

void tst_Hostile::cleanup()
{
    m_server.reset();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), m_fdsAtStart, Timeout);
}

void tst_Hostile::checkStillServes()
{
    RpcPeer client;
    client.connectToServer(m_server->serverAddress().toString());
    QVERIFY(client.waitForConnected(Timeout));
    RpcRequest *request = client.sendRequest(1, "still there?");
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::NoError);
    QCOMPARE(request->response().body(), QByteArray("still there?"));
    const qint64 growth = statusKiB("VmRSS") - m_rssAtStart;
    if (MemoryBoundsApply) {
        QVERIFY2(growth < MemoryBoundKiB,
                 qPrintable(QStringLiteral("resident memory grew by %1 KiB").arg(growth)));
    }
}

void tst_Hostile::randomBytes()
{
    QRandomGenerator random(20261124);
    RawConnection raw;
    QVERIFY(raw.open(m_server->serverAddress().toString()));
    if (raw.isSeqpacket()) {
        // Random datagrams: each is dropped and reported, the connection lives on.
        for (int i = 0; i < 200; ++i) {
            QByteArray datagram(random.bounded(0, 6000), Qt::Uninitialized);
            random.fillRange(reinterpret_cast<quint32 *>(datagram.data()), datagram.size() / 4);
            raw.write(datagram);
        }
        QTRY_VERIFY_WITH_TIMEOUT(m_errors.size() > 0, Timeout);
    } else {
        QByteArray bytes(64 * 1024, Qt::Uninitialized);
        random.fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
        raw.write(bytes);
        // Garbage on a stream is fatal: reported once, connection closed.
        QTRY_VERIFY_WITH_TIMEOUT(raw.isClosedByPeer(), Timeout);
        QCOMPARE(m_errors.size(), 1);
        QVERIFY(int(m_errors.first()) >= 100 && int(m_errors.first()) < 200);
    }
    checkStillServes();
}

void tst_Hostile::malformedFrames_data()
{
    QTest::addColumn<quint32>("length");
    QTest::addColumn<quint32>("type");
    QTest::addColumn<int>("error");
    QTest::newRow("length-0") << 0u << 0u << int(RpcError::FrameTooShort);
    QTest::newRow("length-11") << 11u << 0u << int(RpcError::FrameTooShort);
    QTest::newRow("length-max") << 0xFFFFFFFFu << 0u << int(RpcError::MessageTooLarge);
    QTest::newRow("invalid-type") << 16u << 5u << int(RpcError::InvalidMessageType);
}

void tst_Hostile::malformedFrames()
{
    QFETCH(quint32, length);
    QFETCH(quint32, type);
    QFETCH(int, error);
    RawConnection raw;
    QVERIFY(raw.open(m_server->serverAddress().toString()));
    const RpcConfig::ByteOrder order = m_server->config().byteOrder();
    if (raw.isSeqpacket()) {
        // No length prefix: a datagram of the claimed size (capped), then the type.
        const qsizetype size = qMin<qsizetype>(length, 64 * 1024);
        QByteArray datagram(size, '\0');
        if (size >= 4)
            RpcWire::writeU32(datagram.data(), type, order);
        raw.write(datagram);
        QTRY_COMPARE_WITH_TIMEOUT(m_errors.size(), 1, Timeout);
        // The datagram boundaries are known: the connection survives.
        raw.write(encode(RpcMessage(RpcMessage::Request, 1, 1, "after")));
    } else {
        QByteArray frame(16, '\0');
        RpcWire::writeU32(frame.data(), length, order);
        RpcWire::writeU32(frame.data() + 4, type, order);
        raw.write(frame + QByteArray(64, 'x'));
        QTRY_VERIFY_WITH_TIMEOUT(raw.isClosedByPeer(), Timeout);
        QCOMPARE(m_errors.size(), 1);
        QCOMPARE(m_errors.first(), RpcError(error));
    }
    checkStillServes();
}

void tst_Hostile::badLengthPrefixAlone_data()
{
    QTest::addColumn<quint32>("length");
    QTest::addColumn<int>("error");
    QTest::newRow("length-0") << 0u << int(RpcError::FrameTooShort);
    QTest::newRow("length-11") << 11u << int(RpcError::FrameTooShort);
    QTest::newRow("length-max") << 0xFFFFFFFFu << int(RpcError::MessageTooLarge);
}

void tst_Hostile::badLengthPrefixAlone()
{
    // Only the 4 bytes of a bad length prefix, then silence: the server does
    // not wait for a header that never comes, it reports and disconnects.
    QFETCH(quint32, length);
    QFETCH(int, error);
    RawConnection raw;
    QVERIFY(raw.open(m_server->serverAddress().toString()));
    QByteArray prefix(4, '\0');
    RpcWire::writeU32(prefix.data(), length, m_server->config().byteOrder());
    QVERIFY(raw.write(prefix));
    if (raw.isSeqpacket()) {
        // Datagrams have no length prefix: the same 4 bytes are a datagram
        // too short for a header, dropped, and the connection goes on.
        QTRY_COMPARE_WITH_TIMEOUT(m_errors.size(), 1, Timeout);
        QCOMPARE(m_errors.first(), RpcError::FrameTooShort);
        checkStillServes();
        QVERIFY(!raw.isClosedByPeer());
        return;
    }
    QTRY_VERIFY_WITH_TIMEOUT(raw.isClosedByPeer(), Timeout);
    QCOMPARE(m_errors.size(), 1);
    QCOMPARE(m_errors.first(), RpcError(error));
    checkStillServes();
}

void tst_Hostile::partialFrameThenSilence()
{
    RawConnection raw;
    QVERIFY(raw.open(m_server->serverAddress().toString()));
    const QByteArray frame = encode(RpcMessage(RpcMessage::Request, 1, 1, QByteArray(1000, 'p')));
    // Streams: half a frame; seqpacket cannot split a datagram, so a lone header.
    raw.write(raw.isSeqpacket() ? frame.left(12) : frame.left(frame.size() / 2));
    // The server neither blocks on it nor gives up on the others.
    checkStillServes();
    checkStillServes();
    QVERIFY(!raw.isClosedByPeer());
}

void tst_Hostile::duplicateRequestIdFlood()
{
    constexpr int Count = 5000;
    RawConnection raw;
    QVERIFY(raw.open(m_server->serverAddress().toString()));
    // Service 2 is held open by the server: every later copy is a duplicate.
    const QByteArray frame = encode(RpcMessage(RpcMessage::Request, 7, 2, "dup"));
    if (raw.isSeqpacket()) {
        for (int i = 0; i < Count; ++i) {
            QVERIFY(raw.write(frame));
            if (i % 100 == 0)
                QCoreApplication::processEvents(); // the socket buffer holds only so many
        }
    } else {
        QByteArray all;
        for (int i = 0; i < Count; ++i)
            all += frame;
        QVERIFY(raw.write(all));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_errors.size(), Count - 1, Timeout);
    QVERIFY(std::all_of(m_errors.cbegin(), m_errors.cend(),
                        [](RpcError e) { return e == RpcError::DuplicateRequestId; }));
    const QList<RpcPeer *> peers = m_server->findChildren<RpcPeer *>();
    QCOMPARE(peers.size(), 1);
    QCOMPARE(peers.first()->openRequestCount(), 1); // one request object, not 5000
    QCOMPARE(peers.first()->findChildren<RpcRequest *>().size(), 1);
    checkStillServes();
}

void tst_Hostile::unknownIdFlood()
{
    constexpr int Count = 5000;
    RawConnection raw;
    QVERIFY(raw.open(m_server->serverAddress().toString()));
    QByteArray all;
    for (int i = 0; i < Count; ++i) {
        const auto type
                = RpcMessage::Type(RpcMessage::Response + i % 3); // response and both updates
        const QByteArray frame = encode(RpcMessage(type, quint32(1000 + i), 0, "who?"));
        if (raw.isSeqpacket()) {
            QVERIFY(raw.write(frame));
            if (i % 100 == 0)
                QCoreApplication::processEvents();
        } else {
            all += frame;
        }
    }
    if (!raw.isSeqpacket())
        QVERIFY(raw.write(all));
    QTRY_COMPARE_WITH_TIMEOUT(m_errors.size(), Count, Timeout);
    QVERIFY(std::all_of(m_errors.cbegin(), m_errors.cend(),
                        [](RpcError e) { return e == RpcError::UnknownRequestId; }));
    QVERIFY(!raw.isClosedByPeer());
    checkStillServes();
}

void tst_Hostile::connectAndCloseAtOnce()
{
    constexpr int Count = 1000;
    for (int i = 0; i < Count; ++i) {
        RawConnection raw;
        QVERIFY(raw.open(m_server->serverAddress().toString()));
        raw.close();
        QCoreApplication::processEvents(); // accept before the listen backlog fills
    }
    // Every server-side peer noticed the close and was deleted.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->findChildren<RpcPeer *>().size(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), m_fdsAtStart + (isSeqpacket() ? 1 : 1),
                              Timeout); // the listener
    checkStillServes();
}

QTEST_GUILESS_MAIN(tst_Hostile)
#include "tst_hostile.moc"

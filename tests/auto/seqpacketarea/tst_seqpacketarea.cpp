// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The seqpacket transports of one thread share one receive area: datagrams
// of every size arrive whole and in order on each connection, also when a
// handler of one connection runs an event loop in which another connection
// reads into the same area, and with a maximum body size far over the batch
// budget.

#include <FizyrRpcQt/RpcPeer>

#include <QtCore/QEventLoop>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <sys/socket.h>

#include <iterator>
#include <memory>

using namespace Fizyr;

class tst_SeqpacketArea : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mixedSizesInOrder_data();
    void mixedSizesInOrder();
    void nestedLoopOfAnotherConnection();

private:
    struct Pair
    {
        std::unique_ptr<RpcPeer> sender;
        std::unique_ptr<RpcPeer> receiver;
        QList<RpcMessage> received;
    };
    static bool makePair(Pair *pair, quint32 maxBody);
    static QByteArray bodyFor(int connection, int index);
};

bool tst_SeqpacketArea::makePair(Pair *pair, quint32 maxBody)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
        return false;
    RpcConfig config = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    config.setMaxBodyReadSize(maxBody);
    config.setMaxBodyWriteSize(maxBody);
    pair->sender.reset(new RpcPeer);
    pair->receiver.reset(new RpcPeer);
    pair->sender->setConfig(config);
    pair->receiver->setConfig(config);
    if (!pair->sender->setSocketDescriptor(fds[0]) || !pair->receiver->setSocketDescriptor(fds[1]))
        return false;
    QObject::connect(pair->receiver.get(), &RpcPeer::streamReceived, pair->receiver.get(),
                     [pair](const RpcMessage &message) { pair->received.append(message); });
    return true;
}

// Small, page-sized and large bodies in turn, each with its own content.
QByteArray tst_SeqpacketArea::bodyFor(int connection, int index)
{
    static const int sizes[] = {1, 64, 4096, 5000, 100 * 1024, 150 * 1024, 0, 17};
    const int size = sizes[index % int(std::size(sizes))];
    QByteArray body(size, char('a' + (index + connection) % 26));
    if (size >= 8) {
        body[0] = char(connection);
        body[1] = char(index);
        body[size - 1] = char(index ^ 0x5a);
    }
    return body;
}

void tst_SeqpacketArea::mixedSizesInOrder_data()
{
    QTest::addColumn<quint32>("maxBody");
    QTest::newRow("default 4 KiB limit, small bodies only") << quint32(4096);
    QTest::newRow("1 MiB limit") << quint32(1024 * 1024);
    QTest::newRow("8 MiB limit") << quint32(8 * 1024 * 1024);
}

void tst_SeqpacketArea::mixedSizesInOrder()
{
    QFETCH(quint32, maxBody);
    constexpr int Count = 200;
    Pair pair;
    QVERIFY(makePair(&pair, maxBody));
    QList<QByteArray> sent;
    for (int i = 0; i < Count; ++i) {
        QByteArray body = bodyFor(1, i);
        if (quint32(body.size()) > maxBody)
            body.truncate(int(maxBody));
        QVERIFY(pair.sender->sendStream(i, body));
        sent.append(body);
    }
    QTRY_COMPARE_WITH_TIMEOUT(int(pair.received.size()), Count, 30000);
    for (int i = 0; i < Count; ++i) {
        QCOMPARE(pair.received.at(i).serviceId(), i);
        QCOMPARE(pair.received.at(i).body(), sent.at(i));
    }
}

void tst_SeqpacketArea::nestedLoopOfAnotherConnection()
{
    constexpr int Count = 60;
    constexpr quint32 MaxBody = 1024 * 1024;
    Pair first;
    Pair second;
    QVERIFY(makePair(&first, MaxBody));
    QVERIFY(makePair(&second, MaxBody));

    // The first message on the first connection runs an event loop until the
    // second connection has received everything: the second one reads into
    // the shared area while the first one's batch is still being delivered.
    bool nestedDone = false;
    bool nestedTimedOut = false;
    QObject::connect(first.receiver.get(), &RpcPeer::streamReceived, first.receiver.get(),
                     [&](const RpcMessage &) {
                         if (first.received.size() != 1)
                             return;
                         QEventLoop loop;
                         QTimer timeout;
                         timeout.setSingleShot(true);
                         QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
                             nestedTimedOut = true;
                             loop.quit();
                         });
                         QObject::connect(second.receiver.get(), &RpcPeer::streamReceived, &loop,
                                          [&] {
                                              if (second.received.size() == Count)
                                                  loop.quit();
                                          });
                         timeout.start(30000);
                         if (second.received.size() < Count)
                             loop.exec();
                         nestedDone = true;
                     });

    for (int i = 0; i < Count; ++i) {
        QVERIFY(first.sender->sendStream(i, bodyFor(1, i)));
        QVERIFY(second.sender->sendStream(i, bodyFor(2, i)));
    }
    QTRY_VERIFY_WITH_TIMEOUT(nestedDone, 60000);
    QVERIFY(!nestedTimedOut);
    QTRY_COMPARE_WITH_TIMEOUT(int(first.received.size()), Count, 30000);
    QCOMPARE(int(second.received.size()), Count);
    for (int i = 0; i < Count; ++i) {
        QCOMPARE(first.received.at(i).serviceId(), i);
        QCOMPARE(first.received.at(i).body(), bodyFor(1, i));
        QCOMPARE(second.received.at(i).serviceId(), i);
        QCOMPARE(second.received.at(i).body(), bodyFor(2, i));
    }
}

QTEST_GUILESS_MAIN(tst_SeqpacketArea)

#include "tst_seqpacketarea.moc"

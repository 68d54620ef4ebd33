// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The stream transport that drives Unix and TCP stream descriptors itself
// (RpcSocketStreamTransport): batching, partial writes, the end of input in
// the middle of a frame, pausing in the middle of a read, credentials. The
// behaviour shared with every transport is covered by the data-driven
// suites (transportcore, flowcontrol, nestedloop, ...).

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"
#include "transport/rpcsocketstreamtransport_p.h"
#include "wire/rpcwire_p.h"

#include <QtCore/QCoreApplication>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int Timeout = 20000;

// A connected pair of stream sockets: [0] for the transport, [1] raw.
bool makePair(const QString &kind, int fds[2])
{
    if (kind == QLatin1String("unix"))
        return ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0;
    sockaddr_in addr = {};
    const int listener = listenOnLoopback(1, &addr);
    if (listener < 0)
        return false;
    fds[1] = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool ok = ::connect(fds[1], reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0;
    fds[0] = ok ? ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC) : -1;
    ::close(listener);
    return fds[0] >= 0;
}

RpcMessage messageOf(int index, qsizetype bodySize)
{
    QByteArray body(bodySize, char('a' + index % 26));
    if (bodySize >= 4)
        std::memcpy(body.data(), &index, sizeof(index));
    return RpcMessage(RpcMessage::Request, quint32(index), 7, body);
}

QByteArray frameOf(const RpcMessage &message)
{
    return RpcWire::encodeStreamFrame(message, RpcConfig::LittleEndian);
}

bool writeAll(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n
                = ::send(fd, bytes.constData() + done, size_t(bytes.size() - done), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

} // namespace

class tst_SocketStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init_data();
    void manyFramesInOnePass_data() { init_data(); }
    void manyFramesInOnePass();
    void partialWritesToSlowReader_data() { init_data(); }
    void partialWritesToSlowReader();
    void largeAndSmallFramesRead_data() { init_data(); }
    void largeAndSmallFramesRead();
    void endOfInputInsideFrame_data() { init_data(); }
    void endOfInputInsideFrame();
    void pauseInsideOneRead_data() { init_data(); }
    void pauseInsideOneRead();
    void framingErrorAfterMessages_data() { init_data(); }
    void framingErrorAfterMessages();
    void resetWhileWriting_data() { init_data(); }
    void resetWhileWriting();
    void rejectsOtherDescriptors();
    void peerCredentialsOverServer();
    void connectsToRelativeAndAbstractNames();

private:
    std::unique_ptr<RpcSocketStreamTransport> adopt(int fd)
    {
        auto transport = std::make_unique<RpcSocketStreamTransport>();
        if (!transport->setSocketDescriptor(fd))
            return nullptr;
        return transport;
    }
};

void tst_SocketStream::init_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("unix") << QStringLiteral("unix");
    QTest::newRow("tcp") << QStringLiteral("tcp");
}

void tst_SocketStream::manyFramesInOnePass()
{
    QFETCH(QString, kind);
    int fds[2];
    QVERIFY(makePair(kind, fds));
    auto transport = adopt(fds[0]);
    QVERIFY(transport);
    QCOMPARE(transport->state(), RpcTransport::Connected);
    // More frames than one sendmsg() takes (64): several batches, one pass.
    QByteArray expected;
    for (int i = 0; i < 300; ++i) {
        const RpcMessage message = messageOf(i, i % 3 == 0 ? 0 : 40);
        QCOMPARE(transport->send(message), RpcError::NoError);
        expected += frameOf(message);
    }
    QCOMPARE(transport->bytesToWrite(), qint64(expected.size()));
    QTRY_COMPARE_WITH_TIMEOUT(transport->bytesToWrite(), qint64(0), Timeout);
    QByteArray received(expected.size(), Qt::Uninitialized);
    QCOMPARE(::recv(fds[1], received.data(), size_t(received.size()), MSG_WAITALL),
             ssize_t(expected.size()));
    QCOMPARE(received, expected);
    ::close(fds[1]);
}

void tst_SocketStream::partialWritesToSlowReader()
{
    QFETCH(QString, kind);
    int fds[2];
    QVERIFY(makePair(kind, fds));
    const int small = 4096;
    ::setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    if (kind == QLatin1String("unix")) // a small TCP window is slow, not partial
        ::setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    auto transport = adopt(fds[0]);
    QVERIFY(transport);
    RpcConfig config;
    config.setMaxBodyWriteSize(4 * 1024 * 1024);
    transport->setConfig(config);
    QByteArray expected;
    for (int i = 0; i < 40; ++i) {
        const RpcMessage message = messageOf(i, i % 4 == 0 ? 100 * 1024 + i : 33);
        QCOMPARE(transport->send(message), RpcError::NoError);
        expected += frameOf(message);
    }
    // Reads a few KiB at a time, in another thread: the kernel
    // takes the frames in many pieces, split anywhere.
    QByteArray received;
    std::thread reader([&] {
        char chunk[3777];
        while (received.size() < expected.size()) {
            const ssize_t n = ::recv(fds[1], chunk, sizeof(chunk), 0);
            if (n <= 0)
                break;
            received.append(chunk, n);
        }
    });
    QTRY_COMPARE_WITH_TIMEOUT(transport->bytesToWrite(), qint64(0), Timeout);
    reader.join();
    QCOMPARE(received.size(), expected.size());
    QVERIFY(received == expected);
    QCOMPARE(transport->state(), RpcTransport::Connected);
    ::close(fds[1]);
}

void tst_SocketStream::largeAndSmallFramesRead()
{
    QFETCH(QString, kind);
    int fds[2];
    QVERIFY(makePair(kind, fds));
    auto transport = adopt(fds[0]);
    QVERIFY(transport);
    RpcConfig config;
    config.setMaxBodyReadSize(4 * 1024 * 1024);
    transport->setConfig(config);
    QList<RpcMessage> received;
    connect(transport.get(), &RpcTransport::messageReceived, this,
            [&](const RpcMessage &message) { received.append(message); });
    QList<RpcMessage> sent;
    QByteArray bytes;
    for (int i = 0; i < 30; ++i) {
        sent.append(messageOf(i, i % 5 == 0 ? 1024 * 1024 + i : i));
        bytes += frameOf(sent.last());
    }
    std::thread writer([&] { writeAll(fds[1], bytes); });
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), sent.size(), Timeout);
    writer.join();
    for (qsizetype i = 0; i < sent.size(); ++i) {
        QCOMPARE(received.at(i).requestId(), sent.at(i).requestId());
        QVERIFY(received.at(i).body() == sent.at(i).body());
    }
    ::close(fds[1]);
}

void tst_SocketStream::endOfInputInsideFrame()
{
    QFETCH(QString, kind);
    int fds[2];
    QVERIFY(makePair(kind, fds));
    auto transport = adopt(fds[0]);
    QVERIFY(transport);
    QSignalSpy messages(transport.get(), &RpcTransport::messageReceived);
    QSignalSpy errors(transport.get(), &RpcTransport::errorOccurred);
    QSignalSpy disconnected(transport.get(), &RpcTransport::disconnected);
    const QByteArray whole = frameOf(messageOf(1, 10));
    const QByteArray torn = frameOf(messageOf(2, 100)).left(40);
    QVERIFY(writeAll(fds[1], whole + torn));
    ::shutdown(fds[1], SHUT_WR);
    QVERIFY(disconnected.wait(Timeout));
    // The whole message is delivered, the torn one dropped, without an error
    // (as the QIODevice stream transport does).
    QCOMPARE(messages.size(), 1);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(transport->state(), RpcTransport::Unconnected);
    QCOMPARE(transport->socketDescriptor(), -1);
    ::close(fds[1]);
}

void tst_SocketStream::pauseInsideOneRead()
{
    QFETCH(QString, kind);
    int fds[2];
    QVERIFY(makePair(kind, fds));
    auto transport = adopt(fds[0]);
    QVERIFY(transport);
    QList<quint32> ids;
    connect(transport.get(), &RpcTransport::messageReceived, this, [&](const RpcMessage &message) {
        ids.append(message.requestId());
        if (ids.size() == 3)
            transport->setReadingPaused(true);
    });
    QByteArray bytes;
    for (int i = 0; i < 10; ++i)
        bytes += frameOf(messageOf(i, 8));
    // All ten arrive with one read; the end of input follows them.
    QVERIFY(writeAll(fds[1], bytes));
    ::shutdown(fds[1], SHUT_WR);
    QTRY_COMPARE_WITH_TIMEOUT(ids.size(), 3, Timeout);
    // Paused: the rest waits, and so does the end of input behind it.
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    QCOMPARE(ids.size(), 3);
    QCOMPARE(transport->state(), RpcTransport::Connected);
    QSignalSpy disconnected(transport.get(), &RpcTransport::disconnected);
    transport->setReadingPaused(false);
    QVERIFY(disconnected.wait(Timeout));
    QCOMPARE(ids, (QList<quint32>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    ::close(fds[1]);
}

void tst_SocketStream::framingErrorAfterMessages()
{
    QFETCH(QString, kind);
    int fds[2];
    QVERIFY(makePair(kind, fds));
    auto transport = adopt(fds[0]);
    QVERIFY(transport);
    QSignalSpy messages(transport.get(), &RpcTransport::messageReceived);
    QSignalSpy errors(transport.get(), &RpcTransport::errorOccurred);
    QSignalSpy disconnected(transport.get(), &RpcTransport::disconnected);
    QByteArray bytes = frameOf(messageOf(1, 4)) + frameOf(messageOf(2, 4));
    bytes += QByteArray("\x03\x00\x00\x00", 4); // a frame length below the header's
    QVERIFY(writeAll(fds[1], bytes));
    QVERIFY(disconnected.wait(Timeout));
    QCOMPARE(messages.size(), 2);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::FrameTooShort);
    QCOMPARE(errors.at(0).at(2).toBool(), true);
    ::close(fds[1]);
}

void tst_SocketStream::resetWhileWriting()
{
    QFETCH(QString, kind);
    int fds[2];
    QVERIFY(makePair(kind, fds));
    auto transport = adopt(fds[0]);
    QVERIFY(transport);
    QSignalSpy disconnected(transport.get(), &RpcTransport::disconnected);
    // The other side goes away with output still queued: the transport
    // closes (no SIGPIPE), as after the other side's reset.
    const linger hard = {1, 0};
    ::setsockopt(fds[1], SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    ::close(fds[1]);
    for (int i = 0; i < 200 && transport->state() == RpcTransport::Connected; ++i) {
        transport->send(messageOf(i, 64 * 1024));
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE_WITH_TIMEOUT(transport->state(), RpcTransport::Unconnected, Timeout);
    QVERIFY(!disconnected.isEmpty());
    QCOMPARE(transport->send(messageOf(0, 1)), RpcError::NotConnected);
}

void tst_SocketStream::rejectsOtherDescriptors()
{
    RpcSocketStreamTransport transport;
    QVERIFY(!transport.setSocketDescriptor(-1));
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair), 0);
    QVERIFY(!transport.setSocketDescriptor(pair[0]));
    ::close(pair[0]);
    ::close(pair[1]);
    // A stream socket that is not connected.
    const int unconnected = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(!transport.setSocketDescriptor(unconnected));
    ::close(unconnected);
    QCOMPARE(transport.state(), RpcTransport::Unconnected);
}

void tst_SocketStream::peerCredentialsOverServer()
{
    PeerPair pair;
    QVERIFY(pair.start(QStringLiteral("unix")));
    const RpcPeerCredentials server = pair.serverPeer->peerCredentials();
    QCOMPARE(server.processId(), QCoreApplication::applicationPid());
    QCOMPARE(server.userId(), qint64(::getuid()));
    QCOMPARE(pair.client->peerCredentials().processId(), QCoreApplication::applicationPid());
    // Over TCP there are none.
    PeerPair tcp;
    QVERIFY(tcp.start(QStringLiteral("tcp")));
    QVERIFY(!tcp.serverPeer->peerCredentials().isValid());
}

void tst_SocketStream::connectsToRelativeAndAbstractNames()
{
    // "unix:name" lies in QDir::tempPath() (the QLocalSocket rule), and
    // "unix:@name" in the abstract namespace.
    const QString suffix = QString::number(QCoreApplication::applicationPid());
    for (const QString &name : {QStringLiteral("fizyr-socketstream-") + suffix,
                                QStringLiteral("@fizyr-socketstream-") + suffix}) {
        RpcServer server;
        QVERIFY2(server.listen(QStringLiteral("unix:") + name), qPrintable(server.errorString()));
        RpcPeer client;
        QSignalSpy connected(&client, &RpcPeer::connected);
        client.connectToServer(QStringLiteral("unix:") + name);
        QVERIFY(connected.wait(Timeout));
        QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
        std::unique_ptr<RpcPeer> peer(server.nextPendingConnection());
        QVERIFY(peer);
    }
}

QTEST_MAIN(tst_SocketStream)
#include "tst_socketstream.moc"

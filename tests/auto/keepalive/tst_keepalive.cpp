// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// TCP keep-alive (RpcConfig::keepAlive()): the socket options as the kernel
// reports them (getsockopt) for clients, accepted and adopted sockets, and a
// client that detects a server that vanished. The server "vanishes" without
// closing anything: a classic BPF filter that drops every segment is
// attached to its accepted socket, so the client's keep-alive probes are
// never answered (a stopped process would not do: the kernel answers the
// probes of a process that does not run).

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QDir>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <memory>

using namespace Fizyr;
using RpcTestSupport::DefaultTimeout;

namespace {

struct KeepAliveOptions
{
    int enabled = -1;
    int idle = -1;
    int interval = -1;
    int count = -1;
};

KeepAliveOptions optionsOf(int fd)
{
    KeepAliveOptions options;
    options.enabled = RpcTestSupport::intSocketOption(fd, SOL_SOCKET, SO_KEEPALIVE);
    options.idle = RpcTestSupport::intSocketOption(fd, IPPROTO_TCP, TCP_KEEPIDLE);
    options.interval = RpcTestSupport::intSocketOption(fd, IPPROTO_TCP, TCP_KEEPINTVL);
    options.count = RpcTestSupport::intSocketOption(fd, IPPROTO_TCP, TCP_KEEPCNT);
    return options;
}

quint16 portOf(const sockaddr_storage &address)
{
    if (address.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in &>(address).sin_port);
    if (address.ss_family == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6 &>(address).sin6_port);
    return 0;
}

// The descriptor of this process's TCP socket from localPort to peerPort
// (the library does not hand out its sockets), or -1.
int findTcpSocket(quint16 localPort, quint16 peerPort)
{
    const QStringList entries
            = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System);
    for (const QString &entry : entries) {
        bool ok = false;
        const int fd = entry.toInt(&ok);
        if (!ok)
            continue;
        sockaddr_storage local = {};
        sockaddr_storage peer = {};
        socklen_t localLength = sizeof(local);
        socklen_t peerLength = sizeof(peer);
        if (::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &localLength) != 0
            || ::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLength) != 0)
            continue;
        if (portOf(local) == localPort && portOf(peer) == peerPort)
            return fd;
    }
    return -1;
}

// Drops every segment that arrives on fd before TCP sees it.
bool dropEverything(int fd)
{
    sock_filter code[] = {{BPF_RET | BPF_K, 0, 0, 0}};
    sock_fprog program = {1, code};
    return ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) == 0;
}

RpcConfig keepAliveConfig(RpcConfig::KeepAliveMode mode, int idle, int interval, int count)
{
    RpcConfig config = RpcConfig::defaultsFor(RpcAddress::Tcp);
    config.setKeepAlive(mode);
    config.setKeepAliveIdle(idle);
    config.setKeepAliveInterval(interval);
    config.setKeepAliveCount(count);
    return config;
}

} // namespace

class tst_KeepAlive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void clientOptions_data();
    void clientOptions();
    void serverOptions_data();
    void serverOptions();
    void adoptedSocket_data();
    void adoptedSocket();
    void vanishedServer_data();
    void vanishedServer();
};

void tst_KeepAlive::defaults()
{
    const RpcConfig config;
    QCOMPARE(config.keepAlive(), RpcConfig::KeepAliveAuto);
    QCOMPARE(config.keepAliveIdle(), 60);
    QCOMPARE(config.keepAliveInterval(), 10);
    QCOMPARE(config.keepAliveCount(), 6);
    QCOMPARE(RpcConfig::defaultsFor(RpcAddress::Tls), config);
}

void tst_KeepAlive::clientOptions_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<bool>("configured");
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("enabled");
    QTest::addColumn<int>("idle");
    QTest::addColumn<int>("interval");
    QTest::addColumn<int>("count");
    // Unconfigured: the documented defaults.
    QTest::newRow("tcp-default") << "tcp" << false << 0 << 1 << 60 << 10 << 6;
    QTest::newRow("tcp-auto") << "tcp" << true << int(RpcConfig::KeepAliveAuto) << 1 << 7 << 3 << 4;
    QTest::newRow("tcp-on") << "tcp" << true << int(RpcConfig::KeepAliveOn) << 1 << 9 << 2 << 5;
    QTest::newRow("tcp-off") << "tcp" << true << int(RpcConfig::KeepAliveOff) << 0 << -2 << -2
                             << -2;
    // tls:// from the TCP connection on, during the handshake already.
    QTest::newRow("tls-default") << "tls" << false << 0 << 1 << 60 << 10 << 6;
    QTest::newRow("tls-auto") << "tls" << true << int(RpcConfig::KeepAliveAuto) << 1 << 7 << 3 << 4;
    QTest::newRow("tls-off") << "tls" << true << int(RpcConfig::KeepAliveOff) << 0 << -2 << -2
                             << -2;
}

void tst_KeepAlive::clientOptions()
{
    QFETCH(QString, scheme);
    QFETCH(bool, configured);
    QFETCH(int, mode);
    QFETCH(int, enabled);
    QFETCH(int, idle);
    QFETCH(int, interval);
    QFETCH(int, count);

    // A plain TCP server that accepts and never answers: enough for the
    // TCP connection (and a TLS handshake that never completes).
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    RpcPeer client;
    client.setHandshakeTimeout(DefaultTimeout * 10);
    if (configured) {
        QVERIFY(client.setConfig(keepAliveConfig(RpcConfig::KeepAliveMode(mode),
                                                 idle < 0 ? 1 : idle, interval < 0 ? 1 : interval,
                                                 count < 0 ? 1 : count)));
    }
    client.connectToServer(scheme + QStringLiteral("://127.0.0.1:")
                           + QString::number(server.serverPort()));
    QVERIFY(server.waitForNewConnection(DefaultTimeout));
    std::unique_ptr<QTcpSocket> accepted(server.nextPendingConnection());
    QVERIFY(accepted);
    int fd = -1;
    // The options are set when the peer sees the connection: from its event loop.
    QTRY_VERIFY_WITH_TIMEOUT(
            (fd = findTcpSocket(accepted->peerPort(), server.serverPort())) >= 0
                    && RpcTestSupport::intSocketOption(fd, SOL_SOCKET, SO_KEEPALIVE) == enabled,
            DefaultTimeout);
    if (scheme == QLatin1String("tcp"))
        QTRY_COMPARE_WITH_TIMEOUT(client.state(), RpcPeer::ConnectedState, DefaultTimeout);
    const KeepAliveOptions options = optionsOf(fd);
    QCOMPARE(options.enabled, enabled);
    if (enabled) {
        QCOMPARE(options.idle, idle);
        QCOMPARE(options.interval, interval);
        QCOMPARE(options.count, count);
    }
    client.abort();
}

void tst_KeepAlive::serverOptions_data()
{
    QTest::addColumn<bool>("configured");
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("enabled");
    // Accepted sockets keep the system's default unless asked.
    QTest::newRow("default") << false << 0 << 0;
    QTest::newRow("auto") << true << int(RpcConfig::KeepAliveAuto) << 0;
    QTest::newRow("on") << true << int(RpcConfig::KeepAliveOn) << 1;
    QTest::newRow("off") << true << int(RpcConfig::KeepAliveOff) << 0;
}

void tst_KeepAlive::serverOptions()
{
    QFETCH(bool, configured);
    QFETCH(int, mode);
    QFETCH(int, enabled);

    RpcServer server;
    if (configured)
        server.setConfig(keepAliveConfig(RpcConfig::KeepAliveMode(mode), 11, 5, 3));
    QVERIFY(server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    QTcpSocket raw;
    raw.connectToHost(QHostAddress::LocalHost, server.serverAddress().port());
    QVERIFY(raw.waitForConnected(DefaultTimeout));
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), DefaultTimeout);
    std::unique_ptr<RpcPeer> peer(server.nextPendingConnection());
    QVERIFY(peer);
    const int fd = findTcpSocket(server.serverAddress().port(), raw.localPort());
    QVERIFY(fd >= 0);
    const KeepAliveOptions options = optionsOf(fd);
    QCOMPARE(options.enabled, enabled);
    if (enabled) {
        QCOMPARE(options.idle, 11);
        QCOMPARE(options.interval, 5);
        QCOMPARE(options.count, 3);
    }
}

void tst_KeepAlive::adoptedSocket_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("before");
    QTest::addColumn<int>("enabled");
    // KeepAliveAuto leaves the application's own choice alone.
    QTest::newRow("auto-off") << int(RpcConfig::KeepAliveAuto) << false << 0;
    QTest::newRow("auto-on") << int(RpcConfig::KeepAliveAuto) << true << 1;
    QTest::newRow("on") << int(RpcConfig::KeepAliveOn) << false << 1;
    QTest::newRow("off") << int(RpcConfig::KeepAliveOff) << true << 0;
}

void tst_KeepAlive::adoptedSocket()
{
    QFETCH(int, mode);
    QFETCH(bool, before);
    QFETCH(int, enabled);

    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(socket.waitForConnected(DefaultTimeout));
    QVERIFY(server.waitForNewConnection(DefaultTimeout));
    std::unique_ptr<QTcpSocket> accepted(server.nextPendingConnection());
    socket.setSocketOption(QAbstractSocket::KeepAliveOption, before ? 1 : 0);

    RpcPeer peer;
    QVERIFY(peer.setConfig(keepAliveConfig(RpcConfig::KeepAliveMode(mode), 13, 4, 2)));
    QVERIFY(peer.setDevice(&socket));
    const KeepAliveOptions options = optionsOf(int(socket.socketDescriptor()));
    QCOMPARE(options.enabled, enabled);
    if (mode == RpcConfig::KeepAliveOn) {
        QCOMPARE(options.idle, 13);
        QCOMPARE(options.interval, 4);
        QCOMPARE(options.count, 2);
    }
    peer.abort();
}

void tst_KeepAlive::vanishedServer_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::newRow("tcp") << QStringLiteral("tcp");
    // During the TLS handshake: the server took the ClientHello and vanished.
    QTest::newRow("tls") << QStringLiteral("tls");
}

void tst_KeepAlive::vanishedServer()
{
    QFETCH(QString, scheme);
    const bool tls = scheme == QLatin1String("tls");

    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    RpcPeer client;
    client.setHandshakeTimeout(DefaultTimeout * 10);
    // Probes after 1 s without traffic, every second, two unanswered: dead.
    QVERIFY(client.setConfig(keepAliveConfig(RpcConfig::KeepAliveAuto, 1, 1, 2)));
    client.connectToServer(scheme + QStringLiteral("://127.0.0.1:")
                           + QString::number(server.serverPort()));
    QVERIFY(server.waitForNewConnection(DefaultTimeout));
    std::unique_ptr<QTcpSocket> accepted(server.nextPendingConnection());
    QVERIFY(accepted);

    QPointer<RpcRequest> request;
    if (tls) {
        // Keep-alive probes only run with nothing unacknowledged in flight:
        // let the ClientHello arrive (and be acknowledged) first.
        QTRY_VERIFY_WITH_TIMEOUT(accepted->bytesAvailable() > 0 || accepted->waitForReadyRead(10),
                                 DefaultTimeout);
    } else {
        QVERIFY(client.waitForConnected(DefaultTimeout));
        // An open request at the moment the server vanishes, received (and
        // so acknowledged) by the server before.
        request = client.sendRequest(1, "are you there?");
        QTRY_VERIFY_WITH_TIMEOUT(accepted->bytesAvailable() > 0 || accepted->waitForReadyRead(10),
                                 DefaultTimeout);
    }
    const int clientFd = findTcpSocket(accepted->peerPort(), server.serverPort());
    QVERIFY(clientFd >= 0);
    const KeepAliveOptions options = optionsOf(clientFd);
    QCOMPARE(options.enabled, 1);
    QCOMPARE(options.idle, 1);
    QCOMPARE(options.interval, 1);
    QCOMPARE(options.count, 2);

    QVERIFY2(dropEverything(int(accepted->socketDescriptor())), strerror(errno));
    QSignalSpy errors(&client, &RpcPeer::errorOccurred);
    QSignalSpy disconnected(&client, &RpcPeer::disconnected);
    // Expected after about 3 s (1 s idle + 2 probes 1 s apart).
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), RpcPeer::UnconnectedState, 60000);
    QVERIFY(!errors.isEmpty());
    const RpcError error = errors.first().first().value<RpcError>();
    // The kernel gives up with ETIMEDOUT.
    QVERIFY2(error == RpcError::SocketTimeout, qPrintable(client.errorString()));
    if (tls) {
        QCOMPARE(disconnected.size(), 0); // it never was connected
    } else {
        QCOMPARE(disconnected.size(), 1);
        QVERIFY(request);
        QVERIFY(request->isFinished());
        QCOMPARE(request->error(), RpcError::ConnectionLost);
    }
}

QTEST_GUILESS_MAIN(tst_KeepAlive)
#include "tst_keepalive.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// tcp:// connections this side makes, without QTcpSocket
// (RpcSocketStreamTransport, rpcsocketstreamtransport_connect_unix.cpp): an
// IP literal (v4, v6), a name resolved off the thread, every address in
// turn with the error of the last one, refused ports and unknown names in
// the words the library always used, and an attempt ended (abort(), delete)
// while the name resolves or the connect() is pending: no crash, no
// descriptor left, no signal afterwards. A connection that Qt's proxy
// settings send through a proxy goes through it (an HTTP CONNECT proxy of
// this test).

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"
#include "transport/rpcsocketstreamtransport_p.h"
#include "wire/rpcwire_p.h"

#include <QtCore/QCoreApplication>
#include <QtNetwork/QHostInfo>
#include <QtNetwork/QNetworkProxy>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int Timeout = DefaultTimeout;

// A port on which nothing listens on address (it did a moment ago).
quint16 closedPort(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost))
{
    QTcpServer server;
    if (!server.listen(address, 0))
        return 0;
    return server.serverPort(); // closed again when server goes
}

quint16 localPortOf(int fd)
{
    sockaddr_storage addr = {};
    socklen_t length = sizeof(addr);
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &length) != 0)
        return 0;
    if (addr.ss_family == AF_INET)
        return ntohs(reinterpret_cast<const sockaddr_in &>(addr).sin_port);
    return ntohs(reinterpret_cast<const sockaddr_in6 &>(addr).sin6_port);
}

bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1;
}

// Lets the event loop run a few rounds: whatever was ready is handled.
void settle()
{
    for (int i = 0; i < 10; ++i)
        QCoreApplication::processEvents();
}

// Waits until a lookup of name started now has its result: one started
// before it (with the same resolver) has had its own by then.
bool waitForLookup(const QString &name)
{
    bool done = false;
    QObject context;
    QHostInfo::lookupHost(name, &context, [&done](const QHostInfo &) { done = true; });
    QDeadlineTimer deadline(Timeout);
    while (!done && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    settle();
    return done;
}

// A listening socket whose accept queue is full: a further connect() stays
// pending (the kernel drops its SYNs) until room is made.
struct FullListener
{
    int listener = -1;
    int queued = -1;
    quint16 port = 0;

    bool open()
    {
        sockaddr_in addr = {};
        listener = listenOnLoopback(0, &addr);
        if (listener < 0)
            return false;
        port = ntohs(addr.sin_port);
        // Backlog 0 holds one connection: this one.
        queued = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        return queued >= 0
                && ::connect(queued, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0;
    }
    // Takes the queued connection: the pending SYNs get in when retried.
    void makeRoom()
    {
        const int accepted = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (accepted >= 0)
            ::close(accepted);
    }
    ~FullListener()
    {
        if (queued >= 0)
            ::close(queued);
        if (listener >= 0)
            ::close(listener);
    }
};

// An HTTP proxy that tunnels CONNECT requests: every host it is asked for
// (it resolves names itself) is the one server behind it. Records the
// targets it was asked for.
class ConnectProxy : public QObject
{
public:
    explicit ConnectProxy(quint16 backendPort) : m_backendPort(backendPort)
    {
        m_server.setProxy(QNetworkProxy::NoProxy);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = m_server.nextPendingConnection())
                serve(client);
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    quint16 port() const { return m_server.serverPort(); }
    QStringList targets;

private:
    void serve(QTcpSocket *client)
    {
        client->setParent(this);
        auto *backend = new QTcpSocket(client);
        backend->setProxy(QNetworkProxy::NoProxy);
        // Freed with the last connection that holds it.
        const auto header = std::make_shared<QByteArray>();
        connect(client, &QTcpSocket::readyRead, this, [this, client, backend, header] {
            if (backend->state() == QAbstractSocket::ConnectedState) {
                backend->write(client->readAll());
                return;
            }
            header->append(client->readAll());
            const qsizetype end = header->indexOf("\r\n\r\n");
            if (end < 0 || backend->state() != QAbstractSocket::UnconnectedState)
                return;
            const QList<QByteArray> words = header->left(header->indexOf("\r\n")).split(' ');
            if (words.size() != 3 || words.at(0) != "CONNECT") {
                client->write("HTTP/1.1 400 Bad Request\r\n\r\n");
                client->disconnectFromHost();
                return;
            }
            targets.append(QString::fromLatin1(words.at(1)));
            header->remove(0, end + 4);
            backend->connectToHost(QHostAddress::LocalHost, m_backendPort);
        });
        connect(backend, &QTcpSocket::connected, this, [client, backend, header] {
            client->write("HTTP/1.1 200 Connection established\r\n\r\n");
            backend->write(std::exchange(*header, {}));
        });
        connect(backend, &QTcpSocket::readyRead, this,
                [client, backend] { client->write(backend->readAll()); });
        connect(backend, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    }

    QTcpServer m_server;
    quint16 m_backendPort;
};

// Answers every question with the same list.
class FixedProxyFactory : public QNetworkProxyFactory
{
public:
    explicit FixedProxyFactory(const QList<QNetworkProxy> &proxies) : m_proxies(proxies) { }
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery &) override { return m_proxies; }

private:
    QList<QNetworkProxy> m_proxies;
};

// Sets Qt's proxy settings for its lifetime: one proxy as the application
// proxy, or a list through an application proxy factory.
struct ProxySettings
{
    explicit ProxySettings(const QList<QNetworkProxy> &proxies)
    {
        if (proxies.size() == 1)
            QNetworkProxy::setApplicationProxy(proxies.constFirst());
        else
            QNetworkProxyFactory::setApplicationProxyFactory(new FixedProxyFactory(proxies));
    }
    ~ProxySettings()
    {
        QNetworkProxyFactory::setApplicationProxyFactory(nullptr);
        QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    }
};

} // namespace

class tst_TcpConnect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void connects_data();
    void connects();
    void failures_data();
    void failures();
    void firstAddressFails();
    void everyAddressFails();
    void connectTimeout();
    void endDuringLookup_data();
    void endDuringLookup();
    void endDuringConnect_data();
    void endDuringConnect();
    void applicationProxy_data();
    void applicationProxy();
};

void tst_TcpConnect::initTestCase()
{
    // The resolver's first lookup sets up what it keeps for the process
    // (descriptors among it): before the counts below.
    QVERIFY(waitForLookup(QStringLiteral("localhost")));
    // So does the first question to Qt's proxy settings for a name that is
    // not loopback (with the system's configuration, a thread of its own).
    QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(
            QStringLiteral("rpc-service.invalid"), 4711, QString(), QNetworkProxyQuery::TcpSocket));
}

void tst_TcpConnect::connects_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QHostAddress>("listenOn");
    QTest::addColumn<QString>("peerHost");
    QTest::newRow("ipv4-literal") << QStringLiteral("127.0.0.1")
                                  << QHostAddress(QHostAddress::LocalHost)
                                  << QStringLiteral("127.0.0.1");
    // Resolved with QHostInfo; whatever else "localhost" gives, 127.0.0.1
    // is among the addresses (and an IPv6 one before it is refused).
    QTest::newRow("localhost-name")
            << QStringLiteral("localhost") << QHostAddress(QHostAddress::LocalHost)
            << QStringLiteral("127.0.0.1");
    QTest::newRow("ipv6-literal") << QStringLiteral("[::1]")
                                  << QHostAddress(QHostAddress::LocalHostIPv6)
                                  << QStringLiteral("::1");
}

void tst_TcpConnect::connects()
{
    QFETCH(QString, host);
    QFETCH(QHostAddress, listenOn);
    QFETCH(QString, peerHost);
    QTcpServer server;
    if (!server.listen(listenOn)) {
        if (listenOn.protocol() == QAbstractSocket::IPv6Protocol)
            QSKIP(qPrintable(QStringLiteral("no IPv6 loopback (::1) on this machine: ")
                             + server.errorString()));
        QFAIL(qPrintable(server.errorString()));
    }
    const int fdsBefore = openFdCount();
    const RpcAddress address = RpcAddress::fromString(
            QStringLiteral("tcp://%1:%2").arg(host).arg(server.serverPort()));
    QVERIFY(address.isValid());
    auto transport = std::make_unique<RpcSocketStreamTransport>();
    QSignalSpy connected(transport.get(), &RpcTransport::connected);
    QSignalSpy errors(transport.get(), &RpcTransport::errorOccurred);
    QSignalSpy received(transport.get(), &RpcTransport::messageReceived);
    transport->connectToAddress(address);
    QCOMPARE(transport->state(), RpcTransport::Connecting);
    QCOMPARE(connected.size(), 0); // never from inside connectToAddress()
    QVERIFY(connected.wait(Timeout) || !connected.isEmpty());
    QCOMPARE(errors.size(), 0);
    QCOMPARE(transport->state(), RpcTransport::Connected);
    // The form QTcpSocket::peerAddress() gave: the address, not the name.
    QCOMPARE(transport->peerAddress(), RpcAddress::tcp(peerHost, server.serverPort()));

    // One descriptor, the connection's (the other is the server's accepted
    // socket), with the options of a connection this side makes
    // (RpcConfig::KeepAliveAuto: keep-alive on).
    const int fd = transport->socketDescriptor();
    QVERIFY(fd >= 0);
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    std::unique_ptr<QTcpSocket> accepted(server.nextPendingConnection());
    QVERIFY(accepted);
    QCOMPARE(openFdCount(), fdsBefore + 2);
    QCOMPARE(intSocketOption(fd, IPPROTO_TCP, TCP_NODELAY), 1);
    QCOMPARE(intSocketOption(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    QCOMPARE(intSocketOption(fd, IPPROTO_TCP, TCP_KEEPIDLE), transport->config().keepAliveIdle());
    QVERIFY(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
    QCOMPARE(accepted->peerPort(), localPortOf(fd));

    // Frames both ways.
    const RpcMessage out(RpcMessage::Request, 1, 7, QByteArrayLiteral("ping"));
    const QByteArray frame = RpcWire::encodeStreamFrame(out, transport->config().byteOrder());
    QCOMPARE(transport->send(out), RpcError::NoError);
    QTRY_COMPARE_WITH_TIMEOUT(accepted->bytesAvailable(), qint64(frame.size()), Timeout);
    QCOMPARE(accepted->readAll(), frame);
    const RpcMessage in(RpcMessage::Response, 1, 7, QByteArrayLiteral("pong"));
    accepted->write(RpcWire::encodeStreamFrame(in, transport->config().byteOrder()));
    QVERIFY(received.wait(Timeout) || !received.isEmpty());
    QCOMPARE(received.at(0).at(0).value<RpcMessage>().body(), QByteArrayLiteral("pong"));

    transport.reset();
    QVERIFY(!isOpen(fd));
}

void tst_TcpConnect::failures_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<RpcError>("error");
    QTest::addColumn<QString>("reason");
    QTest::newRow("refused") << QStringLiteral("tcp://127.0.0.1:%1").arg(closedPort())
                             << RpcError::ConnectionRefused << QStringLiteral("connection refused");
    if (const quint16 port = closedPort(QHostAddress(QHostAddress::LocalHostIPv6))) {
        QTest::newRow("refused-ipv6")
                << QStringLiteral("tcp://[::1]:%1").arg(port) << RpcError::ConnectionRefused
                << QStringLiteral("connection refused");
    }
    // RFC 6761: names under .invalid never resolve.
    QTest::newRow("unresolvable") << QStringLiteral("tcp://nonexistent.invalid:5000")
                                  << RpcError::HostNotFound
                                  << QStringLiteral("no such host or socket");
}

void tst_TcpConnect::failures()
{
    QFETCH(QString, address);
    QFETCH(RpcError, error);
    QFETCH(QString, reason);
    const int fdsBefore = openFdCount();
    {
        RpcPeer peer;
        QSignalSpy errors(&peer, &RpcPeer::errorOccurred);
        QSignalSpy connected(&peer, &RpcPeer::connected);
        QSignalSpy disconnected(&peer, &RpcPeer::disconnected);
        peer.connectToServer(address);
        QCOMPARE(errors.size(), 0); // never from inside connectToServer()
        // The unresolvable name goes to the machine's DNS server; one that
        // does not answer is given up after the resolver's own timeouts
        // (resolv.conf: 5 s per attempt, two attempts, by default).
        QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, 3 * Timeout);
        QCOMPARE(errors.at(0).at(0).value<RpcError>(), error);
        QCOMPARE(peer.error(), error);
        QCOMPARE(peer.errorString(),
                 QStringLiteral("cannot connect to %1: %2")
                         .arg(RpcAddress::fromString(address).toString(), reason));
        QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
        QCOMPARE(connected.size(), 0);
        QCOMPARE(disconnected.size(), 0); // never connected
        settle();
        QCOMPARE(errors.size(), 1);
    }
    QCOMPARE(openFdCount(), fdsBefore);
}

void tst_TcpConnect::firstAddressFails()
{
    // Nothing listens on 127.0.0.2 (the server is bound to 127.0.0.1 only):
    // refused, then the next address connects.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const RpcAddress address = RpcAddress::tcp(QStringLiteral("several.test"), server.serverPort());
    QList<QHostAddress> addresses{QHostAddress(QStringLiteral("127.0.0.2")),
                                  QHostAddress(QHostAddress::LocalHost)};
    QTcpServer probe;
    if (probe.listen(QHostAddress::LocalHostIPv6)) {
        // An IPv6 address that refuses first, as "localhost" often gives.
        addresses.prepend(QHostAddress(QHostAddress::LocalHostIPv6));
    }
    probe.close();
    const int fdsBefore = openFdCount();
    RpcSocketStreamTransport transport;
    QSignalSpy connected(&transport, &RpcTransport::connected);
    QSignalSpy errors(&transport, &RpcTransport::errorOccurred);
    transport.connectToResolved(address, addresses);
    QCOMPARE(transport.state(), RpcTransport::Connecting);
    QVERIFY(connected.wait(Timeout) || !connected.isEmpty());
    QCOMPARE(errors.size(), 0);
    QCOMPARE(transport.peerAddress(),
             RpcAddress::tcp(QStringLiteral("127.0.0.1"), server.serverPort()));
    // The failed attempts left no descriptor behind: the connection's and
    // the server's accepted socket are the only new ones.
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    QCOMPARE(openFdCount(), fdsBefore + 2);
}

void tst_TcpConnect::everyAddressFails()
{
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    const RpcAddress address = RpcAddress::tcp(QStringLiteral("several.test"), port);
    const int fdsBefore = openFdCount();
    RpcSocketStreamTransport transport;
    QSignalSpy connected(&transport, &RpcTransport::connected);
    QSignalSpy errors(&transport, &RpcTransport::errorOccurred);
    QSignalSpy disconnected(&transport, &RpcTransport::disconnected);
    transport.connectToResolved(
            address,
            {QHostAddress(QStringLiteral("127.0.0.2")), QHostAddress(QStringLiteral("127.0.0.3"))});
    QVERIFY(errors.wait(Timeout) || !errors.isEmpty());
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::ConnectionRefused);
    QCOMPARE(errors.at(0).at(1).toString(),
             QStringLiteral("cannot connect to tcp://several.test:%1: connection refused")
                     .arg(port));
    QCOMPARE(errors.at(0).at(2).toBool(), true);
    QCOMPARE(transport.state(), RpcTransport::Unconnected);
    QCOMPARE(connected.size(), 0);
    QCOMPARE(openFdCount(), fdsBefore);

    // No address at all (a lookup without any): no such host.
    transport.connectToResolved(address, {});
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 2, Timeout);
    QCOMPARE(errors.at(1).at(0).value<RpcError>(), RpcError::HostNotFound);
}

void tst_TcpConnect::connectTimeout()
{
    // 30 s per address by default, as QTcpSocket had it.
    QCOMPARE(RpcSocketStreamTransport::DefaultConnectTimeoutMsecs, 30000);
    FullListener listener;
    QVERIFY(listener.open());
    const int fdsBefore = openFdCount();
    RpcSocketStreamTransport transport;
    transport.setConnectTimeout(200);
    QSignalSpy connected(&transport, &RpcTransport::connected);
    QSignalSpy errors(&transport, &RpcTransport::errorOccurred);
    const RpcAddress address = RpcAddress::tcp(QStringLiteral("127.0.0.1"), listener.port);
    transport.connectToAddress(address);
    QVERIFY(errors.wait(Timeout) || !errors.isEmpty());
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError::SocketTimeout);
    QCOMPARE(errors.at(0).at(1).toString(),
             QStringLiteral("cannot connect to %1: timed out").arg(address.toString()));
    QCOMPARE(transport.state(), RpcTransport::Unconnected);
    QCOMPARE(openFdCount(), fdsBefore);

    // A timed-out address is followed by the next one; the error reported
    // is the last attempt's (refused: nothing listens on 127.0.0.2).
    const RpcAddress several = RpcAddress::tcp(QStringLiteral("several.test"), listener.port);
    transport.connectToResolved(
            several,
            {QHostAddress(QHostAddress::LocalHost), QHostAddress(QStringLiteral("127.0.0.2"))});
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 2, Timeout);
    QCOMPARE(errors.at(1).at(0).value<RpcError>(), RpcError::ConnectionRefused);
    QCOMPARE(errors.at(1).at(1).toString(),
             QStringLiteral("cannot connect to %1: connection refused").arg(several.toString()));
    QCOMPARE(connected.size(), 0);
    QCOMPARE(openFdCount(), fdsBefore);
}

void tst_TcpConnect::endDuringLookup_data()
{
    QTest::addColumn<bool>("viaPeer");
    QTest::addColumn<bool>("destroy");
    QTest::newRow("transport-abort") << false << false;
    QTest::newRow("transport-delete") << false << true;
    QTest::newRow("peer-abort") << true << false;
    QTest::newRow("peer-delete") << true << true;
}

void tst_TcpConnect::endDuringLookup()
{
    QFETCH(bool, viaPeer);
    QFETCH(bool, destroy);
    // A server that would accept: a lookup whose result were still used
    // would connect.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const QString address = QStringLiteral("tcp://localhost:%1").arg(server.serverPort());
    const int fdsBefore = openFdCount();
    int connectedCount = 0;
    int errorCount = 0;
    int disconnectedCount = 0;
    if (viaPeer) {
        auto peer = std::make_unique<RpcPeer>();
        connect(peer.get(), &RpcPeer::connected, this, [&] { ++connectedCount; });
        connect(peer.get(), &RpcPeer::errorOccurred, this, [&] { ++errorCount; });
        connect(peer.get(), &RpcPeer::disconnected, this, [&] { ++disconnectedCount; });
        peer->connectToServer(address);
        QCOMPARE(peer->state(), RpcPeer::ConnectingState);
        if (destroy) {
            peer.reset();
        } else {
            peer->abort();
            QCOMPARE(peer->state(), RpcPeer::UnconnectedState);
        }
        QVERIFY(waitForLookup(QStringLiteral("localhost")));
        if (peer)
            QCOMPARE(peer->state(), RpcPeer::UnconnectedState);
    } else {
        auto transport = std::make_unique<RpcSocketStreamTransport>();
        connect(transport.get(), &RpcTransport::connected, this, [&] { ++connectedCount; });
        connect(transport.get(), &RpcTransport::errorOccurred, this, [&] { ++errorCount; });
        connect(transport.get(), &RpcTransport::disconnected, this, [&] { ++disconnectedCount; });
        transport->connectToAddress(RpcAddress::fromString(address));
        QCOMPARE(transport->state(), RpcTransport::Connecting);
        QCOMPARE(transport->socketDescriptor(), -1); // still resolving
        if (destroy) {
            transport.reset();
        } else {
            transport->abort();
            // The close completes at once (RpcTransport's one exception).
            QCOMPARE(disconnectedCount, 1);
            disconnectedCount = 0;
        }
        QVERIFY(waitForLookup(QStringLiteral("localhost")));
        if (transport)
            QCOMPARE(transport->state(), RpcTransport::Unconnected);
    }
    QCOMPARE(connectedCount, 0);
    QCOMPARE(errorCount, 0);
    QCOMPARE(disconnectedCount, 0);
    QVERIFY(!server.hasPendingConnections());
    QCOMPARE(openFdCount(), fdsBefore);
}

void tst_TcpConnect::endDuringConnect_data()
{
    QTest::addColumn<bool>("destroy");
    QTest::newRow("abort") << false;
    QTest::newRow("delete") << true;
}

void tst_TcpConnect::endDuringConnect()
{
    QFETCH(bool, destroy);
    FullListener listener;
    QVERIFY(listener.open());
    const int fdsBefore = openFdCount();
    int connectedCount = 0;
    int errorCount = 0;
    int disconnectedCount = 0;
    auto transport = std::make_unique<RpcSocketStreamTransport>();
    connect(transport.get(), &RpcTransport::connected, this, [&] { ++connectedCount; });
    connect(transport.get(), &RpcTransport::errorOccurred, this, [&] { ++errorCount; });
    connect(transport.get(), &RpcTransport::disconnected, this, [&] { ++disconnectedCount; });
    transport->connectToAddress(RpcAddress::tcp(QStringLiteral("127.0.0.1"), listener.port));
    // The connect() is under way once the attempt has a descriptor.
    QTRY_VERIFY_WITH_TIMEOUT(transport->socketDescriptor() >= 0, Timeout);
    settle();
    QCOMPARE(transport->state(), RpcTransport::Connecting);
    const int fd = transport->socketDescriptor();
    QCOMPARE(openFdCount(), fdsBefore + 1);
    if (destroy) {
        transport.reset();
    } else {
        transport->abort();
        QCOMPARE(transport->state(), RpcTransport::Unconnected);
        QCOMPARE(disconnectedCount, 1);
        disconnectedCount = 0;
    }
    QVERIFY(!isOpen(fd));
    QCOMPARE(openFdCount(), fdsBefore);
    // Room in the queue now: a connect() still pending would complete.
    listener.makeRoom();
    settle();
    QCOMPARE(connectedCount, 0);
    QCOMPARE(errorCount, 0);
    QCOMPARE(disconnectedCount, 0);
    if (transport) {
        // And the transport connects again afterwards.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        transport->connectToAddress(
                RpcAddress::tcp(QStringLiteral("127.0.0.1"), server.serverPort()));
        QTRY_COMPARE_WITH_TIMEOUT(connectedCount, 1, Timeout);
        QCOMPARE(errorCount, 0);
    }
}

QTEST_GUILESS_MAIN(tst_TcpConnect)
void tst_TcpConnect::applicationProxy_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("proxyUp");
    QTest::addColumn<QStringList>("proxies"); // "http" or "caching", in order
    QTest::addColumn<QString>("outcome"); // through, direct, refused, unusable
    const QString name = QStringLiteral("rpc-service.invalid");
    const QStringList http = {QStringLiteral("http")};
    // A name only the proxy knows: reachable through the proxy alone.
    QTest::newRow("name via proxy") << name << true << http << QStringLiteral("through");
    // Loopback never uses a proxy, in Qt as here.
    QTest::newRow("loopback direct")
            << QStringLiteral("127.0.0.1") << true << http << QStringLiteral("direct");
    QTest::newRow("proxy down") << name << false << http << QStringLiteral("refused");
    // A factory's list: the first entry that can tunnel TCP is taken, as
    // QTcpSocket takes it; none is an error, not a direct connection.
    QTest::newRow("factory, caching proxy skipped")
            << name << true << QStringList{QStringLiteral("caching"), QStringLiteral("http")}
            << QStringLiteral("through");
    QTest::newRow("factory, nothing usable")
            << name << true << QStringList{QStringLiteral("caching"), QStringLiteral("caching")}
            << QStringLiteral("unusable");
}

void tst_TcpConnect::applicationProxy()
{
    QFETCH(QString, host);
    QFETCH(bool, proxyUp);
    QFETCH(QStringList, proxies);
    QFETCH(QString, outcome);
    RpcServer server;
    QVERIFY2(server.listen(QStringLiteral("tcp://127.0.0.1:0")), qPrintable(server.errorString()));
    connect(&server, &RpcServer::newConnection, this, [&server] {
        while (RpcPeer *peer = server.nextPendingConnection()) {
            connect(peer, &RpcPeer::requestReceived, peer,
                    [](RpcRequest *request) { request->sendResponse(1, request->body()); });
        }
    });
    ConnectProxy proxy(server.serverAddress().port());
    quint16 proxyPort = closedPort();
    if (proxyUp) {
        QVERIFY(proxy.listen());
        proxyPort = proxy.port();
    }
    QList<QNetworkProxy> settings;
    for (const QString &kind : std::as_const(proxies)) {
        settings.append(QNetworkProxy(kind == QLatin1String("http")
                                              ? QNetworkProxy::HttpProxy
                                              : QNetworkProxy::HttpCachingProxy,
                                      QStringLiteral("127.0.0.1"), proxyPort));
    }
    const ProxySettings setting(settings);

    const bool direct = outcome == QLatin1String("direct");
    const quint16 port = direct ? server.serverAddress().port() : 4711;
    RpcPeer peer;
    QSignalSpy connected(&peer, &RpcPeer::connected);
    QSignalSpy errors(&peer, &RpcPeer::errorOccurred);
    peer.connectToServer(QStringLiteral("tcp://%1:%2").arg(host).arg(port));
    QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty() || !errors.isEmpty(), Timeout);
    if (outcome == QLatin1String("refused") || outcome == QLatin1String("unusable")) {
        QCOMPARE(connected.size(), 0);
        QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
        // Not the direct connection's HostNotFound: the proxy's failure.
        if (outcome == QLatin1String("refused")) {
            QCOMPARE(peer.error(), RpcError::ConnectionRefused);
            QVERIFY2(peer.errorString().contains(QLatin1String("through the proxy")),
                     qPrintable(peer.errorString()));
        } else {
            QCOMPARE(peer.error(), RpcError::UnknownSocketError);
        }
        QVERIFY(proxy.targets.isEmpty());
        return;
    }
    QCOMPARE(errors.size(), 0);
    std::unique_ptr<RpcRequest> request(peer.sendRequest(1, "through"));
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::NoError);
    QCOMPARE(request->response().body(), QByteArray("through"));
    QCOMPARE(proxy.targets,
             direct ? QStringList() : QStringList{QStringLiteral("%1:%2").arg(host).arg(port)});
}

#include "tst_tcpconnect.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Connecting and listening: failures are reported clearly and never from
// inside the call that started them.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpcserver_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QLocalServer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Fizyr;

constexpr int Timeout = 20000;

class tst_Connect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void connectFailures_data();
    void connectFailures();
    void connectAndDisconnect_data();
    void connectAndDisconnect();
    void reconnect();
    void listenErrors();
    void listenErrorTexts_data();
    void listenErrorTexts();
    void staleUnixSocketIsReplaced_data();
    void staleUnixSocketIsReplaced();
    void liveUnixSocketIsRefused_data();
    void liveUnixSocketIsRefused();
    void closeRemovesSocketFile_data();
    void closeRemovesSocketFile();
    void serverAddressHasRealPort();
    void staleFailureOfAnEarlierAttempt();
    void peerErrorChangedOnEveryPath();
    void serverErrorChangedOnEveryPath();
    void refusedAcceptedDescriptorIsClosed();

private:
    QTemporaryDir m_dir;
};

static quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // closed again when server goes
}

void tst_Connect::connectFailures_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("error");
    QTest::newRow("tcp-refused") << QStringLiteral("tcp://127.0.0.1:%1").arg(closedPort())
                                 << int(RpcError::ConnectionRefused);
    QTest::newRow("unix-missing") << QStringLiteral("unix:")
                    + m_dir.filePath(QStringLiteral("none.sock"))
                                  << int(RpcError::HostNotFound);
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("seqpacket-missing")
            << QStringLiteral("seqpacket:") + m_dir.filePath(QStringLiteral("none.sock"))
            << int(RpcError::HostNotFound);
#else
    QTest::newRow("seqpacket-not-built")
            << QStringLiteral("seqpacket:") + m_dir.filePath(QStringLiteral("none.sock"))
            << int(RpcError::UnsupportedTransport);
#endif
    QTest::newRow("invalid") << QStringLiteral("tcp://no-port") << int(RpcError::InvalidAddress);
    QTest::newRow("unknown-scheme")
            << QStringLiteral("udp://127.0.0.1:1") << int(RpcError::InvalidAddress);
    QTest::newRow("empty") << QString() << int(RpcError::InvalidAddress);
}

void tst_Connect::connectFailures()
{
    QFETCH(QString, address);
    QFETCH(int, error);
    RpcPeer peer;
    QSignalSpy errors(&peer, &RpcPeer::errorOccurred);
    QSignalSpy connected(&peer, &RpcPeer::connected);
    QSignalSpy disconnected(&peer, &RpcPeer::disconnected);
    RpcPeer::State stateAtError = RpcPeer::ConnectedState;
    connect(&peer, &RpcPeer::errorOccurred, this, [&] { stateAtError = peer.state(); });
    peer.connectToServer(address);
    QCOMPARE(errors.size(), 0); // never from inside connectToServer()
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.at(0).at(0).value<RpcError>(), RpcError(error));
    QCOMPARE(peer.error(), RpcError(error));
    QVERIFY(!peer.errorString().isEmpty());
    QCOMPARE(stateAtError, RpcPeer::UnconnectedState);
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
    QCOMPARE(connected.size(), 0);
    QCOMPARE(disconnected.size(), 0); // never connected
    QVERIFY(!peer.waitForConnected(0));
}

void tst_Connect::connectAndDisconnect_data()
{
    QTest::addColumn<QString>("address");
    QTest::newRow("tcp") << QStringLiteral("tcp://127.0.0.1:0");
    QTest::newRow("unix") << QStringLiteral("unix:") + m_dir.filePath(QStringLiteral("cd.sock"));
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("seqpacket") << QStringLiteral("seqpacket:")
                    + m_dir.filePath(QStringLiteral("cd-sp.sock"));
#endif
}

void tst_Connect::connectAndDisconnect()
{
    QFETCH(QString, address);
    RpcServer server;
    QVERIFY2(server.listen(address), qPrintable(server.errorString()));
    RpcPeer peer;
    QSignalSpy states(&peer, &RpcPeer::stateChanged);
    QSignalSpy connected(&peer, &RpcPeer::connected);
    QSignalSpy disconnected(&peer, &RpcPeer::disconnected);
    peer.connectToServer(server.serverAddress().toString());
    QCOMPARE(peer.state(), RpcPeer::ConnectingState);
    QCOMPARE(connected.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    QCOMPARE(peer.state(), RpcPeer::ConnectedState);
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> accepted(server.nextPendingConnection());
    QVERIFY(!server.hasPendingConnections());
    QCOMPARE(server.nextPendingConnection(), nullptr);
    QCOMPARE(accepted->parent(), &server);
    // The connecting side knows where it connected to; the accepting side
    // knows the client's host and port on TCP and nothing on Unix sockets,
    // where clients are not bound to a path.
    QCOMPARE(peer.peerAddress(), server.serverAddress());
    if (server.serverAddress().transport() == RpcAddress::Tcp) {
        QCOMPARE(accepted->peerAddress().host(), QStringLiteral("127.0.0.1"));
        QVERIFY(accepted->peerAddress().port() != 0);
        QVERIFY(accepted->peerAddress().port() != server.serverPort());
    } else {
        QVERIFY2(!accepted->peerAddress().isValid(),
                 qPrintable(accepted->peerAddress().toString()));
    }
    QSignalSpy acceptedDisconnected(accepted.get(), &RpcPeer::disconnected);

    peer.disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, Timeout);
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
    QTRY_COMPARE_WITH_TIMEOUT(acceptedDisconnected.size(), 1, Timeout);
    QCOMPARE(accepted->state(), RpcPeer::UnconnectedState);
    QVERIFY(states.size() >= 3); // connecting, connected, (closing,) unconnected
    QCOMPARE(states.first().at(0).value<RpcPeer::State>(), RpcPeer::ConnectingState);
    QCOMPARE(states.last().at(0).value<RpcPeer::State>(), RpcPeer::UnconnectedState);
}

void tst_Connect::reconnect()
{
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    RpcPeer peer;
    for (int i = 0; i < 3; ++i) {
        peer.connectToServer(server.serverAddress().toString());
        QVERIFY(peer.waitForConnected(Timeout));
        peer.disconnectFromServer();
        QVERIFY(peer.waitForDisconnected(Timeout));
    }
}

void tst_Connect::listenErrors()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    RpcServer server;
    QSignalSpy listening(&server, &RpcServer::listeningChanged);
    QVERIFY(!server.listen(QStringLiteral("tcp://127.0.0.1:%1").arg(taken.serverPort())));
    QCOMPARE(server.error(), RpcError::AddressInUse);
    QVERIFY(!server.isListening());
    QVERIFY(!server.listen(QStringLiteral("tcp://not-an-ip:1")));
    QCOMPARE(server.error(), RpcError::InvalidAddress);
    QVERIFY(!server.listen(QStringLiteral("nonsense")));
    QCOMPARE(server.error(), RpcError::InvalidAddress);
    QVERIFY(!server.errorString().isEmpty());
    const QString file = m_dir.filePath(QStringLiteral("plain-file"));
    QFile plain(file);
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    QVERIFY(!server.listen(QStringLiteral("unix:") + file));
    QCOMPARE(server.error(), RpcError::AddressInUse);
    QVERIFY(QFile::exists(file)); // not removed: it is no socket
    QCOMPARE(listening.size(), 0);
    QVERIFY(server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    QCOMPARE(listening.size(), 1);
    QTest::ignoreMessage(QtWarningMsg, "RpcServer::listen: already listening");
    QVERIFY(!server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    QCOMPARE(server.error(), RpcError::InvalidOperation);
}

// A failed listen() reads "cannot listen on ADDRESS: reason" on every
// transport, in the library's own words (not Qt's "QLocalServer::listen:
// Name error").
void tst_Connect::listenErrorTexts_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<RpcError>("error");
    QTest::addColumn<QString>("reason");
    QTest::newRow("tcp, not a local address")
            << QStringLiteral("tcp://192.0.2.1:1") << RpcError::HostNotFound
            << QStringLiteral("no such host or socket");
    QTest::newRow("tcp, not an IP address")
            << QStringLiteral("tcp://not-an-ip:1") << RpcError::InvalidAddress
            << QStringLiteral("\"not-an-ip\" is not an IP address");
    QTest::newRow("unix, no such directory")
            << QStringLiteral("unix:") + m_dir.filePath(QStringLiteral("missing/s.sock"))
            << RpcError::HostNotFound << QStringLiteral("no such host or socket");
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("seqpacket, no such directory")
            << QStringLiteral("seqpacket:") + m_dir.filePath(QStringLiteral("missing/s.sock"))
            << RpcError::HostNotFound << QStringLiteral("no such host or socket");
#endif
}

void tst_Connect::listenErrorTexts()
{
    QFETCH(QString, address);
    QFETCH(RpcError, error);
    QFETCH(QString, reason);
    RpcServer server;
    QVERIFY(!server.listen(address));
    QCOMPARE(server.error(), error);
    QCOMPARE(server.errorString(),
             QStringLiteral("cannot listen on %1: %2")
                     .arg(RpcAddress::fromString(address).toString(), reason));
}

static int bindStaleSocket(const QString &path, int type)
{
    const int fd = ::socket(AF_UNIX, type, 0);
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    const QByteArray encoded = QFile::encodeName(path);
    memcpy(addr.sun_path, encoded.constData(), size_t(encoded.size()));
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

void tst_Connect::staleUnixSocketIsReplaced_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<int>("type");
    QTest::newRow("unix") << QStringLiteral("unix") << int(SOCK_STREAM);
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("seqpacket") << QStringLiteral("seqpacket") << int(SOCK_SEQPACKET);
#endif
}

void tst_Connect::staleUnixSocketIsReplaced()
{
    QFETCH(QString, scheme);
    QFETCH(int, type);
    const QString path = m_dir.filePath(scheme + QStringLiteral("-stale.sock"));
    // A socket file whose owner is gone (bound, never listening, closed).
    const int fd = bindStaleSocket(path, type);
    QVERIFY(fd >= 0);
    ::close(fd);
    QVERIFY(QFile::exists(path));

    RpcServer server;
    QVERIFY2(server.listen(scheme + QLatin1Char(':') + path), qPrintable(server.errorString()));
    RpcPeer peer;
    peer.connectToServer(scheme + QLatin1Char(':') + path);
    QVERIFY(peer.waitForConnected(Timeout));
}

void tst_Connect::liveUnixSocketIsRefused_data()
{
    staleUnixSocketIsReplaced_data();
}

void tst_Connect::liveUnixSocketIsRefused()
{
    QFETCH(QString, scheme);
    const QString address
            = scheme + QLatin1Char(':') + m_dir.filePath(scheme + QStringLiteral("-live.sock"));
    RpcServer first;
    QVERIFY(first.listen(address));
    RpcServer second;
    QVERIFY(!second.listen(address));
    QCOMPARE(second.error(), RpcError::AddressInUse);
    // The first server still works.
    RpcPeer peer;
    peer.connectToServer(address);
    QVERIFY(peer.waitForConnected(Timeout));
}

void tst_Connect::closeRemovesSocketFile_data()
{
    staleUnixSocketIsReplaced_data();
}

void tst_Connect::closeRemovesSocketFile()
{
    QFETCH(QString, scheme);
    const QString path = m_dir.filePath(scheme + QStringLiteral("-close.sock"));
    {
        RpcServer server;
        QVERIFY(server.listen(scheme + QLatin1Char(':') + path));
        QVERIFY(QFile::exists(path));
        QSignalSpy listening(&server, &RpcServer::listeningChanged);
        server.close();
        QCOMPARE(listening.size(), 1);
        QVERIFY(!server.isListening());
        QVERIFY(!QFile::exists(path));
        QVERIFY(server.listen(scheme + QLatin1Char(':') + path));
    }
    // The destructor removes it too.
    QVERIFY(!QFile::exists(path));
}

void tst_Connect::serverAddressHasRealPort()
{
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    QVERIFY(server.serverPort() != 0);
    QCOMPARE(server.serverAddress().port(), server.serverPort());
    QCOMPARE(server.serverAddress().toString(),
             QStringLiteral("tcp://127.0.0.1:%1").arg(server.serverPort()));
    server.close();
    QVERIFY(!server.serverAddress().isValid());
}

void tst_Connect::staleFailureOfAnEarlierAttempt()
{
    // The failure of an attempt that was replaced before the event loop ran
    // is not reported against the next one.
    RpcServer server;
    QVERIFY2(server.listen(QStringLiteral("tcp://127.0.0.1:0")), qPrintable(server.errorString()));
    RpcPeer peer;
    QSignalSpy errors(&peer, &RpcPeer::errorOccurred);
    QSignalSpy connected(&peer, &RpcPeer::connected);
    peer.connectToServer(QStringLiteral("bogus://nowhere"));
    peer.connectToServer(server.serverAddress().toString());
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, Timeout);
    QCOMPARE(errors.size(), 0);
    QCOMPARE(peer.error(), RpcError::NoError);
}

void tst_Connect::peerErrorChangedOnEveryPath()
{
    // error()/errorString() change only with errorChanged(), once per
    // change, on local failures (no errorOccurred() for those) and resets.
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    RpcPeer peer;
    QSignalSpy changed(&peer, &RpcPeer::errorChanged);
    QSignalSpy occurred(&peer, &RpcPeer::errorOccurred);

    // A send on an unconnected peer.
    QVERIFY(!peer.sendStream(1, "x"));
    QCOMPARE(peer.error(), RpcError::NotConnected);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(occurred.size(), 0);
    QVERIFY(!peer.sendStream(1, "x")); // the same error again: no change
    QCOMPARE(changed.size(), 1);

    // setSocketDescriptor() with a descriptor that is no seqpacket socket.
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    QVERIFY(!peer.setSocketDescriptor(pair[0]));
    QVERIFY(peer.error() != RpcError::NotConnected);
    QVERIFY(peer.error() != RpcError::NoError);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(occurred.size(), 0);
    QCOMPARE(::fcntl(pair[0], F_GETFD) >= 0, true); // left to the caller
    ::close(pair[0]);
    ::close(pair[1]);

    // connectToServer() resets it at once, the failure comes later.
    peer.connectToServer(QStringLiteral("tcp://no-port"));
    QCOMPARE(peer.error(), RpcError::NoError);
    QCOMPARE(changed.size(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(occurred.size(), 1, Timeout);
    QCOMPARE(peer.error(), RpcError::InvalidAddress);
    QCOMPARE(changed.size(), 4);
    peer.connectToServer(server.serverAddress());
    QCOMPARE(peer.error(), RpcError::NoError);
    // Empty without an error, as on RpcRequest and RpcServer.
    QCOMPARE(peer.errorString(), QString());
    QCOMPARE(changed.size(), 5);
    QVERIFY(peer.waitForConnected(Timeout));

    // A local send failure on a connected peer.
    QVERIFY(!peer.sendStream(1, QByteArray(int(peer.config().maxBodyWriteSize()) + 1, 'x')));
    QCOMPARE(peer.error(), RpcError::PayloadTooLarge);
    QCOMPARE(changed.size(), 6);
    QCOMPARE(occurred.size(), 1);
    QCOMPARE(peer.state(), RpcPeer::ConnectedState);
    peer.abort();
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);

    // setDevice() resets it too.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(socket.waitForConnected(Timeout));
    QVERIFY(peer.setDevice(&socket));
    QCOMPARE(peer.error(), RpcError::NoError);
    QCOMPARE(changed.size(), 7);
    peer.abort();

    // A request's send failure, and its end: once each.
    peer.connectToServer(server.serverAddress());
    QVERIFY(peer.waitForConnected(Timeout));
    // Take the connections, so that the server's peers read (they have no
    // handler, so they answer requests with an error response).
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    while (server.nextPendingConnection()) { }
    std::unique_ptr<RpcRequest> request(peer.sendRequest(1));
    QVERIFY(request->isOpen());
    QSignalSpy requestChanged(request.get(), &RpcRequest::errorChanged);
    QVERIFY(!request->sendUpdate(1, QByteArray(int(peer.config().maxBodyWriteSize()) + 1, 'x')));
    QCOMPARE(request->error(), RpcError::PayloadTooLarge);
    QCOMPARE(requestChanged.size(), 1);
    // Nobody handles requests on the server: an error response.
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->error(), RpcError::RemoteError);
    QCOMPARE(requestChanged.size(), 2);
    // A finished request keeps its outcome.
    QVERIFY(!request->sendUpdate(1));
    QCOMPARE(request->error(), RpcError::RemoteError);
    QCOMPARE(requestChanged.size(), 2);
}

void tst_Connect::serverErrorChangedOnEveryPath()
{
    RpcServer server;
    QSignalSpy changed(&server, &RpcServer::errorChanged);
    QSignalSpy occurred(&server, &RpcServer::errorOccurred);
    QVERIFY(!server.listen(QStringLiteral("tcp://no-port")));
    QCOMPARE(server.error(), RpcError::InvalidAddress);
    QCOMPARE(changed.size(), 1);
    QVERIFY(!server.listen(QStringLiteral("tcp://not-an-ip:1")));
    QCOMPARE(server.error(), RpcError::InvalidAddress);
    QCOMPARE(changed.size(), 2); // another text
    QVERIFY(!server.listen(QStringLiteral("tcp://not-an-ip:1")));
    QCOMPARE(changed.size(), 2); // the same error again: no change

    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
    QVERIFY(!server.listen(QStringLiteral("tcp://127.0.0.1:%1").arg(taken.serverPort())));
    QCOMPARE(server.error(), RpcError::AddressInUse);
    QCOMPARE(changed.size(), 3); // set once, not reset first

    QVERIFY(server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    QCOMPARE(server.error(), RpcError::NoError);
    QVERIFY(server.errorString().isEmpty());
    QCOMPARE(changed.size(), 4);
    QTest::ignoreMessage(QtWarningMsg, "RpcServer::listen: already listening");
    QVERIFY(!server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    QCOMPARE(server.error(), RpcError::InvalidOperation);
    QCOMPARE(changed.size(), 5);
    QCOMPARE(occurred.size(), 0); // failures of a call are its return value
    QVERIFY(server.isListening());
}

void tst_Connect::refusedAcceptedDescriptorIsClosed()
{
#ifndef FIZYRRPCQT_TEST_SEQPACKET
    QSKIP("the seqpacket transport is not built here (FIZYRRPCQT_SEQPACKET=OFF)");
#else
    // When the transport refuses a descriptor the seqpacket listener
    // accepted, the server closes it and reports the failure. The listener
    // only hands out seqpacket sockets, so the adoption is called directly
    // with another kind of socket.
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("seqpacket:")
                          + m_dir.filePath(QStringLiteral("refused.sock"))));
    QSignalSpy changed(&server, &RpcServer::errorChanged);
    QSignalSpy occurred(&server, &RpcServer::errorOccurred);
    QSignalSpy newConnections(&server, &RpcServer::newConnection);
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    const int before = int(
            QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
    QVERIFY(RpcServerPrivate::get(&server)->adoptSeqpacketDescriptor(pair[0]));
    const int after = int(
            QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
    QCOMPARE(after, before - 1);
    errno = 0;
    QCOMPARE(::fcntl(pair[0], F_GETFD), -1);
    QCOMPARE(errno, EBADF);
    ::close(pair[1]);
    QCOMPARE(occurred.size(), 1);
    QCOMPARE(changed.size(), 1);
    QVERIFY(server.error() != RpcError::NoError);
    QVERIFY(!server.errorString().isEmpty());
    QCOMPARE(newConnections.size(), 0);
    QVERIFY(!server.hasPendingConnections());
    QVERIFY(server.isListening());
#endif
}

QTEST_GUILESS_MAIN(tst_Connect)
#include "tst_connect.moc"

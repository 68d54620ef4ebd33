// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcServer::setSocketDescriptor() on a socket bound and listening already
// (TCP, Unix stream, Unix seqpacket: detected from the socket), what it
// refuses, listenInherited() without a service manager, and the tool's
// serve and proxy started the way systemd starts a socket-activated
// service (a Python launcher puts the socket at descriptor 3 and sets
// LISTEN_PID and LISTEN_FDS), or with fd:N.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

// A socket of scheme's kind, bound (Unix: to path) and, if asked, listening.
int makeSocket(const QString &scheme, const QString &path, bool listening)
{
    const bool tcp = scheme == QLatin1String("tcp");
    const int type = scheme == QLatin1String("seqpacket") ? SOCK_SEQPACKET : SOCK_STREAM;
    const int fd = ::socket(tcp ? AF_INET : AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int result = 0;
    if (tcp) {
        sockaddr_in addr = {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        result = ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr));
    } else {
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        const QByteArray encoded = QFile::encodeName(path);
        memcpy(addr.sun_path, encoded.constData(), size_t(encoded.size()));
        result = ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr));
    }
    if (result != 0 || (listening && ::listen(fd, 16) != 0)) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) >= 0;
}

QString python()
{
    return QFile::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3")
                                                             : QStringLiteral("python3");
}

// Service 1 of fizyr-rpc serve answers with the request body.
bool echoWorks(const RpcAddress &address)
{
    RpcPeer client;
    client.connectToServer(address);
    if (!client.waitForConnected(DefaultTimeout))
        return false;
    RpcRequest *request = client.sendRequest(1, "ping");
    QSignalSpy finished(request, &RpcRequest::finished);
    if (!finished.wait(DefaultTimeout) && finished.isEmpty())
        return false;
    return request->hasResponse() && request->response().body() == "ping";
}

} // namespace

class tst_SocketActivation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void adoptListeningSocket();
    void refusedDescriptors();
    void noServiceManager();
    void toolServeSocketActivation();
    void toolServeDescriptor();
    void toolProxySocketActivation();

private:
    // Starts the tool through the launcher; returns the address it listens on.
    RpcAddress startTool(QProcess &process, const QString &scheme, int fd,
                         const QStringList &arguments);

    QTemporaryDir m_dir;
    int m_count = 0;
};

void tst_SocketActivation::adoptListeningSocket()
{
    QFETCH_GLOBAL(QString, scheme);
    const QString path = m_dir.filePath(QStringLiteral("adopt-%1").arg(++m_count));
    const int fd = makeSocket(scheme, path, true);
    QVERIFY(fd >= 0);
    RpcServer server;
    QSignalSpy listening(&server, &RpcServer::listeningChanged);
    QVERIFY2(server.setSocketDescriptor(fd), qPrintable(server.errorString()));
    QCOMPARE(listening.size(), 1);
    QVERIFY(server.isListening());
    QCOMPARE(server.socketDescriptor(), qintptr(fd));
    QCOMPARE(server.error(), RpcError::NoError);
    const RpcAddress address = server.serverAddress();
    if (scheme == QLatin1String("tcp")) {
        QCOMPARE(address.transport(), RpcAddress::Tcp);
        QVERIFY(address.port() != 0);
        QCOMPARE(server.serverPort(), address.port());
    } else {
        QCOMPARE(address.transport(), transportFor(scheme));
        QCOMPARE(address.path(), path);
    }
    QVERIFY(!server.setSocketDescriptor(fd)); // listening already
    QCOMPARE(server.error(), RpcError::InvalidOperation);

    RpcPeer client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected(DefaultTimeout));
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), DefaultTimeout);
    RpcPeer *peer = server.nextPendingConnection();
    connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
        request->sendResponse(request->serviceId(), request->body());
    });
    RpcRequest *request = client.sendRequest(1, "adopted");
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(request->response().body(), QByteArray("adopted"));

    // The server owns the descriptor; a socket file is not its own.
    server.close();
    QVERIFY(!isOpen(fd));
    if (scheme != QLatin1String("tcp"))
        QVERIFY(QFileInfo::exists(path));
}

void tst_SocketActivation::refusedDescriptors()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcServer server;
    // Bound, not listening.
    const QString path = m_dir.filePath(QStringLiteral("refused-%1").arg(++m_count));
    const int fd = makeSocket(scheme, path, false);
    QVERIFY(fd >= 0);
    QVERIFY(!server.setSocketDescriptor(fd));
    QCOMPARE(server.error(), RpcError::InvalidOperation);
    QVERIFY2(server.errorString().contains(QLatin1String("not listening")),
             qPrintable(server.errorString()));
    QVERIFY(isOpen(fd)); // still the caller's
    QVERIFY(!server.isListening());
    ::close(fd);
    // Not a socket.
    QFile file(m_dir.filePath(QStringLiteral("plain")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(!server.setSocketDescriptor(file.handle()));
    QCOMPARE(server.error(), RpcError::InvalidOperation);
    QVERIFY(!server.setSocketDescriptor(-1));
    QCOMPARE(server.error(), RpcError::InvalidOperation);
}

void tst_SocketActivation::noServiceManager()
{
    RpcServer server;
    qunsetenv("LISTEN_PID");
    qunsetenv("LISTEN_FDS");
    QCOMPARE(RpcServer::inheritedSocketCount(), 0);
    QCOMPARE(RpcServer::inheritedSocketDescriptor(0), -1);
    QVERIFY(!server.listenInherited());
    QCOMPARE(server.error(), RpcError::InvalidOperation);
    QVERIFY2(server.errorString().contains(QLatin1String("LISTEN_FDS")),
             qPrintable(server.errorString()));
    // Sockets passed to another process (the parent) are not ours.
    qputenv("LISTEN_PID", QByteArray::number(qint64(::getppid())));
    qputenv("LISTEN_FDS", "1");
    QCOMPARE(RpcServer::inheritedSocketCount(), 0);
    QVERIFY(!server.listenInherited());
    // Ours, but not that many.
    qputenv("LISTEN_PID", QByteArray::number(qint64(::getpid())));
    QCOMPARE(RpcServer::inheritedSocketCount(), 1);
    QCOMPARE(RpcServer::inheritedSocketDescriptor(0), 3);
    QCOMPARE(RpcServer::inheritedSocketDescriptor(1), -1);
    QVERIFY(!server.listenInherited(1));
    QCOMPARE(server.error(), RpcError::InvalidOperation);
    qunsetenv("LISTEN_PID");
    qunsetenv("LISTEN_FDS");
}

RpcAddress tst_SocketActivation::startTool(QProcess &process, const QString &scheme, int fd,
                                           const QStringList &arguments)
{
    const QString path = m_dir.filePath(QStringLiteral("tool-%1.sock").arg(++m_count));
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(python(),
                  QStringList{QStringLiteral(LAUNCHER), scheme, path, QString::number(fd),
                              QStringLiteral(FIZYR_RPC_TOOL)}
                          + arguments);
    if (!process.waitForStarted(DefaultTimeout))
        return RpcAddress();
    QByteArray line;
    while (!line.contains('\n') && process.waitForReadyRead(DefaultTimeout))
        line += process.readLine();
    if (!line.startsWith("listening on ")) {
        qWarning("unexpected output: %s", line.constData());
        return RpcAddress();
    }
    connect(&process, &QProcess::readyReadStandardOutput, &process,
            [&process] { process.readAllStandardOutput(); });
    const RpcAddress address = RpcAddress::fromString(QString::fromUtf8(line.mid(13).trimmed()));
    if (scheme != QLatin1String("tcp") && address.path() != path)
        qWarning("listening on %s, expected %s", line.constData(), qPrintable(path));
    return address;
}

void tst_SocketActivation::toolServeSocketActivation()
{
    QFETCH_GLOBAL(QString, scheme);
    QProcess tool;
    const RpcAddress address
            = startTool(tool, scheme, 3, {QStringLiteral("serve"), QStringLiteral("systemd")});
    QVERIFY(address.isValid());
    QVERIFY(echoWorks(address));
    QVERIFY(echoWorks(address)); // still accepting
    tool.terminate();
    QVERIFY(tool.waitForFinished(DefaultTimeout));
    QCOMPARE(tool.exitCode(), 0);
}

void tst_SocketActivation::toolServeDescriptor()
{
    QFETCH_GLOBAL(QString, scheme);
    QProcess tool;
    const RpcAddress address
            = startTool(tool, scheme, 7, {QStringLiteral("serve"), QStringLiteral("fd:7")});
    QVERIFY(address.isValid());
    QVERIFY(echoWorks(address));
    tool.terminate();
    QVERIFY(tool.waitForFinished(DefaultTimeout));
    QCOMPARE(tool.exitCode(), 0);

    // Nothing passed: a clear failure, exit code 2 as for any listen failure.
    QProcess bare;
    bare.start(QStringLiteral(FIZYR_RPC_TOOL),
               {QStringLiteral("serve"), QStringLiteral("systemd")});
    QVERIFY(bare.waitForFinished(DefaultTimeout));
    QVERIFY(bare.exitCode() != 0);
    const QByteArray error = bare.readAllStandardError();
    QVERIFY2(error.contains("LISTEN_FDS"), error.constData());
}

void tst_SocketActivation::toolProxySocketActivation()
{
    QFETCH_GLOBAL(QString, scheme);
    // The target: a server in this process answering service 1.
    RpcServer target;
    QVERIFY(target.listen(QStringLiteral("tcp://127.0.0.1:0")));
    connect(&target, &RpcServer::newConnection, this, [&target] {
        while (RpcPeer *peer = target.nextPendingConnection()) {
            connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
                request->sendResponse(request->serviceId(), request->body());
            });
        }
    });
    QProcess proxy;
    const RpcAddress address = startTool(proxy, scheme, 3,
                                         {QStringLiteral("proxy"), QStringLiteral("systemd"),
                                          target.serverAddress().toString()});
    QVERIFY(address.isValid());
    QVERIFY(echoWorks(address));
    proxy.terminate();
    QVERIFY(proxy.waitForFinished(DefaultTimeout));
    QCOMPARE(proxy.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_SocketActivation)
#include "tst_socketactivation.moc"

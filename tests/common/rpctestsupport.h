// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The one helper header of the tests: the transport rows of data-driven
// tests and an address per transport, a connected client/server peer pair,
// raw connections that bypass the library, and process-wide counters (open
// descriptors, memory).
//
// The seqpacket rows exist when the build has the seqpacket transport
// (FIZYRRPCQT_SEQPACKET, which gives tests FIZYRRPCQT_TEST_SEQPACKET).

#ifndef RPCTESTSUPPORT_H
#define RPCTESTSUPPORT_H

#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QPointer>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QLocalSocket>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <memory>
#include <optional>

namespace RpcTestSupport {

// The generous timeout (ms) of the waits in the tests.
constexpr int DefaultTimeout = 20000;

// True when the build has the seqpacket transport.
#ifdef FIZYRRPCQT_TEST_SEQPACKET
constexpr bool HaveSeqpacket = true;
#else
constexpr bool HaveSeqpacket = false;
#endif

// The column "scheme" and a row per transport: tcp, local (scheme "unix")
// and, when built, seqpacket. Use in initTestCase_data() with
// QFETCH_GLOBAL(QString, scheme), or in a test's _data function.
inline void addTransportRows()
{
    QTest::addColumn<QString>("scheme");
    QTest::newRow("tcp") << QStringLiteral("tcp");
    QTest::newRow("local") << QStringLiteral("unix");
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("seqpacket") << QStringLiteral("seqpacket");
#endif
}

// A TCP socket listening on 127.0.0.1 (a free port) with backlog, its address
// in *address; -1 on failure.
inline int listenOnLoopback(int backlog, sockaddr_in *address)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    *address = {};
    address->sin_family = AF_INET;
    address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(*address);
    if (::bind(fd, reinterpret_cast<sockaddr *>(address), sizeof(*address)) != 0
        || ::listen(fd, backlog) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr *>(address), &length) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// An int socket option of fd (getsockopt()), or -1.
inline int intSocketOption(int fd, int level, int option)
{
    int value = -1;
    socklen_t length = sizeof(value);
    if (::getsockopt(fd, level, option, &value, &length) != 0)
        return -1;
    return value;
}

// The transport of a row's scheme ("tcp", "unix" or "seqpacket").
inline Fizyr::RpcAddress::Transport transportFor(const QString &scheme)
{
    if (scheme == QLatin1String("tcp"))
        return Fizyr::RpcAddress::Tcp;
    if (scheme == QLatin1String("unix"))
        return Fizyr::RpcAddress::UnixStream;
    return Fizyr::RpcAddress::UnixSeqpacket;
}

// A fresh address for scheme ("tcp", "unix" or "seqpacket") in dir.
inline QString addressFor(const QString &scheme, const QTemporaryDir &dir, const QString &name)
{
    if (scheme == QLatin1String("tcp"))
        return QStringLiteral("tcp://127.0.0.1:0");
    return scheme + QLatin1Char(':')
            + dir.filePath(name + QLatin1Char('-') + scheme + QStringLiteral(".sock"));
}

// A connected client/server peer pair for one transport row.
struct PeerPair
{
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<Fizyr::RpcServer> server;
    std::unique_ptr<Fizyr::RpcPeer> client;
    QPointer<Fizyr::RpcPeer> serverPeer; // child of server; deleted with it
    // When set, the configuration of the server and of the client.
    std::optional<Fizyr::RpcConfig> config;

    // Starts a server for scheme on a fresh address. Returns false on failure.
    bool listen(const QString &scheme)
    {
        dir.reset(new QTemporaryDir);
        if (!dir->isValid())
            return false;
        server.reset(new Fizyr::RpcServer);
        if (config)
            server->setConfig(*config);
        return server->listen(addressFor(scheme, *dir, QStringLiteral("s")));
    }

    // Connects a client and takes the server-side peer.
    bool connectClient()
    {
        client.reset(new Fizyr::RpcPeer);
        if (config && !client->setConfig(*config))
            return false;
        QSignalSpy connectedSpy(client.get(), &Fizyr::RpcPeer::connected);
        client->connectToServer(server->serverAddress().toString());
        if (!connectedSpy.wait(DefaultTimeout) && connectedSpy.isEmpty())
            return false;
        QDeadlineTimer deadline(DefaultTimeout);
        while (!server->hasPendingConnections() && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        serverPeer = server->nextPendingConnection();
        return serverPeer && client->state() == Fizyr::RpcPeer::ConnectedState;
    }

    bool start(const QString &scheme) { return listen(scheme) && connectClient(); }

    void reset()
    {
        client.reset();
        server.reset();
        dir.reset();
    }
};

// AddressSanitizer keeps freed memory in quarantine, so resident-memory
// bounds only mean something without it.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool MemoryBoundsApply = false;
#elif defined(__has_feature)
#    if __has_feature(address_sanitizer)
constexpr bool MemoryBoundsApply = false;
#    else
constexpr bool MemoryBoundsApply = true;
#    endif
#else
constexpr bool MemoryBoundsApply = true;
#endif

inline int openFdCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

// A field of /proc/self/status in KiB (VmRSS, VmHWM...).
inline qint64 statusKiB(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// A connection that writes raw bytes (or raw datagrams), bypassing the library.
class RawConnection
{
public:
    bool open(const QString &address)
    {
        if (address.startsWith(QLatin1String("tcp://"))) {
            const QString hostPort = address.mid(6);
            const qsizetype colon = hostPort.lastIndexOf(QLatin1Char(':'));
            m_tcp.reset(new QTcpSocket);
            m_tcp->connectToHost(hostPort.left(colon), hostPort.mid(colon + 1).toUShort());
            return m_tcp->waitForConnected(20000);
        }
        if (address.startsWith(QLatin1String("unix:"))) {
            m_local.reset(new QLocalSocket);
            m_local->connectToServer(address.mid(5));
            return m_local->waitForConnected(20000);
        }
        const QByteArray path = QFile::encodeName(address.mid(QStringLiteral("seqpacket:").size()));
        m_fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        memcpy(addr.sun_path, path.constData(), size_t(path.size()));
        return ::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0;
    }

    ~RawConnection() { close(); }

    bool isSeqpacket() const { return m_fd >= 0; }

    // Streams: bytes; seqpacket: one datagram.
    bool write(const QByteArray &bytes)
    {
        if (m_tcp) {
            m_tcp->write(bytes);
            return m_tcp->waitForBytesWritten(20000) || m_tcp->bytesToWrite() == 0;
        }
        if (m_local) {
            m_local->write(bytes);
            return m_local->waitForBytesWritten(20000) || m_local->bytesToWrite() == 0;
        }
        // The server may run in this thread: let it drain while the socket is full.
        QDeadlineTimer deadline(20000);
        while (!deadline.hasExpired()) {
            const ssize_t n = ::send(m_fd, bytes.constData(), size_t(bytes.size()),
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n == bytes.size())
                return true;
            if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                return false;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        }
        return false;
    }

    // True once the other side closed the connection.
    bool isClosedByPeer()
    {
        if (m_tcp) {
            m_tcp->waitForReadyRead(10);
            m_tcp->readAll();
            return m_tcp->state() == QAbstractSocket::UnconnectedState;
        }
        if (m_local) {
            m_local->waitForReadyRead(10);
            m_local->readAll();
            return m_local->state() == QLocalSocket::UnconnectedState;
        }
        char buffer[65536];
        const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        return n == 0;
    }

    void close()
    {
        m_tcp.reset();
        m_local.reset();
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

private:
    std::unique_ptr<QTcpSocket> m_tcp;
    std::unique_ptr<QLocalSocket> m_local;
    int m_fd = -1;
};

} // namespace RpcTestSupport

#endif // RPCTESTSUPPORT_H

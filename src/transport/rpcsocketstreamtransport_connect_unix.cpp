// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcSocketStreamTransport: the tcp:// connections this side makes. What
// QTcpSocket does, on the descriptor that then carries the connection: an
// IP literal is used as it is, any other name is resolved with QHostInfo
// (off this thread); the addresses are tried in the order the lookup gave
// them, each with a non-blocking connect() that gets 30 s (QTcpSocket's
// limit, DefaultConnectTimeoutMsecs), and the error of the last failed
// attempt is reported.

#include "rpcsocketstreamtransport_p.h"

#include "rpclogging_p.h"

#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qhostinfo.h>
#include <QtNetwork/qnetworkproxy.h>

#include <cerrno>
#include <cstring>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Fizyr {

namespace {

// The error of a failed connect(), as QTcpSocket reported it.
RpcError connectErrorFromErrno(int error)
{
    switch (error) {
    case ECONNREFUSED:
    case EINVAL:
        return RpcError::ConnectionRefused;
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EADDRINUSE:
        return RpcError::NetworkFailure;
    default:
        return RpcTransport::errorFromErrno(error);
    }
}

// addr as a socket address with port; false if it is not an IP address.
bool fillInetAddress(const QHostAddress &addr, quint16 port, sockaddr_storage *storage,
                     socklen_t *length)
{
    *storage = {};
    bool isV4 = false;
    const quint32 v4 = addr.toIPv4Address(&isV4);
    if (addr.protocol() == QAbstractSocket::IPv4Protocol && isV4) {
        auto *in = reinterpret_cast<sockaddr_in *>(storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(v4);
        *length = sizeof(sockaddr_in);
        return true;
    }
    if (addr.protocol() != QAbstractSocket::IPv6Protocol)
        return false;
    auto *in6 = reinterpret_cast<sockaddr_in6 *>(storage);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    const Q_IPV6ADDR bytes = addr.toIPv6Address();
    static_assert(sizeof(bytes.c) == sizeof(in6->sin6_addr.s6_addr));
    std::memcpy(in6->sin6_addr.s6_addr, bytes.c, sizeof(bytes.c));
    const QString scope = addr.scopeId();
    if (!scope.isEmpty()) {
        // An interface name ("eth0") or number ("2").
        bool numeric = false;
        const uint index = scope.toUInt(&numeric);
        in6->sin6_scope_id = numeric ? index : ::if_nametoindex(scope.toLocal8Bit().constData());
    }
    *length = sizeof(sockaddr_in6);
    return true;
}

} // namespace

// Chosen as QTcpSocket chooses: the first entry that can tunnel TCP; none
// (QTcpSocket fails then) counts as a proxy. Loopback addresses never have
// one. With the system's configuration (libproxy), asking may take a while,
// as it does for QTcpSocket.
bool RpcSocketStreamTransport::proxyApplies(const RpcAddress &address)
{
    const QList<QNetworkProxy> proxies = QNetworkProxyFactory::proxyForQuery(QNetworkProxyQuery(
            address.host(), address.port(), QString(), QNetworkProxyQuery::TcpSocket));
    for (const QNetworkProxy &proxy : proxies) {
        if (proxy.capabilities() & QNetworkProxy::TunnelingCapability)
            return proxy.type() != QNetworkProxy::NoProxy;
    }
    return true;
}

void RpcSocketStreamTransport::connectTcp()
{
    m_unix = false;
    // Unknown until connected (what QTcpSocket::peerAddress() said too).
    m_peerAddress = RpcAddress();
    QString host = m_connectAddress.host();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    QHostAddress literal;
    if (literal.setAddress(host)) {
        startTcpAttempts({literal});
        return;
    }
    // The result arrives from the event loop; the lookup is aborted if the
    // attempt ends before (stopTcpConnecting()), and dropped with this
    // object (the context).
    m_lookupId = QHostInfo::lookupHost(host, this,
                                       [this](const QHostInfo &info) { onHostLookedUp(info); });
}

void RpcSocketStreamTransport::connectToResolved(const RpcAddress &address,
                                                 const QList<QHostAddress> &addresses)
{
    closeSocket();
    setState(Connecting);
    m_connectAddress = address;
    m_unix = false;
    m_peerAddress = RpcAddress();
    startTcpAttempts(addresses);
}

void RpcSocketStreamTransport::startTcpAttempts(const QList<QHostAddress> &addresses)
{
    // The first connect() starts at once, as with QTcpSocket::connectToHost()
    // given an IP address (a caller may wait for the other side to accept
    // without running the event loop); its outcome is reported from the
    // event loop, like every other.
    m_tcpAddresses = addresses;
    m_tcpConnectError = RpcError::HostNotFound;
    if (startTcpAttempt() && m_connectNotifier)
        return; // under way: the notifier reports
    const quint32 generation = m_connectGeneration;
    QMetaObject::invokeMethod(
            this,
            [this, generation] {
                BusyScope busy(this);
                if (generation != m_connectGeneration || state() != Connecting)
                    return;
                if (m_fd >= 0)
                    onConnectFinished();
                else
                    fail(m_tcpConnectError, connectErrorText(m_connectAddress, m_tcpConnectError));
            },
            Qt::QueuedConnection);
}

void RpcSocketStreamTransport::onHostLookedUp(const QHostInfo &info)
{
    BusyScope busy(this);
    if (state() != Connecting || m_lookupId < 0 || info.lookupId() != m_lookupId)
        return;
    m_lookupId = -1;
    m_tcpAddresses = info.addresses();
    qCDebug(lcRpcTransport) << m_connectAddress.host() << "resolved to" << m_tcpAddresses
                            << info.errorString();
    // A failed lookup and one without addresses alike: no such host.
    m_tcpConnectError = RpcError::HostNotFound;
    tryNextTcpAddress();
}

void RpcSocketStreamTransport::tryNextTcpAddress()
{
    if (!startTcpAttempt()) {
        fail(m_tcpConnectError, connectErrorText(m_connectAddress, m_tcpConnectError));
        return;
    }
    if (!m_connectNotifier)
        onConnectFinished(); // connected at once
}

bool RpcSocketStreamTransport::startTcpAttempt()
{
    while (!m_tcpAddresses.isEmpty()) {
        const QHostAddress next = m_tcpAddresses.takeFirst();
        sockaddr_storage addr;
        socklen_t length = 0;
        if (!fillInetAddress(next, m_connectAddress.port(), &addr, &length))
            continue;
        const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            const int e = errno;
            qCDebug(lcRpcTransport) << "cannot create a socket for" << next << ":"
                                    << QString::fromLocal8Bit(strerror(e));
            m_tcpConnectError = errorFromErrno(e);
            continue;
        }
        int result;
        do {
            result = ::connect(fd, reinterpret_cast<const sockaddr *>(&addr), length);
        } while (result != 0 && errno == EINTR);
        if (result == 0) {
            m_fd = fd;
            return true;
        }
        const int e = errno;
        if (e == EINPROGRESS || e == EALREADY) {
            // Done when the socket turns writable; SO_ERROR says how.
            m_fd = fd;
            m_connectNotifier = new QSocketNotifier(fd, QSocketNotifier::Write, this);
            connect(m_connectNotifier, &QSocketNotifier::activated, this,
                    &RpcSocketStreamTransport::onTcpConnectWritable);
            if (!m_connectTimer) {
                m_connectTimer = new QTimer(this);
                m_connectTimer->setSingleShot(true);
                connect(m_connectTimer, &QTimer::timeout, this,
                        &RpcSocketStreamTransport::onTcpConnectTimeout);
            }
            m_connectTimer->start(m_connectTimeoutMsecs);
            return true;
        }
        qCDebug(lcRpcTransport) << "connect to" << next
                                << "failed:" << QString::fromLocal8Bit(strerror(e));
        ::close(fd);
        m_tcpConnectError = connectErrorFromErrno(e);
    }
    return false;
}

void RpcSocketStreamTransport::onTcpConnectWritable()
{
    BusyScope busy(this);
    if (state() != Connecting || m_fd < 0)
        return;
    int error = 0;
    socklen_t length = sizeof(error);
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    stopTcpConnecting();
    if (error == 0) {
        onConnectFinished();
        return;
    }
    qCDebug(lcRpcTransport) << "connect failed:" << QString::fromLocal8Bit(strerror(error));
    ::close(m_fd);
    m_fd = -1;
    m_tcpConnectError = connectErrorFromErrno(error);
    tryNextTcpAddress();
}

void RpcSocketStreamTransport::onTcpConnectTimeout()
{
    BusyScope busy(this);
    if (state() != Connecting || m_fd < 0)
        return;
    qCDebug(lcRpcTransport) << "connect timed out after" << m_connectTimeoutMsecs << "ms";
    stopTcpConnecting();
    ::close(m_fd);
    m_fd = -1;
    m_tcpConnectError = RpcError::SocketTimeout;
    tryNextTcpAddress();
}

void RpcSocketStreamTransport::stopTcpConnecting()
{
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    // May run inside the notifier's own signal: QSocketNotifier allows that.
    delete m_connectNotifier;
    m_connectNotifier = nullptr;
    if (m_connectTimer)
        m_connectTimer->stop();
}

} // namespace Fizyr

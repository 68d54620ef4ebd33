// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcsocketstreamtransport_p.h"

#include "rpclogging_p.h"

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtimer.h>
#include <QtNetwork/qhostaddress.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

namespace Fizyr {

namespace {

// Received bytes go into this thread's buffer of this size, and are parsed
// into messages before any is delivered (a handler's nested event loop may
// read into the same buffer for this or another transport), so an idle
// connection holds no receive buffer.
constexpr qsizetype ReadBufferSize = 64 * 1024;
// The rest of a body at least this large is read straight into the message.
constexpr qsizetype DirectReadMinSize = 16 * 1024;
// Reads per wake-up, at most, so one busy peer cannot starve the others.
constexpr int MaxReadsPerWakeup = 64;
// Frames per sendmsg() (two iovecs each), at most; a flush sends as many
// batches as the socket takes.
constexpr int MaxFramesPerWrite = 64;
constexpr int ConnectRetryIntervalMsecs = 5;
constexpr int ConnectRetryLimit = 2000;

char *threadReadBuffer()
{
    static thread_local std::unique_ptr<char[]> buffer;
    if (Q_UNLIKELY(!buffer))
        buffer.reset(new char[size_t(ReadBufferSize)]);
    return buffer.get();
}

QString errnoString(int error)
{
    return QString::fromLocal8Bit(strerror(error));
}

// The file a unix: name connects to, by the QLocalSocket rule: a name that
// is not absolute lies in QDir::tempPath(); "@name" is a name in the Linux
// abstract namespace. *length is the size of the address for connect().
bool fillUnixAddress(const QString &name, sockaddr_un *addr, socklen_t *length,
                     QString *errorString)
{
    const bool abstract = name.startsWith(QLatin1Char('@'));
    QString path = abstract ? name.mid(1) : name;
    if (!abstract && !path.startsWith(QLatin1Char('/')))
        path = QDir::tempPath() + QLatin1Char('/') + path;
    const QByteArray encoded = QFile::encodeName(path);
    const size_t offset = abstract ? 1 : 0;
    *addr = {};
    addr->sun_family = AF_UNIX;
    if (name.isEmpty() || size_t(encoded.size()) + offset >= sizeof(addr->sun_path)) {
        *errorString = RpcTransport::tr("invalid socket name: %1").arg(name);
        return false;
    }
    std::memcpy(addr->sun_path + offset, encoded.constData(), size_t(encoded.size()));
    *length = socklen_t(offsetof(sockaddr_un, sun_path) + offset + size_t(encoded.size())
                        + (abstract ? 0 : 1));
    return true;
}

void setIntOption(int fd, int level, int option, int value)
{
    if (::setsockopt(fd, level, option, &value, sizeof(value)) != 0) {
        const int error = errno;
        qCWarning(lcRpcTransport) << "cannot set socket option" << option << "to" << value << ":"
                                  << errnoString(error);
    }
}

// TCP_NODELAY, and keep-alive as RpcConfig::keepAlive() says (the same
// options RpcStreamTransport sets through QTcpSocket): outgoing is true for a
// connection this side made, false for an accepted or adopted one, which
// KeepAliveAuto leaves as it is.
void applyTcpOptions(int fd, const RpcConfig &config, bool outgoing)
{
    setIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    const RpcConfig::KeepAliveMode mode = config.keepAlive();
    if (mode == RpcConfig::KeepAliveAuto && !outgoing)
        return;
    const bool on = mode != RpcConfig::KeepAliveOff;
    setIntOption(fd, SOL_SOCKET, SO_KEEPALIVE, on ? 1 : 0);
    if (!on)
        return;
    setIntOption(fd, IPPROTO_TCP, TCP_KEEPIDLE, config.keepAliveIdle());
    setIntOption(fd, IPPROTO_TCP, TCP_KEEPINTVL, config.keepAliveInterval());
    setIntOption(fd, IPPROTO_TCP, TCP_KEEPCNT, config.keepAliveCount());
}

} // namespace

RpcSocketStreamTransport::RpcSocketStreamTransport(QObject *parent) : RpcTransport(parent)
{
    m_decoder.setByteOrder(m_config.byteOrder());
    m_decoder.setMaxBodySize(m_config.maxBodyReadSize());
}

RpcSocketStreamTransport::~RpcSocketStreamTransport()
{
    closeSocket();
}

void RpcSocketStreamTransport::setConfig(const RpcConfig &config)
{
    RpcTransport::setConfig(config);
    m_decoder.setByteOrder(config.byteOrder());
    m_decoder.setMaxBodySize(config.maxBodyReadSize());
}

bool RpcSocketStreamTransport::setSocketDescriptor(int fd, bool outgoing)
{
    int type = 0;
    socklen_t length = sizeof(type);
    if (fd < 0 || ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_STREAM)
        return false;
    sockaddr_storage addr = {};
    socklen_t addrLength = sizeof(addr);
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&addr), &addrLength) != 0)
        return false; // not connected
    const int family = addr.ss_family;
    if (family != AF_UNIX && family != AF_INET && family != AF_INET6)
        return false;
    closeSocket();
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
    m_fd = fd;
    m_unix = family == AF_UNIX;
    if (m_unix) {
        // The path the other end is bound to: the server's for a socket we
        // connected, none for one a server accepted (clients are unbound).
        const auto *un = reinterpret_cast<const sockaddr_un *>(&addr);
        const qsizetype nameLength
                = qsizetype(addrLength) - qsizetype(offsetof(sockaddr_un, sun_path));
        m_peerAddress = RpcAddress();
        if (nameLength > 0 && un->sun_path[0] != '\0') {
            m_peerAddress = RpcAddress::unixStream(QFile::decodeName(un->sun_path));
        } else if (nameLength > 1) {
            // An abstract name: "@name".
            const QByteArray name(un->sun_path + 1, nameLength - 1);
            m_peerAddress = RpcAddress::unixStream(QLatin1Char('@') + QFile::decodeName(name));
        }
    } else {
        const QHostAddress host(reinterpret_cast<const sockaddr *>(&addr));
        const quint16 port = ntohs(
                family == AF_INET ? reinterpret_cast<const sockaddr_in *>(&addr)->sin_port
                                  : reinterpret_cast<const sockaddr_in6 *>(&addr)->sin6_port);
        m_peerAddress = RpcAddress::tcp(host.toString(), port);
    }
    setState(Connected);
    setupSocket(outgoing);
    return true;
}

void RpcSocketStreamTransport::setupSocket(bool outgoing)
{
    if (!m_unix)
        applyTcpOptions(m_fd, m_config, outgoing);
    m_decoder.reset();
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this,
            &RpcSocketStreamTransport::onReadable);
    m_readNotifier->setEnabled(isReadingAllowed());
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    connect(m_writeNotifier, &QSocketNotifier::activated, this,
            &RpcSocketStreamTransport::onWritable);
    m_writeNotifier->setEnabled(false);
}

void RpcSocketStreamTransport::closeSocket()
{
    ++m_connectGeneration;
    stopTcpConnecting();
    delete m_readNotifier;
    m_readNotifier = nullptr;
    delete m_writeNotifier;
    m_writeNotifier = nullptr;
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_queue.clear();
    m_headWritten = 0;
    m_queuedBytes = 0;
    m_backlog.clear();
    m_backlogNext = 0;
    m_endOfInput = false;
    m_framingFailed = false;
    m_decoder.reset();
    stopCloseTimer();
}

void RpcSocketStreamTransport::connectToAddress(const RpcAddress &address)
{
    closeSocket();
    setState(Connecting);
    m_connectAddress = address;
    m_peerAddress = address;
    qCDebug(lcRpcTransport) << "connecting to" << address;
    if (address.transport() == RpcAddress::Tcp) {
        connectTcp(); // rpcsocketstreamtransport_connect_unix.cpp
        return;
    }
    if (address.transport() != RpcAddress::UnixStream) {
        // tls:// connections are made by RpcStreamTransport (QSslSocket).
        QMetaObject::invokeMethod(
                this,
                [this] {
                    BusyScope busy(this);
                    if (state() == Connecting)
                        fail(RpcError::UnsupportedTransport,
                             connectErrorText(m_connectAddress, RpcError::UnsupportedTransport));
                },
                Qt::QueuedConnection);
        return;
    }
    m_unix = true;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        const RpcError error = errorFromErrno(errno);
        QMetaObject::invokeMethod(
                this,
                [this, error] {
                    BusyScope busy(this);
                    if (state() == Connecting)
                        fail(error, connectErrorText(m_connectAddress, error));
                },
                Qt::QueuedConnection);
        return;
    }
    m_fd = fd;
    // The result is reported from the event loop, like every other outcome.
    QTimer::singleShot(0, this, [this] { tryConnectUnix(0); });
}

void RpcSocketStreamTransport::tryConnectUnix(int attempt)
{
    BusyScope busy(this);
    if (state() != Connecting || m_fd < 0)
        return;
    sockaddr_un addr;
    socklen_t length = 0;
    QString why;
    if (!fillUnixAddress(m_connectAddress.path(), &addr, &length, &why)) {
        fail(RpcError::HostNotFound,
             tr("cannot connect to %1: %2").arg(m_connectAddress.toString(), why));
        return;
    }
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&addr), length) == 0) {
        onConnectFinished();
        return;
    }
    const int e = errno;
    if ((e == EAGAIN || e == EINTR) && attempt < ConnectRetryLimit) {
        // The listener's backlog is full: try again shortly.
        QTimer::singleShot(ConnectRetryIntervalMsecs, this,
                           [this, attempt] { tryConnectUnix(attempt + 1); });
        return;
    }
    qCDebug(lcRpcTransport) << "connect failed:" << errnoString(e);
    const RpcError error = errorFromErrno(e);
    fail(error, connectErrorText(m_connectAddress, error));
}

void RpcSocketStreamTransport::onConnectFinished()
{
    const int fd = m_fd;
    m_fd = -1; // setSocketDescriptor() takes it again
    setState(Unconnected);
    if (!setSocketDescriptor(fd, true)) {
        ::close(fd);
        setState(Connecting);
        fail(RpcError::NetworkFailure,
             connectErrorText(m_connectAddress, RpcError::NetworkFailure));
        return;
    }
    if (!m_peerAddress.isValid())
        m_peerAddress = m_connectAddress;
    Q_EMIT connected();
}

void RpcSocketStreamTransport::fail(RpcError error, const QString &text)
{
    if (state() == Unconnected)
        return;
    qCDebug(lcRpcTransport) << "closing connection:" << error << text;
    BusyScope busy(this);
    Q_EMIT errorOccurred(error, text, true);
    finishClose();
}

void RpcSocketStreamTransport::finishClose()
{
    if (state() == Unconnected)
        return;
    BusyScope busy(this);
    closeSocket();
    setState(Unconnected);
    Q_EMIT disconnected();
}

void RpcSocketStreamTransport::readOrWriteFailed(int error, const char *what)
{
    qCDebug(lcRpcTransport) << what << "failed:" << errnoString(error);
    if (error == ECONNRESET || error == EPIPE) {
        // The other side is gone: closed, without an error of its own (as
        // QAbstractSocket reports it).
        finishClose();
        return;
    }
    const RpcError rpcError = errorFromErrno(error);
    fail(rpcError, errorText(rpcError));
}

void RpcSocketStreamTransport::disconnectFromPeer()
{
    BusyScope busy(this);
    if (state() == Unconnected || state() == Closing)
        return;
    if (state() == Connecting || m_queue.empty()) {
        finishClose();
        return;
    }
    // Flush the queue first; flushQueue() closes when it is empty, the
    // close timer if it does not empty in time.
    setState(Closing);
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    startCloseTimer();
    outputQueued();
}

void RpcSocketStreamTransport::abort()
{
    finishClose();
}

RpcError RpcSocketStreamTransport::send(const RpcMessage &message)
{
    if (state() != Connected || m_fd < 0)
        return RpcError::NotConnected;
    const RpcError check = checkOutgoing(message, false);
    if (check != RpcError::NoError)
        return check;
    Outgoing outgoing;
    outgoing.body = message.body();
    const qint64 size = outgoing.size();
    const RpcError room = checkWriteBuffer(size);
    if (room != RpcError::NoError)
        return room;
    // Everything sent in one pass of the event loop leaves with one
    // sendmsg(): at the end of the current batch of incoming messages when
    // sent from a message handler (a response, the next request), else from
    // the event-loop hook.
    RpcWire::encodeStreamPrefix(outgoing.prefix, message, m_config.byteOrder());
    m_queue.append(std::move(outgoing));
    m_queuedBytes += size;
    if (!m_writeNotifier->isEnabled())
        outputQueued();
    writeBufferChanged();
    return RpcError::NoError;
}

void RpcSocketStreamTransport::flushOutput()
{
    if (m_queue.isEmpty()) {
        if (state() == Closing)
            finishClose();
        return;
    }
    // While the write notifier is on, the socket is full: it calls back.
    if (m_writeNotifier && !m_writeNotifier->isEnabled())
        flushQueue();
}

void RpcSocketStreamTransport::flushQueue()
{
    BusyScope busy(this);
    bool sentAny = false;
    while (!m_queue.isEmpty() && m_fd >= 0) {
        iovec iovs[2 * MaxFramesPerWrite];
        int count = 0;
        size_t total = 0;
        qsizetype skip = m_headWritten;
        const qsizetype frames = qMin<qsizetype>(m_queue.size(), MaxFramesPerWrite);
        for (qsizetype i = 0; i < frames; ++i) {
            const Outgoing &outgoing = m_queue.at(i);
            if (skip < PrefixSize) {
                iovs[count].iov_base = const_cast<char *>(outgoing.prefix + skip);
                iovs[count].iov_len = size_t(PrefixSize - skip);
                total += iovs[count++].iov_len;
                skip = 0;
            } else {
                skip -= PrefixSize;
            }
            if (outgoing.body.size() > skip) {
                iovs[count].iov_base = const_cast<char *>(outgoing.body.constData() + skip);
                iovs[count].iov_len = size_t(outgoing.body.size() - skip);
                total += iovs[count++].iov_len;
            }
            skip = 0;
        }
        msghdr msg = {};
        msg.msg_iov = iovs;
        msg.msg_iovlen = size_t(count);
        const ssize_t sent = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            const int e = errno;
            if (e == EINTR)
                continue;
            if (e == EAGAIN || e == EWOULDBLOCK) {
                // The rest goes when the socket is writable again.
                m_writeNotifier->setEnabled(true);
                break;
            }
            if (sentAny)
                writeBufferChanged();
            readOrWriteFailed(e, "write");
            return;
        }
        sentAny = sentAny || sent > 0;
        m_queuedBytes -= sent;
        qsizetype left = m_headWritten + qsizetype(sent);
        qsizetype done = 0;
        while (done < m_queue.size() && left >= m_queue.at(done).size())
            left -= m_queue.at(done++).size();
        m_queue.remove(0, done);
        m_headWritten = left;
        if (size_t(sent) < total) {
            // The socket is full: the rest goes when it is writable again.
            m_writeNotifier->setEnabled(true);
            break;
        }
    }
    if (m_queue.isEmpty()) {
        m_headWritten = 0;
        if (m_queue.capacity() > 4 * MaxFramesPerWrite)
            m_queue = QList<Outgoing>(); // after a burst, give the room back
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
    }
    if (sentAny)
        writeBufferChanged();
    if (state() == Closing && m_queue.isEmpty())
        finishClose();
}

void RpcSocketStreamTransport::onWritable()
{
    BusyScope busy(this);
    m_writeNotifier->setEnabled(false);
    flushQueue();
}

void RpcSocketStreamTransport::onReadable()
{
    BusyScope busy(this);
    m_resumeQueued = false;
    if (state() != Connected)
        return;
    const bool outermost = beginIncoming();
    if (deliverBacklog())
        readStream();
    // What the handlers sent leaves together, then the peer may clean up.
    endIncoming(outermost);
}

void RpcSocketStreamTransport::readNested()
{
    // The read notifier fires in nested loops too; this takes what a
    // paused-then-resumed backlog or a missed wake-up left.
    if (state() == Connected && isReadingAllowed())
        onReadable();
}

bool RpcSocketStreamTransport::deliverBacklog()
{
    while (m_backlogNext < m_backlog.size()) {
        if (!isReadingAllowed() || state() != Connected)
            return false;
        const RpcMessage message = std::move(m_backlog[m_backlogNext++]);
        deliverMessage(message);
    }
    if (!m_backlog.isEmpty()) {
        m_backlogNext = 0;
        if (m_backlog.capacity() > 256)
            m_backlog = QList<RpcMessage>(); // after a burst, give the room back
        else
            m_backlog.clear();
    }
    if (state() != Connected)
        return false;
    if (m_framingFailed) {
        m_framingFailed = false;
        qCDebug(lcRpcProtocol) << m_decoder.errorString();
        fail(m_decoder.error(), m_decoder.errorString());
        return false;
    }
    if (m_endOfInput) {
        m_endOfInput = false;
        onPeerClosed();
        return false;
    }
    return true;
}

bool RpcSocketStreamTransport::parseReceived(const char *data, qsizetype size)
{
    qsizetype offset = 0;
    while (offset < size) {
        offset += m_decoder.feed(data + offset, size - offset);
        const RpcWire::RpcFrameDecoder::State decoded = m_decoder.state();
        if (decoded == RpcWire::RpcFrameDecoder::MessageReady) {
            m_backlog.append(m_decoder.takeMessage());
        } else if (decoded == RpcWire::RpcFrameDecoder::Failed) {
            m_framingFailed = true;
            return false;
        }
    }
    return true;
}

void RpcSocketStreamTransport::readStream()
{
    for (int reads = 0; reads < MaxReadsPerWakeup; ++reads) {
        if (!isReadingAllowed() || state() != Connected || m_fd < 0)
            return;
        // The rest of a large body goes straight into the message; anything
        // else into the thread's buffer, parsed at once (so a nested read
        // may reuse the buffer while the messages are delivered).
        const RpcWire::RpcFrameDecoder::Buffer body = m_decoder.isReceivingBody()
                ? m_decoder.writeBuffer()
                : RpcWire::RpcFrameDecoder::Buffer{nullptr, 0};
        const bool direct = body.size >= DirectReadMinSize;
        char *const target = direct ? body.data : threadReadBuffer();
        const qsizetype room = direct ? body.size : ReadBufferSize;
        ssize_t received;
        do {
            received = ::recv(m_fd, target, size_t(room), MSG_DONTWAIT);
        } while (received < 0 && errno == EINTR);
        if (received < 0) {
            const int e = errno;
            if (e != EAGAIN && e != EWOULDBLOCK)
                readOrWriteFailed(e, "read");
            return;
        }
        if (received == 0) {
            if (m_decoder.bufferedBytes() > 0) {
                qCDebug(lcRpcTransport) << "the connection ended inside a message, after"
                                        << m_decoder.bufferedBytes() << "bytes of it";
            }
            m_endOfInput = true;
            deliverBacklog();
            return;
        }
        if (direct) {
            if (m_decoder.commit(qsizetype(received)) == RpcWire::RpcFrameDecoder::MessageReady)
                m_backlog.append(m_decoder.takeMessage());
        } else {
            parseReceived(target, qsizetype(received));
        }
        if (!deliverBacklog())
            return;
        if (received < room)
            return; // drained: the notifier fires when more arrives
    }
    // More may be waiting: the notifier fires again.
}

void RpcSocketStreamTransport::onPeerClosed()
{
    qCDebug(lcRpcTransport) << "peer closed the connection";
    if (state() != Connected)
        return;
    if (m_queue.isEmpty()) {
        finishClose();
        return;
    }
    // The other side may only have shut down its sending half: what the
    // handlers sent in answer is written first (at the end of the batch, or
    // as the socket takes it), for at most closeTimeout().
    setState(Closing);
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    startCloseTimer();
    outputQueued();
}

void RpcSocketStreamTransport::readingAllowedChanged()
{
    if (!m_readNotifier || state() != Connected)
        return;
    m_readNotifier->setEnabled(isReadingAllowed());
    if (isReadingAllowed() && !m_resumeQueued) {
        // The backlog of an interrupted batch goes first.
        m_resumeQueued = true;
        QMetaObject::invokeMethod(this, &RpcSocketStreamTransport::onReadable,
                                  Qt::QueuedConnection);
    }
}

RpcPeerCredentials RpcSocketStreamTransport::peerCredentials() const
{
    return m_unix ? RpcPeerCredentials::fromSocketDescriptor(m_fd) : RpcPeerCredentials();
}

} // namespace Fizyr

#include "moc_rpcsocketstreamtransport_p.cpp"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcseqpackettransport_p.h"

#include "rpclogging_p.h"
#include "wire/rpcwire_p.h"

#include <QtCore/qfile.h>
#include <QtCore/qpointer.h>
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtimer.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Fizyr {

namespace {

// Reads until EAGAIN, but yields to the event loop after this many
// datagrams so one busy peer cannot starve the others.
constexpr int MaxDatagramsPerWakeup = 256;
// Datagrams taken by one recvmmsg() or sent by one sendmmsg(), at most; the
// receive batch also stays within ReadBatchBytes of buffer.
constexpr int MaxBatch = 32;
constexpr qsizetype ReadBatchBytes = 256 * 1024;
// Larger datagrams are sent at once, not batched, so that a datagram the
// socket can never take is reported by send() itself.
constexpr qsizetype MaxBatchedDatagram = 16 * 1024;
constexpr int ConnectRetryIntervalMsecs = 5;
constexpr int ConnectRetryLimit = 2000;

RpcError errorFromErrno(int error)
{
    switch (error) {
    case ENOENT:
    case ENOTDIR:
        return RpcError::HostNotFound;
    case ECONNREFUSED:
        return RpcError::ConnectionRefused;
    case EACCES:
    case EPERM:
        return RpcError::SocketAccess;
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
        return RpcError::SocketResource;
    case EADDRINUSE:
        return RpcError::AddressInUse;
    case EPIPE:
    case ECONNRESET:
        return RpcError::RemoteClosed;
    default:
        return RpcError::NetworkFailure;
    }
}

size_t rightsSpace(qsizetype fdCount)
{
    return fdCount > 0 ? CMSG_SPACE(sizeof(int) * size_t(fdCount)) : 0;
}

// Points msg at control (zeroed, rightsSpace(fds.size()) bytes) and writes
// fds into it as one SCM_RIGHTS message.
void attachRights(msghdr *msg, char *control, const QList<RpcFileDescriptor> &fds)
{
    const size_t payload = sizeof(int) * size_t(fds.size());
    msg->msg_control = control;
    msg->msg_controllen = CMSG_SPACE(payload);
    cmsghdr *cmsg = CMSG_FIRSTHDR(msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(payload);
    unsigned char *data = CMSG_DATA(cmsg);
    for (qsizetype i = 0; i < fds.size(); ++i) {
        const int fd = fds.at(i).fileDescriptor();
        std::memcpy(data + size_t(i) * sizeof(int), &fd, sizeof(int));
    }
}

QString errnoString(int error)
{
    return QString::fromLocal8Bit(strerror(error));
}

bool fillAddress(const QString &path, sockaddr_un *addr, QString *errorString)
{
    const QByteArray encoded = QFile::encodeName(path);
    *addr = {};
    addr->sun_family = AF_UNIX;
    if (size_t(encoded.size()) >= sizeof(addr->sun_path)) {
        *errorString = QStringLiteral("socket path too long: %1").arg(path);
        return false;
    }
    std::memcpy(addr->sun_path, encoded.constData(), size_t(encoded.size()));
    return true;
}

} // namespace

namespace RpcSeqpacket {

QList<RpcFileDescriptor> takeFileDescriptors(const void *control, qsizetype controlSize)
{
    QList<RpcFileDescriptor> fds;
    if (!control || controlSize <= 0)
        return fds;
    msghdr msg = {};
    msg.msg_control = const_cast<void *>(control);
    msg.msg_controllen = size_t(controlSize);
    for (cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
            continue;
        if (cmsg->cmsg_len < CMSG_LEN(0))
            continue;
        const size_t dataLength = cmsg->cmsg_len - CMSG_LEN(0);
        const size_t count = dataLength / sizeof(int);
        const unsigned char *data = CMSG_DATA(cmsg);
        for (size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, data + i * sizeof(int), sizeof(int));
            fds.append(RpcFileDescriptor::fromOwned(fd));
        }
    }
    return fds;
}

ParseResult parse(const ReceivedDatagram &datagram, RpcConfig::ByteOrder order, quint32 maxBody,
                  int maxFds)
{
    ParseResult result;
    if (datagram.controlTruncated) {
        result.error = RpcError::TruncatedControlData;
        result.errorString
                = QStringLiteral(
                          "dropped a message whose file descriptors did not fit (more than %1)")
                          .arg(maxFds);
        return result;
    }
    if (datagram.fileDescriptors.size() > maxFds) {
        result.error = RpcError::TooManyFileDescriptors;
        result.errorString
                = QStringLiteral("dropped a message with %1 file descriptors (maximum %2)")
                          .arg(datagram.fileDescriptors.size())
                          .arg(maxFds);
        return result;
    }
    if (datagram.truncated) {
        result.error = RpcError::MessageTooLarge;
        result.errorString = QStringLiteral("dropped a datagram of %1 bytes: the body exceeds the "
                                            "maximum of %2 bytes")
                                     .arg(datagram.size)
                                     .arg(maxBody);
        return result;
    }
    RpcWire::DatagramResult decoded
            = RpcWire::parseDatagram(datagram.data, datagram.size, order, maxBody);
    result.error = decoded.error;
    switch (decoded.error) {
    case RpcError::NoError:
        result.message = decoded.message;
        result.message.setFileDescriptors(datagram.fileDescriptors);
        break;
    case RpcError::FrameTooShort:
        result.errorString
                = QStringLiteral("dropped a datagram of %1 bytes, shorter than the message header")
                          .arg(datagram.size);
        break;
    case RpcError::InvalidMessageType:
        result.errorString = QStringLiteral("dropped a datagram with an invalid message type");
        break;
    case RpcError::MessageTooLarge:
        result.errorString = QStringLiteral("dropped a datagram of %1 bytes: the body exceeds the "
                                            "maximum of %2 bytes")
                                     .arg(datagram.size)
                                     .arg(maxBody);
        break;
    default:
        result.errorString = rpcErrorString(decoded.error);
        break;
    }
    return result;
}

} // namespace RpcSeqpacket

RpcSeqpacketTransport::RpcSeqpacketTransport(QObject *parent) : RpcTransport(parent) { }

RpcSeqpacketTransport::~RpcSeqpacketTransport()
{
    closeSocket();
}

bool RpcSeqpacketTransport::setSocketDescriptor(int fd)
{
    int type = 0;
    socklen_t length = sizeof(type);
    if (fd < 0 || ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0
        || type != SOCK_SEQPACKET)
        return false;
    closeSocket();
    const int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
    m_fd = fd;
    sockaddr_un addr = {};
    socklen_t addrLength = sizeof(addr);
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&addr), &addrLength) == 0
        && addrLength > offsetof(sockaddr_un, sun_path) && addr.sun_path[0] != '\0') {
        m_peerAddress = RpcAddress::unixSeqpacket(QFile::decodeName(addr.sun_path));
    }
    setState(Connected);
    setupNotifiers();
    return true;
}

void RpcSeqpacketTransport::setupNotifiers()
{
    m_readSlot = RpcWire::HeaderSize + qsizetype(m_config.maxBodyReadSize());
    m_readBatch = int(qBound(qsizetype(1), ReadBatchBytes / m_readSlot, qsizetype(MaxBatch)));
    m_readBuffer.resize(m_readSlot * m_readBatch);
    // Room for one more descriptor than allowed, so too many is detected
    // rather than silently cut (MSG_CTRUNC covers the rest).
    const int maxFds = qMax(0, m_config.maxFileDescriptorsRead());
    m_controlSlot = qsizetype(CMSG_SPACE(sizeof(int) * size_t(maxFds + 1)));
    m_controlBuffer.resize(m_controlSlot * m_readBatch);
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &RpcSeqpacketTransport::onReadable);
    m_readNotifier->setEnabled(!m_paused);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &RpcSeqpacketTransport::onWritable);
    m_writeNotifier->setEnabled(!m_queue.empty());
}

void RpcSeqpacketTransport::closeSocket()
{
    delete m_readNotifier;
    m_readNotifier = nullptr;
    delete m_writeNotifier;
    m_writeNotifier = nullptr;
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_queue.clear();
    m_queuedBytes = 0;
    m_backlog.clear();
}

void RpcSeqpacketTransport::connectToAddress(const RpcAddress &address)
{
    closeSocket();
    setState(Connecting);
    m_peerAddress = address;
    QString why;
    sockaddr_un addr;
    if (!fillAddress(address.path(), &addr, &why)) {
        QMetaObject::invokeMethod(
                this, [this, why] { fail(RpcError::InvalidAddress, why); }, Qt::QueuedConnection);
        return;
    }
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        const int e = errno;
        QMetaObject::invokeMethod(
                this, [this, e] { fail(errorFromErrno(e), errnoString(e)); }, Qt::QueuedConnection);
        return;
    }
    m_fd = fd;
    qCDebug(lcRpcTransport) << "connecting to" << address;
    // The result is reported from the event loop.
    QTimer::singleShot(0, this, [this] { tryConnect(0); });
}

void RpcSeqpacketTransport::tryConnect(int attempt)
{
    if (state() != Connecting || m_fd < 0)
        return;
    sockaddr_un addr;
    QString why;
    if (!fillAddress(m_peerAddress.path(), &addr, &why)) {
        fail(RpcError::InvalidAddress, why);
        return;
    }
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) == 0) {
        onConnectFinished();
        return;
    }
    const int e = errno;
    if ((e == EAGAIN || e == EINTR) && attempt < ConnectRetryLimit) {
        // The listener's backlog is full: try again shortly.
        QTimer::singleShot(ConnectRetryIntervalMsecs, this,
                           [this, attempt] { tryConnect(attempt + 1); });
        return;
    }
    fail(e == EAGAIN ? RpcError::SocketTimeout : errorFromErrno(e),
         QStringLiteral("cannot connect to %1: %2").arg(m_peerAddress.path(), errnoString(e)));
}

void RpcSeqpacketTransport::onConnectFinished()
{
    setState(Connected);
    setupNotifiers();
    Q_EMIT connected();
}

void RpcSeqpacketTransport::fail(RpcError error, const QString &text)
{
    if (state() == Unconnected)
        return;
    qCDebug(lcRpcTransport) << "closing connection:" << error << text;
    QPointer<RpcSeqpacketTransport> guard(this);
    Q_EMIT errorOccurred(error, text, true);
    if (guard)
        finishClose();
}

void RpcSeqpacketTransport::finishClose()
{
    if (state() == Unconnected)
        return;
    closeSocket();
    setState(Unconnected);
    Q_EMIT disconnected();
}

void RpcSeqpacketTransport::disconnectFromPeer()
{
    if (state() == Unconnected || state() == Closing)
        return;
    if (state() == Connecting || m_queue.empty()) {
        finishClose();
        return;
    }
    // Flush the queue first; flushQueue() closes when it is empty.
    setState(Closing);
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    flushQueue();
}

void RpcSeqpacketTransport::abort()
{
    finishClose();
}

bool RpcSeqpacketTransport::trySend(const Outgoing &outgoing, int *savedErrno)
{
    iovec iov;
    iov.iov_base = const_cast<char *>(outgoing.datagram.constData());
    iov.iov_len = size_t(outgoing.datagram.size());
    msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;

    QVarLengthArray<char, CMSG_SPACE(sizeof(int) * 16)> control(
            qsizetype(rightsSpace(outgoing.fds.size())));
    if (!outgoing.fds.isEmpty()) {
        std::memset(control.data(), 0, size_t(control.size()));
        attachRights(&msg, control.data(), outgoing.fds);
    }
    for (;;) {
        const ssize_t sent = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL);
        if (sent >= 0)
            return true;
        if (errno == EINTR)
            continue;
        *savedErrno = errno;
        return false;
    }
}

RpcError RpcSeqpacketTransport::send(const RpcMessage &message)
{
    if (state() != Connected || m_fd < 0)
        return RpcError::NotConnected;
    const RpcError check = checkOutgoing(message, true);
    if (check != RpcError::NoError)
        return check;
    for (const RpcFileDescriptor &fd : message.fileDescriptors()) {
        if (!fd.isValid())
            return RpcError::InvalidOperation;
    }
    const qint64 size = RpcWire::HeaderSize + message.body().size();
    const qint64 highWater = m_config.writeBufferHighWaterMark();
    if (!m_queue.empty() && highWater > 0 && m_queuedBytes + size > highWater)
        return RpcError::WriteBufferFull;

    Outgoing outgoing{RpcWire::encodeDatagram(message, m_config.byteOrder()),
                      message.fileDescriptors()};
    if (m_queue.empty() && size > MaxBatchedDatagram) {
        // Large datagrams go at once, so that one the socket can never take
        // fails this call rather than the connection.
        int e = 0;
        if (trySend(outgoing, &e))
            return RpcError::NoError;
        if (e == EMSGSIZE || e == ENOBUFS) {
            qCWarning(lcRpcTransport)
                    << "datagram of" << size << "bytes rejected:" << errnoString(e);
            return RpcError::PayloadTooLarge;
        }
        if (e != EAGAIN && e != EWOULDBLOCK) {
            QMetaObject::invokeMethod(
                    this,
                    [this, e] {
                        fail(errorFromErrno(e),
                             QStringLiteral("write failed: %1").arg(errnoString(e)));
                    },
                    Qt::QueuedConnection);
            return RpcError::NoError;
        }
        if (highWater > 0 && size > highWater)
            return RpcError::WriteBufferFull;
    }
    // Everything sent in one pass of the event loop leaves with one
    // sendmmsg(): at the end of the current batch of incoming messages when
    // sent from a message handler (a response, the next request), else from
    // one queued call.
    m_queuedBytes += size;
    m_queue.push_back(std::move(outgoing));
    if (m_readDepth == 0)
        scheduleFlush();
    return RpcError::NoError;
}

void RpcSeqpacketTransport::scheduleFlush()
{
    if (m_flushQueued || (m_writeNotifier && m_writeNotifier->isEnabled()))
        return;
    m_flushQueued = true;
    QMetaObject::invokeMethod(this, &RpcSeqpacketTransport::flushQueue, Qt::QueuedConnection);
}

void RpcSeqpacketTransport::flushQueue()
{
    m_flushQueued = false;
    while (!m_queue.empty() && m_fd >= 0) {
        const int count = int(qMin(m_queue.size(), size_t(MaxBatch)));
        mmsghdr messages[MaxBatch] = {};
        iovec iovs[MaxBatch];
        // Control data for the datagrams that carry descriptors, laid out
        // first, then pointed to: the buffer does not move once sized.
        qsizetype controlSize = 0;
        for (int i = 0; i < count; ++i)
            controlSize += qsizetype(rightsSpace(m_queue[size_t(i)].fds.size()));
        QVarLengthArray<char, 1024> control(controlSize);
        std::memset(control.data(), 0, size_t(controlSize));
        qsizetype controlOffset = 0;
        for (int i = 0; i < count; ++i) {
            const Outgoing &outgoing = m_queue[size_t(i)];
            iovs[i].iov_base = const_cast<char *>(outgoing.datagram.constData());
            iovs[i].iov_len = size_t(outgoing.datagram.size());
            msghdr &msg = messages[i].msg_hdr;
            msg.msg_iov = &iovs[i];
            msg.msg_iovlen = 1;
            if (outgoing.fds.isEmpty())
                continue;
            attachRights(&msg, control.data() + controlOffset, outgoing.fds);
            controlOffset += qsizetype(rightsSpace(outgoing.fds.size()));
        }
        const int sent = ::sendmmsg(m_fd, messages, unsigned(count), MSG_NOSIGNAL);
        if (sent < 0) {
            const int e = errno;
            if (e == EINTR)
                continue;
            if (e == EAGAIN || e == EWOULDBLOCK) {
                // The rest goes when the socket is writable again.
                if (m_writeNotifier)
                    m_writeNotifier->setEnabled(true);
                return;
            }
            fail(errorFromErrno(e), QStringLiteral("write failed: %1").arg(errnoString(e)));
            return;
        }
        for (int i = 0; i < sent; ++i) {
            m_queuedBytes -= m_queue.front().datagram.size();
            m_queue.pop_front();
        }
        // Fewer than asked: the next call sends more or reports why not.
    }
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    if (state() == Closing && m_queue.empty())
        finishClose();
}

void RpcSeqpacketTransport::onWritable()
{
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    flushQueue();
}

void RpcSeqpacketTransport::onReadable()
{
    QPointer<RpcSeqpacketTransport> guard(this);
    ++m_readDepth;
    if (deliverBacklog())
        readDatagrams();
    if (!guard)
        return;
    if (--m_readDepth > 0)
        return;
    // What the handlers sent leaves together, then the peer may clean up.
    if (!m_queue.empty())
        flushQueue();
    if (guard)
        Q_EMIT incomingBatchFinished();
}

bool RpcSeqpacketTransport::deliverBacklog()
{
    QPointer<RpcSeqpacketTransport> guard(this);
    while (!m_backlog.empty()) {
        if (!guard || m_paused || state() != Connected)
            return false;
        RpcSeqpacket::ParseResult result = std::move(m_backlog.front());
        m_backlog.pop_front();
        if (result.error != RpcError::NoError) {
            qCDebug(lcRpcProtocol) << result.errorString;
            Q_EMIT errorOccurred(result.error, result.errorString, false);
            continue;
        }
        Q_EMIT messageReceived(result.message);
    }
    return guard;
}

void RpcSeqpacketTransport::readDatagrams()
{
    QPointer<RpcSeqpacketTransport> guard(this);
    const int maxFds = qMax(0, m_config.maxFileDescriptorsRead());
    const int batch = m_readBatch;

    for (int total = 0; total < MaxDatagramsPerWakeup;) {
        if (!guard || m_paused || state() != Connected || m_fd < 0)
            return;
        mmsghdr messages[MaxBatch] = {};
        iovec iovs[MaxBatch];
        for (int i = 0; i < batch; ++i) {
            iovs[i].iov_base = m_readBuffer.data() + m_readSlot * i;
            iovs[i].iov_len = size_t(m_readSlot);
            msghdr &msg = messages[i].msg_hdr;
            msg.msg_iov = &iovs[i];
            msg.msg_iovlen = 1;
            msg.msg_control = m_controlBuffer.data() + m_controlSlot * i;
            msg.msg_controllen = size_t(m_controlSlot);
        }
        const int received = ::recvmmsg(m_fd, messages, unsigned(batch),
                                        MSG_CMSG_CLOEXEC | MSG_TRUNC, nullptr);
        if (received < 0) {
            const int e = errno;
            if (e == EINTR)
                continue;
            if (e == EAGAIN || e == EWOULDBLOCK)
                return;
            fail(errorFromErrno(e), QStringLiteral("read failed: %1").arg(errnoString(e)));
            return;
        }
        total += qMax(received, 1);
        // Own every descriptor of the batch before anything else can go
        // wrong, and parse it all into the backlog before delivering any of
        // it: the buffers are reused by the next read, and what a pause
        // leaves undelivered waits there.
        bool hungUp = false;
        for (int i = 0; i < received; ++i) {
            const msghdr &msg = messages[i].msg_hdr;
            const qsizetype length = qsizetype(messages[i].msg_len);
            RpcSeqpacket::ReceivedDatagram datagram;
            datagram.fileDescriptors = RpcSeqpacket::takeFileDescriptors(
                    msg.msg_controllen > 0 ? msg.msg_control : nullptr,
                    qsizetype(msg.msg_controllen));
            // After the other end closed, every read returns 0 at once, so
            // recvmmsg() fills the rest of the batch with empty entries.
            if (length == 0 && datagram.fileDescriptors.isEmpty() && peerHungUp()) {
                hungUp = true;
                break;
            }
            // Otherwise an empty datagram: dropped as too short below.
            datagram.data = m_readBuffer.constData() + m_readSlot * i;
            datagram.truncated = (msg.msg_flags & MSG_TRUNC) || length > m_readSlot;
            // With MSG_TRUNC, the real length (possibly more than the buffer holds).
            datagram.size = length;
            datagram.controlTruncated = msg.msg_flags & MSG_CTRUNC;
            m_backlog.push_back(RpcSeqpacket::parse(datagram, m_config.byteOrder(),
                                                    m_config.maxBodyReadSize(), maxFds));
        }
        if (!deliverBacklog())
            return;
        if (hungUp) {
            qCDebug(lcRpcTransport) << "peer closed the connection";
            finishClose();
            return;
        }
        if (received < batch)
            return; // drained: the next datagram wakes the notifier
    }
    // More may be waiting: the notifier fires again.
}

bool RpcSeqpacketTransport::peerHungUp() const
{
    // A read of zero bytes is either the end of the connection or an empty
    // datagram; only the former sets POLLRDHUP or POLLHUP.
    pollfd pfd{m_fd, POLLRDHUP, 0};
    return ::poll(&pfd, 1, 0) < 0 || (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

void RpcSeqpacketTransport::setReadingPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (m_readNotifier && state() == Connected) {
        m_readNotifier->setEnabled(!paused);
        if (!paused)
            QMetaObject::invokeMethod(this, &RpcSeqpacketTransport::onReadable,
                                      Qt::QueuedConnection);
    }
}

RpcPeerCredentials RpcSeqpacketTransport::peerCredentials() const
{
    return RpcPeerCredentials::fromSocketDescriptor(m_fd);
}

RpcSeqpacketListener::RpcSeqpacketListener(QObject *parent) : QObject(parent) { }

RpcSeqpacketListener::~RpcSeqpacketListener()
{
    close();
}

bool RpcSeqpacketListener::listen(const QString &path, RpcError *error, QString *errorString)
{
    sockaddr_un addr;
    if (!fillAddress(path, &addr, errorString)) {
        *error = RpcError::InvalidAddress;
        return false;
    }
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *error = errorFromErrno(errno);
        *errorString = errnoString(errno);
        return false;
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0
        || ::listen(fd, SOMAXCONN) != 0) {
        const int e = errno;
        ::close(fd);
        *error = errorFromErrno(e);
        *errorString = QStringLiteral("cannot listen on %1: %2").arg(path, errnoString(e));
        return false;
    }
    m_fd = fd;
    m_path = path;
    m_notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &RpcSeqpacketListener::onReadable);
    return true;
}

void RpcSeqpacketListener::close()
{
    if (m_fd < 0)
        return;
    delete m_notifier;
    m_notifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
    ::unlink(QFile::encodeName(m_path).constData());
    m_path.clear();
}

void RpcSeqpacketListener::onReadable()
{
    QPointer<RpcSeqpacketListener> guard(this);
    while (guard && m_fd >= 0) {
        const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            Q_EMIT newConnection(fd);
            continue;
        }
        const int e = errno;
        if (e == EINTR || e == ECONNABORTED)
            continue;
        if (e == EAGAIN || e == EWOULDBLOCK)
            return;
        // Out of descriptors and the like: pause accepting for a moment
        // instead of spinning on a readable listener.
        m_notifier->setEnabled(false);
        QTimer::singleShot(100, this, [this] {
            if (m_notifier)
                m_notifier->setEnabled(true);
        });
        Q_EMIT acceptError(errorFromErrno(e),
                           QStringLiteral("accept failed: %1").arg(errnoString(e)));
        return;
    }
}

} // namespace Fizyr

#include "moc_rpcseqpackettransport_p.cpp"

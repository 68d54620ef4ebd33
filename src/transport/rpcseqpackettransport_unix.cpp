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
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
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
// The receive area of a thread is at most this much address space; only the
// pages a datagram is written to take memory.
constexpr qint64 MaxReadAreaBytes
        = sizeof(void *) >= 8 ? qint64(256) * 1024 * 1024 : qint64(16) * 1024 * 1024;
// Pages past this offset in a slot are handed back to the system after a
// datagram that long, so that a burst of huge datagrams does not stay resident.
constexpr qsizetype ReadSlotKeptBytes = 1024 * 1024;
constexpr int ConnectRetryIntervalMsecs = 5;
constexpr int ConnectRetryLimit = 2000;

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

// "@name" is a name in the Linux abstract namespace. *length is the size of
// the address to pass to connect() or bind().
bool fillAddress(const QString &path, sockaddr_un *addr, QString *errorString,
                 socklen_t *length = nullptr)
{
    const bool abstract = path.startsWith(QLatin1Char('@'));
    const QByteArray encoded = QFile::encodeName(abstract ? path.mid(1) : path);
    const size_t offset = abstract ? 1 : 0;
    *addr = {};
    addr->sun_family = AF_UNIX;
    if (size_t(encoded.size()) + offset >= sizeof(addr->sun_path)) {
        *errorString = RpcTransport::tr("socket path too long: %1").arg(path);
        return false;
    }
    std::memcpy(addr->sun_path + offset, encoded.constData(), size_t(encoded.size()));
    if (length) {
        *length = socklen_t(offsetof(sockaddr_un, sun_path) + offset + size_t(encoded.size())
                            + (abstract ? 0 : 1));
    }
    return true;
}

// The receive buffers of all seqpacket transports of one thread: room for a
// batch of full-size datagrams (recvmmsg) and their control data. Shared,
// because a transport parses every datagram of a read into its backlog before
// it delivers any (so a read by another transport, in a nested event loop,
// may reuse it at once), and per thread, so that an idle connection holds no
// receive buffer and the batch does not shrink with the configured maximum
// body size: the area is address space reserved without backing, and only the
// pages that datagrams are written to take memory.
class ReadArea
{
public:
    ReadArea() = default;
    ~ReadArea() { release(); }
    Q_DISABLE_COPY_MOVE(ReadArea)

    // Not inlined: the caller keeps the pointer, where an inlined lookup let
    // the compiler look the thread-local variable up again (__tls_get_addr)
    // at every use in readDatagrams().
    Q_NEVER_INLINE static ReadArea *current()
    {
        static thread_local ReadArea area;
        return &area;
    }

    // Makes room for up to wanted slots of slot bytes (and controlSlot bytes
    // of control data each); returns how many fit (at least 1), or 0 if the
    // memory could not be had.
    int reserve(qsizetype slot, qsizetype controlSlot, int wanted)
    {
        int batch = int(qBound(qint64(1), MaxReadAreaBytes / qint64(slot), qint64(wanted)));
        if (size_t(slot) * size_t(batch) > m_size) {
            release();
            for (;;) {
                const size_t bytes = size_t(slot) * size_t(batch);
                void *area = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
                if (area != MAP_FAILED) {
                    m_data = static_cast<char *>(area);
                    m_size = bytes;
                    break;
                }
                if (batch == 1)
                    return 0;
                batch = 1; // address space is short (ulimit -v): one at a time
            }
        }
        batch = int(qMin<qint64>(batch, qint64(m_size / size_t(slot))));
        const qsizetype controlBytes = controlSlot * batch;
        if (m_control.size() < controlBytes)
            m_control.resize(controlBytes);
        return batch;
    }

    char *data() const { return m_data; }

    // The headers of a recvmmsg() of batch datagrams into the slots of slot
    // bytes (and controlSlot bytes of control data each), after reserve().
    // Kept from one read to the next: only what the kernel wrote back into
    // the entries of the last read (markUsed()) is reset, so a read of one
    // datagram does not pay for setting up the whole batch again. Valid until
    // the next call by any transport of the thread.
    mmsghdr *headers(qsizetype slot, qsizetype controlSlot, int batch)
    {
        char *const control = m_control.data();
        if (slot != m_headerSlot || controlSlot != m_headerControlSlot || batch != m_headerBatch
            || m_data != m_headerData || control != m_headerControl) {
            std::memset(m_headers, 0, sizeof(m_headers));
            for (int i = 0; i < batch; ++i) {
                m_iovs[i].iov_base = m_data + slot * i;
                m_iovs[i].iov_len = size_t(slot);
                msghdr &msg = m_headers[i].msg_hdr;
                msg.msg_iov = &m_iovs[i];
                msg.msg_iovlen = 1;
                msg.msg_control = control + controlSlot * i;
                msg.msg_controllen = size_t(controlSlot);
            }
            m_headerSlot = slot;
            m_headerControlSlot = controlSlot;
            m_headerBatch = batch;
            m_headerData = m_data;
            m_headerControl = control;
            m_headersUsed = 0;
            return m_headers;
        }
        for (int i = 0; i < m_headersUsed; ++i) {
            msghdr &msg = m_headers[i].msg_hdr;
            msg.msg_controllen = size_t(controlSlot);
            msg.msg_flags = 0;
            m_headers[i].msg_len = 0;
        }
        m_headersUsed = 0;
        return m_headers;
    }
    // The kernel wrote back into the first count entries of headers().
    void markUsed(int count) { m_headersUsed = qBound(0, count, m_headerBatch); }

    // A datagram of length bytes was read into the slot at offset: gives back
    // the pages it used past ReadSlotKeptBytes.
    void trim(qsizetype offset, qsizetype length)
    {
        if (length <= ReadSlotKeptBytes)
            return;
        static const qsizetype page = qsizetype(::sysconf(_SC_PAGESIZE));
        const qsizetype begin = (offset + ReadSlotKeptBytes + page - 1) / page * page;
        const qsizetype end = (offset + length) / page * page;
        if (end > begin)
            ::madvise(m_data + begin, size_t(end - begin), MADV_DONTNEED);
    }

private:
    void release()
    {
        if (m_data)
            ::munmap(m_data, m_size);
        m_data = nullptr;
        m_size = 0;
    }

    char *m_data = nullptr;
    size_t m_size = 0;
    QByteArray m_control;
    mmsghdr m_headers[MaxBatch];
    iovec m_iovs[MaxBatch];
    qsizetype m_headerSlot = 0;
    qsizetype m_headerControlSlot = 0;
    int m_headerBatch = 0;
    int m_headersUsed = 0;
    char *m_headerData = nullptr;
    char *m_headerControl = nullptr;
};

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
        result.errorString = RpcTransport::tr("received a message whose file descriptors did not "
                                              "fit (more than %1)")
                                     .arg(maxFds);
        return result;
    }
    if (datagram.fileDescriptors.size() > maxFds) {
        result.error = RpcError::TooManyFileDescriptors;
        result.errorString = RpcTransport::tr("received a message with %1 file descriptors, over "
                                              "the maximum of %2")
                                     .arg(datagram.fileDescriptors.size())
                                     .arg(maxFds);
        return result;
    }
    if (datagram.truncated) {
        result.error = RpcError::MessageTooLarge;
        result.errorString = RpcWire::tooLargeText(
                quint64(qMax<qsizetype>(datagram.size - RpcWire::HeaderSize, 0)), maxBody);
        return result;
    }
    RpcWire::DatagramResult decoded
            = RpcWire::parseDatagram(datagram.data, datagram.size, order, maxBody);
    result.error = decoded.error;
    result.errorString = std::move(decoded.errorString);
    if (decoded.error == RpcError::NoError) {
        // Moved, so that setting the descriptors does not copy the message.
        result.message = std::move(decoded.message);
        if (!datagram.fileDescriptors.isEmpty())
            result.message.setFileDescriptors(datagram.fileDescriptors);
    }
    return result;
}

} // namespace RpcSeqpacket

RpcSeqpacketTransport::RpcSeqpacketTransport(QObject *parent) : RpcTransport(parent) { }

RpcSeqpacketTransport::~RpcSeqpacketTransport()
{
    closeSocket();
}

qint64 RpcSeqpacketTransport::systemMaxDatagramSize()
{
    // The kernel refuses a unix datagram over the sender's sk_sndbuf - 32;
    // without privileges (SO_SNDBUFFORCE) that is at most twice wmem_max.
    static const qint64 maximum = [] {
        qint64 wmemMax = 0;
        QFile file(QStringLiteral("/proc/sys/net/core/wmem_max"));
        if (file.open(QIODevice::ReadOnly))
            wmemMax = file.readAll().trimmed().toLongLong();
        if (wmemMax <= 0)
            wmemMax = 4 * 1024 * 1024;
        return 2 * wmemMax - 32;
    }();
    return maximum;
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
    // Every size here comes from the configuration: computed in 64 bits and
    // clamped to what the kernel can carry, whatever the values.
    int sndbuf = 0;
    socklen_t length = sizeof(sndbuf);
    if (::getsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &length) != 0 || sndbuf <= 32)
        sndbuf = 212992;
    m_maxDatagram = qint64(sndbuf) - 32;

    const qint64 maxBody = qMin<qint64>(qint64(m_config.maxBodyReadSize()),
                                        systemMaxDatagramSize() - RpcWire::HeaderSize);
    m_readMaxBody = quint32(qMax<qint64>(maxBody, 0));
    m_readSlot = qsizetype(RpcWire::HeaderSize + qint64(m_readMaxBody));
    // Room for one more descriptor than allowed, so too many is detected
    // rather than silently cut (MSG_CTRUNC covers the rest). The kernel
    // never passes more than SCM_MAX_FD in one message.
    m_readMaxFds = qBound(0, m_config.maxFileDescriptorsRead(), MaxFileDescriptorsPerMessage);
    m_controlSlot = qsizetype(CMSG_SPACE(sizeof(int) * size_t(m_readMaxFds + 1)));
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &RpcSeqpacketTransport::onReadable);
    m_readNotifier->setEnabled(isReadingAllowed());
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &RpcSeqpacketTransport::onWritable);
    m_writeNotifier->setEnabled(false);
    if (!m_queue.empty())
        outputQueued();
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
    m_queuedCost = 0;
    m_backlog.clear();
    stopCloseTimer();
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
                this,
                [this, why] {
                    BusyScope busy(this);
                    fail(RpcError::InvalidAddress, why);
                },
                Qt::QueuedConnection);
        return;
    }
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        const RpcError error = errorFromErrno(errno);
        QMetaObject::invokeMethod(
                this,
                [this, error] {
                    BusyScope busy(this);
                    fail(error, connectErrorText(m_peerAddress, error));
                },
                Qt::QueuedConnection);
        return;
    }
    m_fd = fd;
    qCDebug(lcRpcTransport) << "connecting to" << address;
    // The result is reported from the event loop.
    QTimer::singleShot(0, this, [this] { tryConnect(0); });
}

void RpcSeqpacketTransport::tryConnect(int attempt)
{
    BusyScope busy(this);
    if (state() != Connecting || m_fd < 0)
        return;
    sockaddr_un addr;
    QString why;
    socklen_t addrLength = 0;
    if (!fillAddress(m_peerAddress.path(), &addr, &why, &addrLength)) {
        fail(RpcError::InvalidAddress, why);
        return;
    }
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&addr), addrLength) == 0) {
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
    qCDebug(lcRpcTransport) << "connect failed:" << errnoString(e);
    const RpcError error = errorFromErrno(e);
    fail(error, connectErrorText(m_peerAddress, error));
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
    BusyScope busy(this);
    Q_EMIT errorOccurred(error, text, true);
    finishClose();
}

void RpcSeqpacketTransport::finishClose()
{
    if (state() == Unconnected)
        return;
    BusyScope busy(this);
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
    // Flush the queue first; flushQueue() closes when it is empty, the
    // close timer if it does not empty in time.
    setState(Closing);
    if (m_readNotifier)
        m_readNotifier->setEnabled(false);
    startCloseTimer();
    outputQueued();
}

void RpcSeqpacketTransport::abort()
{
    finishClose();
}

RpcError RpcSeqpacketTransport::send(const RpcMessage &message)
{
    if (state() != Connected || m_fd < 0)
        return RpcError::NotConnected;
    const RpcError check = checkOutgoing(message, true);
    if (check != RpcError::NoError)
        return check;
    const QList<RpcFileDescriptor> fds = message.fileDescriptors();
    for (const RpcFileDescriptor &fd : fds) {
        if (!fd.isValid())
            return RpcError::InvalidOperation;
    }
    const qint64 size = RpcWire::HeaderSize + message.body().size();
    // One the socket can never take fails this send, not the connection,
    // whatever the queue holds.
    if (size > m_maxDatagram)
        return RpcError::PayloadTooLarge;
    const qint64 cost
            = size + QueuedMessageOverhead + QueuedFileDescriptorOverhead * qint64(fds.size());
    const RpcError room = checkWriteBuffer(cost);
    if (room != RpcError::NoError)
        return room;

    // Everything sent in one pass of the event loop leaves with one
    // sendmmsg(): at the end of the current batch of incoming messages when
    // sent from a message handler (a response, the next request), else from
    // the event-loop hook.
    m_queuedBytes += size;
    m_queuedCost += cost;
    Outgoing outgoing;
    RpcWire::encodeHeader(
            outgoing.header,
            RpcWire::Header{quint32(message.type()), message.requestId(), message.serviceId()},
            m_config.byteOrder());
    outgoing.body = message.body();
    outgoing.fds = fds;
    outgoing.cost = cost;
    m_queue.push_back(std::move(outgoing));
    if (!m_writeNotifier || !m_writeNotifier->isEnabled())
        outputQueued();
    writeBufferChanged();
    return RpcError::NoError;
}

void RpcSeqpacketTransport::flushOutput()
{
    if (m_queue.empty()) {
        if (state() == Closing)
            finishClose();
        return;
    }
    // While the write notifier is on, the socket is full: it calls back.
    if (!m_writeNotifier || !m_writeNotifier->isEnabled())
        flushQueue();
}

void RpcSeqpacketTransport::popFront()
{
    m_queuedBytes -= m_queue.front().size();
    m_queuedCost -= m_queue.front().cost;
    m_queue.pop_front();
}

void RpcSeqpacketTransport::flushQueue()
{
    BusyScope busy(this);
    bool sentAny = false;
    while (!m_queue.empty() && m_fd >= 0) {
        const int count = int(qMin(m_queue.size(), size_t(MaxBatch)));
        // Only the entries of this call are cleared: a round trip sends one.
        mmsghdr messages[MaxBatch];
        std::memset(messages, 0, sizeof(mmsghdr) * size_t(count));
        iovec iovs[2 * MaxBatch];
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
            iovec *iov = &iovs[2 * i];
            iov[0].iov_base = const_cast<char *>(outgoing.header);
            iov[0].iov_len = size_t(RpcWire::HeaderSize);
            iov[1].iov_base = const_cast<char *>(outgoing.body.constData());
            iov[1].iov_len = size_t(outgoing.body.size());
            msghdr &msg = messages[i].msg_hdr;
            msg.msg_iov = iov;
            msg.msg_iovlen = outgoing.body.isEmpty() ? 1 : 2;
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
                break;
            }
            if (e == EMSGSIZE) {
                // The socket's limit shrank since send() checked it: only
                // this datagram is lost, the connection goes on.
                const qint64 size = m_queue.front().size();
                popFront();
                sentAny = true;
                qCWarning(lcRpcTransport) << "datagram of" << size << "bytes rejected";
                Q_EMIT errorOccurred(
                        RpcError::PayloadTooLarge,
                        tr("a message of %1 bytes was too large for the socket").arg(size), false);
                continue;
            }
            qCDebug(lcRpcTransport) << "write failed:" << errnoString(e);
            const RpcError error = errorFromErrno(e);
            fail(error, errorText(error));
            return;
        }
        for (int i = 0; i < sent; ++i)
            popFront();
        sentAny = sentAny || sent > 0;
        // Fewer than asked: the next call sends more or reports why not.
    }
    if (m_queue.empty() && m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    if (sentAny)
        writeBufferChanged();
    if (state() == Closing && m_queue.empty())
        finishClose();
}

void RpcSeqpacketTransport::onWritable()
{
    BusyScope busy(this);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    flushQueue();
}

void RpcSeqpacketTransport::onReadable()
{
    BusyScope busy(this);
    m_resumeQueued = false;
    if (state() != Connected)
        return;
    const bool outermost = beginIncoming();
    if (deliverBacklog())
        readDatagrams();
    // What the handlers sent leaves together, then the peer may clean up.
    endIncoming(outermost);
}

void RpcSeqpacketTransport::readNested()
{
    // The read notifier fires in nested loops too; this takes what a
    // paused-then-resumed backlog or a missed wake-up left.
    if (state() == Connected && isReadingAllowed())
        onReadable();
}

bool RpcSeqpacketTransport::deliverBacklog()
{
    while (!m_backlog.empty()) {
        if (!isReadingAllowed() || state() != Connected)
            return false;
        RpcSeqpacket::ParseResult result = std::move(m_backlog.front());
        m_backlog.pop_front();
        if (result.error != RpcError::NoError) {
            qCDebug(lcRpcProtocol) << result.errorString;
            Q_EMIT errorOccurred(result.error, result.errorString, false);
            continue;
        }
        deliverMessage(result.message);
    }
    return true;
}

void RpcSeqpacketTransport::readDatagrams()
{
    for (int total = 0; total < MaxDatagramsPerWakeup;) {
        if (!isReadingAllowed() || state() != Connected || m_fd < 0)
            return;
        // Reserved anew for every read: a nested event loop of the previous
        // batch's handlers may have grown it for another transport.
        ReadArea &area = *ReadArea::current();
        const int batch = area.reserve(m_readSlot, m_controlSlot, MaxBatch);
        if (batch <= 0) {
            fail(RpcError::SocketResource, errorText(RpcError::SocketResource));
            return;
        }
        char *const readBuffer = area.data();
        mmsghdr *const messages = area.headers(m_readSlot, m_controlSlot, batch);
        const int received = ::recvmmsg(m_fd, messages, unsigned(batch),
                                        MSG_CMSG_CLOEXEC | MSG_TRUNC, nullptr);
        area.markUsed(received < 0 ? batch : received);
        if (received < 0) {
            const int e = errno;
            if (e == EINTR)
                continue;
            if (e == EAGAIN || e == EWOULDBLOCK)
                return;
            qCDebug(lcRpcTransport) << "read failed:" << errnoString(e);
            const RpcError error = errorFromErrno(e);
            fail(error, errorText(error));
            return;
        }
        total += qMax(received, 1);
        // Own every descriptor of the batch before anything else can go
        // wrong, and parse it all into the backlog before delivering any of
        // it: the buffers are reused by the next read, and what a pause
        // leaves undelivered waits there.
        QVarLengthArray<QList<RpcFileDescriptor>, MaxBatch> fds(received);
        for (int i = 0; i < received; ++i) {
            const msghdr &msg = messages[i].msg_hdr;
            fds[i] = RpcSeqpacket::takeFileDescriptors(msg.msg_controllen > 0 ? msg.msg_control
                                                                              : nullptr,
                                                       qsizetype(msg.msg_controllen));
        }
        // After the other end closed, every read returns 0 at once, so
        // recvmmsg() fills the rest of the batch with empty entries: a
        // trailing run of them is the end of the connection if the peer hung
        // up. An empty entry followed by data is an empty datagram (dropped
        // as too short below), and what follows it is delivered.
        int datagrams = received;
        while (datagrams > 0 && messages[datagrams - 1].msg_len == 0
               && fds[datagrams - 1].isEmpty())
            --datagrams;
        const bool hungUp = datagrams < received && peerHungUp();
        if (!hungUp)
            datagrams = received;
        for (int i = 0; i < datagrams; ++i) {
            const msghdr &msg = messages[i].msg_hdr;
            const qsizetype length = qsizetype(messages[i].msg_len);
            RpcSeqpacket::ReceivedDatagram datagram;
            datagram.fileDescriptors = std::move(fds[i]);
            datagram.data = readBuffer + m_readSlot * i;
            datagram.truncated = (msg.msg_flags & MSG_TRUNC) || length > m_readSlot;
            // With MSG_TRUNC, the real length (possibly more than the buffer holds).
            datagram.size = length;
            datagram.controlTruncated = msg.msg_flags & MSG_CTRUNC;
            m_backlog.push_back(RpcSeqpacket::parse(datagram, m_config.byteOrder(), m_readMaxBody,
                                                    m_readMaxFds));
            area.trim(m_readSlot * i, qMin(length, m_readSlot));
        }
        if (!deliverBacklog())
            return;
        if (hungUp) {
            onPeerClosed();
            return;
        }
        if (received < batch)
            return; // drained: the next datagram wakes the notifier
    }
    // More may be waiting: the notifier fires again.
}

void RpcSeqpacketTransport::onPeerClosed()
{
    qCDebug(lcRpcTransport) << "peer closed the connection";
    if (state() != Connected)
        return;
    if (m_queue.empty()) {
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

bool RpcSeqpacketTransport::peerHungUp() const
{
    // A read of zero bytes is either the end of the connection or an empty
    // datagram; only the former sets POLLRDHUP or POLLHUP.
    pollfd pfd{m_fd, POLLRDHUP, 0};
    return ::poll(&pfd, 1, 0) < 0 || (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

void RpcSeqpacketTransport::readingAllowedChanged()
{
    if (!m_readNotifier || state() != Connected)
        return;
    m_readNotifier->setEnabled(isReadingAllowed());
    if (isReadingAllowed() && !m_resumeQueued) {
        // The backlog of an interrupted batch goes first.
        m_resumeQueued = true;
        QMetaObject::invokeMethod(this, &RpcSeqpacketTransport::onReadable, Qt::QueuedConnection);
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
        *error = RpcTransport::errorFromErrno(errno);
        *errorString = RpcTransport::tr("cannot listen on %1: %2")
                               .arg(path, RpcTransport::errorText(*error));
        return false;
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0
        || ::listen(fd, SOMAXCONN) != 0) {
        const int e = errno;
        ::close(fd);
        *error = RpcTransport::errorFromErrno(e);
        *errorString = RpcTransport::tr("cannot listen on %1: %2")
                               .arg(path, RpcTransport::errorText(*error));
        return false;
    }
    m_fd = fd;
    m_path = path;
    m_notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &RpcSeqpacketListener::onReadable);
    return true;
}

void RpcSeqpacketListener::listenOnDescriptor(int fd, const QString &socketFile)
{
    m_fd = fd;
    m_path = socketFile;
    m_notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &RpcSeqpacketListener::onReadable);
}

void RpcSeqpacketListener::close()
{
    if (m_fd < 0)
        return;
    delete m_notifier;
    m_notifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
    if (!m_path.isEmpty())
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
        const RpcError error = RpcTransport::errorFromErrno(e);
        Q_EMIT acceptError(error,
                           RpcTransport::tr("cannot accept a connection: %1")
                                   .arg(RpcTransport::errorText(error)));
        return;
    }
}

} // namespace Fizyr

#include "moc_rpcseqpackettransport_p.cpp"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpctransport_p.h"

#include "rpclogging_p.h"
#include "rpcstreamtransport_p.h"
#include "wire/rpcwire_p.h"
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
#    include "rpcseqpackettransport_p.h"
#    include "rpcsocketstreamtransport_p.h"
#endif

#include <QtCore/qabstracteventdispatcher.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qlist.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>

#include <cerrno>
#include <limits>

namespace Fizyr {

// One per thread that runs transports, created on first use and deleted
// with the thread's event dispatcher. It is called at every pass of the
// thread's event loop, nested ones included (QAbstractEventDispatcher::awake()
// and aboutToBlock(): one of them comes at the start of every pass, whichever
// dispatcher runs), and then
// - flushes the transports that queued output outside an incoming batch:
//   one flush per transport and pass, whatever was sent in the pass;
// - for the transports inside an incoming batch (a handler is running an
//   event loop of its own), flushes what the handlers sent and reads what
//   arrived meanwhile, so traffic keeps flowing in both directions.
class RpcEventLoopHook : public QObject
{
public:
    explicit RpcEventLoopHook(QAbstractEventDispatcher *dispatcher) : QObject(dispatcher)
    {
        connect(dispatcher, &QAbstractEventDispatcher::awake, this, [this] { onPass(); });
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, [this] { onPass(); });
    }

    ~RpcEventLoopHook() override
    {
        for (RpcTransport *transport : std::as_const(m_flush)) {
            if (transport)
                transport->m_flushRegistered = false;
        }
        while (m_batchTop)
            popBatch(m_batchTop);
    }

    // The hook of the current thread, or null if it has no event dispatcher.
    static RpcEventLoopHook *current()
    {
        static thread_local QPointer<RpcEventLoopHook> hook;
        if (Q_LIKELY(hook))
            return hook;
        QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
        if (!dispatcher)
            return nullptr;
        hook = new RpcEventLoopHook(dispatcher);
        return hook;
    }

    void addFlush(RpcTransport *transport) { m_flush.append(transport); }

    quint64 pass() const { return m_pass; }
    bool isBatchOpen() const { return m_batchTop != nullptr; }

    void pushBatch(RpcTransport *transport)
    {
        transport->m_nextInBatch = m_batchTop;
        transport->m_inBatchStack = true;
        m_batchTop = transport;
    }

    void popBatch(RpcTransport *transport)
    {
        RpcTransport **link = &m_batchTop;
        while (*link && *link != transport)
            link = &(*link)->m_nextInBatch;
        if (*link)
            *link = transport->m_nextInBatch;
        transport->m_nextInBatch = nullptr;
        transport->m_inBatchStack = false;
    }

    void remove(RpcTransport *transport)
    {
        for (RpcTransport *&entry : m_flush) {
            if (entry == transport)
                entry = nullptr;
        }
        if (transport->m_inBatchStack)
            popBatch(transport);
    }

private:
    void onPass()
    {
        ++m_pass;
        ++m_depth;
        // Entries added while this runs (by a flush that ends up in a nested
        // loop) are taken by the same loop.
        for (qsizetype i = 0; i < m_flush.size(); ++i) {
            RpcTransport *transport = m_flush.at(i);
            m_flush[i] = nullptr;
            if (!transport || !transport->m_flushRegistered)
                continue;
            transport->m_flushRegistered = false;
            RpcTransport::BusyScope busy(transport);
            transport->flushOutput();
        }
        if (--m_depth == 0)
            m_flush.clear();
        // Any pass of an event loop while a batch is open is a nested loop
        // started by one of its handlers. Deeper batches end before older
        // ones (they are all on this thread's stack), so the list holds.
        for (RpcTransport *transport = m_batchTop; transport;) {
            RpcTransport *older = transport->m_nextInBatch;
            RpcTransport::BusyScope busy(transport);
            if (transport->m_flushAtBatchEnd) {
                transport->m_flushAtBatchEnd = false;
                transport->flushOutput();
            }
            transport->readNested();
            transport = older;
        }
    }

    QList<RpcTransport *> m_flush;
    RpcTransport *m_batchTop = nullptr;
    int m_depth = 0;
    // Counts the passes (see RpcTransport::currentEventLoopPass()).
    quint64 m_pass = 1;
};

RpcTransport::RpcTransport(QObject *parent) : QObject(parent) { }

RpcTransport::~RpcTransport()
{
    if (m_hook)
        m_hook->remove(this);
}

bool RpcTransport::event(QEvent *event)
{
    if (event->type() == QEvent::ThreadChange && m_hook) {
        // The hook belongs to the old thread: leave it. A pending flush goes
        // as a queued call, which moves with this object.
        m_hook->remove(this);
        m_hook = nullptr;
        if (m_flushRegistered)
            QMetaObject::invokeMethod(this, &RpcTransport::runQueuedFlush, Qt::QueuedConnection);
    }
    return QObject::event(event);
}

RpcTransport *RpcTransport::create(const RpcAddress &address, QObject *parent, RpcError *error)
{
    *error = RpcError::NoError;
    switch (address.transport()) {
    case RpcAddress::UnixStream:
    case RpcAddress::Tcp:
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
        // Built with the seqpacket transport (Linux): the descriptor is
        // driven directly, without QLocalSocket or QTcpSocket; for tcp://
        // it resolves the name and tries every address itself, as
        // QTcpSocket does (see RpcSocketStreamTransport). A connection that
        // Qt's proxy settings send through a proxy goes through QTcpSocket,
        // which speaks to the proxy.
        if (address.transport() == RpcAddress::Tcp
            && RpcSocketStreamTransport::proxyApplies(address))
            return new RpcStreamTransport(parent);
        return new RpcSocketStreamTransport(parent);
#else
        return new RpcStreamTransport(parent);
#endif
    case RpcAddress::Tls:
        return new RpcStreamTransport(parent);
    case RpcAddress::UnixSeqpacket:
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
        return new RpcSeqpacketTransport(parent);
#else
        *error = RpcError::UnsupportedTransport;
        return nullptr;
#endif
    case RpcAddress::Invalid:
        break;
    }
    *error = RpcError::InvalidAddress;
    return nullptr;
}

RpcTransport *RpcTransport::createForDevice(QIODevice *device, bool owned, const RpcConfig &config,
                                            QObject *parent)
{
    auto *transport = new RpcStreamTransport(parent);
    transport->setConfig(config);
    transport->setDevice(device, owned);
    return transport;
}

#ifdef FIZYRRPCQT_HAVE_SEQPACKET
namespace {
// A Transport that takes fd (and then owns it), or nullptr (fd left open).
template<typename Transport>
RpcTransport *adoptDescriptor(int fd, const RpcConfig &config, QObject *parent)
{
    auto *transport = new Transport(parent);
    transport->setConfig(config);
    if (transport->setSocketDescriptor(fd))
        return transport;
    delete transport;
    return nullptr;
}
} // namespace
#endif

RpcTransport *RpcTransport::createForSeqpacketDescriptor(int fd, const RpcConfig &config,
                                                         QObject *parent, RpcError *error,
                                                         QString *errorString)
{
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
    if (RpcTransport *transport = adoptDescriptor<RpcSeqpacketTransport>(fd, config, parent)) {
        *error = RpcError::NoError;
        return transport;
    }
    *error = RpcError::InvalidOperation;
    *errorString = tr("descriptor %1 is not a connected seqpacket socket").arg(fd);
#else
    Q_UNUSED(fd);
    Q_UNUSED(config);
    Q_UNUSED(parent);
    *error = RpcError::UnsupportedTransport;
    *errorString = tr("the seqpacket transport is not available in this build");
#endif
    return nullptr;
}

RpcTransport *RpcTransport::createForStreamDescriptor(int fd, const RpcConfig &config,
                                                      QObject *parent, RpcError *error,
                                                      QString *errorString)
{
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
    if (RpcTransport *transport = adoptDescriptor<RpcSocketStreamTransport>(fd, config, parent)) {
        *error = RpcError::NoError;
        return transport;
    }
    *error = RpcError::InvalidOperation;
    *errorString = tr("descriptor %1 is not a connected stream socket").arg(fd);
#else
    Q_UNUSED(fd);
    Q_UNUSED(config);
    Q_UNUSED(parent);
    *error = RpcError::UnsupportedTransport;
    *errorString = tr("stream sockets without a QIODevice are not available in this build");
#endif
    return nullptr;
}

void RpcTransport::dispose(RpcTransport *transport)
{
    if (!transport)
        return;
    transport->disconnect();
    transport->m_receiver = nullptr;
    transport->abort();
    if (transport->isBusy()) {
        transport->setParent(nullptr);
        transport->deleteLater();
    } else {
        delete transport;
    }
}

quint64 RpcTransport::currentEventLoopPass(bool *batchOpen)
{
    RpcEventLoopHook *hook = RpcEventLoopHook::current();
    if (batchOpen)
        *batchOpen = hook && hook->isBatchOpen();
    return hook ? hook->pass() : 0;
}

RpcError RpcTransport::checkOutgoing(const RpcMessage &message, bool fdsSupported) const
{
    const qint64 bodySize = message.body().size();
    if (quint64(bodySize) > m_config.maxBodyWriteSize())
        return RpcError::PayloadTooLarge;
    // The frame length (streams) is a u32 that includes the header.
    if (bodySize > qint64(std::numeric_limits<quint32>::max()) - RpcWire::HeaderSize)
        return RpcError::PayloadTooLarge;
    const qsizetype fdCount = message.fileDescriptors().size();
    if (fdCount > 0) {
        if (!fdsSupported)
            return RpcError::FileDescriptorsNotSupported;
        if (fdCount > m_config.maxFileDescriptorsWrite() || fdCount > MaxFileDescriptorsPerMessage)
            return RpcError::TooManyFileDescriptors;
    }
    return RpcError::NoError;
}

void RpcTransport::setReadingPaused(bool paused)
{
    if (m_ownerPaused == paused)
        return;
    m_ownerPaused = paused;
    readingAllowedChanged();
}

bool RpcTransport::beginIncoming()
{
    if (m_incomingDepth++ > 0)
        return false;
    if (!m_hook)
        m_hook = RpcEventLoopHook::current();
    if (m_hook)
        m_hook->pushBatch(this);
    return true;
}

void RpcTransport::endIncoming(bool outermost)
{
    --m_incomingDepth;
    if (!outermost)
        return;
    if (m_inBatchStack && m_hook)
        m_hook->popBatch(this);
    if (m_flushAtBatchEnd) {
        m_flushAtBatchEnd = false;
        flushOutput();
    }
    if (m_receiver)
        m_receiver->transportIncomingBatchFinished();
    else
        Q_EMIT incomingBatchFinished();
}

void RpcTransport::outputQueued()
{
    if (m_incomingDepth > 0) {
        m_flushAtBatchEnd = true;
        return;
    }
    if (m_flushRegistered)
        return;
    m_flushRegistered = true;
    if (!m_hook)
        m_hook = RpcEventLoopHook::current();
    if (m_hook) {
        m_hook->addFlush(this);
        return;
    }
    // No event dispatcher in this thread (yet): one queued call instead.
    QMetaObject::invokeMethod(this, &RpcTransport::runQueuedFlush, Qt::QueuedConnection);
}

void RpcTransport::runQueuedFlush()
{
    BusyScope busy(this);
    if (!m_flushRegistered)
        return;
    m_flushRegistered = false;
    flushOutput();
}

RpcError RpcTransport::checkWriteBuffer(qint64 cost)
{
    m_lastCost = cost;
    const qint64 highWater = m_config.writeBufferHighWaterMark();
    if (highWater > 0 && (cost > highWater || writeBufferUsage() > highWater - cost)) {
        m_drainArmed = true;
        checkDrained();
        return RpcError::WriteBufferFull;
    }
    return RpcError::NoError;
}

void RpcTransport::messageQueued(const RpcMessage &message)
{
    Q_ASSERT_X(m_lastCost >= 0, "RpcTransport::messageQueued",
               "send() queued a message without checkWriteBuffer()");
    const qint64 cost = qMax(m_lastCost, qint64(0));
    m_lastCost = -1;
    const qint64 start = m_queuedTotal;
    m_queuedTotal += cost;
    if (message.type() != RpcMessage::Response && message.type() != RpcMessage::ResponderUpdate)
        return;
    const qint64 highWater = m_config.writeBufferHighWaterMark();
    if (highWater <= 0)
        return; // no flow control
    m_answerCost += cost;
    if (!m_answers.empty() && m_answers.back().end == start
        && m_answers.back().cost + cost <= highWater / 16) {
        m_answers.back().end = m_queuedTotal;
        m_answers.back().cost += cost;
    } else {
        m_answers.push_back(AnswerRange{m_queuedTotal, cost});
    }
    // The transport's send() looked at flow control before this answer
    // counted: look again only if it can make a difference.
    if (!m_flowPaused && m_answerCost > highWater / 2)
        writeBufferChanged();
}

void RpcTransport::countWrittenAnswers()
{
    // Output leaves in the order it was queued: what left is a prefix.
    const qint64 written = m_queuedTotal - writeBufferUsage();
    while (!m_answers.empty() && m_answers.front().end <= written) {
        m_answerCost -= m_answers.front().cost;
        m_answers.pop_front();
    }
}

void RpcTransport::writeBufferChanged()
{
    checkDrained();
    if (!m_answers.empty())
        countWrittenAnswers();
    const qint64 highWater = m_config.writeBufferHighWaterMark();
    bool pause = false;
    if (highWater > 0) {
        if (!m_flowPaused)
            pause = m_answerCost > highWater / 2;
        else
            pause = m_answerCost
                    > qBound(qint64(0), m_config.writeBufferLowWaterMark(), highWater / 2);
    }
    if (pause == m_flowPaused)
        return;
    m_flowPaused = pause;
    qCDebug(lcRpcTransport) << (pause ? "answers fill over half the high-water mark: reading paused"
                                      : "answers drained: reading resumed");
    readingAllowedChanged();
}

void RpcTransport::checkDrained()
{
    if (m_state != Connected && m_state != Closing)
        return;
    const qint64 usage = writeBufferUsage();
    if (usage > m_config.writeBufferLowWaterMark()) {
        m_drainArmed = true;
        return;
    }
    if (!m_drainArmed || m_drainPosted)
        return;
    // From the event loop, never from inside send() or a flush the owner
    // called: a slot may send again, or delete the peer.
    m_drainPosted = true;
    QMetaObject::invokeMethod(this, &RpcTransport::emitDrained, Qt::QueuedConnection);
}

void RpcTransport::emitDrained()
{
    BusyScope busy(this);
    m_drainPosted = false;
    if (!m_drainArmed || m_state != Connected)
        return;
    if (writeBufferUsage() > m_config.writeBufferLowWaterMark())
        return; // filled up again meanwhile: the next drain emits
    m_drainArmed = false;
    qCDebug(lcRpcTransport) << "write buffer drained to the low-water mark";
    Q_EMIT writeBufferDrained();
}

void RpcTransport::startCloseTimer()
{
    if (m_closeTimeoutMsecs < 0)
        return;
    if (!m_closeTimer) {
        m_closeTimer = new QTimer(this);
        m_closeTimer->setSingleShot(true);
        connect(m_closeTimer, &QTimer::timeout, this, [this] {
            BusyScope busy(this);
            closeTimedOut();
        });
    }
    if (!m_closeTimer->isActive())
        m_closeTimer->start(m_closeTimeoutMsecs);
}

void RpcTransport::stopCloseTimer()
{
    if (m_closeTimer)
        m_closeTimer->stop();
}

void RpcTransport::closeTimedOut()
{
    if (state() == Unconnected)
        return;
    const QString text = tr("closed the connection with %n byte(s) of output the other side did "
                            "not read",
                            nullptr, int(qMin<qint64>(bytesToWrite(), INT_MAX)));
    qCDebug(lcRpcTransport) << text;
    Q_EMIT errorOccurred(RpcError::SocketTimeout, text, true);
    if (state() != Unconnected)
        abort();
}

RpcError RpcTransport::errorFromErrno(int error)
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
    case ETIMEDOUT:
    case EAGAIN:
        return RpcError::SocketTimeout;
    case EMSGSIZE:
        return RpcError::PayloadTooLarge;
    default:
        return RpcError::NetworkFailure;
    }
}

QString RpcTransport::errorText(RpcError error)
{
    switch (error) {
    case RpcError::InvalidAddress:
        return tr("invalid address");
    case RpcError::ConnectionRefused:
        return tr("connection refused");
    case RpcError::HostNotFound:
        return tr("no such host or socket");
    case RpcError::RemoteClosed:
        return tr("the other side closed the connection");
    case RpcError::SocketAccess:
        return tr("permission denied");
    case RpcError::SocketResource:
        return tr("out of socket resources");
    case RpcError::SocketTimeout:
        return tr("timed out");
    case RpcError::AddressInUse:
        return tr("address in use");
    case RpcError::NetworkFailure:
        return tr("network failure");
    case RpcError::PayloadTooLarge:
        return tr("message too large for the socket");
    default:
        return rpcErrorString(error);
    }
}

QSslConfiguration RpcTransport::withMinimumTls12(QSslConfiguration configuration)
{
    switch (configuration.protocol()) {
    case QSsl::TlsV1_2:
    case QSsl::TlsV1_2OrLater:
    case QSsl::TlsV1_3:
    case QSsl::TlsV1_3OrLater:
        break;
    default:
        // AnyProtocol, SecureProtocols and everything older: TLS 1.2 or later.
        configuration.setProtocol(QSsl::TlsV1_2OrLater);
        break;
    }
    return configuration;
}

QString RpcTransport::connectErrorText(const RpcAddress &address, RpcError error)
{
    return tr("cannot connect to %1: %2").arg(address.toString(), errorText(error));
}

} // namespace Fizyr

#include "moc_rpctransport_p.cpp"

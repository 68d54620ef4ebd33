// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCTRANSPORT_P_H
#define FIZYRRPCQT_RPCTRANSPORT_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcaddress.h"
#include "rpcconfig.h"
#include "rpcglobal.h"
#include "rpcmessage.h"
#include "rpcpeercredentials.h"

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtNetwork/qsslcertificate.h>
#include <QtNetwork/qsslconfiguration.h>
#include <QtNetwork/qsslerror.h>

#include <deque>

QT_BEGIN_NAMESPACE
class QTimer;
QT_END_NAMESPACE

namespace Fizyr {

class RpcEventLoopHook;

// What a transport calls instead of emitting messageReceived() and
// incomingBatchFinished() once its owner has set one (RpcPeer does): a
// direct call per message instead of a signal emission. The owner clears it
// (setReceiver(nullptr), or dispose()) before it goes away.
class RpcTransportReceiver
{
public:
    virtual void transportMessageReceived(const RpcMessage &message) = 0;
    virtual void transportIncomingBatchFinished() = 0;

protected:
    ~RpcTransportReceiver() = default;
};

// Moves whole messages over one connection. Implementations: the stream
// transport (length-prefixed frames over a QIODevice) and the seqpacket
// transport (one datagram per message, fds as SCM_RIGHTS).
//
// The base holds what both share: batching and flushing (with the
// per-thread event-loop hook, so traffic keeps flowing during nested event
// loops), write-buffer accounting and the high-water mark, read-side flow
// control, the bounded graceful close, deletion safety (BusyScope) and the
// mapping of system errors to RpcError and error strings.
//
// Signals are emitted from the event loop only, never from inside a call
// made by the owner, except disconnected() from abort()/disconnectFromPeer()
// when the close completes at once.
class FIZYRRPCQT_AUTOTEST_EXPORT RpcTransport : public QObject
{
    Q_OBJECT

public:
    enum State {
        Unconnected,
        Connecting,
        Connected,
        Closing,
    };

    // What one queued message costs in the write buffer beyond its bytes on
    // the wire, where the transport keeps a record per message (seqpacket:
    // the queue entry and the datagram's allocation). See writeBufferUsage().
    static constexpr qint64 QueuedMessageOverhead = 128;
    static constexpr qint64 QueuedFileDescriptorOverhead = 32;
    // How long a graceful close (disconnectFromPeer(), or the other side's
    // end of input) waits for pending output to be written.
    static constexpr int DefaultCloseTimeoutMsecs = 30000;

    explicit RpcTransport(QObject *parent = nullptr);
    ~RpcTransport() override;

    // The factory functions below are the only code outside src/transport/
    // that may create transports; nothing else knows the concrete classes.

    // Creates an unconnected transport for connectToAddress(), or returns
    // nullptr with error set when the transport is not available.
    static RpcTransport *create(const RpcAddress &address, QObject *parent, RpcError *error);
    // A connected transport over device, an open QIODevice (length-prefixed
    // frames). If owned, the transport deletes the device when done.
    static RpcTransport *createForDevice(QIODevice *device, bool owned, const RpcConfig &config,
                                         QObject *parent);
    // A connected transport over fd, a connected Unix seqpacket socket,
    // which it then owns. Returns nullptr with error and errorString set if
    // fd is not one or the transport is not built; fd is left open then.
    static RpcTransport *createForSeqpacketDescriptor(int fd, const RpcConfig &config,
                                                      QObject *parent, RpcError *error,
                                                      QString *errorString);
    // A connected transport over fd, a connected stream socket (Unix or
    // TCP), which it then owns, driven without a QIODevice. Returns nullptr
    // with error and errorString set if fd is not one or the transport is not
    // built here (use createForDevice() then); fd is left open then.
    static RpcTransport *createForStreamDescriptor(int fd, const RpcConfig &config, QObject *parent,
                                                   RpcError *error, QString *errorString);
    // Stops transport (abort(), no signals to anybody any more) and deletes
    // it: at once, or with deleteLater() while it is inside one of its own
    // callbacks (isBusy()), so that deleting the owner from a slot connected
    // to one of the transport's signals is safe.
    static void dispose(RpcTransport *transport);

    // The current pass of this thread's event loop: a number that changes at
    // every pass (nested event loops included) and never in the middle of
    // one; 0 if the thread has no event dispatcher. batchOpen (optional)
    // tells whether an incoming batch of any transport of this thread is
    // still being delivered further up the stack (a handler runs a nested
    // event loop). What the peers use to delete auto-deleted requests
    // without a posted event: never in the pass in which they finished.
    static quint64 currentEventLoopPass(bool *batchOpen = nullptr);

    // True while a signal of this transport (or of its socket) is being
    // delivered further up the stack.
    bool isBusy() const { return m_busy > 0; }

    // Received messages and the ends of incoming batches go to receiver
    // (not owned) instead of the signals; nullptr: the signals again.
    void setReceiver(RpcTransportReceiver *receiver) { m_receiver = receiver; }

    State state() const { return m_state; }
    RpcConfig config() const { return m_config; }
    virtual void setConfig(const RpcConfig &config) { m_config = config; }

    virtual void connectToAddress(const RpcAddress &address) = 0;
    // Graceful: pending output is flushed (for at most closeTimeout()), then
    // the connection closes.
    virtual void disconnectFromPeer() = 0;
    // Immediate: pending output is dropped.
    virtual void abort() = 0;

    // Queues message for sending. Returns NoError, or the reason nothing was
    // queued (PayloadTooLarge, TooManyFileDescriptors, WriteBufferFull,
    // FileDescriptorsNotSupported, NotConnected, NetworkFailure).
    virtual RpcError send(const RpcMessage &message) = 0;

    // The owner's pause (a server's pending connections): stops or resumes
    // delivering received messages; the socket's buffers fill meanwhile and
    // the kernel pushes back on the sender. Independent of the flow-control
    // pause (see isReadingFlowControlled()): reading runs only when neither
    // holds it.
    void setReadingPaused(bool paused);
    bool isReadingPaused() const { return m_ownerPaused; }
    // True while reading stops because answers to the peer's requests
    // (responses, responder updates) fill more than half the write buffer's
    // high-water mark; it resumes once they drained to the low-water mark.
    // Only answers count: the peer makes us write them, so not reading it
    // pushes back on it; what we send on our own (requests, requester updates,
    // stream messages) never stops reading, so two peers that both send
    // more than the mark still read each other.
    bool isReadingFlowControlled() const { return m_flowPaused; }
    // Called by the owner after send() queued message (NoError): counts an
    // answer towards the read-side flow control.
    void messageQueued(const RpcMessage &message);
    // True while writeBufferDrained() waits for the buffer to drain: a
    // transport then calls writeBufferChanged() as output leaves.
    bool isWaitingForDrain() const { return m_drainArmed; }

    // Bytes of queued messages as they go on the wire.
    virtual qint64 bytesToWrite() const = 0;
    // Memory held by queued output, as the high-water mark counts it: the
    // bytes of every queued message plus, where the transport keeps a record
    // per queued message, QueuedMessageOverhead (and
    // QueuedFileDescriptorOverhead per descriptor) for it. Streams keep no
    // such record (the frames lie back to back in the socket's buffer);
    // seqpacket keeps one per datagram.
    virtual qint64 writeBufferUsage() const = 0;

    virtual RpcAddress peerAddress() const = 0;
    virtual RpcPeerCredentials peerCredentials() const { return RpcPeerCredentials(); }

    // TLS (tls:// addresses, or a QSslSocket given to setDevice()). The
    // configuration is used by the next connectToAddress(); once encrypted,
    // sslConfiguration() is the session's (peer certificates, cipher).
    virtual void setSslConfiguration(const QSslConfiguration &configuration)
    {
        Q_UNUSED(configuration);
    }
    virtual QSslConfiguration sslConfiguration() const { return QSslConfiguration(); }
    // How long a TLS handshake may take once the TCP connection is up (the
    // next connectToAddress()); on expiry the attempt fails.
    virtual void setHandshakeTimeout(int msecs) { Q_UNUSED(msecs); }
    virtual bool isEncrypted() const { return false; }
    // Only meaningful inside a slot connected to sslErrors(), or before
    // connectToAddress() (the list form).
    virtual void ignoreSslErrors() { }
    virtual void ignoreSslErrors(const QList<QSslError> &errors) { Q_UNUSED(errors); }
    // A configuration with TLS 1.2 as the minimum protocol.
    static QSslConfiguration withMinimumTls12(QSslConfiguration configuration);

    int closeTimeout() const { return m_closeTimeoutMsecs; }
    void setCloseTimeout(int msecs) { m_closeTimeoutMsecs = msecs; }

    // Checks a message against the configured write limits.
    RpcError checkOutgoing(const RpcMessage &message, bool fdsSupported) const;

    // The system's limits, whatever the configuration says.
    static constexpr int MaxFileDescriptorsPerMessage = 253; // SCM_MAX_FD

    // System errors to RpcError, and the one phrasing of each for every
    // transport (translatable).
    static RpcError errorFromErrno(int error);
    static QString errorText(RpcError error);
    static QString connectErrorText(const RpcAddress &address, RpcError error);

Q_SIGNALS:
    void connected();
    void messageReceived(const Fizyr::RpcMessage &message);
    // Everything that one wake-up of the event loop brought in has been
    // delivered with messageReceived() (emitted once per outermost batch).
    void incomingBatchFinished();
    // fatal: the connection is closing because of it (disconnected() follows).
    void errorOccurred(Fizyr::RpcError error, const QString &errorString, bool fatal);
    void disconnected();
    // The TLS handshake met errors; a slot may call ignoreSslErrors().
    void sslErrors(const QList<QSslError> &errors);
    // The write buffer drained to the low-water mark after it had been
    // above it, or after a send failed with WriteBufferFull. Emitted from a
    // queued call (never from inside send()), at most once per drain.
    void writeBufferDrained();

protected:
    void setState(State state) { m_state = state; }

    // Counts the transport's own callbacks on the stack (see isBusy()):
    // every entry point called by a socket, a notifier, the event-loop hook
    // or a queued call holds one.
    class BusyScope
    {
    public:
        explicit BusyScope(RpcTransport *transport) : m_transport(transport)
        {
            ++m_transport->m_busy;
        }
        ~BusyScope() { --m_transport->m_busy; }
        Q_DISABLE_COPY_MOVE(BusyScope)

    private:
        RpcTransport *m_transport;
    };

    // Incoming batches. Everything a transport delivers in one wake-up is one
    // batch: beginIncoming() before the first message, endIncoming() after
    // the last (pass what beginIncoming() returned). Messages sent meanwhile
    // (responses, the next request) are written with one flush at the end of
    // the outermost batch, which then emits incomingBatchFinished(). While a
    // batch is open, a nested event loop started by a handler still flushes
    // output and reads input (readNested()) through the event-loop hook.
    bool beginIncoming();
    void endIncoming(bool outermost);
    // Delivers one received message (to the receiver, or messageReceived()).
    void deliverMessage(const RpcMessage &message)
    {
        if (m_receiver)
            m_receiver->transportMessageReceived(message);
        else
            Q_EMIT messageReceived(message);
    }
    bool isInIncomingBatch() const { return m_incomingDepth > 0; }

    // Called by send() implementations once a message is queued: arranges
    // for flushOutput() at the end of the current batch, or else at the next
    // pass of the event loop (one flush for everything sent in that pass).
    void outputQueued();
    // Writes queued output, as much as the socket takes now.
    virtual void flushOutput() = 0;
    // Reads and delivers what arrived while a handler of the current batch
    // runs a nested event loop. The socket signals do not always recurse
    // (QAbstractSocket does not re-emit readyRead()).
    virtual void readNested() { }

    // WriteBufferFull if queuing cost more bytes would pass the high-water
    // mark (see writeBufferUsage()); a refusal arms writeBufferDrained().
    // Every send() calls it with the message's cost before queuing it.
    RpcError checkWriteBuffer(qint64 cost);
    // Re-evaluates flow control after the write buffer changed.
    void writeBufferChanged();
    bool isReadingAllowed() const { return !m_ownerPaused && !m_flowPaused; }
    // Reading became allowed or not (isReadingAllowed()).
    virtual void readingAllowedChanged() = 0;

    // Bounded graceful close: the timer aborts the connection (reporting
    // SocketTimeout) if pending output is not written within closeTimeout().
    void startCloseTimer();
    void stopCloseTimer();
    virtual void closeTimedOut();

    bool event(QEvent *event) override;

    RpcConfig m_config;

private:
    friend class RpcEventLoopHook;

    void runQueuedFlush();
    // writeBufferDrained(): armed while the buffer is above the low-water
    // mark (or after WriteBufferFull), posted once it drained to the mark.
    void checkDrained();
    void emitDrained();

    // Answers still (partly) in the write buffer, in the units of
    // writeBufferUsage(): each range ends where the total of everything
    // queued stood after its last answer. Consecutive answers share a range
    // up to a sixteenth of the high-water mark, so that what is counted as
    // still queued is at most that much more than the truth.
    struct AnswerRange
    {
        qint64 end;
        qint64 cost;
    };
    void countWrittenAnswers();

    State m_state = Unconnected;
    RpcTransportReceiver *m_receiver = nullptr;
    int m_busy = 0;
    // The cost given to the last checkWriteBuffer(), for messageQueued().
    qint64 m_lastCost = -1;
    // The cost of everything ever queued; less writeBufferUsage(), what left.
    qint64 m_queuedTotal = 0;
    qint64 m_answerCost = 0;
    std::deque<AnswerRange> m_answers;
    int m_incomingDepth = 0;
    bool m_ownerPaused = false;
    bool m_flowPaused = false;
    bool m_drainArmed = false;
    bool m_drainPosted = false;
    // Output was queued during the current batch.
    bool m_flushAtBatchEnd = false;
    // In the hook's flush list (or a queued flush is posted).
    bool m_flushRegistered = false;
    int m_closeTimeoutMsecs = DefaultCloseTimeoutMsecs;
    QTimer *m_closeTimer = nullptr;
    QPointer<RpcEventLoopHook> m_hook;
    // The hook's stack of transports inside an incoming batch.
    RpcTransport *m_nextInBatch = nullptr;
    bool m_inBatchStack = false;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCTRANSPORT_P_H

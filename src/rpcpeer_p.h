// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCPEER_P_H
#define FIZYRRPCQT_RPCPEER_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcpeer.h"
#include "transport/rpctransport_p.h"

#include <QtCore/qhash.h>
#include <QtCore/qpointer.h>
#include <QtCore/qset.h>
#include <QtCore/qtimer.h>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QTimer;
QT_END_NAMESPACE

namespace Fizyr {

class RpcRequest;

class RpcPeerPrivate final : public RpcTransportReceiver
{
    Q_DECLARE_PUBLIC(RpcPeer)

public:
    explicit RpcPeerPrivate(RpcPeer *q) : q_ptr(q) { }

    // RpcTransportReceiver: the transport's messages and batch ends.
    void transportMessageReceived(const RpcMessage &message) override { onMessage(message); }
    void transportIncomingBatchFinished() override { disposePending(); }

    static RpcPeerPrivate *get(RpcPeer *peer) { return peer->d_func(); }

    // The one way a peer takes a transport (connectToServer(), setDevice(),
    // setSocketDescriptor(), RpcServer): releases the old one, resets the
    // error, takes ownership of newTransport (connecting or connected), uses
    // its configuration, connects its signals, applies the reading pause and
    // moves to newState. Returns false if the peer was deleted by a slot
    // connected to errorChanged() or stateChanged() meanwhile.
    bool adoptTransport(RpcTransport *newTransport, RpcPeer::State newState);
    void releaseTransport();

    void connectTo(const RpcAddress &address, const QString &parseError);
    // One connection attempt to reconnectAddress (the first one of
    // connectToServer() and every automatic one).
    void startAttempt(const RpcAddress &address, const QString &parseError);
    // Reconnecting: whether a lost connection or a failed attempt is
    // followed by another attempt.
    bool shouldReconnect() const;
    // Where a connection or attempt that ended goes: WaitingToReconnectState
    // (the timer started) if shouldReconnect(), otherwise UnconnectedState
    // and the end of the session. Emits stateChanged(): callers check a
    // QPointer afterwards.
    void settleUnconnected();
    // Ends the reconnect session: no more automatic attempts; from
    // WaitingToReconnectState back to UnconnectedState.
    void stopReconnecting();
    void onReconnectTimer();
    // The text of RpcError::NotConnected for a send now: says when the
    // peer is reconnecting or still connecting.
    QString notConnectedText() const;
    int nominalDelay(int attempt) const;
    // These emit a signal when something changed; the peer may be deleted by
    // a slot connected to it, so callers check a QPointer afterwards.
    void setState(RpcPeer::State newState);
    void setError(RpcError newError, const QString &text);
    // setError(), then errorOccurred() (unless the peer was deleted).
    void reportError(RpcError newError, const QString &text);

    void onConnected();
    void onMessage(const RpcMessage &message);
    void onTransportError(RpcError transportError, const QString &text, bool fatal);
    void onDisconnected();
    // Deletes a finished request of an auto-deleting peer later, once
    // control returned to the event loop. One that finished in a batch of
    // incoming messages run by the thread's outermost event loop (the usual
    // case) goes to disposalQueue: it is deleted at the end of a later batch
    // of this peer, or by the fallback timer, without a posted event. In a
    // nested event loop (QThread::loopLevel() above 1), and with a body of
    // LargeBodyBytes or more, the requests of one batch share one
    // deleteLater(); outside a batch each gets its own. The request keeps
    // its parent until it is deleted.
    void disposeFinished(RpcRequest *request);
    // At the end of a batch (and when the transport goes): deletes the
    // queued requests that may go now, and deletes, later, those that
    // finished in a nested event loop during the batch.
    void disposePending();
    // Deletes the queued requests that finished in an earlier pass of the
    // event loop, at the loop level they finished in or an outer one, when
    // no incoming batch is being delivered further up the stack. Returns
    // false if the peer was deleted meanwhile (by a slot connected to a
    // request's destroyed()).
    bool disposeQueued();
    void onDisposalTimer();

    void handleRequest(const RpcMessage &message);
    void handleResponse(const RpcMessage &message);
    void handleUpdate(const RpcMessage &message, bool forOutgoing);

    quint32 allocateRequestId();
    // With requestId empty, the next free id.
    RpcRequest *sendRequest(std::optional<quint32> requestId, qint32 serviceId,
                            const QByteArray &body,
                            const QList<RpcFileDescriptor> &fileDescriptors);
    RpcError send(const RpcMessage &message);
    void finishAll(RpcError reason, const QString &text);

    // Called by RpcRequest when it finishes or dies.
    void forget(RpcRequest *request, bool abandonId);
    void requestDestroyed(RpcRequest *request);

    RpcPeer *q_ptr;
    RpcTransport *transport = nullptr;
    RpcConfig config;
    bool configSet = false;
    // TLS: the configuration for the next tls:// connection and the errors
    // to ignore in its handshake.
    QSslConfiguration sslConfig
            = RpcTransport::withMinimumTls12(QSslConfiguration::defaultConfiguration());
    QList<QSslError> ignoredSslErrors;
    int handshakeTimeout = 10000;
    RpcPeer::State state = RpcPeer::UnconnectedState;
    RpcError error = RpcError::NoError;
    QString errorString;
    bool autoDelete = false;
    bool inIncomingBatch = false;
    // The requests that finished in the current batch in a nested event
    // loop, deleted together after it (see disposePending()).
    QList<QPointer<RpcRequest>> finishedInBatch;
    // Finished requests waiting to be deleted (see disposeFinished()); a
    // request deleted by somebody else leaves the queue in its destructor.
    QList<RpcRequest *> disposalQueue;
    // Requests that were never sent and finish from the event loop
    // (RpcRequestPrivate::finishQueued()).
    QList<RpcRequest *> pendingFinishes;
    // The fallback for a peer that receives nothing more: deletes the
    // queue some time later; runs only while the queue is not empty.
    QTimer *disposalTimer = nullptr;
    // Set while disposeQueued() deletes requests: the destructor clears it.
    bool *disposalAlive = nullptr;
    bool readingPaused = false;

    // Reconnecting (see RpcPeer::autoReconnect()).
    bool autoReconnect = false;
    int reconnectInitialDelay = 500;
    int reconnectMaxDelay = 30000;
    int maxReconnectAttempts = 0;
    // A connectToServer() session: true from connectToServer() until
    // disconnectFromServer(), abort(), or the last attempt failed.
    bool reconnectSession = false;
    // The session's connection was up at least once: the next connection
    // is a reconnect (reconnected()).
    bool sessionWasConnected = false;
    RpcAddress reconnectAddress;
    int reconnectAttemptNumber = 0;
    int reconnectDelayMsecs = 0;
    QTimer *reconnectTimer = nullptr;

    // Counts connectToServer() calls: a queued failure of an older attempt is dropped.
    quint64 connectAttempt = 0;
    quint32 nextRequestId = 0;
    QHash<quint32, RpcRequest *> outgoing;
    QHash<quint32, RpcRequest *> incoming;
    // Ids of sent requests that finished locally (timeout, abort, deleted)
    // and still wait for their response: late answers are dropped quietly
    // and the id is not reused until the response arrives.
    QSet<quint32> abandoned;

    // Deadlines and the heartbeat (RpcConfig::heartbeatInterval()).
    // updateHeartbeat() follows the state: the timer runs while connected.
    void updateHeartbeat();
    void sendHeartbeat();
    void heartbeatMissed(RpcTransport *deadTransport, int waitedMsecs);
    int defaultTimeout = 0;
    QTimer *heartbeatTimer = nullptr;
    QPointer<RpcRequest> heartbeat;
    // Flow control: connects the transport's drain signal and applies the
    // reading pause (the server's, for a pending peer, or the application's).
    void connectFlowControl();
    // RpcPeer::readingPaused, set by the application; reading runs only
    // when neither it nor readingPaused (a server's pending peer) holds it.
    bool userReadingPaused = false;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCPEER_P_H

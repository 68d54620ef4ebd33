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

#include <optional>

namespace Fizyr {

class RpcRequest;

class RpcPeerPrivate
{
    Q_DECLARE_PUBLIC(RpcPeer)

public:
    explicit RpcPeerPrivate(RpcPeer *q) : q_ptr(q) { }

    static RpcPeerPrivate *get(RpcPeer *peer) { return peer->d_func(); }

    // Takes ownership of a transport that is connecting or connected.
    void installTransport(RpcTransport *newTransport);
    void releaseTransport();

    void connectTo(const RpcAddress &address, const QString &parseError);
    void setState(RpcPeer::State newState);
    void setError(RpcError newError, const QString &text);
    void reportError(RpcError newError, const QString &text);

    void onConnected();
    void onMessage(const RpcMessage &message);
    void onTransportError(RpcError transportError, const QString &text, bool fatal);
    void onDisconnected();
    // Deletes a finished request of an auto-deleting peer with deleteLater();
    // those that finish during one batch of incoming messages share a single
    // deleteLater() (one posted event per batch, not per request).
    void disposeFinished(RpcRequest *request);
    // At the end of a batch (and when the transport goes): deletes, later,
    // the requests that finished in it.
    void disposePending();

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
    RpcPeer::State state = RpcPeer::UnconnectedState;
    RpcError error = RpcError::NoError;
    QString errorString;
    bool autoDelete = false;
    bool inIncomingBatch = false;
    // Parent of the requests that finished in the current batch.
    QObject *finishedInBatch = nullptr;
    bool readingPaused = false;

    // Counts connectToServer() calls: a queued failure of an older attempt is dropped.
    quint64 connectAttempt = 0;
    quint32 nextRequestId = 0;
    QHash<quint32, RpcRequest *> outgoing;
    QHash<quint32, RpcRequest *> incoming;
    // Ids of sent requests that finished locally (timeout, abort, deleted)
    // and still wait for their response: late answers are dropped quietly
    // and the id is not reused until the response arrives.
    QSet<quint32> abandoned;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCPEER_P_H

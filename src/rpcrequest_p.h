// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCREQUEST_P_H
#define FIZYRRPCQT_RPCREQUEST_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcrequest.h"

#include <QtCore/qpointer.h>
#include <QtCore/qpromise.h>

#include <optional>

QT_BEGIN_NAMESPACE
class QTimer;
QT_END_NAMESPACE

namespace Fizyr {

class RpcRequestPrivate
{
    Q_DECLARE_PUBLIC(RpcRequest)

public:
    RpcRequestPrivate(RpcRequest *q, RpcPeer *peer, RpcRequest::Direction direction,
                      const RpcMessage &request);

    static RpcRequestPrivate *get(RpcRequest *request) { return request->d_func(); }

    // Records the outcome and emits errorOccurred() (on error) then finished().
    void finish(RpcError error, const QString &errorString, const RpcMessage &response);
    // The same, from the event loop.
    void finishQueued(RpcError error, const QString &errorString);
    // Finishes with the outcome finishQueued() recorded, if still pending.
    void finishNow();
    void reportToPromise();
    void startTimer();
    bool failSend(RpcError error);
    // Sets error() and errorString(); emits errorChanged() if they changed.
    void setError(RpcError error, const QString &text);
    // The same without the signal: returns true if they changed, and the
    // caller emits errorChanged() (finish() records everything first).
    bool assignError(RpcError error, const QString &text);

    RpcRequest *q_ptr;
    // Null once the peer is gone (also when the request was reparented away
    // from the peer and outlives it).
    QPointer<RpcPeer> peer;
    RpcRequest::Direction direction;
    RpcMessage request;
    RpcMessage response;
    bool finished = false;
    // True while the peer's table holds this request under its id.
    bool tracked = false;
    RpcError error = RpcError::NoError;
    QString errorString;
    int timeoutMsecs = 0;
    QTimer *timer = nullptr;
    // Set by setDeadline(): a precise timer, never early (a coarse one may
    // fire up to 5 % before its interval).
    bool preciseTimer = false;
    mutable std::optional<QPromise<RpcMessage>> promise;
    // Auto-deletion: in the peer's disposal queue (RpcPeerPrivate::
    // disposeFinished()), with the event-loop pass and loop level in which
    // it finished.
    // Points to a flag of finish() while it emits signals; the destructor
    // clears it (the request was deleted by a slot).
    bool *aliveFlag = nullptr;
    // setObserver(): told of finished() right before it is emitted, and of
    // the destruction.
    RpcRequestObserver *observer = nullptr;
    bool awaitingDisposal = false;
    // finishQueued(): the outcome waiting for the event loop, and whether the
    // request is in its peer's pendingFinishes (the peer's destructor
    // finishes it at once if it was moved to another parent).
    bool finishPending = false;
    RpcError pendingError = RpcError::NoError;
    QString pendingErrorString;
    int disposalLoopLevel = 0;
    quint64 disposalPass = 0;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCREQUEST_P_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCSERVER_P_H
#define FIZYRRPCQT_RPCSERVER_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcserver.h"

#include <QtCore/qlist.h>
#include <QtCore/qpointer.h>

QT_BEGIN_NAMESPACE
class QIODevice;
class QTcpServer;
class QLocalServer;
QT_END_NAMESPACE

namespace Fizyr {

class RpcPeer;
class RpcTransport;
class RpcSeqpacketListener;

class RpcServerPrivate
{
    Q_DECLARE_PUBLIC(RpcServer)

public:
    explicit RpcServerPrivate(RpcServer *q) : q_ptr(q) { }

    void setError(RpcError newError, const QString &text);
    void addPeer(RpcTransport *transport);
    void adoptSocket(QIODevice *socket);
    void acceptTcp();
    void acceptLocal();
    RpcConfig peerConfig() const;

    RpcServer *q_ptr;
    RpcAddress address;
    RpcConfig config;
    bool configSet = false;
    RpcError error = RpcError::NoError;
    QString errorString;
    QTcpServer *tcpServer = nullptr;
    QLocalServer *localServer = nullptr;
    RpcSeqpacketListener *seqpacketListener = nullptr;
    QList<QPointer<RpcPeer>> pending;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCSERVER_P_H

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

class FIZYRRPCQT_AUTOTEST_EXPORT RpcServerPrivate
{
    Q_DECLARE_PUBLIC(RpcServer)

public:
    explicit RpcServerPrivate(RpcServer *q) : q_ptr(q) { }

    static RpcServerPrivate *get(RpcServer *server) { return server->d_func(); }

    // Emits errorChanged() if error or text differ from the current ones.
    void setError(RpcError newError, const QString &text);
    // setError(), then errorOccurred() (unless the server was deleted).
    void reportError(RpcError newError, const QString &text);
    // Hands transport to a new pending peer and emits newConnection().
    // Returns false if the server was deleted by a slot meanwhile.
    bool addPeer(RpcTransport *transport);
    bool adoptSocket(QIODevice *socket);
    // Adopts fd, a descriptor the seqpacket listener accepted. If the
    // transport refuses it, fd is closed and the failure reported. Returns
    // false if the server was deleted by a slot meanwhile.
    bool adoptSeqpacketDescriptor(int fd);
    void acceptTcp();
    void acceptLocal();
    // listen() without touching error: sets listenError and text on failure.
    void startListening(const RpcAddress &address, RpcError *listenError, QString *text);
    // close() without the signal; returns false if not listening.
    bool stopListening();
    // Stops and deletes the listening object: at once, or with deleteLater()
    // while one of its signals is being delivered (acceptDepth > 0).
    void disposeListener(QObject *listener);
    RpcConfig peerConfig() const;
    // Emits peerRejected() for a connection the access policy refused (and
    // closed). Returns false if the server was deleted by a slot meanwhile.
    bool reject(const RpcPeerCredentials &credentials);
    void reportHandshakeFailure(const QString &peer, const QString &why);

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
    QSslConfiguration sslConfig = QSslConfiguration::defaultConfiguration();
    int handshakeTimeout = 10000;
    RpcAccessPolicy accessPolicy;
    int socketMode = -1;
    qint64 socketGroup = -1;
    // The socket file of a Unix stream listener bound by us (not by
    // QLocalServer), removed on close.
    QString ownedSocketFile;
    // Accept callbacks of the listening objects on the stack.
    int acceptDepth = 0;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCSERVER_P_H

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
#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>

#include <functional>

QT_BEGIN_NAMESPACE
class QIODevice;
class QSocketNotifier;
class QTcpServer;
class QTimer;
QT_END_NAMESPACE

namespace Fizyr {

class RpcPeer;
class RpcTransport;

// Accepts connections on a listening Unix socket (stream or seqpacket) and
// hands out the descriptors. Replaces QLocalServer, which closes itself for
// good when accept() fails (EMFILE): here a failure pauses accepting until
// the owner resumes it.
class RpcUnixListener : public QObject
{
public:
    // Takes fd, a listening socket; the destructor closes it and removes
    // socketFile unless it is empty.
    RpcUnixListener(int fd, int type, const QString &socketFile, QObject *parent);
    ~RpcUnixListener() override;

    int descriptor() const { return m_fd; }
    int type() const { return m_type; }
    void setEnabled(bool enabled);
    // Stops listening at once: closes the socket, removes the socket file.
    void close();

    // The receiver owns fd; returns false if the listener may be gone.
    std::function<bool(int fd)> onAccepted;
    // errno of a failed accept(); accepting is paused (setEnabled()).
    std::function<void(int error)> onAcceptFailed;

private:
    void acceptAll();

    int m_fd;
    int m_type;
    QString m_socketFile;
    QSocketNotifier *m_notifier = nullptr;
};

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
    // The same for an accepted stream socket (Unix or TCP), driven without a
    // QIODevice (RpcSocketStreamTransport).
    bool adoptStreamDescriptor(int fd);
    // What both do with the transport the factory made of fd, or with its
    // failure (createError, text).
    bool adoptCreated(RpcTransport *transport, int fd, RpcError createError, const QString &text);
    void acceptTcp();
    // A descriptor the Unix listener accepted: checks the access policy,
    // then adopts it. Returns false if the server was deleted meanwhile.
    bool acceptUnix(int fd);
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
    RpcUnixListener *unixListener = nullptr;
    QList<QPointer<RpcPeer>> pending;
    QSslConfiguration sslConfig = QSslConfiguration::defaultConfiguration();
    int handshakeTimeout = 10000;
    RpcAccessPolicy accessPolicy;
    int socketMode = -1;
    qint64 socketGroup = -1;
    // Accept callbacks of the listening objects on the stack.
    int acceptDepth = 0;

    // Listening on an adopted descriptor (setSocketDescriptor(),
    // listenInherited()): sets listenError and text on failure.
    void adoptListening(int fd, RpcError *listenError, QString *text);
    // Connects a listening QTcpServer (or QSslServer) to the server.
    void installTcp(QTcpServer *server);
    void installUnix(int fd, int type, const QString &socketFile);
    // Peers waiting to be taken with nextPendingConnection().
    int pendingCount() const;
    // Enables or pauses accepting: it runs unless paused by the
    // application, full (maxPending) or waiting after a failed accept().
    void updateAccepting();
    // accept() failed with error (out of descriptors and the like): reports
    // it and tries again after AcceptRetryMsecs.
    void acceptFailed(RpcError error, const QString &reason);
    static constexpr int AcceptRetryMsecs = 100;
    int maxPending = 30;
    bool acceptPaused = false;
    QTimer *acceptRetryTimer = nullptr;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCSERVER_P_H

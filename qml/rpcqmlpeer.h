// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLPEER_H
#define FIZYRRPCQT_RPCQMLPEER_H

#include "rpcqmlmessage.h"
#include "rpcqmltls_p.h"
#include "rpcqmlutil_p.h"

#include <FizyrRpcQt/rpcpeer.h>

#include <QtCore/qlist.h>

#include <functional>
#include <QtCore/qobject.h>
#include <QtCore/qpair.h>
#include <QtCore/qpointer.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqmlparserstatus.h>
#include <QtQml/qqmlregistration.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

Q_MOC_INCLUDE("rpcqmlrequest.h")

namespace Fizyr {

class QmlRpcRequest;
class QmlRpcServer;

class QmlRpcPeer : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(RpcPeer)
    Q_PROPERTY(Fizyr::RpcPeer *rpcPeer READ peer CONSTANT)
    Q_PROPERTY(QString address READ address WRITE setAddress NOTIFY addressChanged)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(Fizyr::RpcError error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(int timeout READ timeout WRITE setTimeout NOTIFY timeoutChanged)
    Q_PROPERTY(int openRequestCount READ openRequestCount NOTIFY openRequestCountChanged)
    // Reconnecting: the C++ peer's settings.
    Q_PROPERTY(bool autoReconnect READ autoReconnect WRITE setAutoReconnect NOTIFY
                       autoReconnectChanged)
    Q_PROPERTY(int reconnectInitialDelay READ reconnectInitialDelay WRITE setReconnectInitialDelay
                       NOTIFY reconnectSettingsChanged)
    Q_PROPERTY(int reconnectMaxDelay READ reconnectMaxDelay WRITE setReconnectMaxDelay NOTIFY
                       reconnectSettingsChanged)
    Q_PROPERTY(int maxReconnectAttempts READ maxReconnectAttempts WRITE setMaxReconnectAttempts
                       NOTIFY reconnectSettingsChanged)
    Q_PROPERTY(int reconnectAttempt READ reconnectAttempt NOTIFY stateChanged)
    Q_PROPERTY(int reconnectDelay READ reconnectDelay NOTIFY stateChanged)
    // TLS (tls:// addresses): the files of the configuration and the peer verify mode.
    Q_PROPERTY(QString tlsCaFile READ tlsCaFile WRITE setTlsCaFile NOTIFY tlsChanged)
    Q_PROPERTY(QString tlsCertificateFile READ tlsCertificateFile WRITE setTlsCertificateFile NOTIFY
                       tlsChanged)
    Q_PROPERTY(QString tlsPrivateKeyFile READ tlsPrivateKeyFile WRITE setTlsPrivateKeyFile NOTIFY
                       tlsChanged)
    Q_PROPERTY(PeerVerifyMode peerVerifyMode READ peerVerifyMode WRITE setPeerVerifyMode NOTIFY
                       tlsChanged)

public:
    enum State {
        Unconnected = RpcPeer::UnconnectedState,
        Connecting = RpcPeer::ConnectingState,
        Connected = RpcPeer::ConnectedState,
        Closing = RpcPeer::ClosingState,
        WaitingToReconnect = RpcPeer::WaitingToReconnectState,
    };
    Q_ENUM(State)

    explicit QmlRpcPeer(QObject *parent = nullptr);
    // A peer accepted by server; takes ownership of peer.
    QmlRpcPeer(RpcPeer *peer, QmlRpcServer *server, QJSEngine *engine);
    ~QmlRpcPeer() override;

    QString address() const { return m_address; }
    void setAddress(const QString &address);
    bool isActive() const { return m_active; }
    void setActive(bool active);
    State state() const;
    RpcError error() const;
    QString errorString() const;
    int timeout() const { return m_peer ? m_peer->defaultTimeout() : 0; }
    void setTimeout(int msecs);
    int openRequestCount() const { return int(m_open.size()); }
    bool autoReconnect() const { return m_peer->autoReconnect(); }
    void setAutoReconnect(bool enable) { m_peer->setAutoReconnect(enable); }
    int reconnectInitialDelay() const { return m_peer->reconnectInitialDelay(); }
    void setReconnectInitialDelay(int msecs) { m_peer->setReconnectInitialDelay(msecs); }
    int reconnectMaxDelay() const { return m_peer->reconnectMaxDelay(); }
    void setReconnectMaxDelay(int msecs) { m_peer->setReconnectMaxDelay(msecs); }
    int maxReconnectAttempts() const { return m_peer->maxReconnectAttempts(); }
    void setMaxReconnectAttempts(int attempts) { m_peer->setMaxReconnectAttempts(attempts); }
    int reconnectAttempt() const { return m_peer ? m_peer->reconnectAttempt() : 0; }
    int reconnectDelay() const { return m_peer ? m_peer->reconnectDelay() : 0; }
    Q_INVOKABLE int remainingReconnectDelay() const;
    Q_INVOKABLE void reconnectNow();

    RpcPeer *peer() const { return m_peer; }
    QmlUtil::Scripts *scripts() { return &m_scripts; }

    Q_INVOKABLE Fizyr::QmlRpcRequest *sendRequest(int serviceId, const QJSValue &body = QJSValue());
    Q_INVOKABLE QJSValue call(int serviceId, const QJSValue &body = QJSValue());
    Q_INVOKABLE bool sendStream(int serviceId, const QJSValue &body = QJSValue());
    Q_INVOKABLE void disconnectFromServer();
    Q_INVOKABLE void abort();
    Q_INVOKABLE void claimServices(QObject *handler, const QList<int> &serviceIds);
    bool isClaimed(int serviceId) const;

    void classBegin() override { m_complete = false; }
    void componentComplete() override;

    // TLS (see the properties above).
    enum PeerVerifyMode {
        VerifyNone = QSslSocket::VerifyNone,
        QueryPeer = QSslSocket::QueryPeer,
        VerifyPeer = QSslSocket::VerifyPeer,
        AutoVerifyPeer = QSslSocket::AutoVerifyPeer,
    };
    Q_ENUM(PeerVerifyMode)
    QString tlsCaFile() const { return m_tls.caFile; }
    void setTlsCaFile(const QString &path);
    QString tlsCertificateFile() const { return m_tls.certificateFile; }
    void setTlsCertificateFile(const QString &path);
    QString tlsPrivateKeyFile() const { return m_tls.privateKeyFile; }
    void setTlsPrivateKeyFile(const QString &path);
    PeerVerifyMode peerVerifyMode() const { return PeerVerifyMode(m_tls.peerVerifyMode); }
    void setPeerVerifyMode(PeerVerifyMode mode);

Q_SIGNALS:
    void tlsChanged();
    void addressChanged();
    void activeChanged();
    void stateChanged();
    void errorChanged();
    void timeoutChanged();
    void openRequestCountChanged();
    void connected();
    void reconnected();
    void autoReconnectChanged();
    void reconnectSettingsChanged();
    void disconnected();
    void errorOccurred(const QString &errorString);
    void requestReceived(Fizyr::QmlRpcRequest *request);
    void streamReceived(const Fizyr::QmlRpcMessage &message);

private:
    void setUp();
    void handleRequest(RpcRequest *request);
    void handleStream(const RpcMessage &message);
    void handleError();
    void handleDisconnected();
    void updateConnection();
    void handleStateChanged();
    bool hasRequestHandler() const;
    QmlRpcRequest *wrap(RpcRequest *request);
    void forget(QmlRpcRequest *request);
    QJSEngine *engine() const;

    RpcPeer *m_peer = nullptr;
    QPointer<QmlRpcServer> m_server;
    QPointer<QJSEngine> m_engine;
    QString m_address;
    bool m_active = false;
    bool m_complete = true;
    bool m_reconnect = false;
    QList<QPointer<QmlRpcRequest>> m_open;
    QmlUtil::Scripts m_scripts;
    QList<QPair<QPointer<QObject>, QList<int>>> m_claims;
    void applyTls();
    QmlTls::Files m_tls;

    // Dead peers: TCP keep-alive and the heartbeat (RpcConfig), applied to
    // the C++ peer's configuration before each connectToServer().
    Q_PROPERTY(bool keepAlive READ keepAlive WRITE setKeepAlive NOTIFY livenessChanged)
    Q_PROPERTY(int keepAliveIdle READ keepAliveIdle WRITE setKeepAliveIdle NOTIFY livenessChanged)
    Q_PROPERTY(int keepAliveInterval READ keepAliveInterval WRITE setKeepAliveInterval NOTIFY
                       livenessChanged)
    Q_PROPERTY(
            int keepAliveCount READ keepAliveCount WRITE setKeepAliveCount NOTIFY livenessChanged)
    Q_PROPERTY(int heartbeatServiceId READ heartbeatServiceId WRITE setHeartbeatServiceId NOTIFY
                       livenessChanged)
    Q_PROPERTY(int heartbeatInterval READ heartbeatInterval WRITE setHeartbeatInterval NOTIFY
                       livenessChanged)
    Q_PROPERTY(int heartbeatTimeout READ heartbeatTimeout WRITE setHeartbeatTimeout NOTIFY
                       livenessChanged)

public:
    bool keepAlive() const { return liveness().keepAlive() != RpcConfig::KeepAliveOff; }
    void setKeepAlive(bool enable);
    int keepAliveIdle() const { return liveness().keepAliveIdle(); }
    void setKeepAliveIdle(int seconds);
    int keepAliveInterval() const { return liveness().keepAliveInterval(); }
    void setKeepAliveInterval(int seconds);
    int keepAliveCount() const { return liveness().keepAliveCount(); }
    void setKeepAliveCount(int count);
    int heartbeatServiceId() const { return liveness().heartbeatServiceId(); }
    void setHeartbeatServiceId(int serviceId);
    int heartbeatInterval() const { return liveness().heartbeatInterval(); }
    void setHeartbeatInterval(int msecs);
    int heartbeatTimeout() const { return liveness().heartbeatTimeout(); }
    void setHeartbeatTimeout(int msecs);

Q_SIGNALS:
    void livenessChanged();

private:
    RpcConfig liveness() const { return m_livenessSet ? m_liveness : m_peer->config(); }
    bool changeLiveness(const std::function<void(RpcConfig &)> &change);
    void applyLiveness();
    RpcConfig m_liveness;
    bool m_livenessSet = false;
    // Flow control both ways.
public:
    Q_PROPERTY(bool readingPaused READ isReadingPaused WRITE setReadingPaused NOTIFY
                       readingPausedChanged)
    bool isReadingPaused() const;
    void setReadingPaused(bool paused);
Q_SIGNALS:
    void readingPausedChanged();
    void writeBufferDrained();

private:
    void setUpFlowControl();
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCQMLPEER_H

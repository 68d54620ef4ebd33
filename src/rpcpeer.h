// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCPEER_H
#define FIZYRRPCQT_RPCPEER_H

#include "rpcaddress.h"
#include "rpcconfig.h"
#include "rpcglobal.h"
#include "rpcmessage.h"
#include "rpcpeercredentials.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qobject.h>
#include <QtNetwork/qsslcertificate.h>
#include <QtNetwork/qsslconfiguration.h>
#include <QtNetwork/qsslerror.h>

#include <chrono>
#include <memory>

QT_BEGIN_NAMESPACE
class QIODevice;
QT_END_NAMESPACE

namespace Fizyr {

class RpcRequest;
class RpcServer;
class RpcPeerPrivate;

class FIZYRRPCQT_EXPORT RpcPeer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(Fizyr::RpcError error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(Fizyr::RpcAddress peerAddress READ peerAddress NOTIFY stateChanged)
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
    Q_PROPERTY(int defaultTimeout READ defaultTimeout WRITE setDefaultTimeout NOTIFY
                       defaultTimeoutChanged)
    Q_PROPERTY(bool readingPaused READ isReadingPaused WRITE setReadingPaused NOTIFY
                       readingPausedChanged)

public:
    enum State {
        UnconnectedState,
        ConnectingState,
        ConnectedState,
        ClosingState,
        WaitingToReconnectState,
    };
    Q_ENUM(State)

    explicit RpcPeer(QObject *parent = nullptr);
    ~RpcPeer() override;

    RpcConfig config() const;
    bool setConfig(const RpcConfig &config);

    bool autoDeleteRequests() const;
    void setAutoDeleteRequests(bool enable);

    bool setDevice(QIODevice *device);
    bool setSocketDescriptor(qintptr socketDescriptor);

    State state() const;
    RpcError error() const;
    QString errorString() const;
    RpcAddress peerAddress() const;
    RpcPeerCredentials peerCredentials() const;
    qint64 bytesToWrite() const;
    int openRequestCount() const;

    RpcRequest *sendRequest(qint32 serviceId, const QByteArray &body = {},
                            const QList<RpcFileDescriptor> &fileDescriptors = {});
    RpcRequest *sendRequestWithId(quint32 requestId, qint32 serviceId, const QByteArray &body = {},
                                  const QList<RpcFileDescriptor> &fileDescriptors = {});
    bool sendStream(qint32 serviceId, const QByteArray &body = {},
                    const QList<RpcFileDescriptor> &fileDescriptors = {});

    void connectToServer(const QString &address);
    void connectToServer(const RpcAddress &address);

    // Reconnecting (connections made with connectToServer()).
    bool autoReconnect() const;
    void setAutoReconnect(bool enable);
    int reconnectInitialDelay() const;
    void setReconnectInitialDelay(int msecs);
    int reconnectMaxDelay() const;
    void setReconnectMaxDelay(int msecs);
    int maxReconnectAttempts() const;
    void setMaxReconnectAttempts(int attempts);
    int reconnectAttempt() const;
    int reconnectDelay() const;
    int remainingReconnectDelay() const;

    // Deadlines.
    int defaultTimeout() const;
    void setDefaultTimeout(int msecs);
    void setDefaultTimeout(std::chrono::milliseconds timeout);

    bool waitForConnected(int msecs = 30000);
    bool waitForDisconnected(int msecs = 30000);
    bool waitForConnected(QDeadlineTimer deadline);
    bool waitForDisconnected(QDeadlineTimer deadline);

    // Flow control both ways (see "Flow control" in the guide).
    bool isReadingPaused() const;
    void setReadingPaused(bool paused);

    QSslConfiguration sslConfiguration() const;
    void setSslConfiguration(const QSslConfiguration &configuration);
    int handshakeTimeout() const;
    void setHandshakeTimeout(int msecs);
    bool isEncrypted() const;
    QList<QSslCertificate> peerCertificateChain() const;
    void ignoreSslErrors(const QList<QSslError> &errors);

public Q_SLOTS:
    void disconnectFromServer();
    void abort();
    void ignoreSslErrors();
    void reconnectNow();

Q_SIGNALS:
    void connected();
    void reconnected();
    void autoReconnectChanged();
    void reconnectSettingsChanged();
    void disconnected();
    void stateChanged(Fizyr::RpcPeer::State state);
    void errorOccurred(Fizyr::RpcError error);
    void errorChanged();
    void requestReceived(Fizyr::RpcRequest *request);
    void streamReceived(const Fizyr::RpcMessage &message);
    void sslErrors(const QList<QSslError> &errors);
    void defaultTimeoutChanged(int msecs);
    void readingPausedChanged(bool paused);
    void writeBufferDrained();

private:
    friend class RpcRequest;
    friend class RpcServer;
    friend class RpcServerPrivate;
    Q_DISABLE_COPY_MOVE(RpcPeer)
    Q_DECLARE_PRIVATE(RpcPeer)
    std::unique_ptr<RpcPeerPrivate> d_ptr;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCPEER_H

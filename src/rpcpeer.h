// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCPEER_H
#define FIZYRRPCQT_RPCPEER_H

#include "rpcaddress.h"
#include "rpcconfig.h"
#include "rpcglobal.h"
#include "rpcmessage.h"
#include "rpcpeercredentials.h"

#include <QtCore/qobject.h>
#include <QtNetwork/qsslcertificate.h>
#include <QtNetwork/qsslconfiguration.h>
#include <QtNetwork/qsslerror.h>

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

public:
    enum State {
        UnconnectedState,
        ConnectingState,
        ConnectedState,
        ClosingState,
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

    bool waitForConnected(int msecs = 30000);
    bool waitForDisconnected(int msecs = 30000);

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

Q_SIGNALS:
    void connected();
    void disconnected();
    void stateChanged(Fizyr::RpcPeer::State state);
    void errorOccurred(Fizyr::RpcError error);
    void errorChanged();
    void requestReceived(Fizyr::RpcRequest *request);
    void streamReceived(const Fizyr::RpcMessage &message);
    void sslErrors(const QList<QSslError> &errors);

public:
    // Flow control both ways (see "Flow control" in the guide).
    Q_PROPERTY(bool readingPaused READ isReadingPaused WRITE setReadingPaused NOTIFY
                       readingPausedChanged)
    bool isReadingPaused() const;
    void setReadingPaused(bool paused);
Q_SIGNALS:
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

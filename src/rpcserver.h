// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCSERVER_H
#define FIZYRRPCQT_RPCSERVER_H

#include "rpcaccesspolicy.h"
#include "rpcaddress.h"
#include "rpcconfig.h"
#include "rpcglobal.h"

#include <QtCore/qobject.h>
#include <QtNetwork/qsslconfiguration.h>

#include <memory>

namespace Fizyr {

class RpcPeer;
class RpcServerPrivate;

class FIZYRRPCQT_EXPORT RpcServer : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool listening READ isListening NOTIFY listeningChanged)
    Q_PROPERTY(Fizyr::RpcAddress serverAddress READ serverAddress NOTIFY listeningChanged)
    Q_PROPERTY(Fizyr::RpcError error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)

public:
    explicit RpcServer(QObject *parent = nullptr);
    ~RpcServer() override;

    bool listen(const QString &address);
    bool listen(const RpcAddress &address);
    void close();
    bool isListening() const;

    RpcAddress serverAddress() const;
    quint16 serverPort() const;

    RpcError error() const;
    QString errorString() const;

    RpcConfig config() const;
    void setConfig(const RpcConfig &config);

    bool hasPendingConnections() const;
    RpcPeer *nextPendingConnection();

    QSslConfiguration sslConfiguration() const;
    void setSslConfiguration(const QSslConfiguration &configuration);
    int handshakeTimeout() const;
    void setHandshakeTimeout(int msecs);

    RpcAccessPolicy accessPolicy() const;
    void setAccessPolicy(const RpcAccessPolicy &policy);
    int socketFileMode() const;
    void setSocketFileMode(int mode);
    qint64 socketFileGroup() const;
    void setSocketFileGroup(qint64 groupId);

    bool setSocketDescriptor(qintptr socketDescriptor);
    qintptr socketDescriptor() const;
    bool listenInherited(int index = 0);
    static int inheritedSocketCount();
    static int inheritedSocketDescriptor(int index = 0);

    int maxPendingConnections() const;
    void setMaxPendingConnections(int count);
    void pauseAccepting();
    void resumeAccepting();

Q_SIGNALS:
    void newConnection();
    void listeningChanged(bool listening);
    void errorOccurred(Fizyr::RpcError error);
    void errorChanged();
    void peerRejected(const Fizyr::RpcPeerCredentials &credentials);

private:
    Q_DISABLE_COPY_MOVE(RpcServer)
    Q_DECLARE_PRIVATE(RpcServer)
    std::unique_ptr<RpcServerPrivate> d_ptr;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCSERVER_H

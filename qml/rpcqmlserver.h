// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLSERVER_H
#define FIZYRRPCQT_RPCQMLSERVER_H

#include "rpcqmlmessage.h"
#include "rpcqmltls_p.h"

#include <FizyrRpcQt/rpcserver.h>

#include <QtCore/qlist.h>
#include <QtCore/qobject.h>
#include <QtCore/qpair.h>
#include <QtCore/qpointer.h>
#include <QtQml/qqmlparserstatus.h>
#include <QtQml/qqmlregistration.h>

Q_MOC_INCLUDE("rpcqmlpeer.h")
Q_MOC_INCLUDE("rpcqmlrequest.h")

namespace Fizyr {

class QmlRpcPeer;
class QmlRpcRequest;

class QmlRpcServer : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(RpcServer)
    Q_PROPERTY(Fizyr::RpcServer *rpcServer READ rpcServer CONSTANT)
    Q_PROPERTY(QList<QObject *> peers READ peers NOTIFY peerCountChanged)
    Q_PROPERTY(QString address READ address WRITE setAddress NOTIFY addressChanged)
    Q_PROPERTY(bool listening READ isListening WRITE setListening NOTIFY listeningChanged)
    Q_PROPERTY(QString serverAddress READ serverAddress NOTIFY listeningChanged)
    Q_PROPERTY(Fizyr::RpcError error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(int peerCount READ peerCount NOTIFY peerCountChanged)
    // TLS (tls:// addresses): the files of the configuration and the peer verify mode.
    Q_PROPERTY(QString tlsCaFile READ tlsCaFile WRITE setTlsCaFile NOTIFY tlsChanged)
    Q_PROPERTY(QString tlsCertificateFile READ tlsCertificateFile WRITE setTlsCertificateFile NOTIFY
                       tlsChanged)
    Q_PROPERTY(QString tlsPrivateKeyFile READ tlsPrivateKeyFile WRITE setTlsPrivateKeyFile NOTIFY
                       tlsChanged)
    Q_PROPERTY(PeerVerifyMode peerVerifyMode READ peerVerifyMode WRITE setPeerVerifyMode NOTIFY
                       tlsChanged)

public:
    explicit QmlRpcServer(QObject *parent = nullptr);
    ~QmlRpcServer() override;

    QString address() const { return m_address; }
    void setAddress(const QString &address);
    bool isListening() const;
    void setListening(bool listening);
    QString serverAddress() const;
    RpcError error() const { return m_server->error(); }
    QString errorString() const { return m_server->errorString(); }
    int peerCount() const { return m_peerCount; }
    RpcServer *rpcServer() const { return m_server; }
    QList<QObject *> peers() const;

    Q_INVOKABLE void claimServices(QObject *handler, const QList<int> &serviceIds);
    bool isClaimed(int serviceId) const;

    Q_INVOKABLE bool listen();
    Q_INVOKABLE void close();

    void classBegin() override { m_complete = false; }
    void componentComplete() override;

    bool hasRequestHandler() const;
    void emitRequestReceived(QmlRpcRequest *request);
    void emitStreamReceived(QmlRpcPeer *peer, const QmlRpcMessage &message);

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
    void listeningChanged();
    void errorChanged();
    void peerCountChanged();
    void errorOccurred(const QString &errorString);
    void peerConnected(Fizyr::QmlRpcPeer *peer);
    void requestReceived(Fizyr::QmlRpcRequest *request);
    void streamReceived(Fizyr::QmlRpcPeer *peer, const Fizyr::QmlRpcMessage &message);

private:
    void acceptPending();

    RpcServer *m_server = nullptr;
    QString m_address;
    bool m_wantListening = false;
    bool m_complete = true;
    int m_peerCount = 0;
    QList<QPair<QPointer<QObject>, QList<int>>> m_claims;
    void applyTls();
    QmlTls::Files m_tls;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCQMLSERVER_H

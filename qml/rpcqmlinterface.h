// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLINTERFACE_H
#define FIZYRRPCQT_RPCQMLINTERFACE_H

#include "rpcqmlutil_p.h"

#include <FizyrRpcQt/rpcbodycodec.h>
#include <FizyrRpcQt/rpcinterface.h>
#include <FizyrRpcQt/rpcinterfacefile.h>
#include <FizyrRpcQt/rpcrequest.h>

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtCore/qurl.h>
#include <QtCore/qvariant.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqmlparserstatus.h>
#include <QtQml/qqmlregistration.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

Q_MOC_INCLUDE("rpcqmlpeer.h")

namespace Fizyr {

class QmlRpcPeer;
class RpcPeer;
class QmlRpcInterfaceClient;

class QmlRpcInterfaceCall : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(RpcInterfaceCall)
    QML_UNCREATABLE("Calls come from RpcInterfaceClient.call()")
    Q_PROPERTY(QString service READ service CONSTANT)
    Q_PROPERTY(int serviceId READ serviceId CONSTANT)
    Q_PROPERTY(quint32 requestId READ requestId CONSTANT)
    Q_PROPERTY(bool open READ isOpen NOTIFY finished)
    Q_PROPERTY(QJSValue response READ response NOTIFY finished)
    Q_PROPERTY(Fizyr::RpcError error READ error NOTIFY finished)
    Q_PROPERTY(QString errorString READ errorString NOTIFY finished)

public:
    ~QmlRpcInterfaceCall() override;

    QString service() const { return m_service.name(); }
    int serviceId() const { return m_service.id(); }
    quint32 requestId() const;
    bool isOpen() const { return !m_finished; }
    QJSValue response() const { return m_response; }
    RpcError error() const { return m_error; }
    QString errorString() const { return m_errorString; }

    Q_INVOKABLE bool sendUpdate(const QString &name, const QJSValue &body = QJSValue());
    Q_INVOKABLE bool cancel();
    Q_INVOKABLE void abort();
    Q_INVOKABLE QJSValue then(const QJSValue &onFulfilled = QJSValue(),
                              const QJSValue &onRejected = QJSValue());
    Q_INVOKABLE QJSValue promise();

Q_SIGNALS:
    void updateReceived(const QString &name, const QJSValue &body);
    void invalidMessageReceived(const QString &errorString);
    void responseReceived(const QJSValue &body);
    void errorOccurred(const QString &errorString);
    void finished();

private:
    friend class QmlRpcInterfaceClient;
    QmlRpcInterfaceCall(QmlRpcInterfaceClient *client, const RpcService &service,
                        QJSEngine *engine);
    void start(RpcRequest *request);
    void fail(RpcError error, const QString &text);
    void handleUpdate(const RpcMessage &update);
    void handleFinished();
    void finish();
    void settle();
    void abandon();

    QPointer<QmlRpcInterfaceClient> m_client;
    RpcService m_service;
    RpcBodyCodec::Format m_format = RpcBodyCodec::Json;
    QPointer<RpcRequest> m_request;
    QPointer<QJSEngine> m_engine;
    quint32 m_requestId = 0;
    bool m_finished = false;
    RpcError m_error = RpcError::NoError;
    QString m_errorString;
    QJSValue m_response;
    QJSValue m_self;
    QJSValue m_promise;
    QJSValue m_resolve;
    QJSValue m_reject;
    QmlUtil::Scripts m_scripts;
};

class QmlRpcInterfaceClient : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(RpcInterfaceClient)
    Q_PROPERTY(QUrl source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(QString interfaceName READ interfaceName WRITE setInterfaceName NOTIFY
                       interfaceNameChanged)
    Q_PROPERTY(Fizyr::QmlRpcPeer *peer READ peer WRITE setPeer NOTIFY peerChanged)
    Q_PROPERTY(BodyFormat bodyFormat READ bodyFormat WRITE setBodyFormat NOTIFY bodyFormatChanged)
    Q_PROPERTY(Status status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY statusChanged)
    Q_PROPERTY(QStringList interfaces READ interfaces NOTIFY statusChanged)
    Q_PROPERTY(QString currentInterface READ currentInterface NOTIFY statusChanged)
    Q_PROPERTY(QString doc READ doc NOTIFY statusChanged)
    Q_PROPERTY(QVariantList services READ services NOTIFY statusChanged)
    Q_PROPERTY(QVariantList streams READ streams NOTIFY statusChanged)

public:
    enum Status {
        Null,
        Ready,
        Error,
    };
    Q_ENUM(Status)

    enum BodyFormat {
        Json = RpcBodyCodec::Json,
        Cbor = RpcBodyCodec::Cbor,
    };
    Q_ENUM(BodyFormat)

    explicit QmlRpcInterfaceClient(QObject *parent = nullptr);
    ~QmlRpcInterfaceClient() override;

    QUrl source() const { return m_source; }
    void setSource(const QUrl &source);
    QString interfaceName() const { return m_interfaceName; }
    void setInterfaceName(const QString &name);
    QmlRpcPeer *peer() const { return m_peer; }
    void setPeer(QmlRpcPeer *peer);
    BodyFormat bodyFormat() const { return m_format; }
    void setBodyFormat(BodyFormat format);
    Status status() const { return m_status; }
    QString errorString() const { return m_errorString; }
    QStringList interfaces() const;
    QString currentInterface() const { return m_interface.name(); }
    QString doc() const { return m_interface.doc(); }
    QVariantList services() const { return m_services; }
    QVariantList streams() const { return m_streams; }

    Q_INVOKABLE QVariantMap service(const QString &name) const;
    Q_INVOKABLE QVariantMap typeSchema(const QString &type) const;
    Q_INVOKABLE QJSValue defaultValue(const QString &type) const;
    Q_INVOKABLE Fizyr::QmlRpcInterfaceCall *call(const QString &service,
                                                 const QJSValue &body = QJSValue());
    Q_INVOKABLE bool sendStream(const QString &stream, const QJSValue &body = QJSValue());
    Q_INVOKABLE void reload();

    void classBegin() override { m_complete = false; }
    void componentComplete() override;

    // For the call objects: encodes or decodes a body, errors naming the field.
    bool encode(const RpcTypeSchema &type, const QJSValue &value, QByteArray *body,
                QString *errorString) const;
    bool decode(const RpcTypeSchema &type, const QByteArray &body, QJSValue *value,
                QString *errorString) const;
    QJSEngine *engine() const;

Q_SIGNALS:
    void sourceChanged();
    void interfaceNameChanged();
    void peerChanged();
    void bodyFormatChanged();
    void statusChanged();
    void streamReceived(const QString &name, const QJSValue &body);
    void invalidMessageReceived(const QString &errorString);

private:
    void load();
    void setStatus(Status status, const QString &errorString);
    void handleStream(const RpcMessage &message);
    RpcPeer *rpcPeer() const;

    QUrl m_source;
    QString m_interfaceName;
    QPointer<QmlRpcPeer> m_peer;
    QMetaObject::Connection m_streamConnection;
    // The calls made with call(), so that destroying the client can end the
    // open ones (abandon()).
    QList<QPointer<QmlRpcInterfaceCall>> m_calls;
    BodyFormat m_format = Json;
    Status m_status = Null;
    QString m_errorString;
    bool m_complete = true;
    RpcInterfaceFile m_file;
    RpcInterface m_interface;
    QVariantList m_services;
    QVariantList m_streams;
    QmlUtil::Scripts m_scripts;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCQMLINTERFACE_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLREQUEST_H
#define FIZYRRPCQT_RPCQMLREQUEST_H

#include "rpcqmlmessage.h"
#include "rpcqmlutil_p.h"

#include <FizyrRpcQt/rpcrequest.h>

#include <QtCore/qobject.h>
#include <QtCore/qpointer.h>
#include <QtQml/qjsvalue.h>
#include <QtQml/qqmlregistration.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

Q_MOC_INCLUDE("rpcqmlpeer.h")

namespace Fizyr {

class QmlRpcPeer;

class QmlRpcRequest : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(RpcRequest)
    QML_UNCREATABLE("Requests come from RpcPeer.sendRequest() and RpcPeer.requestReceived")
    Q_PROPERTY(quint32 requestId READ requestId CONSTANT)
    Q_PROPERTY(int serviceId READ serviceId CONSTANT)
    Q_PROPERTY(bool incoming READ isIncoming CONSTANT)
    Q_PROPERTY(Fizyr::QmlRpcMessage message READ message CONSTANT)
    Q_PROPERTY(QByteArray body READ body CONSTANT)
    Q_PROPERTY(QString text READ text CONSTANT)
    Q_PROPERTY(QJsonValue json READ json CONSTANT)
    Q_PROPERTY(bool open READ isOpen NOTIFY finished)
    Q_PROPERTY(Fizyr::QmlRpcMessage response READ response NOTIFY finished)
    Q_PROPERTY(Fizyr::RpcError error READ error NOTIFY errorChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorChanged)
    Q_PROPERTY(int timeout READ timeout WRITE setTimeout NOTIFY timeoutChanged)
    Q_PROPERTY(Fizyr::QmlRpcPeer *peer READ peer CONSTANT)

public:
    QmlRpcRequest(RpcRequest *request, QmlRpcPeer *peer, QJSEngine *engine);
    ~QmlRpcRequest() override;

    quint32 requestId() const;
    int serviceId() const;
    bool isIncoming() const;
    QmlRpcMessage message() const;
    QByteArray body() const;
    QString text() const;
    QJsonValue json() const;
    bool isOpen() const { return !m_finished; }
    bool isFinished() const { return m_finished; }
    QmlRpcMessage response() const;
    RpcError error() const;
    QString errorString() const;
    int timeout() const;
    void setTimeout(int msecs);
    QmlRpcPeer *peer() const { return m_peer; }

    Q_INVOKABLE bool sendUpdate(int serviceId, const QJSValue &body = QJSValue());
    Q_INVOKABLE bool sendResponse(int serviceId, const QJSValue &body = QJSValue());
    Q_INVOKABLE bool sendErrorResponse(const QString &text);
    Q_INVOKABLE void abort();
    Q_INVOKABLE QJSValue then(const QJSValue &onFulfilled = QJSValue(),
                              const QJSValue &onRejected = QJSValue());
    Q_INVOKABLE QJSValue promise();

Q_SIGNALS:
    void updateReceived(const Fizyr::QmlRpcMessage &update);
    void responseReceived(const Fizyr::QmlRpcMessage &response);
    void errorOccurred(const QString &errorString);
    void finished();
    void errorChanged();
    void timeoutChanged();

private:
    void finish();
    void settle();
    QmlUtil::Scripts *scripts();

    QPointer<RpcRequest> m_request;
    QPointer<QmlRpcPeer> m_peer;
    QPointer<QJSEngine> m_engine;
    QmlRpcMessage m_message;
    // Whether finished has been emitted; error, errorString and response
    // are the C++ request's own.
    bool m_finished = false;
    // Keeps this object from the garbage collector while the request is open.
    QJSValue m_self;
    QJSValue m_promise;
    QJSValue m_resolve;
    QJSValue m_reject;
    QmlUtil::Scripts m_ownScripts;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCQMLREQUEST_H

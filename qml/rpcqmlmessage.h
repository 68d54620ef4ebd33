// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLMESSAGE_H
#define FIZYRRPCQT_RPCQMLMESSAGE_H

#include <FizyrRpcQt/rpcglobal.h>
#include <FizyrRpcQt/rpcmessage.h>

#include <QtCore/qjsonvalue.h>
#include <QtCore/qobject.h>
#include <QtQml/qqmlregistration.h>

namespace Fizyr {

// RpcError.NoError, RpcError.ConnectionLost, ...: the library's own enum
// Fizyr::RpcError (declared with Q_ENUM_NS in the namespace Fizyr, which holds
// no other enum), registered for QML as the type RpcError. The error
// properties of RpcPeer, RpcRequest and RpcServer have this type.
namespace QmlRpcErrorForeign {
Q_NAMESPACE
QML_FOREIGN_NAMESPACE(Fizyr)
QML_NAMED_ELEMENT(RpcError)
} // namespace QmlRpcErrorForeign

// RpcMessage.Request, RpcMessage.Stream, ...: the message types for QML.
namespace QmlRpcMessageType {
Q_NAMESPACE
QML_NAMED_ELEMENT(RpcMessage)

enum Type {
    Request = RpcMessage::Request,
    Response = RpcMessage::Response,
    RequesterUpdate = RpcMessage::RequesterUpdate,
    ResponderUpdate = RpcMessage::ResponderUpdate,
    Stream = RpcMessage::Stream,
};
Q_ENUM_NS(Type)
} // namespace QmlRpcMessageType

class QmlRpcMessage
{
    Q_GADGET
    QML_VALUE_TYPE(rpcMessage)
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    Q_PROPERTY(int type READ type CONSTANT)
    Q_PROPERTY(QString typeName READ typeName CONSTANT)
    Q_PROPERTY(quint32 requestId READ requestId CONSTANT)
    Q_PROPERTY(int serviceId READ serviceId CONSTANT)
    Q_PROPERTY(QByteArray body READ body CONSTANT)
    Q_PROPERTY(int size READ size CONSTANT)
    Q_PROPERTY(QString text READ text CONSTANT)
    Q_PROPERTY(QJsonValue json READ json CONSTANT)
    Q_PROPERTY(bool isError READ isError CONSTANT)
    Q_PROPERTY(QString errorText READ errorText CONSTANT)

public:
    QmlRpcMessage() = default;
    explicit QmlRpcMessage(const RpcMessage &message) : m_message(message), m_valid(true) { }

    RpcMessage message() const { return m_message; }

    bool isValid() const { return m_valid; }
    int type() const { return int(m_message.type()); }
    QString typeName() const;
    quint32 requestId() const { return m_message.requestId(); }
    int serviceId() const { return m_message.serviceId(); }
    QByteArray body() const { return m_message.body(); }
    int size() const { return int(m_message.body().size()); }
    QString text() const;
    QJsonValue json() const;
    bool isError() const { return m_valid && m_message.isError(); }
    QString errorText() const { return m_valid ? m_message.errorText() : QString(); }

    Q_INVOKABLE QString toString() const;

    friend bool operator==(const QmlRpcMessage &a, const QmlRpcMessage &b)
    {
        return a.m_valid == b.m_valid && a.m_message == b.m_message;
    }
    friend bool operator!=(const QmlRpcMessage &a, const QmlRpcMessage &b) { return !(a == b); }

private:
    RpcMessage m_message;
    bool m_valid = false;
};

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCQMLMESSAGE_H

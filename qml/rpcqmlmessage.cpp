// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmlmessage.h"

#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>

namespace Fizyr {

/*!
    \qmlvaluetype rpcMessage
    \inqmlmodule Fizyr.Rpc
    \brief One Fizyr RPC message as QML sees it: a read-only value.

    Signals of RpcPeer and RpcRequest hand over messages as rpcMessage
    values. \c body is an ArrayBuffer; \c text decodes it as UTF-8 and
    \c json parses it as JSON (\c undefined if it is not JSON). \c type is
    one of RpcMessage.Request, RpcMessage.Response,
    RpcMessage.RequesterUpdate, RpcMessage.ResponderUpdate and
    RpcMessage.Stream; \c typeName spells it out as the library, the
    \c fizyr-rpc tool and the logs do: "request", "response",
    "requester-update", "responder-update" or "stream" (see
    Fizyr::RpcMessage::typeName()). \c valid is false for the empty value,
    e.g. the response of a request that has none yet.
*/

/*!
    \qmltype RpcError
    \inqmlmodule Fizyr.Rpc
    \brief The error codes of Fizyr RPC, as a QML enum.

    The C++ enum Fizyr::RpcError, registered for QML: RpcError.NoError,
    RpcError.ConnectionRefused, RpcError.ConnectionLost,
    RpcError.RemoteError, RpcError.Timeout, RpcError.Canceled and the other
    values of the C++ enum, under the same names. The \c error properties
    of RpcPeer, RpcRequest and RpcServer have this type, and so has the
    \c code of the Error a request's Promise is rejected with. Compare
    with the names:

    \qml
    if (request.error === RpcError.Timeout)
        retry()
    \endqml

    Whether an error ended a connection is not told by its value: in a
    handler of RpcPeer.errorOccurred, RpcPeer.state is RpcPeer.Connected if
    the connection survived it.
*/

QString QmlRpcMessage::typeName() const
{
    return m_valid ? RpcMessage::typeName(m_message.type()) : QString();
}

QString QmlRpcMessage::text() const
{
    return QString::fromUtf8(m_message.body());
}

QJsonValue QmlRpcMessage::json() const
{
    const QByteArray body = m_message.body();
    if (body.trimmed().isEmpty())
        return QJsonValue(QJsonValue::Undefined);
    // Wrapped in an array so that scalars ("42", "\"text\"") parse as well.
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson('[' + body + ']', &error);
    if (error.error != QJsonParseError::NoError || document.array().size() != 1)
        return QJsonValue(QJsonValue::Undefined);
    return document.array().first();
}

/*!
    \qmlmethod string rpcMessage::toString()
    A one-line description for logs: type, ids and body size.
*/
QString QmlRpcMessage::toString() const
{
    if (!m_valid)
        return QStringLiteral("rpcMessage(invalid)");
    if (m_message.type() == RpcMessage::Stream)
        return QStringLiteral("rpcMessage(%1, service %2, %3 bytes)")
                .arg(typeName())
                .arg(serviceId())
                .arg(size());
    return QStringLiteral("rpcMessage(%1, request %2, service %3, %4 bytes)")
            .arg(typeName())
            .arg(requestId())
            .arg(serviceId())
            .arg(size());
}

} // namespace Fizyr

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmlinterface.h"

#include "rpcqmlpeer.h"

#include <QtQml/qjsengine.h>

namespace Fizyr {

/*!
    \qmltype RpcInterfaceCall
    \inqmlmodule Fizyr.Rpc
    \brief One call of a service made with RpcInterfaceClient.call().

    A thenable: \c {call.then(onResponse, onError)} works and
    Promise.resolve(call) adopts it; promise() gives a real Promise. It is
    fulfilled with the decoded response body and rejected with an Error
    whose \c message is errorString and \c code the error, an RpcError:
    RpcError.RemoteError for an error response (\c message is then its
    text), RpcError.InvalidBody for a body that does not fit the schema
    (given to call(), or received as the response), or the connection's or
    the request's error (RpcError.NotConnected, RpcError.ConnectionLost,
    RpcError.Timeout, RpcError.Canceled...).

    While the call is open, updateReceived brings the server's updates
    decoded by name and sendUpdate() sends the client's. finished is
    emitted exactly once, last, and always from the event loop, so handlers
    connected right after call() returned see everything, even a call
    refused at once.

    Ownership: while open, the library owns the call (destroy() refuses)
    and keeps it alive even if nothing refers to it; destroying the peer
    finishes it with RpcError.ConnectionLost. Once finished, it belongs to
    the JavaScript engine, whose garbage collector deletes it when nothing
    refers to it. Handlers of its signals are disconnected when it finished.
*/

QmlRpcInterfaceCall::QmlRpcInterfaceCall(QmlRpcInterfaceClient *client, const RpcService &service,
                                         QJSEngine *engine)
    : m_client(client), m_service(service), m_engine(engine)
{
    m_format = RpcBodyCodec::Format(client->bodyFormat());
    // Open until finish(): owned by C++ and kept from the collector by a
    // reference of our own.
    QJSEngine::setObjectOwnership(this, QJSEngine::CppOwnership);
    if (engine)
        m_self = engine->newQObject(this);
}

QmlRpcInterfaceCall::~QmlRpcInterfaceCall()
{
    // The C++ request, our child, goes with us.
    if (m_request)
        QObject::disconnect(m_request, nullptr, this, nullptr);
}

void QmlRpcInterfaceCall::start(RpcRequest *request)
{
    m_request = request;
    m_requestId = request->requestId();
    request->setParent(this);
    connect(request, &RpcRequest::updateReceived, this, &QmlRpcInterfaceCall::handleUpdate);
    connect(request, &RpcRequest::finished, this, &QmlRpcInterfaceCall::handleFinished);
    if (request->isFinished())
        QMetaObject::invokeMethod(this, &QmlRpcInterfaceCall::handleFinished, Qt::QueuedConnection);
}

void QmlRpcInterfaceCall::fail(RpcError error, const QString &text)
{
    m_error = error;
    m_errorString = text;
    QMetaObject::invokeMethod(this, &QmlRpcInterfaceCall::finish, Qt::QueuedConnection);
}

/*!
    \qmlproperty string RpcInterfaceCall::service
    \qmlproperty int RpcInterfaceCall::serviceId
    The name and id of the service called.
*/

/*!
    \qmlproperty int RpcInterfaceCall::requestId
    The request id on the wire; 0 for a call that was refused before it was
    sent.
*/
quint32 QmlRpcInterfaceCall::requestId() const
{
    return m_requestId;
}

/*!
    \qmlproperty bool RpcInterfaceCall::open
    \c true until the call finished.
*/

/*!
    \qmlproperty var RpcInterfaceCall::response
    The decoded response body once the call succeeded; \c undefined before
    and after a failure.
*/

/*!
    \qmlproperty RpcError RpcInterfaceCall::error
    \qmlproperty string RpcInterfaceCall::errorString
    How the call failed, once finished: RpcError.NoError and an empty string
    while open or after a response.
*/

/*!
    \qmlsignal RpcInterfaceCall::updateReceived(string name, var body)
    The server sent the response update \a name with the decoded \a body.
*/

/*!
    \qmlsignal RpcInterfaceCall::invalidMessageReceived(string errorString)
    The server sent an update that the interface does not know or whose
    body does not fit its type; the call stays open.
*/

/*!
    \qmlsignal RpcInterfaceCall::responseReceived(var body)
    The call succeeded with the decoded response \a body; finished follows.
*/

/*!
    \qmlsignal RpcInterfaceCall::errorOccurred(string errorString)
    The call failed; \c error says how. finished follows.
*/

/*!
    \qmlsignal RpcInterfaceCall::finished()
    The call is over, with a response or an error. Emitted once, last.
*/

void QmlRpcInterfaceCall::handleUpdate(const RpcMessage &update)
{
    const RpcUpdate definition = m_service.responseUpdateById(update.serviceId());
    if (!definition.isValid()) {
        Q_EMIT invalidMessageReceived(
                QStringLiteral("update id %1 is not a response update of service `%2`")
                        .arg(update.serviceId())
                        .arg(m_service.name()));
        return;
    }
    QJSValue body;
    QString error;
    if (!m_client || !m_client->decode(definition.bodyType(), update.body(), &body, &error)) {
        Q_EMIT invalidMessageReceived(
                QStringLiteral("invalid body for %1: %2").arg(definition.name(), error));
        return;
    }
    Q_EMIT updateReceived(definition.name(), body);
}

void QmlRpcInterfaceCall::handleFinished()
{
    if (m_finished || !m_request)
        return;
    // A response with the service's own (negative) id is a body, not an error
    // (RpcService::isErrorResponse()), even though the core finished the
    // request with RpcError::RemoteError.
    if (m_request->error() != RpcError::NoError
        && (!m_request->hasResponse() || m_service.isErrorResponse(m_request->response()))) {
        m_error = m_request->error();
        m_errorString = m_request->errorString();
    } else {
        QString error;
        QJSValue body;
        if (m_client
            && m_client->decode(m_service.responseType(), m_request->response().body(), &body,
                                &error)) {
            m_response = body;
        } else {
            m_error = RpcError::InvalidBody;
            m_errorString = QStringLiteral("invalid response body for `%1`: %2")
                                    .arg(m_service.name(),
                                         m_client ? error : QStringLiteral("the client is gone"));
        }
    }
    finish();
}

void QmlRpcInterfaceCall::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    if (m_error != RpcError::NoError)
        Q_EMIT errorOccurred(m_errorString);
    else
        Q_EMIT responseReceived(m_response);
    Q_EMIT finished();
    settle();
    disconnect(this, &QmlRpcInterfaceCall::updateReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::invalidMessageReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::responseReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::errorOccurred, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::finished, nullptr, nullptr);
    QJSEngine::setObjectOwnership(this, QJSEngine::JavaScriptOwnership);
    m_self = QJSValue();
}

/*!
    \qmlmethod bool RpcInterfaceCall::sendUpdate(string name, var body)
    Sends the request update \a name of the service with \a body encoded by
    its type. Returns \c false if it could not be sent (the call is
    finished, the connection is gone). Throws a TypeError, sending nothing,
    if the service has no request update \a name or \a body does not fit
    its type; the message names the field.
*/
bool QmlRpcInterfaceCall::sendUpdate(const QString &name, const QJSValue &body)
{
    const RpcUpdate definition = m_service.requestUpdate(name);
    QString error;
    QByteArray bytes;
    if (!definition.isValid()) {
        error = QStringLiteral("service `%1` has no request update `%2`")
                        .arg(m_service.name(), name);
    } else if (!m_client) {
        error = QStringLiteral("the client of this call is gone");
    } else if (m_client->encode(definition.bodyType(), body, &bytes, &error)) {
        return m_request && !m_finished && m_request->sendUpdate(definition.id(), bytes);
    } else {
        error = QStringLiteral("invalid body for %1: %2").arg(name, error);
    }
    if (m_engine)
        m_engine->throwError(QJSValue::TypeError, QStringLiteral("sendUpdate: ") + error);
    return false;
}

/*!
    \qmlmethod bool RpcInterfaceCall::cancel()
    Asks the server to stop: if the service has a request update named
    \c cancel, sends it (with the default value of its type, \c null for
    \c{()}) and returns \c true; the call then finishes with whatever the
    server answers. Otherwise aborts the call (see abort()) and returns
    \c false.
*/
bool QmlRpcInterfaceCall::cancel()
{
    const RpcUpdate definition = m_service.requestUpdate(QStringLiteral("cancel"));
    if (definition.isValid() && m_request && !m_finished && m_client) {
        QByteArray bytes;
        QString error;
        const QVariant value = RpcBodyCodec::defaultValue(definition.bodyType());
        if (RpcBodyCodec::encode(definition.bodyType(), value, m_format, &bytes, &error)
            && m_request->sendUpdate(definition.id(), bytes))
            return true;
    }
    abort();
    return false;
}

// The client is being destroyed: nothing may reach JavaScript any more (no
// signal, no settled promise). The server is told with the `cancel` update
// where the service has one; the call ends as canceled.
void QmlRpcInterfaceCall::abandon()
{
    if (m_finished)
        return;
    disconnect(this, &QmlRpcInterfaceCall::updateReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::invalidMessageReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::responseReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::errorOccurred, nullptr, nullptr);
    disconnect(this, &QmlRpcInterfaceCall::finished, nullptr, nullptr);
    m_resolve = QJSValue();
    m_reject = QJSValue();
    const RpcUpdate definition = m_service.requestUpdate(QStringLiteral("cancel"));
    if (definition.isValid() && m_request) {
        QByteArray bytes;
        const QVariant value = RpcBodyCodec::defaultValue(definition.bodyType());
        if (RpcBodyCodec::encode(definition.bodyType(), value, m_format, &bytes, nullptr))
            m_request->sendUpdate(definition.id(), bytes);
    }
    m_error = RpcError::Canceled;
    m_errorString = QStringLiteral("the client of the call was destroyed");
    finish();
}

/*!
    \qmlmethod void RpcInterfaceCall::abort()
    Stops waiting: the call finishes with RpcError.Canceled without telling
    the server.
*/
void QmlRpcInterfaceCall::abort()
{
    if (m_request && !m_finished)
        m_request->abort();
}

/*!
    \qmlmethod Promise RpcInterfaceCall::promise()
    A Promise fulfilled with the decoded response body or rejected with an
    Error when the call finishes.
*/
QJSValue QmlRpcInterfaceCall::promise()
{
    if (!m_engine)
        return QJSValue();
    if (m_promise.isUndefined()) {
        const QmlUtil::Deferred deferred = QmlUtil::makeDeferred(m_engine, &m_scripts);
        m_promise = deferred.promise;
        m_resolve = deferred.resolve;
        m_reject = deferred.reject;
        if (m_finished) {
            settle();
            return deferred.promise;
        }
    }
    return m_promise;
}

/*!
    \qmlmethod Promise RpcInterfaceCall::then(function onFulfilled, function onRejected)
    Same as \c {promise().then(onFulfilled, onRejected)}.
*/
QJSValue QmlRpcInterfaceCall::then(const QJSValue &onFulfilled, const QJSValue &onRejected)
{
    QJSValue p = promise();
    return p.property(QStringLiteral("then")).callWithInstance(p, {onFulfilled, onRejected});
}

void QmlRpcInterfaceCall::settle()
{
    if (m_resolve.isUndefined() || !m_engine)
        return;
    if (m_error == RpcError::NoError)
        m_resolve.call({m_response});
    else
        m_reject.call({QmlUtil::makeError(m_engine, m_error, m_errorString)});
    m_resolve = QJSValue();
    m_reject = QJSValue();
    m_promise = QJSValue();
}

} // namespace Fizyr

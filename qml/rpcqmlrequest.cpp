// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmlrequest.h"

#include "rpcqmlpeer.h"
#include "rpcqmlutil_p.h"

#include <QtQml/qjsengine.h>
#include <QtQml/qqmlinfo.h>

namespace Fizyr {

/*!
    \qmltype RpcRequest
    \inqmlmodule Fizyr.Rpc
    \brief One request, sent with RpcPeer.sendRequest() or received through
    RpcPeer.requestReceived.

    While the request is open, updates go both ways: sendUpdate() sends one,
    updateReceived brings the other side's. An outgoing request finishes
    with the response (responseReceived), or with an error (errorOccurred):
    an error response, a lost connection, a timeout or abort(). An incoming
    request finishes when you answer it with sendResponse() or
    sendErrorResponse(). finished is emitted exactly once, last.

    The request is a thenable: \c {request.then(onResponse, onError)} works
    and Promise.resolve(request) adopts it; promise() gives a real Promise. It is
    fulfilled with the response (an rpcMessage) and rejected with an Error
    whose \c message is errorString, \c code the error (an RpcError value,
    RpcError.RemoteError for an error response) and, for error responses,
    \c response the response message.

    Ownership: while the request is open, the library owns it (destroy()
    refuses) and keeps it alive even if no JavaScript variable refers to it,
    so that its signals and its promise are delivered; destroying its peer
    finishes it. Once finished, it
    belongs to the JavaScript engine, and the garbage collector deletes it as
    soon as nothing refers to it. Handlers connected to its signals are
    disconnected when it finishes (they cannot fire any more), so a handler
    that refers to the request does not keep it alive.
*/

QmlRpcRequest::QmlRpcRequest(RpcRequest *request, QmlRpcPeer *peer, QJSEngine *engine)
    : m_request(request), m_peer(peer), m_engine(engine), m_message(request->requestMessage())
{
    request->setParent(this);
    connect(request, &RpcRequest::updateReceived, this,
            [this](const RpcMessage &update) { Q_EMIT updateReceived(QmlRpcMessage(update)); });
    connect(request, &RpcRequest::finished, this, &QmlRpcRequest::finish);
    connect(request, &RpcRequest::errorChanged, this, &QmlRpcRequest::errorChanged);
    connect(request, &RpcRequest::timeoutChanged, this, &QmlRpcRequest::timeoutChanged);
    if (engine && !request->isFinished()) {
        // While open: owned by C++ (destroy() refuses) and kept from the
        // collector by a reference of our own. Not a child of the peer: QML
        // takes the children of a destroyed object for dead at once, and a
        // request outlives its peer as a finished one.
        QJSEngine::setObjectOwnership(this, QJSEngine::CppOwnership);
        m_self = engine->newQObject(this);
    } else {
        QJSEngine::setObjectOwnership(this, QJSEngine::JavaScriptOwnership);
    }
    if (request->isFinished())
        finish();
}

QmlRpcRequest::~QmlRpcRequest()
{
    // Deleted by the garbage collector or the engine's shutdown: the C++
    // request, our child, goes with us (an open outgoing one is abandoned).
}

quint32 QmlRpcRequest::requestId() const
{
    return m_message.requestId();
}

int QmlRpcRequest::serviceId() const
{
    return m_message.serviceId();
}

/*!
    \qmlproperty bool RpcRequest::incoming
    \c true for a request the other side sent, \c false for ours.
*/
bool QmlRpcRequest::isIncoming() const
{
    return m_request && m_request->direction() == RpcRequest::Incoming;
}

/*!
    \qmlproperty rpcMessage RpcRequest::message
    The request message itself; \c body, \c text and \c json are shortcuts
    to its fields.
*/
QmlRpcMessage QmlRpcRequest::message() const
{
    return m_message;
}

QByteArray QmlRpcRequest::body() const
{
    return m_message.body();
}

QString QmlRpcRequest::text() const
{
    return m_message.text();
}

QJsonValue QmlRpcRequest::json() const
{
    return m_message.json();
}

/*!
    \qmlproperty int RpcRequest::timeout
    Milliseconds after which an outgoing request fails with a timeout if no
    response came; 0 (the default, unless the peer's \c timeout says
    otherwise) waits for ever.
*/
int QmlRpcRequest::timeout() const
{
    return m_request ? m_request->timeout() : 0;
}

void QmlRpcRequest::setTimeout(int msecs)
{
    if (m_request)
        m_request->setTimeout(msecs);
}

/*!
    \qmlproperty bool RpcRequest::open
    \c true until the request finished; turns \c false when finished is
    emitted.
*/

/*!
    \qmlproperty rpcMessage RpcRequest::response
    The response once there is one: for a request we sent, the one received
    (an error response too); for an incoming request, the one we sent. Its
    \c valid is \c false before that and on a request that finished
    without a response (a lost connection, a timeout, abort()).
*/
QmlRpcMessage QmlRpcRequest::response() const
{
    return m_request && m_request->hasResponse() ? QmlRpcMessage(m_request->response())
                                                 : QmlRpcMessage();
}

/*!
    \qmlproperty RpcError RpcRequest::error
    \qmlproperty string RpcRequest::errorString
    Why the request failed (RpcError.RemoteError for an error response,
    RpcError.ConnectionLost, RpcError.Timeout, RpcError.Canceled, ...), or
    why the last send on the open request failed, and its text;
    RpcError.NoError and an empty string otherwise. These are the C++
    request's own values: errorChanged is emitted on every change,
    including the reset when the request finishes well after a failed send.
*/

/*!
    \qmlsignal RpcRequest::errorChanged()
    \c error or \c errorString changed; emitted on every change.
*/

/*!
    \qmlsignal RpcRequest::errorOccurred(string errorString)
    The request finished with an error: an error response, a lost
    connection, a timeout or abort(). \c error tells which. Emitted once,
    before finished.
*/

/*!
    \qmlsignal RpcRequest::finished()
    The request finished, well or not; emitted exactly once, last. A
    signal only (no property has this name), so
    \c{request.finished.connect(handler)} works from JavaScript; the
    \c open property tells whether the request finished.
*/

RpcError QmlRpcRequest::error() const
{
    return m_request ? m_request->error() : RpcError::NoError;
}

QString QmlRpcRequest::errorString() const
{
    return m_request ? m_request->errorString() : QString();
}

/*!
    \qmlmethod bool RpcRequest::sendUpdate(int serviceId, var body)
    Sends an update while the request is open: a requester update on our
    own requests, a responder update on incoming ones. \a body is a string
    (sent as UTF-8), an ArrayBuffer or typed array (sent as is) or any other
    value JSON.stringify() accepts (sent as JSON). Returns \c false, sending
    nothing, if the request is finished or the message could not be sent;
    on an open request errorString then says why (on a finished one it keeps
    describing how the request finished).
*/
bool QmlRpcRequest::sendUpdate(int serviceId, const QJSValue &body)
{
    QByteArray bytes;
    if (!m_engine || !QmlUtil::bodyFromJs(m_engine, scripts(), body, "sendUpdate", &bytes))
        return false;
    return m_request && m_request->sendUpdate(serviceId, bytes);
}

/*!
    \qmlmethod bool RpcRequest::sendResponse(int serviceId, var body)
    Answers an incoming request, which finishes it. \a body as in
    sendUpdate(). Returns \c false if the request is not an open incoming
    one or the response could not be sent.
*/
bool QmlRpcRequest::sendResponse(int serviceId, const QJSValue &body)
{
    QByteArray bytes;
    if (!m_engine || !QmlUtil::bodyFromJs(m_engine, scripts(), body, "sendResponse", &bytes))
        return false;
    return m_request && m_request->sendResponse(serviceId, bytes);
}

/*!
    \qmlmethod bool RpcRequest::sendErrorResponse(string text)
    Answers an incoming request with an error response carrying \a text,
    which finishes it.
*/
bool QmlRpcRequest::sendErrorResponse(const QString &text)
{
    return m_request && m_request->sendErrorResponse(text);
}

/*!
    \qmlmethod void RpcRequest::abort()
    Gives up an open outgoing request: it finishes with a "canceled" error
    and a late response is ignored.
*/
void QmlRpcRequest::abort()
{
    if (m_request)
        m_request->abort();
}

/*!
    \qmlmethod Promise RpcRequest::promise()
    A Promise fulfilled with the response or rejected with an Error when the
    request finishes.
*/
QJSValue QmlRpcRequest::promise()
{
    if (!m_engine)
        return QJSValue();
    if (m_promise.isUndefined()) {
        const QmlUtil::Deferred deferred = QmlUtil::makeDeferred(m_engine, scripts());
        m_promise = deferred.promise;
        m_resolve = deferred.resolve;
        m_reject = deferred.reject;
        if (m_finished) {
            settle(); // clears m_promise
            return deferred.promise;
        }
    }
    return m_promise;
}

/*!
    \qmlmethod Promise RpcRequest::then(function onFulfilled, function onRejected)
    Same as \c {promise().then(onFulfilled, onRejected)}.
*/
QJSValue QmlRpcRequest::then(const QJSValue &onFulfilled, const QJSValue &onRejected)
{
    QJSValue p = promise();
    return p.property(QStringLiteral("then")).callWithInstance(p, {onFulfilled, onRejected});
}

QmlUtil::Scripts *QmlRpcRequest::scripts()
{
    // The peer's, shared by its requests; our own once the peer is gone.
    return m_peer ? m_peer->scripts() : &m_ownScripts;
}

void QmlRpcRequest::finish()
{
    // The C++ request finished; its error (errorChanged was emitted for it)
    // and response are final.
    if (m_finished || !m_request)
        return;
    m_finished = true;
    if (m_request->error() != RpcError::NoError) {
        Q_EMIT errorOccurred(m_request->errorString());
    } else if (!isIncoming()) {
        Q_EMIT responseReceived(response());
    }
    Q_EMIT finished();
    settle();
    // These signals are over: drop their JavaScript handlers, whose closures
    // may refer to this request and would keep it from the collector.
    disconnect(this, &QmlRpcRequest::updateReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcRequest::responseReceived, nullptr, nullptr);
    disconnect(this, &QmlRpcRequest::errorOccurred, nullptr, nullptr);
    disconnect(this, &QmlRpcRequest::finished, nullptr, nullptr);
    // From now on the garbage collector may take us once nothing refers to us.
    QJSEngine::setObjectOwnership(this, QJSEngine::JavaScriptOwnership);
    m_self = QJSValue();
}

void QmlRpcRequest::settle()
{
    if (m_resolve.isUndefined() || !m_engine)
        return;
    const QmlRpcMessage message = response();
    const QJSValue value = message.isValid() ? m_engine->toScriptValue(message)
                                             : QJSValue(QJSValue::UndefinedValue);
    if (error() == RpcError::NoError)
        m_resolve.call({value});
    else
        m_reject.call({QmlUtil::makeError(m_engine, error(), errorString(), value)});
    m_resolve = QJSValue();
    m_reject = QJSValue();
    m_promise = QJSValue();
}

} // namespace Fizyr

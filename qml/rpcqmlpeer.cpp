// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmlpeer.h"

#include "rpcqmlrequest.h"
#include "rpcqmlserver.h"
#include "rpcqmlutil_p.h"

#include <FizyrRpcQt/rpcaddress.h>
#include <FizyrRpcQt/rpcrequest.h>

#include <QtCore/qmetaobject.h>
#include <QtQml/qjsengine.h>
#include <QtQml/qqmlengine.h>
#include <QtQml/qqmlinfo.h>

namespace Fizyr {

/*!
    \qmltype RpcPeer
    \inqmlmodule Fizyr.Rpc
    \brief One end of a Fizyr RPC connection.

    Declare a peer with an \c address (\c{tcp://host:port},
    \c{unix:/path} or \c{seqpacket:/path}) and set \c active to connect:

    \qml
    RpcPeer {
        id: peer
        address: "tcp://127.0.0.1:12345"
        active: true
        onConnected: peer.call(1, "Hello World!").then(response => console.log(response.text))
    }
    \endqml

    \c active is what you ask for, \c state what is: when the connection
    fails or ends, \c active falls back to \c false and \c errorString
    says why. With \c autoReconnect the peer connects again by itself
    instead, with a growing delay, and \c active stays \c true (see
    "Staying connected" in doc/qml.md). Changing \c address while active
    reconnects to the new address.

    Peers that an RpcServer accepts are RpcPeer objects too, handed over by
    RpcServer.peerConnected; they belong to the server, which deletes them
    after they disconnected.

    An incoming request nobody handles (no handler for requestReceived here
    or on the server) is answered with an error response at once, as the
    C++ RpcPeer does.
*/

QmlRpcPeer::QmlRpcPeer(QObject *parent) : QObject(parent), m_peer(new RpcPeer(this))
{
    setUp();
}

QmlRpcPeer::QmlRpcPeer(RpcPeer *peer, QmlRpcServer *server, QJSEngine *engine)
    : QObject(server), m_peer(peer), m_server(server), m_engine(engine)
{
    peer->setParent(this);
    m_address = peer->peerAddress().toString();
    m_active = peer->state() != RpcPeer::UnconnectedState;
    QJSEngine::setObjectOwnership(this, QJSEngine::CppOwnership);
    setUp();
}

QmlRpcPeer::~QmlRpcPeer()
{
    // Nothing of the C++ peer or of our requests may call back into a
    // half-destroyed object.
    QObject::disconnect(m_peer, nullptr, this, nullptr);
    const QList<QPointer<QmlRpcRequest>> open = std::exchange(m_open, {});
    for (const QPointer<QmlRpcRequest> &request : open) {
        if (request)
            QObject::disconnect(request, nullptr, this, nullptr);
    }
    // Open requests outlive the connection only as finished ones: the C++
    // peer finishes the requests it tracks, which belong to their wrappers,
    // with ConnectionLost when it is destroyed.
    delete std::exchange(m_peer, nullptr);
}

void QmlRpcPeer::setUp()
{
    connect(m_peer, &RpcPeer::stateChanged, this, &QmlRpcPeer::handleStateChanged);
    connect(m_peer, &RpcPeer::connected, this, &QmlRpcPeer::connected);
    connect(m_peer, &RpcPeer::reconnected, this, &QmlRpcPeer::reconnected);
    connect(m_peer, &RpcPeer::autoReconnectChanged, this, &QmlRpcPeer::autoReconnectChanged);
    connect(m_peer, &RpcPeer::reconnectSettingsChanged, this,
            &QmlRpcPeer::reconnectSettingsChanged);
    connect(m_peer, &RpcPeer::disconnected, this, &QmlRpcPeer::handleDisconnected);
    connect(m_peer, &RpcPeer::errorOccurred, this, &QmlRpcPeer::handleError);
    connect(m_peer, &RpcPeer::errorChanged, this, &QmlRpcPeer::errorChanged);
    connect(m_peer, &RpcPeer::requestReceived, this, &QmlRpcPeer::handleRequest);
    connect(m_peer, &RpcPeer::streamReceived, this, &QmlRpcPeer::handleStream);
    connect(m_peer, &RpcPeer::defaultTimeoutChanged, this, &QmlRpcPeer::timeoutChanged);
    setUpFlowControl();
}

QJSEngine *QmlRpcPeer::engine() const
{
    return m_engine ? m_engine.data() : qjsEngine(this);
}

/*!
    \qmlproperty RpcPeer RpcPeer::rpcPeer
    \readonly
    The C++ \l{Fizyr::RpcPeer} behind this QML peer, for C++ code that
    works on it: the QML module of a typed interface (see
    \c{fizyr_rpc_add_interface(... QML_URI ...)}) and applications' own
    types reach it through the meta-object, for example
    \c{qobject_cast<Fizyr::RpcPeer *>(object->property("rpcPeer").value<QObject *>())}.
    It is the same object for the whole life of this RpcPeer (connecting
    again reuses it), owned by this RpcPeer and deleted with it; it lives in
    the thread of the QML engine. Use it from C++ only: changing its
    connection behind this RpcPeer's back (\c connectToServer(),
    \c disconnectFromServer()) is not supported, use \c active instead.
*/

/*!
    \qmlproperty string RpcPeer::address
    Where to connect: \c{tcp://host:port}, \c{unix:/path} or
    \c{seqpacket:/path}. For a peer accepted by an RpcServer, the address
    of the other side as far as the transport knows it; read-only there.
*/
void QmlRpcPeer::setAddress(const QString &address)
{
    if (address == m_address)
        return;
    if (m_server) {
        qmlWarning(this) << "the address of a peer accepted by a server cannot be changed";
        return;
    }
    m_address = address;
    Q_EMIT addressChanged();
    if (m_active && m_complete && m_peer->state() != RpcPeer::UnconnectedState) {
        m_reconnect = true;
        m_peer->disconnectFromServer();
        return;
    }
    updateConnection();
}

/*!
    \qmlproperty bool RpcPeer::active
    Set to \c true to connect to \c address, to \c false to disconnect. Falls
    back to \c false when the connection attempt fails or the connection
    ends.
*/
void QmlRpcPeer::setActive(bool active)
{
    if (active == m_active)
        return;
    m_active = active;
    Q_EMIT activeChanged();
    updateConnection();
}

void QmlRpcPeer::updateConnection()
{
    if (!m_complete || !m_peer)
        return;
    const RpcPeer::State current = m_peer->state();
    if (m_active && current == RpcPeer::UnconnectedState) {
        if (m_server) {
            // An accepted peer that disconnected cannot connect again.
            m_active = false;
            Q_EMIT activeChanged();
            return;
        }
        applyLiveness();
        m_peer->connectToServer(m_address);
    } else if (m_active && current == RpcPeer::ClosingState && !m_server) {
        // Still closing after active went false: connect again once closed.
        m_reconnect = true;
    } else if (!m_active && current != RpcPeer::UnconnectedState) {
        m_reconnect = false;
        m_peer->disconnectFromServer();
    }
}

void QmlRpcPeer::componentComplete()
{
    m_complete = true;
    updateConnection();
}

/*!
    \qmlproperty enumeration RpcPeer::state
    RpcPeer.Unconnected, RpcPeer.Connecting, RpcPeer.Connected,
    RpcPeer.Closing or, with \c autoReconnect, RpcPeer.WaitingToReconnect
    (the connection was lost or an attempt failed; the next attempt follows
    after \c reconnectDelay milliseconds).
*/
QmlRpcPeer::State QmlRpcPeer::state() const
{
    return m_peer ? State(m_peer->state()) : Unconnected;
}

void QmlRpcPeer::handleStateChanged()
{
    // A handler may delete this object (and so the C++ peer).
    QPointer<QmlRpcPeer> guard(this);
    Q_EMIT stateChanged();
    if (!guard || !m_peer || m_peer->state() != RpcPeer::UnconnectedState)
        return;
    if (m_reconnect && m_active) {
        // From the event loop, once the old connection's disconnected() and
        // the requests it finished have been delivered; m_reconnect stays set
        // until then, so that active does not fall back meanwhile.
        QMetaObject::invokeMethod(
                this,
                [this] {
                    if (!m_reconnect)
                        return;
                    m_reconnect = false;
                    if (m_active && m_peer && m_peer->state() == RpcPeer::UnconnectedState) {
                        applyLiveness();
                        m_peer->connectToServer(m_address);
                    }
                },
                Qt::QueuedConnection);
        return;
    }
    if (m_active) {
        m_active = false;
        Q_EMIT activeChanged();
    }
}

void QmlRpcPeer::handleDisconnected()
{
    QPointer<QmlRpcPeer> guard(this);
    Q_EMIT disconnected();
    if (guard && m_server) {
        // The connection of an accepted peer is over for good.
        deleteLater();
    }
}

void QmlRpcPeer::handleError()
{
    // A connection attempt that failed before it got anywhere (a bad
    // address) has no state change to report it: fall back here. The state
    // tells what the error did (the library's contract for errorOccurred):
    // Connected means the connection survived it.
    if (m_active && !m_reconnect && m_peer->state() == RpcPeer::UnconnectedState) {
        m_active = false;
        Q_EMIT activeChanged();
    }
    Q_EMIT errorOccurred(m_peer->errorString());
}

/*!
    \qmlproperty RpcError RpcPeer::error
    \qmlproperty string RpcPeer::errorString
    The last error of the peer and its text: RpcError.NoError and an empty
    string when there is none. The C++ peer's own values, with errorChanged
    emitted on every change: when an error happens, when a send fails
    (sendStream() returning \c false) and when a new connection attempt
    clears them. Compare \c error with the names of the RpcError enum, for
    example \c{peer.error === RpcError.ConnectionRefused}.
*/
RpcError QmlRpcPeer::error() const
{
    return m_peer ? m_peer->error() : RpcError::NoError;
}

QString QmlRpcPeer::errorString() const
{
    return m_peer ? m_peer->errorString() : QString();
}

/*!
    \qmlsignal RpcPeer::errorOccurred(string errorString)
    Something went wrong on the connection; \a errorString is its text and
    \c error its code. In a handler, \c state tells what the error did:
    RpcPeer.Connected means the connection survived it (for example a
    protocol error by the other side, such as an update for an unknown
    request); any other state means the connection is closing or closed
    (disconnected follows) or never came up. Failed sends do not emit it:
    they say so through their return value and \c errorString.
*/

/*!
    \qmlsignal RpcPeer::errorChanged()
    \c error or \c errorString changed; emitted on every change, including
    the reset to RpcError.NoError when a connection attempt starts.
*/

/*!
    \qmlproperty int RpcPeer::timeout
    The timeout in milliseconds given to each request sent from now on;
    0 (the default) waits for ever. RpcRequest.timeout changes it for one
    request. It is the C++ peer's RpcPeer::defaultTimeout (\c{rpcPeer.defaultTimeout}).
*/
void QmlRpcPeer::setTimeout(int msecs)
{
    m_peer->setDefaultTimeout(msecs);
}

/*!
    \qmlproperty bool RpcPeer::autoReconnect
    \qmlproperty int RpcPeer::reconnectInitialDelay
    \qmlproperty int RpcPeer::reconnectMaxDelay
    \qmlproperty int RpcPeer::maxReconnectAttempts

    Reconnecting, as the C++ \l{Fizyr::RpcPeer} does it. With
    \c autoReconnect (default \c false) the peer connects again by itself
    after the connection was lost or an attempt failed, and \c active stays
    \c true. The delay between attempts starts at \c reconnectInitialDelay
    milliseconds (default 500), doubles after every failed attempt up to
    \c reconnectMaxDelay (default 30000), each shortened at random by up to
    a quarter; \c maxReconnectAttempts bounds the attempts after a loss (0,
    the default: no limit), after which \c active falls back to \c false.
    Setting \c active to \c false, disconnectFromServer() and abort() stop
    reconnecting. Requests open at the loss are rejected once with
    RpcError.ConnectionLost; requests sent while the connection is down are
    rejected at once with RpcError.NotConnected. See "Staying connected" in
    doc/qml.md.
*/

/*!
    \qmlproperty int RpcPeer::reconnectAttempt
    \readonly
    The number of the automatic attempt awaited (state
    RpcPeer.WaitingToReconnect) or under way (RpcPeer.Connecting): 1 for the
    first after a loss; 0 while connected.
*/

/*!
    \qmlproperty int RpcPeer::reconnectDelay
    \readonly
    In state RpcPeer.WaitingToReconnect, the delay in milliseconds chosen for
    the current wait; 0 otherwise. remainingReconnectDelay() tells how much of
    it is left.
*/

/*!
    \qmlmethod int RpcPeer::remainingReconnectDelay()
    The milliseconds until the next attempt in state
    RpcPeer.WaitingToReconnect, 0 otherwise: read it from a Timer to show a
    countdown ("reconnecting in 4 s").
*/
int QmlRpcPeer::remainingReconnectDelay() const
{
    return m_peer ? m_peer->remainingReconnectDelay() : 0;
}

/*!
    \qmlmethod void RpcPeer::reconnectNow()
    In state RpcPeer.WaitingToReconnect, makes the next attempt now; does
    nothing otherwise.
*/
void QmlRpcPeer::reconnectNow()
{
    if (m_peer)
        m_peer->reconnectNow();
}

/*!
    \qmlsignal RpcPeer::reconnected()
    Emitted right after connected when the connection came up again after a
    loss (\c autoReconnect): send long-running requests (subscriptions) again
    here.
*/

/*!
    \qmlproperty int RpcPeer::openRequestCount
    How many requests of this peer, sent or received, are open.
*/

QmlRpcRequest *QmlRpcPeer::wrap(RpcRequest *request)
{
    auto *wrapped = new QmlRpcRequest(request, this, engine());
    if (!wrapped->isFinished()) {
        m_open.append(wrapped);
        connect(wrapped, &QmlRpcRequest::finished, this, [this, wrapped] { forget(wrapped); });
        connect(wrapped, &QObject::destroyed, this, [this] {
            if (m_open.removeAll(nullptr) > 0)
                Q_EMIT openRequestCountChanged();
        });
        Q_EMIT openRequestCountChanged();
    }
    return wrapped;
}

void QmlRpcPeer::forget(QmlRpcRequest *request)
{
    if (m_open.removeOne(request))
        Q_EMIT openRequestCountChanged();
}

/*!
    \qmlmethod RpcRequest RpcPeer::sendRequest(int serviceId, var body)
    Sends a request for \a serviceId and returns the RpcRequest that tracks
    it. \a body is a string (sent as UTF-8), an ArrayBuffer or typed array
    (sent as is) or any other value JSON.stringify() accepts (sent as JSON);
    anything else throws a TypeError. The result is never null: a request
    that cannot be sent (not connected, body too large) finishes with that
    error from the event loop, or when the peer is destroyed before that.
*/
QmlRpcRequest *QmlRpcPeer::sendRequest(int serviceId, const QJSValue &body)
{
    QJSEngine *jsEngine = engine();
    if (!jsEngine) {
        qmlWarning(this) << "sendRequest() needs a QML or JavaScript engine";
        return nullptr;
    }
    QByteArray bytes;
    if (!QmlUtil::bodyFromJs(jsEngine, &m_scripts, body, "sendRequest", &bytes))
        return nullptr;
    RpcRequest *request = m_peer->sendRequest(serviceId, bytes);
    return wrap(request);
}

/*!
    \qmlmethod Promise RpcPeer::call(int serviceId, var body)
    Sends a request like sendRequest() and returns a Promise of its
    response: fulfilled with the response message, rejected with an Error
    (\c message, \c code, an RpcError such as RpcError.RemoteError, and,
    for an error response, \c response).

    \qml
    peer.call(1, { name: "world" })
        .then(response => console.log(response.json.greeting))
        .catch(error => console.log("failed:", error.message))
    \endqml
*/
QJSValue QmlRpcPeer::call(int serviceId, const QJSValue &body)
{
    QmlRpcRequest *request = sendRequest(serviceId, body);
    if (!request)
        return QJSValue();
    return request->promise();
}

/*!
    \qmlmethod bool RpcPeer::sendStream(int serviceId, var body)
    Sends a stream message; \a body as in sendRequest(). Returns \c false,
    sending nothing, if it cannot be sent; errorString says why.
*/
bool QmlRpcPeer::sendStream(int serviceId, const QJSValue &body)
{
    QJSEngine *jsEngine = engine();
    QByteArray bytes;
    if (!jsEngine || !QmlUtil::bodyFromJs(jsEngine, &m_scripts, body, "sendStream", &bytes))
        return false;
    return m_peer->sendStream(serviceId, bytes);
}

/*!
    \qmlmethod void RpcPeer::disconnectFromServer()
    Closes the connection after what is queued has been written; sets
    \c active to \c false.
*/
void QmlRpcPeer::disconnectFromServer()
{
    m_reconnect = false;
    if (m_active) {
        m_active = false;
        Q_EMIT activeChanged();
    }
    m_peer->disconnectFromServer();
}

/*!
    \qmlmethod void RpcPeer::abort()
    Drops the connection at once, discarding what is queued.
*/
void QmlRpcPeer::abort()
{
    m_reconnect = false;
    m_peer->abort();
}

bool QmlRpcPeer::hasRequestHandler() const
{
    static const QMetaMethod signal = QMetaMethod::fromSignal(&QmlRpcPeer::requestReceived);
    return isSignalConnected(signal) || (m_server && m_server->hasRequestHandler());
}

/*!
    \qmlmethod void RpcPeer::claimServices(QtObject handler, list<int> serviceIds)
    Leaves the requests for \a serviceIds on this peer to \a handler, which
    handles them on the C++ peer (\c rpcPeer) itself: they are not reported
    by requestReceived (here or on the server) nor answered as unhandled.
    The claim ends when \a handler is destroyed. The QML types of a typed
    interface (\c{GreeterServer { peer: somePeer }}) claim the services of
    their interface this way; see "Typed interfaces in QML" in doc/qml.md.
*/
void QmlRpcPeer::claimServices(QObject *handler, const QList<int> &serviceIds)
{
    if (handler)
        m_claims.append({handler, serviceIds});
}

bool QmlRpcPeer::isClaimed(int serviceId) const
{
    for (const auto &claim : m_claims) {
        if (claim.first && claim.second.contains(serviceId))
            return true;
    }
    return m_server && m_server->isClaimed(serviceId);
}

void QmlRpcPeer::handleRequest(RpcRequest *request)
{
    if (isClaimed(request->serviceId()))
        return; // a typed server handles it on the C++ peer
    if (!hasRequestHandler() || !engine()) {
        request->sendErrorResponse(
                QStringLiteral("unexpected request for service %1").arg(request->serviceId()));
        request->deleteLater();
        return;
    }
    QmlRpcRequest *wrapped = wrap(request);
    Q_EMIT requestReceived(wrapped);
    if (m_server)
        m_server->emitRequestReceived(wrapped);
}

void QmlRpcPeer::handleStream(const RpcMessage &message)
{
    const QmlRpcMessage value(message);
    Q_EMIT streamReceived(value);
    if (m_server)
        m_server->emitStreamReceived(this, value);
}

/*!
    \qmlsignal RpcPeer::requestReceived(RpcRequest request)
    The other side sent \a request. Answer it with request.sendResponse()
    or request.sendErrorResponse(), now or later.
*/

/*!
    \qmlsignal RpcPeer::streamReceived(rpcMessage message)
    The other side sent a stream message.
*/
} // namespace Fizyr

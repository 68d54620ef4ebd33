// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmlserver.h"

#include "rpcqmlpeer.h"
#include "rpcqmlrequest.h"

#include <FizyrRpcQt/rpcaddress.h>
#include <FizyrRpcQt/rpcpeer.h>

#include <QtCore/qmetaobject.h>
#include <QtQml/qjsengine.h>
#include <QtQml/qqmlinfo.h>

namespace Fizyr {

/*!
    \qmltype RpcServer
    \inqmlmodule Fizyr.Rpc
    \brief Accepts Fizyr RPC connections, so a QML program can host a service.

    \qml
    RpcServer {
        address: "tcp://127.0.0.1:12345"
        listening: true
        onRequestReceived: request => {
            if (request.serviceId === 1)
                request.sendResponse(1, "Goodbye!")
            else
                request.sendErrorResponse("unknown service " + request.serviceId)
        }
    }
    \endqml

    requestReceived and streamReceived report what any accepted peer sends;
    peerConnected hands over each accepted RpcPeer for more. The server owns
    its peers and deletes them after they disconnected (a variable that
    held one then reads \c null). Closing the server stops accepting; it
    does not drop the peers already connected.
*/

QmlRpcServer::QmlRpcServer(QObject *parent) : QObject(parent), m_server(new RpcServer(this))
{
    connect(m_server, &RpcServer::newConnection, this, &QmlRpcServer::acceptPending);
    connect(m_server, &RpcServer::listeningChanged, this, &QmlRpcServer::listeningChanged);
    connect(m_server, &RpcServer::errorChanged, this, &QmlRpcServer::errorChanged);
    connect(m_server, &RpcServer::errorOccurred, this,
            [this] { Q_EMIT errorOccurred(m_server->errorString()); });
}

QmlRpcServer::~QmlRpcServer()
{
    // Peers are our children and go first, while the server still exists.
    const QList<QmlRpcPeer *> peers = findChildren<QmlRpcPeer *>(Qt::FindDirectChildrenOnly);
    qDeleteAll(peers);
}

/*!
    \qmlproperty RpcServer RpcServer::rpcServer
    \readonly
    The C++ \l{Fizyr::RpcServer} behind this QML server, for C++ code
    that works on it (the QML module of a typed interface, applications'
    own types), reached through the meta-object:
    \c{qobject_cast<Fizyr::RpcServer *>(object->property("rpcServer").value<QObject *>())}.
    The same object for the whole life of this RpcServer, owned by it and
    deleted with it; it lives in the thread of the QML engine. Do not take
    its pending connections (\c nextPendingConnection()): this RpcServer
    accepts every connection itself and hands each over as an RpcPeer
    (peerConnected, \c peers), whose \c rpcPeer is the C++ peer.
*/

/*!
    \qmlproperty string RpcServer::address
    Where to listen: \c{tcp://host:port} (port 0 picks a free one),
    \c{unix:/path} or \c{seqpacket:/path}. serverAddress tells the address
    actually bound.
*/
void QmlRpcServer::setAddress(const QString &address)
{
    if (address == m_address)
        return;
    m_address = address;
    Q_EMIT addressChanged();
    if (m_complete && m_wantListening) {
        m_server->close();
        listen();
    }
}

/*!
    \qmlproperty bool RpcServer::listening
    Set to \c true to listen on \c address, to \c false to stop. Reads
    \c false when listening failed; errorString says why.
*/
bool QmlRpcServer::isListening() const
{
    return m_server->isListening();
}

void QmlRpcServer::setListening(bool listening)
{
    m_wantListening = listening;
    if (!m_complete)
        return;
    if (listening && !m_server->isListening())
        listen();
    else if (!listening && m_server->isListening())
        close();
}

/*!
    \qmlproperty string RpcServer::serverAddress
    The address the server listens on, with the real port for
    \c{tcp://host:0}; empty when not listening.
*/

QString QmlRpcServer::serverAddress() const
{
    return m_server->isListening() ? m_server->serverAddress().toString() : QString();
}

void QmlRpcServer::componentComplete()
{
    m_complete = true;
    if (m_wantListening)
        listen();
}

/*!
    \qmlmethod bool RpcServer::listen()
    Starts listening on \c address. Returns \c false on failure, with
    errorString set and errorOccurred emitted.
*/
bool QmlRpcServer::listen()
{
    m_wantListening = true;
    if (m_server->isListening())
        return true;
    if (m_server->listen(m_address))
        return true;
    Q_EMIT errorOccurred(m_server->errorString());
    Q_EMIT listeningChanged();
    return false;
}

/*!
    \qmlmethod void RpcServer::close()
    Stops listening. Connected peers stay connected.
*/
void QmlRpcServer::close()
{
    m_wantListening = false;
    m_server->close();
}

/*!
    \qmlproperty RpcError RpcServer::error
    \qmlproperty string RpcServer::errorString
    Why listening failed, or why accepting a connection failed, and its
    text, for example RpcError.AddressInUse; RpcError.NoError and an empty
    string when there is none. The C++ server's own values, with
    errorChanged emitted on every change: a successful listen() clears
    them.
*/

/*!
    \qmlsignal RpcServer::errorOccurred(string errorString)
    listen() failed, or accepting a connection failed; \a errorString is
    the text and \c error the code.
*/

/*!
    \qmlsignal RpcServer::errorChanged()
    \c error or \c errorString changed; emitted on every change, including
    the reset to RpcError.NoError by a successful listen().
*/

void QmlRpcServer::acceptPending()
{
    while (m_server->hasPendingConnections()) {
        RpcPeer *peer = m_server->nextPendingConnection();
        if (!peer)
            break;
        auto *wrapped = new QmlRpcPeer(peer, this, qjsEngine(this));
        ++m_peerCount;
        connect(wrapped, &QObject::destroyed, this, [this] {
            --m_peerCount;
            Q_EMIT peerCountChanged();
        });
        Q_EMIT peerCountChanged();
        Q_EMIT peerConnected(wrapped);
    }
}

/*!
    \qmlproperty list<RpcPeer> RpcServer::peers
    \readonly
    The connected peers, in the order they connected; changes with
    \c peerCount.
*/
QList<QObject *> QmlRpcServer::peers() const
{
    QList<QObject *> result;
    for (QmlRpcPeer *peer : findChildren<QmlRpcPeer *>(Qt::FindDirectChildrenOnly))
        result.append(peer);
    return result;
}

/*!
    \qmlmethod void RpcServer::claimServices(QtObject handler, list<int> serviceIds)
    Leaves the requests for \a serviceIds, on every peer of this server, to
    \a handler, which handles them on the C++ peers (RpcPeer.rpcPeer)
    itself: they are not reported by requestReceived nor answered as
    unhandled. The claim ends when \a handler is destroyed. The QML types of
    a typed interface (\c{GreeterServer { server: someServer }}) claim the
    services of their interface this way, so that requestReceived keeps
    seeing the other services; see "Typed interfaces in QML" in
    doc/qml.md.
*/
void QmlRpcServer::claimServices(QObject *handler, const QList<int> &serviceIds)
{
    if (handler)
        m_claims.append({handler, serviceIds});
}

bool QmlRpcServer::isClaimed(int serviceId) const
{
    for (const auto &claim : m_claims) {
        if (claim.first && claim.second.contains(serviceId))
            return true;
    }
    return false;
}

bool QmlRpcServer::hasRequestHandler() const
{
    static const QMetaMethod signal = QMetaMethod::fromSignal(&QmlRpcServer::requestReceived);
    return isSignalConnected(signal);
}

void QmlRpcServer::emitRequestReceived(QmlRpcRequest *request)
{
    Q_EMIT requestReceived(request);
}

void QmlRpcServer::emitStreamReceived(QmlRpcPeer *peer, const QmlRpcMessage &message)
{
    Q_EMIT streamReceived(peer, message);
}

/*!
    \qmlsignal RpcServer::peerConnected(RpcPeer peer)
    A peer connected. Its requests and stream messages are also reported by
    the server's requestReceived and streamReceived.
*/

/*!
    \qmlsignal RpcServer::requestReceived(RpcRequest request)
    A peer sent \a request; \c request.peer is the peer.
*/

/*!
    \qmlsignal RpcServer::streamReceived(RpcPeer peer, rpcMessage message)
    \a peer sent a stream message.
*/

/*!
    \qmlproperty string RpcServer::tlsCaFile
    \qmlproperty string RpcServer::tlsCertificateFile
    \qmlproperty string RpcServer::tlsPrivateKeyFile
    \qmlproperty enumeration RpcServer::peerVerifyMode

    TLS for \c{tls://} addresses. tlsCaFile holds the CA certificates (PEM)
    trusted instead of the system's: the client verifies the server with
    them; a server verifies client certificates with them (mutual TLS, with
    peerVerifyMode set to RpcServer.VerifyPeer). tlsCertificateFile and
    tlsPrivateKeyFile are this side's certificate (chain after it) and its
    unencrypted key: required by a server, the client certificate for a
    client. peerVerifyMode is one of RpcServer.AutoVerifyPeer (the default:
    clients verify the server, servers do not ask for client certificates),
    RpcServer.VerifyPeer, RpcServer.QueryPeer and RpcServer.VerifyNone (no
    verification: tests only). Paths may be file: URLs. Changes apply to the
    next connection or listen(); TLS 1.2 is the minimum. See doc/security.md.
*/
void QmlRpcServer::setTlsCaFile(const QString &path)
{
    if (m_tls.caFile == path)
        return;
    m_tls.caFile = path;
    applyTls();
}

void QmlRpcServer::setTlsCertificateFile(const QString &path)
{
    if (m_tls.certificateFile == path)
        return;
    m_tls.certificateFile = path;
    applyTls();
}

void QmlRpcServer::setTlsPrivateKeyFile(const QString &path)
{
    if (m_tls.privateKeyFile == path)
        return;
    m_tls.privateKeyFile = path;
    applyTls();
}

void QmlRpcServer::setPeerVerifyMode(PeerVerifyMode mode)
{
    if (m_tls.peerVerifyMode == int(mode))
        return;
    m_tls.peerVerifyMode = int(mode);
    applyTls();
}

void QmlRpcServer::applyTls()
{
    m_server->setSslConfiguration(m_tls.configuration(this));
    Q_EMIT tlsChanged();
}

} // namespace Fizyr

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcpeer.h"
#include "rpcpeer_p.h"

#include "rpclogging_p.h"
#include "rpcrecording_p.h"
#include "rpcrequest.h"
#include "rpcrequest_p.h"

#include <QtCore/qdeadlinetimer.h>
#include <QtCore/qeventloop.h>
#include <QtCore/qiodevice.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qrandom.h>
#include <QtCore/qthread.h>
#include <QtCore/qtimer.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

namespace Fizyr {

namespace {

// How long auto-deleted requests may wait for their deletion when the peer
// receives nothing more (see RpcPeerPrivate::disposeFinished()).
constexpr int DisposalFallbackMsecs = 500;

// A finished request whose request or response body is at least this large
// goes with its batch's deleteLater(), not with a later batch: its memory is
// then free before the next message is read, and is reused for it (holding
// one more large body per message made every large message land in fresh
// pages; bulk over TCP took twice the CPU). The one posted event costs little
// next to such a body.
constexpr qsizetype LargeBodyBytes = 64 * 1024;

} // namespace

/*!
    \class Fizyr::RpcPeer
    \inmodule FizyrRpcQt
    \brief One end of a Fizyr RPC connection.

    An RpcPeer owns one connection, over TCP, TLS, a Unix stream socket or a
    Unix seqpacket socket, and turns its traffic into signals. Both ends of a
    connection are peers: either may send requests and stream messages;
    "client" and "server" only say who connected.

    \section1 Connecting

    connectToServer() takes an address string (see RpcAddress) and returns at
    once; connected() or errorOccurred() follows from the event loop. A peer
    can also run over a socket that is already connected: setDevice() for a
    QTcpSocket, QLocalSocket or any other open QIODevice, setSocketDescriptor()
    for a connected Unix seqpacket socket. RpcServer hands out peers for
    incoming connections.

    \section1 TLS

    A \c{tls://host:port} address connects with QSslSocket and speaks the
    same framing inside TLS. Configure certificates with
    setSslConfiguration() before connecting; connected() is emitted once the
    handshake has completed, so nothing is ever sent in clear text. Handshake
    problems with the server's certificate are reported by sslErrors() (see
    ignoreSslErrors()); a failed handshake ends the attempt like a refused
    connection: UnconnectedState, errorOccurred() with
    RpcError::TlsHandshakeFailed and an error string that says why.
    peerCertificateChain() and sslConfiguration() describe the session. A
    QSslSocket that is already encrypted can also be given to setDevice().

    \section1 Requests and streams

    sendRequest() sends a request and returns an RpcRequest that reports
    updates and the response. Requests from the other side arrive through
    requestReceived(); answer them with RpcRequest::sendResponse(). If nothing
    is connected to requestReceived(), incoming requests are answered at once
    with the error response "unexpected request for service N". sendStream()
    and streamReceived() carry stand-alone messages.

    \section1 Ownership

    Every RpcRequest, sent or received, is a child of its peer, so none
    outlives it. Delete a request once you are done with it, typically in
    or after its finished() signal, or let the peer do that with
    setAutoDeleteRequests(). A received request that is destroyed before it
    was answered gets an error response, so the requester never waits
    forever.

    A peer may be deleted, with \c delete or deleteLater(), from a slot
    connected to any of its signals or to a signal of one of its requests:
    the connection closes at once, as in the destructor, and no further
    signal is emitted. The same holds for an RpcServer deleted in a slot
    connected to its newConnection().

    \section1 Errors

    errorOccurred() reports connection failures and protocol violations of
    the other side; error() and errorString() describe the last one, and
    errorChanged() is emitted whenever they change (also when a new
    connection resets them, and when a send fails locally).

    In a slot connected to errorOccurred(), state() tells what the error
    did:
    \list
    \li ConnectedState: the connection survived it (a message for an
        unknown request id, a request id that is still open, a datagram that
        is too short on a seqpacket connection). Traffic goes on.
    \li ClosingState: the error is fatal to an established connection (a
        malformed frame on a stream connection, a failed read or write). The
        connection is closing: every open request finishes with
        RpcError::ConnectionLost and disconnected() follows.
    \li UnconnectedState: a connection attempt failed (connection refused,
        no such host or socket, invalid address); disconnected() is not
        emitted, as the connection never came up.
    \li WaitingToReconnectState: with autoReconnect(), a connection attempt
        failed and another one follows (see "Staying connected").
    \endlist
    The peer changes state (and emits stateChanged()) before it emits
    errorOccurred(). Nothing needs to be inferred from the numeric value of
    the RpcError.

    Failures to send (for example a body larger than
    RpcConfig::maxBodyWriteSize()) are not reported through
    errorOccurred(): the send function returns \c false and error() tells
    why (sendStream(), with errorChanged()), or the request finishes with
    the error (sendRequest()).

    When the connection closes, every open request finishes with
    RpcError::ConnectionLost, then disconnected() is emitted.

    \section1 Staying connected

    With autoReconnect() on, a peer that connected with connectToServer()
    connects again by itself after the connection was lost, whatever the
    reason (the server closed it or went away, a read or write failed, a
    protocol error of the other side), and after a failed attempt (also the
    first one). Between attempts it is in WaitingToReconnectState: the
    delay starts at reconnectInitialDelay() and doubles after every failed
    attempt up to reconnectMaxDelay(), each one shortened at random by up to
    a quarter (jitter), so that the clients of a restarted server do not all
    come back at the same moment. maxReconnectAttempts() bounds the attempts
    after a loss (0, the default: no limit); after the last one fails the
    peer stays in UnconnectedState. reconnectAttempt() and reconnectDelay()
    tell a user interface what is going on ("reconnecting in 4 s"), and
    reconnectNow() skips the wait.

    A lost connection goes through the usual steps: ClosingState,
    errorOccurred() if it was an error, every open request finishes once
    with RpcError::ConnectionLost, then WaitingToReconnectState and
    disconnected(). Nothing is queued meanwhile: sendRequest() and
    sendStream() fail at once with RpcError::NotConnected, whose error
    string says that the peer is reconnecting. The next successful attempt
    emits connected(), then reconnected(): the signal to send again the
    long-running requests (subscriptions) that the loss ended. The peer
    object, its settings and everything connected to its signals stay as
    they are, so typed clients built on the peer work again as soon as it is
    connected.

    disconnectFromServer() and abort() stop reconnecting (and end a wait at
    once: UnconnectedState). Deleting the peer at any point, also from a slot
    connected to stateChanged() while waiting or connecting, is safe. Peers
    made with setDevice() or setSocketDescriptor(), and those of an
    RpcServer, do not reconnect.

    \section1 Limits

    Besides the message limits of RpcConfig, a peer keeps at most
    RpcConfig::maxOpenIncomingRequests() received requests open (answered
    or destroyed requests no longer count; 0 means no limit). A request over
    the limit is not delivered: it gets the error response
    "too many open requests (limit N)" at once.

    \section1 Threads

    An RpcPeer and its requests belong to the thread that owns the peer
    (see QObject::moveToThread()); that thread must run an event loop, and
    all functions must be called from it. Nothing blocks the event loop,
    except the waitForConnected() and waitForDisconnected() helpers, meant
    for tests and command-line programs. Connect to a peer's signals from
    other threads with queued connections.
*/

/*!
    \enum Fizyr::RpcPeer::State
    \value UnconnectedState Not connected.
    \value ConnectingState connectToServer() was called; the connection is being set up.
    \value ConnectedState Connected: messages can be sent and received.
    \value ClosingState The connection is closing: disconnectFromServer() was called and
           pending output is being written, or a fatal error occurred.
    \value WaitingToReconnectState With autoReconnect(): the connection made with
           connectToServer() was lost, or an attempt failed, and the next attempt
           follows after reconnectDelay() milliseconds (then ConnectingState).
           Nothing can be sent meanwhile.
*/

/*!
    \fn void Fizyr::RpcPeer::connected()
    Emitted when connectToServer() succeeded.
*/
/*!
    \fn void Fizyr::RpcPeer::disconnected()
    Emitted when a connection that was established has closed, after every
    open request finished with RpcError::ConnectionLost.
*/
/*!
    \fn void Fizyr::RpcPeer::stateChanged(Fizyr::RpcPeer::State state)
    Emitted when the connection state changes to \a state.
*/
/*!
    \fn void Fizyr::RpcPeer::errorOccurred(Fizyr::RpcError error)
    Emitted when \a error occurred; errorString() describes it. state()
    tells whether the connection survived it (ConnectedState) or not: see
    "Errors" in the class description.
*/
/*!
    \fn void Fizyr::RpcPeer::errorChanged()
    Emitted whenever error() or errorString() changes: on errors, on local
    send failures of sendStream(), and when a new connection
    (connectToServer(), setDevice(), setSocketDescriptor()) resets them.
*/
/*!
    \fn void Fizyr::RpcPeer::requestReceived(Fizyr::RpcRequest *request)
    Emitted when the other side sent a \a request. The request is a child of
    the peer; answer it with RpcRequest::sendResponse() or
    RpcRequest::sendErrorResponse(), and delete it (deleteLater()) when done.
*/
/*!
    \fn void Fizyr::RpcPeer::streamReceived(const Fizyr::RpcMessage &message)
    Emitted when the other side sent a stream \a message.
*/

/*!
    Constructs an unconnected peer with \a parent.
*/
RpcPeer::RpcPeer(QObject *parent) : QObject(parent), d_ptr(new RpcPeerPrivate(this))
{
    // The heartbeat runs while connected (RpcConfig::heartbeatInterval()).
    connect(this, &RpcPeer::stateChanged, this, [this] { d_func()->updateHeartbeat(); });
}

/*!
    Destroys the peer, closing its connection at once. Its requests are
    destroyed with it, without emitting signals. A request that was moved to
    another parent outlives the peer: if it is still open, it finishes with
    RpcError::ConnectionLost here; if it was never sent and waits for the
    event loop to finish it (for example with RpcError::NotConnected), it
    finishes here with that error instead. Its peer() is null from now on.
*/
RpcPeer::~RpcPeer()
{
    Q_D(RpcPeer);
    // Children are deleted after this body: detach them so they do not call
    // back. Open requests that were moved to another parent outlive us: they
    // finish with ConnectionLost, like on any other end of the connection.
    QList<QPointer<RpcRequest>> orphans;
    const auto detach = [this, &orphans](RpcRequest *request) {
        RpcRequestPrivate::get(request)->peer = nullptr;
        RpcRequestPrivate::get(request)->tracked = false;
        if (request->parent() != this)
            orphans.append(request);
    };
    for (RpcRequest *request : std::as_const(d->outgoing))
        detach(request);
    for (RpcRequest *request : std::as_const(d->incoming))
        detach(request);
    d->outgoing.clear();
    d->incoming.clear();
    for (RpcRequest *request : findChildren<RpcRequest *>(Qt::FindDirectChildrenOnly))
        RpcRequestPrivate::get(request)->peer = nullptr;
    // Requests that were never sent and wait for the event loop to finish
    // them: one moved to another parent finishes now, with its own error (the
    // queued call could come too late, after an engine or an owner that
    // relies on finished() is gone).
    QList<QPointer<RpcRequest>> unsent;
    for (RpcRequest *request : std::exchange(d->pendingFinishes, {})) {
        RpcRequestPrivate::get(request)->peer = nullptr;
        if (request->parent() != this)
            unsent.append(request);
    }
    for (const QPointer<RpcRequest> &request : std::as_const(orphans)) {
        if (request && !request->isFinished())
            RpcRequestPrivate::get(request)->finish(RpcError::ConnectionLost, QString(),
                                                    RpcMessage());
    }
    for (const QPointer<RpcRequest> &request : std::as_const(unsent)) {
        if (request)
            RpcRequestPrivate::get(request)->finishNow();
    }
    // Requests waiting for their deletion go with the peer: its children as
    // children, one that was moved to another parent here (a later
    // deleteLater() would never run if no event loop follows, and leak).
    if (d->disposalAlive)
        *d->disposalAlive = false;
    const QList<RpcRequest *> waiting = std::exchange(d->disposalQueue, {});
    QList<QPointer<RpcRequest>> moved;
    for (RpcRequest *request : waiting) {
        RpcRequestPrivate::get(request)->awaitingDisposal = false;
        if (request->parent() != this)
            moved.append(request);
    }
    for (const QPointer<RpcRequest> &request : std::as_const(moved))
        delete request.data();
    RpcTransport::dispose(std::exchange(d->transport, nullptr));
}

/*!
    Returns the configuration: the one in use while connected, otherwise the
    one set with setConfig() or the defaults of the stream transports.
*/
RpcConfig RpcPeer::config() const
{
    Q_D(const RpcPeer);
    return d->config;
}

/*!
    Sets the limits and byte order to use to \a config, replacing the
    transport's defaults (RpcConfig::defaultsFor()). Only possible while
    unconnected; returns
    \c false otherwise.
*/
bool RpcPeer::setConfig(const RpcConfig &config)
{
    Q_D(RpcPeer);
    if (d->state != UnconnectedState) {
        qCWarning(lcRpcPeer, "RpcPeer::setConfig: cannot change the configuration while connected");
        return false;
    }
    d->config = config;
    d->configSet = true;
    return true;
}

/*!
    Returns whether requests are deleted automatically after finished().
    The default is \c false.
*/
bool RpcPeer::autoDeleteRequests() const
{
    Q_D(const RpcPeer);
    return d->autoDelete;
}

/*!
    If \a enable is \c true, every request of this peer, sent or received, is
    deleted after it emitted finished(), once control has returned to the
    event loop, so code that still holds it until then (a slot connected to
    finished(), the handler that answered it, also while it runs a nested
    event loop) stays safe. Usually the peer deletes it at the end of a later
    batch of incoming messages, without a posted event of its own (when
    nothing more arrives, within about a second); a request whose request or
    response body is 64 KiB or more, one that finished in a nested event
    loop and one that finished outside the handling of incoming messages go
    like with deleteLater(). Its parent() stays the peer until then.
    Do not keep pointers to requests past finished() then, or keep them in
    a QPointer.
*/
void RpcPeer::setAutoDeleteRequests(bool enable)
{
    Q_D(RpcPeer);
    d->autoDelete = enable;
}

/*!
    Runs the peer over \a device, a connected QTcpSocket, QLocalSocket or
    other open sequential QIODevice, using length-prefixed framing. The peer
    does not take ownership of \a device, which must outlive the connection.
    Returns \c false if the peer is not unconnected or \a device is not open.
    On success, error() is reset and the peer is in ConnectedState.
*/
bool RpcPeer::setDevice(QIODevice *device)
{
    Q_D(RpcPeer);
    if (d->state != UnconnectedState) {
        qCWarning(lcRpcPeer, "RpcPeer::setDevice: the peer is already connected");
        return false;
    }
    if (!device || !device->isOpen()) {
        qCWarning(lcRpcPeer, "RpcPeer::setDevice: the device is not open");
        return false;
    }
    const RpcConfig config = d->configSet ? d->config : RpcConfig::defaultsFor(RpcAddress::Tcp);
    d->adoptTransport(RpcTransport::createForDevice(device, false, config, this), ConnectedState);
    return true;
}

/*!
    Runs the peer over \a socketDescriptor, a connected Unix seqpacket
    socket (for example one end of \c socketpair()). The peer takes
    ownership of the descriptor and closes it when the connection ends.
    Returns \c false if the peer is not unconnected, the descriptor is not a
    seqpacket socket, or the seqpacket transport is not available; in the
    last two cases error() and errorString() tell why (errorChanged()) and
    the descriptor stays open, owned by the caller. On success, error() is
    reset and the peer is in ConnectedState.
*/
bool RpcPeer::setSocketDescriptor(qintptr socketDescriptor)
{
    Q_D(RpcPeer);
    if (d->state != UnconnectedState) {
        qCWarning(lcRpcPeer, "RpcPeer::setSocketDescriptor: the peer is already connected");
        return false;
    }
    const RpcConfig config
            = d->configSet ? d->config : RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    RpcError createError = RpcError::NoError;
    QString text;
    RpcTransport *transport = RpcTransport::createForSeqpacketDescriptor(
            int(socketDescriptor), config, this, &createError, &text);
    if (!transport) {
        d->setError(createError, text);
        return false;
    }
    d->adoptTransport(transport, ConnectedState);
    return true;
}

/*! Returns the connection state. */
RpcPeer::State RpcPeer::state() const
{
    Q_D(const RpcPeer);
    return d->state;
}

/*! Returns the last error. */
RpcError RpcPeer::error() const
{
    Q_D(const RpcPeer);
    return d->error;
}

/*!
    Returns a description of the last error; empty when error() is
    RpcError::NoError (like RpcRequest::errorString() and
    RpcServer::errorString()).
*/
QString RpcPeer::errorString() const
{
    Q_D(const RpcPeer);
    return d->errorString;
}

/*!
    Returns the address of the other side: host and port for TCP, the
    socket path for Unix sockets this peer connected to. It is invalid when
    unknown (the accepting side of a Unix socket has no peer path).
*/
RpcAddress RpcPeer::peerAddress() const
{
    Q_D(const RpcPeer);
    return d->transport ? d->transport->peerAddress() : RpcAddress();
}

/*!
    Returns the process, user and group id of the other side of a Unix
    socket connection; invalid credentials for TCP or when not connected.
*/
RpcPeerCredentials RpcPeer::peerCredentials() const
{
    Q_D(const RpcPeer);
    return d->transport ? d->transport->peerCredentials() : RpcPeerCredentials();
}

/*!
    Returns the number of bytes queued for writing.
*/
qint64 RpcPeer::bytesToWrite() const
{
    Q_D(const RpcPeer);
    return d->transport ? d->transport->bytesToWrite() : 0;
}

/*!
    Returns the number of open requests, sent and received.
*/
int RpcPeer::openRequestCount() const
{
    Q_D(const RpcPeer);
    return int(d->outgoing.size() + d->incoming.size());
}

/*!
    Connects to \a address (\c{tcp://host:port}, \c{unix:/path} or
    \c{seqpacket:/path}). Returns at once; connected() or errorOccurred()
    follows. The error of an earlier connection is reset first. An invalid
    address is reported through errorOccurred() with
    RpcError::InvalidAddress, from the event loop (and never retried).

    A \c{tcp://} host name is resolved with QHostInfo, without blocking,
    and every address it resolves to is tried in turn (each for up to 30
    seconds); the error of the last attempt is reported. \c{tcp://} and
    \c{tls://} connections follow Qt's proxy settings as QTcpSocket does
    (QNetworkProxy::setApplicationProxy(),
    QNetworkProxyFactory::setApplicationProxyFactory()); loopback addresses
    never use a proxy. Through a proxy, the name is resolved by the proxy,
    and a failure of the proxy is reported as such. Like QTcpSocket, the
    peer asks the proxy settings in connectToServer() itself: with the
    system's configuration (QNetworkProxyFactory::setUseSystemConfiguration())
    that may take a moment, for a name that is not loopback.

    With autoReconnect(), a failed attempt or a later loss of the
    connection is followed by another attempt to the same address; see
    "Staying connected" in the class description. Called in
    WaitingToReconnectState, it ends the wait and connects to \a address
    now.
*/
void RpcPeer::connectToServer(const QString &address)
{
    Q_D(RpcPeer);
    QString parseError;
    const RpcAddress parsed = RpcAddress::fromString(address, &parseError);
    d->connectTo(parsed, parseError);
}

/*!
    \overload
    Connects to \a address.
*/
void RpcPeer::connectToServer(const RpcAddress &address)
{
    Q_D(RpcPeer);
    d->connectTo(address, QString());
}

void RpcPeerPrivate::connectTo(const RpcAddress &parsed, const QString &parseError)
{
    if (state != RpcPeer::UnconnectedState && state != RpcPeer::WaitingToReconnectState) {
        qCWarning(lcRpcPeer,
                  "RpcPeer::connectToServer: the peer is already connected or connecting");
        return;
    }
    // A new session: waiting for another attempt (of an earlier session)
    // ends here.
    if (reconnectTimer)
        reconnectTimer->stop();
    reconnectSession = true;
    sessionWasConnected = false;
    reconnectAddress = parsed;
    reconnectAttemptNumber = 0;
    reconnectDelayMsecs = 0;
    startAttempt(parsed, parseError);
}

void RpcPeerPrivate::startAttempt(const RpcAddress &parsed, const QString &parseError)
{
    Q_Q(RpcPeer);
    const quint64 attempt = ++connectAttempt;
    RpcError createError = RpcError::InvalidAddress;
    RpcTransport *newTransport
            = parsed.isValid() ? RpcTransport::create(parsed, q, &createError) : nullptr;
    if (!newTransport) {
        const QString text = parsed.isValid()
                ? RpcPeer::tr("the seqpacket transport is not available in this build")
                : (parseError.isEmpty() ? rpcErrorString(RpcError::InvalidAddress) : parseError);
        // A new attempt starts without the error of the last one; the
        // failure follows from the event loop, like every other outcome.
        // Trying again would not help: no reconnecting.
        QPointer<RpcPeer> guard(q);
        reconnectSession = false;
        reconnectAttemptNumber = 0;
        reconnectDelayMsecs = 0;
        setState(RpcPeer::UnconnectedState);
        if (!guard)
            return;
        setError(RpcError::NoError, QString());
        if (!guard)
            return;
        QMetaObject::invokeMethod(
                q,
                [this, createError, text, attempt] {
                    if (connectAttempt == attempt && state == RpcPeer::UnconnectedState)
                        reportError(createError, text);
                },
                Qt::QueuedConnection);
        return;
    }
    newTransport->setConfig(configSet ? config : RpcConfig::defaultsFor(parsed.transport()));
    if (parsed.transport() == RpcAddress::Tls) {
        newTransport->setSslConfiguration(sslConfig);
        newTransport->setHandshakeTimeout(handshakeTimeout);
        if (!ignoredSslErrors.isEmpty())
            newTransport->ignoreSslErrors(ignoredSslErrors);
    }
    if (adoptTransport(newTransport, RpcPeer::ConnectingState))
        newTransport->connectToAddress(parsed);
}

/*!
    Closes the connection after the data queued for writing is sent. Open
    requests finish with RpcError::ConnectionLost and disconnected() follows
    once the connection is closed. Stops reconnecting (autoReconnect()):
    called in WaitingToReconnectState, the peer goes to UnconnectedState at
    once.
*/
void RpcPeer::disconnectFromServer()
{
    Q_D(RpcPeer);
    if (d->reconnectSession || d->state == WaitingToReconnectState) {
        d->reconnectSession = false;
        if (d->state == WaitingToReconnectState) {
            d->stopReconnecting();
            return;
        }
    }
    if (!d->transport || d->state == UnconnectedState || d->state == ClosingState)
        return;
    if (d->state == ConnectedState) {
        QPointer<RpcPeer> guard(this);
        d->setState(ClosingState);
        if (!guard || !d->transport)
            return;
    }
    d->transport->disconnectFromPeer();
}

/*!
    Closes the connection at once, dropping data queued for writing. Open
    requests finish with RpcError::ConnectionLost. Stops reconnecting, like
    disconnectFromServer().
*/
void RpcPeer::abort()
{
    Q_D(RpcPeer);
    d->reconnectSession = false;
    if (d->state == WaitingToReconnectState) {
        d->stopReconnecting();
        return;
    }
    if (d->transport)
        d->transport->abort();
}

/*!
    Sends a request for \a serviceId with \a body and \a fileDescriptors
    (seqpacket only) and returns the RpcRequest that tracks it.

    The request is a child of this peer; the caller deletes it with
    deleteLater() when done with it, typically after finished() (or uses
    setAutoDeleteRequests()). The result is never null: if the request
    cannot be sent (not connected, body too large, too many file
    descriptors, write buffer full), it finishes with that error from the
    event loop, having sent nothing (or, if it was moved to another parent,
    when the peer is destroyed before that).
*/
RpcRequest *RpcPeer::sendRequest(qint32 serviceId, const QByteArray &body,
                                 const QList<RpcFileDescriptor> &fileDescriptors)
{
    Q_D(RpcPeer);
    return d->sendRequest(std::nullopt, serviceId, body, fileDescriptors);
}

/*!
    Sends a request of \a serviceId with \a body and \a fileDescriptors
    like sendRequest(), but with the request id \a requestId instead of the
    next free one. For programs that relay
    requests and must keep their ids, such as a proxy; others should let
    the peer choose.

    If a request with that id is still open, or a request with that id was
    given up and its response has not arrived yet, nothing is sent and the
    request finishes with RpcError::RequestIdInUse from the event loop. The
    peer's own allocation skips ids in use, so both may be mixed.
*/
RpcRequest *RpcPeer::sendRequestWithId(quint32 requestId, qint32 serviceId, const QByteArray &body,
                                       const QList<RpcFileDescriptor> &fileDescriptors)
{
    Q_D(RpcPeer);
    return d->sendRequest(requestId, serviceId, body, fileDescriptors);
}

RpcRequest *RpcPeerPrivate::sendRequest(std::optional<quint32> requestId, qint32 serviceId,
                                        const QByteArray &body,
                                        const QList<RpcFileDescriptor> &fileDescriptors)
{
    Q_Q(RpcPeer);
    RpcMessage message(RpcMessage::Request, requestId.value_or(0), serviceId, body,
                       fileDescriptors);
    if (state != RpcPeer::ConnectedState) {
        auto *request = new RpcRequest(q, RpcRequest::Outgoing, message);
        RpcRequestPrivate::get(request)->finishQueued(RpcError::NotConnected, notConnectedText());
        return request;
    }
    if (requestId && (outgoing.contains(*requestId) || abandoned.contains(*requestId))) {
        auto *request = new RpcRequest(q, RpcRequest::Outgoing, message);
        RpcRequestPrivate::get(request)->finishQueued(RpcError::RequestIdInUse, QString());
        return request;
    }
    const quint32 id = requestId ? *requestId : allocateRequestId();
    message.setRequestId(id);
    auto *request = new RpcRequest(q, RpcRequest::Outgoing, message);
    const RpcError sendError = send(message);
    if (sendError != RpcError::NoError) {
        RpcRequestPrivate::get(request)->finishQueued(sendError, QString());
        return request;
    }
    outgoing.insert(id, request);
    RpcRequestPrivate::get(request)->tracked = true;
    RpcRequestPrivate::get(request)->timeoutMsecs = defaultTimeout;
    RpcRequestPrivate::get(request)->startTimer();
    return request;
}

/*!
    Sends a stream message of kind \a serviceId with \a body and
    \a fileDescriptors (seqpacket only). Returns \c false, sending nothing,
    if the peer is not connected or the message exceeds the configured
    limits; error() and errorString() then tell why.
*/
bool RpcPeer::sendStream(qint32 serviceId, const QByteArray &body,
                         const QList<RpcFileDescriptor> &fileDescriptors)
{
    Q_D(RpcPeer);
    const RpcError sendError
            = d->send(RpcMessage(RpcMessage::Stream, 0, serviceId, body, fileDescriptors));
    if (sendError != RpcError::NoError) {
        d->setError(sendError,
                    sendError == RpcError::NotConnected ? d->notConnectedText() : QString());
        return false;
    }
    return true;
}

/*!
    \property Fizyr::RpcPeer::autoReconnect
    \brief Whether a connection made with connectToServer() connects again
    by itself after it was lost or an attempt failed.

    Off by default. See "Staying connected" in the class description.
    Turning it off while the peer waits for the next attempt ends the wait:
    the peer goes to UnconnectedState. Turning it on while connected covers
    the current connection too.
*/
bool RpcPeer::autoReconnect() const
{
    Q_D(const RpcPeer);
    return d->autoReconnect;
}

void RpcPeer::setAutoReconnect(bool enable)
{
    Q_D(RpcPeer);
    if (d->autoReconnect == enable)
        return;
    d->autoReconnect = enable;
    QPointer<RpcPeer> guard(this);
    Q_EMIT autoReconnectChanged();
    if (guard && !enable && d->state == WaitingToReconnectState)
        d->stopReconnecting();
}

/*!
    \property Fizyr::RpcPeer::reconnectInitialDelay
    \brief The delay in milliseconds before the first attempt after a loss
    (default 500); it doubles after every failed attempt, up to
    reconnectMaxDelay().

    Every delay is shortened at random by up to a quarter (jitter). Values
    below 0 count as 0. Takes effect from the next wait on.
*/
int RpcPeer::reconnectInitialDelay() const
{
    Q_D(const RpcPeer);
    return d->reconnectInitialDelay;
}

void RpcPeer::setReconnectInitialDelay(int msecs)
{
    Q_D(RpcPeer);
    msecs = qMax(0, msecs);
    if (d->reconnectInitialDelay == msecs)
        return;
    d->reconnectInitialDelay = msecs;
    Q_EMIT reconnectSettingsChanged();
}

/*!
    \property Fizyr::RpcPeer::reconnectMaxDelay
    \brief The longest delay in milliseconds between two attempts (default
    30000).

    The doubling delay stops growing there; when it is below
    reconnectInitialDelay(), every delay is this one. Values below 0 count
    as 0.
*/
int RpcPeer::reconnectMaxDelay() const
{
    Q_D(const RpcPeer);
    return d->reconnectMaxDelay;
}

void RpcPeer::setReconnectMaxDelay(int msecs)
{
    Q_D(RpcPeer);
    msecs = qMax(0, msecs);
    if (d->reconnectMaxDelay == msecs)
        return;
    d->reconnectMaxDelay = msecs;
    Q_EMIT reconnectSettingsChanged();
}

/*!
    \property Fizyr::RpcPeer::maxReconnectAttempts
    \brief How many attempts follow a lost connection or failed first
    attempt before the peer gives up (0, the default: no limit).

    The count starts again once an attempt succeeds. When the last attempt
    fails, the peer goes to UnconnectedState (errorOccurred() says why).
*/
int RpcPeer::maxReconnectAttempts() const
{
    Q_D(const RpcPeer);
    return d->maxReconnectAttempts;
}

void RpcPeer::setMaxReconnectAttempts(int attempts)
{
    Q_D(RpcPeer);
    attempts = qMax(0, attempts);
    if (d->maxReconnectAttempts == attempts)
        return;
    d->maxReconnectAttempts = attempts;
    Q_EMIT reconnectSettingsChanged();
}

/*!
    \property Fizyr::RpcPeer::reconnectAttempt
    \brief The number of the automatic attempt that is awaited
    (WaitingToReconnectState) or under way (ConnectingState): 1 for the first
    one after a loss. 0 while connected and for the first attempt of
    connectToServer(). Changes together with the state (stateChanged()).
*/
int RpcPeer::reconnectAttempt() const
{
    Q_D(const RpcPeer);
    return d->reconnectAttemptNumber;
}

/*!
    \property Fizyr::RpcPeer::reconnectDelay
    \brief In WaitingToReconnectState, the delay in milliseconds, jitter
    included, chosen for the current wait; 0 in the other states. Changes
    together with the state (stateChanged()).

    \sa remainingReconnectDelay()
*/
int RpcPeer::reconnectDelay() const
{
    Q_D(const RpcPeer);
    return d->reconnectDelayMsecs;
}

/*!
    Returns the time in milliseconds until the next attempt, in
    WaitingToReconnectState; 0 in the other states. A user interface that
    shows a countdown reads it from a timer of its own.
*/
int RpcPeer::remainingReconnectDelay() const
{
    Q_D(const RpcPeer);
    if (d->state != WaitingToReconnectState || !d->reconnectTimer)
        return 0;
    // (A coarse timer may round its remaining time up.)
    return qBound(0, d->reconnectTimer->remainingTime(), d->reconnectDelayMsecs);
}

/*!
    In WaitingToReconnectState, makes the next attempt now instead of after
    the delay (a "retry now" button); does nothing in the other states.
*/
void RpcPeer::reconnectNow()
{
    Q_D(RpcPeer);
    if (d->state != WaitingToReconnectState)
        return;
    if (d->reconnectTimer)
        d->reconnectTimer->stop();
    d->onReconnectTimer();
}

/*!
    \fn void Fizyr::RpcPeer::reconnected()
    Emitted right after connected() when the connection came up again after
    a loss, by autoReconnect(): the requests that were open at the loss have
    finished with RpcError::ConnectionLost, so send long-running ones (live
    subscriptions) again here.
*/
/*!
    \fn void Fizyr::RpcPeer::autoReconnectChanged()
    Emitted when autoReconnect() changes.
*/
/*!
    \fn void Fizyr::RpcPeer::reconnectSettingsChanged()
    Emitted when reconnectInitialDelay(), reconnectMaxDelay() or
    maxReconnectAttempts() changes.
*/

// Runs loop until done() or msecs passed. Returns false if peer was deleted
// meanwhile (by a slot run from the loop).
static bool waitFor(RpcPeer *peer, int msecs, const std::function<bool()> &done, QEventLoop &loop)
{
    if (done())
        return true;
    const QPointer<RpcPeer> guard(peer);
    QObject::connect(peer, &QObject::destroyed, &loop, &QEventLoop::quit);
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    if (msecs >= 0)
        timer.start(msecs);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    if (!guard)
        return false;
    QObject::disconnect(peer, nullptr, &loop, nullptr);
    return done();
}

/*!
    Blocks until the peer is connected, the connection failed, or \a msecs
    milliseconds passed (-1: no limit), running a local event loop. Returns
    \c true if connected; \c false when the attempt failed, also when
    autoReconnect() makes another one follow (WaitingToReconnectState); \c false also if the peer was deleted meanwhile (by
    a slot run from the loop: do not touch it then). Meant for tests and command-line programs; do not
    use it in a GUI thread.
*/
bool RpcPeer::waitForConnected(int msecs)
{
    Q_D(RpcPeer);
    if (d->state == ConnectedState)
        return true;
    if (d->state != ConnectingState)
        return false;
    QEventLoop loop;
    connect(this, &RpcPeer::stateChanged, &loop, [&loop](State s) {
        if (s != ConnectingState)
            loop.quit();
    });
    return waitFor(
            this, msecs, [d] { return d->state == ConnectedState; }, loop);
}

/*!
    Blocks until the peer is unconnected (UnconnectedState, or
    WaitingToReconnectState when autoReconnect() is on) or \a msecs
    milliseconds passed (-1: no limit), running a local event loop. Returns
    \c true if the peer is unconnected; \c false on timeout or if the peer was deleted meanwhile. Meant for tests and command-line programs.
*/
bool RpcPeer::waitForDisconnected(int msecs)
{
    Q_D(RpcPeer);
    QEventLoop loop;
    connect(this, &RpcPeer::stateChanged, &loop, [&loop](State s) {
        if (s == UnconnectedState || s == WaitingToReconnectState)
            loop.quit();
    });
    return waitFor(
            this, msecs,
            [d] { return d->state == UnconnectedState || d->state == WaitingToReconnectState; },
            loop);
}

/*!
    Returns how long, in milliseconds, a connectToServer() to a \c{tls://}
    address waits for the TLS handshake once the TCP connection is up
    (default 10000).

    \sa setHandshakeTimeout()
*/
int RpcPeer::handshakeTimeout() const
{
    Q_D(const RpcPeer);
    return d->handshakeTimeout;
}

/*!
    Sets the time the TLS handshake of the next connectToServer() to a
    \c{tls://} address may take, once the TCP connection is up, to \a msecs
    milliseconds (at least 1). A server that accepts the connection and never
    completes the handshake (a plain TCP service, or one that hangs) then
    ends the attempt with RpcError::TlsHandshakeFailed ("no answer within N
    ms") instead of leaving the peer in ConnectingState. The TCP connect
    itself is bounded by the operating system.

    \sa RpcServer::setHandshakeTimeout()
*/
void RpcPeer::setHandshakeTimeout(int msecs)
{
    Q_D(RpcPeer);
    d->handshakeTimeout = qMax(1, msecs);
}

/*!
    Returns the TLS configuration: once a \c{tls://} connection is encrypted,
    the configuration of its session (with the peer's certificate chain, the
    protocol and cipher in use); otherwise the one set with
    setSslConfiguration() (by default QSslConfiguration::defaultConfiguration()
    with TLS 1.2 as the minimum protocol).

    \sa setSslConfiguration()
*/
QSslConfiguration RpcPeer::sslConfiguration() const
{
    Q_D(const RpcPeer);
    if (d->transport && d->transport->isEncrypted())
        return d->transport->sslConfiguration();
    return d->sslConfig;
}

/*!
    Sets the TLS configuration used by the next connectToServer() to a
    \c{tls://} address to \a configuration: the CA certificates that verify
    the server, the client's own certificate and private key (for servers
    that require one: mutual TLS), the peer verify mode and name. The
    protocol is at least TLS 1.2: an older or unspecified minimum
    (QSsl::SecureProtocols, QSsl::AnyProtocol, TLS 1.0, 1.1) is raised to
    QSsl::TlsV1_2OrLater. A connection that is already up is not affected.

    The server's host name is checked against its certificate, as with
    QSslSocket::connectToHostEncrypted(); the handshake fails with
    RpcError::TlsHandshakeFailed when the certificate is not trusted, has
    expired or names another host, unless those errors are ignored (see
    sslErrors()).
*/
void RpcPeer::setSslConfiguration(const QSslConfiguration &configuration)
{
    Q_D(RpcPeer);
    d->sslConfig = RpcTransport::withMinimumTls12(configuration);
}

/*!
    Returns \c true if the connection is a TLS connection whose handshake has
    completed. A \c{tls://} peer emits connected() only then, so this is
    \c true for every connected TLS peer.
*/
bool RpcPeer::isEncrypted() const
{
    Q_D(const RpcPeer);
    return d->transport && d->transport->isEncrypted();
}

/*!
    Returns the certificate chain the other side presented in the TLS
    handshake, its own certificate first, or an empty list when the
    connection is not encrypted (or the other side sent none: a client
    without a certificate, when the server does not require one).
*/
QList<QSslCertificate> RpcPeer::peerCertificateChain() const
{
    return sslConfiguration().peerCertificateChain();
}

/*!
    \fn void Fizyr::RpcPeer::sslErrors(const QList<QSslError> &errors)

    Emitted during the TLS handshake of a \c{tls://} connection when the
    server's certificate could not be verified; \a errors says why. Unless a
    slot connected to this signal calls ignoreSslErrors(), the handshake
    fails: the peer goes back to UnconnectedState and errorOccurred()
    reports RpcError::TlsHandshakeFailed with the reason. Deleting the peer
    from a slot connected to this signal is safe.

    \sa ignoreSslErrors()
*/

/*!
    Ignores the errors of the current TLS handshake, which then continues.
    Call it only from a slot connected to sslErrors(), after having checked
    the errors: ignoring them all defeats the purpose of TLS.

    \sa sslErrors()
*/
void RpcPeer::ignoreSslErrors()
{
    Q_D(RpcPeer);
    if (d->transport)
        d->transport->ignoreSslErrors();
}

/*!
    \overload
    Ignores exactly \a errors in the TLS handshakes of this peer, from the
    next connectToServer() on (or in the current handshake, when called from
    a slot connected to sslErrors()), for example a known self-signed
    certificate: \c{QSslError(QSslError::SelfSignedCertificate, cert)}.
    Other errors still fail the handshake.
*/
void RpcPeer::ignoreSslErrors(const QList<QSslError> &errors)
{
    Q_D(RpcPeer);
    d->ignoredSslErrors = errors;
    if (d->transport)
        d->transport->ignoreSslErrors(errors);
}

// ---------------------------------------------------------------------------

bool RpcPeerPrivate::shouldReconnect() const
{
    return autoReconnect && reconnectSession
            && (maxReconnectAttempts <= 0 || reconnectAttemptNumber < maxReconnectAttempts);
}

int RpcPeerPrivate::nominalDelay(int attempt) const
{
    // initial * 2^(attempt - 1), capped; in 64 bits so that it cannot overflow.
    qint64 delay = reconnectInitialDelay;
    for (int i = 1; i < attempt && delay < reconnectMaxDelay; ++i)
        delay *= 2;
    return int(qMin<qint64>(delay, reconnectMaxDelay));
}

void RpcPeerPrivate::settleUnconnected()
{
    Q_Q(RpcPeer);
    if (!shouldReconnect()) {
        if (reconnectTimer)
            reconnectTimer->stop();
        reconnectSession = false;
        reconnectAttemptNumber = 0;
        reconnectDelayMsecs = 0;
        setState(RpcPeer::UnconnectedState);
        return;
    }
    ++reconnectAttemptNumber;
    // Jitter: between 75% and 100% of the nominal delay, so that the clients
    // of a restarted server do not all come back at the same moment.
    const int nominal = nominalDelay(reconnectAttemptNumber);
    reconnectDelayMsecs
            = nominal - int(QRandomGenerator::global()->bounded(quint32(nominal / 4) + 1));
    if (!reconnectTimer) {
        reconnectTimer = new QTimer(q);
        reconnectTimer->setSingleShot(true);
        QObject::connect(reconnectTimer, &QTimer::timeout, q, [this] { onReconnectTimer(); });
    }
    reconnectTimer->start(reconnectDelayMsecs);
    qCDebug(lcRpcPeer) << "reconnect attempt" << reconnectAttemptNumber << "in"
                       << reconnectDelayMsecs << "ms";
    setState(RpcPeer::WaitingToReconnectState);
}

void RpcPeerPrivate::stopReconnecting()
{
    reconnectSession = false;
    if (reconnectTimer)
        reconnectTimer->stop();
    if (state != RpcPeer::WaitingToReconnectState)
        return;
    reconnectAttemptNumber = 0;
    reconnectDelayMsecs = 0;
    setState(RpcPeer::UnconnectedState);
}

void RpcPeerPrivate::onReconnectTimer()
{
    if (state != RpcPeer::WaitingToReconnectState)
        return;
    reconnectDelayMsecs = 0;
    startAttempt(reconnectAddress, QString());
}

QString RpcPeerPrivate::notConnectedText() const
{
    if (state == RpcPeer::WaitingToReconnectState) {
        return RpcPeer::tr("not connected: the connection is down, reconnect attempt %1 follows")
                .arg(reconnectAttemptNumber);
    }
    if (state == RpcPeer::ConnectingState)
        return RpcPeer::tr("not connected yet: the connection is being set up");
    return QString();
}

bool RpcPeerPrivate::adoptTransport(RpcTransport *newTransport, RpcPeer::State newState)
{
    Q_Q(RpcPeer);
    releaseTransport();
    transport = newTransport;
    transport->setParent(q);
    config = transport->config();
    // The transport counts its own callbacks (RpcTransport::isBusy()), so a
    // handler may delete the peer from any of these: dispose() defers.
    QObject::connect(transport, &RpcTransport::connected, q, [this] { onConnected(); });
    QObject::connect(transport, &RpcTransport::errorOccurred, q,
                     [this](RpcError e, const QString &text, bool fatal) {
                         onTransportError(e, text, fatal);
                     });
    QObject::connect(transport, &RpcTransport::disconnected, q, [this] { onDisconnected(); });
    // Messages and the ends of incoming batches: direct calls, not signals.
    transport->setReceiver(this);
    QObject::connect(
            transport, &RpcTransport::sslErrors, q,
            [this](const QList<QSslError> &errors) { Q_EMIT q_func()->sslErrors(errors); });
    connectFlowControl();
    // A new connection starts without the error of the last one.
    QPointer<RpcPeer> guard(q);
    setError(RpcError::NoError, QString());
    if (!guard)
        return false;
    setState(newState);
    return !guard.isNull();
}

void RpcPeerPrivate::releaseTransport()
{
    Q_Q(RpcPeer);
    if (!transport)
        return;
    QObject::disconnect(transport, nullptr, q, nullptr);
    transport->setReceiver(nullptr);
    // Its end-of-batch call will not come any more.
    disposePending();
    RpcTransport::dispose(std::exchange(transport, nullptr));
}

void RpcPeerPrivate::setState(RpcPeer::State newState)
{
    Q_Q(RpcPeer);
    if (state == newState)
        return;
    state = newState;
    Q_EMIT q->stateChanged(newState);
}

void RpcPeerPrivate::setError(RpcError newError, const QString &text)
{
    Q_Q(RpcPeer);
    const QString newString = newError == RpcError::NoError
            ? QString()
            : (text.isEmpty() ? rpcErrorString(newError) : text);
    if (error == newError && errorString == newString)
        return;
    error = newError;
    errorString = newString;
    Q_EMIT q->errorChanged();
}

void RpcPeerPrivate::reportError(RpcError newError, const QString &text)
{
    Q_Q(RpcPeer);
    QPointer<RpcPeer> guard(q);
    setError(newError, text);
    if (guard)
        Q_EMIT q->errorOccurred(newError);
}

void RpcPeerPrivate::onConnected()
{
    Q_Q(RpcPeer);
    qCDebug(lcRpcPeer) << "connected to" << transport->peerAddress();
    QPointer<RpcPeer> guard(q);
    const bool again = reconnectSession && sessionWasConnected;
    if (reconnectSession)
        sessionWasConnected = true;
    reconnectAttemptNumber = 0;
    reconnectDelayMsecs = 0;
    setState(RpcPeer::ConnectedState);
    if (!guard)
        return;
    Q_EMIT q->connected();
    if (guard && again && state == RpcPeer::ConnectedState)
        Q_EMIT q->reconnected();
}

void RpcPeerPrivate::onTransportError(RpcError transportError, const QString &text, bool fatal)
{
    Q_Q(RpcPeer);
    qCDebug(lcRpcPeer) << (fatal ? "fatal error:" : "error:") << transportError << text;
    // In a slot connected to errorOccurred(), state() tells what the error
    // did: ConnectedState means the connection survived it. A failed
    // connection attempt is over at once (UnconnectedState, as with
    // QAbstractSocket); an established connection is closing
    // (ClosingState) and disconnected() follows.
    if (fatal) {
        QPointer<RpcPeer> guard(q);
        if (state == RpcPeer::ConnectingState)
            settleUnconnected();
        else if (state == RpcPeer::ConnectedState)
            setState(RpcPeer::ClosingState);
        if (!guard)
            return;
    }
    reportError(transportError, text);
}

void RpcPeerPrivate::onDisconnected()
{
    Q_Q(RpcPeer);
    const bool wasConnected = state == RpcPeer::ConnectedState || state == RpcPeer::ClosingState;
    QPointer<RpcPeer> guard(q);
    finishAll(RpcError::ConnectionLost, QString());
    if (!guard)
        return;
    abandoned.clear();
    // After a failed attempt the peer may already wait for the next one.
    if (state != RpcPeer::WaitingToReconnectState && state != RpcPeer::UnconnectedState)
        settleUnconnected();
    if (guard && wasConnected)
        Q_EMIT q->disconnected();
}

namespace {

// Deletes the requests of one batch when it is deleted itself: one
// deleteLater() per batch, without reparenting the requests.
class RpcFinishedRequests : public QObject
{
public:
    RpcFinishedRequests(QList<QPointer<RpcRequest>> requests, QObject *parent)
        : QObject(parent), m_requests(std::move(requests))
    { }
    ~RpcFinishedRequests() override
    {
        for (const QPointer<RpcRequest> &request : std::as_const(m_requests))
            delete request.data();
    }

private:
    QList<QPointer<RpcRequest>> m_requests;
};

} // namespace

void RpcPeerPrivate::disposeFinished(RpcRequest *request)
{
    Q_Q(RpcPeer);
    if (!inIncomingBatch) {
        request->deleteLater();
        return;
    }
    // Run by the thread's outermost event loop (level 1, or 0 for a program
    // that calls processEvents() itself): queued, with the pass it finished
    // in. In a nested event loop the deferred deletion of Qt keeps the
    // request until that loop's caller returned to the event loop.
    const int loopLevel = q->thread()->loopLevel();
    RpcRequestPrivate *rd = RpcRequestPrivate::get(request);
    const bool large = rd->request.body().size() >= LargeBodyBytes
            || rd->response.body().size() >= LargeBodyBytes;
    const quint64 pass = loopLevel <= 1 && !large ? RpcTransport::currentEventLoopPass() : 0;
    if (pass == 0) {
        finishedInBatch.append(request);
        return;
    }
    rd->awaitingDisposal = true;
    rd->disposalLoopLevel = loopLevel;
    rd->disposalPass = pass;
    disposalQueue.append(request);
    if (!disposalTimer) {
        disposalTimer = new QTimer(q);
        disposalTimer->setSingleShot(true);
        disposalTimer->setInterval(DisposalFallbackMsecs);
        QObject::connect(disposalTimer, &QTimer::timeout, q, [this] { onDisposalTimer(); });
    }
    if (!disposalTimer->isActive())
        disposalTimer->start();
}

void RpcPeerPrivate::disposePending()
{
    Q_Q(RpcPeer);
    inIncomingBatch = false;
    if (!finishedInBatch.isEmpty()) {
        // Deferred like deleteLater() of each: safe for code that still holds
        // them in this pass of the event loop. A child of the peer, so that
        // the requests go with the peer if it goes first.
        (new RpcFinishedRequests(std::exchange(finishedInBatch, {}), q))->deleteLater();
    }
    if (!disposalQueue.isEmpty())
        disposeQueued();
}

bool RpcPeerPrivate::disposeQueued()
{
    Q_Q(RpcPeer);
    bool batchOpen = false;
    const quint64 pass = RpcTransport::currentEventLoopPass(&batchOpen);
    // A handler of a batch further up the stack (running a nested event
    // loop) may still hold any of them.
    if (batchOpen)
        return true;
    const int loopLevel = q->thread()->loopLevel();
    const auto mayGo = [pass, loopLevel](RpcRequest *request) {
        const RpcRequestPrivate *rd = RpcRequestPrivate::get(request);
        return rd->disposalPass != pass && rd->disposalLoopLevel >= loopLevel;
    };
    bool alive = true;
    bool *const outerAlive = std::exchange(disposalAlive, &alive);
    for (;;) {
        // The queue is in the order the requests finished: the ones that may
        // go come first. A slot connected to destroyed() may delete others,
        // which then leave the queue: search it again after each deletion.
        const auto it = std::find_if(disposalQueue.cbegin(), disposalQueue.cend(), mayGo);
        if (it == disposalQueue.cend())
            break;
        RpcRequest *request = *it;
        disposalQueue.erase(it);
        RpcRequestPrivate::get(request)->awaitingDisposal = false;
        delete request;
        if (!alive) {
            if (outerAlive)
                *outerAlive = false;
            return false;
        }
    }
    disposalAlive = outerAlive;
    return true;
}

void RpcPeerPrivate::onDisposalTimer()
{
    if (!disposeQueued())
        return;
    if (!disposalQueue.isEmpty())
        disposalTimer->start();
}

void RpcPeerPrivate::finishAll(RpcError reason, const QString &text)
{
    Q_Q(RpcPeer);
    QPointer<RpcPeer> guard(q);
    const QList<RpcRequest *> requests = outgoing.values() + incoming.values();
    QList<QPointer<RpcRequest>> pointers;
    pointers.reserve(requests.size());
    for (RpcRequest *request : requests)
        pointers.append(request);
    for (const QPointer<RpcRequest> &request : std::as_const(pointers)) {
        if (!guard)
            return;
        if (request && !RpcRequestPrivate::get(request)->finished)
            RpcRequestPrivate::get(request)->finish(reason, text, RpcMessage());
    }
}

void RpcPeerPrivate::onMessage(const RpcMessage &message)
{
    Q_Q(RpcPeer);
    RpcRecording::record(q, RpcRecording::Received, message); // FIZYR_RPC_RECORD
    inIncomingBatch = true;
    switch (message.type()) {
    case RpcMessage::Request:
        handleRequest(message);
        return;
    case RpcMessage::Response:
        handleResponse(message);
        return;
    case RpcMessage::RequesterUpdate:
        handleUpdate(message, false);
        return;
    case RpcMessage::ResponderUpdate:
        handleUpdate(message, true);
        return;
    case RpcMessage::Stream:
        Q_EMIT q->streamReceived(message);
        return;
    }
}

void RpcPeerPrivate::handleRequest(const RpcMessage &message)
{
    Q_Q(RpcPeer);
    const quint32 id = message.requestId();
    if (incoming.contains(id)) {
        qCDebug(lcRpcProtocol) << "request with duplicate id" << id;
        reportError(RpcError::DuplicateRequestId,
                    RpcPeer::tr("received a request with id %1, which is still open").arg(id));
        return;
    }
    const int limit = config.maxOpenIncomingRequests();
    if (limit > 0 && incoming.size() >= limit) {
        qCDebug(lcRpcProtocol) << "refused request" << id << ": too many open requests";
        // Error responses go to the other side as they are, untranslated.
        send(RpcMessage::errorResponse(
                id, QStringLiteral("too many open requests (limit %1)").arg(limit)));
        return;
    }
    static const QMetaMethod requestReceivedSignal
            = QMetaMethod::fromSignal(&RpcPeer::requestReceived);
    if (!q->isSignalConnected(requestReceivedSignal)) {
        qCDebug(lcRpcProtocol) << "no handler for request" << id << "service"
                               << message.serviceId();
        send(RpcMessage::errorResponse(
                id, QStringLiteral("unexpected request for service %1").arg(message.serviceId())));
        return;
    }
    auto *request = new RpcRequest(q, RpcRequest::Incoming, message);
    incoming.insert(id, request);
    RpcRequestPrivate::get(request)->tracked = true;
    Q_EMIT q->requestReceived(request);
}

void RpcPeerPrivate::handleResponse(const RpcMessage &message)
{
    const quint32 id = message.requestId();
    RpcRequest *request = outgoing.value(id);
    if (!request) {
        if (abandoned.remove(id)) {
            qCDebug(lcRpcProtocol) << "late response for abandoned request" << id;
            return;
        }
        reportError(RpcError::UnknownRequestId,
                    RpcPeer::tr("received a response for unknown request id %1").arg(id));
        return;
    }
    if (message.isError())
        RpcRequestPrivate::get(request)->finish(RpcError::RemoteError, message.errorText(),
                                                message);
    else
        RpcRequestPrivate::get(request)->finish(RpcError::NoError, QString(), message);
}

void RpcPeerPrivate::handleUpdate(const RpcMessage &message, bool forOutgoing)
{
    const quint32 id = message.requestId();
    RpcRequest *request = forOutgoing ? outgoing.value(id) : incoming.value(id);
    if (!request) {
        if (forOutgoing && abandoned.contains(id)) {
            qCDebug(lcRpcProtocol) << "update for abandoned request" << id;
            return;
        }
        reportError(RpcError::UnknownRequestId,
                    RpcPeer::tr("received an update for unknown request id %1").arg(id));
        return;
    }
    Q_EMIT request->updateReceived(message);
}

quint32 RpcPeerPrivate::allocateRequestId()
{
    for (;;) {
        const quint32 id = nextRequestId++;
        if (!outgoing.contains(id) && !abandoned.contains(id))
            return id;
    }
}

RpcError RpcPeerPrivate::send(const RpcMessage &message)
{
    if (!transport || state != RpcPeer::ConnectedState)
        return RpcError::NotConnected;
    const RpcError result = transport->send(message);
    if (result == RpcError::NoError) {
        transport->messageQueued(message);
        RpcRecording::record(q_func(), RpcRecording::Sent, message); // FIZYR_RPC_RECORD
    }
    return result;
}

void RpcPeerPrivate::forget(RpcRequest *request, bool abandonId)
{
    RpcRequestPrivate *rd = RpcRequestPrivate::get(request);
    if (!rd->tracked)
        return;
    rd->tracked = false;
    const quint32 id = rd->request.requestId();
    if (rd->direction == RpcRequest::Outgoing) {
        outgoing.remove(id);
        if (abandonId && state == RpcPeer::ConnectedState)
            abandoned.insert(id);
    } else {
        incoming.remove(id);
    }
}

void RpcPeerPrivate::requestDestroyed(RpcRequest *request)
{
    RpcRequestPrivate *rd = RpcRequestPrivate::get(request);
    if (!rd->tracked)
        return;
    if (rd->direction == RpcRequest::Incoming) {
        qCDebug(lcRpcPeer) << "request" << rd->request.requestId()
                           << "destroyed without a response";
        // Protocol text for the other side: not translated.
        send(RpcMessage::errorResponse(
                rd->request.requestId(),
                QStringLiteral("request for service %1 was dropped without a response")
                        .arg(rd->request.serviceId())));
        forget(request, false);
    } else {
        forget(request, true);
    }
}

// ---------------------------------------------------------------------------
// Deadlines and dead peers

/*!
    \property Fizyr::RpcPeer::defaultTimeout
    \brief the timeout, in milliseconds, given to each request sent from
    now on; 0 (the default) means none.

    Every request that sendRequest() or sendRequestWithId() sends starts
    with this timeout (see RpcRequest::timeout): without a response within
    it, the request finishes with RpcError::Timeout.
    RpcRequest::setTimeout() and RpcRequest::setDeadline() change it for
    one request. Requests already sent keep theirs. Negative values are
    raised to 0.

    The QML RpcPeer's \c timeout property is this property.
*/
/*!
    \fn void Fizyr::RpcPeer::defaultTimeoutChanged(int msecs)
    Emitted when defaultTimeout changes to \a msecs.
*/

/*!
    Returns the timeout given to each request sent from now on, in
    milliseconds; 0 means none.
    \sa defaultTimeout
*/
int RpcPeer::defaultTimeout() const
{
    Q_D(const RpcPeer);
    return d->defaultTimeout;
}

/*!
    Sets the timeout given to each request sent from now on to \a msecs
    milliseconds; 0 means none.
    \sa defaultTimeout
*/
void RpcPeer::setDefaultTimeout(int msecs)
{
    Q_D(RpcPeer);
    msecs = qMax(0, msecs);
    if (d->defaultTimeout == msecs)
        return;
    d->defaultTimeout = msecs;
    Q_EMIT defaultTimeoutChanged(msecs);
}

/*!
    \overload
    Sets the timeout given to each request sent from now on to \a timeout,
    for example \c{std::chrono::seconds(5)}; zero means none. Values beyond
    what an \c int holds in milliseconds are lowered to that.
*/
void RpcPeer::setDefaultTimeout(std::chrono::milliseconds timeout)
{
    setDefaultTimeout(int(
            qBound(qint64(0), qint64(timeout.count()), qint64(std::numeric_limits<int>::max()))));
}

namespace {

// The milliseconds left until deadline for the int-based wait helpers: -1
// for a deadline that never expires.
int remainingMsecs(const QDeadlineTimer &deadline)
{
    if (deadline.isForever())
        return -1;
    return int(qBound(qint64(0), qint64(deadline.remainingTime()),
                      qint64(std::numeric_limits<int>::max())));
}

} // namespace

/*!
    \overload
    Blocks until the peer is connected, the connection failed, or
    \a deadline expired, running a local event loop: for example
    \c{waitForConnected(QDeadlineTimer(5s))}, or a QDeadlineTimer shared by
    several waits so that all of them together take at most its time. A
    QDeadlineTimer::Forever deadline waits without limit. Returns \c true
    if connected, as waitForConnected(int) does.
*/
bool RpcPeer::waitForConnected(QDeadlineTimer deadline)
{
    return waitForConnected(remainingMsecs(deadline));
}

/*!
    \overload
    Blocks until the peer is unconnected or \a deadline expired, running a
    local event loop. Returns \c true if the peer is unconnected, as
    waitForDisconnected(int) does.
*/
bool RpcPeer::waitForDisconnected(QDeadlineTimer deadline)
{
    return waitForDisconnected(remainingMsecs(deadline));
}

void RpcPeerPrivate::updateHeartbeat()
{
    Q_Q(RpcPeer);
    const int interval = config.heartbeatInterval();
    if (state != RpcPeer::ConnectedState || interval <= 0) {
        // A heartbeat still open finishes with the connection.
        if (heartbeatTimer)
            heartbeatTimer->stop();
        return;
    }
    if (!heartbeatTimer) {
        heartbeatTimer = new QTimer(q);
        QObject::connect(heartbeatTimer, &QTimer::timeout, q, [this] { sendHeartbeat(); });
    }
    if (!heartbeatTimer->isActive())
        heartbeatTimer->start(interval);
}

void RpcPeerPrivate::sendHeartbeat()
{
    Q_Q(RpcPeer);
    // One at a time: an open heartbeat has its own deadline.
    if (heartbeat || state != RpcPeer::ConnectedState)
        return;
    RpcRequest *request = sendRequest(std::nullopt, config.heartbeatServiceId(), QByteArray(), {});
    heartbeat = request;
    const int timeout = config.heartbeatTimeout();
    request->setTimeout(timeout);
    const QPointer<RpcTransport> sentOn(transport);
    QObject::connect(request, &RpcRequest::finished, q, [this, request, sentOn, timeout] {
        // Any response, even an error response, means the other side is alive.
        const bool missed = request->error() == RpcError::Timeout;
        if (heartbeat == request)
            heartbeat = nullptr;
        request->deleteLater();
        if (missed && sentOn) {
            if (heartbeatTimer)
                heartbeatTimer->stop();
            // From the event loop, out of the request's signals.
            QMetaObject::invokeMethod(
                    q_func(), [this, sentOn, timeout] { heartbeatMissed(sentOn, timeout); },
                    Qt::QueuedConnection);
        }
    });
}

void RpcPeerPrivate::heartbeatMissed(RpcTransport *deadTransport, int waitedMsecs)
{
    Q_Q(RpcPeer);
    if (!deadTransport || transport != deadTransport || state != RpcPeer::ConnectedState)
        return;
    qCDebug(lcRpcPeer) << "no answer to the heartbeat within" << waitedMsecs << "ms: closing";
    // The path of every fatal error of the transport: errorOccurred() in
    // ClosingState, then every open request finishes with ConnectionLost
    // and disconnected() follows.
    QPointer<RpcPeer> guard(q);
    onTransportError(RpcError::HeartbeatTimeout,
                     RpcPeer::tr("no answer to the heartbeat (service %1) within %2 ms: the "
                                 "peer is presumed dead")
                             .arg(config.heartbeatServiceId())
                             .arg(waitedMsecs),
                     true);
    if (guard && transport == deadTransport && transport->state() != RpcTransport::Unconnected)
        transport->abort();
}

// ---------------------------------------------------------------------------
// Flow control

/*!
    \property Fizyr::RpcPeer::readingPaused
    \brief whether the peer stops reading from its connection.

    While \c true, no message is read or delivered: requestReceived(),
    streamReceived() and responses and updates of open requests wait. The
    connection's kernel buffers fill up, and the other side's flow control
    takes over (its write buffer grows, then its sends fail with
    RpcError::WriteBufferFull; see writeBufferDrained()). Setting it back to
    \c false delivers what waits, in order: nothing is lost or reordered,
    including messages that were already read from the socket in the batch
    during which reading was paused. Timeouts of open requests keep running.

    The pause belongs to the peer, not to the connection: it holds across
    connectToServer(), setDevice() and setSocketDescriptor(). It adds to the
    peer's own read pauses (a peer pending in an RpcServer; the flow control
    of a full write buffer, see RpcConfig::writeBufferHighWaterMark): reading
    runs only when none holds it. Default \c false. Safe to change from any
    slot, including one connected to the peer's own signals (the current
    message is delivered in full; the next waits). The disconnection of the
    other side is reported once what it sent before has been delivered, so
    a paused peer may stay in ConnectedState after the other side closed.

    \sa writeBufferDrained()
*/
/*!
    \fn void Fizyr::RpcPeer::readingPausedChanged(bool paused)
    Emitted when readingPaused changes to \a paused.
*/
/*!
    \fn void Fizyr::RpcPeer::writeBufferDrained()

    Emitted when the write buffer has drained to
    RpcConfig::writeBufferLowWaterMark after it had been above it, or after
    a send failed with RpcError::WriteBufferFull: a producer that stopped
    sending (on that error, or because bytesToWrite() grew) resumes here.
    Emitted once per drain, from the event loop (never from inside a send),
    on every transport with the same meaning; deleting the peer in a slot
    connected to it is safe.

    \sa RpcConfig::writeBufferHighWaterMark, readingPaused
*/

/*!
    Returns \c true while the application paused reading (readingPaused).
*/
bool RpcPeer::isReadingPaused() const
{
    Q_D(const RpcPeer);
    return d->userReadingPaused;
}

/*!
    Pauses (\a paused \c true) or resumes reading from the connection.

    \sa readingPaused
*/
void RpcPeer::setReadingPaused(bool paused)
{
    Q_D(RpcPeer);
    if (d->userReadingPaused == paused)
        return;
    d->userReadingPaused = paused;
    if (d->transport)
        d->transport->setReadingPaused(d->readingPaused || d->userReadingPaused);
    qCDebug(lcRpcPeer) << (paused ? "reading paused" : "reading resumed");
    Q_EMIT readingPausedChanged(paused);
}

void RpcPeerPrivate::connectFlowControl()
{
    Q_Q(RpcPeer);
    QObject::connect(transport, &RpcTransport::writeBufferDrained, q,
                     [this] { Q_EMIT q_func()->writeBufferDrained(); });
    transport->setReadingPaused(readingPaused || userReadingPaused);
}

} // namespace Fizyr

#include "moc_rpcpeer.cpp"

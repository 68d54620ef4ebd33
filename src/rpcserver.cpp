// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcserver.h"
#include "rpcserver_p.h"

#include "rpclogging_p.h"
#include "rpcpeer.h"
#include "rpcpeer_p.h"
#include "transport/rpctransport_p.h"
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
#    include "transport/rpcseqpackettransport_p.h"
#endif

#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>
#include <QtNetwork/qlocalserver.h>
#include <QtNetwork/qlocalsocket.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#include <limits>
#include <utility>

#ifdef Q_OS_UNIX
#    include <cerrno>
#    include <sys/socket.h>
#    include <sys/stat.h>
#    include <sys/un.h>
#    include <unistd.h>
#endif

namespace Fizyr {

/*!
    \class Fizyr::RpcServer
    \inmodule FizyrRpcQt
    \brief Accepts Fizyr RPC connections and hands out an RpcPeer for each.

    RpcServer listens on a TCP port, a Unix stream socket or a Unix seqpacket
    socket, given as an address string (see RpcAddress). It works like
    QTcpServer: newConnection() is emitted for each new connection and
    nextPendingConnection() returns its RpcPeer, already connected.

    A peer does not read from its connection until it has been taken with
    nextPendingConnection(), so no request can arrive before you had the
    chance to connect to RpcPeer::requestReceived().

    \section1 Ownership

    Peers are created as children of the server, so they are deleted with it.
    The caller of nextPendingConnection() owns the returned peer: delete it
    (deleteLater()) after it disconnected, or reparent it.

    \section1 Unix socket files

    Before binding to a Unix socket path, the server removes a stale socket
    file left there by a process that died: it first checks that nobody
    accepts connections on it, and fails with RpcError::AddressInUse if
    somebody does. close() and the destructor remove the socket file the
    server created. A path that is not absolute is relative to
    QDir::tempPath() for \c{unix:} addresses (the QLocalServer rule) and to
    the working directory for \c{seqpacket:} addresses.
*/

/*!
    \fn void Fizyr::RpcServer::newConnection()
    Emitted for every new connection; take it with nextPendingConnection().
*/
/*!
    \fn void Fizyr::RpcServer::listeningChanged(bool listening)
    Emitted when the server starts (\a listening is \c true) or stops listening.
*/
/*!
    \fn void Fizyr::RpcServer::errorOccurred(Fizyr::RpcError error)
    Emitted when accepting a connection failed with \a error.
*/

/*!
    \fn void Fizyr::RpcServer::errorChanged()
    Emitted whenever error() or errorString() changes.
*/

/*!
    Constructs a server with \a parent. Call listen() to start it.
*/
RpcServer::RpcServer(QObject *parent) : QObject(parent), d_ptr(new RpcServerPrivate(this)) { }

/*!
    Destroys the server: stops listening (without emitting
    listeningChanged()), removes its socket file and deletes the peers that
    are still its children. Deleting the server, with \c delete or
    deleteLater(), is safe inside a slot connected to one of its signals,
    newConnection() included.
*/
RpcServer::~RpcServer()
{
    Q_D(RpcServer);
    d->stopListening();
}

#ifdef Q_OS_UNIX
// Returns true if a process accepts connections on the Unix socket at path.
static bool unixSocketIsLive(const QString &path, int type)
{
    const QByteArray encoded = QFile::encodeName(path);
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    if (size_t(encoded.size()) >= sizeof(addr.sun_path))
        return false;
    memcpy(addr.sun_path, encoded.constData(), size_t(encoded.size()));
    const int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return false;
    const int result = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr));
    const int savedErrno = errno;
    ::close(fd);
    // EAGAIN: the backlog is full, but somebody is listening.
    return result == 0 || savedErrno == EAGAIN || savedErrno == EPROTOTYPE;
}

// Removes a socket file at path that nobody listens on. Returns false if the
// path is in use (live socket or not a socket).
static bool removeStaleSocket(const QString &path, int type, QString *errorString)
{
    struct stat info;
    const QByteArray encoded = QFile::encodeName(path);
    if (::lstat(encoded.constData(), &info) != 0)
        return true; // nothing there
    if (!S_ISSOCK(info.st_mode)) {
        *errorString = RpcServer::tr("%1 exists and is not a socket").arg(path);
        return false;
    }
    if (unixSocketIsLive(path, type)) {
        *errorString = RpcServer::tr("another server is listening at %1").arg(path);
        return false;
    }
    qCDebug(lcRpcServer) << "removing stale socket" << path;
    ::unlink(encoded.constData());
    return true;
}
#endif

/*!
    Starts listening on \a address: \c{tcp://host:port} (port 0 picks a free
    port, see serverAddress()), \c{unix:/path} or \c{seqpacket:/path}.
    Returns \c true on success; otherwise error() and errorString() tell why.
    Each call sets error() once: to the reason of the failure, or back to
    RpcError::NoError on success (errorChanged() when that changes it).
*/
bool RpcServer::listen(const QString &address)
{
    Q_D(RpcServer);
    if (isListening())
        return listen(RpcAddress());
    QString parseError;
    const RpcAddress parsed = RpcAddress::fromString(address, &parseError);
    if (!parsed.isValid()) {
        d->setError(RpcError::InvalidAddress, parseError);
        return false;
    }
    return listen(parsed);
}

/*!
    \fn bool Fizyr::RpcServer::listen(const Fizyr::RpcAddress &address)
    \overload
    Starts listening on \a address.
*/
bool RpcServer::listen(const RpcAddress &parsed)
{
    Q_D(RpcServer);
    if (isListening()) {
        qCWarning(lcRpcServer, "RpcServer::listen: already listening");
        d->setError(RpcError::InvalidOperation, tr("the server is already listening"));
        return false; // nothing touched after the signal
    }
    RpcError listenError = RpcError::NoError;
    QString text;
    if (!parsed.isValid())
        listenError = RpcError::InvalidAddress;
    else
        d->startListening(parsed, &listenError, &text);
    // Set once, after the work: a slot connected to errorChanged() sees
    // the outcome (and may delete the server).
    QPointer<RpcServer> guard(this);
    d->setError(listenError, text);
    if (!guard || listenError != RpcError::NoError)
        return false;
    qCDebug(lcRpcServer) << "listening on" << d->address;
    Q_EMIT listeningChanged(true);
    return true;
}

static RpcError fromServerError(QAbstractSocket::SocketError error)
{
    switch (error) {
    case QAbstractSocket::AddressInUseError:
        return RpcError::AddressInUse;
    case QAbstractSocket::SocketAccessError:
        return RpcError::SocketAccess;
    case QAbstractSocket::HostNotFoundError:
    case QAbstractSocket::SocketAddressNotAvailableError:
        return RpcError::HostNotFound;
    case QAbstractSocket::SocketResourceError:
        return RpcError::SocketResource;
    default:
        return RpcError::NetworkFailure;
    }
}

// The text of a failed listen(), the same on every transport.
static QString listenErrorText(const RpcAddress &address, const QString &reason)
{
    return RpcServer::tr("cannot listen on %1: %2").arg(address.toString(), reason);
}

void RpcServerPrivate::startListening(const RpcAddress &parsed, RpcError *listenError,
                                      QString *text)
{
    Q_Q(RpcServer);
    switch (parsed.transport()) {
    case RpcAddress::Tcp: {
        QHostAddress host;
        if (parsed.host() == QLatin1String("localhost"))
            host = QHostAddress::LocalHost;
        else if (parsed.host() == QLatin1String("*"))
            host = QHostAddress::Any;
        else if (!host.setAddress(parsed.host())) {
            *listenError = RpcError::InvalidAddress;
            *text = listenErrorText(
                    parsed, RpcServer::tr("\"%1\" is not an IP address").arg(parsed.host()));
            return;
        }
        auto *server = new QTcpServer(q);
        if (!server->listen(host, parsed.port())) {
            *listenError = fromServerError(server->serverError());
            *text = listenErrorText(parsed, RpcTransport::errorText(*listenError));
            delete server;
            return;
        }
        server->setMaxPendingConnections(std::numeric_limits<int>::max());
        QObject::connect(server, &QTcpServer::newConnection, q, [this] { acceptTcp(); });
        QObject::connect(server, &QTcpServer::acceptError, q,
                         [this, server](QAbstractSocket::SocketError) {
                             reportError(RpcError::SocketResource, server->errorString());
                         });
        tcpServer = server;
        address = RpcAddress::tcp(parsed.host(), server->serverPort());
        return;
    }
    case RpcAddress::UnixStream: {
        QString path = parsed.path();
        if (!path.startsWith(QLatin1Char('/')))
            path = QDir::tempPath() + QLatin1Char('/') + path;
#ifdef Q_OS_UNIX
        if (!removeStaleSocket(path, SOCK_STREAM, text)) {
            *listenError = RpcError::AddressInUse;
            *text = listenErrorText(parsed, *text);
            return;
        }
#endif
        auto *server = new QLocalServer(q);
        if (!server->listen(path)) {
            *listenError = fromServerError(server->serverError());
            *text = listenErrorText(parsed, RpcTransport::errorText(*listenError));
            delete server;
            return;
        }
        server->setMaxPendingConnections(std::numeric_limits<int>::max());
        QObject::connect(server, &QLocalServer::newConnection, q, [this] { acceptLocal(); });
        localServer = server;
        address = RpcAddress::unixStream(parsed.path());
        return;
    }
    case RpcAddress::UnixSeqpacket: {
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
        const QString path = QFileInfo(parsed.path()).absoluteFilePath();
        if (!removeStaleSocket(path, SOCK_SEQPACKET, text)) {
            *listenError = RpcError::AddressInUse;
            *text = listenErrorText(parsed, *text);
            return;
        }
        auto *listener = new RpcSeqpacketListener(q);
        if (!listener->listen(path, listenError, text)) {
            *text = listenErrorText(parsed, RpcTransport::errorText(*listenError));
            delete listener;
            return;
        }
        QObject::connect(listener, &RpcSeqpacketListener::newConnection, q, [this](int fd) {
            ++acceptDepth;
            if (adoptSeqpacketDescriptor(fd))
                --acceptDepth;
        });
        QObject::connect(listener, &RpcSeqpacketListener::acceptError, q,
                         [this](RpcError e, const QString &why) { reportError(e, why); });
        seqpacketListener = listener;
        address = parsed;
        return;
#else
        *listenError = RpcError::UnsupportedTransport;
        *text = RpcServer::tr("the seqpacket transport is not available in this build");
        return;
#endif
    }
    case RpcAddress::Invalid:
        break;
    }
    *listenError = RpcError::InvalidAddress;
}

/*!
    Stops listening and removes the server's Unix socket file. Peers already
    accepted stay connected; pending ones stay pending. Safe to call from a
    slot connected to newConnection().
*/
void RpcServer::close()
{
    Q_D(RpcServer);
    if (!d->stopListening())
        return;
    Q_EMIT listeningChanged(false);
}

bool RpcServerPrivate::stopListening()
{
    if (!tcpServer && !localServer && !seqpacketListener)
        return false;
    if (tcpServer) {
        tcpServer->close();
        disposeListener(std::exchange(tcpServer, nullptr));
    }
    if (localServer) {
        localServer->close(); // removes the socket file
        disposeListener(std::exchange(localServer, nullptr));
    }
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
    if (seqpacketListener) {
        seqpacketListener->close(); // removes the socket file
        disposeListener(std::exchange(seqpacketListener, nullptr));
    }
#endif
    qCDebug(lcRpcServer) << "closed" << address;
    address = RpcAddress();
    return true;
}

void RpcServerPrivate::disposeListener(QObject *listener)
{
    QObject::disconnect(listener, nullptr, q_func(), nullptr);
    if (acceptDepth > 0) {
        // Inside its own signal: it goes when the event loop gets control.
        listener->setParent(nullptr);
        listener->deleteLater();
    } else {
        delete listener;
    }
}

/*!
    \property Fizyr::RpcServer::listening
    \c true while the server is listening.
*/
/*! Returns \c true while the server is listening. */
bool RpcServer::isListening() const
{
    Q_D(const RpcServer);
    return d->tcpServer || d->localServer || d->seqpacketListener;
}

/*!
    Returns the address the server listens on, with the actual port for
    TCP (useful after listening on port 0). Invalid when not listening.
*/
RpcAddress RpcServer::serverAddress() const
{
    Q_D(const RpcServer);
    return d->address;
}

/*! Returns the TCP port the server listens on, or 0. */
quint16 RpcServer::serverPort() const
{
    Q_D(const RpcServer);
    return d->tcpServer ? d->tcpServer->serverPort() : 0;
}

/*! Returns the last error. */
RpcError RpcServer::error() const
{
    Q_D(const RpcServer);
    return d->error;
}

/*! Returns a description of the last error. */
QString RpcServer::errorString() const
{
    Q_D(const RpcServer);
    return d->errorString;
}

/*!
    Returns the configuration given to new peers: the one set with
    setConfig(), or else the defaults of the transport listened on.
*/
RpcConfig RpcServer::config() const
{
    Q_D(const RpcServer);
    return d->peerConfig();
}

/*!
    Sets the configuration given to peers accepted from now on to \a config.
*/
void RpcServer::setConfig(const RpcConfig &config)
{
    Q_D(RpcServer);
    d->config = config;
    d->configSet = true;
}

/*! Returns \c true if connections wait to be taken with nextPendingConnection(). */
bool RpcServer::hasPendingConnections() const
{
    Q_D(const RpcServer);
    for (const QPointer<RpcPeer> &peer : d->pending) {
        if (peer)
            return true;
    }
    return false;
}

/*!
    Returns the next pending connection as a connected RpcPeer, or null if
    there is none. The peer is a child of the server; the caller owns it and
    should delete it (deleteLater()) when done, or reparent it. The peer
    starts reading from its connection when control returns to the event
    loop, so connect to its signals right away.
*/
RpcPeer *RpcServer::nextPendingConnection()
{
    Q_D(RpcServer);
    while (!d->pending.isEmpty()) {
        QPointer<RpcPeer> peer = d->pending.takeFirst();
        if (!peer)
            continue;
        RpcPeerPrivate *pd = RpcPeerPrivate::get(peer);
        pd->readingPaused = false;
        if (pd->transport)
            pd->transport->setReadingPaused(false);
        return peer;
    }
    return nullptr;
}

void RpcServerPrivate::setError(RpcError newError, const QString &text)
{
    Q_Q(RpcServer);
    const QString newString = newError == RpcError::NoError
            ? QString()
            : (text.isEmpty() ? rpcErrorString(newError) : text);
    if (error == newError && errorString == newString)
        return;
    error = newError;
    errorString = newString;
    Q_EMIT q->errorChanged();
}

RpcConfig RpcServerPrivate::peerConfig() const
{
    if (configSet)
        return config;
    return RpcConfig::defaultsFor(address.isValid() ? address.transport() : RpcAddress::Tcp);
}

void RpcServerPrivate::reportError(RpcError newError, const QString &text)
{
    Q_Q(RpcServer);
    QPointer<RpcServer> guard(q);
    setError(newError, text);
    if (guard)
        Q_EMIT q->errorOccurred(newError);
}

bool RpcServerPrivate::addPeer(RpcTransport *transport)
{
    Q_Q(RpcServer);
    auto *peer = new RpcPeer(q);
    RpcPeerPrivate *pd = RpcPeerPrivate::get(peer);
    pd->configSet = true;
    pd->readingPaused = true;
    // Nothing is connected to the new peer yet: its signals reach nobody.
    pd->adoptTransport(transport, RpcPeer::ConnectedState);
    pending.append(peer);
    qCDebug(lcRpcServer) << "new connection from" << transport->peerAddress();
    QPointer<RpcServer> guard(q);
    Q_EMIT q->newConnection();
    return !guard.isNull();
}

bool RpcServerPrivate::adoptSocket(QIODevice *socket)
{
    if (!socket)
        return true;
    RpcTransport *transport = RpcTransport::createForDevice(socket, true, peerConfig(), nullptr);
    socket->setParent(transport);
    return addPeer(transport);
}

bool RpcServerPrivate::adoptSeqpacketDescriptor(int fd)
{
    RpcError createError = RpcError::NoError;
    QString text;
    RpcTransport *transport = RpcTransport::createForSeqpacketDescriptor(fd, peerConfig(), nullptr,
                                                                         &createError, &text);
    if (transport)
        return addPeer(transport);
        // The descriptor is still ours: close it, or it leaks.
#ifdef Q_OS_UNIX
    ::close(fd);
#endif
    qCDebug(lcRpcServer) << "dropped an accepted connection:" << text;
    Q_Q(RpcServer);
    QPointer<RpcServer> guard(q);
    reportError(createError, text);
    return !guard.isNull();
}

// The accept loops run inside a signal of the QTcpServer or QLocalServer: a
// slot connected to newConnection() may close or delete the server.
void RpcServerPrivate::acceptTcp()
{
    ++acceptDepth;
    while (tcpServer && tcpServer->hasPendingConnections()) {
        if (!adoptSocket(tcpServer->nextPendingConnection()))
            return; // the server is gone
    }
    --acceptDepth;
}

void RpcServerPrivate::acceptLocal()
{
    ++acceptDepth;
    while (localServer && localServer->hasPendingConnections()) {
        if (!adoptSocket(localServer->nextPendingConnection()))
            return; // the server is gone
    }
    --acceptDepth;
}

} // namespace Fizyr

#include "moc_rpcserver.cpp"

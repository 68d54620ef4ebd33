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
    Destroys the server: stops listening, removes its socket file and
    deletes the peers that are still its children.
*/
RpcServer::~RpcServer()
{
    close();
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
        *errorString = QStringLiteral("%1 exists and is not a socket").arg(path);
        return false;
    }
    if (unixSocketIsLive(path, type)) {
        *errorString = QStringLiteral("another server is listening on %1").arg(path);
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
        d->setError(RpcError::InvalidOperation, QStringLiteral("the server is already listening"));
        return false;
    }
    if (!parsed.isValid()) {
        d->setError(RpcError::InvalidAddress, QString());
        return false;
    }
    d->setError(RpcError::NoError, QString());

    switch (parsed.transport()) {
    case RpcAddress::Tcp: {
        auto *server = new QTcpServer(this);
        QHostAddress host;
        if (parsed.host() == QLatin1String("localhost"))
            host = QHostAddress::LocalHost;
        else if (parsed.host() == QLatin1String("*"))
            host = QHostAddress::Any;
        else if (!host.setAddress(parsed.host())) {
            delete server;
            d->setError(RpcError::InvalidAddress,
                        QStringLiteral("cannot listen on \"%1\": not an IP address")
                                .arg(parsed.host()));
            return false;
        }
        if (!server->listen(host, parsed.port())) {
            const RpcError e = server->serverError() == QAbstractSocket::AddressInUseError
                    ? RpcError::AddressInUse
                    : server->serverError() == QAbstractSocket::SocketAccessError
                    ? RpcError::SocketAccess
                    : RpcError::NetworkFailure;
            d->setError(e, server->errorString());
            delete server;
            return false;
        }
        server->setMaxPendingConnections(std::numeric_limits<int>::max());
        connect(server, &QTcpServer::newConnection, this, [d] { d->acceptTcp(); });
        connect(server, &QTcpServer::acceptError, this, [d, server](QAbstractSocket::SocketError) {
            d->setError(RpcError::SocketResource, server->errorString());
            Q_EMIT d->q_func()->errorOccurred(d->error);
        });
        d->tcpServer = server;
        d->address = RpcAddress::tcp(parsed.host(), server->serverPort());
        break;
    }
    case RpcAddress::UnixStream: {
        QString path = parsed.path();
        if (!path.startsWith(QLatin1Char('/')))
            path = QDir::tempPath() + QLatin1Char('/') + path;
#ifdef Q_OS_UNIX
        QString why;
        if (!removeStaleSocket(path, SOCK_STREAM, &why)) {
            d->setError(RpcError::AddressInUse, why);
            return false;
        }
#endif
        auto *server = new QLocalServer(this);
        if (!server->listen(path)) {
            const RpcError e = server->serverError() == QAbstractSocket::AddressInUseError
                    ? RpcError::AddressInUse
                    : server->serverError() == QAbstractSocket::SocketAccessError
                    ? RpcError::SocketAccess
                    : RpcError::NetworkFailure;
            d->setError(e, server->errorString());
            delete server;
            return false;
        }
        server->setMaxPendingConnections(std::numeric_limits<int>::max());
        connect(server, &QLocalServer::newConnection, this, [d] { d->acceptLocal(); });
        d->localServer = server;
        d->address = RpcAddress::unixStream(parsed.path());
        break;
    }
    case RpcAddress::UnixSeqpacket: {
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
        const QString path = QFileInfo(parsed.path()).absoluteFilePath();
        QString why;
        if (!removeStaleSocket(path, SOCK_SEQPACKET, &why)) {
            d->setError(RpcError::AddressInUse, why);
            return false;
        }
        auto *listener = new RpcSeqpacketListener(this);
        RpcError listenError = RpcError::NoError;
        if (!listener->listen(path, &listenError, &why)) {
            d->setError(listenError, why);
            delete listener;
            return false;
        }
        connect(listener, &RpcSeqpacketListener::newConnection, this, [d](int fd) {
            RpcError createError = RpcError::NoError;
            QString text;
            RpcTransport *transport = RpcTransport::createForSeqpacketDescriptor(
                    fd, d->peerConfig(), nullptr, &createError, &text);
            if (!transport)
                return;
            d->addPeer(transport);
        });
        connect(listener, &RpcSeqpacketListener::acceptError, this,
                [d](RpcError e, const QString &text) {
                    d->setError(e, text);
                    Q_EMIT d->q_func()->errorOccurred(e);
                });
        d->seqpacketListener = listener;
        d->address = parsed;
        break;
#else
        d->setError(RpcError::UnsupportedTransport,
                    QStringLiteral("the seqpacket transport is not available in this build"));
        return false;
#endif
    }
    case RpcAddress::Invalid:
        return false;
    }
    qCDebug(lcRpcServer) << "listening on" << d->address;
    Q_EMIT listeningChanged(true);
    return true;
}

/*!
    Stops listening and removes the server's Unix socket file. Peers already
    accepted stay connected; pending ones stay pending.
*/
void RpcServer::close()
{
    Q_D(RpcServer);
    if (!isListening())
        return;
    if (d->tcpServer) {
        d->tcpServer->close();
        delete d->tcpServer;
        d->tcpServer = nullptr;
    }
    if (d->localServer) {
        d->localServer->close(); // removes the socket file
        delete d->localServer;
        d->localServer = nullptr;
    }
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
    if (d->seqpacketListener) {
        d->seqpacketListener->close(); // removes the socket file
        delete d->seqpacketListener;
        d->seqpacketListener = nullptr;
    }
#endif
    qCDebug(lcRpcServer) << "closed" << d->address;
    d->address = RpcAddress();
    Q_EMIT listeningChanged(false);
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

void RpcServerPrivate::addPeer(RpcTransport *transport)
{
    Q_Q(RpcServer);
    auto *peer = new RpcPeer(q);
    RpcPeerPrivate *pd = RpcPeerPrivate::get(peer);
    pd->config = transport->config();
    pd->configSet = true;
    pd->readingPaused = true;
    pd->installTransport(transport);
    pd->setState(RpcPeer::ConnectedState);
    pending.append(peer);
    qCDebug(lcRpcServer) << "new connection from" << transport->peerAddress();
    Q_EMIT q->newConnection();
}

void RpcServerPrivate::adoptSocket(QIODevice *socket)
{
    RpcTransport *transport = RpcTransport::createForDevice(socket, true, peerConfig(), nullptr);
    socket->setParent(transport);
    addPeer(transport);
}

void RpcServerPrivate::acceptTcp()
{
    while (tcpServer && tcpServer->hasPendingConnections()) {
        adoptSocket(tcpServer->nextPendingConnection());
    }
}

void RpcServerPrivate::acceptLocal()
{
    while (localServer && localServer->hasPendingConnections()) {
        adoptSocket(localServer->nextPendingConnection());
    }
}

} // namespace Fizyr

#include "moc_rpcserver.cpp"

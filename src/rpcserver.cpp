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
#include <QtNetwork/qsslkey.h>
#include <QtNetwork/qsslserver.h>
#include <QtNetwork/qsslsocket.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#include <limits>
#include <utility>

#ifdef Q_OS_UNIX
#    include <cerrno>
#    include <cstddef>
#    include <cstring>
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

    RpcServer listens on a TCP port, a TLS port (setSslConfiguration()), a
    Unix stream socket or a Unix seqpacket socket, given as an address string
    (see RpcAddress). It works like
    QTcpServer: newConnection() is emitted for each new connection and
    nextPendingConnection() returns its RpcPeer, already connected.

    A peer does not read from its connection until it has been taken with
    nextPendingConnection(), so no request can arrive before you had the
    chance to connect to RpcPeer::requestReceived().

    \section1 Ownership

    Peers are created as children of the server, so they are deleted with it.
    The caller of nextPendingConnection() owns the returned peer: delete it
    (deleteLater()) after it disconnected, or reparent it.

    \section1 Who may connect

    Over TLS, setSslConfiguration() with a client CA and
    QSslSocket::VerifyPeer admits only clients with a certificate (mutual
    TLS). On Unix sockets, setAccessPolicy() admits peers by user and group
    id, and setSocketFileMode() / setSocketFileGroup() set the permissions
    of the socket file.

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

// Creates a Unix socket of type, binds it to path ("@name": a name in the
// Linux abstract namespace) and listens. With mode >= 0 the socket file gets
// exactly that mode, with groupId >= 0 that group; at no moment is the file
// more open than asked: on Linux a socket file is created with the mode of
// the socket's inode (masked by the umask), so the socket is made
// owner-only (fchmod) before bind(), and the group and then the full mode
// are set on the file after it. Returns the descriptor, or -1 with error and
// text set.
static int bindUnixSocket(int type, const QString &path, int mode, qint64 groupId, RpcError *error,
                          QString *text)
{
    const bool abstract = path.startsWith(QLatin1Char('@'));
    const QByteArray encoded = QFile::encodeName(abstract ? path.mid(1) : path);
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    const size_t offset = abstract ? 1 : 0;
    if (size_t(encoded.size()) + offset >= sizeof(addr.sun_path)) {
        *error = RpcError::InvalidAddress;
        *text = RpcServer::tr("the socket path is too long");
        return -1;
    }
    memcpy(addr.sun_path + offset, encoded.constData(), size_t(encoded.size()));
    const socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + offset
                                       + size_t(encoded.size()) + (abstract ? 0 : 1));
    const auto fail = [&](int fd, int e, bool unlinkFile) {
        if (unlinkFile)
            ::unlink(encoded.constData());
        ::close(fd);
        *error = RpcTransport::errorFromErrno(e);
        *text = RpcTransport::errorText(*error);
        return -1;
    };
    const int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return fail(-1, errno, false);
    const bool setMode = !abstract && (mode >= 0 || groupId >= 0);
    const int finalMode = mode >= 0 ? (mode & 07777) : 0660;
    if (setMode && ::fchmod(fd, mode_t(finalMode & 0700)) != 0)
        return fail(fd, errno, false);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), length) != 0)
        return fail(fd, errno, false);
    if (setMode) {
        if (groupId >= 0 && ::chown(encoded.constData(), uid_t(-1), gid_t(groupId)) != 0)
            return fail(fd, errno, true);
        if (::chmod(encoded.constData(), mode_t(finalMode)) != 0)
            return fail(fd, errno, true);
    }
    if (::listen(fd, SOMAXCONN) != 0)
        return fail(fd, errno, !abstract);
    return fd;
}
#endif

/*!
    Starts listening on \a address: \c{tcp://host:port} (port 0 picks a free
    port, see serverAddress()), \c{tls://host:port}, \c{unix:/path},
    \c{seqpacket:/path}, or on Linux \c{unix:@name} and \c{seqpacket:@name}
    in the abstract namespace.
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
    case RpcAddress::Tcp:
    case RpcAddress::Tls: {
        if (accessPolicy.isRestricted()) {
            *listenError = RpcError::InvalidOperation;
            *text = listenErrorText(parsed,
                                    RpcServer::tr("an access policy applies to Unix sockets only"));
            return;
        }
        const bool tls = parsed.transport() == RpcAddress::Tls;
        if (tls && (sslConfig.localCertificate().isNull() || sslConfig.privateKey().isNull())) {
            *listenError = RpcError::InvalidOperation;
            *text = listenErrorText(parsed,
                                    RpcServer::tr("a TLS server needs a certificate and a private "
                                                  "key (setSslConfiguration())"));
            return;
        }
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
        QTcpServer *server = nullptr;
        if (tls) {
            auto *sslServer = new QSslServer(q);
            sslServer->setSslConfiguration(RpcTransport::withMinimumTls12(sslConfig));
            sslServer->setHandshakeTimeout(handshakeTimeout);
            // A failed handshake (a plain TCP client, an untrusted or missing
            // client certificate) costs that connection only; QSslServer
            // deletes its socket.
            QObject::connect(sslServer, &QSslServer::errorOccurred, q,
                             [this](QSslSocket *socket, QAbstractSocket::SocketError) {
                                 const QString peer
                                         = RpcAddress::tls(socket->peerAddress().toString(),
                                                           socket->peerPort())
                                                   .toString();
                                 reportHandshakeFailure(peer, socket->errorString());
                             });
            server = sslServer;
        } else {
            server = new QTcpServer(q);
        }
        if (!server->listen(host, parsed.port())) {
            *listenError = fromServerError(server->serverError());
            *text = listenErrorText(parsed, RpcTransport::errorText(*listenError));
            delete server;
            return;
        }
        server->setMaxPendingConnections(std::numeric_limits<int>::max());
        if (tls) {
            // QSslServer emits newConnection() when the TCP connection comes
            // in, pendingConnectionAvailable() once its handshake completed.
            QObject::connect(server, &QTcpServer::pendingConnectionAvailable, q,
                             [this] { acceptTcp(); });
        } else {
            QObject::connect(server, &QTcpServer::newConnection, q, [this] { acceptTcp(); });
        }
        QObject::connect(server, &QTcpServer::acceptError, q,
                         [this, server](QAbstractSocket::SocketError) {
                             reportError(RpcError::SocketResource, server->errorString());
                         });
        tcpServer = server;
        address = tls ? RpcAddress::tls(parsed.host(), server->serverPort())
                      : RpcAddress::tcp(parsed.host(), server->serverPort());
        return;
    }
    case RpcAddress::UnixStream: {
        QString path = parsed.path();
        const bool abstract = path.startsWith(QLatin1Char('@'));
        if (!abstract && !path.startsWith(QLatin1Char('/')))
            path = QDir::tempPath() + QLatin1Char('/') + path;
#ifdef Q_OS_UNIX
        if (!abstract && !removeStaleSocket(path, SOCK_STREAM, text)) {
            *listenError = RpcError::AddressInUse;
            *text = listenErrorText(parsed, *text);
            return;
        }
#endif
        auto *server = new QLocalServer(q);
        bool listening = false;
#ifdef Q_OS_UNIX
        if (abstract || socketMode >= 0 || socketGroup >= 0) {
            // Bound here: abstract names, and the file's mode and group set
            // without a window (see bindUnixSocket()).
            const int fd
                    = bindUnixSocket(SOCK_STREAM, path, socketMode, socketGroup, listenError, text);
            if (fd < 0) {
                *text = listenErrorText(parsed, *text);
                delete server;
                return;
            }
            listening = server->listen(qintptr(fd));
            if (!listening) {
                ::close(fd);
                if (!abstract)
                    ::unlink(QFile::encodeName(path).constData());
            } else if (!abstract) {
                ownedSocketFile = path;
            }
        } else
#endif
        {
            listening = server->listen(path);
        }
        if (!listening) {
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
        const bool abstract = parsed.path().startsWith(QLatin1Char('@'));
        const QString path = abstract ? parsed.path() : QFileInfo(parsed.path()).absoluteFilePath();
        if (!abstract && !removeStaleSocket(path, SOCK_SEQPACKET, text)) {
            *listenError = RpcError::AddressInUse;
            *text = listenErrorText(parsed, *text);
            return;
        }
        const int listenFd
                = bindUnixSocket(SOCK_SEQPACKET, path, socketMode, socketGroup, listenError, text);
        if (listenFd < 0) {
            *text = listenErrorText(parsed, *text);
            return;
        }
        auto *listener = new RpcSeqpacketListener(q);
        listener->listenOnDescriptor(listenFd, abstract ? QString() : path);
        QObject::connect(listener, &RpcSeqpacketListener::newConnection, q, [this](int fd) {
            ++acceptDepth;
            if (accessPolicy.isRestricted()) {
                // Before anything is read: a refused peer never reaches a peer object.
                const RpcPeerCredentials credentials = RpcPeerCredentials::fromSocketDescriptor(fd);
                if (!accessPolicy.allows(credentials)) {
                    ::close(fd);
                    if (reject(credentials))
                        --acceptDepth;
                    return;
                }
            }
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
        localServer->close(); // removes the socket file it bound itself
        disposeListener(std::exchange(localServer, nullptr));
    }
#ifdef Q_OS_UNIX
    if (!ownedSocketFile.isEmpty())
        ::unlink(QFile::encodeName(std::exchange(ownedSocketFile, QString())).constData());
#endif
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

/*! Returns the TCP (or TLS) port the server listens on, or 0. */
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

/*!
    Returns the TLS configuration for \c{tls://} listeners (by default
    QSslConfiguration::defaultConfiguration(), which has no certificate).

    \sa setSslConfiguration()
*/
QSslConfiguration RpcServer::sslConfiguration() const
{
    Q_D(const RpcServer);
    return d->sslConfig;
}

/*!
    Sets the TLS configuration of the next listen() on a \c{tls://} address
    to \a configuration. It must hold the server's certificate (with its
    chain, if any) and private key; listen() fails with
    RpcError::InvalidOperation otherwise.

    For mutual TLS, set the peer verify mode to QSslSocket::VerifyPeer and
    the CA certificates that issue client certificates: a client without a
    certificate, or with one those CAs did not issue, fails the handshake.
    The certificate chain of an accepted client is then
    RpcPeer::peerCertificateChain() of its peer. The protocol is at least
    TLS 1.2 (older or unspecified minimums are raised to
    QSsl::TlsV1_2OrLater).

    Connections are handed out (newConnection()) only once their handshake
    has completed. A failed handshake (a plain TCP client, an untrusted
    client certificate, a client that gives up) closes that connection only
    and is reported with errorOccurred() (RpcError::TlsHandshakeFailed, with
    the client's address and the reason in errorString()); the server keeps
    listening.
*/
void RpcServer::setSslConfiguration(const QSslConfiguration &configuration)
{
    Q_D(RpcServer);
    d->sslConfig = configuration;
}

/*!
    Returns how long, in milliseconds, a \c{tls://} listener waits for a
    client to complete its TLS handshake (default 10000).
*/
int RpcServer::handshakeTimeout() const
{
    Q_D(const RpcServer);
    return d->handshakeTimeout;
}

/*!
    Sets the time a \c{tls://} client has to complete its TLS handshake to
    \a msecs milliseconds, from the next listen() on. A client that connects
    and sends nothing, or too slowly, is disconnected after it, so it cannot
    hold a connection slot forever.
*/
void RpcServer::setHandshakeTimeout(int msecs)
{
    Q_D(RpcServer);
    d->handshakeTimeout = qMax(1, msecs);
}

/*!
    Returns the access policy of Unix stream and seqpacket listeners.

    \sa setAccessPolicy()
*/
RpcAccessPolicy RpcServer::accessPolicy() const
{
    Q_D(const RpcServer);
    return d->accessPolicy;
}

/*!
    Sets the access policy checked for every connection accepted from now on
    by a Unix stream or seqpacket listener to \a policy (see RpcAccessPolicy).
    The check uses the peer's credentials (SO_PEERCRED) and happens before
    anything is read from the connection: a refused connection is closed at
    once, reported with peerRejected(), and never handed out; an accepted
    one sees no difference.

    The policy is the only guard of abstract-namespace addresses
    (\c{unix:@name}, \c{seqpacket:@name}), which have no file permissions.
    A restricted policy on a TCP or TLS listener is refused by listen()
    (RpcError::InvalidOperation): credentials exist on Unix sockets only.
*/
void RpcServer::setAccessPolicy(const RpcAccessPolicy &policy)
{
    Q_D(RpcServer);
    d->accessPolicy = policy;
}

/*!
    Returns the permission bits given to the socket file of Unix listeners,
    or -1 (the default: whatever the umask gives).
*/
int RpcServer::socketFileMode() const
{
    Q_D(const RpcServer);
    return d->socketMode;
}

/*!
    Sets the permission bits (for example \c 0660) of the socket file created
    by the next listen() on a \c{unix:} or \c{seqpacket:} path to \a mode; -1
    leaves them to the umask. Connecting to a Unix socket needs write
    permission on its file.

    The mode is applied without a moment in which the file is more open
    than asked: on Linux the socket is made owner-only before bind() (the
    file is created with the socket's mode, masked by the umask), then the
    group (setSocketFileGroup()) and the full mode are set on the file. A
    mode that cannot be applied makes listen() fail. Abstract-namespace
    addresses have no file: the mode does not apply to them.
*/
void RpcServer::setSocketFileMode(int mode)
{
    Q_D(RpcServer);
    d->socketMode = mode < 0 ? -1 : (mode & 07777);
}

/*!
    Returns the group id given to the socket file of Unix listeners, or -1
    (the default: the group the system gives).
*/
qint64 RpcServer::socketFileGroup() const
{
    Q_D(const RpcServer);
    return d->socketGroup;
}

/*!
    Sets the group owner of the socket file created by the next listen() on
    a \c{unix:} or \c{seqpacket:} path to \a groupId; -1 leaves it to the
    system. An unprivileged process can only give the file a group it is a
    member of; listen() fails otherwise. Without a mode
    (setSocketFileMode()), a group comes with the mode 0660.
*/
void RpcServer::setSocketFileGroup(qint64 groupId)
{
    Q_D(RpcServer);
    d->socketGroup = groupId < 0 ? -1 : groupId;
}

/*!
    \fn void Fizyr::RpcServer::peerRejected(const Fizyr::RpcPeerCredentials &credentials)
    Emitted when the access policy refused a connection on a Unix listener;
    \a credentials are those of the refused process (invalid if they could
    not be read). The connection is already closed.

    \sa setAccessPolicy()
*/

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
        QLocalSocket *socket = localServer->nextPendingConnection();
        if (socket && accessPolicy.isRestricted()) {
            // Before anything is read: a refused peer never reaches a peer object.
            const RpcPeerCredentials credentials
                    = RpcPeerCredentials::fromSocketDescriptor(socket->socketDescriptor());
            if (!accessPolicy.allows(credentials)) {
                socket->abort();
                delete socket;
                if (!reject(credentials))
                    return; // the server is gone
                continue;
            }
        }
        if (!adoptSocket(socket))
            return; // the server is gone
    }
    --acceptDepth;
}

bool RpcServerPrivate::reject(const RpcPeerCredentials &credentials)
{
    Q_Q(RpcServer);
    qCDebug(lcRpcServer) << "refused a connection from" << credentials;
    QPointer<RpcServer> guard(q);
    Q_EMIT q->peerRejected(credentials);
    return !guard.isNull();
}

void RpcServerPrivate::reportHandshakeFailure(const QString &peer, const QString &why)
{
    Q_Q(RpcServer);
    qCDebug(lcRpcServer) << "TLS handshake with" << peer << "failed:" << why;
    ++acceptDepth;
    QPointer<RpcServer> guard(q);
    reportError(RpcError::TlsHandshakeFailed,
                RpcServer::tr("TLS handshake with %1 failed: %2").arg(peer, why));
    if (guard)
        --acceptDepth;
}

} // namespace Fizyr

#include "moc_rpcserver.cpp"

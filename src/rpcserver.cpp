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
#include <QtCore/qsocketnotifier.h>
#include <QtCore/qtimer.h>
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
#    include <fcntl.h>
#    include <sys/socket.h>
#    include <sys/stat.h>
#    include <sys/un.h>
#    include <unistd.h>
#endif

namespace Fizyr {

#ifdef FIZYRRPCQT_HAVE_SEQPACKET
namespace {

// A QTcpServer that hands out accepted descriptors instead of QTcpSockets:
// the server drives them with RpcSocketStreamTransport (no QIODevice).
// QTcpServer emits newConnection() after each incomingConnection(); the
// descriptors wait here until RpcServer takes them (at once, or once the
// pending connections have room: accepting is paused meanwhile). The
// destructor closes the ones nobody took.
class RpcTcpDescriptorServer : public QTcpServer
{
public:
    using QTcpServer::QTcpServer;
    ~RpcTcpDescriptorServer() override
    {
        for (int fd : std::as_const(m_descriptors))
            ::close(fd);
    }

    bool hasPendingConnections() const override { return !m_descriptors.isEmpty(); }
    int takeDescriptor() { return m_descriptors.takeFirst(); }

protected:
    void incomingConnection(qintptr socketDescriptor) override
    {
        m_descriptors.append(int(socketDescriptor));
    }

private:
    QList<int> m_descriptors;
};

} // namespace
#endif

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

    \section1 Inherited sockets

    setSocketDescriptor() listens on a socket that is already bound and
    listening (TCP, Unix stream or Unix seqpacket, told apart by the socket
    itself); listenInherited() takes one passed by systemd socket activation
    (\c LISTEN_FDS).

    \section1 Accepting

    At most maxPendingConnections() accepted connections wait to be taken;
    beyond that, and while pauseAccepting() holds, clients wait in the
    kernel's listen backlog. When accepting fails for want of file
    descriptors or memory, errorOccurred() reports it (not fatal) and the
    server tries again after 100 ms, on every transport.

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
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
            server = new RpcTcpDescriptorServer(q);
#else
            server = new QTcpServer(q);
#endif
        }
        if (!server->listen(host, parsed.port())) {
            *listenError = fromServerError(server->serverError());
            *text = listenErrorText(parsed, RpcTransport::errorText(*listenError));
            delete server;
            return;
        }
        installTcp(server);
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
#ifdef Q_OS_UNIX
        // Bound here, not by QLocalServer: abstract names, the file's mode and
        // group set without a window (see bindUnixSocket()), and an accept
        // loop that survives running out of descriptors.
        const int fd
                = bindUnixSocket(SOCK_STREAM, path, socketMode, socketGroup, listenError, text);
        if (fd < 0) {
            *text = listenErrorText(parsed, *text);
            return;
        }
        installUnix(fd, SOCK_STREAM, abstract ? QString() : path);
#else
        *listenError = RpcError::UnsupportedTransport;
        *text = listenErrorText(parsed, RpcServer::tr("Unix sockets are not available here"));
        return;
#endif
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
        installUnix(listenFd, SOCK_SEQPACKET, abstract ? QString() : path);
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
    if (!tcpServer && !unixListener)
        return false;
    if (acceptRetryTimer)
        acceptRetryTimer->stop();
    if (tcpServer) {
        tcpServer->close();
        disposeListener(std::exchange(tcpServer, nullptr));
    }
    if (unixListener) {
        unixListener->close(); // closes the socket and removes its file
        disposeListener(std::exchange(unixListener, nullptr));
    }
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
    return d->tcpServer || d->unixListener;
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
            pd->transport->setReadingPaused(pd->userReadingPaused);
        // Room for one more: accept the next (from the event loop).
        d->updateAccepting();
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
    if (pendingCount() >= maxPending)
        updateAccepting(); // full: the next ones wait in the kernel's backlog
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
    return adoptCreated(transport, fd, createError, text);
}

bool RpcServerPrivate::adoptStreamDescriptor(int fd)
{
    RpcError createError = RpcError::NoError;
    QString text;
    RpcTransport *transport = RpcTransport::createForStreamDescriptor(fd, peerConfig(), nullptr,
                                                                      &createError, &text);
    return adoptCreated(transport, fd, createError, text);
}

bool RpcServerPrivate::adoptCreated(RpcTransport *transport, int fd, RpcError createError,
                                    const QString &text)
{
    if (transport)
        return addPeer(transport);
        // The descriptor is still ours: close it, or it leaks.
#ifdef Q_OS_UNIX
    ::close(fd);
#else
    Q_UNUSED(fd);
#endif
    qCDebug(lcRpcServer) << "dropped an accepted connection:" << text;
    Q_Q(RpcServer);
    QPointer<RpcServer> guard(q);
    reportError(createError, text);
    return !guard.isNull();
}

// The accept loops run inside a signal of the QTcpServer or the Unix
// listener: a slot connected to newConnection() may close or delete the
// server.
void RpcServerPrivate::acceptTcp()
{
    ++acceptDepth;
    while (tcpServer && tcpServer->hasPendingConnections() && !acceptPaused
           && pendingCount() < maxPending) {
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
        if (auto *fdServer = dynamic_cast<RpcTcpDescriptorServer *>(tcpServer)) {
            if (!adoptStreamDescriptor(fdServer->takeDescriptor()))
                return; // the server is gone
            continue;
        }
#endif
        if (!adoptSocket(tcpServer->nextPendingConnection()))
            return; // the server is gone
    }
    --acceptDepth;
    // QTcpServer::nextPendingConnection() resumes accepting: pause again if
    // the pending connections are full.
    updateAccepting();
}

bool RpcServerPrivate::acceptUnix(int fd)
{
#ifdef Q_OS_UNIX
    Q_Q(RpcServer);
    RpcUnixListener *listener = unixListener;
    QPointer<RpcServer> guard(q);
    ++acceptDepth;
    if (accessPolicy.isRestricted()) {
        // Before anything is read: a refused peer never reaches a peer object.
        const RpcPeerCredentials credentials = RpcPeerCredentials::fromSocketDescriptor(fd);
        if (!accessPolicy.allows(credentials)) {
            ::close(fd);
            if (!reject(credentials))
                return false; // the server is gone
            --acceptDepth;
            return unixListener == listener;
        }
    }
    bool alive = true;
    if (listener->type() == SOCK_STREAM) {
#    ifdef FIZYRRPCQT_HAVE_SEQPACKET
        // Driven directly, without QLocalSocket (see RpcSocketStreamTransport).
        alive = adoptStreamDescriptor(fd);
#    else
        auto *socket = new QLocalSocket;
        if (!socket->setSocketDescriptor(fd, QLocalSocket::ConnectedState, QIODevice::ReadWrite)) {
            ::close(fd);
            delete socket;
            socket = nullptr;
        }
        alive = adoptSocket(socket);
#    endif
    } else {
        alive = adoptSeqpacketDescriptor(fd);
    }
    if (!alive)
        return false;
    --acceptDepth;
    if (unixListener != listener)
        return false; // closed meanwhile
    updateAccepting();
    return true;
#else
    Q_UNUSED(fd);
    return false;
#endif
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

// ---------------------------------------------------------------------------
// Adopted sockets, the pending-connection bound, pausing and failed accepts

/*!
    Starts listening on \a socketDescriptor, a socket that is already bound
    and listening (\c{listen()} was called on it), for example one inherited
    from a parent process. The server detects what it is from the socket
    itself (\c SO_DOMAIN, \c SO_TYPE and \c SO_ACCEPTCONN): a TCP socket
    (IPv4 or IPv6; plain TCP, not TLS), a Unix stream socket or a Unix
    seqpacket socket. serverAddress() is then the address the socket is bound
    to (\c{unix:} and \c{seqpacket:} sockets without a name have an empty
    path).

    Returns \c true on success; the server then owns the descriptor (made non-blocking and
    close-on-exec): close() and the destructor close it, but do not remove
    a Unix socket file, which belongs to whoever bound it. On failure the
    descriptor is left as it was, and error() and errorString() tell why:
    RpcError::InvalidOperation if it is not a listening socket, or if the
    server is listening already; RpcError::UnsupportedTransport if it is a
    socket of another kind. Like listen(), each call sets error() once.

    \sa listenInherited(), socketDescriptor()
*/
bool RpcServer::setSocketDescriptor(qintptr socketDescriptor)
{
    Q_D(RpcServer);
    if (isListening()) {
        qCWarning(lcRpcServer, "RpcServer::setSocketDescriptor: already listening");
        d->setError(RpcError::InvalidOperation, tr("the server is already listening"));
        return false;
    }
    RpcError listenError = RpcError::NoError;
    QString text;
    d->adoptListening(int(socketDescriptor), &listenError, &text);
    QPointer<RpcServer> guard(this);
    d->setError(listenError, text);
    if (!guard || listenError != RpcError::NoError)
        return false;
    qCDebug(lcRpcServer) << "listening on descriptor" << socketDescriptor << d->address;
    Q_EMIT listeningChanged(true);
    return true;
}

/*!
    Returns the descriptor of the listening socket, or -1 when not
    listening. It stays owned by the server.
*/
qintptr RpcServer::socketDescriptor() const
{
    Q_D(const RpcServer);
    if (d->tcpServer)
        return d->tcpServer->socketDescriptor();
    if (d->unixListener)
        return d->unixListener->descriptor();
    return -1;
}

/*!
    Starts listening on a socket passed by the service manager with the
    systemd socket activation protocol: when the environment variable
    \c LISTEN_PID is this process's id, \c LISTEN_FDS counts the listening
    sockets passed, as descriptors 3, 4, and so on. \a index selects one
    of them (0 for the first, descriptor 3); then it works like
    setSocketDescriptor() on that descriptor. Returns \c true on success.

    Fails with RpcError::InvalidOperation when no socket was passed to this
    process (the variables are missing, or \c LISTEN_PID names another
    process: a child does not take its parent's sockets), or when \a index
    is not below \c LISTEN_FDS. The variables are left as they are, so that
    another server of the process can take another index.

    \sa setSocketDescriptor()
*/
bool RpcServer::listenInherited(int index)
{
    Q_D(RpcServer);
    const int fd = inheritedSocketDescriptor(index);
    if (fd < 0) {
        const int count = inheritedSocketCount();
        d->setError(RpcError::InvalidOperation,
                    count == 0 ? tr("no socket was passed to this process (LISTEN_FDS and "
                                    "LISTEN_PID are not set for it)")
                               : tr("socket %1 was not passed to this process (LISTEN_FDS is %2)")
                                         .arg(index)
                                         .arg(count));
        return false;
    }
    return setSocketDescriptor(fd);
}

/*!
    Returns how many listening sockets the service manager passed to this
    process (\c LISTEN_FDS, if \c LISTEN_PID is this process's id), or 0.

    \sa listenInherited()
*/
int RpcServer::inheritedSocketCount()
{
#ifdef Q_OS_UNIX
    bool ok = false;
    const qint64 pid = qEnvironmentVariable("LISTEN_PID").toLongLong(&ok);
    if (!ok || pid != qint64(::getpid()))
        return 0;
    const int count = qEnvironmentVariable("LISTEN_FDS").toInt(&ok);
    return ok && count > 0 ? count : 0;
#else
    return 0;
#endif
}

/*!
    Returns the descriptor of the inherited socket \a index (3 + \a index),
    or -1 if the service manager did not pass that many.

    \sa inheritedSocketCount(), listenInherited()
*/
int RpcServer::inheritedSocketDescriptor(int index)
{
    if (index < 0 || index >= inheritedSocketCount())
        return -1;
    return 3 + index; // SD_LISTEN_FDS_START
}

/*!
    Returns the most connections that wait, accepted, to be taken with
    nextPendingConnection() (default 30).

    \sa setMaxPendingConnections()
*/
int RpcServer::maxPendingConnections() const
{
    Q_D(const RpcServer);
    return d->maxPending;
}

/*!
    Sets the most connections that wait to be taken with
    nextPendingConnection() to \a count (at least 1; default 30), like
    QTcpServer::setMaxPendingConnections(). When that many wait, the server
    stops accepting: further clients stay in the kernel's listen backlog
    (their connection attempt completes or waits there, as the kernel
    decides) until nextPendingConnection() makes room. Over TCP and TLS,
    QTcpServer's own queue (connections in their TLS handshake) is bounded
    by the same number.

    \sa pauseAccepting()
*/
void RpcServer::setMaxPendingConnections(int count)
{
    Q_D(RpcServer);
    d->maxPending = qMax(1, count);
    if (d->tcpServer)
        d->tcpServer->setMaxPendingConnections(d->maxPending);
    d->updateAccepting();
}

/*!
    Stops accepting new connections: clients queue in the kernel's listen
    backlog (and fail once it is full) until resumeAccepting(). The server
    keeps listening, and connections already accepted are not affected.

    \sa resumeAccepting(), setMaxPendingConnections()
*/
void RpcServer::pauseAccepting()
{
    Q_D(RpcServer);
    d->acceptPaused = true;
    d->updateAccepting();
}

/*!
    Resumes accepting new connections after pauseAccepting(): the clients
    that waited in the kernel's backlog are accepted from the event loop.
*/
void RpcServer::resumeAccepting()
{
    Q_D(RpcServer);
    d->acceptPaused = false;
    d->updateAccepting();
}

void RpcServerPrivate::adoptListening(int fd, RpcError *listenError, QString *text)
{
#ifdef Q_OS_UNIX
    const auto fail = [&](RpcError e, const QString &why) {
        *listenError = e;
        *text = RpcServer::tr("cannot listen on descriptor %1: %2").arg(fd).arg(why);
    };
    int accepting = 0, domain = 0, type = 0;
    socklen_t length = sizeof(int);
    if (fd < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0) {
        fail(RpcError::InvalidOperation, RpcServer::tr("not an open socket"));
        return;
    }
    length = sizeof(int);
    ::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length);
    length = sizeof(int);
    ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length);
    if (!accepting) {
        fail(RpcError::InvalidOperation,
             RpcServer::tr("the socket is not listening (listen() was not called on it)"));
        return;
    }
    const bool tcp = (domain == AF_INET || domain == AF_INET6) && type == SOCK_STREAM;
    const bool unixStream = domain == AF_UNIX && type == SOCK_STREAM;
    bool seqpacket = domain == AF_UNIX && type == SOCK_SEQPACKET;
#    ifndef FIZYRRPCQT_HAVE_SEQPACKET
    if (seqpacket) {
        fail(RpcError::UnsupportedTransport,
             RpcServer::tr("the seqpacket transport is not available in this build"));
        return;
    }
#    endif
    if (!tcp && !unixStream && !seqpacket) {
        fail(RpcError::UnsupportedTransport,
             RpcServer::tr("not a TCP, Unix stream or Unix seqpacket socket"));
        return;
    }
    if (tcp && accessPolicy.isRestricted()) {
        fail(RpcError::InvalidOperation,
             RpcServer::tr("an access policy applies to Unix sockets only"));
        return;
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    const int fdFlags = ::fcntl(fd, F_GETFD);
    if (fdFlags >= 0)
        ::fcntl(fd, F_SETFD, fdFlags | FD_CLOEXEC);
    if (tcp) {
        Q_Q(RpcServer);
#    ifdef FIZYRRPCQT_HAVE_SEQPACKET
        auto *server = new RpcTcpDescriptorServer(q);
#    else
        auto *server = new QTcpServer(q);
#    endif
        if (!server->setSocketDescriptor(fd)) {
            fail(fromServerError(server->serverError()), server->errorString());
            delete server;
            return;
        }
        installTcp(server);
        address = RpcAddress::tcp(server->serverAddress().toString(), server->serverPort());
        return;
    }
    // The name the socket is bound to: a path, "@name", or none.
    sockaddr_un addr = {};
    length = sizeof(addr);
    QString path;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &length) == 0
        && length > socklen_t(offsetof(sockaddr_un, sun_path))) {
        const size_t size = size_t(length) - offsetof(sockaddr_un, sun_path);
        if (addr.sun_path[0] == '\0')
            path = QLatin1Char('@')
                    + QFile::decodeName(QByteArray(addr.sun_path + 1, qsizetype(size) - 1));
        else
            path = QFile::decodeName(
                    QByteArray(addr.sun_path, qsizetype(strnlen(addr.sun_path, size))));
    }
    installUnix(fd, type, QString());
    address = unixStream ? RpcAddress::unixStream(path) : RpcAddress::unixSeqpacket(path);
#else
    Q_UNUSED(fd);
    *listenError = RpcError::UnsupportedTransport;
    *text = RpcServer::tr("adopting a socket is not available here");
#endif
}

// QTcpServer does not say why accept() failed beyond "out of resources":
// whether descriptors are what is missing shows by trying to get one.
static QString outOfDescriptorsText(const QString &qtReason)
{
#ifdef Q_OS_UNIX
    const int probe = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
    const int e = errno;
    if (probe >= 0)
        ::close(probe);
    else if (e == EMFILE || e == ENFILE)
        return RpcServer::tr("out of file descriptors (%1)").arg(qt_error_string(e));
#endif
    return RpcServer::tr("out of socket resources (%1)").arg(qtReason);
}

void RpcServerPrivate::installTcp(QTcpServer *server)
{
    Q_Q(RpcServer);
    server->setMaxPendingConnections(maxPending);
    if (qobject_cast<QSslServer *>(server)) {
        // QSslServer emits newConnection() when the TCP connection comes
        // in, pendingConnectionAvailable() once its handshake completed.
        QObject::connect(server, &QTcpServer::pendingConnectionAvailable, q,
                         [this] { acceptTcp(); });
    } else {
        QObject::connect(server, &QTcpServer::newConnection, q, [this] { acceptTcp(); });
    }
    QObject::connect(
            server, &QTcpServer::acceptError, q, [this, server](QAbstractSocket::SocketError) {
                // QTcpServer paused accepting; the retry timer resumes it.
                acceptFailed(RpcError::SocketResource, outOfDescriptorsText(server->errorString()));
            });
    tcpServer = server;
    updateAccepting();
}

void RpcServerPrivate::installUnix(int fd, int type, const QString &socketFile)
{
    Q_Q(RpcServer);
    auto *listener = new RpcUnixListener(fd, type, socketFile, q);
    listener->onAccepted = [this](int accepted) {
        return acceptUnix(accepted);
    };
    listener->onAcceptFailed = [this](int e) {
        const RpcError failure = RpcTransport::errorFromErrno(e);
        acceptFailed(failure,
                     e == EMFILE || e == ENFILE
                             ? RpcServer::tr("out of file descriptors (%1)").arg(qt_error_string(e))
                             : RpcTransport::errorText(failure));
    };
    unixListener = listener;
    updateAccepting();
}

int RpcServerPrivate::pendingCount() const
{
    int count = 0;
    for (const QPointer<RpcPeer> &peer : pending) {
        if (peer)
            ++count;
    }
    return count;
}

void RpcServerPrivate::updateAccepting()
{
    const bool retrying = acceptRetryTimer && acceptRetryTimer->isActive();
    const bool run = !acceptPaused && !retrying && pendingCount() < maxPending;
    if (tcpServer) {
        if (!run) {
            tcpServer->pauseAccepting();
        } else {
            tcpServer->resumeAccepting();
            if (tcpServer->hasPendingConnections()) {
                // Held back while full: hand them out from the event loop.
                Q_Q(RpcServer);
                QMetaObject::invokeMethod(
                        q, [this] { acceptTcp(); }, Qt::QueuedConnection);
            }
        }
    }
    if (unixListener)
        unixListener->setEnabled(run);
}

void RpcServerPrivate::acceptFailed(RpcError acceptError, const QString &reason)
{
    Q_Q(RpcServer);
    if (!acceptRetryTimer) {
        acceptRetryTimer = new QTimer(q);
        acceptRetryTimer->setSingleShot(true);
        QObject::connect(acceptRetryTimer, &QTimer::timeout, q, [this] { updateAccepting(); });
    }
    acceptRetryTimer->start(AcceptRetryMsecs);
    updateAccepting();
    qCWarning(lcRpcServer) << "accept failed:" << reason;
    ++acceptDepth;
    QPointer<RpcServer> guard(q);
    reportError(acceptError,
                RpcServer::tr("cannot accept a connection: %1 (the server keeps listening and "
                              "tries again in %2 ms)")
                        .arg(reason)
                        .arg(AcceptRetryMsecs));
    if (guard)
        --acceptDepth;
}

#ifdef Q_OS_UNIX
RpcUnixListener::RpcUnixListener(int fd, int type, const QString &socketFile, QObject *parent)
    : QObject(parent), m_fd(fd), m_type(type), m_socketFile(socketFile)
{
    m_notifier = new QSocketNotifier(qintptr(fd), QSocketNotifier::Read, this);
    QObject::connect(m_notifier, &QSocketNotifier::activated, this, [this] { acceptAll(); });
}

RpcUnixListener::~RpcUnixListener()
{
    close();
}

void RpcUnixListener::close()
{
    if (m_fd < 0)
        return;
    delete m_notifier;
    m_notifier = nullptr;
    ::close(m_fd);
    m_fd = -1;
    if (!m_socketFile.isEmpty())
        ::unlink(QFile::encodeName(std::exchange(m_socketFile, QString())).constData());
}

void RpcUnixListener::setEnabled(bool enabled)
{
    if (m_notifier)
        m_notifier->setEnabled(enabled);
}

void RpcUnixListener::acceptAll()
{
    while (m_fd >= 0 && m_notifier && m_notifier->isEnabled()) {
        const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            if (!onAccepted(fd))
                return; // closed or deleted: do not touch this any more
            continue;
        }
        const int e = errno;
        if (e == EINTR || e == ECONNABORTED)
            continue;
        if (e == EAGAIN || e == EWOULDBLOCK)
            return;
        // Out of descriptors and the like: the owner pauses accepting for a
        // moment instead of spinning on a listener that stays readable.
        m_notifier->setEnabled(false);
        onAcceptFailed(e);
        return;
    }
}
#else
RpcUnixListener::RpcUnixListener(int fd, int type, const QString &socketFile, QObject *parent)
    : QObject(parent), m_fd(fd), m_type(type), m_socketFile(socketFile)
{ }
RpcUnixListener::~RpcUnixListener() = default;
void RpcUnixListener::close() { }
void RpcUnixListener::setEnabled(bool) { }
void RpcUnixListener::acceptAll() { }
#endif

} // namespace Fizyr

#include "moc_rpcserver.cpp"

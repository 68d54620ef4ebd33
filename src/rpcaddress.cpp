// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcaddress.h"
#include "rpcaddress_p.h"

#include <QtCore/qdebug.h>
#include <QtCore/qhashfunctions.h>
#include <QtCore/qurl.h>

QT_DEFINE_QSDP_SPECIALIZATION_DTOR(Fizyr::RpcAddressPrivate)

namespace Fizyr {

QString normalizedHost(const QString &host)
{
    QUrl url;
    url.setHost(host, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return QString();
    return url.host();
}

/*!
    \class Fizyr::RpcAddress
    \inmodule FizyrRpcQt
    \brief Where to connect or listen: a transport plus a host and port or a path.

    RpcAddress is an implicitly shared value type; it can be used as a key
    in QHash and QSet (see qHash()). Addresses are written the same way
    everywhere (C++, QML and the command-line tool):

    \list
    \li \c{tcp://host:port}: TCP. The host is a host name or an IPv4
        address, or an IPv6 address in brackets (\c{tcp://[::1]:5000}).
    \li \c{tls://host:port}: TCP inside TLS (QSslSocket), with the same
        framing as TCP inside the encrypted channel; host as for TCP. See
        RpcPeer::setSslConfiguration() and RpcServer::setSslConfiguration().
    \li \c{unix:/path/to/socket}: a Unix stream socket. A relative path
        (\c{unix:name}) is a server name as QLocalSocket understands it: a
        socket of that name in QDir::tempPath().
    \li \c{seqpacket:/path/to/socket}: a Unix seqpacket socket; a relative
        path is relative to the working directory.
    \li \c{unix:@name} and \c{seqpacket:@name} (Linux): a socket in the
        abstract namespace, which has no file and so no file permissions;
        path() is then \c{@name}. Use an access policy
        (RpcServer::setAccessPolicy()) to restrict who may connect.
    \endlist

    \section1 Accepted grammar

    fromString() accepts exactly the following, after removing white space
    at both ends; the scheme names are case-insensitive:

    \code
    address   = tcp / tls / unix / seqpacket
    tcp       = "tcp://" host ":" port
    tls       = "tls://" host ":" port
    host      = name / IPv4-address / "[" IPv6-address "]"
    port      = 1*DIGIT               ; 0 to 65535
    unix      = "unix:" path
    seqpacket = "seqpacket:" path
    path      = absolute-path         ; "/run/app.sock"
              / relative-path         ; "app.sock", not starting with "//"
              / "//" absolute-path    ; URL spelling: "unix:///run/app.sock"
    \endcode

    Everything else is rejected with a message that says what was expected,
    in particular:

    \list
    \li user information (\c{tcp://user@host:5}), a path, query or
        fragment after a TCP port (\c{tcp://host:5/x}), a missing,
        non-numeric or out-of-range port;
    \li an IPv6 address without brackets (\c{tcp://a:b:5}): the last colon
        would be ambiguous;
    \li a host in a Unix address (\c{unix://tmp/x}, which is not the
        relative path \c{tmp/x}: write \c{unix:tmp/x} or
        \c{unix:///tmp/x});
    \li an empty path (\c{unix:}), and any other scheme.
    \endlist

    Host names are case-insensitive and kept in the form QUrl gives them:
    lower case, IPv6 addresses in their canonical form without brackets.
    The path of a Unix address is taken literally in the string form: no
    percent-decoding, and \c ? and \c # are part of the path.

    \section1 URLs

    toUrl() and fromUrl() convert to and from QUrl, for code that already
    handles addresses as URLs. The URL has the same scheme; the path of a
    Unix address is percent-encoded where a URL needs it. fromUrl() accepts
    the same forms as fromString() and rejects URLs with user information,
    a query or a fragment, a path on \c tcp, or a host on \c unix and
    \c seqpacket.
*/

/*!
    \enum Fizyr::RpcAddress::Transport
    \value Invalid Not a valid address.
    \value Tcp TCP, length-prefixed framing.
    \value UnixStream Unix stream socket, length-prefixed framing.
    \value UnixSeqpacket Unix seqpacket socket, one datagram per message, fd passing.
    \value Tls TCP inside TLS (QSslSocket), length-prefixed framing inside the encrypted channel.
*/

/*!
    \property Fizyr::RpcAddress::transport
    \brief the transport, or Invalid.
*/
/*!
    \property Fizyr::RpcAddress::host
    \brief the host of a TCP or TLS address (without brackets for IPv6), or an empty string.
*/
/*!
    \property Fizyr::RpcAddress::port
    \brief the port of a TCP or TLS address, or 0.
*/
/*!
    \property Fizyr::RpcAddress::path
    \brief the socket path (or local server name) of a Unix address, or an empty string.
*/
/*!
    \property Fizyr::RpcAddress::valid
    \brief whether the address is valid (its transport is not Invalid).
*/

/*!
    Constructs an invalid address.
*/
RpcAddress::RpcAddress() : d(new RpcAddressPrivate) { }

/*!
    Constructs a copy of \a other. The copy shares its data with \a other
    until one of them is changed.
*/
RpcAddress::RpcAddress(const RpcAddress &other) = default;

/*!
    \fn Fizyr::RpcAddress::RpcAddress(Fizyr::RpcAddress &&other)
    Move-constructs an address from \a other. \a other may only be assigned
    to or destroyed afterwards.
*/

/*!
    Assigns \a other to this address and returns a reference to it.
*/
RpcAddress &RpcAddress::operator=(const RpcAddress &other) = default;

/*!
    \fn Fizyr::RpcAddress &Fizyr::RpcAddress::operator=(Fizyr::RpcAddress &&other)
    Move-assigns \a other to this address.
*/

/*!
    Destroys the address.
*/
RpcAddress::~RpcAddress() = default;

/*!
    \fn void Fizyr::RpcAddress::swap(Fizyr::RpcAddress &other)
    Swaps this address with \a other. This operation never fails.
*/

/*!
    Returns \c true unless the address is Invalid.
*/
bool RpcAddress::isValid() const
{
    return d->transport != Invalid;
}

/*!
    Returns the transport.
*/
RpcAddress::Transport RpcAddress::transport() const
{
    return d->transport;
}

/*!
    Returns the host of a TCP address (without brackets for IPv6), or an
    empty string.
*/
QString RpcAddress::host() const
{
    return d->host;
}

/*!
    Returns the port of a TCP address, or 0.
*/
quint16 RpcAddress::port() const
{
    return d->port;
}

/*!
    Returns the socket path (or local server name) of a Unix address, or an
    empty string.
*/
QString RpcAddress::path() const
{
    return d->path;
}

/*!
    \fn bool Fizyr::RpcAddress::operator==(const Fizyr::RpcAddress &lhs, const Fizyr::RpcAddress &rhs)
    Returns \c true if \a lhs and \a rhs name the same transport, host, port and path.
*/
/*!
    \fn bool Fizyr::RpcAddress::operator!=(const Fizyr::RpcAddress &lhs, const Fizyr::RpcAddress &rhs)
    Returns \c true unless \a lhs and \a rhs are equal.
*/
bool RpcAddress::equals(const RpcAddress &other) const
{
    return d == other.d
            || (d->transport == other.d->transport && d->port == other.d->port
                && d->host == other.d->host && d->path == other.d->path);
}
/*!
    Returns a TCP address for \a host and \a port. The host is stored in the
    form QUrl normalizes it to (lower case, canonical IPv6 form) when QUrl
    accepts it, as given otherwise. Returns an invalid address if \a host is
    empty.
*/
RpcAddress RpcAddress::tcp(const QString &host, quint16 port)
{
    RpcAddress result;
    if (!host.isEmpty()) {
        const QString normalized = normalizedHost(host);
        result.d->transport = Tcp;
        result.d->host = normalized.isEmpty() ? host : normalized;
        result.d->port = port;
    }
    return result;
}

/*!
    Returns a TLS address (TCP inside TLS) for \a host and \a port, normalized
    like tcp(). Returns an invalid address if \a host is empty.

    \sa tcp()
*/
RpcAddress RpcAddress::tls(const QString &host, quint16 port)
{
    RpcAddress result = tcp(host, port);
    if (result.isValid())
        result.d->transport = Tls;
    return result;
}

/*!
    Returns a Unix stream socket address for \a path (or local server name),
    or an invalid address if \a path is empty.
*/
RpcAddress RpcAddress::unixStream(const QString &path)
{
    RpcAddress result;
    if (!path.isEmpty()) {
        result.d->transport = UnixStream;
        result.d->path = path;
    }
    return result;
}

/*!
    Returns a Unix seqpacket socket address for \a path, or an invalid
    address if \a path is empty.
*/
RpcAddress RpcAddress::unixSeqpacket(const QString &path)
{
    RpcAddress result;
    if (!path.isEmpty()) {
        result.d->transport = UnixSeqpacket;
        result.d->path = path;
    }
    return result;
}

/*!
    Returns the address in the string form fromString() reads, or an empty
    string for an invalid address. fromString() of the result returns an
    equal address.
*/
QString RpcAddress::toString() const
{
    switch (d->transport) {
    case Tcp:
    case Tls: {
        const QLatin1String scheme(d->transport == Tls ? "tls" : "tcp");
        if (d->host.contains(QLatin1Char(':')))
            return QStringLiteral("%1://[%2]:%3").arg(scheme, d->host).arg(d->port);
        return QStringLiteral("%1://%2:%3").arg(scheme, d->host).arg(d->port);
    }
    case UnixStream:
    case UnixSeqpacket: {
        const QString scheme = d->transport == UnixStream ? QStringLiteral("unix:")
                                                          : QStringLiteral("seqpacket:");
        // A path that starts with "//" would read as a host: spell out the empty one.
        if (d->path.startsWith(QLatin1String("//")))
            return scheme + QLatin1String("//") + d->path;
        return scheme + d->path;
    }
    case Invalid:
        break;
    }
    return QString();
}

/*!
    Returns the address as a URL: \c{tcp://host:port} (IPv6 hosts in
    brackets), \c{unix:path} or \c{seqpacket:path} with the path
    percent-encoded where a URL needs it. Returns an empty QUrl for an
    invalid address. fromUrl() of the result returns an equal address.

    \sa fromUrl(), toString()
*/
QUrl RpcAddress::toUrl() const
{
    QUrl url;
    switch (d->transport) {
    case Tcp:
    case Tls:
        url.setScheme(d->transport == Tls ? QStringLiteral("tls") : QStringLiteral("tcp"));
        url.setHost(d->host);
        url.setPort(d->port);
        break;
    case UnixStream:
    case UnixSeqpacket:
        url.setScheme(d->transport == UnixStream ? QStringLiteral("unix")
                                                 : QStringLiteral("seqpacket"));
        // A path that starts with "//" needs an (empty) authority in front of it.
        if (d->path.startsWith(QLatin1String("//")))
            url.setAuthority(QStringLiteral(""));
        url.setPath(d->path, QUrl::DecodedMode);
        break;
    case Invalid:
        break;
    }
    return url;
}

/*!
    \relates Fizyr::RpcAddress
    Returns a hash of \a address, using \a seed, so that RpcAddress can be a
    key in QHash and QSet. Equal addresses have equal hashes.
*/
size_t qHash(const RpcAddress &address, size_t seed) noexcept
{
    return qHashMulti(seed, int(address.transport()), address.host(), address.port(),
                      address.path());
}

#ifndef QT_NO_DEBUG_STREAM
/*!
    \relates Fizyr::RpcAddress
    Writes \a address in its string form to \a debug.
*/
QDebug operator<<(QDebug debug, const RpcAddress &address)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "RpcAddress(" << address.toString() << ')';
    return debug;
}
#endif

} // namespace Fizyr

#include "moc_rpcaddress.cpp"

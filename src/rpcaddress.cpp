// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcaddress.h"

#include <QtCore/qdebug.h>

namespace Fizyr {

/*!
    \class Fizyr::RpcAddress
    \inmodule FizyrRpcQt
    \brief Where to connect or listen: a transport plus a host and port or a path.

    Addresses are written the same way everywhere (C++, QML and the
    command-line tool):

    \list
    \li \c{tcp://host:port}: TCP; IPv6 hosts go in brackets (\c{tcp://[::1]:5000}).
    \li \c{unix:/path/to/socket}: a Unix stream socket. A name without a
        slash (\c{unix:name}) is a QLocalSocket server name.
    \li \c{seqpacket:/path/to/socket}: a Unix seqpacket socket.
    \endlist
*/

/*!
    \enum Fizyr::RpcAddress::Transport
    \value Invalid Not a valid address.
    \value Tcp TCP, length-prefixed framing.
    \value UnixStream Unix stream socket (QLocalSocket), length-prefixed framing.
    \value UnixSeqpacket Unix seqpacket socket, one datagram per message, fd passing.
*/

/*!
    \fn Fizyr::RpcAddress::RpcAddress()
    Constructs an invalid address.
*/
/*!
    \property Fizyr::RpcAddress::valid
    \c true unless the address is Invalid.
*/
/*!
    \fn bool Fizyr::RpcAddress::isValid() const
    Returns \c true unless the address is Invalid.
*/
/*!
    \fn Fizyr::RpcAddress::Transport Fizyr::RpcAddress::transport() const
    Returns the transport.
*/
/*!
    \fn QString Fizyr::RpcAddress::host() const
    Returns the host of a TCP address (without brackets for IPv6), or an empty string.
*/
/*!
    \fn quint16 Fizyr::RpcAddress::port() const
    Returns the port of a TCP address, or 0.
*/
/*!
    \fn QString Fizyr::RpcAddress::path() const
    Returns the socket path (or local server name) of a Unix address, or an empty string.
*/
/*!
    \fn bool Fizyr::RpcAddress::operator==(const Fizyr::RpcAddress &lhs, const Fizyr::RpcAddress &rhs)
    Returns \c true if \a lhs and \a rhs name the same transport, host, port and path.
*/
/*!
    \fn bool Fizyr::RpcAddress::operator!=(const Fizyr::RpcAddress &lhs, const Fizyr::RpcAddress &rhs)
    Returns \c true unless \a lhs and \a rhs are equal.
*/

/*!
    Parses \a address. Returns an invalid address if it cannot be parsed and
    then stores the reason in \a errorString, if that is not null.
*/
RpcAddress RpcAddress::fromString(const QString &address, QString *errorString)
{
    auto fail = [&](const QString &why) {
        if (errorString)
            *errorString = why;
        return RpcAddress();
    };

    const QString text = address.trimmed();
    if (text.startsWith(QLatin1String("tcp://"))) {
        const QString rest = text.mid(6);
        QString host;
        QString portText;
        if (rest.startsWith(QLatin1Char('['))) {
            const qsizetype close = rest.indexOf(QLatin1Char(']'));
            if (close < 0 || rest.mid(close + 1, 1) != QLatin1String(":"))
                return fail(QStringLiteral("invalid TCP address \"%1\": expected tcp://[ipv6]:port")
                                    .arg(text));
            host = rest.mid(1, close - 1);
            portText = rest.mid(close + 2);
        } else {
            const qsizetype colon = rest.lastIndexOf(QLatin1Char(':'));
            if (colon < 0)
                return fail(QStringLiteral("invalid TCP address \"%1\": expected tcp://host:port")
                                    .arg(text));
            host = rest.left(colon);
            portText = rest.mid(colon + 1);
        }
        if (host.isEmpty())
            return fail(QStringLiteral("invalid TCP address \"%1\": missing host").arg(text));
        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!ok || port > 65535)
            return fail(QStringLiteral("invalid TCP address \"%1\": port must be 0 to 65535")
                                .arg(text));
        return tcp(host, quint16(port));
    }

    const auto pathAddress = [&](QLatin1String scheme, Transport transport) {
        QString path = text.mid(scheme.size());
        // Accept the URL spelling unix:///path as well.
        if (path.startsWith(QLatin1String("//")))
            path = path.mid(2);
        if (path.isEmpty())
            return fail(QStringLiteral("invalid address \"%1\": missing socket path").arg(text));
        RpcAddress result;
        result.m_transport = transport;
        result.m_path = path;
        return result;
    };
    if (text.startsWith(QLatin1String("unix:")))
        return pathAddress(QLatin1String("unix:"), UnixStream);
    if (text.startsWith(QLatin1String("seqpacket:")))
        return pathAddress(QLatin1String("seqpacket:"), UnixSeqpacket);

    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon > 0)
        return fail(
                QStringLiteral(
                        "unknown address scheme \"%1\" in \"%2\": use tcp://, unix: or seqpacket:")
                        .arg(text.left(colon), text));
    return fail(
            QStringLiteral(
                    "invalid address \"%1\": use tcp://host:port, unix:/path or seqpacket:/path")
                    .arg(text));
}

/*! Returns a TCP address for \a host and \a port. */
RpcAddress RpcAddress::tcp(const QString &host, quint16 port)
{
    RpcAddress result;
    result.m_transport = Tcp;
    result.m_host = host;
    result.m_port = port;
    return result;
}

/*! Returns a Unix stream socket address for \a path (or local server name). */
RpcAddress RpcAddress::unixStream(const QString &path)
{
    RpcAddress result;
    if (!path.isEmpty()) {
        result.m_transport = UnixStream;
        result.m_path = path;
    }
    return result;
}

/*! Returns a Unix seqpacket socket address for \a path. */
RpcAddress RpcAddress::unixSeqpacket(const QString &path)
{
    RpcAddress result;
    if (!path.isEmpty()) {
        result.m_transport = UnixSeqpacket;
        result.m_path = path;
    }
    return result;
}

/*!
    Returns the address in the string form fromString() reads, or an empty
    string for an invalid address.
*/
QString RpcAddress::toString() const
{
    switch (m_transport) {
    case Tcp:
        if (m_host.contains(QLatin1Char(':')))
            return QStringLiteral("tcp://[%1]:%2").arg(m_host).arg(m_port);
        return QStringLiteral("tcp://%1:%2").arg(m_host).arg(m_port);
    case UnixStream:
        return QStringLiteral("unix:") + m_path;
    case UnixSeqpacket:
        return QStringLiteral("seqpacket:") + m_path;
    case Invalid:
        break;
    }
    return QString();
}

#ifndef QT_NO_DEBUG_STREAM
QDebug operator<<(QDebug debug, const RpcAddress &address)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "RpcAddress(" << address.toString() << ')';
    return debug;
}
#endif

} // namespace Fizyr

#include "moc_rpcaddress.cpp"

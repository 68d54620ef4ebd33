// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcpeercredentials.h"

#include <QtCore/qdebug.h>

#ifdef Q_OS_LINUX
#    include <sys/socket.h>
#endif

namespace Fizyr {

/*!
    \class Fizyr::RpcPeerCredentials
    \inmodule FizyrRpcQt
    \brief The process, user and group id of the process at the other end of a Unix socket.

    The kernel records the credentials of the process that connected (or
    listened) when the connection was made (\c SO_PEERCRED); they cannot be
    forged by the peer. A server can use them to decide whom to serve.
    Credentials are invalid (isValid() returns \c false) for TCP connections
    and on platforms without \c SO_PEERCRED.
*/

/*!
    \fn Fizyr::RpcPeerCredentials::RpcPeerCredentials()
    Constructs invalid credentials.
*/
/*!
    \fn Fizyr::RpcPeerCredentials::RpcPeerCredentials(qint64 processId, qint64 userId, qint64 groupId)
    Constructs credentials of \a processId, \a userId and \a groupId.
*/
/*!
    \property Fizyr::RpcPeerCredentials::valid
    \c true if the credentials are known.
*/
/*!
    \fn bool Fizyr::RpcPeerCredentials::isValid() const
    Returns \c true if the credentials are known.
*/
/*!
    \fn qint64 Fizyr::RpcPeerCredentials::processId() const
    Returns the process id of the other side, or -1.
*/
/*!
    \fn qint64 Fizyr::RpcPeerCredentials::userId() const
    Returns the user id of the other side, or -1.
*/
/*!
    \fn qint64 Fizyr::RpcPeerCredentials::groupId() const
    Returns the group id of the other side, or -1.
*/
/*!
    \fn bool Fizyr::RpcPeerCredentials::operator==(const Fizyr::RpcPeerCredentials &lhs, const Fizyr::RpcPeerCredentials &rhs)
    Returns \c true if \a lhs and \a rhs are equal.
*/
/*!
    \fn bool Fizyr::RpcPeerCredentials::operator!=(const Fizyr::RpcPeerCredentials &lhs, const Fizyr::RpcPeerCredentials &rhs)
    Returns \c true unless \a lhs and \a rhs are equal.
*/

/*!
    Reads the credentials of the peer of the connected Unix socket
    \a socketDescriptor. Returns invalid credentials on failure.
*/
RpcPeerCredentials RpcPeerCredentials::fromSocketDescriptor(qintptr socketDescriptor)
{
#ifdef Q_OS_LINUX
    struct ucred cred = {};
    socklen_t length = sizeof(cred);
    if (socketDescriptor >= 0
        && ::getsockopt(int(socketDescriptor), SOL_SOCKET, SO_PEERCRED, &cred, &length) == 0
        && cred.pid > 0) {
        return RpcPeerCredentials(cred.pid, cred.uid, cred.gid);
    }
#else
    Q_UNUSED(socketDescriptor);
#endif
    return RpcPeerCredentials();
}

#ifndef QT_NO_DEBUG_STREAM
QDebug operator<<(QDebug debug, const RpcPeerCredentials &credentials)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "RpcPeerCredentials(pid=" << credentials.processId()
                    << ", uid=" << credentials.userId() << ", gid=" << credentials.groupId() << ')';
    return debug;
}
#endif

} // namespace Fizyr

#include "moc_rpcpeercredentials.cpp"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcpeercredentials.h"

#include <QtCore/qdebug.h>

#ifdef Q_OS_LINUX
#    include <sys/socket.h>
#endif

namespace Fizyr {

class RpcPeerCredentialsPrivate : public QSharedData
{
public:
    qint64 pid = -1;
    qint64 uid = -1;
    qint64 gid = -1;
};

} // namespace Fizyr

QT_DEFINE_QSDP_SPECIALIZATION_DTOR(Fizyr::RpcPeerCredentialsPrivate)

namespace Fizyr {

/*!
    \class Fizyr::RpcPeerCredentials
    \inmodule FizyrRpcQt
    \brief The process, user and group id of the process at the other end of a Unix socket.

    RpcPeerCredentials is an implicitly shared value type.

    The kernel records the credentials of the process that connected (or
    listened) when the connection was made (\c SO_PEERCRED); they cannot be
    forged by the peer. A server can use them to decide whom to serve.
    Credentials are invalid (isValid() returns \c false) for TCP connections
    and on platforms without \c SO_PEERCRED.
*/

/*!
    \property Fizyr::RpcPeerCredentials::valid
    \brief whether the credentials are known.
*/
/*!
    \property Fizyr::RpcPeerCredentials::processId
    \brief the process id of the other side, or -1.
*/
/*!
    \property Fizyr::RpcPeerCredentials::userId
    \brief the user id of the other side, or -1.
*/
/*!
    \property Fizyr::RpcPeerCredentials::groupId
    \brief the group id of the other side, or -1.
*/

/*!
    Constructs invalid credentials.
*/
RpcPeerCredentials::RpcPeerCredentials() : d(new RpcPeerCredentialsPrivate) { }

/*!
    Constructs credentials of \a processId, \a userId and \a groupId. They
    are valid if \a processId is not negative.
*/
RpcPeerCredentials::RpcPeerCredentials(qint64 processId, qint64 userId, qint64 groupId)
    : d(new RpcPeerCredentialsPrivate)
{
    d->pid = processId;
    d->uid = userId;
    d->gid = groupId;
}

/*!
    Constructs a copy of \a other.
*/
RpcPeerCredentials::RpcPeerCredentials(const RpcPeerCredentials &other) = default;

/*!
    \fn Fizyr::RpcPeerCredentials::RpcPeerCredentials(Fizyr::RpcPeerCredentials &&other)
    Move-constructs credentials from \a other. \a other may only be assigned
    to or destroyed afterwards.
*/

/*!
    Assigns \a other to these credentials and returns a reference to them.
*/
RpcPeerCredentials &RpcPeerCredentials::operator=(const RpcPeerCredentials &other) = default;

/*!
    \fn Fizyr::RpcPeerCredentials &Fizyr::RpcPeerCredentials::operator=(Fizyr::RpcPeerCredentials &&other)
    Move-assigns \a other to these credentials.
*/

/*!
    Destroys the credentials.
*/
RpcPeerCredentials::~RpcPeerCredentials() = default;

/*!
    \fn void Fizyr::RpcPeerCredentials::swap(Fizyr::RpcPeerCredentials &other)
    Swaps these credentials with \a other. This operation never fails.
*/

/*!
    Returns \c true if the credentials are known.
*/
bool RpcPeerCredentials::isValid() const
{
    return d->pid >= 0;
}

/*!
    Returns the process id of the other side, or -1.
*/
qint64 RpcPeerCredentials::processId() const
{
    return d->pid;
}

/*!
    Returns the user id of the other side, or -1.
*/
qint64 RpcPeerCredentials::userId() const
{
    return d->uid;
}

/*!
    Returns the group id of the other side, or -1.
*/
qint64 RpcPeerCredentials::groupId() const
{
    return d->gid;
}

/*!
    \fn bool Fizyr::RpcPeerCredentials::operator==(const Fizyr::RpcPeerCredentials &lhs, const Fizyr::RpcPeerCredentials &rhs)
    Returns \c true if \a lhs and \a rhs hold the same process, user and group id.
*/
/*!
    \fn bool Fizyr::RpcPeerCredentials::operator!=(const Fizyr::RpcPeerCredentials &lhs, const Fizyr::RpcPeerCredentials &rhs)
    Returns \c true unless \a lhs and \a rhs are equal.
*/
bool RpcPeerCredentials::equals(const RpcPeerCredentials &other) const
{
    return d == other.d
            || (d->pid == other.d->pid && d->uid == other.d->uid && d->gid == other.d->gid);
}

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
/*!
    \relates Fizyr::RpcPeerCredentials
    Writes the process, user and group id of \a credentials to \a debug.
*/
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

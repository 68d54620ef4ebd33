// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcaccesspolicy.h"

#ifdef Q_OS_UNIX
#    include <unistd.h>
#endif

namespace Fizyr {

class RpcAccessPolicyPrivate : public QSharedData
{
public:
    QList<qint64> userIds;
    QList<qint64> groupIds;
    bool sameUser = false;
    RpcAccessPolicy::Callback callback;
};

} // namespace Fizyr

QT_DEFINE_QSDP_SPECIALIZATION_DTOR(Fizyr::RpcAccessPolicyPrivate)

namespace Fizyr {

/*!
    \class Fizyr::RpcAccessPolicy
    \inmodule FizyrRpcQt
    \brief Who may connect to an RpcServer listening on a Unix socket.

    An access policy is checked by RpcServer for every connection accepted on
    a Unix stream (\c{unix:}) or seqpacket (\c{seqpacket:}) listener, on the
    credentials the kernel reports for the connecting process
    (RpcPeerCredentials, \c SO_PEERCRED), before any message of it is read.
    A connection the policy refuses is closed at once and reported with
    RpcServer::peerRejected(); an accepted one is handed out as usual and
    sees no difference.

    A default-constructed policy is not restricted: everybody who can open
    the socket may connect. As soon as one rule is set, a peer is accepted
    if at least one rule accepts it:
    \list
    \li its user id is in allowedUserIds();
    \li its group id is in allowedGroupIds() (the primary group of the
        connecting process as the kernel reports it; supplementary groups
        are not seen);
    \li allowsSameUser() is set and its user id is the effective user id of
        the server process;
    \li callback() is set and returns \c true for its credentials.
    \endlist
    A peer whose credentials cannot be read is refused by a restricted
    policy. Root gets no exception.

    The callback runs in the server's thread, inside the accept path: keep
    it short and do not delete the server from it.

    RpcAccessPolicy is an implicitly shared value type.

    \sa RpcServer::setAccessPolicy(), RpcServer::peerRejected()
*/

/*!
    \typedef Fizyr::RpcAccessPolicy::Callback
    A function that returns \c true if the peer with the given credentials
    may connect.
*/

/*! Constructs a policy that is not restricted. */
RpcAccessPolicy::RpcAccessPolicy() : d(new RpcAccessPolicyPrivate) { }
/*! Constructs a copy of \a other. */
RpcAccessPolicy::RpcAccessPolicy(const RpcAccessPolicy &other) = default;
/*!
    \fn Fizyr::RpcAccessPolicy::RpcAccessPolicy(Fizyr::RpcAccessPolicy &&other)
    Move-constructs a policy from \a other.
*/
/*! Assigns \a other to this policy. */
RpcAccessPolicy &RpcAccessPolicy::operator=(const RpcAccessPolicy &other) = default;
/*!
    \fn Fizyr::RpcAccessPolicy &Fizyr::RpcAccessPolicy::operator=(Fizyr::RpcAccessPolicy &&other)
    Move-assigns \a other to this policy.
*/
/*! Destroys the policy. */
RpcAccessPolicy::~RpcAccessPolicy() = default;
/*!
    \fn void Fizyr::RpcAccessPolicy::swap(Fizyr::RpcAccessPolicy &other)
    Swaps this policy with \a other.
*/

/*!
    Returns a policy that accepts only processes running as the same
    (effective) user as the server.
*/
RpcAccessPolicy RpcAccessPolicy::sameUser()
{
    RpcAccessPolicy policy;
    policy.setAllowSameUser(true);
    return policy;
}

/*! Returns \c true if at least one rule is set (see the class description). */
bool RpcAccessPolicy::isRestricted() const
{
    return !d->userIds.isEmpty() || !d->groupIds.isEmpty() || d->sameUser || bool(d->callback);
}

/*! Returns the user ids that may connect. */
QList<qint64> RpcAccessPolicy::allowedUserIds() const
{
    return d->userIds;
}

/*! Sets the user ids that may connect to \a userIds. */
void RpcAccessPolicy::setAllowedUserIds(const QList<qint64> &userIds)
{
    d->userIds = userIds;
}

/*! Returns the (primary) group ids that may connect. */
QList<qint64> RpcAccessPolicy::allowedGroupIds() const
{
    return d->groupIds;
}

/*! Sets the (primary) group ids that may connect to \a groupIds. */
void RpcAccessPolicy::setAllowedGroupIds(const QList<qint64> &groupIds)
{
    d->groupIds = groupIds;
}

/*! Returns \c true if processes of the server's own user may connect. */
bool RpcAccessPolicy::allowsSameUser() const
{
    return d->sameUser;
}

/*! Sets whether processes of the server's own (effective) user may connect to \a allow. */
void RpcAccessPolicy::setAllowSameUser(bool allow)
{
    d->sameUser = allow;
}

/*! Returns the callback, or an empty function. */
RpcAccessPolicy::Callback RpcAccessPolicy::callback() const
{
    return d->callback;
}

/*!
    Sets \a callback, asked about every peer that no other rule accepts. An
    empty function removes it.
*/
void RpcAccessPolicy::setCallback(const Callback &callback)
{
    d->callback = callback;
}

/*!
    Returns \c true if the peer with \a credentials may connect under this
    policy (see the class description).
*/
bool RpcAccessPolicy::allows(const RpcPeerCredentials &credentials) const
{
    if (!isRestricted())
        return true;
    if (!credentials.isValid())
        return false;
    if (d->userIds.contains(credentials.userId()))
        return true;
    if (d->groupIds.contains(credentials.groupId()))
        return true;
#ifdef Q_OS_UNIX
    if (d->sameUser && credentials.userId() == qint64(::geteuid()))
        return true;
#endif
    if (d->callback && d->callback(credentials))
        return true;
    return false;
}

} // namespace Fizyr

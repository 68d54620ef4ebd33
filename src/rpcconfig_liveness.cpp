// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcConfig: the settings that detect a dead peer, TCP keep-alive and the
// heartbeat (see "Dead peers" in the class documentation).

#include "rpcconfig_p.h"

#include <limits>

namespace Fizyr {

/*!
    \enum Fizyr::RpcConfig::KeepAliveMode
    \value KeepAliveAuto TCP keep-alive is on, with keepAliveIdle(),
           keepAliveInterval() and keepAliveCount(), for \c{tcp://} and
           \c{tls://} connections made with RpcPeer::connectToServer();
           sockets accepted by RpcServer or given to RpcPeer::setDevice()
           keep the options they have. The default.
    \value KeepAliveOn TCP keep-alive is on for every TCP connection,
           including those accepted by RpcServer and given to
           RpcPeer::setDevice().
    \value KeepAliveOff TCP keep-alive is off for every TCP connection
           (\c SO_KEEPALIVE is cleared on sockets given to
           RpcPeer::setDevice() too).
*/

/*!
    \variable Fizyr::RpcConfig::DefaultKeepAliveIdle
    The default time without traffic, in seconds, before the first TCP
    keep-alive probe: 60.
*/
/*!
    \variable Fizyr::RpcConfig::DefaultKeepAliveInterval
    The default time between two TCP keep-alive probes, in seconds: 10.
*/
/*!
    \variable Fizyr::RpcConfig::DefaultKeepAliveCount
    The default number of unanswered TCP keep-alive probes after which the
    connection fails: 6.
*/
/*!
    \variable Fizyr::RpcConfig::MaxKeepAliveSeconds
    The largest value setKeepAliveIdle() and setKeepAliveInterval() accept:
    32767 seconds, the Linux limit.
*/
/*!
    \variable Fizyr::RpcConfig::MaxKeepAliveCount
    The largest value setKeepAliveCount() accepts: 127, the Linux limit.
*/
/*!
    \variable Fizyr::RpcConfig::DefaultHeartbeatTimeout
    The default time a heartbeat request may take, in milliseconds: 10000.
*/

/*!
    \property Fizyr::RpcConfig::keepAlive
    \brief whether TCP keep-alive is on, for which connections.

    The default, KeepAliveAuto, switches it on for the \c{tcp://} and
    \c{tls://} connections made with RpcPeer::connectToServer() and leaves
    accepted and adopted sockets as they are. Unix sockets have no
    keep-alive: the setting has no effect on them. Values that are not a
    KeepAliveMode are refused with a warning.

    \sa keepAliveIdle, keepAliveInterval, keepAliveCount
*/
/*!
    \property Fizyr::RpcConfig::keepAliveIdle
    \brief the time without traffic, in seconds, before the first TCP
    keep-alive probe (\c TCP_KEEPIDLE).

    The range is 1 to MaxKeepAliveSeconds (32767); the default is 60. A
    vanished peer is detected at most keepAliveIdle + keepAliveCount *
    keepAliveInterval seconds after the last traffic, while this side has
    no unacknowledged data in flight (otherwise the kernel's retransmission
    timeout applies, about 15 minutes by default on Linux).
*/
/*!
    \property Fizyr::RpcConfig::keepAliveInterval
    \brief the time between two TCP keep-alive probes, in seconds
    (\c TCP_KEEPINTVL).

    The range is 1 to MaxKeepAliveSeconds (32767); the default is 10.
*/
/*!
    \property Fizyr::RpcConfig::keepAliveCount
    \brief the number of unanswered TCP keep-alive probes after which the
    connection fails (\c TCP_KEEPCNT).

    The connection then closes with a socket error (RpcError::SocketTimeout
    or RpcError::NetworkFailure, as the system reports it). The range is 1
    to MaxKeepAliveCount (127); the default is 6.
*/
/*!
    \property Fizyr::RpcConfig::heartbeatServiceId
    \brief the service id of the heartbeat request.

    The other side must answer requests for this service (any response,
    even an error response, counts as alive). The default is 0; the
    heartbeat runs only when heartbeatInterval is not 0.
*/
/*!
    \property Fizyr::RpcConfig::heartbeatInterval
    \brief the time between two heartbeat requests, in milliseconds; 0
    (the default) switches the heartbeat off.

    While connected, the peer sends a request for heartbeatServiceId with
    an empty body every heartbeatInterval milliseconds (no new one while
    the last is open). If one gets no response within heartbeatTimeout
    milliseconds, the connection is closed as dead: errorOccurred() reports
    RpcError::HeartbeatTimeout, open requests finish with
    RpcError::ConnectionLost and disconnected() follows, as for any other
    lost connection. Negative values are raised to 0 with a warning.

    Heartbeats are ordinary requests: while open, one counts in
    RpcPeer::openRequestCount(), and the peer deletes each once finished.
    A peer of this library that handles no requests answers each with an
    error response at once (see RpcPeer::requestReceived()), which counts
    as alive too.
*/
/*!
    \property Fizyr::RpcConfig::heartbeatTimeout
    \brief how long a heartbeat request may wait for its response, in
    milliseconds.

    The range is 1 or more; the default is DefaultHeartbeatTimeout (10 s).
    A peer that stopped answering is detected at most heartbeatInterval +
    heartbeatTimeout milliseconds after its last answer.
*/
/*!
    Returns when TCP keep-alive is on.
    \sa keepAlive
*/
RpcConfig::KeepAliveMode RpcConfig::keepAlive() const
{
    return d->keepAlive;
}

/*!
    Sets when TCP keep-alive is on to \a mode. A value that is not a
    KeepAliveMode is refused with a warning and the setting stays as it was.
    \sa keepAlive
*/
void RpcConfig::setKeepAlive(KeepAliveMode mode)
{
    switch (mode) {
    case KeepAliveAuto:
    case KeepAliveOn:
    case KeepAliveOff:
        d->keepAlive = mode;
        return;
    }
    qCWarning(lcRpcConfig,
              "RpcConfig::setKeepAlive(%d): not a keep-alive mode (KeepAliveAuto, KeepAliveOn or "
              "KeepAliveOff); ignored",
              int(mode));
}

/*!
    Returns the time without traffic, in seconds, before the first TCP
    keep-alive probe.
    \sa keepAliveIdle
*/
int RpcConfig::keepAliveIdle() const
{
    return d->keepAliveIdle;
}

/*!
    Sets the time without traffic before the first TCP keep-alive probe to
    \a seconds, from 1 to MaxKeepAliveSeconds (32767). A value outside that
    range is replaced by the nearest value in it, with a warning.
    \sa keepAliveIdle
*/
void RpcConfig::setKeepAliveIdle(int seconds)
{
    d->keepAliveIdle
            = checkedRange("setKeepAliveIdle", seconds, 1, MaxKeepAliveSeconds, "1..32767");
}

/*!
    Returns the time between two TCP keep-alive probes, in seconds.
    \sa keepAliveInterval
*/
int RpcConfig::keepAliveInterval() const
{
    return d->keepAliveInterval;
}

/*!
    Sets the time between two TCP keep-alive probes to \a seconds, from 1 to
    MaxKeepAliveSeconds (32767). A value outside that range is replaced by
    the nearest value in it, with a warning.
    \sa keepAliveInterval
*/
void RpcConfig::setKeepAliveInterval(int seconds)
{
    d->keepAliveInterval
            = checkedRange("setKeepAliveInterval", seconds, 1, MaxKeepAliveSeconds, "1..32767");
}

/*!
    Returns the number of unanswered TCP keep-alive probes after which the
    connection fails.
    \sa keepAliveCount
*/
int RpcConfig::keepAliveCount() const
{
    return d->keepAliveCount;
}

/*!
    Sets the number of unanswered TCP keep-alive probes after which the
    connection fails to \a count, from 1 to MaxKeepAliveCount (127). A value
    outside that range is replaced by the nearest value in it, with a
    warning.
    \sa keepAliveCount
*/
void RpcConfig::setKeepAliveCount(int count)
{
    d->keepAliveCount = checkedRange("setKeepAliveCount", count, 1, MaxKeepAliveCount, "1..127");
}

/*!
    Returns the service id of the heartbeat request.
    \sa heartbeatServiceId
*/
qint32 RpcConfig::heartbeatServiceId() const
{
    return d->heartbeatServiceId;
}

/*!
    Sets the service id of the heartbeat request to \a serviceId.
    \sa heartbeatServiceId
*/
void RpcConfig::setHeartbeatServiceId(qint32 serviceId)
{
    d->heartbeatServiceId = serviceId;
}

/*!
    Returns the time between two heartbeat requests, in milliseconds; 0
    means no heartbeat.
    \sa heartbeatInterval
*/
int RpcConfig::heartbeatInterval() const
{
    return d->heartbeatInterval;
}

/*!
    Sets the time between two heartbeat requests to \a msecs milliseconds;
    0 switches the heartbeat off. A negative value is raised to 0 with a
    warning.
    \sa heartbeatInterval
*/
void RpcConfig::setHeartbeatInterval(int msecs)
{
    d->heartbeatInterval = checkedRange("setHeartbeatInterval", msecs, 0,
                                        std::numeric_limits<int>::max(), "0 (off) or more");
}

/*!
    Returns how long a heartbeat request may wait for its response, in
    milliseconds.
    \sa heartbeatTimeout
*/
int RpcConfig::heartbeatTimeout() const
{
    return d->heartbeatTimeout;
}

/*!
    Sets how long a heartbeat request may wait for its response to \a msecs
    milliseconds, at least 1. A smaller value is raised to 1 with a warning.
    \sa heartbeatTimeout
*/
void RpcConfig::setHeartbeatTimeout(int msecs)
{
    d->heartbeatTimeout = checkedRange("setHeartbeatTimeout", msecs, 1,
                                       std::numeric_limits<int>::max(), "1 or more");
}
} // namespace Fizyr

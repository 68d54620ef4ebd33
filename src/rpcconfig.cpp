// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcconfig.h"

#include "rpclogging_p.h"

#include <QtCore/qdebug.h>

#include <limits>

namespace Fizyr {

class RpcConfigPrivate : public QSharedData
{
public:
    RpcConfig::ByteOrder byteOrder = RpcConfig::LittleEndian;
    quint32 maxBodyRead = RpcConfig::DefaultStreamMaxBodySize;
    quint32 maxBodyWrite = RpcConfig::DefaultStreamMaxBodySize;
    int maxFdsRead = 0;
    int maxFdsWrite = 0;
    qint64 highWaterMark = RpcConfig::DefaultWriteBufferHighWaterMark;
    // As set; writeBufferLowWaterMark() caps it at the high-water mark.
    qint64 lowWaterMark = RpcConfig::DefaultWriteBufferLowWaterMark;
    int maxOpenIncoming = RpcConfig::DefaultMaxOpenIncomingRequests;
    RpcConfig::KeepAliveMode keepAlive = RpcConfig::KeepAliveAuto;
    int keepAliveIdle = RpcConfig::DefaultKeepAliveIdle;
    int keepAliveInterval = RpcConfig::DefaultKeepAliveInterval;
    int keepAliveCount = RpcConfig::DefaultKeepAliveCount;
    qint32 heartbeatServiceId = 0;
    int heartbeatInterval = 0;
    int heartbeatTimeout = RpcConfig::DefaultHeartbeatTimeout;
};

} // namespace Fizyr

QT_DEFINE_QSDP_SPECIALIZATION_DTOR(Fizyr::RpcConfigPrivate)

namespace Fizyr {

namespace {

// Clamps value to [minimum, maximum] and warns, naming the setter, when it was outside.
template<typename T>
T checkedRange(const char *setter, T value, T minimum, T maximum, const char *rangeText)
{
    if (value >= minimum && value <= maximum)
        return value;
    const T clamped = value < minimum ? minimum : maximum;
    qCWarning(lcRpcConfig, "RpcConfig::%s(%s): out of range %s; using %s", setter,
              QByteArray::number(value).constData(), rangeText,
              QByteArray::number(clamped).constData());
    return clamped;
}

// For the settings whose 0 switches a bound off: a value below the range
// keeps the current one (an arithmetic slip must not remove a memory bound).
template<typename T>
T checkedOrKept(const char *setter, T value, T current, const char *rangeText)
{
    if (value >= 0)
        return value;
    qCWarning(lcRpcConfig, "RpcConfig::%s(%s): out of range %s; using %s", setter,
              QByteArray::number(value).constData(), rangeText,
              QByteArray::number(current).constData());
    return current;
}

} // namespace

/*!
    \class Fizyr::RpcConfig
    \inmodule FizyrRpcQt
    \brief Limits, byte order, keep-alive and heartbeat of one connection.

    RpcConfig is an implicitly shared value type: copies are cheap and share
    their data until one of them is changed.

    A default-constructed RpcConfig holds the reference implementation's
    defaults for the stream transports (TCP and Unix stream sockets): little
    endian headers, at most 8 KiB of body read and written, no file
    descriptors, a write buffer high-water mark of 16 MiB and a low-water
    mark of 4 MiB, and at most 1024 open incoming requests; TCP keep-alive
    (60 s idle, 10 s interval, 6 probes) for connections made with
    RpcPeer::connectToServer(), and no heartbeat (see "Dead peers" below).
    defaultsFor() returns the defaults of any transport; the seqpacket
    transport uses native byte order, 4 KiB bodies and at most 10 file
    descriptors per message.

    RpcPeer and RpcServer use the defaults of the transport they connect or
    listen on unless a configuration was set explicitly with
    RpcPeer::setConfig() or RpcServer::setConfig().

    \section1 Ranges

    Every setter checks its argument. A value outside the documented range
    is not an error: the setter logs a warning in the \c fizyr.rpc.config
    logging category, naming the setter, the value and the range, and uses
    the nearest value in the range instead.

    \table
    \header \li Setting \li Range \li Default (stream / seqpacket)
    \row \li maxBodyReadSize, maxBodyWriteSize \li 0 to MaxBodySizeLimit (1 GiB)
         \li 8 KiB / 4 KiB
    \row \li maxFileDescriptorsRead, maxFileDescriptorsWrite
         \li 0 to MaxFileDescriptorsLimit (253, the Linux limit per message)
         \li 0 / 10
    \row \li writeBufferHighWaterMark \li 0 (no limit) or more \li 16 MiB
    \row \li writeBufferLowWaterMark \li 0 to the high-water mark \li 4 MiB
    \row \li maxOpenIncomingRequests \li 0 (no cap) or more \li 1024
    \row \li keepAliveIdle, keepAliveInterval (seconds)
         \li 1 to MaxKeepAliveSeconds (32767) \li 60, 10
    \row \li keepAliveCount \li 1 to MaxKeepAliveCount (127) \li 6
    \row \li heartbeatInterval (milliseconds) \li 0 (off) or more \li 0
    \row \li heartbeatTimeout (milliseconds) \li 1 or more \li 10000
    \endtable

    \section1 Bounded memory

    Three settings keep the memory a peer can make this side hold bounded:

    \list
    \li The write buffer high-water mark bounds the bytes queued for a peer
        that reads slowly: a send that would queue more fails with
        RpcError::WriteBufferFull instead of growing memory without bound.
    \li While the write buffer holds more than half the high-water mark,
        the connection stops reading from the peer, so the kernel's flow
        control pushes back on a peer that sends without reading the
        answers. Reading resumes once the buffer has drained to the
        low-water mark.
    \li At most maxOpenIncomingRequests requests from the peer are open at
        a time; a request over the cap is answered at once with an error
        response.
    \endlist

    \section1 Dead peers

    Two settings detect a peer that vanished without closing the connection
    (a machine that lost power, a pulled cable, a NAT that forgot the
    connection):

    \list
    \li TCP keep-alive (keepAlive, keepAliveIdle, keepAliveInterval,
        keepAliveCount), for \c{tcp://} and \c{tls://} connections. It is
        on by default for connections made with RpcPeer::connectToServer():
        after 60 s without traffic the kernel sends a probe every 10 s, and
        the connection fails after 6 unanswered probes, so a vanished server
        is detected at most 60 + 6 * 10 = 120 s after the last traffic.
        Sockets accepted by RpcServer or given to RpcPeer::setDevice() are
        left as they are unless keepAlive is KeepAliveOn or KeepAliveOff.
    \li An application heartbeat (heartbeatServiceId, heartbeatInterval,
        heartbeatTimeout), off by default: the peer sends a request to a
        service of the other side every heartbeatInterval milliseconds; if
        no response arrives within heartbeatTimeout milliseconds, the
        connection is closed with RpcError::HeartbeatTimeout. It also
        detects a peer whose process hangs, which keep-alive cannot (the
        kernel answers the probes of a hung process), and works on every
        transport.
    \endlist
*/

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
    \enum Fizyr::RpcConfig::ByteOrder
    \value LittleEndian Length prefix and header fields are little endian.
    \value BigEndian Length prefix and header fields are big endian.
    \value NativeEndian The byte order of this machine.
*/

/*!
    \variable Fizyr::RpcConfig::DefaultStreamMaxBodySize
    The default maximum body size of the stream transports: 8 KiB.
*/
/*!
    \variable Fizyr::RpcConfig::DefaultSeqpacketMaxBodySize
    The default maximum body size of the seqpacket transport: 4 KiB.
*/
/*!
    \variable Fizyr::RpcConfig::DefaultSeqpacketMaxFileDescriptors
    The default maximum number of file descriptors per seqpacket message: 10.
*/
/*!
    \variable Fizyr::RpcConfig::DefaultWriteBufferHighWaterMark
    The default write buffer high-water mark: 16 MiB.
*/
/*!
    \variable Fizyr::RpcConfig::DefaultWriteBufferLowWaterMark
    The default write buffer low-water mark: 4 MiB.
*/
/*!
    \variable Fizyr::RpcConfig::DefaultMaxOpenIncomingRequests
    The default cap on open incoming requests per connection: 1024.
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
    \variable Fizyr::RpcConfig::MaxBodySizeLimit
    The largest value setMaxBodyReadSize() and setMaxBodyWriteSize() accept:
    1 GiB. The protocol's length field would allow 4 GiB, but a body is held
    in one QByteArray, and a limit that large would let a peer make this
    side allocate that much for one message.
*/
/*!
    \variable Fizyr::RpcConfig::MaxFileDescriptorsLimit
    The largest value setMaxFileDescriptorsRead() and
    setMaxFileDescriptorsWrite() accept: 253, the most file descriptors Linux
    passes with one message (\c SCM_MAX_FD).
*/

/*!
    \property Fizyr::RpcConfig::byteOrder
    \brief the byte order of the length prefix and the header fields.

    Both sides of a connection must agree on it. Values that are not a
    ByteOrder are refused with a warning.
*/
/*!
    \property Fizyr::RpcConfig::maxBodyReadSize
    \brief the largest body accepted from the other side, in bytes.

    A larger message is a fatal protocol error on the stream transports and
    is dropped on seqpacket. The range is 0 to MaxBodySizeLimit (1 GiB).
*/
/*!
    \property Fizyr::RpcConfig::maxBodyWriteSize
    \brief the largest body this side sends, in bytes.

    A larger send fails with RpcError::PayloadTooLarge. The range is 0 to
    MaxBodySizeLimit (1 GiB).
*/
/*!
    \property Fizyr::RpcConfig::maxFileDescriptorsRead
    \brief the largest number of file descriptors accepted with one message.

    The range is 0 to MaxFileDescriptorsLimit (253).
*/
/*!
    \property Fizyr::RpcConfig::maxFileDescriptorsWrite
    \brief the largest number of file descriptors sent with one message.

    A send with more fails with RpcError::TooManyFileDescriptors. The range
    is 0 to MaxFileDescriptorsLimit (253).
*/
/*!
    \property Fizyr::RpcConfig::writeBufferHighWaterMark
    \brief the most bytes queued for writing before sends fail.

    A send that would queue more fails with RpcError::WriteBufferFull. While
    more than half of it is queued, the connection stops reading from the
    peer (see writeBufferLowWaterMark). 0 means no limit (and no pause of
    reading); negative values are raised to 0 with a warning.
*/
/*!
    \property Fizyr::RpcConfig::writeBufferLowWaterMark
    \brief where reading from the peer resumes, in bytes queued for writing.

    After the connection stopped reading because its write buffer held more
    than half the writeBufferHighWaterMark, it resumes reading once the
    buffer has drained to this mark. Keep it below half the high-water
    mark; the default is a quarter of the default high-water mark.

    The range is 0 to the high-water mark: a larger value is lowered to the
    high-water mark with a warning (set the high-water mark first), and
    lowering the high-water mark below this mark makes this property read
    as the high-water mark until the high-water mark is raised again. With
    no high-water mark (0) reading never pauses and this mark has no effect.
*/
/*!
    \property Fizyr::RpcConfig::maxOpenIncomingRequests
    \brief the most requests from the peer that may be open at a time.

    A request that arrives while this many requests of the peer are open
    (received and not yet answered) gets an error response at once and is
    never handed to the application. 0 means no cap; negative values are
    raised to 0 with a warning.
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
    Constructs the defaults of the stream transports.
*/
RpcConfig::RpcConfig() : d(new RpcConfigPrivate) { }

/*!
    Constructs a copy of \a other. The copy shares its data with \a other
    until one of them is changed.
*/
RpcConfig::RpcConfig(const RpcConfig &other) = default;

/*!
    \fn Fizyr::RpcConfig::RpcConfig(Fizyr::RpcConfig &&other)
    Move-constructs a configuration from \a other. \a other may only be
    assigned to or destroyed afterwards.
*/

/*!
    Assigns \a other to this configuration and returns a reference to it.
*/
RpcConfig &RpcConfig::operator=(const RpcConfig &other) = default;

/*!
    \fn Fizyr::RpcConfig &Fizyr::RpcConfig::operator=(Fizyr::RpcConfig &&other)
    Move-assigns \a other to this configuration.
*/

/*!
    Destroys the configuration.
*/
RpcConfig::~RpcConfig() = default;

/*!
    \fn void Fizyr::RpcConfig::swap(Fizyr::RpcConfig &other)
    Swaps this configuration with \a other. This operation never fails.
*/

/*!
    Returns the reference defaults for \a transport.
*/
RpcConfig RpcConfig::defaultsFor(RpcAddress::Transport transport)
{
    RpcConfig config;
    if (transport == RpcAddress::UnixSeqpacket) {
        config.d->byteOrder = NativeEndian;
        config.d->maxBodyRead = DefaultSeqpacketMaxBodySize;
        config.d->maxBodyWrite = DefaultSeqpacketMaxBodySize;
        config.d->maxFdsRead = DefaultSeqpacketMaxFileDescriptors;
        config.d->maxFdsWrite = DefaultSeqpacketMaxFileDescriptors;
    }
    return config;
}

/*!
    Returns the byte order of the length prefix and the header fields.
    \sa byteOrder
*/
RpcConfig::ByteOrder RpcConfig::byteOrder() const
{
    return d->byteOrder;
}

/*!
    Sets the byte order to \a byteOrder. A value that is not a ByteOrder is
    refused with a warning and the byte order stays as it was.
    \sa byteOrder
*/
void RpcConfig::setByteOrder(ByteOrder byteOrder)
{
    switch (byteOrder) {
    case LittleEndian:
    case BigEndian:
    case NativeEndian:
        d->byteOrder = byteOrder;
        return;
    }
    qCWarning(lcRpcConfig,
              "RpcConfig::setByteOrder(%d): not a byte order (LittleEndian, BigEndian or "
              "NativeEndian); ignored",
              int(byteOrder));
}

/*!
    Returns the largest body accepted from the other side, in bytes.
    \sa maxBodyReadSize
*/
quint32 RpcConfig::maxBodyReadSize() const
{
    return d->maxBodyRead;
}

/*!
    Sets the largest body accepted from the other side to \a size bytes,
    at most MaxBodySizeLimit (1 GiB). A larger value is lowered to that
    limit with a warning.
    \sa maxBodyReadSize
*/
void RpcConfig::setMaxBodyReadSize(quint32 size)
{
    d->maxBodyRead = checkedRange("setMaxBodyReadSize", size, quint32(0), MaxBodySizeLimit,
                                  "0..1073741824 (1 GiB)");
}

/*!
    Returns the largest body this side sends, in bytes.
    \sa maxBodyWriteSize
*/
quint32 RpcConfig::maxBodyWriteSize() const
{
    return d->maxBodyWrite;
}

/*!
    Sets the largest body this side sends to \a size bytes, at most
    MaxBodySizeLimit (1 GiB). A larger value is lowered to that limit with a
    warning.
    \sa maxBodyWriteSize
*/
void RpcConfig::setMaxBodyWriteSize(quint32 size)
{
    d->maxBodyWrite = checkedRange("setMaxBodyWriteSize", size, quint32(0), MaxBodySizeLimit,
                                   "0..1073741824 (1 GiB)");
}

/*!
    Returns the largest number of file descriptors accepted with one message.
    \sa maxFileDescriptorsRead
*/
int RpcConfig::maxFileDescriptorsRead() const
{
    return d->maxFdsRead;
}

/*!
    Sets the largest number of file descriptors accepted with one message to
    \a count, from 0 to MaxFileDescriptorsLimit (253). A value outside that
    range is replaced by the nearest value in it, with a warning.
    \sa maxFileDescriptorsRead
*/
void RpcConfig::setMaxFileDescriptorsRead(int count)
{
    d->maxFdsRead = checkedRange("setMaxFileDescriptorsRead", count, 0, MaxFileDescriptorsLimit,
                                 "0..253");
}

/*!
    Returns the largest number of file descriptors sent with one message.
    \sa maxFileDescriptorsWrite
*/
int RpcConfig::maxFileDescriptorsWrite() const
{
    return d->maxFdsWrite;
}

/*!
    Sets the largest number of file descriptors sent with one message to
    \a count, from 0 to MaxFileDescriptorsLimit (253). A value outside that
    range is replaced by the nearest value in it, with a warning.
    \sa maxFileDescriptorsWrite
*/
void RpcConfig::setMaxFileDescriptorsWrite(int count)
{
    d->maxFdsWrite = checkedRange("setMaxFileDescriptorsWrite", count, 0, MaxFileDescriptorsLimit,
                                  "0..253");
}

/*!
    Returns the most bytes queued for writing before sends fail; 0 means no
    limit.
    \sa writeBufferHighWaterMark
*/
qint64 RpcConfig::writeBufferHighWaterMark() const
{
    return d->highWaterMark;
}

/*!
    Sets the most bytes queued for writing to \a bytes; 0 means no limit. A
    negative value leaves the setting unchanged, with a warning (it does not
    switch the limit off).
    \sa writeBufferHighWaterMark, writeBufferLowWaterMark
*/
void RpcConfig::setWriteBufferHighWaterMark(qint64 bytes)
{
    d->highWaterMark = checkedOrKept("setWriteBufferHighWaterMark", bytes, d->highWaterMark,
                                     "0 (no limit) or more");
}

/*!
    Returns the number of queued bytes the write buffer must drain to before
    reading from the peer resumes; never more than a non-zero
    writeBufferHighWaterMark().
    \sa writeBufferLowWaterMark
*/
qint64 RpcConfig::writeBufferLowWaterMark() const
{
    if (d->highWaterMark > 0 && d->lowWaterMark > d->highWaterMark)
        return d->highWaterMark;
    return d->lowWaterMark;
}

/*!
    Sets the low-water mark to \a bytes, from 0 to the current
    writeBufferHighWaterMark() (any value from 0 up when there is no
    high-water mark). A value outside that range is replaced by the nearest
    value in it, with a warning.
    \sa writeBufferLowWaterMark
*/
void RpcConfig::setWriteBufferLowWaterMark(qint64 bytes)
{
    if (d->highWaterMark > 0) {
        const QByteArray range
                = "0..writeBufferHighWaterMark (" + QByteArray::number(d->highWaterMark) + ')';
        d->lowWaterMark = checkedRange("setWriteBufferLowWaterMark", bytes, qint64(0),
                                       d->highWaterMark, range.constData());
    } else {
        d->lowWaterMark = checkedRange("setWriteBufferLowWaterMark", bytes, qint64(0),
                                       std::numeric_limits<qint64>::max(), "0 or more");
    }
}

/*!
    Returns the most requests from the peer that may be open at a time; 0
    means no cap.
    \sa maxOpenIncomingRequests
*/
int RpcConfig::maxOpenIncomingRequests() const
{
    return d->maxOpenIncoming;
}

/*!
    Sets the most requests from the peer that may be open at a time to
    \a count; 0 means no cap. A negative value leaves the setting unchanged,
    with a warning (it does not switch the cap off).
    \sa maxOpenIncomingRequests
*/
void RpcConfig::setMaxOpenIncomingRequests(int count)
{
    d->maxOpenIncoming = checkedOrKept("setMaxOpenIncomingRequests", count, d->maxOpenIncoming,
                                       "0 (no cap) or more");
}

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

/*!
    \fn bool Fizyr::RpcConfig::operator==(const Fizyr::RpcConfig &lhs, const Fizyr::RpcConfig &rhs)
    Returns \c true if every setting of \a lhs and \a rhs, as the getters
    return it, is equal.
*/
/*!
    \fn bool Fizyr::RpcConfig::operator!=(const Fizyr::RpcConfig &lhs, const Fizyr::RpcConfig &rhs)
    Returns \c true unless \a lhs and \a rhs are equal.
*/
bool RpcConfig::equals(const RpcConfig &other) const
{
    return d == other.d
            || (d->byteOrder == other.d->byteOrder && d->maxBodyRead == other.d->maxBodyRead
                && d->maxBodyWrite == other.d->maxBodyWrite && d->maxFdsRead == other.d->maxFdsRead
                && d->maxFdsWrite == other.d->maxFdsWrite
                && d->highWaterMark == other.d->highWaterMark
                && writeBufferLowWaterMark() == other.writeBufferLowWaterMark()
                && d->maxOpenIncoming == other.d->maxOpenIncoming
                && d->keepAlive == other.d->keepAlive && d->keepAliveIdle == other.d->keepAliveIdle
                && d->keepAliveInterval == other.d->keepAliveInterval
                && d->keepAliveCount == other.d->keepAliveCount
                && d->heartbeatServiceId == other.d->heartbeatServiceId
                && d->heartbeatInterval == other.d->heartbeatInterval
                && d->heartbeatTimeout == other.d->heartbeatTimeout);
}

#ifndef QT_NO_DEBUG_STREAM
/*!
    \relates Fizyr::RpcConfig
    Writes every setting of \a config to \a debug.
*/
QDebug operator<<(QDebug debug, const RpcConfig &config)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "RpcConfig(" << config.byteOrder()
                    << ", maxBodyRead=" << config.maxBodyReadSize()
                    << ", maxBodyWrite=" << config.maxBodyWriteSize()
                    << ", maxFdsRead=" << config.maxFileDescriptorsRead()
                    << ", maxFdsWrite=" << config.maxFileDescriptorsWrite()
                    << ", highWaterMark=" << config.writeBufferHighWaterMark()
                    << ", lowWaterMark=" << config.writeBufferLowWaterMark()
                    << ", maxOpenIncomingRequests=" << config.maxOpenIncomingRequests() << ", "
                    << config.keepAlive() << ", keepAliveIdle=" << config.keepAliveIdle()
                    << ", keepAliveInterval=" << config.keepAliveInterval()
                    << ", keepAliveCount=" << config.keepAliveCount()
                    << ", heartbeatServiceId=" << config.heartbeatServiceId()
                    << ", heartbeatInterval=" << config.heartbeatInterval()
                    << ", heartbeatTimeout=" << config.heartbeatTimeout() << ')';
    return debug;
}
#endif

} // namespace Fizyr

#include "moc_rpcconfig.cpp"

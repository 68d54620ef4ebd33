// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcconfig.h"
#include "rpcconfig_p.h"

#include <QtCore/qdebug.h>

#include <limits>

QT_DEFINE_QSDP_SPECIALIZATION_DTOR(Fizyr::RpcConfigPrivate)

namespace Fizyr {

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
    \li While answers to the peer's requests (responses and responder
        updates) fill more than half the high-water mark of the write
        buffer, the connection stops reading from the peer, so the kernel's
        flow control pushes back on a peer that sends requests without
        reading the answers. Reading resumes once they have drained to the
        low-water mark. What this side sends on its own (requests,
        requester updates, stream messages) never stops reading, so two
        peers that both send much to each other still read each other.
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
    answers to the peer's requests fill more than half of it, the
    connection stops reading from the peer (see writeBufferLowWaterMark).
    0 means no limit (and no pause of reading); negative values are raised
    to 0 with a warning.
*/
/*!
    \property Fizyr::RpcConfig::writeBufferLowWaterMark
    \brief where reading from the peer resumes, in bytes queued for writing.

    After the connection stopped reading because answers to the peer's
    requests filled more than half the writeBufferHighWaterMark, it resumes
    reading once they have drained to this mark. RpcPeer::writeBufferDrained()
    is emitted when the whole write buffer has drained to it. Keep it below
    half the high-water mark; the default is a quarter of the default
    high-water mark.

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

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcconfig.h"

#include <QtCore/qdebug.h>

namespace Fizyr {

/*!
    \class Fizyr::RpcConfig
    \inmodule FizyrRpcQt
    \brief Limits and byte order of one connection.

    A default-constructed RpcConfig holds the reference implementation's
    defaults for the stream transports (TCP and Unix stream sockets): little
    endian headers, at most 8 KiB of body read and written, no file
    descriptors, and a write buffer high-water mark of 16 MiB.
    defaultsFor() returns the defaults of any transport; the seqpacket
    transport uses native byte order, 4 KiB bodies and at most 10 file
    descriptors per message.

    RpcPeer and RpcServer use the defaults of the transport they connect or
    listen on unless a configuration was set explicitly with
    RpcPeer::setConfig() or RpcServer::setConfig().

    The write buffer high-water mark bounds the bytes queued for a peer that
    reads slowly: a send that would queue more fails with
    RpcError::WriteBufferFull instead of growing memory without bound. A value
    of 0 or less disables the bound.
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
    \fn Fizyr::RpcConfig::RpcConfig()
    Constructs the defaults of the stream transports.
*/
/*!
    \fn Fizyr::RpcConfig::ByteOrder Fizyr::RpcConfig::byteOrder() const
    Returns the byte order of the length prefix and the header fields.
*/
/*!
    \fn void Fizyr::RpcConfig::setByteOrder(Fizyr::RpcConfig::ByteOrder byteOrder)
    Sets the byte order to \a byteOrder. Both sides of a connection must agree on it.
*/
/*!
    \fn quint32 Fizyr::RpcConfig::maxBodyReadSize() const
    Returns the largest body accepted from the other side.
*/
/*!
    \fn void Fizyr::RpcConfig::setMaxBodyReadSize(quint32 size)
    Sets the largest body accepted from the other side to \a size bytes. A
    larger message is a fatal protocol error on streams and is dropped on
    seqpacket.
*/
/*!
    \fn quint32 Fizyr::RpcConfig::maxBodyWriteSize() const
    Returns the largest body this side sends.
*/
/*!
    \fn void Fizyr::RpcConfig::setMaxBodyWriteSize(quint32 size)
    Sets the largest body this side sends to \a size bytes; a larger send
    fails with RpcError::PayloadTooLarge.
*/
/*!
    \fn int Fizyr::RpcConfig::maxFileDescriptorsRead() const
    Returns the largest number of file descriptors accepted with one message.
*/
/*!
    \fn void Fizyr::RpcConfig::setMaxFileDescriptorsRead(int count)
    Sets the largest number of file descriptors accepted with one message to \a count.
*/
/*!
    \fn int Fizyr::RpcConfig::maxFileDescriptorsWrite() const
    Returns the largest number of file descriptors sent with one message.
*/
/*!
    \fn void Fizyr::RpcConfig::setMaxFileDescriptorsWrite(int count)
    Sets the largest number of file descriptors sent with one message to \a count.
*/
/*!
    \fn qint64 Fizyr::RpcConfig::writeBufferHighWaterMark() const
    Returns the most bytes queued for writing before sends fail.
*/
/*!
    \fn void Fizyr::RpcConfig::setWriteBufferHighWaterMark(qint64 bytes)
    Sets the most bytes queued for writing to \a bytes; 0 or less means no bound.
*/
/*!
    \fn bool Fizyr::RpcConfig::operator==(const Fizyr::RpcConfig &lhs, const Fizyr::RpcConfig &rhs)
    Returns \c true if every setting of \a lhs and \a rhs is equal.
*/
/*!
    \fn bool Fizyr::RpcConfig::operator!=(const Fizyr::RpcConfig &lhs, const Fizyr::RpcConfig &rhs)
    Returns \c true unless \a lhs and \a rhs are equal.
*/

/*!
    Returns the reference defaults for \a transport.
*/
RpcConfig RpcConfig::defaultsFor(RpcAddress::Transport transport)
{
    RpcConfig config;
    if (transport == RpcAddress::UnixSeqpacket) {
        config.m_byteOrder = NativeEndian;
        config.m_maxBodyRead = DefaultSeqpacketMaxBodySize;
        config.m_maxBodyWrite = DefaultSeqpacketMaxBodySize;
        config.m_maxFdsRead = DefaultSeqpacketMaxFileDescriptors;
        config.m_maxFdsWrite = DefaultSeqpacketMaxFileDescriptors;
    }
    return config;
}

#ifndef QT_NO_DEBUG_STREAM
QDebug operator<<(QDebug debug, const RpcConfig &config)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "RpcConfig(" << config.byteOrder()
                    << ", maxBodyRead=" << config.maxBodyReadSize()
                    << ", maxBodyWrite=" << config.maxBodyWriteSize()
                    << ", maxFdsRead=" << config.maxFileDescriptorsRead()
                    << ", maxFdsWrite=" << config.maxFileDescriptorsWrite()
                    << ", highWaterMark=" << config.writeBufferHighWaterMark() << ')';
    return debug;
}
#endif

} // namespace Fizyr

#include "moc_rpcconfig.cpp"

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

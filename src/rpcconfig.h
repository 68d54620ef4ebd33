// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCCONFIG_H
#define FIZYRRPCQT_RPCCONFIG_H

#include "rpcaddress.h"
#include "rpcglobal.h"

#include <QtCore/qmetatype.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace Fizyr {

class FIZYRRPCQT_EXPORT RpcConfig
{
    Q_GADGET
    Q_PROPERTY(ByteOrder byteOrder READ byteOrder WRITE setByteOrder)
    Q_PROPERTY(quint32 maxBodyReadSize READ maxBodyReadSize WRITE setMaxBodyReadSize)
    Q_PROPERTY(quint32 maxBodyWriteSize READ maxBodyWriteSize WRITE setMaxBodyWriteSize)
    Q_PROPERTY(
            int maxFileDescriptorsRead READ maxFileDescriptorsRead WRITE setMaxFileDescriptorsRead)
    Q_PROPERTY(int maxFileDescriptorsWrite READ maxFileDescriptorsWrite WRITE
                       setMaxFileDescriptorsWrite)
    Q_PROPERTY(qint64 writeBufferHighWaterMark READ writeBufferHighWaterMark WRITE
                       setWriteBufferHighWaterMark)
    Q_PROPERTY(qint64 writeBufferLowWaterMark READ writeBufferLowWaterMark WRITE
                       setWriteBufferLowWaterMark)
    Q_PROPERTY(int maxOpenIncomingRequests READ maxOpenIncomingRequests WRITE
                       setMaxOpenIncomingRequests)

public:
    enum ByteOrder {
        LittleEndian,
        BigEndian,
        NativeEndian,
    };
    Q_ENUM(ByteOrder)

    static constexpr quint32 DefaultStreamMaxBodySize = 8 * 1024;
    static constexpr quint32 DefaultSeqpacketMaxBodySize = 4 * 1024;
    static constexpr int DefaultSeqpacketMaxFileDescriptors = 10;
    static constexpr qint64 DefaultWriteBufferHighWaterMark = 16 * 1024 * 1024;
    static constexpr qint64 DefaultWriteBufferLowWaterMark = 4 * 1024 * 1024;
    static constexpr int DefaultMaxOpenIncomingRequests = 1024;

    RpcConfig() = default;

    static RpcConfig defaultsFor(RpcAddress::Transport transport);

    ByteOrder byteOrder() const { return m_byteOrder; }
    void setByteOrder(ByteOrder byteOrder) { m_byteOrder = byteOrder; }
    quint32 maxBodyReadSize() const { return m_maxBodyRead; }
    void setMaxBodyReadSize(quint32 size) { m_maxBodyRead = size; }
    quint32 maxBodyWriteSize() const { return m_maxBodyWrite; }
    void setMaxBodyWriteSize(quint32 size) { m_maxBodyWrite = size; }
    int maxFileDescriptorsRead() const { return m_maxFdsRead; }
    void setMaxFileDescriptorsRead(int count) { m_maxFdsRead = count; }
    int maxFileDescriptorsWrite() const { return m_maxFdsWrite; }
    void setMaxFileDescriptorsWrite(int count) { m_maxFdsWrite = count; }
    qint64 writeBufferHighWaterMark() const { return m_highWaterMark; }
    void setWriteBufferHighWaterMark(qint64 bytes) { m_highWaterMark = bytes; }

    qint64 writeBufferLowWaterMark() const { return m_lowWaterMark; }
    void setWriteBufferLowWaterMark(qint64 bytes) { m_lowWaterMark = bytes; }

    int maxOpenIncomingRequests() const { return m_maxOpenIncoming; }
    void setMaxOpenIncomingRequests(int count) { m_maxOpenIncoming = count; }

    friend bool operator==(const RpcConfig &lhs, const RpcConfig &rhs)
    {
        return lhs.m_byteOrder == rhs.m_byteOrder && lhs.m_maxBodyRead == rhs.m_maxBodyRead
                && lhs.m_maxBodyWrite == rhs.m_maxBodyWrite && lhs.m_maxFdsRead == rhs.m_maxFdsRead
                && lhs.m_maxFdsWrite == rhs.m_maxFdsWrite
                && lhs.m_highWaterMark == rhs.m_highWaterMark
                && lhs.m_lowWaterMark == rhs.m_lowWaterMark
                && lhs.m_maxOpenIncoming == rhs.m_maxOpenIncoming;
    }
    friend bool operator!=(const RpcConfig &lhs, const RpcConfig &rhs) { return !(lhs == rhs); }

private:
    ByteOrder m_byteOrder = LittleEndian;
    quint32 m_maxBodyRead = DefaultStreamMaxBodySize;
    quint32 m_maxBodyWrite = DefaultStreamMaxBodySize;
    int m_maxFdsRead = 0;
    int m_maxFdsWrite = 0;
    qint64 m_highWaterMark = DefaultWriteBufferHighWaterMark;
    qint64 m_lowWaterMark = DefaultWriteBufferLowWaterMark;
    int m_maxOpenIncoming = DefaultMaxOpenIncomingRequests;
};

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQT_EXPORT QDebug operator<<(QDebug debug, const RpcConfig &config);
#endif

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCCONFIG_H

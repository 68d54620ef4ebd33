// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCCONFIG_H
#define FIZYRRPCQT_RPCCONFIG_H

#include "rpcaddress.h"
#include "rpcglobal.h"

#include <QtCore/qmetatype.h>
#include <QtCore/qshareddata.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace Fizyr {
class RpcConfigPrivate;
} // namespace Fizyr

QT_DECLARE_QSDP_SPECIALIZATION_DTOR_WITH_EXPORT(Fizyr::RpcConfigPrivate, FIZYRRPCQT_EXPORT)

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
    Q_PROPERTY(KeepAliveMode keepAlive READ keepAlive WRITE setKeepAlive)
    Q_PROPERTY(int keepAliveIdle READ keepAliveIdle WRITE setKeepAliveIdle)
    Q_PROPERTY(int keepAliveInterval READ keepAliveInterval WRITE setKeepAliveInterval)
    Q_PROPERTY(int keepAliveCount READ keepAliveCount WRITE setKeepAliveCount)
    Q_PROPERTY(qint32 heartbeatServiceId READ heartbeatServiceId WRITE setHeartbeatServiceId)
    Q_PROPERTY(int heartbeatInterval READ heartbeatInterval WRITE setHeartbeatInterval)
    Q_PROPERTY(int heartbeatTimeout READ heartbeatTimeout WRITE setHeartbeatTimeout)

public:
    enum ByteOrder {
        LittleEndian,
        BigEndian,
        NativeEndian,
    };
    Q_ENUM(ByteOrder)

    enum KeepAliveMode {
        KeepAliveAuto,
        KeepAliveOn,
        KeepAliveOff,
    };
    Q_ENUM(KeepAliveMode)

    static constexpr quint32 DefaultStreamMaxBodySize = 8 * 1024;
    static constexpr quint32 DefaultSeqpacketMaxBodySize = 4 * 1024;
    static constexpr int DefaultSeqpacketMaxFileDescriptors = 10;
    static constexpr qint64 DefaultWriteBufferHighWaterMark = 16 * 1024 * 1024;
    static constexpr qint64 DefaultWriteBufferLowWaterMark = 4 * 1024 * 1024;
    static constexpr int DefaultMaxOpenIncomingRequests = 1024;

    static constexpr quint32 MaxBodySizeLimit = 1024 * 1024 * 1024;
    static constexpr int MaxFileDescriptorsLimit = 253;

    static constexpr int DefaultKeepAliveIdle = 60;
    static constexpr int DefaultKeepAliveInterval = 10;
    static constexpr int DefaultKeepAliveCount = 6;
    static constexpr int MaxKeepAliveSeconds = 32767;
    static constexpr int MaxKeepAliveCount = 127;
    static constexpr int DefaultHeartbeatTimeout = 10000;

    RpcConfig();
    RpcConfig(const RpcConfig &other);
    RpcConfig(RpcConfig &&other) noexcept = default;
    RpcConfig &operator=(const RpcConfig &other);
    RpcConfig &operator=(RpcConfig &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~RpcConfig();

    void swap(RpcConfig &other) noexcept { d.swap(other.d); }

    static RpcConfig defaultsFor(RpcAddress::Transport transport);

    ByteOrder byteOrder() const;
    void setByteOrder(ByteOrder byteOrder);
    quint32 maxBodyReadSize() const;
    void setMaxBodyReadSize(quint32 size);
    quint32 maxBodyWriteSize() const;
    void setMaxBodyWriteSize(quint32 size);
    int maxFileDescriptorsRead() const;
    void setMaxFileDescriptorsRead(int count);
    int maxFileDescriptorsWrite() const;
    void setMaxFileDescriptorsWrite(int count);
    qint64 writeBufferHighWaterMark() const;
    void setWriteBufferHighWaterMark(qint64 bytes);
    qint64 writeBufferLowWaterMark() const;
    void setWriteBufferLowWaterMark(qint64 bytes);
    int maxOpenIncomingRequests() const;
    void setMaxOpenIncomingRequests(int count);

    KeepAliveMode keepAlive() const;
    void setKeepAlive(KeepAliveMode mode);
    int keepAliveIdle() const;
    void setKeepAliveIdle(int seconds);
    int keepAliveInterval() const;
    void setKeepAliveInterval(int seconds);
    int keepAliveCount() const;
    void setKeepAliveCount(int count);
    qint32 heartbeatServiceId() const;
    void setHeartbeatServiceId(qint32 serviceId);
    int heartbeatInterval() const;
    void setHeartbeatInterval(int msecs);
    int heartbeatTimeout() const;
    void setHeartbeatTimeout(int msecs);

    friend bool operator==(const RpcConfig &lhs, const RpcConfig &rhs) { return lhs.equals(rhs); }
    friend bool operator!=(const RpcConfig &lhs, const RpcConfig &rhs) { return !lhs.equals(rhs); }

private:
    bool equals(const RpcConfig &other) const;

    QSharedDataPointer<RpcConfigPrivate> d;
};

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQT_EXPORT QDebug operator<<(QDebug debug, const RpcConfig &config);
#endif

} // namespace Fizyr

Q_DECLARE_SHARED(Fizyr::RpcConfig)

#endif // FIZYRRPCQT_RPCCONFIG_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCCONFIG_P_H
#define FIZYRRPCQT_RPCCONFIG_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcconfig.h"

#include "rpclogging_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qshareddata.h>

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

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCCONFIG_P_H

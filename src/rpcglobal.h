// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCGLOBAL_H
#define FIZYRRPCQT_RPCGLOBAL_H

#include "fizyrrpcqt_export.h"
#include "rpcversion.h"

#include <QtCore/qobjectdefs.h>
#include <QtCore/qstring.h>

// Internals are never exported: tests reach them through the static
// FizyrRpcQtInternal library (tests/CMakeLists.txt).
#define FIZYRRPCQT_AUTOTEST_EXPORT

namespace Fizyr {
Q_NAMESPACE_EXPORT(FIZYRRPCQT_EXPORT)

enum class RpcError {
    NoError = 0,

    // Connection and transport errors
    InvalidAddress = 1,
    UnsupportedTransport,
    ConnectionRefused,
    HostNotFound,
    RemoteClosed,
    SocketAccess,
    SocketResource,
    SocketTimeout,
    AddressInUse,
    NetworkFailure,
    NotConnected,
    UnknownSocketError,
    TlsHandshakeFailed,

    // Protocol violations by the remote peer
    FrameTooShort = 100,
    InvalidMessageType,
    MessageTooLarge,
    DuplicateRequestId,
    UnknownRequestId,
    TruncatedControlData,

    // Local send errors: the message was not sent
    PayloadTooLarge = 200,
    TooManyFileDescriptors,
    WriteBufferFull,
    FileDescriptorsNotSupported,
    RequestFinished,
    InvalidOperation,
    RequestIdInUse,

    // Request outcomes
    RemoteError = 300,
    ConnectionLost,
    Timeout,
    Canceled,
    InvalidBody,

    // A peer declared dead by this side
    HeartbeatTimeout = 400,
};
Q_ENUM_NS(RpcError)

FIZYRRPCQT_EXPORT QString rpcErrorString(RpcError error);

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCGLOBAL_H

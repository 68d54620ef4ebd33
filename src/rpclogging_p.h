// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCLOGGING_P_H
#define FIZYRRPCQT_RPCLOGGING_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include <QtCore/qloggingcategory.h>

namespace Fizyr {
Q_DECLARE_LOGGING_CATEGORY(lcRpcPeer)
Q_DECLARE_LOGGING_CATEGORY(lcRpcServer)
Q_DECLARE_LOGGING_CATEGORY(lcRpcTransport)
Q_DECLARE_LOGGING_CATEGORY(lcRpcProtocol)
Q_DECLARE_LOGGING_CATEGORY(lcRpcConfig)
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCLOGGING_P_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpclogging_p.h"

namespace Fizyr {
Q_LOGGING_CATEGORY(lcRpcPeer, "fizyr.rpc.peer", QtWarningMsg)
Q_LOGGING_CATEGORY(lcRpcServer, "fizyr.rpc.server", QtWarningMsg)
Q_LOGGING_CATEGORY(lcRpcTransport, "fizyr.rpc.transport", QtWarningMsg)
Q_LOGGING_CATEGORY(lcRpcProtocol, "fizyr.rpc.protocol", QtWarningMsg)
Q_LOGGING_CATEGORY(lcRpcConfig, "fizyr.rpc.config", QtWarningMsg)
} // namespace Fizyr

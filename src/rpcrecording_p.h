// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCRECORDING_P_H
#define FIZYRRPCQT_RPCRECORDING_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It may change without notice.
//

#include "rpcmessage.h"

namespace Fizyr {

class RpcPeer;

// The process-wide recording hook: when the environment variable
// FIZYR_RPC_RECORD names a file (%p: the process id), every message every
// peer of the process sends or receives is appended to it as a JSON Lines
// record (doc/tool/record.md, "Recording from inside an application"). Off,
// and one relaxed atomic load per message, when the variable is not set.
namespace RpcRecording {

enum Direction { Sent, Received };

bool isEnabled();
void record(const RpcPeer *peer, Direction direction, const RpcMessage &message);

} // namespace RpcRecording

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCRECORDING_P_H

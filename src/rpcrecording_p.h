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

#include <atomic>

namespace Fizyr {

class RpcPeer;

// The process-wide recording hook: when the environment variable
// FIZYR_RPC_RECORD names a file (%p: the process id), every message every
// peer of the process sends or receives is written to it as a JSON Lines
// record (doc/tool/record.md, "Recording from inside an application"), by a
// writer thread, with rotation (FIZYR_RPC_RECORD_MAX_SIZE, _MAX_MESSAGES,
// _MAX_FILES) and a bounded queue (FIZYR_RPC_RECORD_BUFFER) that drops and
// counts what does not fit. When the variable is not set, each message costs
// one relaxed atomic load and one branch, inlined at the call site.
namespace RpcRecording {

enum Direction { Sent, Received };

// Off: 0 (the variable is not set, or the file cannot be written); Unknown
// (not looked at yet) and On: not 0.
enum State { Off = 0, Unknown = 1, On = 2 };
extern std::atomic<int> state;

void recordSlow(const RpcPeer *peer, Direction direction, const RpcMessage &message);

inline bool isEnabled()
{
    return state.load(std::memory_order_relaxed) != Off;
}

inline void record(const RpcPeer *peer, Direction direction, const RpcMessage &message)
{
    if (Q_UNLIKELY(state.load(std::memory_order_relaxed) != Off))
        recordSlow(peer, direction, message);
}

} // namespace RpcRecording

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCRECORDING_P_H

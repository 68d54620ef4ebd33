// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// A Fizyr RPC server over a Unix seqpacket socket. It answers requests for service 1 with
// "Goodbye!" and any other service with an error response, printing what
// it receives. Prints "listening on ADDRESS" once ready; runs until killed.
//
// Usage: unix-seqpacket-server [ADDRESS]   (default: seqpacket:/tmp/fizyr-rpc-seqpacket-example.sock)
//
// The conversation itself is in ../common/helloservice.h, shared by the TCP,
// Unix stream and Unix seqpacket examples.

#include "helloservice.h"

int main(int argc, char **argv)
{
    return HelloService::runServer(argc, argv, "seqpacket:/tmp/fizyr-rpc-seqpacket-example.sock");
}

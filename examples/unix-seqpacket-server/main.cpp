// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Usage: unix-seqpacket-server [ADDRESS]   (default: seqpacket:/tmp/fizyr-rpc-seqpacket-example.sock)

#include "helloservice.h"

int main(int argc, char **argv)
{
    return HelloService::runServer(argc, argv, "seqpacket:/tmp/fizyr-rpc-seqpacket-example.sock");
}

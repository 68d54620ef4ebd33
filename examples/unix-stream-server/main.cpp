// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Usage: unix-stream-server [ADDRESS]   (default: unix:/tmp/fizyr-rpc-example.sock)

#include "helloservice.h"

int main(int argc, char **argv)
{
    return HelloService::runServer(argc, argv, "unix:/tmp/fizyr-rpc-example.sock");
}

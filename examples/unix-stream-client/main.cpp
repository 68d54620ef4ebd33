// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Usage: unix-stream-client [ADDRESS]   (default: unix:/tmp/fizyr-rpc-example.sock)

#include "helloservice.h"

int main(int argc, char **argv)
{
    return HelloService::runClient(argc, argv, "unix:/tmp/fizyr-rpc-example.sock");
}

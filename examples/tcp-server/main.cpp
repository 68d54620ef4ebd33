// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Usage: tcp-server [ADDRESS]   (default: tcp://127.0.0.1:12345)

#include "helloservice.h"

int main(int argc, char **argv)
{
    return HelloService::runServer(argc, argv, "tcp://127.0.0.1:12345");
}

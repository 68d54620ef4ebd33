// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// A Fizyr RPC client over TCP. It sends a request for service 1 with the
// body "Hello World!" and prints the response. Exits with 0 on a response,
// with 1 and a message on stderr on any failure or after 10 seconds.
//
// Usage: tcp-client [ADDRESS]   (default: tcp://127.0.0.1:12345)
//
// The conversation itself is in ../common/helloservice.h, shared by the TCP,
// Unix stream and Unix seqpacket examples.

#include "helloservice.h"

int main(int argc, char **argv)
{
    return HelloService::runClient(argc, argv, "tcp://127.0.0.1:12345");
}

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The loop of the commands that accept connections (serve, listen, proxy):
// listen, announce, hand each new connection over, run until SIGINT or
// SIGTERM, close.

#ifndef FIZYRRPC_SERVERLOOP_H
#define FIZYRRPC_SERVERLOOP_H

#include "commandline.h"
#include "output.h"

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QJsonObject>

#include <functional>

namespace Tool {

// Runs handler in the event loop when SIGINT or SIGTERM arrives.
void onTerminationSignal(std::function<void(int signal)> handler);

// Listens on address, prints "listening on ADDRESS" (JSON: {"type":
// "listening", "address": ..., plus the fields of listeningExtra}), calls
// onNewConnection(server) for every RpcServer::newConnection(), reports
// accept failures on stderr and runs the event loop until SIGINT or
// SIGTERM. Returns the exit code: 0 after a signal, 2 if it cannot listen.
int runServerLoop(const CommandLine &commandLine, const Printer &printer,
                  const Fizyr::RpcAddress &address, const QJsonObject &listeningExtra,
                  const std::function<void(Fizyr::RpcServer &server)> &onNewConnection);

} // namespace Tool

#endif // FIZYRRPC_SERVERLOOP_H

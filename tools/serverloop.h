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
#include <optional>

namespace Tool {

// Runs handler in the event loop when SIGINT or SIGTERM arrives.
void onTerminationSignal(std::function<void(int signal)> handler);

// Where a command accepts connections: an address, or a listening socket
// inherited from the parent process, given as "fd:N" (descriptor N) or
// "systemd" / "systemd:N" (systemd socket activation: the Nth socket of
// LISTEN_FDS, from descriptor 3).
struct ListenTarget
{
    ListenTarget() = default;
    // An address to listen on (implicit: runServerLoop() takes addresses).
    ListenTarget(const Fizyr::RpcAddress &listenAddress) : address(listenAddress) { }

    Fizyr::RpcAddress address;
    int descriptor = -1;
    int systemdIndex = -1;
};

// Parses the ADDRESS argument of serve, listen and proxy; returns nothing
// and sets errorText with a one-line reason if it cannot be used.
std::optional<ListenTarget> parseListenTarget(const QString &text, QString *errorText);

// The help text of that argument.
QString listenTargetHelp();

// Listens on target, prints "listening on ADDRESS" (JSON: {"type":
// "listening", "address": ..., plus the fields of listeningExtra}), calls
// onNewConnection(server) for every RpcServer::newConnection(), reports
// accept failures on stderr and runs the event loop until SIGINT or
// SIGTERM. Returns the exit code: 0 after a signal, 2 if it cannot listen.
int runServerLoop(const CommandLine &commandLine, const Printer &printer,
                  const ListenTarget &target, const QJsonObject &listeningExtra,
                  const std::function<void(Fizyr::RpcServer &server)> &onNewConnection);

} // namespace Tool

#endif // FIZYRRPC_SERVERLOOP_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Security options of every subcommand: TLS (--tls-ca, --tls-cert,
// --tls-key, --tls-insecure) for tls:// addresses, and for the commands that
// listen the access policy and socket file mode of Unix listeners
// (--allow-uid, --allow-gid, --socket-mode, --socket-group). They are read
// once per run (readSecurityOptions()) and applied to every peer and server
// the command creates.

#ifndef FIZYRRPC_TLSOPTIONS_H
#define FIZYRRPC_TLSOPTIONS_H

#include <QtCore/QCommandLineParser>
#include <QtCore/QString>

#include <optional>

namespace Fizyr {
class RpcPeer;
class RpcServer;
} // namespace Fizyr

namespace Tool {

class CommandLine;

// Adds the options to the parser of command (access options for the
// commands that listen).
void addSecurityOptions(QCommandLineParser &parser, const QString &command);
// Reads and checks them (files readable, numbers valid). Returns an exit
// code after a usage error, nothing if the command can go on.
std::optional<int> readSecurityOptions(const CommandLine &commandLine);
// Before connecting a peer / listening with a server.
void applySecurityOptions(Fizyr::RpcPeer &peer);
void applySecurityOptions(Fizyr::RpcServer &server);

} // namespace Tool

#endif // FIZYRRPC_TLSOPTIONS_H

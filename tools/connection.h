// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Addresses and connections: parsing an address, connecting a peer, the
// one-line reasons for failures, who is on the other end, and whether an
// error left the connection up.

#ifndef FIZYRRPC_CONNECTION_H
#define FIZYRRPC_CONNECTION_H

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include "commandline.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>

#include <optional>

namespace Tool {

// Checks an address string; returns an invalid address and sets errorText
// with a one-line reason if it cannot be used.
Fizyr::RpcAddress parseAddress(const QString &text, QString *errorText);

// Connects peer to address within msecs (-1: no limit); on failure returns
// false and sets errorText.
bool connectPeer(Fizyr::RpcPeer &peer, const Fizyr::RpcAddress &address, int msecs,
                 QString *errorText);

// The peer's error string, as the library wrote it ("cannot connect to
// ADDRESS: reason").
QString connectErrorText(const Fizyr::RpcPeer &peer, const QString &address);

// The server's error string, as the library wrote it ("cannot listen on
// ADDRESS: reason"), with a hint for the two usual causes on Unix sockets (a
// missing directory, a path too long).
QString listenErrorText(const Fizyr::RpcServer &server, const Fizyr::RpcAddress &address);

// Only in a slot connected to RpcPeer::errorOccurred(): true if the
// connection survived the error (a warning), false if it is closing or
// closed (the library's contract: state() tells).
bool connectionSurvived(const Fizyr::RpcPeer &peer);

// Who is on the other end of an accepted connection: appends " from
// HOST:PORT" (TCP) and " (pid P, uid U)" (Unix sockets) to line, and the
// same as "peer", "pid" and "uid" to json.
void describeRemote(const Fizyr::RpcPeer *peer, QString *line, QJsonObject *json);

// --reconnect and its settings (stream, listen).
struct ReconnectOptions
{
    bool enabled = false;
    int initialDelay = 500; // ms
    int maxDelay = 30000; // ms
    int maxAttempts = 0; // 0: no limit
};

// Adds --reconnect (described by reconnectDescription), --backoff,
// --max-backoff and --max-attempts.
void addReconnectOptions(QCommandLineParser &parser, const QString &reconnectDescription);
// The options' values, or nothing after a usage error (exitCode set).
std::optional<ReconnectOptions> reconnectFromOptions(CommandLine &commandLine, int *exitCode);
// Turns on autoReconnect with the options' delays and limit.
void applyReconnect(Fizyr::RpcPeer &peer, const ReconnectOptions &options);
// Reports each failed attempt of peer as a warning: "cannot connect to X:
// reason; trying again in N s (attempt A)".
void reportReconnectAttempts(const CommandLine &commandLine, Fizyr::RpcPeer &peer);

// connectPeer() with --reconnect: failed attempts are reported as warnings
// and tried again with backoff, until connected, the last attempt failed
// (--max-attempts) or msecs passed.
bool connectPeerReconnecting(const CommandLine &commandLine, Fizyr::RpcPeer &peer,
                             const Fizyr::RpcAddress &address, const ReconnectOptions &options,
                             int msecs, QString *errorText);

} // namespace Tool

#endif // FIZYRRPC_CONNECTION_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPC_COMMANDS_H
#define FIZYRRPC_COMMANDS_H

#include <QtCore/QStringList>

namespace Tool {

// Each takes the arguments after the subcommand name and returns the exit code.
int runCall(const QStringList &args);
int runStream(const QStringList &args);
int runServe(const QStringList &args);
int runListen(const QStringList &args);
int runProxy(const QStringList &args);
int runReplay(const QStringList &args);
int runDescribe(const QStringList &args);

} // namespace Tool

#endif // FIZYRRPC_COMMANDS_H

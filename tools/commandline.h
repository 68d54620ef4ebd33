// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The command line of a subcommand: exit codes, --help, usage errors, and
// the option values every command shares (service ids, --timeout).

#ifndef FIZYRRPC_COMMANDLINE_H
#define FIZYRRPC_COMMANDLINE_H

#include <QtCore/QCommandLineOption>
#include <QtCore/QCommandLineParser>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <optional>

namespace Tool {

// Exit codes that scripts can rely on.
enum ExitCode {
    ExitSuccess = 0, // success response, or the command did what it was asked
    ExitErrorResponse = 1, // call: the other side answered with an error response
    ExitFailure = 2, // usage, connection or protocol error, timeout
};

// A subcommand's command line: the shared --help handling and usage errors.
class CommandLine
{
public:
    CommandLine(const QString &command, const QString &arguments, const QString &description);

    QCommandLineParser &parser() { return m_parser; }

    // Parses args (without program and command name). Returns an exit code
    // if the command must stop (help shown: 0; usage error: 2), or nothing
    // if it can go on. Checks the positional argument count.
    std::optional<int> parse(const QStringList &args, int minPositional, int maxPositional);

    // Prints "fizyr-rpc COMMAND: text" and a hint to --help; returns 2.
    int usageError(const QString &text) const;
    // Prints "fizyr-rpc COMMAND: text"; returns 2.
    int failure(const QString &text) const;
    // Prints "fizyr-rpc COMMAND: warning: text".
    void warning(const QString &text) const;

    QString helpText() const;
    QString command() const { return m_command; }

private:
    QCommandLineParser m_parser;
    QString m_command;
    QString m_arguments;
    QCommandLineOption m_help;
};

// A service id: a decimal number that fits in a signed 32-bit integer.
std::optional<qint32> parseServiceId(const QString &text, QString *errorText);

// --timeout SECONDS (0: none): adds the option / returns the time in
// milliseconds (-1: no limit), or nothing after a usage error (exitCode set).
// Accepts finite numbers from 0 to maxTimeoutSeconds.
constexpr int maxTimeoutSeconds = 24 * 24 * 3600; // 24 days: fits an int of milliseconds
void addTimeoutOption(QCommandLineParser &parser, const QString &description);
std::optional<int> timeoutFromOptions(CommandLine &commandLine, int *exitCode);

// Milliseconds left until deadline, for the waitFor functions (-1: forever).
int remainingMsecs(const QDeadlineTimer &deadline);

} // namespace Tool

#endif // FIZYRRPC_COMMANDLINE_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Pieces shared by the subcommands of fizyr-rpc: exit codes, command-line
// parsing, body and file loading, message printing and signal handling.

#ifndef FIZYRRPC_TOOLCOMMON_H
#define FIZYRRPC_TOOLCOMMON_H

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcFileDescriptor>
#include <FizyrRpcQt/RpcMessage>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QByteArray>
#include <QtCore/QCommandLineOption>
#include <QtCore/QCommandLineParser>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QString>

#include <functional>
#include <optional>

namespace Tool {

// Exit codes that scripts can rely on.
enum ExitCode {
    ExitSuccess = 0, // success response, or the command did what it was asked
    ExitErrorResponse = 1, // call: the other side answered with an error response
    ExitFailure = 2, // usage, connection or protocol error, timeout
};

// Writes bytes to stdout and flushes, so pipes see every line at once.
void writeOut(const QByteArray &bytes);
void writeLine(const QString &line);
// Writes "fizyr-rpc COMMAND: text" to stderr.
void printError(const QString &command, const QString &text);

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
    int failure(const QString &text) const;

    QString helpText() const;
    QString command() const { return m_command; }

private:
    QCommandLineParser m_parser;
    QString m_command;
    QString m_arguments;
    QCommandLineOption m_help;
};

// Checks an address string; returns an invalid address and sets errorText
// with a one-line reason if it cannot be used.
Fizyr::RpcAddress parseAddress(const QString &text, QString *errorText);

// A service id: a decimal number that fits in a signed 32-bit integer.
std::optional<qint32> parseServiceId(const QString &text, QString *errorText);

// The contents of path, or of stdin for "-".
std::optional<QByteArray> readFile(const QString &path, QString *errorText);

// Opens path read-only and returns an owning handle, for --fd.
std::optional<Fizyr::RpcFileDescriptor> openFileDescriptor(const QString &path, QString *errorText);

// --timeout SECONDS (0: none): adds the option / returns the time in
// milliseconds (-1: no limit), or nothing after a usage error (exitCode set).
void addTimeoutOption(QCommandLineParser &parser, const QString &description);
std::optional<int> timeoutFromOptions(CommandLine &commandLine, int *exitCode);

// Connects peer to address within msecs (-1: no limit); on failure returns
// false and sets errorText.
bool connectPeer(Fizyr::RpcPeer &peer, const QString &address, int msecs, QString *errorText);

// The one-line reason why peer could not connect to address.
QString connectErrorText(const Fizyr::RpcPeer &peer, const QString &address);

// The one-line reason why server could not listen on address, without the
// repetitions and Qt class names some transports put in errorString().
QString listenErrorText(const Fizyr::RpcServer &server, const Fizyr::RpcAddress &address);

// Who is on the other end of an accepted connection: appends " from
// HOST:PORT" (TCP) and " (pid P, uid U)" (Unix sockets) to line, and the
// same as "peer", "pid" and "uid" to json.
void describeRemote(const Fizyr::RpcPeer *peer, QString *line, QJsonObject *json);

// Who is on the other end of an accepted connection: appends " from
// HOST:PORT" (TCP) and " (pid P, uid U)" (Unix sockets) to line, and the
// same as "peer", "pid" and "uid" to json.
void describeRemote(const Fizyr::RpcPeer *peer, QString *line, QJsonObject *json);

// Milliseconds left until deadline, for the waitFor functions (-1: forever).
int remainingMsecs(const QDeadlineTimer &deadline);

// call and stream: --file and --fd, and the body from BODY, "-" (stdin) or
// --file (BODY is the third positional argument). The from-options
// functions return nothing after an error and set exitCode.
void addBodyOptions(QCommandLineParser &parser);
std::optional<QByteArray> bodyFromArguments(CommandLine &commandLine, int *exitCode);
std::optional<QList<Fizyr::RpcFileDescriptor>> fdsFromArguments(CommandLine &commandLine,
                                                                const Fizyr::RpcAddress &address,
                                                                int *exitCode);

// What call and stream send: ADDRESS SERVICE [BODY] with --file and --fd.
struct MessageArguments
{
    Fizyr::RpcAddress address;
    qint32 serviceId = 0;
    QList<Fizyr::RpcFileDescriptor> fileDescriptors;
    QByteArray body;
};
// On failure, prints why and returns nothing with exitCode set.
std::optional<MessageArguments> messageFromArguments(CommandLine &commandLine, int *exitCode);

// How messages are printed.
enum class Format {
    Human, // one line per message, bodies as quoted text or a hex preview
    Json, // one JSON object per line
    Raw, // call only: the response body bytes, nothing else
};

class Printer
{
public:
    Printer(Format format = Format::Human, int preview = 200);

    Format format() const { return m_format; }

    // Prints message; label goes in front of the human line, extra is
    // merged into the JSON object.
    void message(const Fizyr::RpcMessage &message, const QString &label = QString(),
                 const QJsonObject &extra = QJsonObject(), const QString &suffix = QString()) const;
    // Prints an event that is not a message: humanLine in human format,
    // json in JSON format, nothing in raw format.
    void event(const QString &humanLine, const QJsonObject &json) const;

    // The human form of a message, without label.
    QString describe(const Fizyr::RpcMessage &message) const;
    static QJsonObject toJson(const Fizyr::RpcMessage &message);
    static QString typeName(Fizyr::RpcMessage::Type type);

private:
    QString bodyPreview(const QByteArray &body) const;

    Format m_format;
    int m_preview;
};

// Adds --json and --preview to a command line and reads them back.
void addOutputOptions(QCommandLineParser &parser, bool withRaw);
std::optional<Printer> printerFromOptions(CommandLine &commandLine, bool withRaw, int *exitCode);

// Runs handler in the event loop when SIGINT or SIGTERM arrives.
void onTerminationSignal(std::function<void(int signal)> handler);

} // namespace Tool

#endif // FIZYRRPC_TOOLCOMMON_H

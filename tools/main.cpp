// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc: talk to Fizyr RPC services from a shell.
//
//   fizyr-rpc call ADDRESS SERVICE [BODY]     send a request, print updates and the response
//   fizyr-rpc stream ADDRESS SERVICE [BODY]   send one stream message
//   fizyr-rpc serve ADDRESS                   run a test server (echo on service 1)
//   fizyr-rpc listen ADDRESS                  accept connections, print every message
//   fizyr-rpc proxy LISTEN TARGET             forward both ways, print every message
//   fizyr-rpc replay FILE ADDRESS             answer requests from a recording
//   fizyr-rpc describe FILE                   show the interfaces of an interface file

#include "commands.h"
#include "commandline.h"
#include "output.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>

namespace {

struct Command
{
    const char *name;
    int (*run)(const QStringList &args);
    const char *summary;
};

constexpr Command commands[] = {
        {"call", Tool::runCall, "Send a request; print the updates and the response."},
        {"stream", Tool::runStream, "Send one stream message."},
        {"serve", Tool::runServe, "Run a test server: echo on service 1, streams echoed."},
        {"listen", Tool::runListen, "Accept connections and print every incoming message."},
        {"proxy", Tool::runProxy, "Forward messages between two addresses and print each one."},
        {"replay", Tool::runReplay,
         "Answer requests from a JSON Lines recording (proxy/listen --record)."},
        {"describe", Tool::runDescribe,
         "Show the services, updates, streams and body types of an interface file."},
};

QString usage()
{
    QString text = QStringLiteral(
            "Usage: fizyr-rpc COMMAND [options] ARGUMENTS\n"
            "Talk to Fizyr RPC services over TCP, Unix stream and Unix seqpacket sockets.\n"
            "\n"
            "Commands:\n");
    for (const Command &command : commands) {
        text += QStringLiteral("  %1%2\n")
                        .arg(QString::fromLatin1(command.name).leftJustified(9),
                             QString::fromLatin1(command.summary));
    }
    text += QStringLiteral(
            "\n"
            "Addresses: tcp://HOST:PORT, unix:/PATH, seqpacket:/PATH\n"
            "Interface files: --interface FILE on call, stream, serve, listen and proxy takes "
            "names\n"
            "and JSON bodies (see fizyr-rpc describe FILE).\n"
            "Exit codes: 0 success, 1 error response (call), 2 usage, connection or protocol "
            "error\n"
            "Run 'fizyr-rpc COMMAND --help' for the options of a command.\n");
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fizyr-rpc"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FIZYRRPCQT_TOOL_VERSION));
    // The tool reports errors itself, one line each; QT_LOGGING_RULES can
    // turn the library's logging back on.
    QLoggingCategory::setFilterRules(QStringLiteral("fizyr.rpc.*=false"));

    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    if (args.isEmpty()) {
        Tool::printError(QString(), QStringLiteral("missing command (see fizyr-rpc --help)"));
        return Tool::ExitFailure;
    }
    const QString name = args.takeFirst();
    if (name == QLatin1String("-h") || name == QLatin1String("--help")
        || name == QLatin1String("help")) {
        if (name == QLatin1String("help") && !args.isEmpty()) {
            for (const Command &command : commands) {
                if (args.first() == QLatin1String(command.name))
                    return command.run({QStringLiteral("--help")});
            }
            Tool::printError(QString(),
                             QStringLiteral("unknown command \"%1\" (see fizyr-rpc --help)")
                                     .arg(args.first()));
            return Tool::ExitFailure;
        }
        Tool::writeOut(usage().toUtf8());
        return Tool::ExitSuccess;
    }
    if (name == QLatin1String("-v") || name == QLatin1String("--version")) {
        Tool::writeLine(QStringLiteral("fizyr-rpc ") + QCoreApplication::applicationVersion());
        return Tool::ExitSuccess;
    }
    for (const Command &command : commands) {
        if (name == QLatin1String(command.name))
            return command.run(args);
    }
    Tool::printError(QString(),
                     QStringLiteral("unknown command \"%1\" (commands: call, stream, serve, "
                                    "listen, proxy, replay, describe; see fizyr-rpc --help)")
                             .arg(name));
    return Tool::ExitFailure;
}

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc replay FILE ADDRESS
//
// Plays the server side of a JSON Lines recording (proxy/listen --record
// FILE.jsonl): every request recorded from a client is a transaction with
// the responder updates and the response that the server sent for it. An
// incoming request is matched to one (by service id and body, or by order)
// and answered with the recorded messages, spaced as recorded or at once.

#include "commandline.h"
#include "commands.h"
#include "connection.h"
#include "output.h"
#include "serverloop.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcReplayServer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

using namespace Fizyr;

namespace Tool {

int runReplay(const QStringList &args)
{
    CommandLine commandLine(
            QStringLiteral("replay"), QStringLiteral("FILE ADDRESS"),
            QStringLiteral(
                    "Play the server side of a JSON Lines recording (proxy or listen --record "
                    "FILE.jsonl) on ADDRESS. Each incoming request is matched to a recorded one "
                    "with the same service id and body (an unused one first), or with "
                    "--by-order to the next recorded request, and answered with the recorded "
                    "responder updates and response, spaced as recorded (--fast: at once). An "
                    "unmatched request gets the error response \"replay: no recorded request "
                    "for service N with body ...; \" and what was expected. What the server "
                    "started itself (stream messages, requests) is sent after the request it "
                    "followed, or when a client connects. A recording keeps the number of "
                    "file descriptors only: on seqpacket each message carries that many "
                    "fresh ones (/dev/null). Recordings of the library hook (FIZYR_RPC_RECORD, "
                    "sent/received) load too.\n"
                    "Prints \"listening on ADDRESS\" when ready; runs until SIGINT or SIGTERM, "
                    "then exits with 0."));
    QCommandLineParser &parser = commandLine.parser();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The recording (.jsonl)."));
    parser.addPositionalArgument(QStringLiteral("ADDRESS"),
                                 QStringLiteral("Where clients connect (tcp://HOST:PORT, "
                                                "unix:/PATH or seqpacket:/PATH)."));
    parser.addOption(QCommandLineOption(
            QStringLiteral("fast"),
            QStringLiteral("Send the recorded updates and response at once instead of with "
                           "their recorded spacing.")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("by-order"),
            QStringLiteral("Match requests by their order in the recording instead of by "
                           "service id and body: each must be the next recorded one.")));
    addOutputOptions(parser, false);

    if (std::optional<int> exit = commandLine.parse(args, 2, 2))
        return *exit;
    int exitCode = ExitFailure;
    const std::optional<Printer> printer = printerFromOptions(commandLine, false, &exitCode);
    if (!printer)
        return exitCode;
    QString error;
    // The matching and the replies are the library's (RpcReplayServer); the
    // tool adds the server loop and the output.
    RpcReplayServer replay;
    if (!replay.load(parser.positionalArguments().at(0)))
        return commandLine.failure(replay.errorString());
    const RpcAddress address = parseAddress(parser.positionalArguments().at(1), &error);
    if (!address.isValid())
        return commandLine.failure(error);
    replay.setTiming(parser.isSet(QStringLiteral("fast")) ? RpcReplayServer::Immediate
                                                          : RpcReplayServer::RecordedTiming);
    replay.setMatchMode(parser.isSet(QStringLiteral("by-order"))
                                ? RpcReplayServer::MatchByOrder
                                : RpcReplayServer::MatchByServiceAndBody);
    const Printer &out = *printer;
    int current = 0; // the connection of the request being handled
    QObject::connect(&replay, &RpcReplayServer::requestMatched, &replay,
                     [&out, &current](RpcRequest *request, int line) {
                         out.event(
                                 QStringLiteral("[%1] request #%2 matches the recording's line %3")
                                         .arg(current)
                                         .arg(request->requestId())
                                         .arg(line),
                                 {{QStringLiteral("type"), QStringLiteral("matched")},
                                  {QStringLiteral("connection"), current},
                                  {QStringLiteral("request_id"), qint64(request->requestId())},
                                  {QStringLiteral("line"), line}});
                     });
    QObject::connect(&replay, &RpcReplayServer::requestUnmatched, &replay,
                     [&out, &current](RpcRequest *request, const QString &text) {
                         out.event(QStringLiteral("[%1] ").arg(current) + text,
                                   {{QStringLiteral("type"), QStringLiteral("unmatched")},
                                    {QStringLiteral("connection"), current},
                                    {QStringLiteral("request_id"), qint64(request->requestId())},
                                    {QStringLiteral("error"), text}});
                     });

    int connections = 0;
    return runServerLoop(
            commandLine, out, address,
            {{QStringLiteral("file"), parser.positionalArguments().at(0)}}, [&](RpcServer &server) {
                while (RpcPeer *peer = server.nextPendingConnection()) {
                    const int connection = ++connections;
                    peer->setAutoDeleteRequests(true);
                    QObject::connect(peer, &RpcPeer::disconnected, peer,
                                     [peer] { peer->deleteLater(); });
                    QObject::connect(peer, &RpcPeer::requestReceived, peer,
                                     [&replay, &out, &current, connection](RpcRequest *request) {
                                         out.message(request->requestMessage(),
                                                     QStringLiteral("[%1]").arg(connection),
                                                     {{QStringLiteral("connection"), connection}});
                                         current = connection;
                                         replay.handleRequest(request);
                                     });
                }
            });
}

} // namespace Tool

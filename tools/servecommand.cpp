// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc serve ADDRESS  and  fizyr-rpc listen ADDRESS

#include "commandline.h"
#include "commands.h"
#include "connection.h"
#include "interfaceoptions.h"
#include "mockserver.h"
#include "output.h"
#include "recorder.h"
#include "serverloop.h"
#include "stats.h"
#include "tlsoptions.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>

#include <memory>

using namespace Fizyr;

namespace Tool {

namespace {

enum class Mode {
    Serve, // echo on service 1, error response otherwise, streams echoed
    Listen, // print; error response unless --echo
};

struct ServerSettings
{
    Mode mode = Mode::Serve;
    QString command;
    Printer printer;
    int updates = 0; // serve: responder updates before each response
    int waitUpdates = 0; // serve: requester updates to wait for before responding
    bool echo = false; // listen: echo requests instead of rejecting them
    const InterfaceOptions *interface = nullptr; // --interface: decoded output
    const MockAnswers *mock = nullptr; // serve --interface: the mock's answers
    Recorder *recorder = nullptr; // listen --record
    Stats *stats = nullptr; // listen --stats
};

void record(const ServerSettings &settings, int connection, RecordDirection direction,
            const RpcMessage &message, qint32 requestServiceId = 0)
{
    if (settings.recorder)
        settings.recorder->message(connection, direction, message, requestServiceId);
    if (settings.stats)
        settings.stats->message(connection, direction, message, requestServiceId);
}

QString connectionLabel(int connection)
{
    return QStringLiteral("[%1]").arg(connection);
}

// A line and a JSON object describing who connected.
void printConnected(const ServerSettings &settings, RpcPeer *peer, int connection,
                    const QString &what = QStringLiteral("connected"))
{
    QString line = connectionLabel(connection) + QLatin1Char(' ') + what;
    QJsonObject json{{QStringLiteral("type"), QStringLiteral("connected")},
                     {QStringLiteral("connection"), connection}};
    describeRemote(peer, &line, &json);
    settings.printer.event(line, json);
}

void answer(const ServerSettings &settings, RpcRequest *request, int connection)
{
    if (!request->isOpen())
        return;
    bool sent;
    QString mockError;
    if (settings.mock) {
        sent = settings.mock->answer(request, &mockError);
    } else if (settings.mode == Mode::Listen) {
        const RpcMessage response = settings.echo
                ? RpcMessage(RpcMessage::Response, request->requestId(), 0, request->body(),
                             request->requestMessage().fileDescriptors())
                : RpcMessage::errorResponse(request->requestId(),
                                            QStringLiteral("unexpected request for service %1")
                                                    .arg(request->serviceId()));
        sent = request->sendResponse(response.serviceId(), response.body(),
                                     response.fileDescriptors());
        if (sent)
            record(settings, connection, RecordDirection::ToClient, response, request->serviceId());
    } else if (request->serviceId() == 1) {
        sent = request->sendResponse(0, request->body(),
                                     request->requestMessage().fileDescriptors());
    } else {
        sent = request->sendErrorResponse(
                QStringLiteral("unknown service %1").arg(request->serviceId()));
    }
    if (!sent) {
        printError(settings.command,
                   QStringLiteral("cannot answer request #%1: %2")
                           .arg(request->requestId())
                           .arg(settings.mock ? mockError : request->errorString()));
        request->sendErrorResponse(request->errorString());
    }
}

void handleRequest(const ServerSettings &settings, RpcRequest *request, int connection)
{
    const QString label = connectionLabel(connection);
    const QJsonObject extra{{QStringLiteral("connection"), connection}};
    settings.printer.message(request->requestMessage(), label, extra, {},
                             settings.interface->decode(request->requestMessage(), 0));
    record(settings, connection, RecordDirection::ToServer, request->requestMessage());

    auto received = std::make_shared<int>(0);
    QObject::connect(
            request, &RpcRequest::updateReceived, request,
            [&settings, request, label, extra, received, connection](const RpcMessage &update) {
                settings.printer.message(update, label, extra, {},
                                         settings.interface->decode(update, request->serviceId()));
                record(settings, connection, RecordDirection::ToServer, update,
                       request->serviceId());
                if (settings.mode != Mode::Serve || settings.mock)
                    return;
                // serve echoes requester updates as responder updates.
                request->sendUpdate(update.serviceId(), update.body(), update.fileDescriptors());
                if (++*received == settings.waitUpdates)
                    answer(settings, request, connection);
            });
    if (settings.mode == Mode::Serve && !settings.mock) {
        for (int i = 1; i <= settings.updates; ++i) {
            request->sendUpdate(
                    i, QStringLiteral("update %1 of %2").arg(i).arg(settings.updates).toUtf8());
        }
        if (settings.waitUpdates > 0)
            return;
    }
    answer(settings, request, connection);
}

void handleConnection(const ServerSettings &settings, RpcPeer *peer, int connection,
                      const RpcAddress &listenAddress)
{
    const QString label = connectionLabel(connection);
    const QJsonObject extra{{QStringLiteral("connection"), connection}};
    printConnected(settings, peer, connection);
    if (settings.recorder) {
        settings.recorder->connectionOpened(
                describeConnection(connection, listenAddress, peer->peerAddress(), peer->config()));
    }
    peer->setAutoDeleteRequests(true);
    QObject::connect(peer, &RpcPeer::disconnected, peer, [&settings, peer, label, connection] {
        if (settings.recorder)
            settings.recorder->connectionClosed(connection);
        if (settings.stats)
            settings.stats->connectionClosed(connection);
        settings.printer.event(label + QStringLiteral(" disconnected"),
                               {{QStringLiteral("type"), QStringLiteral("disconnected")},
                                {QStringLiteral("connection"), connection}});
        peer->deleteLater();
    });
    QObject::connect(peer, &RpcPeer::errorOccurred, peer, [&settings, peer, label](RpcError e) {
        if (e == RpcError::RemoteClosed)
            return; // an ordinary end: "disconnected" follows
        // The library's contract: state() tells whether the connection
        // survived the error (a warning) or is closing because of it.
        if (connectionSurvived(*peer))
            printWarning(settings.command, label + QLatin1Char(' ') + peer->errorString());
        else
            printError(settings.command, label + QLatin1Char(' ') + peer->errorString());
    });
    QObject::connect(peer, &RpcPeer::streamReceived, peer,
                     [&settings, peer, label, extra, connection](const RpcMessage &message) {
                         settings.printer.message(message, label, extra, {},
                                                  settings.interface->decode(message, 0));
                         record(settings, connection, RecordDirection::ToServer, message);
                         if (settings.mode == Mode::Serve && !settings.mock
                             && !peer->sendStream(message.serviceId(), message.body(),
                                                  message.fileDescriptors())) {
                             printError(settings.command,
                                        label + QStringLiteral(" cannot echo stream message: ")
                                                + peer->errorString());
                         }
                     });
    QObject::connect(peer, &RpcPeer::requestReceived, peer,
                     [&settings, connection](RpcRequest *request) {
                         handleRequest(settings, request, connection);
                     });
}

// listen --reconnect: connects to address instead of listening on it,
// prints what the server sends like for an accepted connection, and
// connects again whenever the connection is lost, until SIGINT or SIGTERM
// (exit code 0) or until --max-attempts attempts in a row failed (2).
int runListenClient(const CommandLine &commandLine, const ServerSettings &settings,
                    const RpcAddress &address, const ReconnectOptions &options)
{
    RpcPeer peer;
    applySecurityOptions(peer);
    applyReconnect(peer, options);
    peer.setAutoDeleteRequests(true);
    reportReconnectAttempts(commandLine, peer);
    int connection = 0;
    int exitCode = ExitSuccess;
    const QString target = address.toString();
    QObject::connect(&peer, &RpcPeer::connected, &peer, [&] {
        ++connection;
        settings.printer.event(connectionLabel(connection) + QStringLiteral(" connected to ")
                                       + target,
                               {{QStringLiteral("type"), QStringLiteral("connected")},
                                {QStringLiteral("connection"), connection},
                                {QStringLiteral("peer"), target}});
        if (settings.recorder) {
            settings.recorder->connectionOpened(
                    describeConnection(connection, address, peer.peerAddress(), peer.config()));
        }
    });
    QObject::connect(&peer, &RpcPeer::disconnected, &peer, [&] {
        if (settings.recorder)
            settings.recorder->connectionClosed(connection);
        if (settings.stats)
            settings.stats->connectionClosed(connection);
        settings.printer.event(connectionLabel(connection) + QStringLiteral(" disconnected"),
                               {{QStringLiteral("type"), QStringLiteral("disconnected")},
                                {QStringLiteral("connection"), connection}});
    });
    QObject::connect(&peer, &RpcPeer::errorOccurred, &peer, [&](RpcError e) {
        if (peer.state() == RpcPeer::WaitingToReconnectState || e == RpcError::RemoteClosed)
            return; // a failed attempt (reported with the next one) or an ordinary end
        if (peer.state() == RpcPeer::UnconnectedState) {
            // The last attempt failed (--max-attempts).
            printError(settings.command, peer.errorString());
            exitCode = ExitFailure;
            QCoreApplication::exit(ExitFailure);
            return;
        }
        const QString line = connectionLabel(connection) + QLatin1Char(' ') + peer.errorString();
        if (connectionSurvived(peer))
            printWarning(settings.command, line);
        else
            printError(settings.command, line);
    });
    QObject::connect(&peer, &RpcPeer::streamReceived, &peer, [&](const RpcMessage &message) {
        settings.printer.message(message, connectionLabel(connection),
                                 {{QStringLiteral("connection"), connection}}, {},
                                 settings.interface->decode(message, 0));
        record(settings, connection, RecordDirection::ToServer, message);
    });
    QObject::connect(&peer, &RpcPeer::requestReceived, &peer,
                     [&](RpcRequest *request) { handleRequest(settings, request, connection); });
    onTerminationSignal([](int) { QCoreApplication::exit(ExitSuccess); });
    peer.connectToServer(address);
    const int result = QCoreApplication::exec();
    return exitCode == ExitSuccess ? result : exitCode;
}

int runServer(Mode mode, const QStringList &args)
{
    const bool serve = mode == Mode::Serve;
    CommandLine commandLine(
            serve ? QStringLiteral("serve") : QStringLiteral("listen"), QStringLiteral("ADDRESS"),
            serve ? QStringLiteral(
                    "Run a test server on ADDRESS. Service 1 answers with the request "
                    "body (and file descriptors), status 0; other services get an "
                    "error response \"unknown service N\". Stream messages are echoed "
                    "back; requester updates are echoed back as responder updates. "
                    "Every incoming message is printed.\n"
                    "With --interface: a mock server of the interface instead. Each service "
                    "answers with the updates and the response (or error) of its entry in the "
                    "--answers file, or with the zero value of its response type; a request "
                    "body that does not decode gets the error response \"invalid body for "
                    "NAME: reason\". Messages are printed decoded; streams are not echoed.\n"
                    "Prints \"listening on ADDRESS\" when ready; runs until SIGINT or "
                    "SIGTERM, then exits with 0.")
                  : QStringLiteral(
                          "Accept connections on ADDRESS and print every incoming message. "
                          "Requests get the error response \"unexpected request for "
                          "service N\", or with --echo their own body back. With --interface "
                          "bodies are printed decoded.\n"
                          "Prints \"listening on ADDRESS\" when ready; runs until SIGINT or "
                          "SIGTERM, then exits with 0.\n"
                          "With --reconnect: connects to the server at ADDRESS instead and "
                          "prints what it sends, connecting again whenever the connection is "
                          "lost."));
    QCommandLineParser &parser = commandLine.parser();
    parser.addPositionalArgument(QStringLiteral("ADDRESS"), listenTargetHelp());
    if (serve) {
        parser.addOption(QCommandLineOption(
                QStringLiteral("updates"),
                QStringLiteral("Send N responder updates (service id 1..N, body \"update i of "
                               "N\") before each response."),
                QStringLiteral("N"), QStringLiteral("0")));
        parser.addOption(QCommandLineOption(
                QStringLiteral("wait-updates"),
                QStringLiteral("Answer a request only after N requester updates for it "
                               "arrived."),
                QStringLiteral("N"), QStringLiteral("0")));
        parser.addOption(QCommandLineOption(
                QStringLiteral("answers"),
                QStringLiteral("With --interface: the canned answers, a JSON file keyed by "
                               "service name: {\"NAME\": {\"updates\": [{\"UPDATE\": "
                               "value}], \"response\": value}} or {\"NAME\": {\"error\": "
                               "\"text\"}}."),
                QStringLiteral("FILE")));
    } else {
        parser.addOption(QCommandLineOption(
                QStringLiteral("echo"),
                QStringLiteral("Answer every request with its own body (status 0) instead of "
                               "an error response.")));
        Recorder::addOptions(parser);
        Stats::addOptions(parser);
        addReconnectOptions(parser,
                            QStringLiteral("Connect to the server at ADDRESS instead of listening "
                                           "on it, print what it sends, and connect again (with a "
                                           "growing delay) whenever the connection is lost or an "
                                           "attempt fails."));
    }
    addOutputOptions(parser, false);
    InterfaceOptions::addOptions(parser);

    if (std::optional<int> exit = commandLine.parse(args, 1, 1))
        return *exit;
    int exitCode = ExitFailure;
    const std::optional<Printer> printer = printerFromOptions(commandLine, false, &exitCode);
    if (!printer)
        return exitCode;
    const std::optional<InterfaceOptions> interface = InterfaceOptions::fromOptions(commandLine,
                                                                                    &exitCode);
    if (!interface)
        return exitCode;
    ServerSettings settings{mode, commandLine.command(), *printer};
    settings.interface = &*interface;
    std::optional<MockAnswers> mock;
    if (serve && interface->isActive()) {
        for (const char *name : {"updates", "wait-updates"}) {
            if (parser.isSet(QLatin1String(name))) {
                return commandLine.usageError(QStringLiteral("--%1 does not go with --interface "
                                                             "(the mock answers from --answers)")
                                                      .arg(QLatin1String(name)));
            }
        }
        QString error;
        mock = MockAnswers::load(parser.value(QStringLiteral("answers")), *interface, &error);
        if (!mock)
            return commandLine.failure(error);
        settings.mock = &*mock;
    } else if (serve && parser.isSet(QStringLiteral("answers"))) {
        return commandLine.usageError(QStringLiteral("--answers needs --interface"));
    }
    if (serve) {
        for (const char *name : {"updates", "wait-updates"}) {
            const QString option = QLatin1String(name);
            bool ok = false;
            const int value = parser.value(option).toInt(&ok);
            if (!ok || value < 0) {
                return commandLine.usageError(
                        QStringLiteral("invalid --%1 \"%2\": expected a count")
                                .arg(option, parser.value(option)));
            }
            (option == QLatin1String("updates") ? settings.updates : settings.waitUpdates) = value;
        }
    } else {
        settings.echo = parser.isSet(QStringLiteral("echo"));
    }
    std::optional<ReconnectOptions> reconnect;
    if (!serve) {
        reconnect = reconnectFromOptions(commandLine, &exitCode);
        if (!reconnect)
            return exitCode;
    }
    QString error;
    const std::optional<ListenTarget> target
            = parseListenTarget(parser.positionalArguments().at(0), &error);
    if (!target)
        return commandLine.failure(error);

    std::unique_ptr<Recorder> recorder;
    std::unique_ptr<Stats> stats;
    if (!serve) {
        bool recordOk = false;
        recorder = Recorder::fromOptions(commandLine, &*interface, &recordOk, &exitCode);
        if (!recordOk)
            return exitCode;
        settings.recorder = recorder.get();
        stats = Stats::fromOptions(commandLine, settings.printer, &recordOk, &exitCode);
        if (!recordOk)
            return exitCode;
        settings.stats = stats.get();
    }

    if (reconnect && reconnect->enabled) {
        if (target->descriptor >= 0 || target->systemdIndex >= 0)
            return commandLine.failure(QStringLiteral(
                    "--reconnect connects to ADDRESS: it needs an address, not an inherited "
                    "socket"));
        exitCode = runListenClient(commandLine, settings, target->address, *reconnect);
        if (stats)
            stats->print();
        if (recorder)
            reportRecording(commandLine, *recorder);
        return exitCode;
    }
    int connections = 0;
    exitCode = runServerLoop(commandLine, settings.printer, *target, {}, [&](RpcServer &server) {
        while (RpcPeer *peer = server.nextPendingConnection())
            handleConnection(settings, peer, ++connections, server.serverAddress());
    });
    if (stats)
        stats->print();
    if (recorder)
        reportRecording(commandLine, *recorder);
    return exitCode;
}

} // namespace

int runServe(const QStringList &args)
{
    return runServer(Mode::Serve, args);
}

int runListen(const QStringList &args)
{
    return runServer(Mode::Listen, args);
}

} // namespace Tool

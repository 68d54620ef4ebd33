// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc call ADDRESS SERVICE [BODY]

#include "commands.h"
#include "toolcommon.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>

#include <QtCore/QEventLoop>
#include <QtCore/QPointer>
#include <QtCore/QTimer>

using namespace Fizyr;

namespace Tool {

namespace {

struct Update
{
    qint32 serviceId;
    QByteArray body;
};

} // namespace

int runCall(const QStringList &args)
{
    CommandLine commandLine(
            QStringLiteral("call"), QStringLiteral("ADDRESS SERVICE [BODY]"),
            QStringLiteral(
                    "Send a request for SERVICE to ADDRESS and print every responder update and "
                    "the response as they arrive.\n"
                    "Exit code: 0 on a success response, 1 on an error response (its text goes "
                    "to stderr), 2 on usage, connection or protocol errors and timeouts."));
    QCommandLineParser &parser = commandLine.parser();
    parser.addPositionalArgument(QStringLiteral("ADDRESS"),
                                 QStringLiteral("tcp://HOST:PORT, unix:/PATH or seqpacket:/PATH"));
    parser.addPositionalArgument(QStringLiteral("SERVICE"),
                                 QStringLiteral("The service id (a signed 32-bit integer)."));
    parser.addPositionalArgument(
            QStringLiteral("BODY"),
            QStringLiteral("The request body as text; \"-\" reads it from stdin. Default: empty."));
    addBodyOptions(parser);
    parser.addOption(QCommandLineOption(
            QStringList{QStringLiteral("u"), QStringLiteral("update")},
            QStringLiteral("After the request, send a requester update with service id SERVICE "
                           "and text BODY (repeatable, sent in order)."),
            QStringLiteral("SERVICE:BODY")));
    addTimeoutOption(parser,
                     QStringLiteral("Give up after SECONDS (connecting included) with exit code "
                                    "2; 0: wait forever. Default: 30."));
    addOutputOptions(parser, true);

    if (std::optional<int> exit = commandLine.parse(args, 2, 3))
        return *exit;
    int exitCode = ExitFailure;
    const std::optional<Printer> printer = printerFromOptions(commandLine, true, &exitCode);
    if (!printer)
        return exitCode;
    const std::optional<int> timeout = timeoutFromOptions(commandLine, &exitCode);
    if (!timeout)
        return exitCode;
    const std::optional<MessageArguments> message = messageFromArguments(commandLine, &exitCode);
    if (!message)
        return exitCode;
    QString error;
    QList<Update> updates;
    for (const QString &update : parser.values(QStringLiteral("update"))) {
        const qsizetype colon = update.indexOf(QLatin1Char(':'));
        if (colon < 0) {
            return commandLine.usageError(
                    QStringLiteral("invalid --update \"%1\": expected SERVICE:BODY").arg(update));
        }
        const std::optional<qint32> updateService = parseServiceId(update.left(colon), &error);
        if (!updateService)
            return commandLine.failure(QStringLiteral("--update: ") + error);
        updates.append({*updateService, update.mid(colon + 1).toUtf8()});
    }

    const QDeadlineTimer deadline(*timeout < 0 ? QDeadlineTimer(QDeadlineTimer::Forever)
                                               : QDeadlineTimer(*timeout));
    RpcPeer peer;
    if (!connectPeer(peer, message->address.toString(), remainingMsecs(deadline), &error))
        return commandLine.failure(error);

    // Protocol errors of the other side and a lost connection end the call.
    QEventLoop loop;
    QString peerError;
    QObject::connect(&peer, &RpcPeer::errorOccurred, &loop, [&](RpcError e) {
        if (e == RpcError::RemoteClosed)
            return; // the open request finishes with ConnectionLost
        const bool protocol = int(e) >= 100 && int(e) < 200;
        peerError = (protocol ? QStringLiteral("protocol error: ")
                              : QStringLiteral("connection error: "))
                + peer.errorString();
        loop.quit();
    });

    RpcRequest *request
            = peer.sendRequest(message->serviceId, message->body, message->fileDescriptors);
    QObject::connect(request, &RpcRequest::updateReceived, &loop,
                     [&](const RpcMessage &update) { printer->message(update); });
    QObject::connect(request, &RpcRequest::finished, &loop, &QEventLoop::quit);
    for (const Update &update : std::as_const(updates)) {
        if (!request->isOpen())
            break; // it could not be sent; finished() reports why
        if (!request->sendUpdate(update.serviceId, update.body)) {
            return commandLine.failure(
                    QStringLiteral("cannot send update: %1").arg(request->errorString()));
        }
    }
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    if (!deadline.isForever())
        timer.start(remainingMsecs(deadline));
    if (!request->isFinished() && peerError.isEmpty())
        loop.exec();

    if (!request->isFinished()) {
        if (!peerError.isEmpty())
            return commandLine.failure(peerError);
        return commandLine.failure(QStringLiteral("timed out waiting for the response"));
    }
    const RpcMessage response = request->response();
    const bool gotResponse = response.type() == RpcMessage::Response
            && (request->error() == RpcError::NoError || request->error() == RpcError::RemoteError);
    if (!gotResponse) {
        if (request->error() == RpcError::Timeout)
            return commandLine.failure(QStringLiteral("timed out waiting for the response"));
        if (!peerError.isEmpty())
            return commandLine.failure(peerError);
        if (request->error() == RpcError::ConnectionLost)
            return commandLine.failure(QStringLiteral("the connection closed before the response"));
        if (int(request->error()) >= 200 && int(request->error()) < 300) // local send errors
            return commandLine.failure(QStringLiteral("cannot send the request: ")
                                       + request->errorString());
        return commandLine.failure(request->errorString());
    }
    printer->message(response);
    // Let queued output (nothing, normally) go out before closing.
    peer.disconnectFromServer();
    peer.waitForDisconnected(1000);
    if (response.isError()) {
        printError(commandLine.command(),
                   QStringLiteral("error response: ") + response.errorText());
        return ExitErrorResponse;
    }
    if (printer->format() == Format::Raw)
        writeOut(response.body());
    return peerError.isEmpty() ? ExitSuccess : commandLine.failure(peerError);
}

} // namespace Tool

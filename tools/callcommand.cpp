// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc call ADDRESS SERVICE [BODY]

#include "bodyinput.h"
#include "commandline.h"
#include "commands.h"
#include "connection.h"
#include "interfaceoptions.h"
#include "output.h"

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
                                 QStringLiteral("The service id (a signed 32-bit integer); with "
                                                "--interface also its name."));
    parser.addPositionalArgument(
            QStringLiteral("BODY"),
            QStringLiteral("The request body as text (with --interface: JSON); \"-\" reads it "
                           "from stdin. Default: empty."));
    addBodyOptions(parser);
    parser.addOption(QCommandLineOption(
            QStringList{QStringLiteral("u"), QStringLiteral("update")},
            QStringLiteral("After the request, send a requester update with service id SERVICE "
                           "and text BODY (repeatable, sent in order); with --interface "
                           "NAME:JSON."),
            QStringLiteral("SERVICE:BODY")));
    addTimeoutOption(parser,
                     QStringLiteral("Give up after SECONDS (connecting included) with exit code "
                                    "2; 0: wait forever. Default: 30."));
    addOutputOptions(parser, true);
    InterfaceOptions::addOptions(parser);

    if (std::optional<int> exit = commandLine.parse(args, 2, 3))
        return *exit;
    int exitCode = ExitFailure;
    const std::optional<InterfaceOptions> interface = InterfaceOptions::fromOptions(commandLine,
                                                                                    &exitCode);
    if (!interface)
        return exitCode;
    const std::optional<Printer> printer = printerFromOptions(commandLine, true, &exitCode);
    if (!printer)
        return exitCode;
    const std::optional<int> timeout = timeoutFromOptions(commandLine, &exitCode);
    if (!timeout)
        return exitCode;
    const std::optional<MessageArguments> message
            = messageFromArguments(commandLine, &exitCode, &*interface);
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
        if (interface->isActive()) {
            const RpcService service = interface->interface().serviceById(message->serviceId);
            const std::optional<RpcUpdate> kind
                    = interface->requestUpdate(service, update.left(colon), &error);
            if (!kind)
                return commandLine.failure(QStringLiteral("--update: ") + error);
            const std::optional<QByteArray> body = interface->encodeJson(
                    kind->bodyType(), update.mid(colon + 1).toUtf8(), kind->name(), &error);
            if (!body)
                return commandLine.failure(QStringLiteral("--update: ") + error);
            updates.append({kind->id(), *body});
            continue;
        }
        const std::optional<qint32> updateService = parseServiceId(update.left(colon), &error);
        if (!updateService)
            return commandLine.failure(QStringLiteral("--update: ") + error);
        updates.append({*updateService, update.mid(colon + 1).toUtf8()});
    }

    const QDeadlineTimer deadline(*timeout < 0 ? QDeadlineTimer(QDeadlineTimer::Forever)
                                               : QDeadlineTimer(*timeout));
    RpcPeer peer;
    if (!connectPeer(peer, message->address, remainingMsecs(deadline), &error))
        return commandLine.failure(error);

    // Errors the connection survives (a message for an unknown request id,
    // say) are warnings: the outcome of the request decides the exit code.
    // An error that closes the connection ends the call.
    QEventLoop loop;
    QString connectionError;
    QObject::connect(&peer, &RpcPeer::errorOccurred, &loop, [&](RpcError e) {
        if (e == RpcError::RemoteClosed)
            return; // an ordinary close: the open request finishes with ConnectionLost
        if (connectionSurvived(peer)) {
            commandLine.warning(peer.errorString());
            return;
        }
        if (connectionError.isEmpty())
            connectionError = QStringLiteral("connection error: ") + peer.errorString();
        loop.quit();
    });

    RpcRequest *request
            = peer.sendRequest(message->serviceId, message->body, message->fileDescriptors);
    QObject::connect(request, &RpcRequest::updateReceived, &loop, [&](const RpcMessage &update) {
        printer->message(update, {}, {}, {}, interface->decode(update, message->serviceId));
    });
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
    if (!request->isFinished() && connectionError.isEmpty())
        loop.exec();

    if (!request->isFinished()) {
        if (!connectionError.isEmpty())
            return commandLine.failure(connectionError);
        return commandLine.failure(QStringLiteral("timed out waiting for the response"));
    }
    if (!request->hasResponse()) {
        if (!connectionError.isEmpty())
            return commandLine.failure(connectionError);
        switch (request->error()) {
        case RpcError::Timeout:
            return commandLine.failure(QStringLiteral("timed out waiting for the response"));
        case RpcError::ConnectionLost:
            return commandLine.failure(QStringLiteral("the connection closed before the response"));
        case RpcError::PayloadTooLarge:
        case RpcError::TooManyFileDescriptors:
        case RpcError::WriteBufferFull:
        case RpcError::FileDescriptorsNotSupported:
        case RpcError::NotConnected:
        case RpcError::RequestIdInUse:
        case RpcError::InvalidOperation:
            return commandLine.failure(QStringLiteral("cannot send the request: ")
                                       + request->errorString());
        default:
            return commandLine.failure(request->errorString());
        }
    }
    const RpcMessage response = request->response();
    const DecodedBody decoded = interface->decode(response, message->serviceId);
    printer->message(response, {}, {}, {}, decoded);
    // Let queued output (nothing, normally) go out before closing.
    peer.disconnectFromServer();
    peer.waitForDisconnected(1000);
    if (interface->isErrorResponse(response, message->serviceId)) {
        printError(commandLine.command(),
                   QStringLiteral("error response: ") + response.errorText());
        return ExitErrorResponse;
    }
    if (decoded.known && !decoded.decoded)
        return commandLine.failure(decoded.error);
    if (printer->format() == Format::Raw)
        writeOut(response.body());
    return ExitSuccess;
}

} // namespace Tool

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc stream ADDRESS SERVICE [BODY]

#include "bodyinput.h"
#include "commandline.h"
#include "commands.h"
#include "connection.h"
#include "interfaceoptions.h"
#include "output.h"

#include <FizyrRpcQt/RpcPeer>

using namespace Fizyr;

namespace Tool {

int runStream(const QStringList &args)
{
    CommandLine commandLine(
            QStringLiteral("stream"), QStringLiteral("ADDRESS SERVICE [BODY]"),
            QStringLiteral("Connect to ADDRESS, send one stream message of kind SERVICE and "
                           "disconnect once it is written. Prints nothing on success.\n"
                           "Exit code: 0 when sent, 2 on usage or connection errors and "
                           "timeouts.\n"
                           "With --reconnect, a server that is not there yet (or refuses the "
                           "connection) is tried again with a growing delay until --timeout, "
                           "each failed attempt reported on stderr."));
    QCommandLineParser &parser = commandLine.parser();
    parser.addPositionalArgument(QStringLiteral("ADDRESS"),
                                 QStringLiteral("tcp://HOST:PORT, unix:/PATH or seqpacket:/PATH"));
    parser.addPositionalArgument(
            QStringLiteral("SERVICE"),
            QStringLiteral("The service id (kind of stream message, a signed 32-bit integer); "
                           "with --interface also the stream's name."));
    parser.addPositionalArgument(
            QStringLiteral("BODY"),
            QStringLiteral("The body as text (with --interface: JSON); \"-\" reads it from "
                           "stdin. Default: empty."));
    addBodyOptions(parser);
    addTimeoutOption(parser,
                     QStringLiteral("Give up after SECONDS (connecting and sending) with exit "
                                    "code 2; 0: wait forever. Default: 30."));
    addReconnectOptions(parser,
                        QStringLiteral("Try again when the connection attempt fails, with a "
                                       "growing delay, until connected or --timeout (or "
                                       "--max-attempts) runs out."));
    InterfaceOptions::addOptions(parser);

    if (std::optional<int> exit = commandLine.parse(args, 2, 3))
        return *exit;
    int exitCode = ExitFailure;
    const std::optional<InterfaceOptions> interface = InterfaceOptions::fromOptions(commandLine,
                                                                                    &exitCode);
    if (!interface)
        return exitCode;
    const std::optional<int> timeout = timeoutFromOptions(commandLine, &exitCode);
    if (!timeout)
        return exitCode;
    const std::optional<ReconnectOptions> reconnect = reconnectFromOptions(commandLine, &exitCode);
    if (!reconnect)
        return exitCode;
    const std::optional<MessageArguments> message
            = messageFromArguments(commandLine, &exitCode, &*interface, MessageKind::Stream);
    if (!message)
        return exitCode;
    QString error;

    const QDeadlineTimer deadline(*timeout < 0 ? QDeadlineTimer(QDeadlineTimer::Forever)
                                               : QDeadlineTimer(*timeout));
    RpcPeer peer;
    if (!connectPeerReconnecting(commandLine, peer, message->address, *reconnect,
                                 remainingMsecs(deadline), &error)) {
        return commandLine.failure(error);
    }
    // Connected: the message goes over this connection or not at all.
    peer.setAutoReconnect(false);
    // Errors the connection survives are warnings; one that closes it
    // before the message is written is the failure.
    QString connectionError;
    QObject::connect(&peer, &RpcPeer::errorOccurred, &peer, [&](RpcError e) {
        if (e == RpcError::RemoteClosed)
            return;
        if (connectionSurvived(peer))
            commandLine.warning(peer.errorString());
        else if (connectionError.isEmpty())
            connectionError = QStringLiteral("connection error: ") + peer.errorString();
    });
    if (!peer.sendStream(message->serviceId, message->body, message->fileDescriptors))
        return commandLine.failure(QStringLiteral("cannot send the message: ")
                                   + peer.errorString());
    // disconnectFromServer() writes what is queued before closing.
    peer.disconnectFromServer();
    if (!peer.waitForDisconnected(remainingMsecs(deadline)))
        return commandLine.failure(QStringLiteral("timed out writing the message"));
    if (!connectionError.isEmpty())
        return commandLine.failure(connectionError);
    return ExitSuccess;
}

} // namespace Tool

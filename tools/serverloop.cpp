// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "serverloop.h"
#include "tlsoptions.h"
#include "connection.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

using namespace Fizyr;

namespace Tool {

static int signalSockets[2] = {-1, -1};

extern "C" void fizyrRpcToolSignalHandler(int signal)
{
    const int savedErrno = errno;
    const unsigned char byte = static_cast<unsigned char>(signal);
    const ssize_t written = ::write(signalSockets[1], &byte, 1);
    (void)written;
    errno = savedErrno;
}

void onTerminationSignal(std::function<void(int signal)> handler)
{
    if (signalSockets[0] < 0
        && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, signalSockets)
                != 0) {
        return;
    }
    auto *notifier = new QSocketNotifier(qintptr(signalSockets[0]), QSocketNotifier::Read,
                                         QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, notifier, [handler] {
        unsigned char byte = 0;
        while (::read(signalSockets[0], &byte, 1) == 1)
            handler(int(byte));
    });
    struct sigaction action = {};
    action.sa_handler = fizyrRpcToolSignalHandler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

int runServerLoop(const CommandLine &commandLine, const Printer &printer, const RpcAddress &address,
                  const QJsonObject &listeningExtra,
                  const std::function<void(RpcServer &server)> &onNewConnection)
{
    RpcServer server;
    applySecurityOptions(server);
    QObject::connect(&server, &RpcServer::peerRejected, &server, [&commandLine](const auto &who) {
        commandLine.warning(
                QStringLiteral("refused a connection from pid %1, uid %2 (access policy)")
                        .arg(who.processId())
                        .arg(who.userId()));
    });
    if (!server.listen(address))
        return commandLine.failure(listenErrorText(server, address));
    QObject::connect(&server, &RpcServer::newConnection, &server,
                     [&server, &onNewConnection] { onNewConnection(server); });
    QObject::connect(&server, &RpcServer::errorOccurred, &server, [&server, &commandLine] {
        commandLine.warning(QStringLiteral("accept failed: ") + server.errorString());
    });
    onTerminationSignal([](int) { QCoreApplication::quit(); });
    const QString actual = server.serverAddress().toString();
    QJsonObject json{{QStringLiteral("type"), QStringLiteral("listening")},
                     {QStringLiteral("address"), actual}};
    for (auto it = listeningExtra.begin(); it != listeningExtra.end(); ++it)
        json.insert(it.key(), it.value());
    printer.event(QStringLiteral("listening on ") + actual, json);
    QCoreApplication::exec();
    server.close();
    return ExitSuccess;
}

} // namespace Tool

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

std::optional<ListenTarget> parseListenTarget(const QString &text, QString *errorText)
{
    ListenTarget target;
    const auto number = [&](const QString &digits, int *value) {
        bool ok = false;
        *value = digits.toInt(&ok);
        return ok && *value >= 0;
    };
    if (text.startsWith(QLatin1String("fd:"))) {
        if (!number(text.mid(3), &target.descriptor)) {
            *errorText = QStringLiteral("invalid address \"%1\": fd:N needs a descriptor number")
                                 .arg(text);
            return std::nullopt;
        }
        return target;
    }
    if (text == QLatin1String("systemd")) {
        target.systemdIndex = 0;
        return target;
    }
    if (text.startsWith(QLatin1String("systemd:"))) {
        if (!number(text.mid(8), &target.systemdIndex)) {
            *errorText = QStringLiteral("invalid address \"%1\": systemd:N needs the index of a "
                                        "socket passed by systemd (0 for the first)")
                                 .arg(text);
            return std::nullopt;
        }
        return target;
    }
    target.address = parseAddress(text, errorText);
    if (!target.address.isValid())
        return std::nullopt;
    return target;
}

QString listenTargetHelp()
{
    return QStringLiteral("tcp://HOST:PORT (port 0: any free port), unix:/PATH, seqpacket:/PATH, "
                          "fd:N (an inherited listening socket, descriptor N) or systemd[:N] "
                          "(the Nth socket of systemd socket activation, LISTEN_FDS; default 0)");
}

int runServerLoop(const CommandLine &commandLine, const Printer &printer,
                  const ListenTarget &target, const QJsonObject &listeningExtra,
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
    if (target.descriptor >= 0) {
        if (!server.setSocketDescriptor(target.descriptor))
            return commandLine.failure(server.errorString());
    } else if (target.systemdIndex >= 0) {
        if (!server.listenInherited(target.systemdIndex))
            return commandLine.failure(QStringLiteral("cannot listen on systemd:%1: %2")
                                               .arg(target.systemdIndex)
                                               .arg(server.errorString()));
    } else if (!server.listen(target.address)) {
        return commandLine.failure(listenErrorText(server, target.address));
    }
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

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "connection.h"
#include "tlsoptions.h"

#include <FizyrRpcQt/RpcPeerCredentials>

#include <QtCore/QDir>
#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QTimer>

#include <sys/un.h>

#include <cmath>

using namespace Fizyr;

namespace Tool {

RpcAddress parseAddress(const QString &text, QString *errorText)
{
    QString reason;
    const RpcAddress address = RpcAddress::fromString(text, &reason);
    if (!address.isValid())
        *errorText = reason.isEmpty() ? QStringLiteral("invalid address \"%1\"").arg(text) : reason;
    return address;
}

QString connectErrorText(const RpcPeer &peer, const QString &address)
{
    if (peer.error() == RpcError::NoError) {
        // Connected, then closed before it could be used, without an error.
        return QStringLiteral("cannot connect to %1: the connection was closed right away")
                .arg(address);
    }
    // "cannot connect to ADDRESS: reason", as the library words it.
    return peer.errorString();
}

QString listenErrorText(const RpcServer &server, const RpcAddress &address)
{
    // "cannot listen on ADDRESS: reason", as the library words it.
    QString text = server.errorString();
    if (address.transport() != RpcAddress::UnixStream
        && address.transport() != RpcAddress::UnixSeqpacket) {
        return text;
    }
    // The reasons some transports give for a missing directory or a path
    // too long for a socket address are vague: say which it is.
    QString path = address.path();
    if (address.transport() == RpcAddress::UnixStream && !path.startsWith(QLatin1Char('/')))
        path = QDir::tempPath() + QLatin1Char('/') + path;
    const QString directory = QFileInfo(path).absolutePath();
    if (!QFileInfo(directory).isDir())
        return text + QStringLiteral(" (no such directory %1)").arg(directory);
    if (QFile::encodeName(path).size() >= qsizetype(sizeof(sockaddr_un::sun_path))) {
        return text
                + QStringLiteral(" (socket path too long: at most %1 bytes)")
                          .arg(sizeof(sockaddr_un::sun_path) - 1);
    }
    return text;
}

bool connectPeer(RpcPeer &peer, const RpcAddress &address, int msecs, QString *errorText)
{
    applySecurityOptions(peer);
    peer.connectToServer(address);
    if (peer.waitForConnected(msecs))
        return true;
    if (peer.state() == RpcPeer::ConnectingState) {
        peer.abort();
        *errorText = QStringLiteral("cannot connect to %1: timed out").arg(address.toString());
    } else {
        *errorText = connectErrorText(peer, address.toString());
    }
    return false;
}

bool connectionSurvived(const RpcPeer &peer)
{
    return peer.state() == RpcPeer::ConnectedState;
}

void describeRemote(const RpcPeer *peer, QString *line, QJsonObject *json)
{
    const RpcAddress address = peer->peerAddress();
    if (address.transport() == RpcAddress::Tcp
        || address.transport() == RpcAddress::Tls) { // Unix sockets: the pid tells more
        *line += QStringLiteral(" from ") + address.toString();
        json->insert(QStringLiteral("peer"), address.toString());
    }
    const RpcPeerCredentials credentials = peer->peerCredentials();
    if (credentials.isValid()) {
        *line += QStringLiteral(" (pid %1, uid %2)")
                         .arg(credentials.processId())
                         .arg(credentials.userId());
        json->insert(QStringLiteral("pid"), credentials.processId());
        json->insert(QStringLiteral("uid"), credentials.userId());
    }
}

void addReconnectOptions(QCommandLineParser &parser, const QString &reconnectDescription)
{
    parser.addOption(QCommandLineOption(QStringLiteral("reconnect"), reconnectDescription));
    parser.addOption(QCommandLineOption(
            QStringLiteral("backoff"),
            QStringLiteral("With --reconnect: wait SECONDS before the first new attempt; the "
                           "delay doubles after each failed one (each shortened at random by up "
                           "to a quarter). Default: 0.5."),
            QStringLiteral("SECONDS"), QStringLiteral("0.5")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("max-backoff"),
            QStringLiteral("With --reconnect: the longest delay between attempts. Default: 30."),
            QStringLiteral("SECONDS"), QStringLiteral("30")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("max-attempts"),
            QStringLiteral("With --reconnect: give up after N new attempts in a row failed "
                           "(exit code 2); 0: no limit. Default: 0."),
            QStringLiteral("N"), QStringLiteral("0")));
}

std::optional<ReconnectOptions> reconnectFromOptions(CommandLine &commandLine, int *exitCode)
{
    QCommandLineParser &parser = commandLine.parser();
    ReconnectOptions options;
    options.enabled = parser.isSet(QStringLiteral("reconnect"));
    for (const char *name : {"backoff", "max-backoff"}) {
        const QString option = QLatin1String(name);
        const QString text = parser.value(option);
        bool ok = false;
        const double seconds = text.toDouble(&ok);
        if (!ok || !std::isfinite(seconds) || seconds < 0 || seconds > maxTimeoutSeconds) {
            *exitCode = commandLine.usageError(
                    QStringLiteral("invalid --%1 \"%2\": expected a number of seconds from 0 to "
                                   "%3")
                            .arg(option, text)
                            .arg(maxTimeoutSeconds));
            return std::nullopt;
        }
        (option == QLatin1String("backoff") ? options.initialDelay : options.maxDelay)
                = int(std::ceil(seconds * 1000));
    }
    bool ok = false;
    options.maxAttempts = parser.value(QStringLiteral("max-attempts")).toInt(&ok);
    if (!ok || options.maxAttempts < 0) {
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --max-attempts \"%1\": expected a count")
                        .arg(parser.value(QStringLiteral("max-attempts"))));
        return std::nullopt;
    }
    if (!options.enabled) {
        for (const char *name : {"backoff", "max-backoff", "max-attempts"}) {
            if (parser.isSet(QLatin1String(name))) {
                *exitCode = commandLine.usageError(
                        QStringLiteral("--%1 needs --reconnect").arg(QLatin1String(name)));
                return std::nullopt;
            }
        }
    }
    return options;
}

void applyReconnect(RpcPeer &peer, const ReconnectOptions &options)
{
    peer.setReconnectInitialDelay(options.initialDelay);
    peer.setReconnectMaxDelay(options.maxDelay);
    peer.setMaxReconnectAttempts(options.maxAttempts);
    peer.setAutoReconnect(options.enabled);
}

void reportReconnectAttempts(const CommandLine &commandLine, RpcPeer &peer)
{
    QObject::connect(&peer, &RpcPeer::errorOccurred, &peer, [&commandLine, &peer] {
        if (peer.state() != RpcPeer::WaitingToReconnectState)
            return;
        commandLine.warning(QStringLiteral("%1; trying again in %2 s (attempt %3)")
                                    .arg(peer.errorString())
                                    .arg(peer.reconnectDelay() / 1000.0, 0, 'f', 1)
                                    .arg(peer.reconnectAttempt()));
    });
}

bool connectPeerReconnecting(const CommandLine &commandLine, RpcPeer &peer,
                             const RpcAddress &address, const ReconnectOptions &options, int msecs,
                             QString *errorText)
{
    if (!options.enabled)
        return connectPeer(peer, address, msecs, errorText);
    applySecurityOptions(peer);
    applyReconnect(peer, options);
    reportReconnectAttempts(commandLine, peer);
    peer.connectToServer(address);
    QEventLoop loop;
    const auto done = [&peer] {
        return peer.state() == RpcPeer::ConnectedState || peer.state() == RpcPeer::UnconnectedState;
    };
    QObject::connect(&peer, &RpcPeer::stateChanged, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    if (msecs >= 0)
        timer.start(msecs);
    if (!done())
        loop.exec();
    QObject::disconnect(&peer, nullptr, &loop, nullptr);
    if (peer.state() == RpcPeer::ConnectedState)
        return true;
    if (peer.state() == RpcPeer::UnconnectedState) {
        *errorText = connectErrorText(peer, address.toString());
    } else {
        *errorText
                = peer.state() == RpcPeer::WaitingToReconnectState && !peer.errorString().isEmpty()
                ? QStringLiteral("%1 (timed out trying again)").arg(peer.errorString())
                : QStringLiteral("cannot connect to %1: timed out").arg(address.toString());
    }
    peer.abort();
    return false;
}

} // namespace Tool

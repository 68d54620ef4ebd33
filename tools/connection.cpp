// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "connection.h"
#include "tlsoptions.h"

#include <FizyrRpcQt/RpcPeerCredentials>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <sys/un.h>

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

} // namespace Tool

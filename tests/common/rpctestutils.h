// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// A connected client/server peer pair for one transport row (tcp, local,
// seqpacket), for data-driven protocol tests (QFETCH_GLOBAL(QString, scheme)).

#ifndef RPCTESTUTILS_H
#define RPCTESTUTILS_H

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QPointer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

namespace RpcTestUtils {

constexpr int Timeout = 20000;

struct PeerPair
{
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<Fizyr::RpcServer> server;
    std::unique_ptr<Fizyr::RpcPeer> client;
    QPointer<Fizyr::RpcPeer> serverPeer; // child of server; deleted with it

    // Starts a server for scheme on a fresh address. Returns false on failure.
    bool listen(const QString &scheme)
    {
        dir.reset(new QTemporaryDir);
        if (!dir->isValid())
            return false;
        server.reset(new Fizyr::RpcServer);
        return server->listen(RpcTestSupport::addressFor(scheme, *dir, QStringLiteral("s")));
    }

    // Connects a client and takes the server-side peer.
    bool connectClient()
    {
        client.reset(new Fizyr::RpcPeer);
        QSignalSpy connectedSpy(client.get(), &Fizyr::RpcPeer::connected);
        client->connectToServer(server->serverAddress().toString());
        if (!connectedSpy.wait(Timeout) && connectedSpy.isEmpty())
            return false;
        QDeadlineTimer deadline(Timeout);
        while (!server->hasPendingConnections() && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        serverPeer = server->nextPendingConnection();
        return serverPeer && client->state() == Fizyr::RpcPeer::ConnectedState;
    }

    bool start(const QString &scheme) { return listen(scheme) && connectClient(); }

    void reset()
    {
        client.reset();
        server.reset();
        dir.reset();
    }
};

inline void addTransportRows()
{
    RpcTestSupport::addTransportRows();
}

} // namespace RpcTestUtils

#endif // RPCTESTUTILS_H

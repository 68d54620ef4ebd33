// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Connects to the address in argv[1], sends a request whose body is its own
// pid and waits for the response. Used to check peer credentials across
// processes.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>

#include <QtCore/QCoreApplication>

#include <unistd.h>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2)
        return 2;
    Fizyr::RpcPeer peer;
    peer.connectToServer(QString::fromLocal8Bit(argv[1]));
    if (!peer.waitForConnected(20000))
        return 3;
    Fizyr::RpcRequest *request = peer.sendRequest(1, QByteArray::number(qint64(::getpid())));
    if (!request->waitForFinished(20000) || request->error() != Fizyr::RpcError::NoError)
        return 4;
    return 0;
}

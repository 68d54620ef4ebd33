// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The process the abrupt-death test kills. It listens on argv[1], prints
// "ready ADDRESS", and for each connection sends one request of its own and
// holds every request it receives open, printing "got N" for each.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    Fizyr::RpcServer server;
    if (argc < 2 || !server.listen(QString::fromLocal8Bit(argv[1])))
        return 1;
    int received = 0;
    QObject::connect(&server, &Fizyr::RpcServer::newConnection, &server, [&] {
        Fizyr::RpcPeer *peer = server.nextPendingConnection();
        QObject::connect(peer, &Fizyr::RpcPeer::requestReceived, peer, [&](Fizyr::RpcRequest *) {
            out << "got " << ++received << Qt::endl; // held open, never answered
        });
        peer->sendRequest(7, "from the doomed side");
    });
    out << "ready " << server.serverAddress().toString() << Qt::endl;
    return app.exec();
}

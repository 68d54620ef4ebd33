// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The conversation of the server and client examples, shared by the TCP,
// Unix stream and Unix seqpacket variants, which differ only in their default
// address. Copy this file along with an example folder.
//
// The client sends a request for service 1 with the body "Hello World!". The
// server answers service 1 with "Goodbye!" and any other service with an
// error response.

#ifndef HELLOSERVICE_H
#define HELLOSERVICE_H

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

namespace HelloService {

inline QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

inline QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

// Listens on the address given as the first argument (or defaultAddress) and
// serves until killed.
inline int runServer(int argc, char **argv, const char *defaultAddress)
{
    QCoreApplication app(argc, argv);
    const QString address
            = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString::fromLatin1(defaultAddress);

    Fizyr::RpcServer server;
    if (!server.listen(address)) {
        err() << "cannot listen on " << address << ": " << server.errorString() << Qt::endl;
        return 1;
    }
    out() << "listening on " << server.serverAddress().toString() << Qt::endl;

    QObject::connect(&server, &Fizyr::RpcServer::newConnection, &server, [&server] {
        while (Fizyr::RpcPeer *peer = server.nextPendingConnection()) {
            out() << "new connection" << Qt::endl;
            // Requests are deleted once answered; the peer once disconnected.
            peer->setAutoDeleteRequests(true);
            QObject::connect(peer, &Fizyr::RpcPeer::disconnected, peer, &QObject::deleteLater);
            QObject::connect(
                    peer, &Fizyr::RpcPeer::requestReceived, peer, [](Fizyr::RpcRequest *request) {
                        out() << "received request for service " << request->serviceId() << ": "
                              << request->body() << Qt::endl;
                        if (request->serviceId() == 1)
                            request->sendResponse(1, "Goodbye!");
                        else
                            request->sendErrorResponse(
                                    QStringLiteral("unknown service %1").arg(request->serviceId()));
                    });
        }
    });
    return app.exec();
}

// Connects to the address given as the first argument (or defaultAddress),
// sends "Hello World!" to service 1 and prints the response.
inline int runClient(int argc, char **argv, const char *defaultAddress)
{
    QCoreApplication app(argc, argv);
    const QString address
            = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString::fromLatin1(defaultAddress);
    constexpr int TimeoutMsecs = 10000;

    Fizyr::RpcPeer peer;
    QObject::connect(&peer, &Fizyr::RpcPeer::errorOccurred, &app, [&peer, &address] {
        if (peer.state() == Fizyr::RpcPeer::UnconnectedState) {
            err() << "cannot connect to " << address << ": " << peer.errorString() << Qt::endl;
            QCoreApplication::exit(1);
        }
    });
    QObject::connect(&peer, &Fizyr::RpcPeer::connected, &app, [&peer] {
        out() << "connected, sending request for service 1: Hello World!" << Qt::endl;
        Fizyr::RpcRequest *request = peer.sendRequest(1, "Hello World!");
        request->setTimeout(TimeoutMsecs);
        QObject::connect(request, &Fizyr::RpcRequest::finished, request, [request] {
            if (request->error() != Fizyr::RpcError::NoError) {
                err() << "request failed: " << request->errorString() << Qt::endl;
                QCoreApplication::exit(1);
            } else {
                out() << "received response with service id " << request->response().serviceId()
                      << ": " << request->response().body() << Qt::endl;
                QCoreApplication::exit(0);
            }
            request->deleteLater();
        });
    });
    // Never hang: give up if the whole exchange takes longer than that.
    QTimer::singleShot(TimeoutMsecs, &app, [&address] {
        err() << "timed out: no response from " << address << " within " << TimeoutMsecs / 1000
              << " seconds" << Qt::endl;
        QCoreApplication::exit(1);
    });
    peer.connectToServer(address);
    return app.exec();
}

} // namespace HelloService

#endif // HELLOSERVICE_H

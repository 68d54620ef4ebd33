// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// greeter-client [ADDRESS]: connects to a greeter server at ADDRESS (default
// tcp://127.0.0.1:12346) with the GreeterClient that fizyr-rpc-gen generated
// from ../greeter/greeter.rpc, greets Ada three times, prints each progress update and
// the greetings, sends a log line and exits (0 on success, 1 on an error).

#include "greeter.h"

#include <FizyrRpcQt/RpcPeer>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString address = args.size() > 1 ? args.at(1) : QStringLiteral("tcp://127.0.0.1:12346");

    Fizyr::RpcPeer peer;
    GreeterClient client(&peer);

    QObject::connect(&peer, &Fizyr::RpcPeer::errorOccurred, &app, [&peer] {
        if (peer.state() == Fizyr::RpcPeer::ConnectedState)
            return; // the connection survived it
        err() << "greeter-client: " << peer.errorString() << Qt::endl;
        QCoreApplication::exit(1);
    });
    QObject::connect(&peer, &Fizyr::RpcPeer::disconnected, &app, [] { QCoreApplication::exit(0); });
    QObject::connect(&peer, &Fizyr::RpcPeer::connected, &app, [&client, &peer] {
        GreetRequest request;
        request.name = QStringLiteral("Ada");
        request.times = 3;
        GreeterGreetCall *call = client.greet(request);
        QObject::connect(
                call, &GreeterGreetCall::progressReceived, call, [](const Progress &progress) {
                    out() << "progress " << progress.done << "/" << progress.total << Qt::endl;
                });
        QObject::connect(call, &GreeterGreetCall::finished, call, [call, &client, &peer] {
            call->deleteLater();
            if (call->error() != Fizyr::RpcError::NoError) {
                err() << "greeter-client: greet failed: " << call->errorString() << Qt::endl;
                QCoreApplication::exit(1);
                return;
            }
            for (const QString &greeting : call->response().greetings)
                out() << greeting << Qt::endl;
            client.sendLog(LogLine{Level::Info, QStringLiteral("greeted Ada")});
            out() << "sent log line" << Qt::endl;
            peer.disconnectFromServer(); // writes what is queued, then disconnected() ends the program
        });
    });
    peer.connectToServer(address);
    return app.exec();
}

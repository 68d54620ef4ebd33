// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// A server and a client in one process, talking over a real socket:
//   1. stream messages both ways;
//   2. a request for service 1 ("count"), answered with three responder
//      updates; the client sends a requester update after the first one; the
//      server responds once it has that update;
//   3. a request for an unknown service, answered with an error response.
//
// Usage: demo [ADDRESS]   (default: tcp://127.0.0.1:0, a free port)

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

using namespace Fizyr;

static QTextStream out(stdout);

static void say(const char *who, const QString &what)
{
    out << QStringLiteral("%1 %2").arg(QLatin1String(who), -7).arg(what) << Qt::endl;
}

static QString describe(const RpcMessage &message)
{
    // Stream messages stand alone: their request id means nothing.
    if (message.type() == RpcMessage::Stream)
        return QStringLiteral("[service id %1] \"%2\"")
                .arg(message.serviceId())
                .arg(QString::fromUtf8(message.body()));
    return QStringLiteral("[request id %1, service id %2] \"%3\"")
            .arg(message.requestId())
            .arg(message.serviceId())
            .arg(QString::fromUtf8(message.body()));
}

// The server: service 1 counts to three with responder updates and answers
// once the requester said it may; other services get an error response.
static void serve(RpcPeer *peer)
{
    peer->setAutoDeleteRequests(true);
    QObject::connect(peer, &RpcPeer::streamReceived, peer, [peer](const RpcMessage &message) {
        say("server", QStringLiteral("got stream message ") + describe(message));
        say("server",
            QStringLiteral("sends stream message, service id 11: \"hello from the server\""));
        peer->sendStream(11, "hello from the server");
    });
    QObject::connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
        say("server", QStringLiteral("got request ") + describe(request->requestMessage()));
        if (request->serviceId() != 1) {
            const QString text = QStringLiteral("unknown service %1").arg(request->serviceId());
            say("server", QStringLiteral("sends error response: \"%1\"").arg(text));
            request->sendErrorResponse(text);
            return;
        }
        QObject::connect(
                request, &RpcRequest::updateReceived, request, [request](const RpcMessage &update) {
                    say("server", QStringLiteral("got requester update ") + describe(update));
                    say("server", QStringLiteral("sends response, service id 0: \"counted to 3\""));
                    request->sendResponse(0, "counted to 3");
                });
        for (int i = 1; i <= 3; ++i) {
            say("server", QStringLiteral("sends responder update, service id 2: \"%1\"").arg(i));
            request->sendUpdate(2, QByteArray::number(i));
        }
    });
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString address
            = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("tcp://127.0.0.1:0");

    RpcServer server;
    if (!server.listen(address)) {
        QTextStream(stderr) << "cannot listen on " << address << ": " << server.errorString()
                            << Qt::endl;
        return 1;
    }
    say("server", QStringLiteral("listening on ") + server.serverAddress().toString());
    QObject::connect(&server, &RpcServer::newConnection, &server, [&server] {
        RpcPeer *peer = server.nextPendingConnection();
        say("server", QStringLiteral("accepted a connection"));
        serve(peer);
    });

    RpcPeer client;
    client.setAutoDeleteRequests(true);
    int exitCode = 1;
    auto finish = [&](int code) {
        exitCode = code;
        say("client", QStringLiteral("disconnects"));
        client.disconnectFromServer();
        QCoreApplication::quit();
    };

    auto unknownService = [&] {
        say("client", QStringLiteral("sends request, service id 99: \"anyone?\""));
        RpcRequest *request = client.sendRequest(99, "anyone?");
        QObject::connect(request, &RpcRequest::finished, &app, [&, request] {
            if (request->error() != RpcError::RemoteError) {
                say("client",
                    QStringLiteral("expected an error response, got: ") + request->errorString());
                finish(1);
                return;
            }
            say("client", QStringLiteral("got error response: \"%1\"").arg(request->errorString()));
            finish(0);
        });
    };

    auto count = [&] {
        say("client", QStringLiteral("sends request, service id 1: \"count to 3\""));
        RpcRequest *request = client.sendRequest(1, "count to 3");
        QObject::connect(
                request, &RpcRequest::updateReceived, &app, [request](const RpcMessage &update) {
                    say("client", QStringLiteral("got responder update ") + describe(update));
                    if (update.body() == "1") {
                        say("client",
                            QStringLiteral("sends requester update, service id 3: \"go on\""));
                        request->sendUpdate(3, "go on");
                    }
                });
        QObject::connect(request, &RpcRequest::finished, &app, [&, request] {
            if (request->error() != RpcError::NoError) {
                say("client", QStringLiteral("request failed: ") + request->errorString());
                finish(1);
                return;
            }
            say("client", QStringLiteral("got response ") + describe(request->response()));
            unknownService();
        });
    };

    QObject::connect(&client, &RpcPeer::streamReceived, &app, [&](const RpcMessage &message) {
        say("client", QStringLiteral("got stream message ") + describe(message));
        count();
    });
    QObject::connect(&client, &RpcPeer::connected, &app, [&] {
        say("client", QStringLiteral("connected"));
        say("client",
            QStringLiteral("sends stream message, service id 10: \"hello from the client\""));
        client.sendStream(10, "hello from the client");
    });
    QObject::connect(&client, &RpcPeer::errorOccurred, &app, [&] {
        say("client", QStringLiteral("error: ") + client.errorString());
        if (client.state() == RpcPeer::UnconnectedState)
            finish(1);
    });
    QTimer::singleShot(30000, &app, [&] {
        say("client", QStringLiteral("timed out"));
        finish(1);
    });

    client.connectToServer(server.serverAddress().toString());
    app.exec();
    say("demo", exitCode == 0 ? QStringLiteral("done") : QStringLiteral("failed"));
    return exitCode;
}

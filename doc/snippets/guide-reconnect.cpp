// Staying connected: a client with autoReconnect outlives a restart of its
// server (here in the same process: deleted, then listening again).
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QDebug>
#include <QtCore/QTimer>

#include <memory>

using namespace Fizyr;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QString address
            = QStringLiteral("unix:@guide-reconnect-%1").arg(QCoreApplication::applicationPid());

    // The service: answers service 1 with which server it is.
    std::unique_ptr<RpcServer> server;
    int generation = 0;
    const auto startServer = [&] {
        server = std::make_unique<RpcServer>();
        QObject::connect(server.get(), &RpcServer::newConnection, [&] {
            while (RpcPeer *peer = server->nextPendingConnection()) {
                peer->setParent(server.get()); // goes with the server
                QObject::connect(peer, &RpcPeer::requestReceived, [&](RpcRequest *request) {
                    request->sendResponse(0, "hello from server " + QByteArray::number(generation));
                    request->deleteLater();
                });
            }
        });
        ++generation;
        server->listen(address);
    };
    startServer();

    // The client: connects again by itself, 100 ms after a loss, then
    // 200, 400 ... up to 30 s (jitter shortens each by up to a quarter).
    RpcPeer client;
    client.setAutoReconnect(true);
    client.setReconnectInitialDelay(100);
    QObject::connect(&client, &RpcPeer::stateChanged, [&](RpcPeer::State state) {
        if (state == RpcPeer::WaitingToReconnectState)
            qInfo() << "connection down: attempt" << client.reconnectAttempt() << "in"
                    << client.reconnectDelay() << "ms";
    });
    // Long-running requests (subscriptions) end with ConnectionLost when the
    // connection goes: send them again on every connection.
    QObject::connect(&client, &RpcPeer::connected, [&] {
        RpcRequest *request = client.sendRequest(1);
        QObject::connect(request, &RpcRequest::finished, [&, request] {
            request->deleteLater();
            qInfo() << "response:" << request->response().body();
            if (generation == 1) {
                server.reset(); // the server goes away...
                QTimer::singleShot(300, startServer); // ...and comes back
            } else {
                client.disconnectFromServer(); // also stops reconnecting
                QCoreApplication::quit();
            }
        });
    });
    QObject::connect(&client, &RpcPeer::reconnected, [] { qInfo() << "reconnected"; });
    client.connectToServer(address);
    return app.exec();
}

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>
#include <QtCore/QCoreApplication>
#include <QtCore/QDebug>

using namespace Fizyr;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);

    // A server: service 1 answers "Goodbye!", anything else gets an error response.
    RpcServer server;
    server.listen(QStringLiteral("tcp://127.0.0.1:0"));
    QObject::connect(&server, &RpcServer::newConnection, [&server] {
        RpcPeer *peer = server.nextPendingConnection();
        peer->setAutoDeleteRequests(true);
        QObject::connect(peer, &RpcPeer::requestReceived, [](RpcRequest *request) {
            request->sendUpdate(2, "working on it");
            if (request->serviceId() == 1)
                request->sendResponse(1, "Goodbye!");
            else
                request->sendErrorResponse(QStringLiteral("unknown service"));
        });
    });

    // A client: connect, send a request, print its update and its response.
    RpcPeer client;
    QObject::connect(&client, &RpcPeer::connected, [&client] {
        RpcRequest *request = client.sendRequest(1, "Hello World!");
        QObject::connect(request, &RpcRequest::updateReceived,
                         [](const RpcMessage &update) { qInfo() << "update:" << update.body(); });
        QObject::connect(request, &RpcRequest::finished, [request] {
            qInfo() << "response:" << request->response().body() << request->errorString();
            request->deleteLater();
            QCoreApplication::quit();
        });
    });
    client.connectToServer(server.serverAddress().toString());
    return app.exec();
}

// Uses the installed package: a request over TCP loopback to a server in the
// same process. Exits 0 on the expected answer.
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Fizyr::RpcServer server;
    if (!server.listen(QStringLiteral("tcp://127.0.0.1:0")))
        return 1;
    QObject::connect(&server, &Fizyr::RpcServer::newConnection, &server, [&server] {
        Fizyr::RpcPeer *peer = server.nextPendingConnection();
        QObject::connect(peer, &Fizyr::RpcPeer::requestReceived, peer,
                         [](Fizyr::RpcRequest *request) {
                             request->sendResponse(1, "Goodbye!");
                             request->deleteLater();
                         });
    });

    Fizyr::RpcPeer client;
    client.connectToServer(server.serverAddress().toString());
    if (!client.waitForConnected(10000))
        return 2;
    Fizyr::RpcRequest *request = client.sendRequest(1, "Hello World!");
    if (!request->waitForFinished(10000) || request->response().body() != "Goodbye!")
        return 3;
    QTextStream(stdout) << "consumer: " << request->response().body() << Qt::endl;
    return 0;
}

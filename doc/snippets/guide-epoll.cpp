#include <FizyrRpcQt/RpcEpollEventDispatcher>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>
#include <QtCore/QCoreApplication>
#include <QtCore/QDebug>
#include <QtCore/QThread>

using namespace Fizyr;

int main(int argc, char **argv)
{
    // The main thread's dispatcher: installed before the application object.
    QCoreApplication::setEventDispatcher(new RpcEpollEventDispatcher);
    QCoreApplication app(argc, argv);

    // A server in a thread of its own, with its own dispatcher (set before start()).
    QThread thread;
    thread.setEventDispatcher(new RpcEpollEventDispatcher);
    auto *server = new RpcServer;
    server->listen(QStringLiteral("tcp://127.0.0.1:0"));
    const QString address = server->serverAddress().toString();
    server->moveToThread(&thread);
    QObject::connect(&thread, &QThread::finished, server, &QObject::deleteLater);
    QObject::connect(server, &RpcServer::newConnection, server, [server] {
        RpcPeer *peer = server->nextPendingConnection();
        peer->setParent(server);
        peer->setAutoDeleteRequests(true);
        QObject::connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
            request->sendResponse(1,
                                  "served by " + QThread::currentThread()->objectName().toUtf8());
        });
    });
    thread.setObjectName(QStringLiteral("server thread"));
    thread.start();

    RpcPeer client;
    QObject::connect(&client, &RpcPeer::connected, [&client] {
        RpcRequest *request = client.sendRequest(1, "hello");
        QObject::connect(request, &RpcRequest::finished, [request] {
            qInfo() << "response:" << request->response().body();
            QCoreApplication::quit();
        });
    });
    client.connectToServer(address);
    const int status = app.exec();
    thread.quit();
    thread.wait();
    return status;
}

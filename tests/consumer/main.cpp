// Uses the installed package: a request over TCP loopback to a server in the
// same process. Exits 0 on the expected answer.
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>
#include <FizyrRpcQt/rpcversion.h>
#ifdef CONSUMER_EPOLL
#    include <FizyrRpcQt/RpcEpollEventDispatcher>
#endif

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

static_assert(FIZYRRPCQT_VERSION
                      == FIZYRRPCQT_VERSION_CHECK(FIZYRRPCQT_VERSION_MAJOR,
                                                  FIZYRRPCQT_VERSION_MINOR,
                                                  FIZYRRPCQT_VERSION_PATCH),
              "FIZYRRPCQT_VERSION and FIZYRRPCQT_VERSION_CHECK disagree");
static_assert(FIZYRRPCQT_VERSION >= FIZYRRPCQT_VERSION_CHECK(0, 1, 0), "too old");
static_assert(FIZYRRPCQT_VERSION_CHECK(1, 2, 3) > FIZYRRPCQT_VERSION_CHECK(1, 1, 255),
              "FIZYRRPCQT_VERSION_CHECK does not order versions");

int main(int argc, char **argv)
{
#ifdef CONSUMER_EPOLL
    // Installed before the application object: Qt takes ownership.
    QCoreApplication::setEventDispatcher(new Fizyr::RpcEpollEventDispatcher);
#endif
    QCoreApplication app(argc, argv);
#ifdef CONSUMER_EPOLL
    if (!qobject_cast<Fizyr::RpcEpollEventDispatcher *>(QCoreApplication::eventDispatcher()))
        return 4;
#endif
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
#ifdef CONSUMER_EPOLL
    const char *dispatcher = ", epoll event dispatcher";
#else
    const char *dispatcher = "";
#endif
    QTextStream(stdout) << "consumer (FizyrRpcQt " << FIZYRRPCQT_VERSION_STR << dispatcher
                        << "): " << request->response().body() << Qt::endl;
    return 0;
}

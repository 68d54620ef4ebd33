#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcReplayServer>
#include <FizyrRpcQt/RpcRequest>

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

class TestGreeterClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sayHello()
    {
        // The service, as recorded once with
        // fizyr-rpc proxy --record replay-conversation.jsonl ...
        Fizyr::RpcReplayServer service;
        QVERIFY2(service.load(QFINDTESTDATA("replay-conversation.jsonl")),
                 qPrintable(service.errorString()));
        service.setTiming(Fizyr::RpcReplayServer::Immediate);
        QVERIFY(service.listen(QStringLiteral("tcp://127.0.0.1:0")));

        // The code under test; here a plain client.
        Fizyr::RpcPeer client;
        QSignalSpy connected(&client, &Fizyr::RpcPeer::connected);
        client.connectToServer(service.serverAddress());
        QVERIFY(connected.wait());
        Fizyr::RpcRequest *request = client.sendRequest(1, "hello");
        QSignalSpy finished(request, &Fizyr::RpcRequest::finished);
        QVERIFY(finished.wait());
        QCOMPARE(request->response().body(), QByteArray("hello"));

        // The client made every request of the recording.
        QVERIFY(service.allTransactionsUsed());
    }
};

QTEST_GUILESS_MAIN(TestGreeterClient)
#include "replay-test.moc"

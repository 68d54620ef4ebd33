// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Peers living in worker threads: an RpcPeer works in any thread that runs
// an event loop.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Fizyr;
constexpr int Timeout = RpcTestSupport::DefaultTimeout;

class tst_Thread : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data();
    void serverPeerInWorkerThread();
    void clientPeerInWorkerThread();

private:
    QString address() const;
    QTemporaryDir m_dir;
};

void tst_Thread::initTestCase_data()
{
    RpcTestSupport::addTransportRows();
}

QString tst_Thread::address() const
{
    QFETCH_GLOBAL(QString, scheme);
    return RpcTestSupport::addressFor(scheme, m_dir,
                                      QString::fromLatin1(QTest::currentTestFunction()));
}

void tst_Thread::serverPeerInWorkerThread()
{
    RpcServer server;
    QVERIFY(server.listen(address()));
    QThread worker;
    worker.start();

    RpcPeer client;
    client.connectToServer(server.serverAddress().toString());
    QVERIFY(client.waitForConnected(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    RpcPeer *served = server.nextPendingConnection();
    served->setParent(nullptr); // a QObject with a parent cannot change threads
    served->setAutoDeleteRequests(true);
    QAtomicPointer<QThread> handlerThread;
    // The handler runs in the worker thread: the peer's context object is itself.
    connect(served, &RpcPeer::requestReceived, served, [&handlerThread](RpcRequest *request) {
        handlerThread.storeRelaxed(QThread::currentThread());
        request->sendUpdate(1, "working");
        request->sendResponse(0, "done " + request->body());
    });
    served->moveToThread(&worker);

    QList<RpcRequest *> requests;
    for (int i = 0; i < 50; ++i)
        requests.append(client.sendRequest(1, QByteArray::number(i)));
    for (int i = 0; i < requests.size(); ++i) {
        QVERIFY(requests.at(i)->waitForFinished(Timeout));
        QCOMPARE(requests.at(i)->response().body(), "done " + QByteArray::number(i));
    }
    QCOMPARE(handlerThread.loadRelaxed(), &worker);

    // Clean shutdown: the peer is deleted in its own thread.
    QSignalSpy clientDisconnected(&client, &RpcPeer::disconnected);
    QMetaObject::invokeMethod(served, &QObject::deleteLater);
    QTRY_COMPARE_WITH_TIMEOUT(clientDisconnected.size(), 1, Timeout);
    worker.quit();
    QVERIFY(worker.wait(Timeout));
}

void tst_Thread::clientPeerInWorkerThread()
{
    RpcServer server;
    QVERIFY(server.listen(address()));
    connect(&server, &RpcServer::newConnection, this, [&server] {
        RpcPeer *peer = server.nextPendingConnection();
        peer->setAutoDeleteRequests(true);
        connect(peer, &RpcPeer::requestReceived, peer,
                [](RpcRequest *request) { request->sendResponse(0, request->body()); });
    });

    QThread worker;
    worker.start();
    auto *client = new RpcPeer;
    client->moveToThread(&worker);
    QAtomicInt answered = 0;
    connect(client, &RpcPeer::connected, client, [client, &answered] {
        for (int i = 0; i < 20; ++i) {
            RpcRequest *request = client->sendRequest(1, QByteArray::number(i));
            connect(request, &RpcRequest::finished, request, [request, i, &answered] {
                if (request->response().body() == QByteArray::number(i))
                    answered.fetchAndAddRelaxed(1);
                request->deleteLater();
            });
        }
    });
    const QString serverAddress = server.serverAddress().toString();
    QMetaObject::invokeMethod(client,
                              [client, serverAddress] { client->connectToServer(serverAddress); });
    QTRY_COMPARE_WITH_TIMEOUT(answered.loadRelaxed(), 20, Timeout);

    // Deleted in its own thread, before the thread stops.
    QMetaObject::invokeMethod(
            client, [client] { delete client; }, Qt::BlockingQueuedConnection);
    worker.quit();
    QVERIFY(worker.wait(Timeout));
}

QTEST_GUILESS_MAIN(tst_Thread)
#include "tst_thread.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Churn: thousands of connect / request / disconnect cycles against one
// server leave the descriptor count and the number of live peers and
// requests where they started.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Fizyr;
using namespace RpcTestSupport;

constexpr int Timeout = 30000;

class tst_Churn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void cycles();

private:
    QTemporaryDir m_dir;
};

void tst_Churn::cycles()
{
    QFETCH_GLOBAL(QString, scheme);
    const int cycles = qEnvironmentVariableIntValue("FIZYRRPC_CHURN_CYCLES") > 0
            ? qEnvironmentVariableIntValue("FIZYRRPC_CHURN_CYCLES")
            : 2000;

    RpcServer server;
    QVERIFY(server.listen(addressFor(scheme, m_dir, QStringLiteral("churn"))));
    int served = 0;
    connect(&server, &RpcServer::newConnection, this, [&] {
        while (RpcPeer *peer = server.nextPendingConnection()) {
            connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
            connect(peer, &RpcPeer::requestReceived, peer, [&served](RpcRequest *request) {
                request->sendResponse(0, request->body());
                request->deleteLater();
                ++served;
            });
        }
    });

    const int fdsBefore = openFdCount();
    const qint64 rssBefore = statusKiB("VmRSS");
    for (int i = 0; i < cycles; ++i) {
        auto *client = new RpcPeer;
        client->connectToServer(server.serverAddress().toString());
        QVERIFY(client->waitForConnected(Timeout));
        RpcRequest *request = client->sendRequest(1, QByteArray::number(i));
        QVERIFY(request->waitForFinished(Timeout));
        QCOMPARE(request->response().body(), QByteArray::number(i));
        request->deleteLater();
        client->disconnectFromServer();
        QVERIFY(client->waitForDisconnected(Timeout));
        client->deleteLater();
    }
    QCOMPARE(served, cycles);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QTRY_COMPARE_WITH_TIMEOUT(server.findChildren<RpcPeer *>().size(), 0, Timeout);
    QCOMPARE(server.findChildren<RpcRequest *>().size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(), fdsBefore, Timeout);
    const qint64 growth = statusKiB("VmRSS") - rssBefore;
    qInfo("%d cycles over %s: descriptors %d before, %d after; resident memory grew by %lld KiB",
          cycles, qPrintable(scheme), fdsBefore, openFdCount(), growth);
    if (MemoryBoundsApply)
        QVERIFY2(growth < 16 * 1024, "memory keeps growing with each connection");
}

QTEST_GUILESS_MAIN(tst_Churn)
#include "tst_churn.moc"

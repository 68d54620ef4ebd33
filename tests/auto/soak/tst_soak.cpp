// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Soak: many concurrent clients, each running many requests that carry a
// requester update and two responder updates, with random bodies of random
// sizes up to the limit, against a server in its own thread. Every byte is
// checked end to end, nothing may be lost or duplicated, updates within a
// request arrive in order and responses reach the right requests.
//
// FIZYRRPC_SOAK_CLIENTS (default 50) and FIZYRRPC_SOAK_REQUESTS (requests per
// client, default 200) scale it; FIZYRRPC_SOAK_REQUESTS=2000 is the full run.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QRandomGenerator>
#include <QtCore/QSet>
#include <QtCore/QThread>
#include <QtCore/QVarLengthArray>
#include <QtTest/QTest>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int InFlightPerClient = 4;

int envOr(const char *name, int fallback)
{
    const int value = qEnvironmentVariableIntValue(name);
    return value > 0 ? value : fallback;
}

// Body layout: u32 client, u32 sequence, u32 kind, then random bytes.
QByteArray makeBody(QRandomGenerator &random, quint32 client, quint32 sequence, quint32 kind,
                    quint32 maxBody)
{
    const qsizetype size = 12 + random.bounded(int(maxBody - 12 + 1));
    QByteArray body(size, Qt::Uninitialized);
    memcpy(body.data(), &client, 4);
    memcpy(body.data() + 4, &sequence, 4);
    memcpy(body.data() + 8, &kind, 4);
    QVarLengthArray<quint32, 2048> words((size - 12 + 3) / 4);
    random.fillRange(words.data(), words.size());
    memcpy(body.data() + 12, words.constData(), size_t(size - 12));
    return body;
}

// The server: for every request, a responder update echoing the request
// body; on the requester update, a responder update echoing it; then the
// response, echoing the request body again. It counts what it saw.
class SoakServer : public QObject
{
public:
    RpcServer *server = nullptr;
    QAtomicInt requests = 0;
    QAtomicInt duplicates = 0;
    QSet<QByteArray> seen; // (client, sequence) keys; server thread only

    void start(const QString &address, QString *actualAddress)
    {
        server = new RpcServer(this);
        if (!server->listen(address))
            return;
        *actualAddress = server->serverAddress().toString();
        connect(server, &RpcServer::newConnection, this, [this] {
            while (RpcPeer *peer = server->nextPendingConnection()) {
                peer->setAutoDeleteRequests(true);
                connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
                connect(peer, &RpcPeer::requestReceived, this, [this](RpcRequest *request) {
                    requests.fetchAndAddRelaxed(1);
                    const QByteArray key = request->body().left(8);
                    if (seen.contains(key))
                        duplicates.fetchAndAddRelaxed(1);
                    seen.insert(key);
                    request->sendUpdate(10, request->body());
                    connect(request, &RpcRequest::updateReceived, request,
                            [request](const RpcMessage &update) {
                                request->sendUpdate(11, update.body());
                                request->sendResponse(0, request->body());
                            });
                });
            }
        });
    }
};

} // namespace

class tst_Soak : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void soak();

private:
    QTemporaryDir m_dir;
};

void tst_Soak::soak()
{
    QFETCH_GLOBAL(QString, scheme);
    const int clientCount = envOr("FIZYRRPC_SOAK_CLIENTS", 50);
    const int requestsPerClient = envOr("FIZYRRPC_SOAK_REQUESTS", 200);

    QThread serverThread;
    serverThread.start();
    auto *soakServer = new SoakServer;
    soakServer->moveToThread(&serverThread);
    QString address;
    QMetaObject::invokeMethod(
            soakServer,
            [&] { soakServer->start(addressFor(scheme, m_dir, QStringLiteral("soak")), &address); },
            Qt::BlockingQueuedConnection);
    QVERIFY(!address.isEmpty());
    const quint32 maxBody = RpcConfig::defaultsFor(RpcAddress::fromString(address).transport())
                                    .maxBodyWriteSize();
    const int fdsBefore = openFdCount();

    QRandomGenerator random(4242);
    struct Client
    {
        std::unique_ptr<RpcPeer> peer;
        int sent = 0;
        int done = 0;
    };
    std::vector<Client> clients(static_cast<size_t>(clientCount));
    int completed = 0;
    int failures = 0;
    qint64 bytesChecked = 0;
    const int total = clientCount * requestsPerClient;

    std::function<void(quint32)> sendNext = [&](quint32 index) {
        Client &client = clients[index];
        if (client.sent >= requestsPerClient)
            return;
        const quint32 sequence = quint32(client.sent++);
        const QByteArray body = makeBody(random, index, sequence, 0, maxBody);
        const QByteArray updateBody = makeBody(random, index, sequence, 1, maxBody);
        RpcRequest *request = client.peer->sendRequest(1, body);
        auto updates = std::make_shared<int>(0);
        connect(request, &RpcRequest::updateReceived, request,
                [&, request, body, updateBody, updates](const RpcMessage &update) {
                    // In order: the echo of the request, then the echo of our update.
                    const int n = (*updates)++;
                    const QByteArray expected = n == 0 ? body : updateBody;
                    if (update.serviceId() != 10 + n || update.body() != expected) {
                        ++failures;
                        return;
                    }
                    bytesChecked += update.body().size();
                    if (n == 0 && !request->sendUpdate(3, updateBody))
                        ++failures;
                });
        connect(request, &RpcRequest::finished, request, [&, request, body, updates, index] {
            if (request->error() != RpcError::NoError || request->response().body() != body
                || *updates != 2)
                ++failures;
            else
                bytesChecked += body.size();
            ++clients[index].done;
            ++completed;
            request->deleteLater();
            sendNext(index);
        });
    };

    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < clientCount; ++i) {
        clients[size_t(i)].peer.reset(new RpcPeer);
        clients[size_t(i)].peer->connectToServer(address);
    }
    for (int i = 0; i < clientCount; ++i) {
        QVERIFY(clients[size_t(i)].peer->waitForConnected(30000));
        for (int j = 0; j < InFlightPerClient; ++j)
            sendNext(quint32(i));
    }
    // Generous: scaled with the amount of work, checked on progress.
    QTRY_VERIFY_WITH_TIMEOUT(completed == total || failures > 0, 60000 + total * 5);
    QCOMPARE(failures, 0);
    QCOMPARE(completed, total);
    for (const Client &client : clients)
        QCOMPARE(client.done, requestsPerClient);
    QCOMPARE(soakServer->requests.loadRelaxed(), total);
    QCOMPARE(soakServer->duplicates.loadRelaxed(), 0);
    qInfo("%d clients x %d requests over %s: %lld bytes checked, %.0f requests/s, peak memory %lld "
          "KiB",
          clientCount, requestsPerClient, qPrintable(scheme), bytesChecked,
          total * 1000.0 / qMax<qint64>(1, timer.elapsed()), statusKiB("VmHWM"));

    clients.clear();
    // Deleted in its own thread, before the thread stops.
    QMetaObject::invokeMethod(
            soakServer, [soakServer] { delete soakServer; }, Qt::BlockingQueuedConnection);
    serverThread.quit();
    QVERIFY(serverThread.wait(30000));
    QTRY_VERIFY_WITH_TIMEOUT(openFdCount() <= fdsBefore, 30000);
}

QTEST_GUILESS_MAIN(tst_Soak)
#include "tst_soak.moc"

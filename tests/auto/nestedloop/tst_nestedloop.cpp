// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Nested event loops inside handlers: a handler that waits for something
// from the other side (RpcRequest::waitForFinished(), a QEventLoop as a
// modal dialog runs one) must see traffic flow in both directions while it
// waits, on every transport. Client and server run in this one thread, so
// the other side is served from inside the nested loop too.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtCore/QEventLoop>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int Timeout = 20000;

// Runs a local event loop until done() or the timeout; true if done().
bool spinUntil(const std::function<bool()> &done, QObject *context,
               const std::function<void(QEventLoop &)> &wire)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(Timeout);
    Q_UNUSED(context);
    wire(loop);
    while (!done() && timer.isActive())
        loop.exec();
    return done();
}

} // namespace

class tst_NestedLoop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void init();
    void cleanup();

    void waitForFinishedInRequestHandler();
    void eventLoopInRequestHandler();
    void updatesBothWaysDuringNestedLoop();
    void nestedLoopInStreamHandler();
    void nestedLoopInUpdateHandler();
    void nestedLoopInFinishedHandler();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<RpcServer> m_server;
    std::unique_ptr<RpcPeer> m_client;
    QPointer<RpcPeer> m_serverPeer;
};

void tst_NestedLoop::init()
{
    QFETCH_GLOBAL(QString, scheme);
    m_server.reset(new RpcServer);
    QVERIFY2(m_server->listen(addressFor(scheme, m_dir, QStringLiteral("nested"))),
             qPrintable(m_server->errorString()));
    QSignalSpy newConnection(m_server.get(), &RpcServer::newConnection);
    m_client.reset(new RpcPeer);
    m_client->connectToServer(m_server->serverAddress());
    QVERIFY(m_client->waitForConnected(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(newConnection.size() > 0, Timeout);
    m_serverPeer = m_server->nextPendingConnection();
    QVERIFY(m_serverPeer);
}

void tst_NestedLoop::cleanup()
{
    m_client.reset();
    delete m_serverPeer;
    m_server.reset();
}

// The handler of an incoming request asks the other side something and
// blocks in waitForFinished() until the answer is there.
void tst_NestedLoop::waitForFinishedInRequestHandler()
{
    connect(m_client.get(), &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, "inner answer"); });
    bool innerFinished = false;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        RpcRequest *inner = m_serverPeer->sendRequest(2, "question");
        innerFinished = inner->waitForFinished(Timeout);
        request->sendResponse(0, innerFinished ? inner->response().body() : QByteArray("timeout"));
    });
    RpcRequest *outer = m_client->sendRequest(1, "outer");
    QByteArray body;
    connect(outer, &RpcRequest::finished, this, [&] { body = outer->response().body(); });
    QSignalSpy finished(outer, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    QVERIFY(innerFinished);
    QCOMPARE(body, QByteArray("inner answer"));
}

// The same with a plain QEventLoop, as a modal dialog runs one.
void tst_NestedLoop::eventLoopInRequestHandler()
{
    connect(m_client.get(), &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, request->body() + " back"); });
    int innerDone = 0;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        // Two questions in a row, each in its own nested loop.
        QByteArray answers;
        for (int i = 0; i < 2; ++i) {
            RpcRequest *inner = m_serverPeer->sendRequest(2, QByteArray::number(i));
            bool done = false;
            const bool ok = spinUntil([&] { return done; }, this,
                                      [&](QEventLoop &loop) {
                                          connect(inner, &RpcRequest::finished, &loop, [&] {
                                              done = true;
                                              answers += inner->response().body() + ';';
                                              loop.quit();
                                          });
                                      });
            if (ok)
                ++innerDone;
        }
        request->sendResponse(0, answers);
    });
    RpcRequest *outer = m_client->sendRequest(1);
    QByteArray body;
    connect(outer, &RpcRequest::finished, this, [&] { body = outer->response().body(); });
    QSignalSpy finished(outer, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(innerDone, 2);
    QCOMPARE(body, QByteArray("0 back;1 back;"));
}

// While the server's handler waits in a nested loop, updates go both ways
// on the very request it handles.
void tst_NestedLoop::updatesBothWaysDuringNestedLoop()
{
    constexpr int Rounds = 5;
    int serverSaw = 0;
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        QPointer<RpcRequest> guard(request);
        connect(request, &RpcRequest::updateReceived, this,
                [&](const RpcMessage &update) { serverSaw = update.body().toInt(); });
        for (int i = 1; i <= Rounds; ++i) {
            request->sendUpdate(1, QByteArray::number(i));
            if (!spinUntil([&] { return serverSaw == i || !guard; }, this,
                           [&](QEventLoop &loop) {
                               connect(request, &RpcRequest::updateReceived, &loop,
                                       &QEventLoop::quit);
                           }))
                break;
        }
        if (guard)
            request->sendResponse(0, QByteArray::number(serverSaw));
    });
    RpcRequest *outer = m_client->sendRequest(1);
    int clientSaw = 0;
    // The client echoes every responder update as a requester update.
    connect(outer, &RpcRequest::updateReceived, this, [&](const RpcMessage &update) {
        clientSaw = update.body().toInt();
        outer->sendUpdate(2, update.body());
    });
    QByteArray body;
    connect(outer, &RpcRequest::finished, this, [&] { body = outer->response().body(); });
    QSignalSpy finished(outer, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(clientSaw, Rounds);
    QCOMPARE(serverSaw, Rounds);
    QCOMPARE(body, QByteArray::number(Rounds));
}

// A stream message handler asks the other side and waits.
void tst_NestedLoop::nestedLoopInStreamHandler()
{
    connect(m_client.get(), &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, "from client"); });
    QByteArray answer;
    connect(m_serverPeer, &RpcPeer::streamReceived, this, [&](const RpcMessage &) {
        RpcRequest *inner = m_serverPeer->sendRequest(2);
        if (inner->waitForFinished(Timeout))
            answer = inner->response().body();
        m_serverPeer->sendStream(2, answer.isEmpty() ? QByteArray("timeout") : answer);
    });
    QSignalSpy streams(m_client.get(), &RpcPeer::streamReceived);
    QVERIFY(m_client->sendStream(1, "go"));
    QVERIFY(streams.wait(Timeout));
    QCOMPARE(answer, QByteArray("from client"));
    QCOMPARE(streams.at(0).at(0).value<RpcMessage>().body(), QByteArray("from client"));
}

// An update handler of a sent request waits for another request of its own.
void tst_NestedLoop::nestedLoopInUpdateHandler()
{
    connect(m_serverPeer, &RpcPeer::requestReceived, this, [](RpcRequest *request) {
        if (request->serviceId() == 1) {
            request->sendUpdate(1, "progress");
            // Answered once the client asked service 2, see below.
            QObject::connect(request->peer(), &RpcPeer::streamReceived, request,
                             [request](const RpcMessage &) { request->sendResponse(0, "done"); });
        } else {
            request->sendResponse(0, "second");
        }
    });
    RpcRequest *outer = m_client->sendRequest(1);
    QByteArray second;
    connect(outer, &RpcRequest::updateReceived, this, [&](const RpcMessage &) {
        RpcRequest *inner = m_client->sendRequest(2);
        if (inner->waitForFinished(Timeout))
            second = inner->response().body();
        m_client->sendStream(9, "finish the first");
    });
    QSignalSpy finished(outer, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(second, QByteArray("second"));
    QCOMPARE(outer->error(), RpcError::NoError);
}

// A finished handler sends the next request and waits for it.
void tst_NestedLoop::nestedLoopInFinishedHandler()
{
    connect(m_serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, request->body()); });
    RpcRequest *first = m_client->sendRequest(1, "one");
    QByteArray second;
    connect(first, &RpcRequest::finished, this, [&] {
        RpcRequest *next = m_client->sendRequest(1, "two");
        if (next->waitForFinished(Timeout))
            second = next->response().body();
    });
    QSignalSpy finished(first, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(second, QByteArray("two"));
}

QTEST_GUILESS_MAIN(tst_NestedLoop)

#include "tst_nestedloop.moc"

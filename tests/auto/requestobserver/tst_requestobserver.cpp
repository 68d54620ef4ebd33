// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcRequestObserver: what a request tells its observer, and when (right
// before finished(); when it is destroyed), with the observer deleting the
// request, removing itself, or opening a nested event loop in its callback;
// then the generated calls and typed requests, which follow their requests
// this way: deleted with their request, deleted in their own finished(), and
// a call whose request or peer is deleted under it. Over every transport.

#include "greeter.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QEventLoop>
#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <functional>

#include "rpctestsupport.h"

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int Timeout = DefaultTimeout;

// Records what its request told it, in order, with the signals of the request
// ("signal:finished"); onFinished / onDestroyed run inside the callbacks.
class Recorder : public RpcRequestObserver
{
public:
    QStringList events;
    RpcRequestObserver *observerDuringDestroyed = nullptr;
    std::function<void(RpcRequest *)> onFinished;

    void watch(RpcRequest *request)
    {
        request->setObserver(this);
        QObject::connect(request, &RpcRequest::finished, request,
                         [this] { events.append(QStringLiteral("signal:finished")); });
    }

    void requestFinished(RpcRequest *request) override
    {
        events.append(QStringLiteral("finished"));
        QCOMPARE(request->observer(), this);
        QVERIFY(request->isFinished());
        if (onFinished)
            onFinished(request);
    }

    void requestDestroyed(RpcRequest *request) override
    {
        events.append(QStringLiteral("destroyed"));
        observerDuringDestroyed = request->observer();
    }
};

GreetRequest greeting(quint32 times)
{
    GreetRequest request;
    request.name = QStringLiteral("Ada");
    request.times = times;
    return request;
}

} // namespace

class tst_RequestObserver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void init();
    void cleanup() { m_pair.reset(); }

    void toldBeforeFinished();
    void toldOfAnError();
    void removedObserverIsNotTold();
    void requestDeletedInRequestFinished();
    void requestDeletedWhileOpen();
    void peerDeletedUnderRequests();
    void nestedLoopInRequestFinished();

    void typedRequestDeletedWithItsRequest();
    void typedRequestDeletedInItsFinished();
    void typedRequestFinishedWithoutAnswer();
    void callEndsWhenItsRequestIsDeleted_data();
    void callEndsWhenItsRequestIsDeleted();
    void callDeletedInItsFinishedThenPeerDeleted();

private:
    PeerPair m_pair;
    // Requests the server side holds without answering (service 2).
    QList<QPointer<RpcRequest>> m_held;
};

void tst_RequestObserver::init()
{
    QFETCH_GLOBAL(QString, scheme);
    m_held.clear();
    QVERIFY(m_pair.start(scheme));
}

// Service 1 echoes, service 2 is held open, anything else gets an error.
static void untypedServer(RpcPeer *peer, QList<QPointer<RpcRequest>> *held)
{
    QObject::connect(peer, &RpcPeer::requestReceived, peer, [held](RpcRequest *request) {
        if (request->serviceId() == 1)
            request->sendResponse(1, request->body());
        else if (request->serviceId() == 2)
            held->append(request);
        else
            request->sendErrorResponse(QStringLiteral("no"));
    });
}

void tst_RequestObserver::toldBeforeFinished()
{
    untypedServer(m_pair.serverPeer, &m_held);
    Recorder recorder;
    RpcRequest *request = m_pair.client->sendRequest(1, "ping");
    recorder.watch(request);
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(recorder.events,
             QStringList({QStringLiteral("finished"), QStringLiteral("signal:finished")}));
    QCOMPARE(request->response().body(), QByteArray("ping"));
    QCOMPARE(request->observer(), &recorder);
    delete request;
    QCOMPARE(recorder.events.last(), QStringLiteral("destroyed"));
    QCOMPARE(recorder.observerDuringDestroyed, nullptr);
    QCOMPARE(recorder.events.size(), 3);
}

void tst_RequestObserver::toldOfAnError()
{
    untypedServer(m_pair.serverPeer, &m_held);
    Recorder recorder;
    RpcRequest *request = m_pair.client->sendRequest(7, "x");
    recorder.watch(request);
    QSignalSpy errors(request, &RpcRequest::errorOccurred);
    recorder.onFinished = [&](RpcRequest *r) {
        QCOMPARE(errors.size(), 1); // errorOccurred() came first
        QCOMPARE(r->error(), RpcError::RemoteError);
    };
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 2, Timeout);
    QCOMPARE(recorder.events.first(), QStringLiteral("finished"));
    delete request;
}

void tst_RequestObserver::removedObserverIsNotTold()
{
    untypedServer(m_pair.serverPeer, &m_held);
    Recorder recorder;
    RpcRequest *request = m_pair.client->sendRequest(1, "ping");
    recorder.watch(request);
    request->setObserver(nullptr);
    QCOMPARE(request->observer(), nullptr);
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    delete request;
    QCOMPARE(recorder.events, QStringList({QStringLiteral("signal:finished")}));
}

// Deleting the request in requestFinished(): requestDestroyed() follows at
// once, finished() is not emitted, and the peer goes on.
void tst_RequestObserver::requestDeletedInRequestFinished()
{
    untypedServer(m_pair.serverPeer, &m_held);
    Recorder recorder;
    QPointer<RpcRequest> request = m_pair.client->sendRequest(1, "ping");
    recorder.watch(request);
    recorder.onFinished = [](RpcRequest *r) {
        delete r;
    };
    QTRY_VERIFY_WITH_TIMEOUT(request.isNull(), Timeout);
    QCOMPARE(recorder.events,
             QStringList({QStringLiteral("finished"), QStringLiteral("destroyed")}));
    RpcRequest *next = m_pair.client->sendRequest(1, "again");
    QSignalSpy finished(next, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(next->error(), RpcError::NoError);
    delete next;
}

void tst_RequestObserver::requestDeletedWhileOpen()
{
    untypedServer(m_pair.serverPeer, &m_held);
    Recorder recorder;
    RpcRequest *request = m_pair.client->sendRequest(2, "hold");
    recorder.watch(request);
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), 1, Timeout);
    delete request;
    QCOMPARE(recorder.events, QStringList({QStringLiteral("destroyed")}));
    QCOMPARE(recorder.observerDuringDestroyed, nullptr);
}

// The peer deleted with open requests: each observer is told (finished with
// the lost connection, or destroyed), once, and nothing after.
void tst_RequestObserver::peerDeletedUnderRequests()
{
    untypedServer(m_pair.serverPeer, &m_held);
    Recorder first;
    Recorder second;
    first.watch(m_pair.client->sendRequest(2, "a"));
    second.watch(m_pair.client->sendRequest(2, "b"));
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), 2, Timeout);
    m_pair.client.reset();
    for (const Recorder *r : {&first, &second}) {
        QCOMPARE(r->events.last(), QStringLiteral("destroyed"));
        QCOMPARE(r->events.count(QStringLiteral("destroyed")), 1);
        QVERIFY(r->events.count(QStringLiteral("finished")) <= 1);
    }
}

// A nested event loop in requestFinished() of the first of three pipelined
// requests: the others finish inside it, each observer is told once.
void tst_RequestObserver::nestedLoopInRequestFinished()
{
    untypedServer(m_pair.serverPeer, &m_held);
    Recorder recorders[3];
    QList<RpcRequest *> requests;
    for (Recorder &r : recorders) {
        requests.append(m_pair.client->sendRequest(1, "n"));
        r.watch(requests.last());
    }
    bool nestedDone = false;
    recorders[0].onFinished = [&](RpcRequest *) {
        QEventLoop loop;
        QTimer poll;
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (recorders[1].events.size() == 2 && recorders[2].events.size() == 2)
                loop.quit();
        });
        QTimer::singleShot(Timeout, &loop, &QEventLoop::quit);
        poll.start(1);
        loop.exec();
        nestedDone = recorders[1].events.size() == 2 && recorders[2].events.size() == 2;
    };
    QTRY_COMPARE_WITH_TIMEOUT(recorders[0].events.size(), 2, Timeout);
    QVERIFY(nestedDone);
    for (Recorder &r : recorders)
        QCOMPARE(r.events,
                 QStringList({QStringLiteral("finished"), QStringLiteral("signal:finished")}));
    qDeleteAll(requests);
}

// The typed request goes with its RpcRequest (the server's peer deletes its
// requests itself, or the application deletes the request).
void tst_RequestObserver::typedRequestDeletedWithItsRequest()
{
    for (const bool autoDelete : {true, false}) {
        m_pair.serverPeer->setAutoDeleteRequests(autoDelete);
        GreeterServer server(m_pair.serverPeer.data());
        QPointer<GreeterGreetRequest> typed;
        QPointer<RpcRequest> untyped;
        connect(&server, &GreeterServer::greetRequested, this, [&](GreeterGreetRequest *r) {
            typed = r;
            untyped = r->request();
            r->respond(GreetResponse{{QStringLiteral("Hello, Ada!")}});
        });
        GreeterClient client(m_pair.client.get());
        GreeterGreetCall *call = client.greet(greeting(1));
        QSignalSpy finished(call, &GreeterGreetCall::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(call->error(), RpcError::NoError);
        // Deleted in the peer's batch, or by the generated server's
        // deleteLater() on finished(); the typed request with it.
        QTRY_VERIFY_WITH_TIMEOUT(untyped.isNull(), Timeout);
        QVERIFY(typed.isNull());
        delete call;
    }
}

// Deleting the typed request in its own finished(): the RpcRequest goes on
// and is deleted as usual; the call has its response.
void tst_RequestObserver::typedRequestDeletedInItsFinished()
{
    GreeterServer server(m_pair.serverPeer.data());
    int typedFinished = 0;
    QPointer<RpcRequest> untyped;
    connect(&server, &GreeterServer::greetRequested, this, [&](GreeterGreetRequest *r) {
        untyped = r->request();
        connect(r, &GreeterGreetRequest::finished, r, [&, r] {
            ++typedFinished;
            delete r;
        });
        r->respond(GreetResponse{{QStringLiteral("Hello, Ada!")}});
    });
    GreeterClient client(m_pair.client.get());
    GreeterGreetCall *call = client.greet(greeting(1));
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::NoError);
    QCOMPARE(call->response().greetings, QStringList({QStringLiteral("Hello, Ada!")}));
    QCOMPARE(typedFinished, 1);
    QTRY_VERIFY_WITH_TIMEOUT(untyped.isNull(), Timeout);
    delete call;
}

// The client goes away before the server answered: the typed request's
// finished() is emitted (connection lost) and it is deleted with its request.
void tst_RequestObserver::typedRequestFinishedWithoutAnswer()
{
    GreeterServer server(m_pair.serverPeer.data());
    QPointer<GreeterGreetRequest> typed;
    int typedFinished = 0;
    connect(&server, &GreeterServer::greetRequested, this, [&](GreeterGreetRequest *r) {
        typed = r;
        connect(r, &GreeterGreetRequest::finished, this, [&] { ++typedFinished; });
    });
    {
        GreeterClient client(m_pair.client.get());
        client.greet(greeting(1));
        QTRY_VERIFY_WITH_TIMEOUT(typed, Timeout);
    }
    m_pair.client.reset();
    QTRY_COMPARE_WITH_TIMEOUT(typedFinished, 1, Timeout);
    // The generated server deletes the request once it finished, and the
    // typed request with it.
    QTRY_VERIFY_WITH_TIMEOUT(typed.isNull(), Timeout);
    QCOMPARE(typedFinished, 1);
}

void tst_RequestObserver::callEndsWhenItsRequestIsDeleted_data()
{
    QTest::addColumn<bool>("autoDelete");
    QTest::newRow("call child of its client") << false;
    QTest::newRow("call child of its request") << true;
}

// The application deletes the RpcRequest of an open call: the call finishes
// once, with the lost connection, and (on an auto-deleting peer, where it is
// the request's child) is deleted with it; the peer goes on.
void tst_RequestObserver::callEndsWhenItsRequestIsDeleted()
{
    QFETCH(bool, autoDelete);
    m_pair.client->setAutoDeleteRequests(autoDelete);
    GreeterServer server(m_pair.serverPeer.data());
    QList<QPointer<GreeterGreetRequest>> held;
    connect(&server, &GreeterServer::greetRequested, this, [&](GreeterGreetRequest *r) {
        if (r->body().times == 0)
            held.append(r);
        else
            r->respond(GreetResponse{{QStringLiteral("Hello, Ada!")}});
    });
    GreeterClient client(m_pair.client.get());
    QPointer<GreeterGreetCall> call = client.greet(greeting(0));
    int finishedCount = 0;
    RpcError error = RpcError::NoError;
    connect(call, &GreeterGreetCall::finished, this, [&] {
        ++finishedCount;
        error = call->error();
    });
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, Timeout);
    delete call->request();
    QCOMPARE(finishedCount, 1);
    QCOMPARE(error, RpcError::ConnectionLost);
    QCOMPARE(call.isNull(), autoDelete);
    if (call) {
        QVERIFY(call->isFinished());
        QCOMPARE(call->request(), nullptr);
        delete call;
    }
    // The peer still works.
    GreeterGreetCall *next = client.greet(greeting(1));
    QSignalSpy finished(next, &GreeterGreetCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(next->error(), RpcError::NoError);
    QCOMPARE(finishedCount, 1);
    if (!autoDelete)
        delete next;
}

// A call deleted in its own finished() (its request stays for the auto-
// deleting peer's batch), then the peer deleted under the other open calls:
// each of those finishes once, and nothing touches the deleted call.
void tst_RequestObserver::callDeletedInItsFinishedThenPeerDeleted()
{
    m_pair.client->setAutoDeleteRequests(true);
    GreeterServer server(m_pair.serverPeer.data());
    connect(&server, &GreeterServer::greetRequested, this, [](GreeterGreetRequest *r) {
        if (r->body().times > 0)
            r->respond(GreetResponse{{QStringLiteral("Hello, Ada!")}});
        // times 0: held open (deleted with the server peer)
    });
    auto *client = new GreeterClient(m_pair.client.get());
    GreeterGreetCall *answered = client->greet(greeting(1));
    bool deleted = false;
    connect(answered, &GreeterGreetCall::finished, this, [&, answered] {
        deleted = true;
        delete answered;
    });
    int openFinished = 0;
    for (int i = 0; i < 3; ++i) {
        GreeterGreetCall *open = client->greet(greeting(0));
        connect(open, &GreeterGreetCall::finished, this, [&, open] {
            ++openFinished;
            QCOMPARE(open->error(), RpcError::ConnectionLost);
        });
    }
    QTRY_VERIFY_WITH_TIMEOUT(deleted, Timeout);
    m_pair.client.reset();
    QCOMPARE(openFinished, 3);
    delete client;
}

QTEST_MAIN(tst_RequestObserver)
#include "tst_requestobserver.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcPeer::setAutoDeleteRequests(): when the peer deletes a finished
// request. Never in the pass of the event loop in which it finished (code
// that still holds it there stays safe, also across nested event loops
// started by handlers and finished() slots), always eventually (also when
// nothing more arrives, and when the peer goes first), and nothing is
// deleted twice when the application deletes a request itself. Client and
// server run in this one thread, on every transport.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtCore/QAbstractEventDispatcher>
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

// Counts the passes of this thread's event loop, nested ones included, the
// way the library sees them (every awake() and aboutToBlock()).
class PassCounter : public QObject
{
public:
    PassCounter()
    {
        QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
        connect(dispatcher, &QAbstractEventDispatcher::awake, this, [this] { ++pass; });
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, [this] { ++pass; });
    }
    quint64 pass = 0;
};

// The live RpcRequest objects of a test, counted with QObject::destroyed().
class LiveRequests : public QObject
{
public:
    void track(RpcRequest *request)
    {
        ++live;
        connect(request, &QObject::destroyed, this, [this] { --live; });
    }
    int live = 0;
};

} // namespace

class tst_AutoDelete : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void init();
    void cleanup()
    {
        m_pair.reset();
        m_pair.config.reset();
    }

    void neverInTheFinishingPass_data();
    void neverInTheFinishingPass();
    void nestedLoopInFinishedSlot();
    void nestedLoopInRequestHandler();
    void waitsReturnReadableRequests();
    void deletedWhenNothingMoreArrives();
    void applicationDeletesToo();
    void peerDeletedWhileRequestsWait();
    void peerDeletedInFinishedSlot();
    void reparentedRequestOutlivesPeer();

private:
    PeerPair m_pair;
};

void tst_AutoDelete::init()
{
    QFETCH_GLOBAL(QString, scheme);
    QVERIFY(m_pair.start(scheme));
    m_pair.client->setAutoDeleteRequests(true);
    m_pair.serverPeer->setAutoDeleteRequests(true);
}

void tst_AutoDelete::neverInTheFinishingPass_data()
{
    QTest::addColumn<int>("inFlight");
    QTest::addColumn<int>("bodySize");
    QTest::newRow("round trips") << 1 << 1;
    QTest::newRow("pipelined") << 16 << 1;
    // Requests with a large body go with deleteLater() of their batch instead
    // (their memory is then reused for the next message), which Qt may run in
    // the same pass of the dispatcher once control returned to the event loop.
    QTest::newRow("round trips, 64 KiB bodies") << 1 << 64 * 1024;
    QTest::newRow("pipelined, 64 KiB bodies") << 16 << 64 * 1024;
}

// Every request, on both sides, is destroyed in a later pass than the one
// in which it finished (with a large body: after control returned to the
// event loop), with the peer still its parent; none is left.
void tst_AutoDelete::neverInTheFinishingPass()
{
    QFETCH(int, inFlight);
    QFETCH(int, bodySize);
    const QByteArray body(bodySize, 'x');
    const bool large = bodySize >= 64 * 1024;
    if (bodySize > 4096) {
        // Beyond the default limits: a pair that allows such bodies.
        QFETCH_GLOBAL(QString, scheme);
        m_pair.reset();
        RpcConfig config;
        config.setMaxBodyReadSize(1024 * 1024);
        config.setMaxBodyWriteSize(1024 * 1024);
        m_pair.config = config;
        QVERIFY(m_pair.start(scheme));
        m_pair.client->setAutoDeleteRequests(true);
        m_pair.serverPeer->setAutoDeleteRequests(true);
    }
    constexpr int Count = 200;
    PassCounter passes;
    LiveRequests requests;
    QStringList problems;
    const auto watch = [&](RpcRequest *request, RpcPeer *peer) {
        requests.track(request);
        auto finishedIn = std::make_shared<quint64>(0);
        connect(request, &RpcRequest::finished, this,
                [&passes, finishedIn] { *finishedIn = passes.pass; });
        connect(request, &QObject::destroyed, this,
                [&passes, &problems, finishedIn, peer, large](QObject *object) {
                    if (*finishedIn == 0)
                        problems.append(QStringLiteral("destroyed before finished()"));
                    else if (passes.pass == *finishedIn && !large)
                        problems.append(QStringLiteral("destroyed in the pass it finished in"));
                    if (object->parent() != peer)
                        problems.append(QStringLiteral("parent changed"));
                });
    };
    RpcPeer *serverPeer = m_pair.serverPeer;
    connect(serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        watch(request, serverPeer);
        request->sendResponse(0, request->body());
    });
    int sent = 0;
    int done = 0;
    std::function<void()> send = [&] {
        ++sent;
        RpcRequest *request = m_pair.client->sendRequest(1, body);
        watch(request, m_pair.client.get());
        connect(request, &RpcRequest::finished, this, [&, request] {
            QCOMPARE(request->error(), RpcError::NoError);
            QCOMPARE(request->response().body().size(), body.size());
            ++done;
            if (sent < Count)
                send();
        });
    };
    for (int i = 0; i < inFlight; ++i)
        send();
    QTRY_COMPARE_WITH_TIMEOUT(done, Count, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(requests.live, 0, Timeout);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1String(", "))));
}

// A finished() slot that runs a nested event loop (which delivers further
// responses of the same peer): the request of the slot and those that
// finished before it in the same pass stay alive until the slot returned.
void tst_AutoDelete::nestedLoopInFinishedSlot()
{
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, request->body()); });
    QList<QPointer<RpcRequest>> finishedEarlier;
    QStringList problems;
    bool slotDone = false;
    QPointer<RpcRequest> inner;
    constexpr int Count = 8;
    for (int i = 0; i < Count; ++i) {
        RpcRequest *request = m_pair.client->sendRequest(1, QByteArray::number(i));
        connect(request, &RpcRequest::finished, this, [&, request, i] {
            if (i != Count - 1) {
                finishedEarlier.append(request);
                return;
            }
            const QPointer<RpcRequest> self(request);
            // Several more round trips of the same peer inside the slot.
            for (int j = 0; j < 3; ++j) {
                inner = m_pair.client->sendRequest(1, "inner");
                QEventLoop loop;
                connect(inner, &RpcRequest::finished, &loop, &QEventLoop::quit);
                QTimer::singleShot(Timeout, &loop, &QEventLoop::quit);
                loop.exec();
                if (!inner || !inner->isFinished())
                    problems.append(QStringLiteral("inner request %1 not done").arg(j));
            }
            if (!self)
                problems.append(QStringLiteral("the slot's request was deleted in the slot"));
            else if (self->response().body() != QByteArray::number(i))
                problems.append(QStringLiteral("wrong response"));
            slotDone = true;
        });
    }
    QTRY_VERIFY_WITH_TIMEOUT(slotDone, Timeout);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1String(", "))));
    // Everything goes eventually.
    QTRY_VERIFY_WITH_TIMEOUT(inner.isNull(), Timeout);
    for (const QPointer<RpcRequest> &request : std::as_const(finishedEarlier))
        QTRY_VERIFY_WITH_TIMEOUT(request.isNull(), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_pair.client->findChildren<RpcRequest *>().size(), 0, Timeout);
}

// A request handler that answers, then runs a nested event loop in which
// more requests arrive and are answered: the answered request stays alive
// until the handler returned.
void tst_AutoDelete::nestedLoopInRequestHandler()
{
    QStringList problems;
    int handled = 0;
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        const QPointer<RpcRequest> self(request);
        request->sendResponse(0, request->body());
        if (request->body() != "outer")
            return;
        // The client sends more once it has the outer response.
        QEventLoop loop;
        connect(m_pair.serverPeer, &RpcPeer::requestReceived, &loop, [&] {
            if (++handled == 5)
                loop.quit();
        });
        QTimer::singleShot(Timeout, &loop, &QEventLoop::quit);
        loop.exec();
        if (!self)
            problems.append(QStringLiteral("deleted while its handler runs"));
        else if (!self->isFinished() || self->response().body() != "outer")
            problems.append(QStringLiteral("wrong state"));
    });
    // The server's handler runs its loop inside the client's wait, in this
    // one thread: the client sends the others from the outer's finished().
    RpcRequest *outer = m_pair.client->sendRequest(1, "outer");
    connect(outer, &RpcRequest::finished, this, [&] {
        for (int i = 0; i < 5; ++i)
            m_pair.client->sendRequest(1, "more");
    });
    QTRY_COMPARE_WITH_TIMEOUT(handled, 5, Timeout);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1String(", "))));
    QTRY_COMPARE_WITH_TIMEOUT(m_pair.serverPeer->findChildren<RpcRequest *>().size(), 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(m_pair.client->findChildren<RpcRequest *>().size(), 0, Timeout);
}

// waitForFinished() from a slot run by an event loop (loop level 1), twice
// in a row: each request is readable when its wait returned; both go once
// the slot returned. (As with deleteLater(), the first one may go during
// the second wait: the loop in which it finished has returned.)
void tst_AutoDelete::waitsReturnReadableRequests()
{
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, request->body()); });
    QStringList problems;
    QPointer<RpcRequest> first;
    QPointer<RpcRequest> second;
    QEventLoop outerLoop;
    QTimer::singleShot(0, this, [&] {
        first = m_pair.client->sendRequest(1, "first");
        if (!first->waitForFinished(Timeout))
            problems.append(QStringLiteral("first: no response"));
        if (!first || first->response().body() != "first")
            problems.append(QStringLiteral("first deleted"));
        second = m_pair.client->sendRequest(1, "second");
        if (!second->waitForFinished(Timeout))
            problems.append(QStringLiteral("second: no response"));
        if (!second || second->response().body() != "second")
            problems.append(QStringLiteral("second deleted"));
        outerLoop.quit();
    });
    QTimer::singleShot(Timeout, &outerLoop, &QEventLoop::quit);
    outerLoop.exec();
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1String(", "))));
    QTRY_VERIFY_WITH_TIMEOUT(first.isNull() && second.isNull(), Timeout);
}

// The last requests of a session, with no traffic after them, are deleted
// too (the peer's fallback timer), on both sides.
void tst_AutoDelete::deletedWhenNothingMoreArrives()
{
    LiveRequests requests;
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        requests.track(request);
        request->sendResponse(0, request->body());
    });
    for (int i = 0; i < 3; ++i)
        requests.track(m_pair.client->sendRequest(1, "x"));
    QTRY_COMPARE_WITH_TIMEOUT(requests.live, 0, Timeout);
    QCOMPARE(m_pair.client->findChildren<RpcRequest *>().size(), 0);
    QCOMPARE(m_pair.serverPeer->findChildren<RpcRequest *>().size(), 0);
}

// The application deletes auto-deleted requests itself (delete in
// finished(), deleteLater() in finished(), delete later on): each is deleted
// once, and the peer forgets it.
void tst_AutoDelete::applicationDeletesToo()
{
    LiveRequests requests;
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        requests.track(request);
        request->sendResponse(0, request->body());
        if (request->body() == "deleteLater")
            request->deleteLater();
    });
    QList<QPointer<RpcRequest>> keep;
    int finishedCount = 0;
    for (int round = 0; round < 20; ++round) {
        for (const QByteArray &how : {QByteArray("delete"), QByteArray("deleteLater"),
                                      QByteArray("later"), QByteArray("auto")}) {
            RpcRequest *request = m_pair.client->sendRequest(1, how);
            requests.track(request);
            connect(request, &RpcRequest::finished, this, [&, request, how] {
                ++finishedCount;
                if (how == "delete")
                    delete request;
                else if (how == "deleteLater")
                    request->deleteLater();
                else if (how == "later")
                    keep.append(request);
            });
        }
        // Deletes the kept ones of the last round, which may wait for their
        // deletion by the peer.
        for (const QPointer<RpcRequest> &request : std::exchange(keep, {}))
            delete request.data();
        // This round's requests finished before the next round starts.
        QTRY_COMPARE_WITH_TIMEOUT(finishedCount, 4 * (round + 1), Timeout);
    }
    QTRY_COMPARE_WITH_TIMEOUT(requests.live, 0, Timeout);
}

// Requests waiting for their deletion when their peer is deleted go with
// it; nothing is left over or deleted twice.
void tst_AutoDelete::peerDeletedWhileRequestsWait()
{
    LiveRequests requests;
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *request) {
        requests.track(request);
        request->sendResponse(0, request->body());
    });
    int finished = 0;
    for (int i = 0; i < 10; ++i) {
        RpcRequest *request = m_pair.client->sendRequest(1, "x");
        requests.track(request);
        connect(request, &RpcRequest::finished, this, [&] { ++finished; });
    }
    QTRY_COMPARE_WITH_TIMEOUT(finished, 10, Timeout);
    // Right away: some are still waiting for the peer's deletion.
    m_pair.client.reset();
    delete m_pair.serverPeer.data();
    QCOMPARE(requests.live, 0);
}

// The peer deleted from a finished() slot of one of its requests while
// others wait for their deletion.
void tst_AutoDelete::peerDeletedInFinishedSlot()
{
    LiveRequests requests;
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, request->body()); });
    int finished = 0;
    constexpr int Count = 10;
    for (int i = 0; i < Count; ++i) {
        RpcRequest *request = m_pair.client->sendRequest(1, "x");
        requests.track(request);
        connect(request, &RpcRequest::finished, this, [&] {
            if (++finished == Count - 2)
                m_pair.client.release()->deleteLater();
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT(requests.live, 0, Timeout);
    QVERIFY(finished >= Count - 2);
}

// A finished request moved to another parent while it waits for its
// deletion: the peer still deletes it, also when the peer goes first.
void tst_AutoDelete::reparentedRequestOutlivesPeer()
{
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(0, request->body()); });
    QObject holder;
    QPointer<RpcRequest> moved;
    RpcRequest *request = m_pair.client->sendRequest(1, "x");
    connect(request, &RpcRequest::finished, this, [&, request] {
        request->setParent(&holder);
        moved = request;
    });
    QTRY_VERIFY_WITH_TIMEOUT(!moved.isNull(), Timeout);
    m_pair.client.reset();
    // Deleted with the peer, although it is not its child any more (a later
    // deletion would leak if no event loop ran after it).
    QVERIFY(moved.isNull());
    QVERIFY(holder.children().isEmpty());

    // The same while the peer lives: deleted by the peer, not leaked.
    QVERIFY(m_pair.connectClient());
    m_pair.client->setAutoDeleteRequests(true);
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this,
            [](RpcRequest *r) { r->sendResponse(0, r->body()); });
    request = m_pair.client->sendRequest(1, "y");
    connect(request, &RpcRequest::finished, this, [&, request] {
        request->setParent(&holder);
        moved = request;
    });
    QTRY_VERIFY_WITH_TIMEOUT(!moved.isNull(), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(moved.isNull(), Timeout);
}

QTEST_GUILESS_MAIN(tst_AutoDelete)

#include "tst_autodelete.moc"

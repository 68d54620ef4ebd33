// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The generated C++ front end used the way applications use it: every object
// of a typed client and server (the call, the client, the typed request, the
// server, either peer) deleted from inside each of its signals, and nested
// event loops opened in those signals, over every transport and with the
// client peer deleting its requests itself or not. Each row checks that the
// call finishes exactly once with the outcome the documentation gives, that
// nothing is delivered after a deletion, and that what was not deleted is
// still usable afterwards (a second call succeeds).

#include "greeter.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QEventLoop>
#include <QtCore/QPointer>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include "rpctestsupport.h"

using namespace Fizyr;

namespace {

constexpr int Timeout = RpcTestSupport::DefaultTimeout;

GreetRequest greeting(quint32 times)
{
    GreetRequest request;
    request.name = QStringLiteral("Ada");
    request.times = times;
    return request;
}

// Runs a nested event loop until done() holds (or the generous timeout
// passes); returns done().
template<typename Done>
bool nestedLoopUntil(Done done)
{
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(1);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    QTimer::singleShot(Timeout, &loop, &QEventLoop::quit);
    poll.start();
    if (!done())
        loop.exec();
    return done();
}

// A listening server, its accepted peer with a GreeterServer on it, and a
// client peer with a GreeterClient. Everything on the heap, so that a row can
// delete any of it; what is left is deleted by the destructor.
struct Setup
{
    QPointer<RpcServer> server;
    QPointer<RpcPeer> serverPeer;
    QPointer<GreeterServer> greeterServer;
    QPointer<RpcPeer> client;
    QPointer<GreeterClient> greeterClient;

    bool open(const QString &address, bool autoDelete)
    {
        server = new RpcServer;
        if (!server->listen(address))
            return false;
        client = new RpcPeer;
        client->setAutoDeleteRequests(autoDelete);
        client->connectToServer(server->serverAddress());
        if (!QTest::qWaitFor([this] { return server->hasPendingConnections(); }, Timeout))
            return false;
        serverPeer = server->nextPendingConnection();
        greeterServer = new GreeterServer(serverPeer.data());
        greeterClient = new GreeterClient(client.data());
        return client->waitForConnected(Timeout);
    }

    // The standard answer: times progress updates, then the greetings.
    static void answer(GreeterGreetRequest *request)
    {
        const quint32 times = request->body().times;
        QStringList greetings;
        for (quint32 i = 1; i <= times; ++i) {
            request->sendProgress(Progress{i, times});
            greetings.append(QStringLiteral("Hello, Ada!"));
        }
        request->respond(GreetResponse{greetings});
    }

    ~Setup()
    {
        delete greeterClient.data();
        delete client.data();
        delete greeterServer.data();
        delete server.data(); // and its peers
    }
};

} // namespace

class tst_TypedReentrancy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { RpcTestSupport::addTransportRows(); }

    void clientSignals_data();
    void clientSignals();
    void serverSignals_data();
    void serverSignals();
    void streamSignals_data();
    void streamSignals();

private:
    QString address(const QString &name)
    {
        QFETCH_GLOBAL(QString, scheme);
        return RpcTestSupport::addressFor(scheme, m_dir, name);
    }

    QTemporaryDir m_dir;
};

// Client side: a signal of the call object (progressReceived, finished) and
// what its slot does (delete the call, the client, the client peer; open a
// nested event loop; cancel then delete).
void tst_TypedReentrancy::clientSignals_data()
{
    QTest::addColumn<QString>("signalName");
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("autoDelete");
    const QStringList actions = {QStringLiteral("deleteCall"), QStringLiteral("deleteClient"),
                                 QStringLiteral("deleteClientPeer"), QStringLiteral("nestedLoop"),
                                 QStringLiteral("cancelAndDelete")};
    for (const QString &signalName : {QStringLiteral("progress"), QStringLiteral("finished")}) {
        for (const QString &action : actions) {
            if (signalName == QLatin1String("finished")
                && action == QLatin1String("cancelAndDelete"))
                continue; // nothing left to cancel
            for (bool autoDelete : {false, true}) {
                QTest::newRow(qPrintable(
                        signalName + QLatin1Char('/') + action
                        + (autoDelete ? QStringLiteral("/autodelete") : QStringLiteral("/keep"))))
                        << signalName << action << autoDelete;
            }
        }
    }
}

void tst_TypedReentrancy::clientSignals()
{
    QFETCH(QString, signalName);
    QFETCH(QString, action);
    QFETCH(bool, autoDelete);
    QVERIFY(m_dir.isValid());

    Setup s;
    QVERIFY(s.open(address(QStringLiteral("client")), autoDelete));
    int served = 0;
    bool cancelSeen = false;
    connect(s.greeterServer, &GreeterServer::greetRequested, this,
            [&](GreeterGreetRequest *request) {
                ++served;
                if (served == 1 && action == QLatin1String("cancelAndDelete")) {
                    // One update, then wait for the client's cancel.
                    connect(request, &GreeterGreetRequest::cancelRequested, this,
                            [&cancelSeen, request] {
                                cancelSeen = true;
                                request->respondError(QStringLiteral("cancelled"));
                            });
                    request->sendProgress(Progress{1, request->body().times});
                    return;
                }
                Setup::answer(request);
            });

    QPointer<GreeterGreetCall> call = s.greeterClient->greet(greeting(3));
    int progressCount = 0;
    int finishedCount = 0;
    int signalsAfterAction = 0;
    bool acted = false;
    bool nestedDone = false;
    RpcError finishedError = RpcError::NoError;

    // Signals emitted while the slot acts (finished() from cancel() or from
    // the peer's deletion, updates inside the nested loop) are part of the
    // action; none may follow once the slot returned.
    auto act = [&] {
        if (action == QLatin1String("deleteCall")) {
            delete call.data();
        } else if (action == QLatin1String("deleteClient")) {
            delete s.greeterClient.data();
        } else if (action == QLatin1String("deleteClientPeer")) {
            delete s.client.data();
        } else if (action == QLatin1String("nestedLoop")) {
            // Inside the signal: wait for the call to finish in a nested
            // loop (from a progress update) or for another call's answer (from
            // finished()).
            if (signalName == QLatin1String("progress")) {
                nestedDone = nestedLoopUntil([&] { return finishedCount > 0; });
            } else {
                QPointer<GreeterGreetCall> other = s.greeterClient->greet(greeting(1));
                bool otherFinished = false;
                connect(other, &GreeterGreetCall::finished, this,
                        [&otherFinished] { otherFinished = true; });
                nestedDone = nestedLoopUntil([&] { return otherFinished; });
                if (other && other->error() != RpcError::NoError)
                    nestedDone = false;
                if (!autoDelete)
                    delete other.data();
            }
        } else if (action == QLatin1String("cancelAndDelete")) {
            call->cancel();
            delete call.data();
        }
        acted = true;
    };

    connect(call, &GreeterGreetCall::progressReceived, this, [&](const Progress &progress) {
        ++progressCount;
        if (acted)
            ++signalsAfterAction;
        QCOMPARE_LE(progress.done, 3u);
        if (signalName == QLatin1String("progress") && progressCount == 1)
            act();
    });
    connect(call, &GreeterGreetCall::finished, this, [&] {
        ++finishedCount;
        if (acted)
            ++signalsAfterAction;
        if (call)
            finishedError = call->error();
        if (action == QLatin1String("cancelAndDelete"))
            QCOMPARE(finishedError, RpcError::Canceled); // from cancel(), inside the slot
        if (signalName == QLatin1String("finished"))
            act();
    });

    QTRY_VERIFY_WITH_TIMEOUT(acted, Timeout);
    // Whatever was deleted, nothing more is delivered after the slot returns.
    QTRY_VERIFY_WITH_TIMEOUT(served >= 1, Timeout);
    QCOMPARE(signalsAfterAction, 0);
    QCOMPARE_LE(finishedCount, 1);

    if (action == QLatin1String("nestedLoop")) {
        QVERIFY(nestedDone);
        QCOMPARE(finishedCount, 1);
        QCOMPARE(finishedError, RpcError::NoError);
        if (signalName == QLatin1String("progress"))
            QCOMPARE(progressCount, 3); // the rest arrived inside the nested loop
    }
    if (action == QLatin1String("cancelAndDelete"))
        QTRY_VERIFY_WITH_TIMEOUT(cancelSeen, Timeout);
    if (action == QLatin1String("deleteClientPeer")) {
        // The connection closes; the server side sees it.
        QTRY_VERIFY_WITH_TIMEOUT(!s.serverPeer || s.serverPeer->state() != RpcPeer::ConnectedState,
                                 Timeout);
        if (signalName == QLatin1String("progress"))
            QCOMPARE(finishedError, RpcError::ConnectionLost);
        return;
    }
    // The call was the client's child (or finished, and goes with its request,
    // which an auto-deleting peer deletes in a later pass).
    if (action == QLatin1String("deleteClient"))
        QTRY_VERIFY_WITH_TIMEOUT(!call, Timeout);
    if (autoDelete && signalName == QLatin1String("finished"))
        QTRY_VERIFY_WITH_TIMEOUT(!call, Timeout); // deleted with its request

    // The connection is still usable: a second call through a (new) client.
    if (!s.greeterClient)
        s.greeterClient = new GreeterClient(s.client.data());
    GreeterGreetCall *second = s.greeterClient->greet(greeting(2));
    QSignalSpy secondProgress(second, &GreeterGreetCall::progressReceived);
    QSignalSpy secondFinished(second, &GreeterGreetCall::finished);
    QVERIFY(secondFinished.wait(Timeout));
    QCOMPARE(secondFinished.size(), 1);
    QCOMPARE(second->error(), RpcError::NoError);
    QCOMPARE(second->response().greetings.size(), 2);
    QCOMPARE(secondProgress.size(), 2);
    if (!autoDelete)
        delete second;
}

// Server side: greetRequested() and the typed request's cancelRequested(),
// with every object deleted from inside them or a nested event loop opened.
void tst_TypedReentrancy::serverSignals_data()
{
    QTest::addColumn<QString>("signalName");
    QTest::addColumn<QString>("action");
    const QStringList actions
            = {QStringLiteral("deleteRequest"), QStringLiteral("deleteGreeterServer"),
               QStringLiteral("deleteServerPeer"), QStringLiteral("deleteServer"),
               QStringLiteral("nestedLoop")};
    for (const QString &signalName :
         {QStringLiteral("greetRequested"), QStringLiteral("cancelRequested")}) {
        for (const QString &action : actions)
            QTest::newRow(qPrintable(signalName + QLatin1Char('/') + action))
                    << signalName << action;
    }
}

void tst_TypedReentrancy::serverSignals()
{
    QFETCH(QString, signalName);
    QFETCH(QString, action);
    QVERIFY(m_dir.isValid());

    Setup s;
    QVERIFY(s.open(address(QStringLiteral("server")), false));
    const bool onCancel = signalName == QLatin1String("cancelRequested");
    bool acted = false;
    bool nestedDone = false;
    int requestsSeen = 0;
    int signalsAfterAction = 0;

    auto act = [&](GreeterGreetRequest *request) {
        acted = true;
        if (action == QLatin1String("deleteRequest")) {
            delete request;
        } else if (action == QLatin1String("deleteGreeterServer")) {
            // The typed request outlives its server and can still answer.
            delete s.greeterServer.data();
            Setup::answer(request);
        } else if (action == QLatin1String("deleteServerPeer")) {
            delete s.serverPeer.data();
        } else if (action == QLatin1String("deleteServer")) {
            delete s.server.data();
        } else if (action == QLatin1String("nestedLoop")) {
            QPointer<GreeterGreetRequest> guard(request);
            if (onCancel) {
                // A nested loop inside cancelRequested(): the client's next
                // request (a stream message here) still arrives.
                bool logSeen = false;
                connect(s.greeterServer, &GreeterServer::logReceived, this,
                        [&logSeen](const LogLine &) { logSeen = true; });
                nestedDone = nestedLoopUntil([&] { return logSeen; });
                if (guard)
                    guard->respondError(QStringLiteral("cancelled"));
            } else {
                // A nested loop inside greetRequested(): wait for the
                // client's cancel, which arrives while the loop runs.
                bool cancelled = false;
                connect(request, &GreeterGreetRequest::cancelRequested, this,
                        [&cancelled] { cancelled = true; });
                request->sendProgress(Progress{1, request->body().times});
                nestedDone = nestedLoopUntil([&] { return cancelled; });
                if (guard)
                    guard->respondError(QStringLiteral("cancelled"));
            }
        }
    };

    connect(s.greeterServer, &GreeterServer::greetRequested, this,
            [&](GreeterGreetRequest *request) {
                ++requestsSeen;
                if (acted)
                    ++signalsAfterAction;
                if (requestsSeen > 1) { // the second call, after the action
                    Setup::answer(request);
                    return;
                }
                if (!onCancel) {
                    act(request);
                    return;
                }
                connect(request, &GreeterGreetRequest::cancelRequested, this, [&, request] {
                    if (acted)
                        ++signalsAfterAction;
                    else
                        act(request);
                });
                request->sendProgress(Progress{1, request->body().times});
            });

    QPointer<GreeterGreetCall> call = s.greeterClient->greet(greeting(2));
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    bool cancelOnProgress = onCancel || action == QLatin1String("nestedLoop");
    connect(call, &GreeterGreetCall::progressReceived, this, [&] {
        if (!cancelOnProgress)
            return;
        cancelOnProgress = false;
        call->cancel();
        if (onCancel && action == QLatin1String("nestedLoop"))
            s.greeterClient->sendLog(LogLine{Level(Level::Info), QStringLiteral("next")});
    });

    QTRY_VERIFY_WITH_TIMEOUT(acted, Timeout);
    QVERIFY(finished.size() == 1 || finished.wait(Timeout));
    QCOMPARE(finished.size(), 1);

    const bool cancelled = onCancel || action == QLatin1String("nestedLoop");
    if (cancelled) {
        QCOMPARE(call->error(), RpcError::Canceled);
    } else if (action == QLatin1String("deleteRequest")) {
        // A typed request destroyed without an answer: the core answers.
        QCOMPARE(call->error(), RpcError::RemoteError);
    } else if (action == QLatin1String("deleteServerPeer")
               || action == QLatin1String("deleteServer")) {
        QCOMPARE(call->error(), RpcError::ConnectionLost);
    } else if (action == QLatin1String("deleteGreeterServer")) {
        QCOMPARE(call->error(), onCancel ? RpcError::Canceled : RpcError::NoError);
    }
    if (action == QLatin1String("nestedLoop"))
        QVERIFY(nestedDone);
    QCOMPARE(signalsAfterAction, 0);

    if (action == QLatin1String("deleteServerPeer") || action == QLatin1String("deleteServer")) {
        QTRY_COMPARE_WITH_TIMEOUT(s.client->state(), RpcPeer::UnconnectedState, Timeout);
        return;
    }
    // Still usable: a second call gets an answer (from the typed server, or
    // the core's error response once the typed server is gone).
    GreeterGreetCall *second = s.greeterClient->greet(greeting(1));
    QSignalSpy secondFinished(second, &GreeterGreetCall::finished);
    QVERIFY(secondFinished.wait(Timeout));
    if (action == QLatin1String("deleteGreeterServer")) {
        QCOMPARE(second->error(), RpcError::RemoteError);
    } else {
        QCOMPARE(second->error(), RpcError::NoError);
        QCOMPARE(second->response().greetings, QStringList{QStringLiteral("Hello, Ada!")});
    }
    delete second;
}

// Streams: logReceived() with the peer, the typed server or the RpcServer
// deleted inside it, or a nested loop that receives the next message.
void tst_TypedReentrancy::streamSignals_data()
{
    QTest::addColumn<QString>("action");
    QTest::newRow("deleteGreeterServer") << QStringLiteral("deleteGreeterServer");
    QTest::newRow("deleteServerPeer") << QStringLiteral("deleteServerPeer");
    QTest::newRow("deleteServer") << QStringLiteral("deleteServer");
    QTest::newRow("nestedLoop") << QStringLiteral("nestedLoop");
}

void tst_TypedReentrancy::streamSignals()
{
    QFETCH(QString, action);
    QVERIFY(m_dir.isValid());

    Setup s;
    QVERIFY(s.open(address(QStringLiteral("stream")), false));
    QStringList received;
    int afterAction = 0;
    bool acted = false;
    bool nestedDone = false;
    connect(s.greeterServer, &GreeterServer::logReceived, this,
            [&](const LogLine &line, RpcPeer *peer) {
                QCOMPARE(peer, s.serverPeer.data());
                received.append(line.text);
                if (acted) {
                    ++afterAction;
                    return;
                }
                acted = true;
                if (action == QLatin1String("deleteGreeterServer"))
                    delete s.greeterServer.data();
                else if (action == QLatin1String("deleteServerPeer"))
                    delete s.serverPeer.data();
                else if (action == QLatin1String("deleteServer"))
                    delete s.server.data();
                else
                    nestedDone = nestedLoopUntil([&] { return received.size() >= 3; });
            });

    for (const char *text : {"one", "two", "three"})
        QVERIFY(s.greeterClient->sendLog(LogLine{Level(Level::Info), QString::fromLatin1(text)}));
    QTRY_VERIFY_WITH_TIMEOUT(acted, Timeout);

    if (action == QLatin1String("nestedLoop")) {
        QVERIFY(nestedDone);
        QCOMPARE(received,
                 QStringList(
                         {QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")}));
        QCOMPARE(afterAction, 2); // delivered inside the nested loop, in order
        return;
    }
    if (action == QLatin1String("deleteGreeterServer")) {
        // The peer stays; streams nobody handles are dropped. A request now
        // gets the core's error response.
        GreeterGreetCall *call = s.greeterClient->greet(greeting(1));
        QSignalSpy finished(call, &GreeterGreetCall::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(call->error(), RpcError::RemoteError);
        delete call;
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(s.client->state(), RpcPeer::UnconnectedState, Timeout);
    }
    QCOMPARE(received, QStringList{QStringLiteral("one")});
    QCOMPARE(afterAction, 0);
}

QTEST_GUILESS_MAIN(tst_TypedReentrancy)

#include "tst_typedreentrancy.moc"

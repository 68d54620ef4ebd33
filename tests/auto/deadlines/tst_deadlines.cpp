// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Deadlines: request timeouts as std::chrono durations and QDeadlineTimer,
// the peer-wide default timeout, and the QDeadlineTimer overloads of the
// wait helpers, over every transport.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QDeadlineTimer>
#include <QtCore/QPointer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <chrono>

using namespace Fizyr;
using namespace std::chrono_literals;
using RpcTestSupport::DefaultTimeout;

class tst_Deadlines : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { RpcTestSupport::addTransportRows(); }
    void init();
    void cleanup();

    void chronoTimeout();
    void deadlineTimeout();
    void expiredDeadline();
    void foreverDeadline();
    void defaultTimeout();
    void defaultTimeoutOverridden();
    void waitForConnectedDeadline();
    void waitForDisconnectedDeadline();
    void waitForFinishedDeadline();

private:
    // The server side keeps every request open (never answers) until told.
    QList<QPointer<RpcRequest>> m_held;
    RpcTestSupport::PeerPair m_pair;
};

void tst_Deadlines::init()
{
    QFETCH_GLOBAL(QString, scheme);
    QVERIFY(m_pair.start(scheme));
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this,
            [this](RpcRequest *request) { m_held.append(request); });
}

void tst_Deadlines::cleanup()
{
    m_held.clear();
    m_pair.reset();
}

void tst_Deadlines::chronoTimeout()
{
    RpcRequest *request = m_pair.client->sendRequest(1);
    QSignalSpy changed(request, &RpcRequest::timeoutChanged);
    request->setTimeout(50ms);
    QCOMPARE(request->timeout(), 50);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toInt(), 50);
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(request->error(), RpcError::Timeout);
    // Durations beyond an int of milliseconds are capped, not wrapped.
    RpcRequest *longOne = m_pair.client->sendRequest(1);
    longOne->setTimeout(std::chrono::hours(24 * 365));
    QCOMPARE(longOne->timeout(), std::numeric_limits<int>::max());
    longOne->setTimeout(std::chrono::seconds(0));
    QCOMPARE(longOne->timeout(), 0);
}

void tst_Deadlines::deadlineTimeout()
{
    const QDeadlineTimer deadline(100ms);
    RpcRequest *request = m_pair.client->sendRequest(1);
    RpcRequest *other = m_pair.client->sendRequest(2);
    request->setDeadline(deadline);
    other->setDeadline(deadline);
    QVERIFY(request->timeout() >= 1 && request->timeout() <= 100);
    QSignalSpy finished(other, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    // One deadline bounds both.
    QTRY_VERIFY_WITH_TIMEOUT(request->isFinished(), DefaultTimeout);
    QCOMPARE(request->error(), RpcError::Timeout);
    QCOMPARE(other->error(), RpcError::Timeout);
    QVERIFY(deadline.hasExpired());
}

void tst_Deadlines::expiredDeadline()
{
    RpcRequest *request = m_pair.client->sendRequest(1);
    request->setDeadline(QDeadlineTimer(0));
    QCOMPARE(request->timeout(), 1);
    // Not from inside the call: from the event loop.
    QVERIFY(!request->isFinished());
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(request->error(), RpcError::Timeout);
}

void tst_Deadlines::foreverDeadline()
{
    m_pair.client->setDefaultTimeout(1000);
    RpcRequest *request = m_pair.client->sendRequest(1);
    QCOMPARE(request->timeout(), 1000);
    request->setDeadline(QDeadlineTimer(QDeadlineTimer::Forever));
    QCOMPARE(request->timeout(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), 1, DefaultTimeout);
    QVERIFY(m_held.first()->sendResponse(0, "done"));
    QVERIFY(request->waitForFinished(QDeadlineTimer(QDeadlineTimer::Forever)));
    QCOMPARE(request->error(), RpcError::NoError);
    QCOMPARE(request->response().body(), QByteArray("done"));
}

void tst_Deadlines::defaultTimeout()
{
    RpcPeer *client = m_pair.client.get();
    QCOMPARE(client->defaultTimeout(), 0);
    QSignalSpy changed(client, &RpcPeer::defaultTimeoutChanged);
    client->setDefaultTimeout(50ms);
    QCOMPARE(client->defaultTimeout(), 50);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toInt(), 50);
    client->setDefaultTimeout(50);
    QCOMPARE(changed.size(), 1);
    // Through the property system, as QML and bindings use it.
    QVERIFY(client->setProperty("defaultTimeout", 60));
    QCOMPARE(client->property("defaultTimeout").toInt(), 60);
    QCOMPARE(changed.size(), 2);
    client->setDefaultTimeout(-5);
    QCOMPARE(client->defaultTimeout(), 0);
    client->setDefaultTimeout(50);

    RpcRequest *request = client->sendRequest(1);
    QCOMPARE(request->timeout(), 50);
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(request->error(), RpcError::Timeout);
    // The server side saw it and still holds it: it timed out on this side.
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), 1, DefaultTimeout);

    // Requests already sent keep theirs.
    client->setDefaultTimeout(0);
    RpcRequest *untimed = client->sendRequest(1);
    QCOMPARE(untimed->timeout(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), 2, DefaultTimeout);
    QVERIFY(untimed->isOpen());
    QVERIFY(m_held.at(1)->sendResponse(0));
    QVERIFY(untimed->waitForFinished(DefaultTimeout));
    QCOMPARE(untimed->error(), RpcError::NoError);
}

void tst_Deadlines::defaultTimeoutOverridden()
{
    m_pair.client->setDefaultTimeout(std::chrono::minutes(10));
    RpcRequest *request = m_pair.client->sendRequest(1);
    QCOMPARE(request->timeout(), 600000);
    request->setTimeout(30ms);
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(request->error(), RpcError::Timeout);
}

void tst_Deadlines::waitForConnectedDeadline()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcPeer peer;
    peer.connectToServer(m_pair.server->serverAddress());
    QVERIFY(peer.waitForConnected(QDeadlineTimer(std::chrono::milliseconds(DefaultTimeout))));
    QCOMPARE(peer.state(), RpcPeer::ConnectedState);
    // Already connected: at once, whatever the deadline.
    QVERIFY(peer.waitForConnected(QDeadlineTimer(0)));

    // A failed attempt: false before the deadline.
    QTemporaryDir dir;
    RpcPeer refused;
    refused.connectToServer(
            scheme == QLatin1String("tcp")
                    ? QStringLiteral("tcp://127.0.0.1:1")
                    : RpcTestSupport::addressFor(scheme, dir, QStringLiteral("none")));
    QVERIFY(!refused.waitForConnected(QDeadlineTimer(QDeadlineTimer::Forever)));
    QCOMPARE(refused.state(), RpcPeer::UnconnectedState);
}

void tst_Deadlines::waitForDisconnectedDeadline()
{
    RpcPeer *client = m_pair.client.get();
    // Still connected when the deadline expires.
    QVERIFY(!client->waitForDisconnected(QDeadlineTimer(10ms)));
    QCOMPARE(client->state(), RpcPeer::ConnectedState);
    m_pair.serverPeer->disconnectFromServer();
    QVERIFY(client->waitForDisconnected(QDeadlineTimer(std::chrono::seconds(20))));
    QCOMPARE(client->state(), RpcPeer::UnconnectedState);
}

void tst_Deadlines::waitForFinishedDeadline()
{
    RpcRequest *request = m_pair.client->sendRequest(1);
    // Nobody answers: the wait ends with the deadline, the request stays open.
    QVERIFY(!request->waitForFinished(QDeadlineTimer(20ms)));
    QVERIFY(request->isOpen());
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), 1, DefaultTimeout);
    QVERIFY(m_held.first()->sendResponse(0));
    QVERIFY(request->waitForFinished(QDeadlineTimer(std::chrono::seconds(20))));
    QCOMPARE(request->error(), RpcError::NoError);
}

QTEST_GUILESS_MAIN(tst_Deadlines)
#include "tst_deadlines.moc"

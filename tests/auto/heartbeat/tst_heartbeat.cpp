// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The application heartbeat (RpcConfig::heartbeatInterval()): a peer that
// answers keeps the connection up, a peer that stops answering is closed as
// dead with RpcError::HeartbeatTimeout through the path of every lost
// connection; over every transport. Pings are counted, not timed.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QPointer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Fizyr;
using RpcTestSupport::DefaultTimeout;

namespace {

constexpr qint32 PingService = 42;

} // namespace

class tst_Heartbeat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { RpcTestSupport::addTransportRows(); }
    void cleanup();

    void offByDefault();
    void answeredKeepsConnection();
    void errorResponseCountsAsAlive();
    void unansweredClosesConnection();
    void stopsAnswering();
    void serverSideHeartbeat();
    void deadConnectionReconnects();

private:
    // Starts a server; its accepted peer answers pings as answer() says
    // (true: response, false: keep open for ever) and counts them.
    bool startServer(const RpcConfig *serverConfig = nullptr);
    // Connects m_client with heartbeat settings (interval 0: none).
    bool connectClient(int interval, int timeout);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RpcServer> m_server;
    std::unique_ptr<RpcPeer> m_client;
    QPointer<RpcPeer> m_serverPeer;
    int m_pings = 0;
    int m_answerFirst = -1; // answer this many pings, then none; -1: all
    bool m_errorResponses = false;
    QList<QPointer<RpcRequest>> m_held;
};

void tst_Heartbeat::cleanup()
{
    m_held.clear();
    m_client.reset();
    m_server.reset();
    m_dir.reset();
    m_pings = 0;
    m_answerFirst = -1;
    m_errorResponses = false;
}

bool tst_Heartbeat::startServer(const RpcConfig *serverConfig)
{
    QFETCH_GLOBAL(QString, scheme);
    m_dir.reset(new QTemporaryDir);
    m_server.reset(new RpcServer);
    const QString address = RpcTestSupport::addressFor(scheme, *m_dir, QStringLiteral("hb"));
    if (serverConfig) {
        RpcConfig config = RpcConfig::defaultsFor(RpcAddress::fromString(address).transport());
        config.setHeartbeatServiceId(serverConfig->heartbeatServiceId());
        config.setHeartbeatInterval(serverConfig->heartbeatInterval());
        config.setHeartbeatTimeout(serverConfig->heartbeatTimeout());
        m_server->setConfig(config);
    }
    connect(m_server.get(), &RpcServer::newConnection, this, [this] {
        while (RpcPeer *peer = m_server->nextPendingConnection()) {
            m_serverPeer = peer;
            connect(peer, &RpcPeer::requestReceived, this, [this](RpcRequest *request) {
                if (request->serviceId() != PingService) {
                    m_held.append(request);
                    return;
                }
                ++m_pings;
                if (m_answerFirst >= 0 && m_pings > m_answerFirst) {
                    m_held.append(request);
                    return;
                }
                if (m_errorResponses)
                    request->sendErrorResponse(QStringLiteral("no such service here"));
                else
                    request->sendResponse(0, "pong");
                request->deleteLater();
            });
        }
    });
    return m_server->listen(address);
}

bool tst_Heartbeat::connectClient(int interval, int timeout)
{
    const RpcAddress address = m_server->serverAddress();
    RpcConfig config = RpcConfig::defaultsFor(address.transport());
    config.setHeartbeatServiceId(PingService);
    config.setHeartbeatInterval(interval);
    config.setHeartbeatTimeout(timeout);
    m_client.reset(new RpcPeer);
    if (!m_client->setConfig(config))
        return false;
    m_client->connectToServer(address);
    if (!m_client->waitForConnected(DefaultTimeout))
        return false;
    QDeadlineTimer deadline(DefaultTimeout);
    while (!m_serverPeer && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    return m_serverPeer && m_client->config().heartbeatInterval() == interval;
}

void tst_Heartbeat::offByDefault()
{
    const RpcConfig config;
    QCOMPARE(config.heartbeatInterval(), 0);
    QCOMPARE(config.heartbeatTimeout(), RpcConfig::DefaultHeartbeatTimeout);
    QVERIFY(startServer());
    QVERIFY(connectClient(0, 100));
    // A round trip of an ordinary request: nothing else was sent before it.
    RpcRequest *request = m_client->sendRequest(1);
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), 1, DefaultTimeout);
    QCOMPARE(m_pings, 0);
    QCOMPARE(m_client->openRequestCount(), 1);
    QVERIFY(m_held.first()->sendResponse(0));
    QVERIFY(request->waitForFinished(DefaultTimeout));
}

void tst_Heartbeat::answeredKeepsConnection()
{
    QVERIFY(startServer());
    QVERIFY(connectClient(20, 5000));
    QSignalSpy clientErrors(m_client.get(), &RpcPeer::errorOccurred);
    QSignalSpy disconnected(m_client.get(), &RpcPeer::disconnected);
    // Several intervals, counted by the server.
    QTRY_VERIFY_WITH_TIMEOUT(m_pings >= 10, DefaultTimeout);
    QCOMPARE(m_client->state(), RpcPeer::ConnectedState);
    QCOMPARE(clientErrors.size(), 0);
    QCOMPARE(disconnected.size(), 0);
    // One heartbeat open at most; answered ones are gone.
    QVERIFY(m_client->openRequestCount() <= 1);
    QCOMPARE(m_client->findChildren<RpcRequest *>().size() <= 2, true);
    // Ordinary traffic goes on meanwhile.
    RpcRequest *request = m_client->sendRequest(1, "data");
    QTRY_COMPARE_WITH_TIMEOUT(m_held.size(), 1, DefaultTimeout);
    QVERIFY(m_held.first()->sendResponse(0, "ok"));
    QVERIFY(request->waitForFinished(DefaultTimeout));
    QCOMPARE(request->error(), RpcError::NoError);
}

void tst_Heartbeat::errorResponseCountsAsAlive()
{
    m_errorResponses = true;
    QVERIFY(startServer());
    QVERIFY(connectClient(20, 5000));
    QSignalSpy clientErrors(m_client.get(), &RpcPeer::errorOccurred);
    QTRY_VERIFY_WITH_TIMEOUT(m_pings >= 10, DefaultTimeout);
    QCOMPARE(m_client->state(), RpcPeer::ConnectedState);
    QCOMPARE(clientErrors.size(), 0);
}

void tst_Heartbeat::unansweredClosesConnection()
{
    m_answerFirst = 0;
    QVERIFY(startServer());
    QVERIFY(connectClient(20, 200));
    QSignalSpy disconnected(m_client.get(), &RpcPeer::disconnected);
    QList<RpcPeer::State> statesAtError;
    connect(m_client.get(), &RpcPeer::errorOccurred, this,
            [this, &statesAtError](RpcError) { statesAtError.append(m_client->state()); });
    // An ordinary request open at the moment of loss.
    RpcRequest *request = m_client->sendRequest(1);
    QSignalSpy requestFinished(request, &RpcRequest::finished);
    QVERIFY(disconnected.wait(DefaultTimeout));
    QCOMPARE(disconnected.size(), 1);
    QCOMPARE(m_client->state(), RpcPeer::UnconnectedState);
    QCOMPARE(m_client->error(), RpcError::HeartbeatTimeout);
    QVERIFY2(m_client->errorString().contains(QLatin1String("heartbeat")),
             qPrintable(m_client->errorString()));
    // Reported once, while closing: the path of every fatal loss.
    QCOMPARE(statesAtError, QList<RpcPeer::State>{RpcPeer::ClosingState});
    QCOMPARE(requestFinished.size(), 1);
    QCOMPARE(request->error(), RpcError::ConnectionLost);
    // One heartbeat, unanswered: no second one while it was open.
    QVERIFY(m_pings <= 1);
    // The other side sees the connection go.
    QTRY_VERIFY_WITH_TIMEOUT(!m_serverPeer || m_serverPeer->state() == RpcPeer::UnconnectedState,
                             DefaultTimeout);
}

void tst_Heartbeat::stopsAnswering()
{
    m_answerFirst = 3;
    QVERIFY(startServer());
    QVERIFY(connectClient(20, 300));
    QSignalSpy disconnected(m_client.get(), &RpcPeer::disconnected);
    QVERIFY(disconnected.wait(DefaultTimeout));
    QCOMPARE(m_client->error(), RpcError::HeartbeatTimeout);
    // Three answered, the fourth was not: no new heartbeat while one is open.
    // (The fourth may be lost with the connection before the server reads it.)
    QVERIFY2(m_pings >= 3 && m_pings <= 4, qPrintable(QString::number(m_pings)));
}

void tst_Heartbeat::serverSideHeartbeat()
{
    RpcConfig serverConfig;
    serverConfig.setHeartbeatServiceId(PingService);
    serverConfig.setHeartbeatInterval(20);
    serverConfig.setHeartbeatTimeout(200);
    QVERIFY(startServer(&serverConfig));
    QVERIFY(connectClient(0, 100));
    QCOMPARE(m_serverPeer->config().heartbeatInterval(), 20);
    int clientPings = 0;
    connect(m_client.get(), &RpcPeer::requestReceived, this, [&clientPings](RpcRequest *request) {
        ++clientPings;
        if (clientPings <= 3)
            request->sendResponse(0);
        // The fourth stays open: the server closes the connection.
    });
    QSignalSpy clientDisconnected(m_client.get(), &RpcPeer::disconnected);
    QVERIFY(clientDisconnected.wait(DefaultTimeout));
    QVERIFY2(clientPings >= 3 && clientPings <= 4, qPrintable(QString::number(clientPings)));
    QTRY_VERIFY_WITH_TIMEOUT(!m_serverPeer || m_serverPeer->state() == RpcPeer::UnconnectedState,
                             DefaultTimeout);
    if (m_serverPeer)
        QCOMPARE(m_serverPeer->error(), RpcError::HeartbeatTimeout);
}

// A connection the heartbeat declared dead is a lost connection like any
// other: a peer with autoReconnect waits, connects again and says so with
// reconnected(); the heartbeat then runs on the new connection.
void tst_Heartbeat::deadConnectionReconnects()
{
    m_answerFirst = 2;
    QVERIFY(startServer());
    QVERIFY(connectClient(20, 200));
    m_client->setReconnectInitialDelay(10);
    m_client->setAutoReconnect(true);
    QList<RpcError> errors;
    QList<RpcPeer::State> states;
    int pingsAtLoss = -1;
    connect(m_client.get(), &RpcPeer::errorOccurred, this, [&](RpcError error) {
        errors.append(error);
        // The server answers again, on whatever connection comes next.
        pingsAtLoss = m_pings;
        m_answerFirst = -1;
    });
    connect(m_client.get(), &RpcPeer::stateChanged, this,
            [&states](RpcPeer::State state) { states.append(state); });
    QSignalSpy reconnected(m_client.get(), &RpcPeer::reconnected);
    QVERIFY(reconnected.wait(DefaultTimeout));
    QCOMPARE(errors, QList<RpcError>{RpcError::HeartbeatTimeout});
    QVERIFY(states.contains(RpcPeer::WaitingToReconnectState));
    QCOMPARE(m_client->state(), RpcPeer::ConnectedState);
    // Pings on the new connection are answered and keep it up.
    QTRY_VERIFY_WITH_TIMEOUT(m_pings >= pingsAtLoss + 5, DefaultTimeout);
    QCOMPARE(m_client->state(), RpcPeer::ConnectedState);
    QCOMPARE(errors.size(), 1);
    QCOMPARE(reconnected.size(), 1);
}

QTEST_GUILESS_MAIN(tst_Heartbeat)
#include "tst_heartbeat.moc"

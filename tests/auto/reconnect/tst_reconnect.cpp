// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcPeer::autoReconnect on every transport: a server process killed with
// SIGKILL and restarted on the same address while a client keeps calling,
// the backoff checked attempt by attempt (by counting, never by timing),
// stopping, sending while down, deleting the peer from its own signals,
// a typed client and a QML peer surviving restarts, restart cycles without
// fd or memory growth, and the tool's --reconnect.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QProcess>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#ifdef GREETER_SERVER
#    include "greeter.h"
#endif

#include <csignal>
#include <functional>
#include <memory>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

// A server process (the tool's serve, or the greeter example server) that
// can be killed with SIGKILL and started again on the same address.
class ServerProcess
{
public:
    ServerProcess(QString program, QStringList argsBeforeAddress = {})
        : m_program(std::move(program)), m_args(std::move(argsBeforeAddress))
    { }
    ~ServerProcess() { kill(); }

    // Starts on address (tcp port 0 the first time: the port is kept for
    // the restarts). Returns false if it did not print "listening on".
    bool start(const QString &address)
    {
        m_process.reset(new QProcess);
        m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process->start(m_program, m_args + QStringList{address});
        if (!m_process->waitForStarted(DefaultTimeout))
            return false;
        QDeadlineTimer deadline(DefaultTimeout);
        QByteArray output;
        while (!output.contains('\n') && !deadline.hasExpired()) {
            if (!m_process->waitForReadyRead(int(deadline.remainingTime())))
                break;
            output += m_process->readAllStandardOutput();
        }
        const QByteArray line = output.left(output.indexOf('\n')).trimmed();
        if (!line.startsWith("listening on ")) {
            qWarning() << "server said" << output;
            return false;
        }
        m_address = QString::fromUtf8(line.mid(13));
        // The server's further output is not needed.
        m_process->setStandardOutputFile(QProcess::nullDevice());
        QObject::connect(m_process.get(), &QProcess::readyReadStandardOutput, m_process.get(),
                         [p = m_process.get()] { p->readAllStandardOutput(); });
        return true;
    }

    bool restart() { return start(m_address); }

    void kill()
    {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_process->processId()), SIGKILL);
        m_process->waitForFinished(DefaultTimeout);
    }

    QString address() const { return m_address; }

private:
    QString m_program;
    QStringList m_args;
    std::unique_ptr<QProcess> m_process;
    QString m_address;
};

// An address on which nothing listens.
QString deadAddress(const QString &scheme, const QTemporaryDir &dir)
{
    if (scheme == QLatin1String("tcp")) {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost))
            return {};
        const quint16 port = probe.serverPort();
        probe.close();
        return QStringLiteral("tcp://127.0.0.1:%1").arg(port);
    }
    static int counter = 0;
    return addressFor(scheme, dir, QStringLiteral("nobody%1").arg(++counter));
}

// Deletes a QML RpcPeer from a slot connected to its own stateChanged()
// once it reaches a state during an automatic attempt.
class Deleter : public QObject
{
    Q_OBJECT
public:
    Deleter(QObject *target, int state) : m_target(target), m_state(state)
    {
        connect(target, SIGNAL(stateChanged()), this, SLOT(check()));
    }
    bool deleted() const { return m_target.isNull(); }

public Q_SLOTS:
    void check()
    {
        if (m_target && m_target->property("state").toInt() == m_state
            && m_target->property("reconnectAttempt").toInt() >= 1) {
            delete m_target.data();
        }
    }

private:
    QPointer<QObject> m_target;
    int m_state;
};

// Runs the event loop until predicate() holds (checked every millisecond,
// so that fast cycles are not slowed down by QTRY's 50 ms steps) or the
// timeout passed.
bool waitUntil(const std::function<bool()> &predicate, int timeout = DefaultTimeout)
{
    if (predicate())
        return true;
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(1);
    const QDeadlineTimer deadline(timeout);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (predicate() || deadline.hasExpired())
            loop.quit();
    });
    poll.start();
    loop.exec();
    return predicate();
}

// Records every request a caller sent and how often each finished.
struct CallLog
{
    QHash<RpcRequest *, int> finishedCount;
    QList<RpcError> errors;
    int successes = 0;
    int otherErrors = 0;

    void track(RpcRequest *request)
    {
        finishedCount.insert(request, 0);
        QObject::connect(request, &RpcRequest::finished, request, [this, request] {
            ++finishedCount[request];
            const RpcError e = request->error();
            errors.append(e);
            if (e == RpcError::NoError)
                ++successes;
            else if (e != RpcError::ConnectionLost && e != RpcError::NotConnected)
                ++otherErrors;
        });
    }

    int finishedOnce() const
    {
        int n = 0;
        for (int count : finishedCount)
            n += count == 1 ? 1 : 0;
        return n;
    }
    int finishedTwice() const
    {
        int n = 0;
        for (int count : finishedCount)
            n += count > 1 ? 1 : 0;
        return n;
    }
};

} // namespace

class tst_Reconnect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data();
    void initTestCase();

    void offByDefault();
    void backoffCounted();
    void killedServerProcess();
    void sendWhileWaiting();
    void stop_data();
    void stop();
    void deleteFromStateChanged_data();
    void deleteFromStateChanged();
    void restartCycles();
    void typedClient();
    void qmlPeer();
    void qmlDeleteWhileWaiting();
    void qmlCallWhileWaitingThenDelete();
    void qmlInterfaceClient();
    void toolStreamReconnect();
    void toolListenReconnect();

private:
    QString toolPath() const;
    QTemporaryDir m_dir;
};

void tst_Reconnect::initTestCase_data()
{
    addTransportRows();
}

void tst_Reconnect::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

QString tst_Reconnect::toolPath() const
{
#ifdef FIZYR_RPC_TOOL
    return QStringLiteral(FIZYR_RPC_TOOL);
#else
    return {};
#endif
}

void tst_Reconnect::offByDefault()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcPeer peer;
    QCOMPARE(peer.autoReconnect(), false);
    QCOMPARE(peer.reconnectInitialDelay(), 500);
    QCOMPARE(peer.reconnectMaxDelay(), 30000);
    QCOMPARE(peer.maxReconnectAttempts(), 0);
    QCOMPARE(peer.reconnectAttempt(), 0);
    QCOMPARE(peer.reconnectDelay(), 0);

    // Without it, a failed attempt is final, as before.
    QSignalSpy states(&peer, &RpcPeer::stateChanged);
    QSignalSpy errors(&peer, &RpcPeer::errorOccurred);
    peer.connectToServer(deadAddress(scheme, m_dir));
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, DefaultTimeout);
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
    QCOMPARE(states.size(), 2); // Connecting, Unconnected
}

// The delays follow the backoff (initial, doubling, capped, 75..100% each),
// one attempt per wait, until the limit: counted, not timed.
void tst_Reconnect::backoffCounted()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcPeer peer;
    QSignalSpy settings(&peer, &RpcPeer::reconnectSettingsChanged);
    QSignalSpy autoSpy(&peer, &RpcPeer::autoReconnectChanged);
    peer.setAutoReconnect(true);
    peer.setReconnectInitialDelay(40);
    peer.setReconnectMaxDelay(160);
    peer.setMaxReconnectAttempts(5);
    QCOMPARE(autoSpy.size(), 1);
    QCOMPARE(settings.size(), 3);

    QList<RpcPeer::State> states;
    QList<int> delays;
    QList<int> attempts;
    QList<RpcPeer::State> statesAtError;
    connect(&peer, &RpcPeer::stateChanged, this, [&](RpcPeer::State s) {
        states.append(s);
        if (s == RpcPeer::WaitingToReconnectState) {
            delays.append(peer.reconnectDelay());
            QVERIFY(peer.remainingReconnectDelay() <= peer.reconnectDelay());
        }
        if (s == RpcPeer::ConnectingState)
            attempts.append(peer.reconnectAttempt());
    });
    connect(&peer, &RpcPeer::errorOccurred, this,
            [&](RpcError) { statesAtError.append(peer.state()); });
    QSignalSpy connectedSpy(&peer, &RpcPeer::connected);
    peer.connectToServer(deadAddress(scheme, m_dir));
    QTRY_VERIFY_WITH_TIMEOUT(!states.isEmpty() && states.last() == RpcPeer::UnconnectedState,
                             DefaultTimeout);

    // The first attempt and 5 more, each failed: 6 errors, 5 waits.
    const QList<RpcPeer::State> expected{RpcPeer::ConnectingState, RpcPeer::WaitingToReconnectState,
                                         RpcPeer::ConnectingState, RpcPeer::WaitingToReconnectState,
                                         RpcPeer::ConnectingState, RpcPeer::WaitingToReconnectState,
                                         RpcPeer::ConnectingState, RpcPeer::WaitingToReconnectState,
                                         RpcPeer::ConnectingState, RpcPeer::WaitingToReconnectState,
                                         RpcPeer::ConnectingState, RpcPeer::UnconnectedState};
    QCOMPARE(states, expected);
    QCOMPARE(attempts, (QList<int>{0, 1, 2, 3, 4, 5}));
    const QList<int> nominal{40, 80, 160, 160, 160};
    QCOMPARE(delays.size(), nominal.size());
    for (int i = 0; i < nominal.size(); ++i) {
        QVERIFY2(delays.at(i) <= nominal.at(i) && delays.at(i) >= nominal.at(i) * 3 / 4,
                 qPrintable(QStringLiteral("delay %1: %2 for nominal %3")
                                    .arg(i)
                                    .arg(delays.at(i))
                                    .arg(nominal.at(i))));
    }
    QCOMPARE(statesAtError.size(), 6);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(statesAtError.at(i), RpcPeer::WaitingToReconnectState);
    QCOMPARE(statesAtError.last(), RpcPeer::UnconnectedState);
    QVERIFY(peer.error() != RpcError::NoError);
    QCOMPARE(peer.reconnectAttempt(), 0);
    QCOMPARE(peer.reconnectDelay(), 0);
    QCOMPARE(connectedSpy.size(), 0);
}

// The server process is killed with SIGKILL and started again on the same
// address N times while the client keeps calling: every call finishes
// exactly once, with its response or ConnectionLost / NotConnected; every
// restart is followed by a reconnect and successful calls.
void tst_Reconnect::killedServerProcess()
{
    QFETCH_GLOBAL(QString, scheme);
    if (toolPath().isEmpty())
        QSKIP("needs the fizyr-rpc tool (FIZYRRPCQT_BUILD_TOOLS)");
    ServerProcess server(toolPath(), {QStringLiteral("serve")});
    QVERIFY(server.start(addressFor(scheme, m_dir, QStringLiteral("killed"))));

    RpcPeer peer;
    peer.setAutoDeleteRequests(false);
    peer.setAutoReconnect(true);
    peer.setReconnectInitialDelay(20);
    peer.setReconnectMaxDelay(200);
    QSignalSpy connectedSpy(&peer, &RpcPeer::connected);
    QSignalSpy reconnectedSpy(&peer, &RpcPeer::reconnected);
    QSignalSpy disconnectedSpy(&peer, &RpcPeer::disconnected);
    int waits = 0;
    connect(&peer, &RpcPeer::stateChanged, this, [&](RpcPeer::State s) {
        if (s == RpcPeer::WaitingToReconnectState)
            ++waits;
        QVERIFY(s != RpcPeer::UnconnectedState); // never gives up
    });
    peer.connectToServer(server.address());
    QTRY_COMPARE_WITH_TIMEOUT(connectedSpy.size(), 1, DefaultTimeout);

    CallLog log;
    std::vector<std::unique_ptr<RpcRequest>> requests;
    QTimer caller;
    caller.setInterval(5);
    int sent = 0;
    connect(&caller, &QTimer::timeout, this, [&] {
        RpcRequest *request = peer.sendRequest(1, QByteArray::number(++sent));
        log.track(request);
    });
    caller.start();

    const int restarts = 3;
    for (int i = 1; i <= restarts; ++i) {
        const int before = log.successes;
        QTRY_VERIFY_WITH_TIMEOUT(log.successes > before + 2, DefaultTimeout);
        server.kill();
        QTRY_VERIFY_WITH_TIMEOUT(peer.state() != RpcPeer::ConnectedState, DefaultTimeout);
        QVERIFY(server.restart());
        QTRY_COMPARE_WITH_TIMEOUT(reconnectedSpy.size(), i, DefaultTimeout);
    }
    const int before = log.successes;
    QTRY_VERIFY_WITH_TIMEOUT(log.successes > before + 2, DefaultTimeout);
    caller.stop();
    QTRY_COMPARE_WITH_TIMEOUT(log.finishedOnce(), int(log.finishedCount.size()), DefaultTimeout);
    QCOMPARE(log.finishedTwice(), 0);
    QCOMPARE(log.otherErrors, 0);
    QCOMPARE(connectedSpy.size(), restarts + 1);
    QCOMPARE(reconnectedSpy.size(), restarts);
    QCOMPARE(disconnectedSpy.size(), restarts);
    QVERIFY(waits >= restarts);
    qInfo("%d calls: %d answered, %d failed with ConnectionLost or NotConnected; %d waits",
          int(log.finishedCount.size()), log.successes,
          int(log.finishedCount.size()) - log.successes, waits);
    qDeleteAll(log.finishedCount.keys());
}

// Nothing is queued while the connection is down: requests and stream
// messages fail at once with NotConnected, saying why.
void tst_Reconnect::sendWhileWaiting()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcPeer peer;
    peer.setAutoReconnect(true);
    peer.setReconnectInitialDelay(60000); // waits for the whole test
    peer.setReconnectMaxDelay(60000);
    peer.connectToServer(deadAddress(scheme, m_dir));
    QTRY_COMPARE_WITH_TIMEOUT(peer.state(), RpcPeer::WaitingToReconnectState, DefaultTimeout);
    QVERIFY(peer.reconnectDelay() >= 45000);
    QVERIFY(peer.remainingReconnectDelay() > 0);

    RpcRequest *request = peer.sendRequest(1, "x");
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(request->error(), RpcError::NotConnected);
    QVERIFY2(request->errorString().contains(QLatin1String("reconnect")),
             qPrintable(request->errorString()));
    QVERIFY(!peer.sendStream(1, "x"));
    QCOMPARE(peer.error(), RpcError::NotConnected);
    QCOMPARE(peer.openRequestCount(), 0);
    QCOMPARE(finished.size(), 1);

    // reconnectNow() makes the next attempt at once.
    QSignalSpy states(&peer, &RpcPeer::stateChanged);
    peer.reconnectNow();
    QCOMPARE(peer.state(), RpcPeer::ConnectingState);
    QCOMPARE(peer.reconnectAttempt(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(peer.state(), RpcPeer::WaitingToReconnectState, DefaultTimeout);
    QCOMPARE(peer.reconnectAttempt(), 2);
    delete request;
}

void tst_Reconnect::stop_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("disconnectFromServer") << QStringLiteral("disconnect");
    QTest::newRow("abort") << QStringLiteral("abort");
    QTest::newRow("autoReconnect off") << QStringLiteral("off");
}

// disconnectFromServer(), abort() and turning autoReconnect off end a wait
// at once: no attempt follows (checked against a second peer with the same
// delays, which does make its attempt).
void tst_Reconnect::stop()
{
    QFETCH_GLOBAL(QString, scheme);
    QFETCH(QString, how);
    const QString address = deadAddress(scheme, m_dir);
    RpcPeer peer;
    RpcPeer sentinel;
    for (RpcPeer *p : {&peer, &sentinel}) {
        p->setAutoReconnect(true);
        p->setReconnectInitialDelay(30);
        p->setReconnectMaxDelay(30);
    }
    peer.connectToServer(address);
    QTRY_COMPARE_WITH_TIMEOUT(peer.state(), RpcPeer::WaitingToReconnectState, DefaultTimeout);
    QSignalSpy states(&peer, &RpcPeer::stateChanged);
    if (how == QLatin1String("disconnect"))
        peer.disconnectFromServer();
    else if (how == QLatin1String("abort"))
        peer.abort();
    else
        peer.setAutoReconnect(false);
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
    QCOMPARE(states.size(), 1);
    QCOMPARE(peer.reconnectDelay(), 0);
    QCOMPARE(peer.remainingReconnectDelay(), 0);

    sentinel.connectToServer(address);
    // At least two of the sentinel's attempts: a poll of the counter may come
    // after the second one already (an exact comparison could then never hold).
    QTRY_VERIFY_WITH_TIMEOUT(sentinel.reconnectAttempt() >= 2, DefaultTimeout);
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
    QCOMPARE(states.size(), 1);
    sentinel.abort();
    QCOMPARE(sentinel.state(), RpcPeer::UnconnectedState);

    // Stopping while connected: the loss is final.
    RpcServer server;
    QVERIFY(server.listen(addressFor(scheme, m_dir, QStringLiteral("stop-") + how)));
    peer.setAutoReconnect(true);
    peer.connectToServer(server.serverAddress());
    QVERIFY(peer.waitForConnected(DefaultTimeout));
    if (how == QLatin1String("off"))
        return;
    if (how == QLatin1String("disconnect"))
        peer.disconnectFromServer();
    else
        peer.abort();
    QTRY_COMPARE_WITH_TIMEOUT(peer.state(), RpcPeer::UnconnectedState, DefaultTimeout);
}

void tst_Reconnect::deleteFromStateChanged_data()
{
    QTest::addColumn<int>("state");
    QTest::addColumn<bool>("serverDown");
    QTest::newRow("disconnected()") << -1 << false;
    QTest::newRow("waiting after loss") << int(RpcPeer::WaitingToReconnectState) << false;
    QTest::newRow("reconnecting") << int(RpcPeer::ConnectingState) << true;
    QTest::newRow("waiting after failed attempt") << int(RpcPeer::WaitingToReconnectState) << true;
    QTest::newRow("connected again") << int(RpcPeer::ConnectedState) << false;
}

// Deleting the peer from a slot connected to its own stateChanged(), at
// every step of a reconnect, is safe; open requests finish once.
void tst_Reconnect::deleteFromStateChanged()
{
    QFETCH_GLOBAL(QString, scheme);
    QFETCH(int, state);
    QFETCH(bool, serverDown);
    auto server = std::make_unique<RpcServer>();
    QVERIFY(server->listen(addressFor(scheme, m_dir, QStringLiteral("delete"))));
    const RpcAddress address = server->serverAddress();

    QPointer<RpcPeer> peer = new RpcPeer;
    peer->setAutoReconnect(true);
    peer->setReconnectInitialDelay(5);
    peer->setReconnectMaxDelay(5);
    peer->connectToServer(address);
    QVERIFY(peer->waitForConnected(DefaultTimeout));
    QTRY_VERIFY_WITH_TIMEOUT(server->hasPendingConnections(), DefaultTimeout);
    std::unique_ptr<RpcPeer> serverPeer(server->nextPendingConnection());
    serverPeer->setParent(nullptr);
    connect(serverPeer.get(), &RpcPeer::requestReceived, this, [](RpcRequest *) {});
    RpcRequest *open = peer->sendRequest(1, "pending");
    int openFinished = 0;
    connect(open, &RpcRequest::finished, this, [&] { ++openFinished; });
    QTRY_COMPARE_WITH_TIMEOUT(serverPeer->openRequestCount(), 1, DefaultTimeout);

    int failedAttempts = 0;
    connect(peer, &RpcPeer::errorOccurred, this, [&] {
        if (peer && peer->state() != RpcPeer::ConnectedState && peer->reconnectAttempt() > 0)
            ++failedAttempts;
    });
    connect(peer, &RpcPeer::stateChanged, this, [&](RpcPeer::State s) {
        if (int(s) != state)
            return;
        if (serverDown && s == RpcPeer::WaitingToReconnectState && failedAttempts == 0)
            return; // the wait after the loss, not after a failed attempt
        if (serverDown && s == RpcPeer::ConnectingState && peer->reconnectAttempt() < 1)
            return;
        delete peer.data();
    });
    if (state == -1)
        connect(peer, &RpcPeer::disconnected, this, [&] { delete peer.data(); });
    if (serverDown)
        server.reset();
    serverPeer->abort();
    QTRY_VERIFY_WITH_TIMEOUT(peer.isNull(), DefaultTimeout);
    QCOMPARE(openFinished, 1);
    // Whatever was pending for the deleted peer (its timer, queued
    // outcomes) runs into nothing.
    RpcPeer sentinel;
    sentinel.setAutoReconnect(true);
    sentinel.setReconnectInitialDelay(5);
    sentinel.setReconnectMaxDelay(5);
    sentinel.connectToServer(deadAddress(scheme, m_dir));
    QTRY_VERIFY_WITH_TIMEOUT(sentinel.reconnectAttempt() >= 2, DefaultTimeout);
}

// Restart cycles against an in-process server (closed with all its
// connections, then listening again on the same address): the client's
// open fds and resident memory do not grow. FIZYRRPCQT_RECONNECT_CYCLES
// sets the number of cycles (default 200).
void tst_Reconnect::restartCycles()
{
    QFETCH_GLOBAL(QString, scheme);
    bool ok = false;
    int cycles = qEnvironmentVariableIntValue("FIZYRRPCQT_RECONNECT_CYCLES", &ok);
    if (!ok || cycles <= 0)
        cycles = 200;
    const int warmUp = 20;

    auto server = std::make_unique<RpcServer>();
    QVERIFY(server->listen(addressFor(scheme, m_dir, QStringLiteral("cycles"))));
    const RpcAddress address = server->serverAddress();
    std::vector<std::unique_ptr<RpcPeer>> accepted;
    const auto accept = [&] {
        while (RpcPeer *p = server->nextPendingConnection()) {
            accepted.emplace_back(p);
            connect(p, &RpcPeer::requestReceived, p, [](RpcRequest *request) {
                request->sendResponse(0, request->body());
                request->deleteLater();
            });
        }
    };
    connect(server.get(), &RpcServer::newConnection, this, accept);

    RpcPeer peer;
    peer.setAutoDeleteRequests(true);
    peer.setAutoReconnect(true);
    peer.setReconnectInitialDelay(1);
    peer.setReconnectMaxDelay(4);
    QSignalSpy reconnectedSpy(&peer, &RpcPeer::reconnected);
    int lost = 0;
    connect(&peer, &RpcPeer::disconnected, this, [&] { ++lost; });
    peer.connectToServer(address);
    QVERIFY(peer.waitForConnected(DefaultTimeout));

    // One call per connection; the figures are taken at the same point of
    // a cycle: connected, the call answered, the server's peer accepted.
    const auto call = [&](int cycle) {
        if (!waitUntil([&] { return peer.state() == RpcPeer::ConnectedState; }))
            return false;
        RpcRequest *request = peer.sendRequest(1, QByteArray::number(cycle));
        bool answered = false;
        connect(request, &RpcRequest::finished, this,
                [&answered, request] { answered = request->error() == RpcError::NoError; });
        return waitUntil([&] { return answered; }) && !accepted.empty();
    };
    int fdsBefore = 0;
    qint64 rssBefore = 0;
    QElapsedTimer elapsed;
    for (int cycle = 0; cycle < warmUp + cycles; ++cycle) {
        QVERIFY2(call(cycle), qPrintable(QStringLiteral("cycle %1").arg(cycle)));
        if (cycle == warmUp) {
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            fdsBefore = openFdCount();
            rssBefore = statusKiB("VmRSS");
            elapsed.start();
        }
        // The server goes away with its connections, and comes back.
        server->close();
        accepted.clear();
        QVERIFY(waitUntil([&] { return peer.state() != RpcPeer::ConnectedState; }));
        QVERIFY2(server->listen(address), qPrintable(server->errorString()));
    }
    QVERIFY(call(warmUp + cycles));
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    const int fdsAfter = openFdCount();
    const qint64 rssAfter = statusKiB("VmRSS");
    qInfo("%s: %d restart cycles in %lld ms: %d reconnects, %d losses; fds %d -> %d; "
          "VmRSS %lld KiB -> %lld KiB",
          qPrintable(scheme), cycles, elapsed.elapsed(), int(reconnectedSpy.size()), lost,
          fdsBefore, fdsAfter, rssBefore, rssAfter);
    QCOMPARE(int(reconnectedSpy.size()), warmUp + cycles);
    QCOMPARE(lost, warmUp + cycles);
    QVERIFY(elapsed.isValid());
    QCOMPARE(fdsAfter, fdsBefore);
    if (MemoryBoundsApply)
        QVERIFY2(rssAfter - rssBefore < 8 * 1024, "resident memory grew by more than 8 MiB");
}

// A typed client (generated by fizyr-rpc-gen) survives restarts of the
// greeter example server: the call open at the loss ends with
// ConnectionLost, the same client object works again once reconnected.
void tst_Reconnect::typedClient()
{
#ifndef GREETER_SERVER
    QSKIP("needs the greeter example (FIZYRRPCQT_BUILD_EXAMPLES) and fizyr-rpc-gen");
#else
    QFETCH_GLOBAL(QString, scheme);
    ServerProcess server(QStringLiteral(GREETER_SERVER));
    QVERIFY(server.start(addressFor(scheme, m_dir, QStringLiteral("greeter"))));

    RpcPeer peer;
    peer.setAutoReconnect(true);
    peer.setReconnectInitialDelay(20);
    peer.setReconnectMaxDelay(100);
    GreeterClient client(&peer);
    QSignalSpy reconnectedSpy(&peer, &RpcPeer::reconnected);
    peer.connectToServer(server.address());
    QVERIFY(peer.waitForConnected(DefaultTimeout));

    const auto greet = [&client](const QString &name) {
        GreetRequest request;
        request.name = name;
        request.times = 1;
        std::unique_ptr<GreeterGreetCall> call(client.greet(request));
        QSignalSpy finished(call.get(), &GreeterGreetCall::finished);
        if (!call->isFinished())
            finished.wait(DefaultTimeout);
        return std::make_pair(call->error(),
                              call->hasResponse() ? call->response().greetings.value(0)
                                                  : call->errorString());
    };
    QCOMPARE(greet(QStringLiteral("Ada")).first, RpcError::NoError);

    for (int i = 1; i <= 2; ++i) {
        // A call open at the loss: the server is stopped, not killed, so
        // that it cannot answer; then killed.
        GreetRequest request;
        request.name = QStringLiteral("Grace");
        request.times = 1;
        std::unique_ptr<GreeterGreetCall> open(client.greet(request));
        QSignalSpy openFinished(open.get(), &GreeterGreetCall::finished);
        server.kill();
        QTRY_VERIFY_WITH_TIMEOUT(peer.state() != RpcPeer::ConnectedState, DefaultTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(openFinished.size(), 1, DefaultTimeout);
        QVERIFY(open->error() == RpcError::NoError || open->error() == RpcError::ConnectionLost);
        // While down: at once NotConnected.
        if (peer.state() == RpcPeer::WaitingToReconnectState)
            QCOMPARE(greet(QStringLiteral("nobody")).first, RpcError::NotConnected);
        QVERIFY(server.restart());
        QTRY_COMPARE_WITH_TIMEOUT(reconnectedSpy.size(), i, DefaultTimeout);
        const auto result = greet(QStringLiteral("Ada"));
        QCOMPARE(result.first, RpcError::NoError);
        QVERIFY2(result.second.contains(QLatin1String("Ada")), qPrintable(result.second));
        QCOMPARE(client.peer(), &peer);
    }
#endif
}

static const char qmlClient[] = R"(
import QtQml
import Fizyr.Rpc

QtObject {
    id: root
    property string address
    property int reconnects: 0
    property int answers: 0
    property int failures: 0
    property int states: 0
    property bool sawWaiting: false
    property RpcPeer peer: RpcPeer {
        address: root.address
        active: true
        autoReconnect: true
        reconnectInitialDelay: 20
        reconnectMaxDelay: 200
        onReconnected: root.reconnects++
        onStateChanged: {
            root.states++
            if (state === RpcPeer.WaitingToReconnect && reconnectDelay > 0)
                root.sawWaiting = true
        }
    }
    property Timer caller: Timer {
        interval: 5
        repeat: true
        running: true
        onTriggered: root.peer.call(1, "ping").then(() => root.answers++, () => root.failures++)
    }
}
)";

// The same under QML: a real QQmlEngine, the QML RpcPeer with
// autoReconnect, the server process killed and restarted.
void tst_Reconnect::qmlPeer()
{
#ifndef HAVE_QML_PLUGIN
    QSKIP("needs the QML module (FIZYRRPCQT_BUILD_QML)");
#else
    QFETCH_GLOBAL(QString, scheme);
    if (toolPath().isEmpty())
        QSKIP("needs the fizyr-rpc tool (FIZYRRPCQT_BUILD_TOOLS)");
    ServerProcess server(toolPath(), {QStringLiteral("serve")});
    QVERIFY(server.start(addressFor(scheme, m_dir, QStringLiteral("qml"))));

    QQmlEngine engine;
    QQmlComponent component(&engine);
    component.setData(qmlClient, QUrl(QStringLiteral("qrc:/reconnect.qml")));
    QVERIFY2(component.isReady(), qPrintable(component.errorString()));
    std::unique_ptr<QObject> root(
            component.createWithInitialProperties({{QStringLiteral("address"), server.address()}}));
    QVERIFY2(root, qPrintable(component.errorString()));
    auto *peer = root->property("peer").value<QObject *>();
    QVERIFY(peer);

    for (int i = 1; i <= 2; ++i) {
        const int answers = root->property("answers").toInt();
        QTRY_VERIFY_WITH_TIMEOUT(root->property("answers").toInt() > answers + 2, DefaultTimeout);
        server.kill();
        QTRY_VERIFY_WITH_TIMEOUT(root->property("sawWaiting").toBool(), DefaultTimeout);
        QVERIFY(peer->property("active").toBool());
        QVERIFY(server.restart());
        QTRY_COMPARE_WITH_TIMEOUT(root->property("reconnects").toInt(), i, DefaultTimeout);
        root->setProperty("sawWaiting", false);
    }
    const int answers = root->property("answers").toInt();
    QTRY_VERIFY_WITH_TIMEOUT(root->property("answers").toInt() > answers + 2, DefaultTimeout);
    QVERIFY(root->property("failures").toInt() > 0);
    QVERIFY(peer->property("active").toBool());

    // active = false stops reconnecting.
    server.kill();
    QTRY_VERIFY_WITH_TIMEOUT(root->property("sawWaiting").toBool(), DefaultTimeout);
    peer->setProperty("active", false);
    QCOMPARE(peer->property("state").toInt(), int(RpcPeer::UnconnectedState));
#endif
}

// Deleting the QML object while it waits or connects is safe.
void tst_Reconnect::qmlDeleteWhileWaiting()
{
#ifndef HAVE_QML_PLUGIN
    QSKIP("needs the QML module (FIZYRRPCQT_BUILD_QML)");
#else
    QFETCH_GLOBAL(QString, scheme);
    QQmlEngine engine;
    QQmlComponent component(&engine);
    component.setData(R"(
import QtQml
import Fizyr.Rpc
RpcPeer {
    active: true
    autoReconnect: true
    reconnectInitialDelay: 5
    reconnectMaxDelay: 5
}
)",
                      QUrl(QStringLiteral("qrc:/delete.qml")));
    QVERIFY2(component.isReady(), qPrintable(component.errorString()));
    for (const RpcPeer::State target :
         {RpcPeer::WaitingToReconnectState, RpcPeer::ConnectingState}) {
        QPointer<QObject> object(component.createWithInitialProperties(
                {{QStringLiteral("address"), deadAddress(scheme, m_dir)}}));
        QVERIFY(object);
        Deleter deleter(object, int(target));
        QTRY_VERIFY_WITH_TIMEOUT(deleter.deleted(), DefaultTimeout);
        QVERIFY(object.isNull());
    }
    RpcPeer sentinel;
    sentinel.setAutoReconnect(true);
    sentinel.setReconnectInitialDelay(5);
    sentinel.setReconnectMaxDelay(5);
    sentinel.connectToServer(deadAddress(scheme, m_dir));
    QTRY_VERIFY_WITH_TIMEOUT(sentinel.reconnectAttempt() >= 2, DefaultTimeout);
#endif
}

// A GUI closes while its peer waits to reconnect, right after a call that
// finishes from the event loop (NotConnected): the QML tree is deleted before
// the event loop runs again, then the engine. The request finishes during the
// deletion (its promise is rejected) and the engine's shutdown deletes it.
void tst_Reconnect::qmlCallWhileWaitingThenDelete()
{
#ifndef HAVE_QML_PLUGIN
    QSKIP("needs the QML module (FIZYRRPCQT_BUILD_QML)");
#else
    QFETCH_GLOBAL(QString, scheme);
    auto engine = std::make_unique<QQmlEngine>();
    QQmlComponent component(engine.get());
    component.setData(R"(
import QtQml
import Fizyr.Rpc
QtObject {
    id: root
    property string address
    property RpcPeer peer: RpcPeer {
        address: root.address
        active: true
        autoReconnect: true
        reconnectInitialDelay: 60000
        reconnectMaxDelay: 60000
    }
    function send() {
        let request = peer.sendRequest(1, "while waiting")
        // A promise to reject while the tree is being deleted.
        request.promise().catch(error => {})
        return request
    }
}
)",
                      QUrl(QStringLiteral("qrc:/waiting.qml")));
    QVERIFY2(component.isReady(), qPrintable(component.errorString()));
    std::unique_ptr<QObject> root(component.createWithInitialProperties(
            {{QStringLiteral("address"), deadAddress(scheme, m_dir)}}));
    QVERIFY2(root, qPrintable(component.errorString()));
    auto *peer = root->property("peer").value<QObject *>();
    QVERIFY(peer);
    QTRY_COMPARE_WITH_TIMEOUT(peer->property("state").toInt(),
                              int(RpcPeer::WaitingToReconnectState), DefaultTimeout);

    QVariant returned;
    QVERIFY(QMetaObject::invokeMethod(root.get(), "send", Q_RETURN_ARG(QVariant, returned)));
    const QPointer<QObject> request = returned.value<QObject *>();
    QVERIFY(request);
    QSignalSpy finished(request.data(), SIGNAL(finished()));
    QVERIFY(request->property("open").toBool());

    root.reset();
    QCOMPARE(finished.size(), 1);
    QVERIFY(!request->property("open").toBool());
    QCOMPARE(request->property("error").value<RpcError>(), RpcError::NotConnected);

    // Finished, the request belongs to the engine, which deletes it.
    engine.reset();
    QTRY_VERIFY_WITH_TIMEOUT(request.isNull(), DefaultTimeout);
#endif
}

static const char qmlInterfaceClientSource[] = R"(
import QtQml
import Fizyr.Rpc

QtObject {
    id: root
    property string address
    property string interfaceFile
    property int reconnects: 0
    property int greetings: 0
    property int failures: 0
    property RpcPeer peer: RpcPeer {
        address: root.address
        active: true
        autoReconnect: true
        reconnectInitialDelay: 20
        reconnectMaxDelay: 200
        onReconnected: root.reconnects++
        // Long-running requests are sent again on every connection.
        onConnected: root.greet()
    }
    property RpcInterfaceClient greeter: RpcInterfaceClient {
        source: root.interfaceFile
        peer: root.peer
    }
    function greet() {
        greeter.call("greet", { name: "Ada", times: 1 })
            .then(response => root.greetings++, error => root.failures++)
    }
}
)";

// RpcInterfaceClient on a reconnecting QML peer: the same client object
// calls the greeter again after each restart of its server.
void tst_Reconnect::qmlInterfaceClient()
{
#if !defined(HAVE_QML_PLUGIN) || !defined(GREETER_SERVER)
    QSKIP("needs the QML module and the greeter example");
#else
    QFETCH_GLOBAL(QString, scheme);
    ServerProcess server(QStringLiteral(GREETER_SERVER));
    QVERIFY(server.start(addressFor(scheme, m_dir, QStringLiteral("qml-greeter"))));
    QQmlEngine engine;
    QQmlComponent component(&engine);
    component.setData(qmlInterfaceClientSource, QUrl(QStringLiteral("qrc:/interface.qml")));
    QVERIFY2(component.isReady(), qPrintable(component.errorString()));
    std::unique_ptr<QObject> root(component.createWithInitialProperties(
            {{QStringLiteral("address"), server.address()},
             {QStringLiteral("interfaceFile"),
              QUrl::fromLocalFile(QStringLiteral(GREETER_RPC)).toString()}}));
    QVERIFY2(root, qPrintable(component.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(root->property("greetings").toInt(), 1, DefaultTimeout);
    for (int i = 1; i <= 2; ++i) {
        server.kill();
        QVERIFY(server.restart());
        QTRY_COMPARE_WITH_TIMEOUT(root->property("reconnects").toInt(), i, DefaultTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(root->property("greetings").toInt(), i + 1, DefaultTimeout);
    }
    QCOMPARE(root->property("failures").toInt(), 0);
#endif
}

// fizyr-rpc stream --reconnect: started before its server, it waits for it
// (trying again with backoff) and sends once connected.
void tst_Reconnect::toolStreamReconnect()
{
    QFETCH_GLOBAL(QString, scheme);
    if (toolPath().isEmpty())
        QSKIP("needs the fizyr-rpc tool (FIZYRRPCQT_BUILD_TOOLS)");
    // A fixed address for a server that is not there yet.
    const QString address = deadAddress(scheme, m_dir);
    RpcServer server;
    int streams = 0;
    QByteArray body;
    connect(&server, &RpcServer::newConnection, this, [&] {
        while (RpcPeer *p = server.nextPendingConnection()) {
            p->setParent(&server);
            connect(p, &RpcPeer::streamReceived, this, [&](const RpcMessage &m) {
                ++streams;
                body = m.body();
            });
        }
    });

    QProcess tool;
    tool.start(toolPath(),
               {QStringLiteral("stream"), QStringLiteral("--reconnect"),
                QStringLiteral("--backoff"), QStringLiteral("0.02"), address, QStringLiteral("7"),
                QStringLiteral("late but there")});
    QVERIFY(tool.waitForStarted(DefaultTimeout));
    // It reports each failed attempt on stderr; listen once it did.
    QByteArray errors;
    QTRY_VERIFY_WITH_TIMEOUT((errors += tool.readAllStandardError()).contains("trying again"),
                             DefaultTimeout);
    QVERIFY2(server.listen(address), qPrintable(server.errorString()));
    QVERIFY(tool.waitForFinished(DefaultTimeout) || tool.state() == QProcess::NotRunning);
    errors += tool.readAllStandardError();
    QCOMPARE(tool.exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(streams, 1, DefaultTimeout);
    QCOMPARE(body, QByteArray("late but there"));
    QVERIFY2(errors.contains("cannot connect to"), errors.constData());

    // Without --reconnect it fails at once (exit code 2).
    QProcess plain;
    plain.start(toolPath(),
                {QStringLiteral("stream"), deadAddress(scheme, m_dir), QStringLiteral("7"),
                 QStringLiteral("x")});
    QVERIFY(plain.waitForFinished(DefaultTimeout));
    QCOMPARE(plain.exitCode(), 2);

    // --max-attempts bounds the attempts; the last error is the failure.
    QProcess bounded;
    bounded.start(toolPath(),
                  {QStringLiteral("stream"), QStringLiteral("--reconnect"),
                   QStringLiteral("--backoff"), QStringLiteral("0.01"),
                   QStringLiteral("--max-attempts"), QStringLiteral("3"),
                   deadAddress(scheme, m_dir), QStringLiteral("7"), QStringLiteral("x")});
    QVERIFY(bounded.waitForFinished(DefaultTimeout));
    QCOMPARE(bounded.exitCode(), 2);
    const QByteArray boundedErrors = bounded.readAllStandardError();
    QCOMPARE(boundedErrors.count("trying again"), 3);
}

// fizyr-rpc listen --reconnect ADDRESS connects to ADDRESS (a server) and
// prints what it sends, connecting again after the server restarted.
void tst_Reconnect::toolListenReconnect()
{
    QFETCH_GLOBAL(QString, scheme);
    if (toolPath().isEmpty())
        QSKIP("needs the fizyr-rpc tool (FIZYRRPCQT_BUILD_TOOLS)");
    auto server = std::make_unique<RpcServer>();
    QVERIFY(server->listen(addressFor(scheme, m_dir, QStringLiteral("listen-reconnect"))));
    const RpcAddress address = server->serverAddress();
    std::vector<std::unique_ptr<RpcPeer>> accepted;
    int connections = 0;
    const auto accept = [&] {
        while (RpcPeer *p = server->nextPendingConnection()) {
            accepted.emplace_back(p);
            p->sendStream(5, "hello " + QByteArray::number(++connections));
        }
    };
    connect(server.get(), &RpcServer::newConnection, this, accept);

    QProcess tool;
    tool.start(toolPath(),
               {QStringLiteral("listen"), QStringLiteral("--reconnect"),
                QStringLiteral("--backoff"), QStringLiteral("0.02"), address.toString()});
    QVERIFY(tool.waitForStarted(DefaultTimeout));
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += tool.readAllStandardOutput()).contains("\"hello 1\""),
                             DefaultTimeout);
    server->close();
    accepted.clear();
    QTRY_VERIFY_WITH_TIMEOUT((output += tool.readAllStandardOutput()).contains("disconnected"),
                             DefaultTimeout);
    QVERIFY(server->listen(address));
    QTRY_VERIFY_WITH_TIMEOUT((output += tool.readAllStandardOutput()).contains("\"hello 2\""),
                             DefaultTimeout);
    tool.terminate();
    QVERIFY(tool.waitForFinished(DefaultTimeout));
    output += tool.readAllStandardOutput();
    QCOMPARE(tool.exitCode(), 0);
    QVERIFY2(output.contains("[1] connected to "), output.constData());
    QVERIFY2(output.contains("[2] connected to "), output.constData());
}

QTEST_GUILESS_MAIN(tst_Reconnect)
#include "tst_reconnect.moc"

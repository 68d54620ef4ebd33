// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcEpollEventDispatcher, installed before the application object as a user
// would: real peer/server traffic on every transport (requests, updates,
// streams, deletion from a peer's own signal, a nested loop in finished(),
// timeouts, reconnects), Qt's timer semantics, socket notifiers (several on
// one descriptor, one deleted or disabled by another's activation in the same
// pass), a server in a QThread with its own dispatcher, wake-ups from other
// threads, event loop flags, and a loop serving with 2 000 idle socket pairs
// registered.

#include "epolltestsupport.h"

#include <FizyrRpcQt/RpcEpollEventDispatcher>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QEventLoop>
#include <QtCore/QPointer>
#include <QtCore/QSocketNotifier>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

using namespace Fizyr;
using RpcTestSupport::DefaultTimeout;
using namespace EpollTestSupport;

class tst_EpollDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dispatcherInstalled();

    void requestsUpdatesStreams_data() { RpcTestSupport::addTransportRows(); }
    void requestsUpdatesStreams();
    void deletePeerInOwnSignal_data() { RpcTestSupport::addTransportRows(); }
    void deletePeerInOwnSignal();
    void nestedLoopInFinished_data() { RpcTestSupport::addTransportRows(); }
    void nestedLoopInFinished();
    void requestTimeout_data() { RpcTestSupport::addTransportRows(); }
    void requestTimeout();
    void reconnect_data() { RpcTestSupport::addTransportRows(); }
    void reconnect();

    void singleShotAndRepeating();
    void zeroTimer();
    void remainingTime();
    void unregisterInOwnSlot();
    void noReentryInNestedLoop();

    void severalNotifiersOnOneDescriptor();
    void notifierDeletedByAnother_data();
    void notifierDeletedByAnother();
    void excludeSocketNotifiers();
    void aboutToBlockAndAwake();
    void deferredDelete();

    void wakeUpFromOtherThread();
    void serverInThread_data() { RpcTestSupport::addTransportRows(); }
    void serverInThread();
    void manyIdleSockets();
};

void tst_EpollDispatcher::dispatcherInstalled()
{
    QVERIFY(qobject_cast<RpcEpollEventDispatcher *>(QCoreApplication::eventDispatcher()));
    QVERIFY(qobject_cast<RpcEpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
}

void tst_EpollDispatcher::requestsUpdatesStreams()
{
    QFETCH(QString, scheme);
    RpcTestSupport::PeerPair pair;
    QVERIFY(pair.start(scheme));
    serveEcho(pair.serverPeer);

    constexpr int Count = 50;
    int updates = 0;
    int responses = 0;
    std::vector<std::unique_ptr<RpcRequest>> requests;
    for (int i = 0; i < Count; ++i) {
        const QByteArray body = "body " + QByteArray::number(i);
        RpcRequest *request = pair.client->sendRequest(1, body);
        QVERIFY(request);
        connect(request, &RpcRequest::updateReceived, this, [&, body](const RpcMessage &update) {
            if (update.body() == body)
                ++updates;
        });
        connect(request, &RpcRequest::finished, this, [&, request, body] {
            QByteArray reversed = body;
            std::reverse(reversed.begin(), reversed.end());
            if (request->hasResponse() && request->response().body() == reversed)
                ++responses;
        });
        requests.emplace_back(request);
    }
    QTRY_COMPARE_WITH_TIMEOUT(responses, Count, DefaultTimeout);
    QCOMPARE(updates, Count);

    QSignalSpy streams(pair.client.get(), &RpcPeer::streamReceived);
    for (int i = 0; i < Count; ++i)
        QVERIFY(pair.client->sendStream(10, QByteArray::number(i)));
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), Count, DefaultTimeout);
    for (int i = 0; i < Count; ++i) {
        const auto message = streams.at(i).at(0).value<RpcMessage>();
        QCOMPARE(message.serviceId(), 11);
        QCOMPARE(message.body(), QByteArray::number(i));
    }
}

void tst_EpollDispatcher::deletePeerInOwnSignal()
{
    QFETCH(QString, scheme);
    RpcTestSupport::PeerPair pair;
    QVERIFY(pair.start(scheme));

    // The accepted peer deletes itself inside requestReceived.
    QPointer<RpcPeer> accepted = pair.serverPeer.data();
    connect(accepted, &RpcPeer::requestReceived, accepted, [accepted] { delete accepted.data(); });
    // The client deletes itself inside its own disconnected().
    RpcPeer *client = pair.client.release();
    QPointer<RpcPeer> guard(client);
    connect(client, &RpcPeer::disconnected, client, [client] { delete client; });
    client->sendRequest(1, "bye");
    QTRY_VERIFY_WITH_TIMEOUT(accepted.isNull(), DefaultTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), DefaultTimeout);

    // The server still serves.
    QVERIFY(pair.connectClient());
    serveEcho(pair.serverPeer);
    std::unique_ptr<RpcRequest> request(pair.client->sendRequest(1, "ab"));
    QVERIFY(request->waitForFinished(DefaultTimeout));
    QCOMPARE(request->response().body(), QByteArray("ba"));
}

void tst_EpollDispatcher::nestedLoopInFinished()
{
    QFETCH(QString, scheme);
    RpcTestSupport::PeerPair pair;
    QVERIFY(pair.start(scheme));
    serveEcho(pair.serverPeer);

    std::unique_ptr<RpcRequest> first(pair.client->sendRequest(1, "one"));
    std::unique_ptr<RpcRequest> second;
    bool nestedDone = false;
    connect(first.get(), &RpcRequest::finished, this, [&] {
        second.reset(pair.client->sendRequest(1, "two"));
        QEventLoop loop;
        connect(second.get(), &RpcRequest::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(DefaultTimeout, &loop, &QEventLoop::quit);
        loop.exec();
        nestedDone = second->isFinished();
    });
    QTRY_VERIFY_WITH_TIMEOUT(nestedDone, DefaultTimeout);
    QCOMPARE(first->response().body(), QByteArray("eno"));
    QCOMPARE(second->response().body(), QByteArray("owt"));
}

void tst_EpollDispatcher::requestTimeout()
{
    QFETCH(QString, scheme);
    RpcTestSupport::PeerPair pair;
    QVERIFY(pair.start(scheme));
    // The server peer takes the request and never answers.
    connect(pair.serverPeer, &RpcPeer::requestReceived, this, [](RpcRequest *) {});
    std::unique_ptr<RpcRequest> request(pair.client->sendRequest(1, "late"));
    request->setTimeout(50);
    QSignalSpy finished(request.get(), &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(request->error(), RpcError::Timeout);
    QCOMPARE(pair.client->state(), RpcPeer::ConnectedState);
}

void tst_EpollDispatcher::reconnect()
{
    QFETCH(QString, scheme);
    RpcTestSupport::PeerPair pair;
    QVERIFY(pair.start(scheme));
    pair.client->setReconnectInitialDelay(10);
    pair.client->setAutoReconnect(true);
    QSignalSpy reconnected(pair.client.get(), &RpcPeer::reconnected);
    pair.serverPeer->abort();
    QVERIFY(reconnected.wait(DefaultTimeout));
    QTRY_VERIFY_WITH_TIMEOUT(pair.server->hasPendingConnections(), DefaultTimeout);
    std::unique_ptr<RpcPeer> accepted(pair.server->nextPendingConnection());
    serveEcho(accepted.get());
    std::unique_ptr<RpcRequest> request(pair.client->sendRequest(1, "xy"));
    QVERIFY(request->waitForFinished(DefaultTimeout));
    QCOMPARE(request->response().body(), QByteArray("yx"));
}

void tst_EpollDispatcher::singleShotAndRepeating()
{
    int singleShots = 0;
    QTimer::singleShot(5, this, [&] { ++singleShots; });
    QTimer repeating;
    int ticks = 0;
    connect(&repeating, &QTimer::timeout, this, [&] { ++ticks; });
    repeating.start(2);
    QTRY_VERIFY_WITH_TIMEOUT(ticks >= 5, DefaultTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(singleShots, 1, DefaultTimeout);
    repeating.stop();
    const int stoppedAt = ticks;
    QTimer later;
    QSignalSpy laterSpy(&later, &QTimer::timeout);
    later.setSingleShot(true);
    later.start(30);
    QVERIFY(laterSpy.wait(DefaultTimeout));
    QCOMPARE(ticks, stoppedAt);
    QCOMPARE(singleShots, 1);
    QCOMPARE(laterSpy.size(), 1);
}

void tst_EpollDispatcher::zeroTimer()
{
    QTimer zero;
    int ticks = 0;
    connect(&zero, &QTimer::timeout, this, [&] {
        if (++ticks == 10)
            zero.stop();
    });
    zero.start(0);
    QTRY_COMPARE_WITH_TIMEOUT(ticks, 10, DefaultTimeout);
    QVERIFY(!zero.isActive());
}

void tst_EpollDispatcher::remainingTime()
{
    QTimer timer;
    timer.start(60000);
    const int left = timer.remainingTime();
    QVERIFY2(left > 50000 && left <= 60000, qPrintable(QString::number(left)));
    timer.stop();
    QCOMPARE(timer.remainingTime(), -1);
    QCOMPARE(QCoreApplication::eventDispatcher()->remainingTime(123456), -1);

    QObject owner;
    const int id = owner.startTimer(40000);
    const auto timers = QCoreApplication::eventDispatcher()->registeredTimers(&owner);
    QCOMPARE(timers.size(), 1);
    QCOMPARE(timers.first().timerId, id);
    QCOMPARE(timers.first().interval, 40000);
    owner.killTimer(id);
    QVERIFY(QCoreApplication::eventDispatcher()->registeredTimers(&owner).isEmpty());
}

void tst_EpollDispatcher::unregisterInOwnSlot()
{
    // Stopped in its own slot: never again.
    QTimer stopped;
    int stoppedTicks = 0;
    connect(&stopped, &QTimer::timeout, this, [&] {
        ++stoppedTicks;
        stopped.stop();
    });
    stopped.start(1);
    // Deleted in its own slot, with a second timer of the same object's id range.
    auto *deleted = new QTimer;
    QPointer<QTimer> deletedGuard(deleted);
    int deletedTicks = 0;
    connect(deleted, &QTimer::timeout, this, [&] {
        ++deletedTicks;
        delete deleted;
    });
    deleted->start(1);
    runLoopFor(100);
    QCOMPARE(stoppedTicks, 1);
    QCOMPARE(deletedTicks, 1);
    QVERIFY(deletedGuard.isNull());
}

void tst_EpollDispatcher::noReentryInNestedLoop()
{
    QTimer fast;
    int depth = 0;
    int maxDepth = 0;
    int ticks = 0;
    QTimer other;
    int otherTicks = 0;
    connect(&other, &QTimer::timeout, this, [&] { ++otherTicks; });
    connect(&fast, &QTimer::timeout, this, [&] {
        ++ticks;
        maxDepth = qMax(maxDepth, ++depth);
        if (ticks == 1) {
            // A nested loop long enough for fast to be due many times.
            QEventLoop loop;
            const int until = otherTicks + 5;
            QTimer check;
            connect(&check, &QTimer::timeout, &loop, [&] {
                if (otherTicks >= until)
                    loop.quit();
            });
            check.start(1);
            loop.exec();
        }
        --depth;
    });
    other.start(2);
    fast.start(0);
    QTRY_VERIFY_WITH_TIMEOUT(ticks >= 3, DefaultTimeout);
    fast.stop();
    QCOMPARE(maxDepth, 1);
}

void tst_EpollDispatcher::severalNotifiersOnOneDescriptor()
{
    SocketPair pair;
    QVERIFY(pair.open());
    QSocketNotifier read(pair.fds[0], QSocketNotifier::Read);
    QSocketNotifier write(pair.fds[0], QSocketNotifier::Write);
    QSocketNotifier exception(pair.fds[0], QSocketNotifier::Exception);
    QSignalSpy readSpy(&read, &QSocketNotifier::activated);
    QSignalSpy writeSpy(&write, &QSocketNotifier::activated);
    QSignalSpy exceptionSpy(&exception, &QSocketNotifier::activated);

    QVERIFY(writeSpy.wait(DefaultTimeout)); // writable at once
    QCOMPARE(readSpy.size(), 0);
    write.setEnabled(false);
    QCOMPARE(::write(pair.fds[1], "x", 1), 1);
    QVERIFY(readSpy.wait(DefaultTimeout));
    char byte = 0;
    QCOMPARE(::read(pair.fds[0], &byte, 1), 1);
    // Disabled: no more activations of write, and read stays quiet when
    // nothing is to be read.
    writeSpy.clear();
    readSpy.clear();
    runLoopFor(20);
    QCOMPARE(writeSpy.size(), 0);
    QCOMPARE(readSpy.size(), 0);
    QCOMPARE(exceptionSpy.size(), 0);
    // Enabled again, also right after a disable in the same pass.
    write.setEnabled(true);
    QVERIFY(writeSpy.wait(DefaultTimeout));
    write.setEnabled(false);
    write.setEnabled(true);
    writeSpy.clear();
    QVERIFY(writeSpy.wait(DefaultTimeout));
    write.setEnabled(false);
    // A hang-up activates the remaining notifiers of the descriptor.
    ::close(pair.fds[1]);
    pair.fds[1] = -1;
    QVERIFY(readSpy.wait(DefaultTimeout));
    read.setEnabled(false);
    exception.setEnabled(false);
}

void tst_EpollDispatcher::notifierDeletedByAnother_data()
{
    QTest::addColumn<bool>("deleteIt");
    QTest::newRow("delete") << true;
    QTest::newRow("disable") << false;
}

void tst_EpollDispatcher::notifierDeletedByAnother()
{
    QFETCH(bool, deleteIt);
    SocketPair first;
    SocketPair second;
    QVERIFY(first.open());
    QVERIFY(second.open());
    std::unique_ptr<QSocketNotifier> notifiers[2] = {
            std::make_unique<QSocketNotifier>(first.fds[0], QSocketNotifier::Read),
            std::make_unique<QSocketNotifier>(second.fds[0], QSocketNotifier::Read),
    };
    int activations[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
        connect(notifiers[i].get(), &QSocketNotifier::activated, this, [&, i] {
            ++activations[i];
            // Whichever runs first silences the other, ready in the same pass.
            const int other = 1 - i;
            if (deleteIt)
                notifiers[other].reset();
            else if (notifiers[other])
                notifiers[other]->setEnabled(false);
            notifiers[i]->setEnabled(false);
        });
    }
    // Both readable before the loop runs: one epoll_wait() reports both.
    QCOMPARE(::write(first.fds[1], "x", 1), 1);
    QCOMPARE(::write(second.fds[1], "y", 1), 1);
    QTRY_COMPARE_WITH_TIMEOUT(activations[0] + activations[1], 1, DefaultTimeout);
    runLoopFor(20);
    QCOMPARE(activations[0] + activations[1], 1);
}

void tst_EpollDispatcher::excludeSocketNotifiers()
{
    SocketPair pair;
    QVERIFY(pair.open());
    QSocketNotifier read(pair.fds[0], QSocketNotifier::Read);
    QSignalSpy readSpy(&read, &QSocketNotifier::activated);
    connect(&read, &QSocketNotifier::activated, this, [&] {
        char byte = 0;
        QCOMPARE(::read(pair.fds[0], &byte, 1), 1);
    });
    QCOMPARE(::write(pair.fds[1], "x", 1), 1);
    bool posted = false;
    QMetaObject::invokeMethod(
            this, [&] { posted = true; }, Qt::QueuedConnection);
    QCoreApplication::processEvents(QEventLoop::ExcludeSocketNotifiers);
    QVERIFY(posted);
    QCOMPARE(readSpy.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(readSpy.size(), 1, DefaultTimeout);
    read.setEnabled(false);
}

void tst_EpollDispatcher::aboutToBlockAndAwake()
{
    QAbstractEventDispatcher *dispatcher = QCoreApplication::eventDispatcher();
    QSignalSpy aboutToBlock(dispatcher, &QAbstractEventDispatcher::aboutToBlock);
    QSignalSpy awake(dispatcher, &QAbstractEventDispatcher::awake);
    QTimer timer;
    QSignalSpy timeout(&timer, &QTimer::timeout);
    timer.start(10);
    QVERIFY(timeout.wait(DefaultTimeout));
    QVERIFY(aboutToBlock.size() >= 1);
    QVERIFY(awake.size() >= 1);
}

void tst_EpollDispatcher::deferredDelete()
{
    QEventLoop loop;
    auto *object = new QObject;
    QPointer<QObject> guard(object);
    connect(object, &QObject::destroyed, &loop, &QEventLoop::quit);
    QTimer::singleShot(0, object, [object] { object->deleteLater(); });
    QTimer::singleShot(DefaultTimeout, &loop, &QEventLoop::quit);
    loop.exec();
    QVERIFY(guard.isNull());
}

void tst_EpollDispatcher::wakeUpFromOtherThread()
{
    // The main loop blocks with nothing due; only the other thread's queued
    // call (a posted event: wakeUp() through the eventfd) can end it.
    QEventLoop loop;
    bool called = false;
    auto quit = [&] {
        called = true;
        loop.quit();
    };
    std::unique_ptr<QThread> thread(
            QThread::create([&] { QMetaObject::invokeMethod(&loop, quit, Qt::QueuedConnection); }));
    QTimer::singleShot(0, this, [&] { thread->start(); });
    QTimer::singleShot(DefaultTimeout, &loop, &QEventLoop::quit);
    loop.exec();
    QVERIFY(called);
    QVERIFY(thread->wait(DefaultTimeout));

    // exit() from another thread interrupts the wait too.
    QEventLoop loop2;
    std::unique_ptr<QThread> exiter(QThread::create([&] { loop2.exit(7); }));
    QTimer::singleShot(0, this, [&] { exiter->start(); });
    QTimer::singleShot(DefaultTimeout, &loop2, [&] { loop2.exit(1); });
    QCOMPARE(loop2.exec(), 7);
    QVERIFY(exiter->wait(DefaultTimeout));
}

void tst_EpollDispatcher::serverInThread()
{
    QFETCH(QString, scheme);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QThread thread;
    auto *dispatcher = new RpcEpollEventDispatcher;
    thread.setEventDispatcher(dispatcher); // the thread owns it
    auto *server = new RpcServer;
    server->moveToThread(&thread);
    connect(&thread, &QThread::finished, server, &QObject::deleteLater);
    connect(server, &RpcServer::newConnection, server, [server] {
        while (RpcPeer *peer = server->nextPendingConnection()) {
            peer->setParent(server);
            serveEcho(peer);
        }
    });
    thread.start();
    QCOMPARE(thread.eventDispatcher(), dispatcher);
    bool listening = false;
    QString address;
    QMetaObject::invokeMethod(
            server,
            [&] {
                listening = server->listen(
                        RpcTestSupport::addressFor(scheme, dir, QStringLiteral("t")));
                address = server->serverAddress().toString();
            },
            Qt::BlockingQueuedConnection);
    QVERIFY(listening);

    RpcPeer client;
    QSignalSpy connected(&client, &RpcPeer::connected);
    client.connectToServer(address);
    QVERIFY(connected.wait(DefaultTimeout));
    for (int i = 0; i < 20; ++i) {
        std::unique_ptr<RpcRequest> request(client.sendRequest(1, QByteArray::number(i * 11 + 1)));
        QVERIFY(request->waitForFinished(DefaultTimeout));
        QByteArray expected = QByteArray::number(i * 11 + 1);
        std::reverse(expected.begin(), expected.end());
        QCOMPARE(request->response().body(), expected);
    }
    client.abort();
    thread.quit();
    QVERIFY(thread.wait(DefaultTimeout));
}

void tst_EpollDispatcher::manyIdleSockets()
{
    constexpr int Pairs = 2000;
    rlimit limit{};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_cur < 2 * Pairs + 256) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 2 * Pairs + 256);
        QCOMPARE(::setrlimit(RLIMIT_NOFILE, &limit), 0);
    }
    QVERIFY2(limit.rlim_cur >= 2 * Pairs + 256,
             "the descriptor limit is too low (a platform limit)");

    std::vector<std::unique_ptr<SocketPair>> pairs;
    std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
    int idleActivations = 0;
    for (int i = 0; i < Pairs; ++i) {
        pairs.push_back(std::make_unique<SocketPair>());
        QVERIFY(pairs.back()->open());
        notifiers.push_back(
                std::make_unique<QSocketNotifier>(pairs.back()->fds[0], QSocketNotifier::Read));
        connect(notifiers.back().get(), &QSocketNotifier::activated, this,
                [&](QSocketDescriptor fd) {
                    ++idleActivations;
                    char byte = 0;
                    QCOMPARE(::read(int(fd), &byte, 1), 1);
                });
    }

    RpcTestSupport::PeerPair pair;
    QVERIFY(pair.start(QStringLiteral("unix")));
    serveEcho(pair.serverPeer);
    for (int i = 0; i < 100; ++i) {
        std::unique_ptr<RpcRequest> request(pair.client->sendRequest(1, "ab"));
        QVERIFY(request->waitForFinished(DefaultTimeout));
        QCOMPARE(request->response().body(), QByteArray("ba"));
    }
    QCOMPARE(idleActivations, 0);

    // One of them becomes ready: it alone is activated.
    QCOMPARE(::write(pairs[1234]->fds[1], "x", 1), 1);
    QTRY_COMPARE_WITH_TIMEOUT(idleActivations, 1, DefaultTimeout);
    notifiers.clear();
}

int main(int argc, char **argv)
{
    // As an application does: before the application object exists.
    QCoreApplication::setEventDispatcher(new RpcEpollEventDispatcher);
    QCoreApplication app(argc, argv);
    tst_EpollDispatcher test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"

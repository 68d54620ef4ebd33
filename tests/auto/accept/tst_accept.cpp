// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcServer's accept side, on every transport: setMaxPendingConnections()
// leaves further clients in the kernel's backlog until a pending one is
// taken; pauseAccepting()/resumeAccepting(); and an accept() that fails
// for want of file descriptors (RLIMIT_NOFILE lowered in this process) is
// reported with errorOccurred() and retried, instead of ending accepting.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtCore/QFileInfo>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <memory>
#include <vector>

using namespace Fizyr;
using namespace RpcTestSupport;

class tst_Accept : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void maxPendingConnections();
    void pauseAndResume();
    void outOfFileDescriptors();

private:
    // Lets the event loop run a few rounds: whatever was ready is handled.
    static void settle()
    {
        for (int i = 0; i < 10; ++i)
            QCoreApplication::processEvents();
    }
    // Connects count clients to server and waits until all are connected
    // (in the kernel's sense: accepted or in the backlog).
    static bool connectClients(RpcServer &server, int count,
                               std::vector<std::unique_ptr<RpcPeer>> *clients)
    {
        for (int i = 0; i < count; ++i) {
            auto client = std::make_unique<RpcPeer>();
            client->connectToServer(server.serverAddress());
            clients->push_back(std::move(client));
        }
        QDeadlineTimer deadline(DefaultTimeout);
        for (const auto &client : *clients) {
            while (client->state() != RpcPeer::ConnectedState && !deadline.hasExpired())
                QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
            if (client->state() != RpcPeer::ConnectedState)
                return false;
        }
        return true;
    }

    QTemporaryDir m_dir;
};

void tst_Accept::maxPendingConnections()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcServer server;
    QCOMPARE(server.maxPendingConnections(), 30);
    server.setMaxPendingConnections(0);
    QCOMPARE(server.maxPendingConnections(), 1);
    server.setMaxPendingConnections(2);
    QVERIFY(server.listen(addressFor(scheme, m_dir, QStringLiteral("max"))));
    QSignalSpy newConnection(&server, &RpcServer::newConnection);
    std::vector<std::unique_ptr<RpcPeer>> clients;
    QVERIFY(connectClients(server, 5, &clients));
    QTRY_COMPARE_WITH_TIMEOUT(newConnection.size(), 2, DefaultTimeout);
    settle();
    QCOMPARE(newConnection.size(), 2); // the others wait in the backlog
    std::vector<RpcPeer *> taken;
    taken.push_back(server.nextPendingConnection());
    QTRY_COMPARE_WITH_TIMEOUT(newConnection.size(), 3, DefaultTimeout);
    settle();
    QCOMPARE(newConnection.size(), 3);
    while (taken.size() < 5) {
        if (RpcPeer *peer = server.nextPendingConnection())
            taken.push_back(peer);
        else
            QVERIFY(newConnection.wait(DefaultTimeout));
    }
    QCOMPARE(newConnection.size(), 5);
    for (RpcPeer *peer : taken) {
        QVERIFY(peer);
        QCOMPARE(peer->state(), RpcPeer::ConnectedState);
    }
    // Every client is served.
    int streams = 0;
    for (const auto &client : clients)
        connect(client.get(), &RpcPeer::streamReceived, this, [&streams] { ++streams; });
    for (RpcPeer *peer : taken)
        QVERIFY(peer->sendStream(1, "hello"));
    QTRY_COMPARE_WITH_TIMEOUT(streams, 5, DefaultTimeout);
}

void tst_Accept::pauseAndResume()
{
    QFETCH_GLOBAL(QString, scheme);
    RpcServer server;
    QVERIFY(server.listen(addressFor(scheme, m_dir, QStringLiteral("pause"))));
    QSignalSpy newConnection(&server, &RpcServer::newConnection);
    server.pauseAccepting();
    std::vector<std::unique_ptr<RpcPeer>> clients;
    QVERIFY(connectClients(server, 3, &clients));
    settle();
    QCOMPARE(newConnection.size(), 0);
    QVERIFY(server.isListening());
    server.resumeAccepting();
    QTRY_COMPARE_WITH_TIMEOUT(newConnection.size(), 3, DefaultTimeout);
    // Paused again while connections are pending: they stay pending and can
    // be taken; new ones wait.
    server.pauseAccepting();
    QVERIFY(connectClients(server, 1, &clients));
    settle();
    QCOMPARE(newConnection.size(), 3);
    for (int i = 0; i < 3; ++i)
        QVERIFY(server.nextPendingConnection());
    settle();
    QCOMPARE(newConnection.size(), 3);
    server.resumeAccepting();
    QTRY_COMPARE_WITH_TIMEOUT(newConnection.size(), 4, DefaultTimeout);
    QVERIFY(server.nextPendingConnection());
}

void tst_Accept::outOfFileDescriptors()
{
    // The sanitizers' runtime checks memory through a pipe() of its own
    // (UBSan's vptr check, for one): with no descriptor left in the process it
    // reports errors that are not there. The plain build runs this test.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
    QSKIP("the sanitizer runtime needs file descriptors of its own; run in the plain build");
#elif defined(__has_feature)
#    if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
    QSKIP("the sanitizer runtime needs file descriptors of its own; run in the plain build");
#    endif
#endif
    QFETCH_GLOBAL(QString, scheme);
    RpcServer server;
    const QString address = addressFor(scheme, m_dir, QStringLiteral("emfile"));
    QVERIFY(server.listen(address));
    QSignalSpy newConnection(&server, &RpcServer::newConnection);
    QSignalSpy errors(&server, &RpcServer::errorOccurred);

    rlimit saved = {};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    // Room for exactly one more descriptor: the client's socket. The
    // server's accept() then fails with EMFILE.
    const int lowest = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    QVERIFY(lowest >= 0);
    ::close(lowest);
    rlimit lowered = saved;
    lowered.rlim_cur = rlim_t(lowest + 1);
    QCOMPARE(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
    auto client = std::make_unique<RpcPeer>();
    client->connectToServer(server.serverAddress());
    const bool failed = errors.wait(DefaultTimeout) || !errors.isEmpty();
    QCOMPARE(::setrlimit(RLIMIT_NOFILE, &saved), 0);
    QVERIFY(failed);
    QCOMPARE(newConnection.size(), 0);
    QCOMPARE(server.error(), RpcError::SocketResource);
    QVERIFY2(server.errorString().contains(QLatin1String("cannot accept a connection")),
             qPrintable(server.errorString()));
    qInfo("%s: %s", qPrintable(scheme), qPrintable(server.errorString()));
    QVERIFY(server.isListening());
    // Descriptors are available again: the retry accepts the waiting client.
    QTRY_COMPARE_WITH_TIMEOUT(newConnection.size(), 1, DefaultTimeout);
    RpcPeer *peer = server.nextPendingConnection();
    QVERIFY(peer);
    QVERIFY(peer->sendStream(1, "after"));
    QSignalSpy stream(client.get(), &RpcPeer::streamReceived);
    QVERIFY(stream.wait(DefaultTimeout) || !stream.isEmpty());
    // And it keeps accepting.
    std::vector<std::unique_ptr<RpcPeer>> more;
    QVERIFY(connectClients(server, 2, &more));
    QTRY_COMPARE_WITH_TIMEOUT(newConnection.size(), 3, DefaultTimeout);
    if (scheme != QLatin1String("tcp"))
        QVERIFY(QFileInfo::exists(server.serverAddress().path()));
}

QTEST_GUILESS_MAIN(tst_Accept)
#include "tst_accept.moc"

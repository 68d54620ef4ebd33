// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Who may connect to a Unix listener: the access policy (user and group
// ids, same user, callback), evaluated before anything is read; socket file
// permissions; abstract-namespace addresses. Clients of another user id run
// as separate processes through setpriv (root only).

#include <FizyrRpcQt/RpcAccessPolicy>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace Fizyr;

constexpr int Timeout = 20000;
// The user and group ids of the other clients; no account is needed for them.
constexpr qint64 OtherUid = 54321;
constexpr qint64 OtherGid = 54322;

class tst_Access : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void otherUserRejected_data();
    void otherUserRejected();
    void allowedUserPasses_data();
    void allowedUserPasses();
    void allowedGroupPasses();
    void callbackDecides();
    void sameUserPasses_data();
    void sameUserPasses();
    void socketFilePermissions_data();
    void socketFilePermissions();
    void abstractAddress_data();
    void abstractAddress();
    void policyOnTcpIsRefused();
    void policyValueType();
    void deleteServerInPeerRejected_data();
    void deleteServerInPeerRejected();

private:
    void addRows();
    QString address(const QString &kind, bool abstract, const QString &name) const;
    // Runs client.py as uid/gid against address; returns its one line.
    QString runClientAs(qint64 uid, qint64 gid, const QString &kind, const QString &address);
    // Starts an echo server on address with policy.
    std::unique_ptr<RpcServer> startServer(const QString &address, const RpcAccessPolicy &policy,
                                           int mode = 0777);

    QTemporaryDir m_dir;
    bool m_root = false;
    int m_counter = 0;
};

void tst_Access::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_root = ::geteuid() == 0;
    // The other user must reach the socket files.
    QVERIFY(QFile::setPermissions(m_dir.path(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                          | QFile::ReadOther | QFile::ExeOther | QFile::ReadGroup
                                          | QFile::ExeGroup));
}

void tst_Access::addRows()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("abstract");
    QTest::newRow("unix") << QStringLiteral("unix") << false;
    QTest::newRow("unix abstract") << QStringLiteral("unix") << true;
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("seqpacket") << QStringLiteral("seqpacket") << false;
    QTest::newRow("seqpacket abstract") << QStringLiteral("seqpacket") << true;
#endif
}

QString tst_Access::address(const QString &kind, bool abstract, const QString &name) const
{
    const QString unique = QStringLiteral("%1-%2-%3")
                                   .arg(name)
                                   .arg(QCoreApplication::applicationPid())
                                   .arg(const_cast<tst_Access *>(this)->m_counter++);
    if (abstract)
        return kind + QStringLiteral(":@fizyr-rpc-qt-test-") + unique;
    return kind + QLatin1Char(':') + m_dir.filePath(unique + QStringLiteral(".sock"));
}

QString tst_Access::runClientAs(qint64 uid, qint64 gid, const QString &kind, const QString &address)
{
    const QString target = address.mid(address.indexOf(QLatin1Char(':')) + 1);
    // The script goes on the command line: the other user may not be able
    // to read the source tree. The system's interpreter, not a per-user shim.
    QFile script(QStringLiteral(ACCESS_CLIENT_SCRIPT));
    if (!script.open(QIODevice::ReadOnly))
        return QString();
    const QString python = QFile::exists(QStringLiteral("/usr/bin/python3"))
            ? QStringLiteral("/usr/bin/python3")
            : QStringLiteral("python3");
    QProcess process;
    process.start(QStringLiteral("setpriv"),
                  {QStringLiteral("--reuid=%1").arg(uid), QStringLiteral("--regid=%1").arg(gid),
                   QStringLiteral("--clear-groups"), python, QStringLiteral("-c"),
                   QString::fromUtf8(script.readAll()), kind, target});
    // The event loop runs meanwhile: the server in this process must answer.
    QSignalSpy finished(&process, &QProcess::finished);
    if ((finished.isEmpty() && !finished.wait(Timeout * 2)) || process.exitCode() != 0) {
        qWarning() << "client failed:" << process.readAllStandardError();
        return QString();
    }
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

std::unique_ptr<RpcServer> tst_Access::startServer(const QString &address,
                                                   const RpcAccessPolicy &policy, int mode)
{
    auto server = std::make_unique<RpcServer>();
    server->setAccessPolicy(policy);
    server->setSocketFileMode(mode);
    if (!server->listen(address)) {
        qWarning() << "listen failed:" << server->errorString();
        return nullptr;
    }
    RpcServer *s = server.get();
    connect(s, &RpcServer::newConnection, s, [s] {
        while (RpcPeer *peer = s->nextPendingConnection()) {
            connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
                request->sendResponse(0, request->body());
                request->deleteLater();
            });
            connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
        }
    });
    return server;
}

#define REQUIRE_ROOT() \
    if (!m_root) \
    QSKIP("running clients as another user id (setpriv --reuid) needs root; run this test as " \
          "root to check the access policy against other users")

void tst_Access::otherUserRejected_data()
{
    addRows();
}

void tst_Access::otherUserRejected()
{
    QFETCH(QString, kind);
    QFETCH(bool, abstract);
    REQUIRE_ROOT();
    const QString where = address(kind, abstract, QStringLiteral("reject"));
    auto server = startServer(where, RpcAccessPolicy::sameUser());
    QVERIFY(server);
    QSignalSpy rejected(server.get(), &RpcServer::peerRejected);
    QSignalSpy newConnection(server.get(), &RpcServer::newConnection);
    QCOMPARE(runClientAs(OtherUid, OtherGid, kind, where), QStringLiteral("closed"));
    QTRY_COMPARE_WITH_TIMEOUT(rejected.size(), 1, Timeout);
    const auto credentials = rejected.first().first().value<RpcPeerCredentials>();
    QVERIFY(credentials.isValid());
    QCOMPARE(credentials.userId(), OtherUid);
    QCOMPARE(credentials.groupId(), OtherGid);
    QVERIFY(credentials.processId() > 0);
    QCOMPARE(newConnection.size(), 0);

    // The server's own user still gets in.
    RpcPeer client;
    client.connectToServer(where);
    QVERIFY(client.waitForConnected(Timeout));
    std::unique_ptr<RpcRequest> request(client.sendRequest(5, "me"));
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->response().body(), QByteArray("me"));
    QCOMPARE(rejected.size(), 1);
}

void tst_Access::allowedUserPasses_data()
{
    addRows();
}

void tst_Access::allowedUserPasses()
{
    QFETCH(QString, kind);
    QFETCH(bool, abstract);
    REQUIRE_ROOT();
    RpcAccessPolicy policy;
    policy.setAllowedUserIds({1000, OtherUid});
    const QString where = address(kind, abstract, QStringLiteral("allow"));
    auto server = startServer(where, policy);
    QVERIFY(server);
    QSignalSpy rejected(server.get(), &RpcServer::peerRejected);
    QCOMPARE(runClientAs(OtherUid, OtherGid, kind, where), QStringLiteral("response hi"));
    // A user that is not in the list is refused (root included).
    QCOMPARE(runClientAs(OtherUid + 1, OtherGid, kind, where), QStringLiteral("closed"));
    QTRY_COMPARE_WITH_TIMEOUT(rejected.size(), 1, Timeout);
    QCOMPARE(rejected.first().first().value<RpcPeerCredentials>().userId(), OtherUid + 1);
    RpcPeer client;
    QSignalSpy disconnected(&client, &RpcPeer::disconnected);
    client.connectToServer(where);
    QVERIFY(disconnected.wait(Timeout) || client.state() == RpcPeer::UnconnectedState);
    QTRY_COMPARE_WITH_TIMEOUT(rejected.size(), 2, Timeout);
    QCOMPARE(rejected.at(1).first().value<RpcPeerCredentials>().userId(), qint64(::geteuid()));
}

void tst_Access::allowedGroupPasses()
{
    REQUIRE_ROOT();
    RpcAccessPolicy policy;
    policy.setAllowedGroupIds({OtherGid});
    const QString where = address(QStringLiteral("unix"), false, QStringLiteral("group"));
    auto server = startServer(where, policy);
    QVERIFY(server);
    QCOMPARE(runClientAs(OtherUid, OtherGid, QStringLiteral("unix"), where),
             QStringLiteral("response hi"));
    QCOMPARE(runClientAs(OtherUid, OtherGid + 1, QStringLiteral("unix"), where),
             QStringLiteral("closed"));
}

void tst_Access::callbackDecides()
{
    REQUIRE_ROOT();
    QList<RpcPeerCredentials> asked;
    RpcAccessPolicy policy;
    policy.setCallback([&asked](const RpcPeerCredentials &credentials) {
        asked.append(credentials);
        return credentials.userId() % 2 == 1; // odd user ids only
    });
    QVERIFY(policy.isRestricted());
    const QString where = address(QStringLiteral("unix"), false, QStringLiteral("callback"));
    auto server = startServer(where, policy);
    QVERIFY(server);
    QCOMPARE(runClientAs(OtherUid, OtherGid, QStringLiteral("unix"), where),
             QStringLiteral("response hi"));
    QCOMPARE(runClientAs(OtherUid + 1, OtherGid, QStringLiteral("unix"), where),
             QStringLiteral("closed"));
    QCOMPARE(asked.size(), 2);
    QCOMPARE(asked.at(0).userId(), OtherUid);
    QCOMPARE(asked.at(1).userId(), OtherUid + 1);
}

void tst_Access::sameUserPasses_data()
{
    addRows();
}

void tst_Access::sameUserPasses()
{
    QFETCH(QString, kind);
    QFETCH(bool, abstract);
    const QString where = address(kind, abstract, QStringLiteral("same"));
    auto server = startServer(where, RpcAccessPolicy::sameUser(), 0600);
    QVERIFY(server);
    QSignalSpy rejected(server.get(), &RpcServer::peerRejected);
    RpcPeer client;
    client.connectToServer(where);
    QVERIFY(client.waitForConnected(Timeout));
    // An accepted peer sees no difference: traffic in both directions.
    std::unique_ptr<RpcRequest> request(client.sendRequest(5, "same user"));
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->response().body(), QByteArray("same user"));
    QVERIFY(client.sendStream(1, "stream"));
    QCOMPARE(rejected.size(), 0);
}

void tst_Access::socketFilePermissions_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("unix") << QStringLiteral("unix");
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("seqpacket") << QStringLiteral("seqpacket");
#endif
}

void tst_Access::socketFilePermissions()
{
    QFETCH(QString, kind);
    const QString where = address(kind, false, QStringLiteral("mode"));
    const QString path = where.mid(where.indexOf(QLatin1Char(':')) + 1);
    RpcServer server;
    server.setSocketFileMode(0640);
    if (m_root)
        server.setSocketFileGroup(OtherGid);
    QCOMPARE(server.socketFileMode(), 0640);
    QVERIFY2(server.listen(where), qPrintable(server.errorString()));
    struct stat info = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &info), 0);
    QVERIFY(S_ISSOCK(info.st_mode));
    QCOMPARE(int(info.st_mode & 07777), 0640);
    if (m_root)
        QCOMPARE(qint64(info.st_gid), OtherGid);
    server.close();
    QVERIFY(!QFile::exists(path));

    // A mode without write permission for others: another user cannot even connect.
    if (m_root) {
        auto open = startServer(where, RpcAccessPolicy(), 0600);
        QVERIFY(open);
        QVERIFY(runClientAs(OtherUid, OtherGid, kind, where).startsWith(QStringLiteral("refused")));
        // And 0666 lets it in (no policy).
        open.reset();
        auto wide = startServer(where, RpcAccessPolicy(), 0666);
        QVERIFY(wide);
        QCOMPARE(runClientAs(OtherUid, OtherGid, kind, where), QStringLiteral("response hi"));
    }
}

void tst_Access::abstractAddress_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("unix") << QStringLiteral("unix");
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("seqpacket") << QStringLiteral("seqpacket");
#endif
}

void tst_Access::abstractAddress()
{
    QFETCH(QString, kind);
    const QString where = address(kind, true, QStringLiteral("abstract"));
    auto server = startServer(where, RpcAccessPolicy());
    QVERIFY(server);
    QCOMPARE(server->serverAddress().toString(), where);
    RpcPeer client;
    client.connectToServer(where);
    QVERIFY(client.waitForConnected(Timeout));
    QCOMPARE(client.peerAddress().toString(), where);
    std::unique_ptr<RpcRequest> request(client.sendRequest(5, "abstract"));
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->response().body(), QByteArray("abstract"));
    // No file anywhere: nothing to clean up, and the name is free again after close().
    server.reset();
    RpcServer again;
    QVERIFY2(again.listen(where), qPrintable(again.errorString()));
}

void tst_Access::policyOnTcpIsRefused()
{
    RpcServer server;
    server.setAccessPolicy(RpcAccessPolicy::sameUser());
    QVERIFY(!server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    QCOMPARE(server.error(), RpcError::InvalidOperation);
    QVERIFY(server.errorString().contains(QStringLiteral("Unix sockets only")));
}

void tst_Access::policyValueType()
{
    RpcAccessPolicy open;
    QVERIFY(!open.isRestricted());
    QVERIFY(open.allows(RpcPeerCredentials()));
    QVERIFY(open.allows(RpcPeerCredentials(1, 2, 3)));
    RpcAccessPolicy users;
    users.setAllowedUserIds({7});
    RpcAccessPolicy copy = users;
    QVERIFY(copy.isRestricted());
    QVERIFY(copy.allows(RpcPeerCredentials(1, 7, 9)));
    QVERIFY(!copy.allows(RpcPeerCredentials(1, 8, 9)));
    QVERIFY(!copy.allows(RpcPeerCredentials())); // unknown credentials are refused
    copy.setAllowedGroupIds({9});
    QVERIFY(copy.allows(RpcPeerCredentials(1, 8, 9)));
    QVERIFY(!users.allows(RpcPeerCredentials(1, 8, 9))); // the original is unchanged
    QVERIFY(RpcAccessPolicy::sameUser().allows(RpcPeerCredentials(1, ::geteuid(), 0)));
    QVERIFY(!RpcAccessPolicy::sameUser().allows(RpcPeerCredentials(1, ::geteuid() + 1, 0)));
}

void tst_Access::deleteServerInPeerRejected_data()
{
    addRows();
}

// The server may be deleted from a slot connected to peerRejected().
void tst_Access::deleteServerInPeerRejected()
{
    QFETCH(QString, kind);
    QFETCH(bool, abstract);
    RpcAccessPolicy nobody;
    nobody.setCallback([](const RpcPeerCredentials &) { return false; });
    QPointer<RpcServer> server = new RpcServer;
    server->setAccessPolicy(nobody);
    const QString where = address(kind, abstract, QStringLiteral("delete"));
    QVERIFY2(server->listen(where), qPrintable(server->errorString()));
    connect(server, &RpcServer::peerRejected, server, [&server] { delete server.data(); });
    RpcPeer first;
    RpcPeer second;
    first.connectToServer(where);
    second.connectToServer(where);
    QTRY_VERIFY_WITH_TIMEOUT(!server, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(first.state(), RpcPeer::UnconnectedState, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(second.state(), RpcPeer::UnconnectedState, Timeout);
}

QTEST_GUILESS_MAIN(tst_Access)

#include "tst_access.moc"

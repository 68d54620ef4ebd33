// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcPeerCredentials: value semantics, reading SO_PEERCRED, meta-type integration.

#include <FizyrRpcQt/RpcPeerCredentials>

#include <QtCore/qmetaobject.h>
#include <QtCore/qvariant.h>
#include <QtTest/qtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <type_traits>

using namespace Fizyr;

class tst_RpcPeerCredentials : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultConstructed();
    void construction();
    void valueSemantics();
    void fromSocketDescriptor();
    void debugOutput();
    void gadget();
};

void tst_RpcPeerCredentials::defaultConstructed()
{
    const RpcPeerCredentials credentials;
    QVERIFY(!credentials.isValid());
    QCOMPARE(credentials.processId(), -1);
    QCOMPARE(credentials.userId(), -1);
    QCOMPARE(credentials.groupId(), -1);
    QCOMPARE(credentials, RpcPeerCredentials());
}

void tst_RpcPeerCredentials::construction()
{
    const RpcPeerCredentials credentials(10, 20, 30);
    QVERIFY(credentials.isValid());
    QCOMPARE(credentials.processId(), 10);
    QCOMPARE(credentials.userId(), 20);
    QCOMPARE(credentials.groupId(), 30);
    QVERIFY(credentials != RpcPeerCredentials());
    QVERIFY(credentials == RpcPeerCredentials(10, 20, 30));
    QVERIFY(credentials != RpcPeerCredentials(10, 20, 31));
    QVERIFY(credentials != RpcPeerCredentials(10, 21, 30));
    QVERIFY(credentials != RpcPeerCredentials(11, 20, 30));
    QVERIFY(!RpcPeerCredentials(-1, 0, 0).isValid());
}

void tst_RpcPeerCredentials::valueSemantics()
{
    static_assert(std::is_nothrow_move_constructible_v<RpcPeerCredentials>);
    static_assert(std::is_nothrow_move_assignable_v<RpcPeerCredentials>);
    static_assert(noexcept(
            std::declval<RpcPeerCredentials &>().swap(std::declval<RpcPeerCredentials &>())));
    static_assert(QTypeInfo<RpcPeerCredentials>::isRelocatable);

    RpcPeerCredentials a(1, 2, 3);
    RpcPeerCredentials b;
    const RpcPeerCredentials copyOfA = a;
    QCOMPARE(copyOfA, a);
    a.swap(b);
    QVERIFY(!a.isValid());
    QCOMPARE(b, copyOfA);
    RpcPeerCredentials moved = std::move(b);
    QCOMPARE(moved, copyOfA);
    b = copyOfA; // a moved-from object can be assigned to
    QCOMPARE(b.processId(), 1);
    moved = RpcPeerCredentials();
    QVERIFY(!moved.isValid());
}

void tst_RpcPeerCredentials::fromSocketDescriptor()
{
    int pair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    const RpcPeerCredentials credentials = RpcPeerCredentials::fromSocketDescriptor(pair[0]);
    ::close(pair[0]);
    ::close(pair[1]);
#ifdef Q_OS_LINUX
    QVERIFY(credentials.isValid());
    QCOMPARE(credentials.processId(), qint64(::getpid()));
    QCOMPARE(credentials.userId(), qint64(::getuid()));
    QCOMPARE(credentials.groupId(), qint64(::getgid()));
#else
    QVERIFY(!credentials.isValid());
#endif
    QVERIFY(!RpcPeerCredentials::fromSocketDescriptor(-1).isValid());
}

void tst_RpcPeerCredentials::debugOutput()
{
    QString text;
    QDebug(&text) << RpcPeerCredentials(4, 5, 6);
    QVERIFY2(text.contains(QStringLiteral("RpcPeerCredentials(pid=4, uid=5, gid=6)")),
             qPrintable(text));
}

void tst_RpcPeerCredentials::gadget()
{
    const RpcPeerCredentials credentials(7, 8, 9);
    const QMetaObject &mo = RpcPeerCredentials::staticMetaObject;
    QCOMPARE(mo.property(mo.indexOfProperty("valid")).readOnGadget(&credentials).toBool(), true);
    QCOMPARE(mo.property(mo.indexOfProperty("processId")).readOnGadget(&credentials).toLongLong(),
             7);
    QCOMPARE(mo.property(mo.indexOfProperty("userId")).readOnGadget(&credentials).toLongLong(), 8);
    QCOMPARE(mo.property(mo.indexOfProperty("groupId")).readOnGadget(&credentials).toLongLong(), 9);
    QCOMPARE(QVariant::fromValue(credentials).value<RpcPeerCredentials>(), credentials);
}

QTEST_GUILESS_MAIN(tst_RpcPeerCredentials)
#include "tst_rpcpeercredentials.moc"

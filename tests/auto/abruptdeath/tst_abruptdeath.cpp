// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Abrupt death: the other process is killed (SIGKILL) in the middle of
// transactions both ways. Every open request finishes with an error exactly
// once, the peer reports the disconnect, nothing hangs.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>

#include "rpctestsupport.h"

#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Fizyr;
using namespace RpcTestSupport;

constexpr int Timeout = 30000;

class tst_AbruptDeath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void killedMidTransaction();

private:
    QTemporaryDir m_dir;
};

void tst_AbruptDeath::killedMidTransaction()
{
    QFETCH_GLOBAL(QString, scheme);
    QProcess other;
    other.start(QStringLiteral(ABRUPT_PEER), {addressFor(scheme, m_dir, QStringLiteral("abrupt"))});
    QVERIFY(other.waitForStarted(Timeout));
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += other.readAllStandardOutput()).contains('\n'), Timeout);
    QVERIFY2(output.startsWith("ready "), output.constData());
    const QString address = QString::fromUtf8(output.mid(6, output.indexOf('\n') - 6));

    RpcPeer peer;
    QList<QPointer<RpcRequest>> incoming;
    connect(&peer, &RpcPeer::requestReceived, this,
            [&](RpcRequest *request) { incoming.append(request); });
    peer.connectToServer(address);
    QVERIFY(peer.waitForConnected(Timeout));

    constexpr int Count = 5;
    QList<RpcRequest *> requests;
    QList<std::shared_ptr<QSignalSpy>> finished;
    QList<std::shared_ptr<QSignalSpy>> errors;
    for (int i = 0; i < Count; ++i) {
        requests.append(peer.sendRequest(1, QByteArray::number(i)));
        finished.append(std::make_shared<QSignalSpy>(requests.last(), &RpcRequest::finished));
        errors.append(std::make_shared<QSignalSpy>(requests.last(), &RpcRequest::errorOccurred));
    }
    // Wait until the other side holds all of them, and we hold its request.
    QTRY_VERIFY_WITH_TIMEOUT((output += other.readAllStandardOutput()).contains("got 5"), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(incoming.size(), 1, Timeout);
    QSignalSpy incomingFinished(incoming.first().data(), &RpcRequest::finished);
    QSignalSpy disconnected(&peer, &RpcPeer::disconnected);

    other.kill(); // SIGKILL
    QVERIFY(other.waitForFinished(Timeout));
    QCOMPARE(other.exitStatus(), QProcess::CrashExit);

    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, Timeout);
    QCOMPARE(peer.state(), RpcPeer::UnconnectedState);
    for (int i = 0; i < Count; ++i) {
        QCOMPARE(finished.at(i)->size(), 1);
        QCOMPARE(errors.at(i)->size(), 1);
        QCOMPARE(requests.at(i)->error(), RpcError::ConnectionLost);
    }
    QCOMPARE(incomingFinished.size(), 1);
    QCOMPARE(incoming.first()->error(), RpcError::ConnectionLost);
    QCOMPARE(peer.openRequestCount(), 0);
    // And stays that way.
    QCoreApplication::processEvents();
    for (int i = 0; i < Count; ++i)
        QCOMPARE(finished.at(i)->size(), 1);
    QCOMPARE(disconnected.size(), 1);
}

QTEST_GUILESS_MAIN(tst_AbruptDeath)
#include "tst_abruptdeath.moc"

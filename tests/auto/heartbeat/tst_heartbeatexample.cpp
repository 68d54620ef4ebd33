// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// examples/heartbeat: "heartbeat watch" detects a "heartbeat serve" that
// stops answering its pings, over every transport.

#include "rpctestsupport.h"

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

using RpcTestSupport::DefaultTimeout;

class tst_HeartbeatExample : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hangingServer_data() { RpcTestSupport::addTransportRows(); }
    void hangingServer();
};

void tst_HeartbeatExample::hangingServer()
{
    QFETCH(QString, scheme);
    QTemporaryDir dir;
    QProcess server;
    server.start(QStringLiteral(HEARTBEAT_EXAMPLE),
                 {QStringLiteral("serve"),
                  RpcTestSupport::addressFor(scheme, dir, QStringLiteral("sensor")),
                  QStringLiteral("3")});
    QVERIFY(server.waitForStarted(DefaultTimeout));
    QTRY_VERIFY_WITH_TIMEOUT(server.canReadLine() || server.waitForReadyRead(10), DefaultTimeout);
    const QString listening = QString::fromUtf8(server.readLine()).trimmed();
    QVERIFY2(listening.startsWith(QLatin1String("listening on ")), qPrintable(listening));
    const QString address = listening.mid(QStringLiteral("listening on ").size());

    QProcess watcher;
    watcher.start(QStringLiteral(HEARTBEAT_EXAMPLE), {QStringLiteral("watch"), address});
    QVERIFY(watcher.waitForFinished(DefaultTimeout * 3));
    const QString output = QString::fromUtf8(watcher.readAllStandardOutput());
    const QString errors = QString::fromUtf8(watcher.readAllStandardError());
    QVERIFY2(watcher.exitStatus() == QProcess::NormalExit && watcher.exitCode() == 0,
             qPrintable(output + errors));
    const QStringList lines = output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.value(0), QStringLiteral("connected"));
    QVERIFY2(lines.contains(QStringLiteral("reading: 21.5 C")), qPrintable(output));
    QVERIFY2(lines.last().startsWith(QLatin1String("connection closed: no answer to the "
                                                   "heartbeat (service 99) within 1000 ms")),
             qPrintable(output));

    QString serverOutput;
    QTRY_VERIFY_WITH_TIMEOUT((serverOutput += QString::fromUtf8(server.readAllStandardOutput()))
                                     .contains(QLatin1String("not answering pings any more")),
                             DefaultTimeout);
    server.kill();
    server.waitForFinished(DefaultTimeout);
}

QTEST_GUILESS_MAIN(tst_HeartbeatExample)
#include "tst_heartbeatexample.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Starts each example server as a separate process and runs the matching
// client against it; runs the demo.

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QTcpServer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

constexpr int Timeout = 30000;

class tst_ExamplesRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clientAgainstServer_data();
    void clientAgainstServer();
    void clientWithoutServerFails_data();
    void clientWithoutServerFails();
    void demo();
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    void fdPassing();
#endif

private:
    QTemporaryDir m_dir;
};

static QString binary(const QString &name)
{
    return QStringLiteral(EXAMPLES_BIN_DIR "/%1/%1").arg(name);
}

static quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

void tst_ExamplesRun::clientAgainstServer_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<QString>("address");
    QTest::newRow("tcp") << QStringLiteral("tcp")
                         << QStringLiteral("tcp://127.0.0.1:%1").arg(freePort());
    QTest::newRow("unix-stream") << QStringLiteral(
            "unix-stream") << QStringLiteral("unix:") + m_dir.filePath(QStringLiteral("s.sock"));
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("unix-seqpacket")
            << QStringLiteral("unix-seqpacket")
            << QStringLiteral("seqpacket:") + m_dir.filePath(QStringLiteral("p.sock"));
#endif
}

void tst_ExamplesRun::clientAgainstServer()
{
    QFETCH(QString, prefix);
    QFETCH(QString, address);
    QProcess server;
    server.setProcessChannelMode(QProcess::MergedChannels);
    server.start(binary(prefix + QStringLiteral("-server")), {address});
    QVERIFY2(server.waitForStarted(Timeout), qPrintable(server.errorString()));
    QByteArray serverOutput;
    QTRY_VERIFY_WITH_TIMEOUT((serverOutput += server.readAll()).contains("listening on"), Timeout);

    QProcess client;
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start(binary(prefix + QStringLiteral("-client")), {address});
    QVERIFY(client.waitForFinished(Timeout));
    const QByteArray clientOutput = client.readAll();
    QVERIFY2(client.exitStatus() == QProcess::NormalExit && client.exitCode() == 0,
             clientOutput.constData());
    QVERIFY2(clientOutput.contains("received response with service id 1: Goodbye!"),
             clientOutput.constData());
    QTRY_VERIFY_WITH_TIMEOUT((serverOutput += server.readAll())
                                     .contains("received request for service 1: Hello World!"),
                             Timeout);
    server.terminate();
    QVERIFY(server.waitForFinished(Timeout));
}

void tst_ExamplesRun::clientWithoutServerFails_data()
{
    clientAgainstServer_data();
}

void tst_ExamplesRun::clientWithoutServerFails()
{
    QFETCH(QString, prefix);
    QFETCH(QString, address);
    QProcess client;
    client.start(binary(prefix + QStringLiteral("-client")), {address});
    QVERIFY(client.waitForFinished(Timeout));
    QCOMPARE(client.exitCode(), 1);
    QVERIFY(client.readAllStandardError().contains("cannot connect to"));
}

void tst_ExamplesRun::demo()
{
    QProcess demo;
    demo.start(binary(QStringLiteral("demo")), {});
    QVERIFY(demo.waitForFinished(Timeout));
    const QByteArray output = demo.readAllStandardOutput();
    QVERIFY2(demo.exitCode() == 0, output.constData());
    for (const char *line :
         {"server got stream message", "client got stream message", "client got responder update",
          "server got requester update", "client got response",
          "client got error response: \"unknown service 99\"", "demo    done"}) {
        QVERIFY2(output.simplified().contains(QByteArray(line).simplified()), line);
    }
}

#ifdef FIZYRRPCQT_TEST_SEQPACKET
void tst_ExamplesRun::fdPassing()
{
    QProcess example;
    example.start(binary(QStringLiteral("fd-passing")), {});
    QVERIFY(example.waitForFinished(Timeout));
    const QByteArray output = example.readAllStandardOutput();
    QVERIFY2(example.exitCode() == 0, output.constData());
    QVERIFY(output.contains("server: read \"Hello through a file descriptor!\""));
    QVERIFY(output.contains(
            "read \"HELLO THROUGH A FILE DESCRIPTOR!\" through the received descriptor"));
}
#endif

QTEST_GUILESS_MAIN(tst_ExamplesRun)
#include "tst_examplesrun.moc"

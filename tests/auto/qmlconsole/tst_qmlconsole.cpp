// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The qml-console example, started as a user would (offscreen), sends one
// request, shows what comes back and saves a picture of its window.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/qdir.h>
#include <QtCore/qprocess.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>
#include <QtGui/qimage.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

using namespace Fizyr;

static constexpr int Timeout = 60000;

class tst_QmlConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void againstTestServer();
    void againstExampleServers_data();
    void againstExampleServers();
    void underX11();

private:
    // Runs the console with a screenshot file; returns its log (stderr).
    QString runConsole(const QString &address, const QString &body, const QString &screenshot,
                       int *exitCode, const QString &wrapper = QString());

    QTemporaryDir m_dir;
};

void tst_QmlConsole::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir().mkpath(QStringLiteral(ARTIFACTS_DIR)));
}

QString tst_QmlConsole::runConsole(const QString &address, const QString &body,
                                   const QString &screenshot, int *exitCode, const QString &wrapper)
{
    QProcess console;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (wrapper.isEmpty()) {
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("QT_QUICK_BACKEND"), QStringLiteral("software"));
    } else {
        // A real X server (Xvfb): the platform plugin and renderer a desktop uses.
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.remove(QStringLiteral("QT_QUICK_BACKEND"));
    }
    // Under the sanitizer run: memory errors are caught in the example too,
    // but not leaks; Qt Quick's texture cache and the GL driver keep
    // allocations until exit. The library's QML plugin is leak-checked by
    // tst_qml, in a process of ours.
    // libxkbcommon-x11 (X11 only) trips strict_string_checks with a strndup()
    // of an unterminated buffer that its length bounds.
    if (env.contains(QStringLiteral("ASAN_OPTIONS"))) {
        QString options
                = env.value(QStringLiteral("ASAN_OPTIONS")) + QStringLiteral(":detect_leaks=0");
        if (!wrapper.isEmpty())
            options += QStringLiteral(":strict_string_checks=0");
        env.insert(QStringLiteral("ASAN_OPTIONS"), options);
    }
    console.setProcessEnvironment(env);
    QFile::remove(screenshot);
    QStringList arguments
            = {QStringLiteral("--address"),    address,   QStringLiteral("--body"), body,
               QStringLiteral("--screenshot"), screenshot};
    QString program = QStringLiteral(QML_CONSOLE_BIN);
    if (!wrapper.isEmpty()) {
        arguments.prepend(program);
        arguments.prepend(QStringLiteral("-a"));
        program = wrapper;
    }
    console.start(program, arguments);
    if (!console.waitForStarted(Timeout)) {
        *exitCode = -1;
        return console.errorString();
    }
    // Our server, if any, lives in this event loop: wait on the signal.
    QSignalSpy finished(&console, &QProcess::finished);
    if (!finished.wait(Timeout)) {
        console.kill();
        console.waitForFinished(Timeout);
    }
    *exitCode = console.exitStatus() == QProcess::NormalExit ? console.exitCode() : -1;
    return QString::fromUtf8(console.readAllStandardError());
}

static void verifyScreenshot(const QString &path)
{
    const QImage image(path);
    QVERIFY2(!image.isNull(), qPrintable(path));
    QCOMPARE(image.size(), QSize(960, 600));
    // Not a blank picture: the window shows text in more than one colour.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3) {
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 10, qPrintable(QString::number(colours.size())));
}

void tst_QmlConsole::againstTestServer()
{
    // Service 1 answers with two responder updates, a stream message and
    // the response.
    RpcServer server;
    QVERIFY2(server.listen(QStringLiteral("tcp://127.0.0.1:0")), qPrintable(server.errorString()));
    QList<RpcMessage> received;
    connect(&server, &RpcServer::newConnection, this, [&] {
        RpcPeer *peer = server.nextPendingConnection();
        connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
        connect(peer, &RpcPeer::requestReceived, this, [&received, peer](RpcRequest *request) {
            received.append(request->requestMessage());
            request->sendUpdate(10, "working on " + request->body());
            request->sendUpdate(11, "almost done");
            peer->sendStream(7, "a stream message");
            request->sendResponse(1, "pong");
            request->deleteLater();
        });
    });

    const QString screenshot = QStringLiteral(ARTIFACTS_DIR "/qml-console.png");
    int exitCode = 0;
    const QString log = runConsole(server.serverAddress().toString(), QStringLiteral("ping"),
                                   screenshot, &exitCode);
    QVERIFY2(exitCode == 0, qPrintable(log));
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.first().serviceId(), 1);
    QCOMPARE(received.first().body(), QByteArray("ping"));
    QVERIFY2(log.contains(QStringLiteral("responder-update #0, service 10: \"working on ping\"")),
             qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("responder-update #0, service 11: \"almost done\"")),
             qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("stream, service 7: \"a stream message\"")),
             qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("response #0, service 1: \"pong\"")), qPrintable(log));
    verifyScreenshot(screenshot);
    qInfo("screenshot: %s", qPrintable(screenshot));
}

void tst_QmlConsole::againstExampleServers_data()
{
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("address");
    QTest::newRow("tcp-server") << QStringLiteral("tcp-server")
                                << QStringLiteral("tcp://127.0.0.1:0");
    QTest::newRow("unix-stream-server")
            << QStringLiteral("unix-stream-server")
            << QStringLiteral("unix:") + m_dir.filePath(QStringLiteral("stream.sock"));
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("unix-seqpacket-server")
            << QStringLiteral("unix-seqpacket-server")
            << QStringLiteral("seqpacket:") + m_dir.filePath(QStringLiteral("seqpacket.sock"));
#endif
}

void tst_QmlConsole::againstExampleServers()
{
    QFETCH(QString, server);
    QFETCH(QString, address);
    QProcess process;
    process.start(QStringLiteral(EXAMPLES_BIN_DIR "/%1/%1").arg(server), {address});
    QVERIFY2(process.waitForStarted(Timeout), qPrintable(process.errorString()));
    // The server prints "listening on ADDRESS" with the port it got.
    QString listening;
    QTRY_VERIFY_WITH_TIMEOUT(
            (listening += QString::fromUtf8(process.readAllStandardOutput())).contains(u'\n'),
            Timeout);
    QVERIFY2(listening.startsWith(QStringLiteral("listening on ")), qPrintable(listening));
    const QString actual = listening.mid(13).section(u'\n', 0, 0).trimmed();

    int exitCode = 0;
    const QString log = runConsole(actual, QStringLiteral("Hello World!"),
                                   m_dir.filePath(server + QStringLiteral(".png")), &exitCode);
    process.kill();
    process.waitForFinished(Timeout);
    QVERIFY2(exitCode == 0, qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("connected to ") + actual), qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("response #0, service 1: \"Goodbye!\"")), qPrintable(log));
    verifyScreenshot(m_dir.filePath(server + QStringLiteral(".png")));
}

void tst_QmlConsole::underX11()
{
    // The same under an X server, as on a desktop (xvfb-run from Debian's
    // xvfb package, which the set-up script installs).
    const QString xvfbRun = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
    if (xvfbRun.isEmpty())
        QSKIP("no X server here: xvfb-run is not installed (Debian package xvfb)");
    RpcServer server;
    QVERIFY2(server.listen(QStringLiteral("tcp://127.0.0.1:0")), qPrintable(server.errorString()));
    connect(&server, &RpcServer::newConnection, this, [&] {
        RpcPeer *peer = server.nextPendingConnection();
        connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
        connect(peer, &RpcPeer::requestReceived, this, [](RpcRequest *request) {
            request->sendUpdate(10, "on a real display");
            request->sendResponse(1, "pong");
            request->deleteLater();
        });
    });
    const QString screenshot = m_dir.filePath(QStringLiteral("x11.png"));
    int exitCode = 0;
    const QString log = runConsole(server.serverAddress().toString(), QStringLiteral("ping"),
                                   screenshot, &exitCode, xvfbRun);
    QVERIFY2(exitCode == 0, qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("responder-update #0, service 10: \"on a real display\"")),
             qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("response #0, service 1: \"pong\"")), qPrintable(log));
    verifyScreenshot(screenshot);
}

QTEST_GUILESS_MAIN(tst_QmlConsole)

#include "tst_qmlconsole.moc"

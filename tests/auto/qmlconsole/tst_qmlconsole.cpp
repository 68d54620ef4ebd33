// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The qml-console example, started as a user would (offscreen), sends one
// request, shows what comes back and saves a picture of its window; with the
// greeter's interface file, its form is filled in and the greet call's
// decoded updates and response are checked in its tree, in this process.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/qdir.h>
#include <QtCore/qprocess.h>
#include <QtCore/qscopeguard.h>
#include <QtCore/qstandardpaths.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qurl.h>
#include <QtGui/qguiapplication.h>
#include <QtGui/qimage.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlcontext.h>
#include <QtQuick/qquickitem.h>
#include <QtQuick/qquickwindow.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <memory>

using namespace Fizyr;

static constexpr int Timeout = 60000;

// What main.cpp of the console gives its QML as "startup", for the console
// loaded in this process.
class Startup : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString address MEMBER address CONSTANT)
    Q_PROPERTY(int service MEMBER service CONSTANT)
    Q_PROPERTY(QString serviceName MEMBER serviceName CONSTANT)
    Q_PROPERTY(QUrl interfaceFile MEMBER interfaceFile CONSTANT)
    Q_PROPERTY(QUrl workingDirectory MEMBER workingDirectory CONSTANT)
    Q_PROPERTY(QString body MEMBER body CONSTANT)
    Q_PROPERTY(bool sendAtStart MEMBER sendAtStart CONSTANT)
    Q_PROPERTY(bool screenshot MEMBER screenshot CONSTANT)

public:
    Q_INVOKABLE void finish(bool) { }

    QString address;
    int service = 1;
    QString serviceName;
    QUrl interfaceFile;
    QUrl workingDirectory;
    QString body;
    bool sendAtStart = false;
    bool screenshot = false;
};

class tst_QmlConsole : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void againstTestServer();
    void againstExampleServers_data();
    void againstExampleServers();
    void underX11();
    void greeterByCommandLine();
    void greeterForm();

private:
    // Starts an example server; returns the address it listens on.
    QString startServer(QProcess *process, const QString &name, const QString &address);

    // Runs the console with a screenshot file; returns its log (stderr).
    QString runConsole(const QString &address, const QString &body, const QString &screenshot,
                       int *exitCode, const QString &wrapper = QString());

    QTemporaryDir m_dir;
    QStringList m_extraArguments;
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
    arguments += m_extraArguments;
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
    QCOMPARE(image.size(), QSize(1100, 720));
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
    const QString actual = startServer(&process, server, address);
    QVERIFY(!actual.isEmpty());

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

QString tst_QmlConsole::startServer(QProcess *process, const QString &name, const QString &address)
{
    process->start(QStringLiteral(EXAMPLES_BIN_DIR "/%1/%1").arg(name), {address});
    if (!process->waitForStarted(Timeout)) {
        qWarning("%s: %s", qPrintable(name), qPrintable(process->errorString()));
        return QString();
    }
    // The server prints "listening on ADDRESS" with the port it got.
    QString listening;
    QDeadlineTimer deadline(Timeout);
    while (!listening.contains(u'\n') && !deadline.hasExpired()) {
        process->waitForReadyRead(1000);
        listening += QString::fromUtf8(process->readAllStandardOutput());
    }
    if (!listening.startsWith(QStringLiteral("listening on "))) {
        qWarning("%s said: %s", qPrintable(name), qPrintable(listening));
        return QString();
    }
    return listening.mid(13).section(u'\n', 0, 0).trimmed();
}

void tst_QmlConsole::greeterByCommandLine()
{
#ifdef NO_GREETER_SERVER
    QSKIP("built without the greeter example (FIZYRRPCQT_BUILD_EXAMPLES=OFF)");
#endif
    // qml-console greeter.rpc --service greet --body JSON: the form filled
    // from the JSON, the call by name, bodies decoded.
    QProcess process;
    const QString address = startServer(&process, QStringLiteral("greeter-server"),
                                        QStringLiteral("tcp://127.0.0.1:0"));
    QVERIFY(!address.isEmpty());
    m_extraArguments
            = {QStringLiteral(GREETER_RPC), QStringLiteral("--service"), QStringLiteral("greet")};
    const QString screenshot = m_dir.filePath(QStringLiteral("greeter-command-line.png"));
    int exitCode = 0;
    const QString log
            = runConsole(address, QStringLiteral(R"({"name":"Ada","times":2,"style":"Shouting"})"),
                         screenshot, &exitCode);
    m_extraArguments.clear();
    process.kill();
    process.waitForFinished(Timeout);
    QVERIFY2(exitCode == 0, qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral("info interface Greeter from ")), qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral(
                     R"(out request greet #0 {"name":"Ada","times":2,"style":"Shouting"})")),
             qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral(R"(in update progress of greet #0 {"done":1,"total":2})")),
             qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral(R"(in update progress of greet #0 {"done":2,"total":2})")),
             qPrintable(log));
    QVERIFY2(log.contains(QStringLiteral(
                     R"(in response greet #0 {"greetings":["HELLO, ADA!","HELLO, ADA!"]})")),
             qPrintable(log));
    verifyScreenshot(screenshot);
}

// The texts of the items called objectName under item, in tree order.
static QStringList texts(QQuickItem *item, const QString &objectName)
{
    QStringList result;
    const QList<QQuickItem *> children = item->childItems();
    for (QQuickItem *child : children) {
        if (child->objectName() == objectName && child->isVisible())
            result.append(child->property("text").toString());
        result += texts(child, objectName);
    }
    return result;
}

// The item called objectName under item whose text is text.
static QQuickItem *findText(QQuickItem *item, const QString &objectName, const QString &text)
{
    const QList<QQuickItem *> children = item->childItems();
    for (QQuickItem *child : children) {
        if (child->objectName() == objectName && child->property("text").toString() == text)
            return child;
        if (QQuickItem *found = findText(child, objectName, text))
            return found;
    }
    return nullptr;
}

// The visible item called objectName in the scene of window (delegates of
// views are not QObject children of their view: walk the item tree).
static QQuickItem *findItem(QQuickItem *item, const QString &objectName)
{
    const QList<QQuickItem *> children = item->childItems();
    for (QQuickItem *child : children) {
        if (child->objectName() == objectName && child->isVisible())
            return child;
        if (QQuickItem *found = findItem(child, objectName))
            return found;
    }
    return nullptr;
}

static QQuickItem *findItem(QQuickWindow *window, const QString &objectName)
{
    return findItem(window->contentItem(), objectName);
}

static void click(QQuickWindow *window, QQuickItem *item)
{
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(window, Qt::LeftButton, {}, centre.toPoint());
}

// Clicks into a text field and types text, replacing what was there.
static void type(QQuickWindow *window, QQuickItem *field, const QString &text)
{
    click(window, field);
    QTRY_VERIFY(field->hasActiveFocus());
    QTest::keyClick(window, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(window, Qt::Key_Delete);
    for (const QChar c : text)
        QTest::keyClick(window, c.toLatin1());
}

void tst_QmlConsole::greeterForm()
{
#ifdef NO_GREETER_SERVER
    QSKIP("built without the greeter example (FIZYRRPCQT_BUILD_EXAMPLES=OFF)");
#endif
    // The console in this process, offscreen, with the greeter's interface
    // file: connect, fill in the form of greet as a user does, call, and
    // find the progress updates and the response in the log's tree.
    QProcess process;
    const QString address = startServer(&process, QStringLiteral("greeter-server"),
                                        QStringLiteral("tcp://127.0.0.1:0"));
    QVERIFY(!address.isEmpty());
    const auto stopServer = qScopeGuard([&process] {
        process.kill();
        process.waitForFinished(Timeout);
    });

    Startup startup;
    startup.address = address;
    startup.interfaceFile = QUrl::fromLocalFile(QStringLiteral(GREETER_RPC));
    startup.workingDirectory = QUrl::fromLocalFile(QStringLiteral(EXAMPLES_SOURCE_DIR));
    auto engine = std::make_unique<QQmlApplicationEngine>();
    engine->addImportPath(QStringLiteral(FIZYRRPCQT_QML_IMPORT_DIR));
    engine->rootContext()->setContextProperty(QStringLiteral("startup"), &startup);
    engine->load(QUrl::fromLocalFile(QStringLiteral(QML_CONSOLE_SOURCE_DIR "/Main.qml")));
    QCOMPARE(engine->rootObjects().size(), 1);
    auto *window = qobject_cast<QQuickWindow *>(engine->rootObjects().first());
    QVERIFY(window);
    QVERIFY(QTest::qWaitForWindowExposed(window));

    QObject *iface = window->findChild<QObject *>(QStringLiteral("interfaceClient"));
    QVERIFY(iface);
    QCOMPARE(iface->property("currentInterface").toString(), QStringLiteral("Greeter"));
    // The services by name, with docs; the hidden ping only on request.
    QVERIFY(findItem(window, QStringLiteral("service:greet")));
    QVERIFY(findItem(window, QStringLiteral("stream:log")));
    QVERIFY(!findItem(window, QStringLiteral("service:ping")));

    click(window, findItem(window, QStringLiteral("connectButton")));
    QObject *peer = window->findChild<QObject *>(QStringLiteral("peer"));
    QVERIFY(peer);
    QTRY_COMPARE_WITH_TIMEOUT(peer->property("state").toInt(), 2, Timeout); // Connected

    // greet is selected: its form has the fields of GreetRequest.
    QQuickItem *name = findItem(window, QStringLiteral("field:name"));
    QQuickItem *times = findItem(window, QStringLiteral("field:times"));
    QQuickItem *styleSet = findItem(window, QStringLiteral("field:style:set"));
    QVERIFY(name && times && styleSet);
    type(window, name, QStringLiteral("Ada"));
    type(window, times, QStringLiteral("3"));
    QCOMPARE(name->property("text").toString(), QStringLiteral("Ada"));
    QCOMPARE(times->property("text").toString(), QStringLiteral("3"));
    click(window, styleSet);
    QTRY_VERIFY(styleSet->property("checked").toBool());
    QQuickItem *style = nullptr;
    QTRY_VERIFY((style = findItem(window, QStringLiteral("field:style"))));
    // The variants of Style in a combo box; Custom carries a string.
    QCOMPARE(style->property("count").toInt(), 3);
    style->setProperty("currentIndex", 2);
    QCOMPARE(style->property("currentText").toString(), QStringLiteral("Custom"));
    QQuickItem *custom = nullptr;
    QTRY_VERIFY((custom = findItem(window, QStringLiteral("field:style.Custom"))));
    type(window, custom, QStringLiteral("Hi"));

    click(window, findItem(window, QStringLiteral("callButton")));

    QQuickItem *log = findItem(window, QStringLiteral("log"));
    QVERIFY(log);
    const QStringList expected
            = {QStringLiteral("done: 1"),        QStringLiteral("done: 2"),
               QStringLiteral("done: 3"),        QStringLiteral("total: 3"),
               QStringLiteral("greetings: [3]"), QStringLiteral("[2]: \"Hi, Ada!\"")};
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QStringList shown = texts(log, QStringLiteral("treeNode"));
                for (const QString &text : expected) {
                    if (!shown.contains(text))
                        return false;
                }
                return true;
            }(),
            Timeout);
    // The request as sent, too.
    const QStringList shown = texts(log, QStringLiteral("treeNode"));
    QVERIFY2(shown.contains(QStringLiteral("name: \"Ada\"")), qPrintable(shown.join(u'|')));
    QVERIFY2(shown.contains(QStringLiteral("Custom: \"Hi\"")), qPrintable(shown.join(u'|')));

    const QImage image = window->grabWindow();
    const QString screenshot = QStringLiteral(ARTIFACTS_DIR "/qml-console-greeter.png");
    QVERIFY(image.save(screenshot));
    verifyScreenshot(screenshot);
    qInfo("screenshot: %s", qPrintable(screenshot));

    // The tree expands and collapses: the triangle next to the greetings.
    QQuickItem *greetings
            = findText(log, QStringLiteral("treeNode"), QStringLiteral("greetings: [3]"));
    QVERIFY(greetings);
    QQuickItem *toggle = findItem(greetings->parentItem(), QStringLiteral("treeToggle"));
    QVERIFY(toggle);
    const QString last = QStringLiteral("[2]: \"Hi, Ada!\"");
    click(window, toggle);
    QTRY_VERIFY(!texts(log, QStringLiteral("treeNode")).contains(last));
    QVERIFY(texts(log, QStringLiteral("treeNode")).contains(QStringLiteral("greetings: [3]")));
    click(window, toggle);
    QTRY_VERIFY(texts(log, QStringLiteral("treeNode")).contains(last));

    // The hidden ping is listed on request.
    click(window, findItem(window, QStringLiteral("showHidden")));
    QTRY_VERIFY(findItem(window, QStringLiteral("service:ping")));

    // A long greet, cancelled from the open call's box: the server answers
    // with the error response "cancelled".
    click(window, findItem(window, QStringLiteral("service:greet")));
    QQuickItem *times2 = nullptr;
    QTRY_VERIFY((times2 = findItem(window, QStringLiteral("field:times"))));
    type(window, times2, QStringLiteral("100"));
    click(window, findItem(window, QStringLiteral("callButton")));
    QQuickItem *cancel = findItem(window, QStringLiteral("cancelButton"));
    QVERIFY(cancel);
    QTRY_VERIFY_WITH_TIMEOUT(cancel->isEnabled(), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(
            texts(log, QStringLiteral("treeNode")).contains(QStringLiteral("total: 100")), Timeout);
    click(window, cancel);
    QTRY_VERIFY_WITH_TIMEOUT(texts(log, QStringLiteral("logText"))
                                     .contains(QStringLiteral("greet #1 failed: cancelled")),
                             Timeout);
    QVERIFY(texts(log, QStringLiteral("logText")).contains(QStringLiteral("cancel to greet #1")));
    QTRY_VERIFY(!cancel->isEnabled());

    // A stream message from the form of the log stream: the server prints it.
    click(window, findItem(window, QStringLiteral("stream:log")));
    QQuickItem *level = nullptr;
    QTRY_VERIFY((level = findItem(window, QStringLiteral("field:level"))));
    level->setProperty("currentIndex", 2);
    QCOMPARE(level->property("currentText").toString(), QStringLiteral("Warning"));
    type(window, findItem(window, QStringLiteral("field:text")), QStringLiteral("from the form"));
    process.readAllStandardOutput();
    click(window, findItem(window, QStringLiteral("sendStreamButton")));
    QString printed;
    QTRY_VERIFY_WITH_TIMEOUT((printed += QString::fromUtf8(process.readAllStandardOutput()))
                                     .contains(QStringLiteral("log Warning: from the form")),
                             Timeout);

    // Closing the file goes back to ids and raw bodies; a path typed into
    // the interface field, relative to the working directory, opens it again.
    click(window, findItem(window, QStringLiteral("closeInterfaceButton")));
    QTRY_COMPARE(iface->property("status").toInt(), 0); // Null
    QTRY_VERIFY(!findItem(window, QStringLiteral("callButton")));
    QTRY_VERIFY(!findItem(window, QStringLiteral("serviceList")));
    type(window, findItem(window, QStringLiteral("interfaceField")),
         QStringLiteral("greeter/greeter.rpc"));
    QTest::keyClick(window, Qt::Key_Return);
    QTRY_COMPARE(iface->property("status").toInt(), 1); // Ready
    QCOMPARE(iface->property("currentInterface").toString(), QStringLiteral("Greeter"));
    QTRY_VERIFY(findItem(window, QStringLiteral("field:name")));
}

int main(int argc, char **argv)
{
    // The console in this process renders offscreen with the software
    // renderer, as the console processes of the other tests do.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_QUICK_BACKEND", "software");
    QGuiApplication app(argc, argv);
    tst_QmlConsole test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_qmlconsole.moc"

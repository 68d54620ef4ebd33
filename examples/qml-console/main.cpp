// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// A desktop console for Fizyr RPC services, written in QML with the
// Fizyr.Rpc module: connect to an address, send requests with a service id
// and a body, send updates while a request is open, send stream messages,
// and watch everything that comes back in a timestamped log. With an
// interface file (*.rpc), services and streams are listed by name with
// their docs, requests are filled in with forms built from their types and
// what comes back is decoded and shown as a tree.
//
// Usage: qml-console [--address ADDRESS] [--service ID|NAME] [--body TEXT]
//                    [--send] [--screenshot FILE] [--interface FILE | FILE]
//
// --send connects and sends one request at start-up. --screenshot FILE
// does that too, then saves a picture of the window to FILE once the
// request finished and exits: 0 after a response, 1 otherwise. With an
// interface file, --service may be a service name and --body is JSON that
// fills the form.

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qurl.h>
#include <QtCore/qtimer.h>
#include <QtGui/qguiapplication.h>
#include <QtGui/qimage.h>
#include <QtQml/qqmlapplicationengine.h>
#include <QtQml/qqmlcontext.h>
#include <QtQuick/qquickwindow.h>

// What QML needs from the command line, and the way out for --screenshot.
class Console : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString address MEMBER address CONSTANT)
    Q_PROPERTY(int service MEMBER service CONSTANT)
    Q_PROPERTY(QString serviceName MEMBER serviceName CONSTANT)
    Q_PROPERTY(QUrl interfaceFile MEMBER interfaceFile CONSTANT)
    Q_PROPERTY(QUrl workingDirectory MEMBER workingDirectory CONSTANT)
    Q_PROPERTY(QString body MEMBER body CONSTANT)
    Q_PROPERTY(bool sendAtStart MEMBER sendAtStart CONSTANT)
    Q_PROPERTY(bool screenshot READ screenshot CONSTANT)

public:
    void setEngine(QQmlApplicationEngine *engine) { m_engine = engine; }

    bool screenshot() const { return !screenshotFile.isEmpty(); }

    // The request sent at start-up finished: save the window, then exit.
    Q_INVOKABLE void finish(bool succeeded)
    {
        if (screenshotFile.isEmpty() || !m_engine)
            return;
        auto *window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().value(0));
        const QImage image = window ? window->grabWindow() : QImage();
        if (image.isNull() || !image.save(screenshotFile)) {
            qWarning("qml-console: could not save a screenshot to %s", qPrintable(screenshotFile));
            QCoreApplication::exit(1);
            return;
        }
        QCoreApplication::exit(succeeded ? 0 : 1);
    }

    QString address;
    int service = 1;
    QString serviceName;
    QUrl interfaceFile;
    QUrl workingDirectory = QUrl::fromLocalFile(QDir::currentPath());
    QString body;
    bool sendAtStart = false;
    QString screenshotFile;

private:
    QQmlApplicationEngine *m_engine = nullptr;
};

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qml-console"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A Fizyr RPC console written in QML."));
    parser.addHelpOption();
    const QCommandLineOption addressOption(
            QStringLiteral("address"), QStringLiteral("The address to connect to."),
            QStringLiteral("ADDRESS"), QStringLiteral("tcp://127.0.0.1:12345"));
    const QCommandLineOption serviceOption(
            QStringLiteral("service"),
            QStringLiteral("The service id of the request (a name, with an interface file)."),
            QStringLiteral("ID"), QStringLiteral("1"));
    const QCommandLineOption interfaceOption(
            QStringLiteral("interface"),
            QStringLiteral("An interface file (*.rpc): services by name, forms, decoded bodies."),
            QStringLiteral("FILE"));
    const QCommandLineOption bodyOption(QStringLiteral("body"),
                                        QStringLiteral("The body of the request."),
                                        QStringLiteral("TEXT"), QStringLiteral("Hello World!"));
    const QCommandLineOption sendOption(QStringLiteral("send"),
                                        QStringLiteral("Connect and send the request at start."));
    const QCommandLineOption screenshotOption(
            QStringLiteral("screenshot"),
            QStringLiteral("Send the request, save the window to FILE when it finished, exit."),
            QStringLiteral("FILE"));
    parser.addOptions({addressOption, serviceOption, bodyOption, sendOption, screenshotOption,
                       interfaceOption});
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("An interface file, as with --interface."),
                                 QStringLiteral("[FILE]"));
    parser.process(app);

    QString interfaceFile = parser.value(interfaceOption);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1 || (!positional.isEmpty() && !interfaceFile.isEmpty())) {
        qCritical("qml-console: one interface file at most");
        return 2;
    }
    if (!positional.isEmpty())
        interfaceFile = positional.first();

    bool serviceOk = false;
    const int service = parser.value(serviceOption).toInt(&serviceOk);
    if (!serviceOk && interfaceFile.isEmpty()) {
        qCritical("qml-console: the service id must be a number (names need an interface file)");
        return 2;
    }

    // Declared before the engine, so that it outlives the QML that uses it.
    Console console;
    QQmlApplicationEngine engine;
#ifdef FIZYRRPCQT_QML_IMPORT_DIR
    engine.addImportPath(QStringLiteral(FIZYRRPCQT_QML_IMPORT_DIR));
#endif
    console.setEngine(&engine);
    console.address = parser.value(addressOption);
    console.service = serviceOk ? service : 0;
    if (!serviceOk)
        console.serviceName = parser.value(serviceOption);
    if (!interfaceFile.isEmpty())
        console.interfaceFile = QUrl::fromLocalFile(QFileInfo(interfaceFile).absoluteFilePath());
    console.body = parser.value(bodyOption);
    console.screenshotFile = parser.value(screenshotOption);
    console.sendAtStart = parser.isSet(sendOption) || console.screenshot();
    engine.rootContext()->setContextProperty(QStringLiteral("startup"), &console);

    QObject::connect(
            &engine, &QQmlApplicationEngine::objectCreated, &app,
            [](QObject *object, const QUrl &) {
                if (!object)
                    QCoreApplication::exit(2);
            },
            Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/QmlConsole/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 2;

    if (console.screenshot()) {
        // Never hang in a script: give up after 60 seconds.
        QTimer::singleShot(60000, &app, [] {
            qWarning("qml-console: no response within 60 seconds");
            QCoreApplication::exit(1);
        });
    }
    return app.exec();
}

#include "main.moc"

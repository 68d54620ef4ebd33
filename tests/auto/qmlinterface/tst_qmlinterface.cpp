// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Hosts a generated GreeterServer (from examples/greeter/greeter.rpc) for the
// QML tests of RpcInterfaceClient, which load the same file at run time, and
// gives the tests of the console's forms the console's source folder.

#include "greeter.h"

#include <FizyrRpcQt/RpcServer>

#include <QtCore/qmetaobject.h>
#include <QtCore/qtemporarydir.h>
#include <QtCore/qtimer.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQuickTest/quicktest.h>

#include <memory>

// greet: one progress update per greeting, 20 ms apart, then the greetings;
// a cancel update gets the error response "cancelled", times over 100 an
// error response. ping answers at once. A log stream message is recorded and
// echoed back to its sender with the text upper-cased.
class GreeterHost : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QStringList logs READ logs NOTIFY logsChanged)
    Q_PROPERTY(int cancelCount READ cancelCount NOTIFY cancelCountChanged)
    Q_PROPERTY(QStringList invalidBodies READ invalidBodies NOTIFY invalidBodiesChanged)

public:
    QStringList logs() const { return m_logs; }
    int cancelCount() const { return m_cancels; }
    QStringList invalidBodies() const { return m_invalid; }

    // Listens on address; returns the address to connect to, or an empty
    // string.
    Q_INVOKABLE QString listen(const QString &address)
    {
        stop();
        m_server = std::make_unique<Fizyr::RpcServer>();
        if (!m_server->listen(address)) {
            qWarning("cannot listen on %s: %s", qPrintable(address),
                     qPrintable(m_server->errorString()));
            return QString();
        }
        // Takes the connections; they are deleted once disconnected.
        m_greeter = std::make_unique<GreeterServer>(m_server.get());
        connect(m_greeter.get(), &GreeterServer::greetRequested, this, &GreeterHost::greet);
        connect(m_greeter.get(), &GreeterServer::pingRequested, this,
                [](GreeterPingRequest *request) { request->respond(); });
        connect(m_greeter.get(), &GreeterServer::logReceived, this,
                [this](const LogLine &line, Fizyr::RpcPeer *peer) {
                    m_logs.append(QString::fromLatin1(QMetaEnum::fromType<Level::Kind>().valueToKey(
                                          line.level.kind))
                                  + QLatin1Char(' ') + line.text);
                    Q_EMIT logsChanged();
                    GreeterClient back(peer);
                    LogLine echo = line;
                    echo.text = line.text.toUpper();
                    back.sendLog(echo);
                });
        connect(m_greeter.get(), &GreeterServer::invalidBodyReceived, this,
                [this](const QString &errorString, Fizyr::RpcPeer *) {
                    m_invalid.append(errorString);
                    Q_EMIT invalidBodiesChanged();
                });
        return m_server->serverAddress().toString();
    }

    Q_INVOKABLE void stop()
    {
        m_greeter.reset();
        m_server.reset();
        m_logs.clear();
        m_invalid.clear();
        m_cancels = 0;
        Q_EMIT logsChanged();
        Q_EMIT invalidBodiesChanged();
        Q_EMIT cancelCountChanged();
    }

Q_SIGNALS:
    void logsChanged();
    void cancelCountChanged();
    void invalidBodiesChanged();

private:
    void greet(GreeterGreetRequest *request)
    {
        const GreetRequest body = request->body();
        if (body.times > 100) {
            request->respondError(
                    QStringLiteral("times must be at most 100, got %1").arg(body.times));
            return;
        }
        auto *timer = new QTimer(request);
        timer->setInterval(20);
        auto greetings = std::make_shared<QStringList>();
        auto step = [request, timer, greetings, body] {
            if (quint32(greetings->size()) < body.times) {
                QString hello = QStringLiteral("Hello, %1!").arg(body.name);
                if (body.style && body.style->kind == Style::Shouting)
                    hello = hello.toUpper();
                else if (body.style && body.style->kind == Style::Custom)
                    hello = QStringLiteral("%1, %2!").arg(body.style->custom, body.name);
                greetings->append(hello);
                request->sendProgress(Progress{quint32(greetings->size()), body.times});
            }
            if (quint32(greetings->size()) >= body.times) {
                timer->stop();
                request->respond(GreetResponse{*greetings});
            }
        };
        connect(timer, &QTimer::timeout, request, step);
        connect(request, &GreeterGreetRequest::cancelRequested, request, [this, request, timer] {
            timer->stop();
            ++m_cancels;
            Q_EMIT cancelCountChanged();
            request->respondError(QStringLiteral("cancelled"));
        });
        step();
        if (request->isOpen())
            timer->start();
    }

    std::unique_ptr<Fizyr::RpcServer> m_server;
    std::unique_ptr<GreeterServer> m_greeter;
    QStringList m_logs;
    QStringList m_invalid;
    int m_cancels = 0;
};

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral(FIZYRRPCQT_QML_IMPORT_DIR));
        QQmlContext *context = engine->rootContext();
        context->setContextProperty(QStringLiteral("testTempDir"), m_dir.path());
        context->setContextProperty(QStringLiteral("greeterHost"), &m_host);
        context->setContextProperty(QStringLiteral("consoleSourceDir"),
                                    QUrl::fromLocalFile(QStringLiteral(CONSOLE_SOURCE_DIR)));
        context->setContextProperty(QStringLiteral("greeterFile"),
                                    QUrl::fromLocalFile(QStringLiteral(GREETER_RPC)));
#ifdef FIZYRRPCQT_TEST_SEQPACKET
        context->setContextProperty(QStringLiteral("testHaveSeqpacket"), true);
#else
        context->setContextProperty(QStringLiteral("testHaveSeqpacket"), false);
#endif
    }

    void cleanupTestCase()
    {
        m_host.stop();
    }

private:
    QTemporaryDir m_dir;
    GreeterHost m_host;
};

QUICK_TEST_MAIN_WITH_SETUP(fizyrrpcinterface, Setup)

#include "tst_qmlinterface.moc"

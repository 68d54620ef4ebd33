// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The greeter example against the conversation recorded with the Rust
// reference (data/greeter-transcript.json, a copy of
// ../shared/interop/greeter-transcript.json), on every transport:
// - serverTranscript: the greeter-server program answers the transcript's
//   requests with the transcript's frames (error texts aside);
// - clientTranscript: the generated GreeterClient accepts every frame the
//   Rust server sent, replayed by a raw RpcServer;
// - examplesRun: greeter-client against greeter-server, as processes.

#include "greeter.h"

#include <FizyrRpcQt/RpcBodyCodec>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include "rpctestsupport.h"

using namespace Fizyr;

namespace {

constexpr int Timeout = 20000;

struct Frame
{
    bool toServer = false;
    QString type;
    quint32 requestId = 0;
    qint32 serviceId = 0;
    QByteArray body;
};

struct Conversation
{
    QString title;
    QList<Frame> frames;
};

QList<Conversation> loadTranscript()
{
    QFile file(QStringLiteral(TRANSCRIPT_FILE));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<Conversation> result;
    const QJsonArray conversations = QJsonDocument::fromJson(file.readAll())
                                             .object()
                                             .value(QLatin1String("conversations"))
                                             .toArray();
    for (const QJsonValue &c : conversations) {
        Conversation conversation;
        conversation.title = c.toObject().value(QLatin1String("title")).toString();
        for (const QJsonValue &f : c.toObject().value(QLatin1String("frames")).toArray()) {
            const QJsonObject o = f.toObject();
            Frame frame;
            frame.toServer = o.value(QLatin1String("dir")).toString() == QLatin1String("to_server");
            frame.type = o.value(QLatin1String("type")).toString();
            frame.requestId = quint32(o.value(QLatin1String("request_id")).toInteger());
            frame.serviceId = qint32(o.value(QLatin1String("service_id")).toInteger());
            frame.body = o.value(QLatin1String("body")).toString().toUtf8();
            conversation.frames.append(frame);
        }
        result.append(conversation);
    }
    return result;
}

// A program of the example, run until it exits or is killed.
class Program
{
public:
    explicit Program(const char *path) : m_path(QString::fromLocal8Bit(path)) { }
    ~Program()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(Timeout);
        }
    }
    void start(const QStringList &args)
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(m_path, args);
    }
    // Waits for a line of standard output matching re; returns the match.
    QRegularExpressionMatch waitForLine(const QRegularExpression &re)
    {
        QDeadlineTimer deadline(Timeout);
        while (!deadline.hasExpired()) {
            const QRegularExpressionMatch match = re.match(QString::fromUtf8(m_output));
            if (match.hasMatch())
                return match;
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(100);
            m_output += m_process.readAllStandardOutput();
        }
        return re.match(QString::fromUtf8(m_output));
    }
    bool waitForFinished()
    {
        const bool ok = m_process.waitForFinished(Timeout);
        m_output += m_process.readAllStandardOutput();
        return ok;
    }
    QString output() const { return QString::fromUtf8(m_output); }
    QString errorOutput() { return QString::fromUtf8(m_process.readAllStandardError()); }
    int exitCode() const
    {
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    QProcess &process() { return m_process; }

private:
    QString m_path;
    QProcess m_process;
    QByteArray m_output;
};

QString listenAddress(const QString &scheme, const QTemporaryDir &dir)
{
    return RpcTestSupport::addressFor(scheme, dir, QStringLiteral("greeter"));
}

QString startServer(Program *server, const QString &address)
{
    server->start({address});
    const QRegularExpressionMatch match
            = server->waitForLine(QRegularExpression(QStringLiteral("listening on (\\S+)\\n")));
    return match.captured(1);
}

// What a raw peer received for one request, in order.
struct Received
{
    QList<Frame> frames;
};

} // namespace

class tst_GeneratedGreeter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { RpcTestSupport::addTransportRows(); }
    void initTestCase() { QVERIFY(!loadTranscript().isEmpty()); }

    void serverTranscript();
    void clientTranscript();
    void examplesRun();
};

void tst_GeneratedGreeter::serverTranscript()
{
    QFETCH_GLOBAL(QString, scheme);
    QTemporaryDir dir;
    Program server(GREETER_SERVER);
    const QString address = startServer(&server, listenAddress(scheme, dir));
    QVERIFY2(!address.isEmpty(), qPrintable(server.errorOutput()));

    RpcPeer peer;
    peer.connectToServer(address);
    QVERIFY(peer.waitForConnected(Timeout));

    for (const Conversation &conversation : loadTranscript()) {
        const bool cancel = conversation.title.startsWith(QLatin1String("cancel"));
        QHash<quint32, QPointer<RpcRequest>> requests;
        QHash<quint32, QList<Frame>> received; // per request id
        for (const Frame &frame : conversation.frames) {
            if (frame.toServer) {
                if (frame.type == QLatin1String("request")) {
                    RpcRequest *request
                            = peer.sendRequestWithId(frame.requestId, frame.serviceId, frame.body);
                    requests.insert(frame.requestId, request);
                    const quint32 id = frame.requestId;
                    connect(request, &RpcRequest::updateReceived, this,
                            [&received, id](const RpcMessage &m) {
                                received[id].append({false, QStringLiteral("responder_update"), id,
                                                     m.serviceId(), m.body()});
                            });
                    connect(request, &RpcRequest::finished, this, [&received, id, request] {
                        const RpcMessage m = request->response();
                        received[id].append(
                                {false, QStringLiteral("response"), id, m.serviceId(), m.body()});
                        request->deleteLater();
                    });
                } else if (frame.type == QLatin1String("requester_update")) {
                    QVERIFY(requests.value(frame.requestId));
                    QVERIFY(requests.value(frame.requestId)
                                    ->sendUpdate(frame.serviceId, frame.body));
                } else {
                    QCOMPARE(frame.type, QStringLiteral("stream"));
                    QVERIFY(peer.sendStream(frame.serviceId, frame.body));
                }
                continue;
            }
            // A frame from the server: the next one received for its request.
            QList<Frame> &queue = received[frame.requestId];
            QTRY_VERIFY2_WITH_TIMEOUT(!queue.isEmpty(), qPrintable(conversation.title), Timeout);
            Frame got = queue.takeFirst();
            // The server paces its progress updates; a cancel may cross more of them.
            while (cancel && frame.type == QLatin1String("response")
                   && got.type == QLatin1String("responder_update")) {
                QTRY_VERIFY_WITH_TIMEOUT(!queue.isEmpty(), Timeout);
                got = queue.takeFirst();
            }
            const QByteArray what = conversation.title.toUtf8() + ": " + frame.body;
            QVERIFY2(got.type == frame.type, what.constData());
            QVERIFY2(got.serviceId == frame.serviceId,
                     (what + " got service " + QByteArray::number(got.serviceId)).constData());
            if (frame.serviceId >= 0)
                QVERIFY2(got.body == frame.body, (what + " got " + got.body).constData());
        }
        for (auto it = received.cbegin(); it != received.cend(); ++it)
            QVERIFY2(it.value().isEmpty(),
                     qPrintable(conversation.title
                                + QStringLiteral(": more frames than Rust sent")));
    }
    // The log line was printed.
    QVERIFY(server.waitForLine(QRegularExpression(QStringLiteral("log Info: hello\\n")))
                    .hasMatch());
}

void tst_GeneratedGreeter::clientTranscript()
{
    QFETCH_GLOBAL(QString, scheme);
    QTemporaryDir dir;
    RpcServer rawServer;
    QVERIFY(rawServer.listen(listenAddress(scheme, dir)));
    RpcPeer peer;
    peer.connectToServer(rawServer.serverAddress());
    QTRY_VERIFY_WITH_TIMEOUT(rawServer.hasPendingConnections(), Timeout);
    RpcPeer *serverPeer = rawServer.nextPendingConnection();
    QVERIFY(peer.waitForConnected(Timeout));
    GreeterClient client(&peer);
    const RpcService greet = GreeterClient::rpcInterface().service(QStringLiteral("greet"));

    for (const Conversation &conversation : loadTranscript()) {
        const QByteArray title = conversation.title.toUtf8();
        QList<Frame> fromServer;
        Frame request;
        bool hasRequest = false;
        for (const Frame &frame : conversation.frames) {
            if (!frame.toServer)
                fromServer.append(frame);
            else if (frame.type == QLatin1String("request") && !hasRequest) {
                request = frame;
                hasRequest = true;
            } else if (frame.type == QLatin1String("stream")) {
                // Our client sends the same stream message, byte for byte.
                QVariant value;
                QVERIFY(RpcBodyCodec::decode(
                        GreeterClient::rpcInterface().stream(QStringLiteral("log")).bodyType(),
                        frame.body, RpcBodyCodec::Json, &value));
                QSignalSpy streams(serverPeer, &RpcPeer::streamReceived);
                QVERIFY(client.sendLog(LogLine::fromVariant(value)));
                QVERIFY(streams.wait(Timeout));
                QCOMPARE(streams.at(0).at(0).value<RpcMessage>().serviceId(), frame.serviceId);
                QCOMPARE(streams.at(0).at(0).value<RpcMessage>().body(), frame.body);
            }
        }
        if (!hasRequest)
            continue;

        // The raw server replays what the Rust server sent.
        QPointer<RpcRequest> received;
        QList<RpcMessage> requesterUpdates;
        auto connection = connect(serverPeer, &RpcPeer::requestReceived, this, [&](RpcRequest *r) {
            received = r;
            connect(r, &RpcRequest::updateReceived, this,
                    [&](const RpcMessage &m) { requesterUpdates.append(m); });
        });
        auto replay = [&](const Frame &frame) {
            if (frame.type == QLatin1String("responder_update"))
                received->sendUpdate(frame.serviceId, frame.body);
            else if (frame.serviceId == -1)
                received->sendErrorResponse(QString::fromUtf8(frame.body));
            else
                received->sendResponse(frame.serviceId, frame.body);
        };

        QList<Progress> progress;
        QPointer<QObject> call;
        bool cancelled = false;
        if (request.serviceId == 99) {
            GreeterPingCall *ping = client.ping();
            call = ping;
        } else {
            QVariant value;
            GreetRequest body;
            if (RpcBodyCodec::decode(greet.requestType(), request.body, RpcBodyCodec::Json, &value))
                body = GreetRequest::fromVariant(value);
            else
                body.name = QStringLiteral(
                        "a body the client cannot send"); // the server's answer is replayed anyway
            GreeterGreetCall *greetCall = client.greet(body);
            connect(greetCall, &GreeterGreetCall::progressReceived, this,
                    [&, greetCall](const Progress &p) {
                        progress.append(p);
                        if (conversation.title.startsWith(QLatin1String("cancel")) && !cancelled) {
                            cancelled = true;
                            greetCall->cancel();
                        }
                    });
            call = greetCall;
        }
        QSignalSpy finished(call.data(), SIGNAL(finished()));
        QTRY_VERIFY_WITH_TIMEOUT(received, Timeout);
        QCOMPARE(received->serviceId(), request.serviceId);
        int expectedProgress = 0;
        for (const Frame &frame : std::as_const(fromServer)) {
            if (cancelled) {
                // The cancel the Rust server saw: a requester update with `null`.
                QTRY_COMPARE_WITH_TIMEOUT(requesterUpdates.size(), 1, Timeout);
                QCOMPARE(requesterUpdates.at(0).serviceId(), 1);
                QCOMPARE(requesterUpdates.at(0).body(), QByteArray("null"));
            }
            replay(frame);
            if (frame.type == QLatin1String("responder_update")) {
                ++expectedProgress;
                QTRY_COMPARE_WITH_TIMEOUT(progress.size(), expectedProgress, Timeout);
                QVariant value;
                QVERIFY(RpcBodyCodec::decode(
                        greet.responseUpdate(QStringLiteral("progress")).bodyType(), frame.body,
                        RpcBodyCodec::Json, &value));
                QCOMPARE(progress.last(), Progress::fromVariant(value));
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, Timeout);
        const Frame &last = fromServer.last();
        if (auto *greetCall = qobject_cast<GreeterGreetCall *>(call.data())) {
            if (cancelled) {
                QCOMPARE(greetCall->error(), RpcError::Canceled);
            } else if (last.serviceId == -1) {
                QCOMPARE(greetCall->error(), RpcError::RemoteError);
                QCOMPARE(greetCall->errorString(), QString::fromUtf8(last.body));
            } else {
                QVERIFY2(greetCall->error() == RpcError::NoError,
                         qPrintable(greetCall->errorString()));
                QVariant value;
                QVERIFY(RpcBodyCodec::decode(greet.responseType(), last.body, RpcBodyCodec::Json,
                                             &value));
                QCOMPARE(greetCall->response(), GreetResponse::fromVariant(value));
            }
        } else {
            auto *pingCall = qobject_cast<GreeterPingCall *>(call.data());
            QVERIFY(pingCall);
            QCOMPARE(pingCall->error(), RpcError::NoError);
            QVERIFY(pingCall->hasResponse());
        }
        disconnect(connection);
        delete call.data();
        QVERIFY2(peer.state() == RpcPeer::ConnectedState, title.constData());
    }
}

void tst_GeneratedGreeter::examplesRun()
{
    QFETCH_GLOBAL(QString, scheme);
    QTemporaryDir dir;
    Program server(GREETER_SERVER);
    const QString address = startServer(&server, listenAddress(scheme, dir));
    QVERIFY2(!address.isEmpty(), qPrintable(server.errorOutput()));
    Program client(GREETER_CLIENT);
    client.start({address});
    QVERIFY(client.waitForFinished());
    QCOMPARE(client.exitCode(), 0);
    QCOMPARE(client.output(),
             QStringLiteral("progress 1/3\nprogress 2/3\nprogress 3/3\n"
                            "Hello, Ada!\nHello, Ada!\nHello, Ada!\nsent log line\n"));
    QVERIFY(server.waitForLine(QRegularExpression(QStringLiteral("log Info: greeted Ada\\n")))
                    .hasMatch());
    QCOMPARE(server.process().state(), QProcess::Running);

    // Without a server the client fails with a message and exit code 1.
    server.process().kill();
    QVERIFY(server.waitForFinished());
    Program lonely(GREETER_CLIENT);
    lonely.start({address});
    QVERIFY(lonely.waitForFinished());
    QCOMPARE(lonely.exitCode(), 1);
    QVERIFY(lonely.errorOutput().startsWith(QStringLiteral("greeter-client: ")));
}

QTEST_GUILESS_MAIN(tst_GeneratedGreeter)
#include "tst_generatedgreeter.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcReplayServer against a real RpcPeer client, over every transport.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcReplayServer>
#include <FizyrRpcQt/RpcRequest>

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QPointer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <memory>

using namespace Fizyr;
using RpcTestSupport::DefaultTimeout;

namespace {

// A recording as proxy --record writes it: connection 1 asks service 1
// "hello" (one update, then the response), connection 2 asks service 2
// "nothing here" (an error response), connection 3 asks service 7 "slow",
// answered a minute later.
const char *const Recording = R"({"elapsed":0,"connection":1,"event":"connected"}
{"elapsed":0.001,"connection":1,"direction":"client->server","type":"request","request_id":0,"service_id":1,"body":"hello","fds":0}
{"elapsed":0.002,"connection":1,"direction":"server->client","type":"responder-update","request_id":0,"service_id":1,"body":"update 1 of 1","fds":0}
{"elapsed":0.003,"connection":1,"direction":"server->client","type":"response","request_id":0,"service_id":0,"body":"hello","fds":0}

{"elapsed":0.010,"connection":2,"direction":"client->server","type":"request","request_id":0,"service_id":2,"body_base64":"bm90aGluZyBoZXJl","fds":0}
{"elapsed":0.012,"connection":2,"direction":"server->client","type":"response","request_id":0,"service_id":-1,"body":"unknown service 2","fds":0}
{"elapsed":0.020,"connection":3,"direction":"client->server","type":"request","request_id":0,"service_id":7,"body":"slow","fds":0}
{"elapsed":60.020,"connection":3,"direction":"server->client","type":"response","request_id":0,"service_id":0,"body":"late","fds":0}
)";

// What the server started itself, and descriptors: before the first
// request a stream message with one descriptor; the response to "hello" with
// two; after it a stream message and a request of the server's with a
// requester update.
const char *const ServerStarted = R"({"elapsed":0,"connection":1,"event":"connected"}
{"elapsed":0.001,"connection":1,"direction":"server->client","type":"stream","request_id":0,"service_id":9,"body":"welcome","fds":1}
{"elapsed":0.002,"connection":1,"direction":"client->server","type":"request","request_id":0,"service_id":1,"body":"hello","fds":0}
{"elapsed":0.003,"connection":1,"direction":"server->client","type":"response","request_id":0,"service_id":0,"body":"hello","fds":2}
{"elapsed":0.004,"connection":1,"direction":"server->client","type":"stream","request_id":0,"service_id":9,"body":"after","fds":0}
{"elapsed":0.005,"connection":1,"direction":"server->client","type":"request","request_id":0,"service_id":5,"body":"ask","fds":0}
{"elapsed":0.006,"connection":1,"direction":"server->client","type":"requester-update","request_id":0,"service_id":5,"body":"more","fds":0}
{"elapsed":0.007,"connection":1,"direction":"client->server","type":"response","request_id":0,"service_id":0,"body":"answer","fds":0}
)";

// The library hook's files (FIZYR_RPC_RECORD) say sent / received: a client
// process's recording (with its role), and a server process's without one
// (the first request, received, says it).
const char *const HookClient
        = R"({"elapsed":0,"connection":1,"direction":"sent","role":"client","type":"request","request_id":0,"service_id":1,"body":"from the app","fds":0}
{"elapsed":0.001,"connection":1,"direction":"received","role":"client","type":"response","request_id":0,"service_id":0,"body":"to the app","fds":0}
)";
const char *const HookServer
        = R"({"elapsed":0,"connection":1,"direction":"received","type":"request","request_id":3,"service_id":2,"body":"question","fds":0}
{"elapsed":0.001,"connection":1,"direction":"sent","type":"responder-update","request_id":3,"service_id":2,"body":"thinking","fds":0}
{"elapsed":0.002,"connection":1,"direction":"sent","type":"response","request_id":3,"service_id":0,"body":"answer","fds":0}
)";

} // namespace

class TestReplayServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { RpcTestSupport::addTransportRows(); }
    void init();
    void cleanup();

    void matched();
    void unmatched();
    void byOrder();
    void deleteWhilePending();
    void badFiles();
    void serverStartedAndDescriptors();
    void hookRecordings();
#ifdef FIZYR_RPC_TOOL
    void realRecording();
#endif

private:
    QString writeFile(const QByteArray &contents);
    bool start(RpcReplayServer::MatchMode mode, const char *recording = Recording);
    RpcRequest *call(qint32 serviceId, const QByteArray &body);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<RpcReplayServer> m_replay;
    std::unique_ptr<RpcPeer> m_client;
};

void TestReplayServer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestReplayServer::cleanup()
{
    m_client.reset();
    m_replay.reset();
    m_dir.reset();
}

QString TestReplayServer::writeFile(const QByteArray &contents)
{
    static int counter = 0;
    const QString path = m_dir->filePath(QStringLiteral("rec%1.jsonl").arg(++counter));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contents) != contents.size())
        return QString();
    return path;
}

bool TestReplayServer::start(RpcReplayServer::MatchMode mode, const char *recording)
{
    QFETCH_GLOBAL(QString, scheme);
    m_replay = std::make_unique<RpcReplayServer>();
    m_replay->setMatchMode(mode);
    if (!m_replay->load(writeFile(recording)))
        return false;
    if (!m_replay->listen(RpcTestSupport::addressFor(scheme, *m_dir, QStringLiteral("replay"))))
        return false;
    m_client = std::make_unique<RpcPeer>();
    QSignalSpy connected(m_client.get(), &RpcPeer::connected);
    m_client->connectToServer(m_replay->serverAddress().toString());
    return connected.wait(DefaultTimeout) || !connected.isEmpty();
}

RpcRequest *TestReplayServer::call(qint32 serviceId, const QByteArray &body)
{
    return m_client->sendRequest(serviceId, body);
}

void TestReplayServer::matched()
{
    QVERIFY(start(RpcReplayServer::MatchByServiceAndBody));
    QCOMPARE(m_replay->transactionCount(), 3);
    QCOMPARE(m_replay->unusedTransactionCount(), 3);
    QSignalSpy matchedSpy(m_replay.get(), &RpcReplayServer::requestMatched);

    RpcRequest *hello = call(1, "hello");
    QSignalSpy updates(hello, &RpcRequest::updateReceived);
    QSignalSpy finished(hello, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(updates.size(), 1);
    const RpcMessage update = updates.at(0).at(0).value<RpcMessage>();
    QCOMPARE(update.serviceId(), 1);
    QCOMPARE(update.body(), QByteArray("update 1 of 1"));
    QCOMPARE(hello->response().serviceId(), 0);
    QCOMPARE(hello->response().body(), QByteArray("hello"));
    QCOMPARE(matchedSpy.size(), 1);
    QCOMPARE(matchedSpy.at(0).at(1).toInt(), 2);

    // The recorded error response, from a base64 body.
    RpcRequest *nothing = call(2, "nothing here");
    QSignalSpy finished2(nothing, &RpcRequest::finished);
    QVERIFY(finished2.wait(DefaultTimeout));
    QCOMPARE(nothing->error(), RpcError::RemoteError);
    QCOMPARE(nothing->errorString(), QStringLiteral("unknown service 2"));
    QCOMPARE(matchedSpy.at(1).at(1).toInt(), 6);
    QCOMPARE(m_replay->unusedTransactionCount(), 1);
    QVERIFY(!m_replay->allTransactionsUsed());

    // A used transaction answers again; with immediate timing the slow one
    // comes at once.
    m_replay->setTiming(RpcReplayServer::Immediate);
    RpcRequest *again = call(1, "hello");
    RpcRequest *slow = call(7, "slow");
    QSignalSpy againFinished(again, &RpcRequest::finished);
    QSignalSpy slowFinished(slow, &RpcRequest::finished);
    QTRY_VERIFY_WITH_TIMEOUT(!againFinished.isEmpty() && !slowFinished.isEmpty(), DefaultTimeout);
    QCOMPARE(again->response().body(), QByteArray("hello"));
    QCOMPARE(slow->response().body(), QByteArray("late"));
    QVERIFY(m_replay->allTransactionsUsed());
    m_replay->resetUsage();
    QCOMPARE(m_replay->unusedTransactionCount(), 3);
}

void TestReplayServer::unmatched()
{
    QVERIFY(start(RpcReplayServer::MatchByServiceAndBody));
    QSignalSpy unmatchedSpy(m_replay.get(), &RpcReplayServer::requestUnmatched);

    RpcRequest *bonjour = call(1, "bonjour");
    QSignalSpy finished(bonjour, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    const QString expected = QStringLiteral(
            "replay: no recorded request for service 1 with body \"bonjour\"; recorded bodies "
            "for service 1: \"hello\"");
    QCOMPARE(bonjour->error(), RpcError::RemoteError);
    QCOMPARE(bonjour->errorString(), expected);
    QCOMPARE(unmatchedSpy.size(), 1);
    QCOMPARE(unmatchedSpy.at(0).at(1).toString(), expected);

    RpcRequest *unknown = call(9, "x\ny");
    QSignalSpy finished2(unknown, &RpcRequest::finished);
    QVERIFY(finished2.wait(DefaultTimeout));
    QCOMPARE(unknown->errorString(),
             QStringLiteral("replay: no recorded request for service 9 with body \"x\\ny\"; "
                            "recorded services: 1, 2, 7"));
    QCOMPARE(m_replay->unusedTransactionCount(), 3);
}

void TestReplayServer::byOrder()
{
    QVERIFY(start(RpcReplayServer::MatchByOrder));
    m_replay->setTiming(RpcReplayServer::Immediate);

    RpcRequest *wrong = call(2, "nothing here");
    QSignalSpy wrongFinished(wrong, &RpcRequest::finished);
    QVERIFY(wrongFinished.wait(DefaultTimeout));
    QCOMPARE(wrong->errorString(),
             QStringLiteral("replay: no recorded request for service 2 with body \"nothing "
                            "here\"; expected service 1 with body \"hello\" (line 2)"));

    const QList<QPair<qint32, QByteArray>> order = {{1, "hello"}, {2, "nothing here"}, {7, "slow"}};
    for (const auto &[serviceId, body] : order) {
        RpcRequest *request = call(serviceId, body);
        QSignalSpy finished(request, &RpcRequest::finished);
        QVERIFY(finished.wait(DefaultTimeout));
        QVERIFY(request->hasResponse());
    }
    QVERIFY(m_replay->allTransactionsUsed());

    RpcRequest *extra = call(1, "hello");
    QSignalSpy extraFinished(extra, &RpcRequest::finished);
    QVERIFY(extraFinished.wait(DefaultTimeout));
    QCOMPARE(extra->errorString(),
             QStringLiteral("replay: no recorded request for service 1 with body \"hello\"; "
                            "every recorded request was replayed"));
}

void TestReplayServer::deleteWhilePending()
{
    QVERIFY(start(RpcReplayServer::MatchByServiceAndBody));
    const int fdsBefore = RpcTestSupport::openFdCount();
    QSignalSpy matchedSpy(m_replay.get(), &RpcReplayServer::requestMatched);
    QPointer<RpcRequest> slow = call(7, "slow"); // answered after 60 s as recorded
    QSignalSpy finished(slow.data(), &RpcRequest::finished);
    QVERIFY(matchedSpy.wait(DefaultTimeout));
    QVERIFY(!slow->isFinished());

    QSignalSpy disconnected(m_client.get(), &RpcPeer::disconnected);
    m_replay.reset(); // with its server, peers and the pending reply
    QVERIFY(disconnected.wait(DefaultTimeout) || !disconnected.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), DefaultTimeout);
    QVERIFY(!slow->hasResponse() || slow->error() != RpcError::NoError);
    // The server's sockets are closed (the client's may remain).
    QTRY_VERIFY_WITH_TIMEOUT(RpcTestSupport::openFdCount() < fdsBefore, DefaultTimeout);
}

void TestReplayServer::badFiles()
{
    QFETCH_GLOBAL(QString, scheme);
    Q_UNUSED(scheme);
    RpcReplayServer replay;
    QSignalSpy errorSpy(&replay, &RpcReplayServer::errorChanged);
    QVERIFY(replay.load(writeFile(Recording)));
    QCOMPARE(replay.transactionCount(), 3);

    const QString notJson = writeFile("\n{\"type\":\"request\"}\nnot json\n");
    QVERIFY(!replay.load(notJson));
    QVERIFY2(replay.errorString().startsWith(notJson + QStringLiteral(":3: not a JSON object")),
             qPrintable(replay.errorString()));
    QCOMPARE(replay.transactionCount(), 3); // the previous recording stays

    const QString badBase64 = writeFile(
            "{\"direction\":\"client->server\",\"type\":\"request\",\"body_base64\":\"***\"}\n");
    QVERIFY(!replay.load(badBase64));
    QCOMPARE(replay.errorString(), badBase64 + QStringLiteral(":1: invalid body_base64"));

    const QString missing = m_dir->filePath(QStringLiteral("missing.jsonl"));
    QVERIFY(!replay.load(missing));
    QVERIFY(replay.errorString().startsWith(QStringLiteral("cannot read \"%1\"").arg(missing)));
    QVERIFY(errorSpy.size() >= 4);

    QVERIFY(replay.load(writeFile("")));
    QCOMPARE(replay.transactionCount(), 0);
    QVERIFY(replay.errorString().isEmpty());
    QVERIFY(replay.allTransactionsUsed());
}

void TestReplayServer::serverStartedAndDescriptors()
{
    QFETCH_GLOBAL(QString, scheme);
    const bool seqpacket = scheme == QLatin1String("seqpacket");
    m_replay = std::make_unique<RpcReplayServer>();
    QVERIFY(m_replay->load(writeFile(ServerStarted)));
    QCOMPARE(m_replay->transactionCount(), 1);
    QVERIFY(m_replay->listen(RpcTestSupport::addressFor(scheme, *m_dir, QStringLiteral("replay"))));
    m_client = std::make_unique<RpcPeer>();
    QList<RpcMessage> streams;
    QList<QByteArray> serverUpdates;
    QPointer<RpcRequest> serverRequest;
    connect(m_client.get(), &RpcPeer::streamReceived, this,
            [&streams](const RpcMessage &message) { streams.append(message); });
    connect(m_client.get(), &RpcPeer::requestReceived, this,
            [&serverRequest, &serverUpdates](RpcRequest *request) {
                serverRequest = request;
                connect(request, &RpcRequest::updateReceived, request,
                        [&serverUpdates](const RpcMessage &update) {
                            serverUpdates.append(update.body());
                        });
            });
    m_client->connectToServer(m_replay->serverAddress());

    // Sent when the client connects, as recorded before the first request.
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 1, DefaultTimeout);
    QCOMPARE(streams.at(0).serviceId(), 9);
    QCOMPARE(streams.at(0).body(), QByteArray("welcome"));
    QCOMPARE(streams.at(0).fileDescriptors().size(), seqpacket ? 1 : 0);

    RpcRequest *hello = call(1, "hello");
    QSignalSpy finished(hello, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout) || !finished.isEmpty());
    QCOMPARE(hello->response().body(), QByteArray("hello"));
    // Fresh descriptors in the recorded number (of /dev/null) on seqpacket.
    QCOMPARE(hello->response().fileDescriptors().size(), seqpacket ? 2 : 0);
    if (seqpacket)
        QVERIFY(hello->response().fileDescriptors().at(0).isValid());

    // Then what the server started after the request.
    QTRY_COMPARE_WITH_TIMEOUT(streams.size(), 2, DefaultTimeout);
    QCOMPARE(streams.at(1).body(), QByteArray("after"));
    QTRY_VERIFY_WITH_TIMEOUT(serverRequest, DefaultTimeout);
    QCOMPARE(serverRequest->serviceId(), 5);
    QCOMPARE(serverRequest->body(), QByteArray("ask"));
    QTRY_COMPARE_WITH_TIMEOUT(serverUpdates.size(), 1, DefaultTimeout);
    QCOMPARE(serverUpdates.at(0), QByteArray("more"));
    QVERIFY(serverRequest->sendResponse(0, "answer"));
    QVERIFY(m_replay->allTransactionsUsed());
}

void TestReplayServer::hookRecordings()
{
    // A client process's recording: what it sent is the client's part.
    QVERIFY(start(RpcReplayServer::MatchByServiceAndBody, HookClient));
    QCOMPARE(m_replay->transactionCount(), 1);
    RpcRequest *request = call(1, "from the app");
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout) || !finished.isEmpty());
    QCOMPARE(request->response().body(), QByteArray("to the app"));

    // A server process's recording: what it received is the client's part.
    m_client.reset();
    QVERIFY(start(RpcReplayServer::MatchByServiceAndBody, HookServer));
    QCOMPARE(m_replay->transactionCount(), 1);
    RpcRequest *question = call(2, "question");
    QSignalSpy updates(question, &RpcRequest::updateReceived);
    QSignalSpy finished2(question, &RpcRequest::finished);
    QVERIFY(finished2.wait(DefaultTimeout) || !finished2.isEmpty());
    QCOMPARE(updates.size(), 1);
    QCOMPARE(updates.at(0).at(0).value<RpcMessage>().body(), QByteArray("thinking"));
    QCOMPARE(question->response().body(), QByteArray("answer"));
}

#ifdef FIZYR_RPC_TOOL
// Starts the tool with args; returns the address of its "listening on" line.
static QString startTool(QProcess *process, const QStringList &args)
{
    process->start(QStringLiteral(FIZYR_RPC_TOOL), args);
    QDeadlineTimer deadline(DefaultTimeout);
    while (!process->canReadLine() && !deadline.hasExpired())
        process->waitForReadyRead(100);
    const QString line = QString::fromUtf8(process->readLine()).trimmed();
    return line.startsWith(QLatin1String("listening on ")) ? line.mid(13) : QString();
}

// A recording made by the real proxy (fizyr-rpc proxy --record) of the real
// test server, replayed.
void TestReplayServer::realRecording()
{
    QFETCH_GLOBAL(QString, scheme);
    QProcess service;
    const QString serviceAddress
            = startTool(&service,
                        {QStringLiteral("serve"), QStringLiteral("--updates"), QStringLiteral("1"),
                         RpcTestSupport::addressFor(scheme, *m_dir, QStringLiteral("service"))});
    QVERIFY2(!serviceAddress.isEmpty(), service.readAllStandardError().constData());
    const QString recording = m_dir->filePath(QStringLiteral("real.jsonl"));
    QProcess proxy;
    const QString proxyAddress = startTool(
            &proxy,
            {QStringLiteral("proxy"), QStringLiteral("--record"), recording,
             RpcTestSupport::addressFor(scheme, *m_dir, QStringLiteral("proxy")), serviceAddress});
    QVERIFY2(!proxyAddress.isEmpty(), proxy.readAllStandardError().constData());
    {
        RpcPeer client;
        QSignalSpy connected(&client, &RpcPeer::connected);
        client.connectToServer(proxyAddress);
        QVERIFY(connected.wait(DefaultTimeout) || !connected.isEmpty());
        RpcRequest *request = client.sendRequest(1, "hello");
        QSignalSpy finished(request, &RpcRequest::finished);
        QVERIFY(finished.wait(DefaultTimeout));
    }
    ::kill(pid_t(proxy.processId()), SIGTERM);
    QVERIFY(proxy.waitForFinished(DefaultTimeout));
    ::kill(pid_t(service.processId()), SIGTERM);
    QVERIFY(service.waitForFinished(DefaultTimeout));

    RpcReplayServer replay;
    QVERIFY2(replay.load(recording), qPrintable(replay.errorString()));
    QCOMPARE(replay.transactionCount(), 1);
    QVERIFY(replay.listen(RpcTestSupport::addressFor(scheme, *m_dir, QStringLiteral("replay"))));
    RpcPeer client;
    QSignalSpy connected(&client, &RpcPeer::connected);
    client.connectToServer(replay.serverAddress());
    QVERIFY(connected.wait(DefaultTimeout) || !connected.isEmpty());
    RpcRequest *request = client.sendRequest(1, "hello");
    QSignalSpy updates(request, &RpcRequest::updateReceived);
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(updates.size(), 1);
    QCOMPARE(updates.at(0).at(0).value<RpcMessage>().body(), QByteArray("update 1 of 1"));
    QCOMPARE(request->response().body(), QByteArray("hello"));
    QVERIFY(replay.allTransactionsUsed());
}
#endif

QTEST_GUILESS_MAIN(TestReplayServer)
#include "tst_replayserver.moc"

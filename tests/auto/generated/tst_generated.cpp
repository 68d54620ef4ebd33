// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The code fizyr-rpc-gen generates: a generated client against a generated
// server over every transport (calls, updates both ways, cancel, streams,
// unit bodies, CBOR), bodies that do not decode on either side, unknown
// services, and the value types (every kind of type, keyword names).

#include "greeter.h"
#include "types.h"

#include <FizyrRpcQt/RpcBodyCodec>
#include <FizyrRpcQt/RpcException>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QMetaProperty>
#include <QtCore/QPointer>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include "rpctestsupport.h"

using namespace Fizyr;

namespace {

constexpr int Timeout = 20000;

// A server with one accepted connection and a client peer connected to it.
struct Connection
{
    RpcServer server;
    QPointer<RpcPeer> serverPeer;
    RpcPeer client;

    bool open(const QString &address)
    {
        if (!server.listen(address))
            return false;
        client.connectToServer(server.serverAddress());
        if (!QTest::qWaitFor([this] { return server.hasPendingConnections(); }, Timeout))
            return false;
        serverPeer = server.nextPendingConnection();
        return QTest::qWaitFor([this] { return client.state() == RpcPeer::ConnectedState; },
                               Timeout);
    }
};

Everything sampleEverything()
{
    Everything e;
    e.flag = true;
    e.small = -8;
    e.medium = -1600;
    e.intValue = -320000;
    e.big = -(qint64(1) << 60);
    e.ubyte = 255;
    e.ushort = 65535;
    e.uint = 4000000000u;
    e.ulong = 18446744073709551615ull;
    e.single = 0.5f;
    e.double_ = 0.1;
    e.text = QStringLiteral("h\u00e9llo \"w\"\n");
    e.bytes = QByteArray("\x00\x01\xff", 3);
    e.list = {Point{1, -2}, Point{3, 4}};
    e.maybe = Point{5, 6};
    e.maybeList = QList<qint32>{1, 2, 3};
    e.map.insert(QStringLiteral("b"), Shape::fromCircle(2.5));
    e.map.insert(QStringLiteral("a"), Shape(Shape::Nothing));
    e.hash.insert(QStringLiteral("x"), std::nullopt);
    e.hash.insert(QStringLiteral("y"), QStringLiteral("why"));
    e.node.label = QStringLiteral("root");
    Node child;
    child.label = QStringLiteral("child");
    e.node.children = {child};
    ShapePoly poly;
    poly.points = {Point{0, 0}, Point{1, 1}};
    poly.closed = true;
    e.shape = Shape::fromPoly(poly);
    return e;
}

} // namespace

class tst_Generated : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { RpcTestSupport::addTransportRows(); }
    void init() { QVERIFY(m_dir.isValid()); }

    void greet();
    void greetFuture();
    void cancel();
    void noUpdatesAfterCancel();
    void requestFinished();
    void streams();
    void unitBodies();
    void negativeServiceId();
    void cbor();
    void everythingRoundTrip();
    void updatesBothWays();
    void invalidRequestBody();
    void invalidResponseBody();
    void invalidUpdateBody();
    void unknownService();
    void noHandler();
    void serverOnRpcServer();
    void peerDeleted();
    void autoDeletingPeers();
    void autoDeletingPeerDeletedUnderCalls();

    void valueTypes();
    void introspection();

private:
    QString address(const char *name)
    {
        QFETCH_GLOBAL(QString, scheme);
        return RpcTestSupport::addressFor(scheme, m_dir, QString::fromLatin1(name));
    }

    QTemporaryDir m_dir;
};

void tst_Generated::greet()
{
    Connection c;
    QVERIFY(c.open(address("greet")));
    GreeterServer server(c.serverPeer);
    connect(&server, &GreeterServer::greetRequested, this, [](GreeterGreetRequest *request) {
        for (quint32 i = 1; i <= request->body().times; ++i)
            request->sendProgress(Progress{i, request->body().times});
        QStringList greetings;
        for (quint32 i = 0; i < request->body().times; ++i)
            greetings.append(QStringLiteral("Hello, %1!").arg(request->body().name));
        request->respond(GreetResponse{greetings});
    });

    GreeterClient client(&c.client);
    GreetRequest request;
    request.name = QStringLiteral("Ada");
    request.times = 2;
    request.style = Style::fromCustom(QStringLiteral("Hi"));
    GreeterGreetCall *call = client.greet(request);
    QSignalSpy progress(call, &GreeterGreetCall::progressReceived);
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(call->error(), RpcError::NoError);
    QVERIFY(call->hasResponse());
    QCOMPARE(call->response().greetings,
             QStringList({QStringLiteral("Hello, Ada!"), QStringLiteral("Hello, Ada!")}));
    QCOMPARE(progress.size(), 2);
    QCOMPARE(progress.at(0).at(0).value<Progress>(), (Progress{1, 2}));
    QCOMPARE(progress.at(1).at(0).value<Progress>(), (Progress{2, 2}));
    QVERIFY(call->isFinished());
    QVERIFY(!call->request()); // handed back to the peer
}

void tst_Generated::greetFuture()
{
    Connection c;
    QVERIFY(c.open(address("future")));
    GreeterServer server(c.serverPeer);
    connect(&server, &GreeterServer::greetRequested, this, [](GreeterGreetRequest *request) {
        if (request->body().times > 100)
            request->respondError(QStringLiteral("too many"));
        else
            request->respond(GreetResponse{{request->body().name}});
    });
    GreeterClient client(&c.client);

    GreetRequest ok;
    ok.name = QStringLiteral("Bo");
    ok.times = 1;
    QFuture<GreetResponse> future = client.greet(ok)->future();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), Timeout);
    QCOMPARE(future.result().greetings, QStringList{QStringLiteral("Bo")});

    GreetRequest bad = ok;
    bad.times = 101;
    GreeterGreetCall *call = client.greet(bad);
    QFuture<GreetResponse> failing = call->future();
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::RemoteError);
    QCOMPARE(call->errorString(), QStringLiteral("too many"));
    QVERIFY(failing.isFinished());
    try {
        failing.waitForFinished();
        QFAIL("no exception");
    } catch (const RpcException &e) {
        QCOMPARE(e.error(), RpcError::RemoteError);
        QCOMPARE(e.errorString(), QStringLiteral("too many"));
    }
}

void tst_Generated::cancel()
{
    Connection c;
    QVERIFY(c.open(address("cancel")));
    GreeterServer server(c.serverPeer);
    QPointer<GreeterGreetRequest> received;
    bool cancelRequested = false;
    connect(&server, &GreeterServer::greetRequested, this, [&](GreeterGreetRequest *request) {
        received = request;
        request->sendProgress(Progress{1, request->body().times});
        connect(request, &GreeterGreetRequest::cancelRequested, request, [&, request] {
            cancelRequested = true;
            request->respondError(QStringLiteral("cancelled"));
        });
    });
    GreeterClient client(&c.client);
    GreetRequest request;
    request.name = QStringLiteral("Ha");
    request.times = 50;
    GreeterGreetCall *call = client.greet(request);
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QSignalSpy progress(call, &GreeterGreetCall::progressReceived);
    QVERIFY(progress.wait(Timeout));
    QFuture<GreetResponse> future = call->future();
    call->cancel();
    // cancel() finishes the call at once, locally.
    QCOMPARE(finished.size(), 1);
    QCOMPARE(call->error(), RpcError::Canceled);
    QVERIFY(future.isFinished());
    QTRY_VERIFY_WITH_TIMEOUT(cancelRequested, Timeout);
    // The server's answer is dropped by the peer; nothing else is emitted and
    // the connection stays up.
    QTRY_VERIFY_WITH_TIMEOUT(!received, Timeout);
    QCOMPARE(finished.size(), 1);
    call->cancel(); // harmless
    QCOMPARE(c.client.state(), RpcPeer::ConnectedState);
    QCOMPARE(c.client.openRequestCount(), 0);
}

// After cancel() the call emits nothing more, even when the server still
// sends updates before its answer, and its request is the call's parent
// (an auto-deleting peer): the call is finished but the request is open.
void tst_Generated::noUpdatesAfterCancel()
{
    Connection c;
    QVERIFY(c.open(address("noUpdatesAfterCancel")));
    c.client.setAutoDeleteRequests(true);
    GreeterServer server(c.serverPeer);
    connect(&server, &GreeterServer::greetRequested, this, [](GreeterGreetRequest *request) {
        request->sendProgress(Progress{1, 3});
        connect(request, &GreeterGreetRequest::cancelRequested, request, [request] {
            request->sendProgress(Progress{2, 3});
            request->sendProgress(Progress{3, 3});
            request->respondError(QStringLiteral("cancelled"));
        });
    });
    GreeterClient client(&c.client);
    GreetRequest request;
    request.name = QStringLiteral("Ada");
    request.times = 3;
    GreeterGreetCall *call = client.greet(request);
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QSignalSpy progress(call, &GreeterGreetCall::progressReceived);
    QVERIFY(progress.wait(Timeout));
    QPointer<RpcRequest> raw = call->request();
    QVERIFY(raw);
    QSignalSpy rawFinished(raw.data(), &RpcRequest::finished);
    call->cancel();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(call->error(), RpcError::Canceled);
    // The server's two updates and its error response reach the request.
    QVERIFY(rawFinished.wait(Timeout));
    QCOMPARE(progress.size(), 1);
    QCOMPARE(finished.size(), 1);
}

// The typed request's finished() is forwarded from its RpcRequest once
// something connects to it (a connection less for the handlers that do not):
// a handler that connects to it, before responding later, gets it once.
void tst_Generated::requestFinished()
{
    Connection c;
    QVERIFY(c.open(address("requestFinished")));
    GreeterServer server(c.serverPeer);
    int typedFinished = 0;
    bool openAtFinished = true;
    connect(&server, &GreeterServer::greetRequested, this, [&](GreeterGreetRequest *request) {
        connect(request, &GreeterGreetRequest::finished, this, [&, request] {
            ++typedFinished;
            openAtFinished = request->isOpen();
        });
        // A second connection does not forward it twice.
        connect(request, &GreeterGreetRequest::finished, this, [] {});
        QTimer::singleShot(0, request, [request] { request->respond(GreetResponse{}); });
    });
    GreeterClient client(&c.client);
    GreetRequest request;
    request.name = QStringLiteral("Ada");
    request.times = 1;
    GreeterGreetCall *call = client.greet(request);
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::NoError);
    QTRY_COMPARE_WITH_TIMEOUT(typedFinished, 1, Timeout);
    QVERIFY(!openAtFinished);
}

void tst_Generated::streams()
{
    Connection c;
    QVERIFY(c.open(address("streams")));
    GreeterServer server(c.serverPeer);
    QSignalSpy logs(&server, &GreeterServer::logReceived);
    GreeterClient client(&c.client);
    QVERIFY(client.sendLog(LogLine{Level::Warning, QStringLiteral("careful")}));
    QVERIFY(client.sendLog(LogLine{Level::Debug, QStringLiteral("noise")}));
    QTRY_COMPARE_WITH_TIMEOUT(logs.size(), 2, Timeout);
    QCOMPARE(logs.at(0).at(0).value<LogLine>(),
             (LogLine{Level::Warning, QStringLiteral("careful")}));
    QCOMPARE(logs.at(0).at(1).value<RpcPeer *>(), c.serverPeer.data());
    QCOMPARE(logs.at(1).at(0).value<LogLine>().level, Level(Level::Debug));

    // Streams both ways, unit and list bodies, a negative id.
    KitchenServer kitchen(c.serverPeer);
    QSignalSpy beats(&kitchen, &KitchenServer::beatReceived);
    QSignalSpy names(&kitchen, &KitchenServer::namesReceived);
    QSignalSpy shapes(&kitchen, &KitchenServer::shapeReceived);
    KitchenClient kitchenClient(&c.client);
    QVERIFY(kitchenClient.sendBeat());
    QVERIFY(kitchenClient.sendNames({QStringLiteral("a"), QStringLiteral("b")}));
    QVERIFY(kitchenClient.sendShape(Shape::fromRect(ShapeRect{Point{1, 2}, Point{3, 4}})));
    QTRY_COMPARE_WITH_TIMEOUT(shapes.size(), 1, Timeout);
    QCOMPARE(beats.size(), 1);
    QCOMPARE(names.at(0).at(0).value<QList<QString>>(),
             QStringList({QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(shapes.at(0).at(0).value<Shape>(),
             Shape::fromRect(ShapeRect{Point{1, 2}, Point{3, 4}}));
    // Our peer sent `()` as `null`.
    KitchenClient reverse(c.serverPeer);
    QSignalSpy raw(&c.client, &RpcPeer::streamReceived);
    QVERIFY(reverse.sendBeat());
    QVERIFY(raw.wait(Timeout));
    QCOMPARE(raw.at(0).at(0).value<RpcMessage>().serviceId(), -2);
    QCOMPARE(raw.at(0).at(0).value<RpcMessage>().body(), QByteArray("null"));
}

void tst_Generated::unitBodies()
{
    Connection c;
    QVERIFY(c.open(address("unit")));
    GreeterServer server(c.serverPeer);
    connect(&server, &GreeterServer::pingRequested, this,
            [](GreeterPingRequest *request) { request->respond(); });
    QByteArray requestBody;
    connect(c.serverPeer.data(), &RpcPeer::requestReceived, this,
            [&](RpcRequest *request) { requestBody = request->body(); });
    GreeterClient client(&c.client);
    GreeterPingCall *call = client.ping();
    QSignalSpy finished(call, &GreeterPingCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::NoError);
    QVERIFY(call->hasResponse());
    QCOMPARE(requestBody, QByteArray("null"));

    // An empty body is accepted for `()` too, both ways.
    RpcRequest *raw = c.client.sendRequest(99, QByteArray());
    QSignalSpy rawFinished(raw, &RpcRequest::finished);
    QVERIFY(rawFinished.wait(Timeout));
    QVERIFY(!raw->response().isError());
    QCOMPARE(raw->response().serviceId(), 99);
    QCOMPARE(raw->response().body(), QByteArray("null"));
}

// A service with a negative id (`class`, -7): its response carries -7 and is a
// body, not an error (RpcService::isErrorResponse()); -1 stays an error.
void tst_Generated::negativeServiceId()
{
    Connection c;
    QVERIFY(c.open(address("negative")));
    KitchenServer server(c.serverPeer);
    bool fail = false;
    connect(&server, &KitchenServer::classRequested, this, [&](KitchenClassRequest *request) {
        if (fail)
            request->respondError(QStringLiteral("no class"));
        else
            request->respond(request->body());
    });
    KitchenClient client(&c.client);
    Keywords k;
    k.class_ = QStringLiteral("c");
    k.new_ = -3;
    k.delete_ = true;
    k.namespace_ = {QStringLiteral("a"), QStringLiteral("b")};
    KitchenClassCall *call = client.class_(k);
    QSignalSpy finished(call, &KitchenClassCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::NoError);
    QCOMPARE(call->response(), k);
    QCOMPARE(call->future().result(), k);

    fail = true;
    KitchenClassCall *failing = client.class_(k);
    QSignalSpy failed(failing, &KitchenClassCall::finished);
    QVERIFY(failed.wait(Timeout));
    QCOMPARE(failing->error(), RpcError::RemoteError);
    QCOMPARE(failing->errorString(), QStringLiteral("no class"));

    // The helper itself.
    const RpcService service = KitchenClient::rpcInterface().service(QStringLiteral("class"));
    const auto response = [](qint32 id) {
        return RpcMessage(RpcMessage::Response, 1, id, QByteArray("x"));
    };
    QVERIFY(!service.isErrorResponse(response(-7)));
    QVERIFY(service.isErrorResponse(response(-1)));
    QVERIFY(service.isErrorResponse(response(-8)));
    QVERIFY(!service.isErrorResponse(response(7)));
    QVERIFY(!service.isErrorResponse(RpcMessage(RpcMessage::Stream, 0, -1, QByteArray())));
    QVERIFY(RpcService::isErrorResponse(response(-7), 1));
    QVERIFY(!RpcService::isErrorResponse(response(-7), -7));
}

void tst_Generated::cbor()
{
    Connection c;
    QVERIFY(c.open(address("cbor")));
    GreeterServer server(c.serverPeer);
    server.setBodyFormat(RpcBodyCodec::Cbor);
    QByteArray requestBody;
    connect(c.serverPeer.data(), &RpcPeer::requestReceived, this,
            [&](RpcRequest *request) { requestBody = request->body(); });
    connect(&server, &GreeterServer::greetRequested, this, [](GreeterGreetRequest *request) {
        request->sendProgress(Progress{1, 1});
        request->respond(GreetResponse{{request->body().name.toUpper()}});
    });
    GreeterClient client(&c.client);
    client.setBodyFormat(RpcBodyCodec::Cbor);
    GreetRequest request;
    request.name = QStringLiteral("cy");
    request.times = 1;
    GreeterGreetCall *call = client.greet(request);
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QSignalSpy progress(call, &GreeterGreetCall::progressReceived);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::NoError);
    QCOMPARE(call->response().greetings, QStringList{QStringLiteral("CY")});
    QCOMPARE(progress.size(), 1);
    // The request really was CBOR: a map of 3 (a3), "name" (64 6e616d65) ...
    QVERIFY(requestBody.startsWith(QByteArray::fromHex("a3646e616d65")));

    // A JSON client against the CBOR server: the body does not decode.
    GreeterClient jsonClient(&c.client);
    GreeterGreetCall *mismatch = jsonClient.greet(request);
    QSignalSpy mismatchFinished(mismatch, &GreeterGreetCall::finished);
    QVERIFY(mismatchFinished.wait(Timeout));
    QCOMPARE(mismatch->error(), RpcError::RemoteError);
    QVERIFY2(mismatch->errorString().startsWith(QStringLiteral("invalid body for greet: ")),
             qPrintable(mismatch->errorString()));
}

void tst_Generated::everythingRoundTrip()
{
    QFETCH_GLOBAL(QString, scheme);
    for (const RpcBodyCodec::Format format : {RpcBodyCodec::Json, RpcBodyCodec::Cbor}) {
        Connection c;
        QVERIFY(c.open(
                address(format == RpcBodyCodec::Json ? "everything-json" : "everything-cbor")));
        KitchenServer server(c.serverPeer);
        server.setBodyFormat(format);
        Everything seenByServer;
        connect(&server, &KitchenServer::echoRequested, this, [&](KitchenEchoRequest *request) {
            seenByServer = request->body();
            request->respond(request->body());
        });
        KitchenClient client(&c.client);
        client.setBodyFormat(format);
        const Everything sent = sampleEverything();
        KitchenEchoCall *call = client.echo(sent);
        QSignalSpy finished(call, &KitchenEchoCall::finished);
        QVERIFY(finished.wait(Timeout));
        QCOMPARE(call->error(), RpcError::NoError);
        QCOMPARE(seenByServer, sent);
        QCOMPARE(call->response(), sent);
        QVERIFY(call->response().maybe.has_value());
        QCOMPARE(call->response().node.children.value(0).label, QStringLiteral("child"));
    }
    // The JSON body is what serde_json writes for the same Rust value.
    QByteArray body;
    QString error;
    QVERIFY(RpcBodyCodec::encode(
            KitchenClient::rpcInterface().service(QStringLiteral("echo")).requestType(),
            sampleEverything().toVariant(), RpcBodyCodec::Json, &body, &error));
    QVERIFY2(body.startsWith("{\"flag\":true,\"small\":-8,\"medium\":-1600,\"intValue\":-320000,"),
             body.constData());
    QVERIFY2(body.contains("\"the-shape\":{\"Poly\":{\"points\":[{\"x\":0,\"y\":0},{\"x\":1,\"y\":"
                           "1}],\"closed\":true}}"),
             body.constData());
    QVERIFY2(body.contains("\"unitStruct\":null,\"empty\":{}"), body.constData());
}

void tst_Generated::updatesBothWays()
{
    Connection c;
    QVERIFY(c.open(address("updates")));
    KitchenServer server(c.serverPeer);
    QList<Shape> more;
    int pokes = 0;
    connect(&server, &KitchenServer::echoRequested, this, [&](KitchenEchoRequest *request) {
        connect(request, &KitchenEchoRequest::moreReceived, request,
                [&, request](const Shape &shape) {
                    more.append(shape);
                    request->sendSeen(more);
                });
        connect(request, &KitchenEchoRequest::pokeReceived, request, [&, request] {
            ++pokes;
            request->sendTick();
            request->respond(request->body());
        });
    });
    KitchenClient client(&c.client);
    KitchenEchoCall *call = client.echo(Everything());
    QSignalSpy seen(call, &KitchenEchoCall::seenReceived);
    QSignalSpy ticks(call, &KitchenEchoCall::tickReceived);
    QSignalSpy finished(call, &KitchenEchoCall::finished);
    QVERIFY(call->sendMore(Shape::fromMaybe(QStringLiteral("m"))));
    QVERIFY(seen.wait(Timeout));
    QVERIFY(call->sendMore(Shape(Shape::Default)));
    QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 2, Timeout);
    QCOMPARE(seen.at(1).at(0).value<QList<Shape>>(),
             (QList<Shape>{Shape::fromMaybe(QStringLiteral("m")), Shape(Shape::Default)}));
    QVERIFY(call->sendPoke());
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(ticks.size(), 1);
    QCOMPARE(pokes, 1);
    QCOMPARE(call->error(), RpcError::NoError);
    QVERIFY(!call->sendPoke()); // finished: nothing is sent
}

void tst_Generated::invalidRequestBody()
{
    Connection c;
    QVERIFY(c.open(address("badrequest")));
    GreeterServer server(c.serverPeer);
    int handled = 0;
    connect(&server, &GreeterServer::greetRequested, this,
            [&](GreeterGreetRequest *) { ++handled; });
    QSignalSpy invalid(&server, &GreeterServer::invalidBodyReceived);
    const QList<QByteArray> bodies = {"{\"name\":\"Gi\",\"times\":-1}", "{\"name\":\"Fa\"", "",
                                      "[1]", "{\"name\":\"x\",\"times\":1,\"style\":\"Loud\"}"};
    for (const QByteArray &body : bodies) {
        RpcRequest *request = c.client.sendRequest(1, body);
        QSignalSpy finished(request, &RpcRequest::finished);
        QVERIFY(finished.wait(Timeout));
        QVERIFY(request->response().isError());
        const QString text = request->response().errorText();
        QVERIFY2(text.startsWith(QStringLiteral("invalid body for greet: ")), qPrintable(text));
        if (body.contains("-1"))
            QVERIFY2(text.contains(QStringLiteral("`times`")), qPrintable(text)); // names the field
        if (body.contains("Loud"))
            QVERIFY2(text.contains(QStringLiteral("`style`")), qPrintable(text));
    }
    QCOMPARE(handled, 0);
    QCOMPARE(invalid.size(), bodies.size());
    QCOMPARE(c.client.state(), RpcPeer::ConnectedState);

    // A stream body that does not decode is reported, not delivered.
    QSignalSpy logs(&server, &GreeterServer::logReceived);
    QVERIFY(c.client.sendStream(1, "{\"level\":\"Loud\",\"text\":\"x\"}"));
    QVERIFY(invalid.wait(Timeout));
    QVERIFY2(invalid.last().at(0).toString().startsWith(QStringLiteral("invalid body for log: ")),
             qPrintable(invalid.last().at(0).toString()));
    QCOMPARE(logs.size(), 0);
}

void tst_Generated::invalidResponseBody()
{
    Connection c;
    QVERIFY(c.open(address("badresponse")));
    connect(c.serverPeer.data(), &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendResponse(1, "{\"greetings\":[\"a\",7]}"); });
    GreeterClient client(&c.client);
    GreeterGreetCall *call = client.greet(GreetRequest());
    QFuture<GreetResponse> future = call->future();
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(call->error(), RpcError::InvalidBody);
    QVERIFY(!call->hasResponse());
    QVERIFY2(call->errorString().contains(QStringLiteral("`greetings[1]`")),
             qPrintable(call->errorString()));
    QVERIFY(future.isFinished());
    QVERIFY_THROWS_EXCEPTION(RpcException, future.result());
}

void tst_Generated::invalidUpdateBody()
{
    Connection c;
    QVERIFY(c.open(address("badupdate")));
    // A responder update that does not decode finishes the call.
    connect(c.serverPeer.data(), &RpcPeer::requestReceived, this,
            [](RpcRequest *request) { request->sendUpdate(1, "{\"done\":\"one\",\"total\":1}"); });
    GreeterClient client(&c.client);
    GreeterGreetCall *call = client.greet(GreetRequest());
    QSignalSpy progress(call, &GreeterGreetCall::progressReceived);
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::InvalidBody);
    QVERIFY2(call->errorString().startsWith(QStringLiteral("invalid body for progress: `done`")),
             qPrintable(call->errorString()));
    QCOMPARE(progress.size(), 0);

    // A requester update that does not decode is reported on the server's request.
    Connection d;
    QVERIFY(d.open(address("badupdate2")));
    GreeterServer server(d.serverPeer);
    QPointer<GreeterGreetRequest> received;
    connect(&server, &GreeterServer::greetRequested, this,
            [&](GreeterGreetRequest *r) { received = r; });
    RpcRequest *raw = d.client.sendRequest(1, "{\"name\":\"x\",\"times\":1}");
    QTRY_VERIFY_WITH_TIMEOUT(received, Timeout);
    QSignalSpy invalid(received.data(), &GreeterGreetRequest::invalidUpdateReceived);
    QSignalSpy cancelled(received.data(), &GreeterGreetRequest::cancelRequested);
    QVERIFY(raw->sendUpdate(1, "{}"));
    QVERIFY(invalid.wait(Timeout));
    QCOMPARE(cancelled.size(), 0);
    QVERIFY(raw->sendUpdate(1, QByteArray())); // empty is fine for `()`
    QVERIFY(cancelled.wait(Timeout));
}

void tst_Generated::unknownService()
{
    Connection c;
    QVERIFY(c.open(address("unknown")));
    GreeterServer server(c.serverPeer);
    connect(&server, &GreeterServer::greetRequested, this,
            [](GreeterGreetRequest *r) { r->respond({}); });
    RpcRequest *request = c.client.sendRequest(7, "null");
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(Timeout));
    QVERIFY(request->response().isError());
    QCOMPARE(request->response().errorText(), QStringLiteral("unexpected request for service 7"));
    // An unknown stream is ignored; the connection stays up.
    QSignalSpy invalid(&server, &GreeterServer::invalidBodyReceived);
    QVERIFY(c.client.sendStream(5, "{}"));
    GreeterClient client(&c.client);
    GreeterGreetCall *call = client.greet(GreetRequest());
    QSignalSpy callFinished(call, &GreeterGreetCall::finished);
    QVERIFY(callFinished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::NoError);
    QCOMPARE(invalid.size(), 0);
}

void tst_Generated::noHandler()
{
    // A service whose signal nobody connected gets the core's error response.
    Connection c;
    QVERIFY(c.open(address("nohandler")));
    GreeterServer server(c.serverPeer);
    GreeterClient client(&c.client);
    GreeterPingCall *call = client.ping();
    QSignalSpy finished(call, &GreeterPingCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::RemoteError);
    QCOMPARE(call->errorString(), QStringLiteral("unexpected request for service 99"));
}

void tst_Generated::serverOnRpcServer()
{
    RpcServer rpcServer;
    QVERIFY(rpcServer.listen(address("rpcserver")));
    GreeterServer server(&rpcServer);
    connect(&server, &GreeterServer::greetRequested, this, [](GreeterGreetRequest *request) {
        request->respond(GreetResponse{{request->body().name}});
    });
    // Two connections, both served.
    RpcPeer a;
    RpcPeer b;
    a.connectToServer(rpcServer.serverAddress());
    b.connectToServer(rpcServer.serverAddress());
    GreeterClient clientA(&a);
    GreeterClient clientB(&b);
    QVERIFY(a.waitForConnected(Timeout));
    QVERIFY(b.waitForConnected(Timeout));
    GreetRequest request;
    request.name = QStringLiteral("A");
    GreeterGreetCall *callA = clientA.greet(request);
    request.name = QStringLiteral("B");
    GreeterGreetCall *callB = clientB.greet(request);
    QTRY_VERIFY_WITH_TIMEOUT(callA->isFinished() && callB->isFinished(), Timeout);
    QCOMPARE(callA->response().greetings, QStringList{QStringLiteral("A")});
    QCOMPARE(callB->response().greetings, QStringList{QStringLiteral("B")});
    // A peer that disconnects is deleted by the server.
    QCOMPARE(rpcServer.findChildren<RpcPeer *>().size(), 2);
    a.disconnectFromServer();
    QTRY_COMPARE_WITH_TIMEOUT(rpcServer.findChildren<RpcPeer *>().size(), 1, Timeout);
}

void tst_Generated::peerDeleted()
{
    // A call whose peer is deleted (no finished() from the core) still finishes once.
    auto *c = new Connection;
    QVERIFY(c->open(address("peerdeleted")));
    auto *peer = new RpcPeer;
    peer->connectToServer(c->server.serverAddress());
    QVERIFY(peer->waitForConnected(Timeout));
    GreeterClient client(peer);
    GreeterGreetCall *call = client.greet(GreetRequest());
    QSignalSpy finished(call, &GreeterGreetCall::finished);
    QFuture<GreetResponse> future = call->future();
    delete peer;
    QCOMPARE(finished.size(), 1);
    QCOMPARE(call->error(), RpcError::ConnectionLost);
    QVERIFY(future.isFinished());
    QVERIFY(!client.sendLog(LogLine()));
    GreeterGreetCall *late = client.greet(GreetRequest());
    QSignalSpy lateFinished(late, &GreeterGreetCall::finished);
    QVERIFY(lateFinished.wait(Timeout));
    QCOMPARE(late->error(), RpcError::NotConnected);
    delete c;
}

// With RpcPeer::autoDeleteRequests() a call has no parent and is deleted with
// its request after finished(); the server's typed requests likewise. A
// future asked for after finished() still gets the outcome, and a peer
// deleted under an unfinished call still finishes it once.
void tst_Generated::autoDeletingPeers()
{
    Connection c;
    QVERIFY(c.open(address("autodelete")));
    c.serverPeer->setAutoDeleteRequests(true);
    c.client.setAutoDeleteRequests(true);
    GreeterServer server(c.serverPeer);
    QPointer<GreeterGreetRequest> typedRequest;
    connect(&server, &GreeterServer::greetRequested, this, [&](GreeterGreetRequest *request) {
        typedRequest = request;
        request->respond(GreetResponse{{request->body().name}});
    });
    GreeterClient client(&c.client);
    GreetRequest body;
    body.name = QStringLiteral("auto");
    QPointer<GreeterGreetCall> call = client.greet(body);
    QVERIFY(call->request());
    QCOMPARE(call->parent(), nullptr); // no child events per call
    QSignalSpy finished(call.data(), &GreeterGreetCall::finished);
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call->error(), RpcError::NoError);
    QFuture<GreetResponse> future = call->future(); // made after finished()
    QVERIFY(future.isFinished());
    QCOMPARE(future.result().greetings, QStringList{QStringLiteral("auto")});
    QTRY_VERIFY_WITH_TIMEOUT(!call, Timeout); // deleted with its request
    QTRY_VERIFY_WITH_TIMEOUT(!typedRequest, Timeout);

    // The peer deleted under an unfinished call: finished() once, then the
    // call goes with the request.
    auto *peer = new RpcPeer;
    peer->setAutoDeleteRequests(true);
    peer->connectToServer(c.server.serverAddress());
    QVERIFY(peer->waitForConnected(Timeout));
    GreeterClient second(peer);
    QPointer<GreeterPingCall> pending = second.ping(); // nobody answers ping
    int finishedCount = 0;
    RpcError error = RpcError::NoError;
    connect(pending.data(), &GreeterPingCall::finished, this, [&] {
        ++finishedCount;
        error = pending->error();
    });
    delete peer;
    QCOMPARE(finishedCount, 1);
    QCOMPARE(error, RpcError::ConnectionLost);
    QVERIFY(!pending);
}

// On a peer that deletes its requests itself, the unfinished calls of every
// client of the peer end (once, ConnectionLost) when the peer is deleted,
// even if a slot of finished() deletes a client: that client's unfinished
// calls are given up (no signals), as its destructor documents.
void tst_Generated::autoDeletingPeerDeletedUnderCalls()
{
    Connection c;
    QVERIFY(c.open(address("autodeletemany")));
    auto *peer = new RpcPeer;
    peer->setAutoDeleteRequests(true);
    peer->connectToServer(c.server.serverAddress());
    QVERIFY(peer->waitForConnected(Timeout));
    auto *first = new GreeterClient(peer);
    auto *second = new GreeterClient(peer);
    // Nobody answers ping here.
    const QList<QPointer<GreeterPingCall>> calls
            = {first->ping(), first->ping(), second->ping(), second->ping()};
    QStringList outcomes;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        QCOMPARE(calls.at(i)->parent(), nullptr);
        connect(calls.at(i).data(), &GreeterPingCall::finished, this, [&, i] {
            outcomes.append(QStringLiteral("%1 %2 %3")
                                    .arg(i)
                                    .arg(int(calls.at(i)->error()))
                                    .arg(calls.at(i)->errorString()));
            if (i == 0)
                delete second;
            else if (i == 1)
                delete first;
        });
    }
    delete peer;
    const int lost = int(RpcError::ConnectionLost);
    QCOMPARE(outcomes,
             (QStringList{QStringLiteral("0 %1 the peer was deleted").arg(lost),
                          QStringLiteral("1 %1 the peer was deleted").arg(lost)}));
    for (const QPointer<GreeterPingCall> &call : calls)
        QVERIFY(!call);
}

void tst_Generated::valueTypes()
{
    // No transport involved: the same checks on every row (they are cheap).
    // Properties: camelCase names, QVariant for Option.
    const QMetaObject &meta = GreetRequest::staticMetaObject;
    QCOMPARE(meta.property(meta.indexOfProperty("times")).typeId(), QMetaType::UInt);
    GreetRequest request;
    request.name = QStringLiteral("Ada");
    QCOMPARE(meta.property(meta.indexOfProperty("style")).readOnGadget(&request), QVariant());
    QVERIFY(meta.property(meta.indexOfProperty("style"))
                    .writeOnGadget(&request, QVariant::fromValue(Style(Style::Shouting))));
    QCOMPARE(request.style, std::optional<Style>(Style(Style::Shouting)));
    // Enums: Q_ENUM kinds, data variants readable as properties.
    QCOMPARE(QMetaEnum::fromType<Style::Kind>().valueToKey(Style::Custom), "Custom");
    const Style custom = Style::fromCustom(QStringLiteral("Hi"));
    QCOMPARE(Style::staticMetaObject.property(Style::staticMetaObject.indexOfProperty("custom"))
                     .readOnGadget(&custom),
             QVariant(QStringLiteral("Hi")));
    QVERIFY(custom != Style::fromCustom(QStringLiteral("Ho")));
    QVERIFY(Style(Style::Plain) != Style(Style::Shouting));
    // Keyword names get a trailing underscore; the wire keeps the Rust names.
    Keywords k;
    k.class_ = QStringLiteral("c");
    k.new_ = 3;
    k.delete_ = true;
    k.namespace_ = {QStringLiteral("n")};
    QCOMPARE(k.toVariant().toMap().keys(),
             QStringList({QStringLiteral("class"), QStringLiteral("delete"),
                          QStringLiteral("namespace"), QStringLiteral("new")}));
    QCOMPARE(Keywords::fromVariant(k.toVariant()), k);
    QVERIFY(Keywords::staticMetaObject.indexOfProperty("class_") >= 0);
    // QDebug
    QString text;
    QDebug(&text) << sampleEverything().shape << request;
    QCOMPARE(text.trimmed(),
             QStringLiteral(
                     "Shape(Poly, ShapePoly(points: QList(Point(x: 0, y: 0), Point(x: 1, y: 1)), "
                     "closed: true)) GreetRequest(name: \"Ada\", times: 0, style: "
                     "Style(Shouting))"));
    // Round trips through the codec's values.
    QCOMPARE(Everything::fromVariant(sampleEverything().toVariant()), sampleEverything());
    QCOMPARE(Marker::fromVariant(QVariant::fromValue(nullptr)), Marker());
}

void tst_Generated::introspection()
{
    // No transport involved: the same checks on every row (they are cheap).
    const RpcInterface greeter = GreeterClient::rpcInterface();
    QVERIFY(greeter.isValid());
    QCOMPARE(greeter.name(), QStringLiteral("Greeter"));
    QCOMPARE(greeter.doc(), QStringLiteral("Greets people, with progress."));
    QCOMPARE(greeter.services().size(), 2);
    QVERIFY(greeter.service(QStringLiteral("ping")).isHidden());
    QCOMPARE(greeter.service(QStringLiteral("greet"))
                     .responseUpdate(QStringLiteral("progress"))
                     .id(),
             1);
    QCOMPARE(GreeterServer::rpcInterface().streams().value(0).name(), QStringLiteral("log"));
    QVERIFY(greeterInterfaceFile().isValid());
    // Types from an imported file are part of the embedded model.
    QCOMPARE(typesInterfaceFile().type(QStringLiteral("Point")).fields().size(), 2);
    QCOMPARE(KitchenClient::rpcInterface().service(QStringLiteral("class")).id(), -7);
}

QTEST_GUILESS_MAIN(tst_Generated)
#include "tst_generated.moc"

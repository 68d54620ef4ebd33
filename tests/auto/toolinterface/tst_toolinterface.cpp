// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The tool's interface features as real processes (QProcess): describe (text
// and --json), --interface on call, stream, listen, serve and proxy against
// the greeter example server (a process), a server generated from
// canvas.rpc in this process and clients generated from both files, the mock
// server of serve --interface (called by the tool and by a generated
// client), and every bad input of the interface options (one line on
// stderr, exit code 2). Data-driven over the transports where one is
// involved; waits are on signals and output, never on fixed sleeps.

#include "canvas.h"
#include "greeter.h"
#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <functional>
#include <memory>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int Timeout = 30000;

QString toolPath()
{
    return QStringLiteral(FIZYR_RPC_TOOL);
}
QString greeterRpc()
{
    return QStringLiteral(GREETER_RPC);
}
QString canvasRpc()
{
    return QStringLiteral(CANVAS_RPC);
}

struct Result
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs program to its end while this process's event loop keeps running, so
// servers in this process can answer it.
Result runProgram(const QString &program, const QStringList &args,
                  const QByteArray &input = QByteArray(), const QString &workingDirectory = {})
{
    QProcess process;
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    QSignalSpy finishedSpy(&process, &QProcess::finished);
    process.start(program, args);
    Result result;
    if (!process.waitForStarted(Timeout))
        return result;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (finishedSpy.isEmpty())
        finishedSpy.wait(Timeout);
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(Timeout);
        return result;
    }
    result.finished = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

Result run(const QStringList &args, const QByteArray &input = QByteArray())
{
    return runProgram(toolPath(), args, input);
}

QString describe(const Result &result)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
            .arg(result.exitCode)
            .arg(QString::fromUtf8(result.out), QString::fromUtf8(result.err));
}

QList<QJsonObject> jsonLines(const QByteArray &output)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : output.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return {};
        objects.append(document.object());
    }
    return objects;
}

QJsonValue json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray("[") + text + "]").array().at(0);
}

// A long-running process: the tool's serve, listen or proxy, or the greeter
// example server.
class Process
{
public:
    ~Process()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(Timeout);
        }
    }

    bool start(const QString &program, const QStringList &args)
    {
        m_process.start(program, args);
        return m_process.waitForStarted(Timeout);
    }
    bool startTool(const QStringList &args) { return start(toolPath(), args); }

    // Waits until stdout (from the start) contains needle.
    bool waitForOutput(const QByteArray &needle)
    {
        QSignalSpy readySpy(&m_process, &QProcess::readyReadStandardOutput);
        QDeadlineTimer deadline(Timeout);
        for (;;) {
            m_out += m_process.readAllStandardOutput();
            if (m_out.contains(needle))
                return true;
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return false;
            readySpy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

    // Waits until condition(stdout so far) holds.
    bool waitFor(const std::function<bool(const QByteArray &)> &condition)
    {
        QSignalSpy readySpy(&m_process, &QProcess::readyReadStandardOutput);
        QDeadlineTimer deadline(Timeout);
        for (;;) {
            m_out += m_process.readAllStandardOutput();
            if (condition(m_out))
                return true;
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return false;
            readySpy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

    QProcess &process() { return m_process; }

    // The address from the "listening on ADDRESS" line (or its JSON form).
    QString listeningAddress()
    {
        if (!waitFor([](const QByteArray &out) {
                return (out.contains("listening on ") || out.contains("\"listening\""))
                        && out.endsWith('\n');
            })) {
            return QString();
        }
        for (const QByteArray &line : m_out.split('\n')) {
            if (line.startsWith("listening on "))
                return QString::fromUtf8(line.mid(13)).trimmed();
            const QJsonObject object = QJsonDocument::fromJson(line).object();
            if (object.value(QStringLiteral("type")) == QStringLiteral("listening"))
                return object.value(QStringLiteral("address")).toString();
        }
        return QString();
    }

    int stop()
    {
        QSignalSpy finishedSpy(&m_process, &QProcess::finished);
        if (m_process.state() == QProcess::NotRunning)
            return -1;
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (finishedSpy.isEmpty() && !finishedSpy.wait(Timeout))
            return -1;
        m_out += m_process.readAllStandardOutput();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

    QByteArray output()
    {
        m_out += m_process.readAllStandardOutput();
        return m_out;
    }
    QByteArray errors() { return m_process.readAllStandardError(); }

private:
    QProcess m_process;
    QByteArray m_out;
};

QList<Point> pointsOf(const Shape &shape)
{
    switch (shape.kind) {
    case Shape::Circle:
        return {shape.circle.center};
    case Shape::Poly:
        return shape.poly;
    case Shape::Empty:
        break;
    }
    return {};
}

// The server generated from canvas.rpc, in this process: add_shape sends a
// point_done update per point and responds with id 42 and the points (a
// shape labelled "wait" first waits for a nudge update and moves its points
// by it); count responds 7; drawn streams are recorded.
class CanvasService
{
public:
    explicit CanvasService(RpcBodyCodec::Format format = RpcBodyCodec::Json) : canvas(&server)
    {
        canvas.setBodyFormat(format);
        QObject::connect(&canvas, &CanvasServer::addShapeRequested, &canvas,
                         [](CanvasAddShapeRequest *request) {
                             const AddShape body = request->body();
                             auto finish = [request](QList<Point> points, const Point &by) {
                                 for (Point &point : points) {
                                     point.x += by.x;
                                     point.y += by.y;
                                     request->sendPointDone(point);
                                 }
                                 request->respond(Added{42, points});
                             };
                             if (body.label == QStringLiteral("wait")) {
                                 QObject::connect(request, &CanvasAddShapeRequest::nudgeReceived,
                                                  request, [finish, body](const Point &by) {
                                                      finish(pointsOf(body.shape), by);
                                                  });
                                 return;
                             }
                             finish(pointsOf(body.shape), Point{0, 0});
                         });
        QObject::connect(&canvas, &CanvasServer::countRequested, &canvas,
                         [](CanvasCountRequest *request) { request->respond(7); });
        QObject::connect(&canvas, &CanvasServer::negateRequested, &canvas,
                         [](CanvasNegateRequest *request) { request->respond(-request->body()); });
        QObject::connect(&canvas, &CanvasServer::drawnReceived, &canvas,
                         [this](const Shape &shape, RpcPeer *) { drawn.append(shape); });
    }

    bool listen(const QString &address) { return server.listen(address); }
    QString address() const { return server.serverAddress().toString(); }

    RpcServer server;
    CanvasServer canvas;
    QList<Shape> drawn;
};

QString answersFile(const QTemporaryDir &dir)
{
    const QString path = dir.filePath(QStringLiteral("answers.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QString();
    file.write(R"({
    "greet": {
        "updates": [{"progress": {"done": 1, "total": 2}}, {"progress": {"done": 2, "total": 2}}],
        "response": {"greetings": ["Hello from the mock!", "Hello again!"]}
    },
    "ping": {"error": "ping is down"}
})");
    return path;
}

} // namespace

class tst_ToolInterface : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describeText();
    void describeJson();
    void badInput_data();
    void badInput();

#ifdef GREETER_SERVER
    void greeterExample_data()
    {
        addTransportRows();
    }
    void greeterExample();
#endif
    void generatedServer_data();
    void generatedServer();
    void listenDecoded_data()
    {
        addTransportRows();
    }
    void listenDecoded();
    void proxyDecoded_data()
    {
        addTransportRows();
    }
    void proxyDecoded();
    void mockServer_data()
    {
        addTransportRows();
    }
    void mockServer();
    void mockZeroValues_data()
    {
        addTransportRows();
    }
    void mockZeroValues();
    void mockGeneratedClient_data()
    {
        generatedServer_data();
    }
    void mockGeneratedClient();

    void docExamples_data();
    void docExamples();
};

void tst_ToolInterface::describeText()
{
    Result result = run({QStringLiteral("describe"), greeterRpc()});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(QString::fromUtf8(result.out), QStringLiteral(R"(/// Greets people, with progress.
interface Greeter
  /// Greets `name` `times` times; one progress update per greeting.
  service 1 greet: GreetRequest -> GreetResponse
    request: GreetRequest
      name: String
      times: u32
      style: Option<Style>
        Plain
        Shouting
        Custom(String)
    response: GreetResponse
      greetings: Vec<String>
    /// Stop early: the server answers with the error response "cancelled".
    request_update 1 cancel: ()
    /// Sent after each greeting.
    response_update 1 progress: Progress
      done: u32
      total: u32
  /// A log line from the client.
  stream 1 log: LogLine
    level: Level
      Debug
      Info
      Warning
    text: String

(1 hidden item not shown: --all shows it)
)"));
    QVERIFY(result.err.isEmpty());

    // --all: the hidden service, marked.
    result = run({QStringLiteral("describe"), QStringLiteral("--all"), greeterRpc()});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY2(result.out.contains("      total: u32\n  #[hidden]\n  service 99 ping: () -> ()\n"
                                 "  /// A log line from the client.\n"),
             result.out.constData());
    QVERIFY(!result.out.contains("hidden item"));

    // Nested types (struct variants, Vec of structs), two interfaces.
    result = run({QStringLiteral("describe"), canvasRpc()});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY2(result.out.contains(R"(  service 1 add_shape: AddShape -> Added
    request: AddShape
      /// What to add.
      shape: Shape
        /// A circle.
        Circle {}
          center: Point
            x: i32
            y: i32
          radius: f64
        Poly(Vec<Point>)
          x: i32
          y: i32
        Empty
      label: Option<String>
      tags: Vec<String>
    response: Added
      id: u64
      points: Vec<Point>
        x: i32
        y: i32
)"),
             result.out.constData());
    QVERIFY(result.out.contains("\n  service 2 count: () -> u32\n"));
    QVERIFY(result.out.contains("\n\n/// A second interface in the same file.\ninterface Echo\n"
                                "  service 1 echo: String -> String\n"));
    QVERIFY(!result.out.contains("reset"));
    QVERIFY(!result.out.contains("debug"));
    QVERIFY(result.out.endsWith("(2 hidden items not shown: --all shows them)\n"));
    result = run({QStringLiteral("describe"), canvasRpc(), QStringLiteral("--all")});
    QVERIFY(result.out.contains("  #[hidden]\n  service 3 reset: () -> ()\n"));
    QVERIFY(result.out.contains("  #[hidden]\n  stream 6 debug: String\n"));
}

void tst_ToolInterface::describeJson()
{
    Result result = run({QStringLiteral("describe"), QStringLiteral("--json"), greeterRpc()});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out.count('\n'), 1); // one line
    const QJsonObject root = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(root.value(QStringLiteral("file")).toString(), greeterRpc());
    const QJsonArray interfaces = root.value(QStringLiteral("interfaces")).toArray();
    QCOMPARE(interfaces.size(), 1);
    const QJsonObject greeter = interfaces.at(0).toObject();
    QCOMPARE(greeter.value(QStringLiteral("name")).toString(), QStringLiteral("Greeter"));
    QCOMPARE(greeter.value(QStringLiteral("doc")).toString(),
             QStringLiteral("Greets people, with progress."));
    const QJsonArray services = greeter.value(QStringLiteral("services")).toArray();
    QCOMPARE(services.size(), 1); // ping is hidden
    const QJsonObject greet = services.at(0).toObject();
    QCOMPARE(greet.value(QStringLiteral("id")).toInt(), 1);
    QCOMPARE(greet.value(QStringLiteral("name")).toString(), QStringLiteral("greet"));
    QCOMPARE(greet.value(QStringLiteral("hidden")).toBool(), false);
    QCOMPARE(greet.value(QStringLiteral("request")).toObject(),
             json(R"({"kind":"struct","name":"GreetRequest","fields":[
                {"name":"name","type":{"kind":"string","name":"String"}},
                {"name":"times","type":{"kind":"u32","name":"u32"}},
                {"name":"style","optional":true,"type":{"kind":"option","name":"Option<Style>",
                 "element":{"kind":"enum","name":"Style","variants":[
                    {"kind":"unit","name":"Plain"},{"kind":"unit","name":"Shouting"},
                    {"kind":"newtype","name":"Custom","types":[{"kind":"string","name":"String"}]}]}}}]})")
                     .toObject());
    QCOMPARE(greet.value(QStringLiteral("response_updates")).toArray(),
             json(R"([{"id":1,"name":"progress","doc":"Sent after each greeting.","hidden":false,
                 "body":{"kind":"struct","name":"Progress","fields":[
                    {"name":"done","type":{"kind":"u32","name":"u32"}},
                    {"name":"total","type":{"kind":"u32","name":"u32"}}]}}])")
                     .toArray());
    QCOMPARE(greet.value(QStringLiteral("request_updates"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("body")),
             json(R"j({"kind":"unit","name":"()"})j"));
    const QJsonArray streams = greeter.value(QStringLiteral("streams")).toArray();
    QCOMPARE(streams.size(), 1);
    QCOMPARE(streams.at(0).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("log"));

    result = run({QStringLiteral("describe"), QStringLiteral("--json"), QStringLiteral("--all"),
                  canvasRpc()});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    const QJsonArray all = QJsonDocument::fromJson(result.out)
                                   .object()
                                   .value(QStringLiteral("interfaces"))
                                   .toArray();
    QCOMPARE(all.size(), 2);
    const QJsonArray canvasServices
            = all.at(0).toObject().value(QStringLiteral("services")).toArray();
    QCOMPARE(canvasServices.size(), 4);
    QCOMPARE(canvasServices.at(2).toObject().value(QStringLiteral("hidden")).toBool(), true);
    // A struct variant's fields, and a Vec of a struct.
    const QJsonObject shape = canvasServices.at(0)
                                      .toObject()
                                      .value(QStringLiteral("request"))
                                      .toObject()
                                      .value(QStringLiteral("fields"))
                                      .toArray()
                                      .at(0)
                                      .toObject();
    QCOMPARE(shape.value(QStringLiteral("doc")).toString(), QStringLiteral("What to add."));
    const QJsonObject circle = shape.value(QStringLiteral("type"))
                                       .toObject()
                                       .value(QStringLiteral("variants"))
                                       .toArray()
                                       .at(0)
                                       .toObject();
    QCOMPARE(circle.value(QStringLiteral("kind")).toString(), QStringLiteral("struct"));
    QCOMPARE(circle.value(QStringLiteral("doc")).toString(), QStringLiteral("A circle."));
    QCOMPARE(circle.value(QStringLiteral("fields")).toArray().size(), 2);
    QCOMPARE(all.at(0).toObject().value(QStringLiteral("streams")).toArray().size(), 2);
}

void tst_ToolInterface::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("error");

    const QString greeter = greeterRpc();
    const QString canvas = canvasRpc();
    const QString address = QStringLiteral("tcp://127.0.0.1:1");
    const QString call = QStringLiteral("call");
    const QString iface = QStringLiteral("--interface");
    QTest::newRow("unknown service")
            << QStringList{call,
                           iface,
                           greeter,
                           address,
                           QStringLiteral("gret"),
                           QStringLiteral("{}")}
            << QStringLiteral("fizyr-rpc call: unknown service \"gret\" in interface Greeter "
                              "(services: greet, ping)");
    QTest::newRow("unknown service id")
            << QStringList{call, iface, greeter, address, QStringLiteral("7")}
            << QStringLiteral("fizyr-rpc call: unknown service \"7\" in interface Greeter "
                              "(services: greet, ping)");
    QTest::newRow("unknown update")
            << QStringList{call,
                           iface,
                           greeter,
                           address,
                           QStringLiteral("greet"),
                           QStringLiteral(R"({"name":"Ada","times":1})"),
                           QStringLiteral("--update"),
                           QStringLiteral("stop:")}
            << QStringLiteral("fizyr-rpc call: --update: unknown request update \"stop\" of "
                              "service greet (request updates: cancel)");
    QTest::newRow("update body")
            << QStringList{call,
                           iface,
                           canvas,
                           QStringLiteral("--interface-name"),
                           QStringLiteral("Canvas"),
                           address,
                           QStringLiteral("add_shape"),
                           QStringLiteral(R"({"shape":"Empty","label":null,"tags":[]})"),
                           QStringLiteral("--update"),
                           QStringLiteral(R"(nudge:{"x":1})")}
            << QStringLiteral("fizyr-rpc call: --update: invalid body for nudge: missing field "
                              "`y` (line 1, column 8)");
    QTest::newRow("unknown stream")
            << QStringList{QStringLiteral("stream"),
                           iface,
                           greeter,
                           address,
                           QStringLiteral("greet"),
                           QStringLiteral("{}")}
            << QStringLiteral("fizyr-rpc stream: unknown stream \"greet\" in interface Greeter "
                              "(streams: log)");
    QTest::newRow("wrong type")
            << QStringList{call,
                           iface,
                           greeter,
                           address,
                           QStringLiteral("greet"),
                           QStringLiteral(R"({"name":"Ada","times":"two"})")}
            << QStringLiteral("fizyr-rpc call: invalid body for greet: `times`: invalid type: "
                              "string, expected u32 (line 1, column 23)");
    QTest::newRow("missing field")
            << QStringList{call,
                           iface,
                           greeter,
                           address,
                           QStringLiteral("greet"),
                           QStringLiteral(R"({"name":"Ada"})")}
            << QStringLiteral("fizyr-rpc call: invalid body for greet: missing field `times` "
                              "(line 1, column 15)");
    QTest::newRow("not JSON")
            << QStringList{call,
                           iface,
                           greeter,
                           address,
                           QStringLiteral("greet"),
                           QStringLiteral("Ada")}
            << QStringLiteral("fizyr-rpc call: invalid body for greet: invalid type: character "
                              "`A`, expected a struct (line 1, column 1)");
    QTest::newRow("stream body")
            << QStringList{QStringLiteral("stream"),
                           iface,
                           greeter,
                           address,
                           QStringLiteral("log"),
                           QStringLiteral(R"({"level":"Loud","text":"x"})")}
            << QStringLiteral("fizyr-rpc stream: invalid body for log: `level`: unknown variant "
                              "`Loud`, expected one of `Debug`, `Info`, `Warning` (line 1, "
                              "column 16)");
    QTest::newRow("missing body")
            << QStringList{call, iface, greeter, address, QStringLiteral("greet")}
            << QStringLiteral("fizyr-rpc call: missing BODY: greet takes a GreetRequest as JSON "
                              "(see fizyr-rpc call --help)");
    QTest::newRow("several interfaces")
            << QStringList{call, iface, canvas, address, QStringLiteral("count")}
            << QStringLiteral("fizyr-rpc call: %1 has several interfaces (Canvas, Echo): choose "
                              "one with --interface-name (see fizyr-rpc call --help)")
                       .arg(canvas);
    QTest::newRow("unknown interface name")
            << QStringList{call,
                           iface,
                           canvas,
                           QStringLiteral("--interface-name"),
                           QStringLiteral("Paint"),
                           address,
                           QStringLiteral("count")}
            << QStringLiteral("fizyr-rpc call: %1 has no interface \"Paint\" (interfaces: Canvas, "
                              "Echo)")
                       .arg(canvas);
    QTest::newRow("body format")
            << QStringList{call,
                           iface,
                           greeter,
                           QStringLiteral("--body-format"),
                           QStringLiteral("xml"),
                           address,
                           QStringLiteral("ping")}
            << QStringLiteral("fizyr-rpc call: invalid --body-format \"xml\": expected json or "
                              "cbor (see fizyr-rpc call --help)");
    QTest::newRow("body format without interface")
            << QStringList{call, QStringLiteral("--body-format"), QStringLiteral("cbor"), address,
                           QStringLiteral("1")}
            << QStringLiteral("fizyr-rpc call: --body-format needs --interface (see fizyr-rpc "
                              "call --help)");
    QTest::newRow("missing file")
            << QStringList{call, iface, QStringLiteral("/nonexistent/x.rpc"), address,
                           QStringLiteral("ping")}
            << QStringLiteral("fizyr-rpc call: /nonexistent/x.rpc:1:1: cannot open file: No such "
                              "file or directory");
    QTest::newRow("describe missing file")
            << QStringList{QStringLiteral("describe"), QStringLiteral("/nonexistent/x.rpc")}
            << QStringLiteral("fizyr-rpc describe: /nonexistent/x.rpc:1:1: cannot open file: No "
                              "such file or directory");
    // Files written by init() of the rows below.
    QTest::newRow("syntax error")
            << QStringList{QStringLiteral("listen"), iface, QStringLiteral("@syntax"),
                           QStringLiteral("tcp://127.0.0.1:0")}
            << QStringLiteral("fizyr-rpc listen: @syntax:3:17: expected `:`, found `->`");
    QTest::newRow("unknown type")
            << QStringList{QStringLiteral("describe"), QStringLiteral("@unknowntype")}
            << QStringLiteral("fizyr-rpc describe: @unknowntype:2:24: unknown type `Bee` (and 1 "
                              "more errors)");
    QTest::newRow("proxy bad file")
            << QStringList{QStringLiteral("proxy"), iface, QStringLiteral("@syntax"),
                           QStringLiteral("tcp://127.0.0.1:0"), address}
            << QStringLiteral("fizyr-rpc proxy: @syntax:3:17: expected `:`, found `->`");
    const QString serve = QStringLiteral("serve");
    const QString answers = QStringLiteral("--answers");
    const QString listenAddress = QStringLiteral("tcp://127.0.0.1:0");
    QTest::newRow("answers without interface")
            << QStringList{serve, answers, QStringLiteral("@answers:{}"), listenAddress}
            << QStringLiteral("fizyr-rpc serve: --answers needs --interface (see fizyr-rpc serve "
                              "--help)");
    QTest::newRow("updates with interface")
            << QStringList{serve,
                           iface,
                           greeter,
                           QStringLiteral("--updates"),
                           QStringLiteral("1"),
                           listenAddress}
            << QStringLiteral("fizyr-rpc serve: --updates does not go with --interface (the mock "
                              "answers from --answers) (see fizyr-rpc serve --help)");
    QTest::newRow("answers unknown service")
            << QStringList{serve,
                           iface,
                           greeter,
                           answers,
                           QStringLiteral(R"(@answers:{"hi":{}})"),
                           listenAddress}
            << QStringLiteral("fizyr-rpc serve: @answers: unknown service \"hi\" in interface "
                              "Greeter");
    QTest::newRow("answers wrong response")
            << QStringList{serve,
                           iface,
                           greeter,
                           answers,
                           QStringLiteral(R"(@answers:{"greet":{"response":{"greetings":[1]}}})"),
                           listenAddress}
            << QStringLiteral("fizyr-rpc serve: @answers: invalid body for the response of greet: "
                              "`greetings[0]`: invalid type: number, expected a string (line "
                              "1, column 15)");
    QTest::newRow("answers unknown update")
            << QStringList{serve,
                           iface,
                           greeter,
                           answers,
                           QStringLiteral(R"(@answers:{"greet":{"updates":[{"done":{}}]}})"),
                           listenAddress}
            << QStringLiteral("fizyr-rpc serve: @answers: greet: unknown response update \"done\"");
    QTest::newRow("answers unknown key")
            << QStringList{serve,
                           iface,
                           greeter,
                           answers,
                           QStringLiteral(R"(@answers:{"greet":{"reply":{}}})"),
                           listenAddress}
            << QStringLiteral("fizyr-rpc serve: @answers: greet: unknown key \"reply\" (expected "
                              "\"updates\", \"response\" or \"error\")");
    QTest::newRow("answers not JSON")
            << QStringList{serve,        iface, greeter, answers, QStringLiteral("@answers:{"),
                           listenAddress}
            << QStringLiteral("fizyr-rpc serve: @answers: invalid JSON at offset 1: unterminated "
                              "object");
}

// Rows name files as "@name" (or "@name:content"): written to a temporary
// folder, replaced by their path in the arguments and the expected line.
void tst_ToolInterface::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, error);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QHash<QString, QByteArray> contents{
            {QStringLiteral("syntax"),
             "interface I {\n"
             "    /// The service.\n"
             "    service 1 s -> ();\n"
             "}\n"},
            {QStringLiteral("unknowntype"),
             "interface I {\n"
             "    service 1 s: () -> Bee,\n"
             "    stream 1 t: Wasp,\n"
             "}\n"},
    };
    for (QString &arg : args) {
        if (!arg.startsWith(QLatin1Char('@')))
            continue;
        const qsizetype colon = arg.indexOf(QLatin1Char(':'));
        const QString name = arg.mid(1, colon < 0 ? -1 : colon - 1);
        const QString path = dir.filePath(name);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(colon < 0 ? contents.value(name) : arg.mid(colon + 1).toUtf8());
        file.close();
        error.replace(QLatin1Char('@') + name, path);
        arg = path;
    }
    const Result result = run(args);
    QVERIFY2(result.finished, qPrintable(describe(result)));
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.out.isEmpty(), qPrintable(describe(result)));
    QCOMPARE(QString::fromUtf8(result.err), error + QLatin1Char('\n'));
}

#ifdef GREETER_SERVER
void tst_ToolInterface::greeterExample()
{
    QFETCH(QString, scheme);
    QTemporaryDir dir;
    Process server;
    QVERIFY(server.start(QStringLiteral(GREETER_SERVER),
                         {addressFor(scheme, dir, QStringLiteral("greeter"))}));
    const QString address = server.listeningAddress();
    QVERIFY(!address.isEmpty());

    // The call of the issue: two progress updates and the response.
    Result result
            = run({QStringLiteral("call"), QStringLiteral("--interface"), greeterRpc(), address,
                   QStringLiteral("greet"), QStringLiteral(R"({"name":"Ada","times":2})")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out,
             QByteArray(
                     "responder-update #0 service 1 progress, 20 bytes: {\"done\":1,\"total\":2}\n"
                     "responder-update #0 service 1 progress, 20 bytes: {\"done\":2,\"total\":2}\n"
                     "response #0 service 1, 43 bytes: "
                     "{\"greetings\":[\"Hello, Ada!\",\"Hello, Ada!\"]}\n"));
    QVERIFY(result.err.isEmpty());

    // --json: the same shape as without an interface, plus name and value.
    result = run({QStringLiteral("call"), QStringLiteral("--interface"), greeterRpc(), address,
                  QStringLiteral("1"), QStringLiteral("-"), QStringLiteral("--json")},
                 R"({"name":"Bo","times":1,"style":{"Custom":"Hi"}})");
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QList<QJsonObject> lines = jsonLines(result.out);
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0).value(QStringLiteral("type")).toString(),
             QStringLiteral("responder-update"));
    QCOMPARE(lines.at(0).value(QStringLiteral("name")).toString(), QStringLiteral("progress"));
    QCOMPARE(lines.at(0).value(QStringLiteral("value")), json(R"({"done":1,"total":1})"));
    QCOMPARE(lines.at(0).value(QStringLiteral("body")).toString(),
             QStringLiteral(R"({"done":1,"total":1})"));
    QVERIFY(lines.at(0).contains(QStringLiteral("body_base64")));
    QCOMPARE(lines.at(1).value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(lines.at(1).value(QStringLiteral("value")), json(R"({"greetings":["Hi, Bo!"]})"));

    // The hidden service by name, with a `()` body.
    result = run({QStringLiteral("call"), QStringLiteral("--interface"), greeterRpc(), address,
                  QStringLiteral("ping")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out, QByteArray("response #0 service 99, 4 bytes: null\n"));

    // A request update by name: cancel.
    result = run({QStringLiteral("call"), QStringLiteral("--interface"), greeterRpc(), address,
                  QStringLiteral("greet"), QStringLiteral(R"({"name":"Ada","times":100})"),
                  QStringLiteral("--update"), QStringLiteral("cancel:")});
    QVERIFY2(result.finished && result.exitCode == 1, qPrintable(describe(result)));
    QVERIFY2(result.out.endsWith("response #0 service -1, 9 bytes: \"cancelled\"\n"),
             qPrintable(describe(result)));
    QCOMPARE(result.err, QByteArray("fizyr-rpc call: error response: cancelled\n"));

    // A stream message by name.
    result = run({QStringLiteral("stream"), QStringLiteral("--interface"), greeterRpc(), address,
                  QStringLiteral("log"), QStringLiteral(R"({"level":"Warning","text":"hot"})")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY(server.waitForOutput("log Warning: hot\n"));
}
#endif

void tst_ToolInterface::generatedServer_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("format");
    for (const char *format : {"json", "cbor"}) {
        QTest::newRow(qPrintable(QStringLiteral("tcp %1").arg(QLatin1String(format))))
                << QStringLiteral("tcp") << QString::fromLatin1(format);
        QTest::newRow(qPrintable(QStringLiteral("local %1").arg(QLatin1String(format))))
                << QStringLiteral("unix") << QString::fromLatin1(format);
        if (HaveSeqpacket) {
            QTest::newRow(qPrintable(QStringLiteral("seqpacket %1").arg(QLatin1String(format))))
                    << QStringLiteral("seqpacket") << QString::fromLatin1(format);
        }
    }
}

void tst_ToolInterface::generatedServer()
{
    QFETCH(QString, scheme);
    QFETCH(QString, format);
    QTemporaryDir dir;
    CanvasService service(format == QLatin1String("cbor") ? RpcBodyCodec::Cbor
                                                          : RpcBodyCodec::Json);
    QVERIFY(service.listen(addressFor(scheme, dir, QStringLiteral("canvas"))));
    const QStringList options{QStringLiteral("--interface"),      canvasRpc(),
                              QStringLiteral("--interface-name"), QStringLiteral("Canvas"),
                              QStringLiteral("--body-format"),    format};

    // Nested values: a struct variant in a struct, a Vec of structs back.
    Result result
            = run(QStringList{QStringLiteral("call")} + options
                  + QStringList{service.address(), QStringLiteral("add_shape"),
                                QStringLiteral(R"({"shape":{"Poly":[{"x":1,"y":2},{"x":3,"y":4}]},)"
                                               R"("label":null,"tags":["a"]})"),
                                QStringLiteral("--json")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QList<QJsonObject> lines = jsonLines(result.out);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0).value(QStringLiteral("name")).toString(), QStringLiteral("point_done"));
    QCOMPARE(lines.at(0).value(QStringLiteral("value")), json(R"({"x":1,"y":2})"));
    QCOMPARE(lines.at(1).value(QStringLiteral("value")), json(R"({"x":3,"y":4})"));
    QCOMPARE(lines.at(2).value(QStringLiteral("value")),
             json(R"({"id":42,"points":[{"x":1,"y":2},{"x":3,"y":4}]})"));
    if (format == QLatin1String("cbor")) // bodies are not text
        QVERIFY(!lines.at(2).value(QStringLiteral("body")).toString().startsWith(u'{'));

    // A request update by name, with a body.
    result = run(QStringList{QStringLiteral("call")} + options
                 + QStringList{service.address(), QStringLiteral("add_shape"),
                               QStringLiteral(R"({"shape":{"Circle":{"center":{"x":1,"y":1},)"
                                              R"("radius":2.5}},"label":"wait","tags":[]})"),
                               QStringLiteral("--update"),
                               QStringLiteral(R"(nudge:{"x":10,"y":20})")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    const QByteArray expected = format == QLatin1String("json")
            ? "responder-update #0 service 1 point_done, 15 bytes: {\"x\":11,\"y\":21}\n"
              "response #0 service 1, 36 bytes: {\"id\":42,\"points\":[{\"x\":11,\"y\":21}]}\n"
            : "responder-update #0 service 1 point_done, 7 bytes: {\"x\":11,\"y\":21}\n"
              "response #0 service 1, 21 bytes: {\"id\":42,\"points\":[{\"x\":11,\"y\":21}]}\n";
    QCOMPARE(result.out, expected);

    // A `()` request, a u32 response.
    result = run(QStringList{QStringLiteral("call")} + options
                 + QStringList{service.address(), QStringLiteral("count")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY2(result.out.endsWith(": 7\n"), qPrintable(describe(result)));

    // A negative service id: the response carries the service's own id (-7)
    // and is a body, not an error response.
    result = run(QStringList{QStringLiteral("call")} + options
                 + QStringList{service.address(), QStringLiteral("negate"), QStringLiteral("5"),
                               QStringLiteral("--json")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    lines = jsonLines(result.out);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.at(0).value(QStringLiteral("service_id")).toInt(), -7);
    QCOMPARE(lines.at(0).value(QStringLiteral("value")), QJsonValue(-5));
    QVERIFY2(!lines.at(0).contains(QStringLiteral("error")), qPrintable(describe(result)));

    // A stream by id, arriving decoded at the generated server.
    result = run(QStringList{QStringLiteral("stream")} + options
                 + QStringList{service.address(), QStringLiteral("5"),
                               QStringLiteral(R"({"Poly":[{"x":5,"y":6}]})")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QTRY_COMPARE_WITH_TIMEOUT(service.drawn.size(), 1, Timeout);
    QCOMPARE(service.drawn.at(0), Shape::fromPoly({Point{5, 6}}));
}

void tst_ToolInterface::listenDecoded()
{
    QFETCH(QString, scheme);
    QTemporaryDir dir;
    Process listen;
    QVERIFY(listen.startTool({QStringLiteral("listen"), QStringLiteral("--interface"), canvasRpc(),
                              QStringLiteral("--interface-name"), QStringLiteral("Canvas"),
                              QStringLiteral("--json"),
                              addressFor(scheme, dir, QStringLiteral("listen"))}));
    QVERIFY(listen.waitForOutput("\"listening\""));
    const QString address
            = jsonLines(listen.output()).at(0).value(QStringLiteral("address")).toString();

    // A generated client: a request with an update, and a stream.
    RpcPeer peer;
    peer.connectToServer(address);
    QVERIFY(peer.waitForConnected(Timeout));
    CanvasClient client(&peer);
    CanvasAddShapeCall *call
            = client.addShape(AddShape{Shape(Shape::Empty), QStringLiteral("x"), {}});
    QSignalSpy finishedSpy(call, &CanvasAddShapeCall::finished);
    QVERIFY(client.sendDrawn(Shape::fromCircle(ShapeCircle{Point{1, 2}, 0.5})));
    QVERIFY(finishedSpy.wait(Timeout));
    QCOMPARE(call->errorString(), QStringLiteral("unexpected request for service 1"));
    QVERIFY(listen.waitForOutput("\"stream\""));
    QVERIFY(listen.waitForOutput("\"request\""));
    QList<QJsonObject> request;
    QList<QJsonObject> stream;
    for (const QJsonObject &line : jsonLines(listen.output())) {
        if (line.value(QStringLiteral("type")) == QStringLiteral("request"))
            request.append(line);
        if (line.value(QStringLiteral("type")) == QStringLiteral("stream"))
            stream.append(line);
    }
    QCOMPARE(request.size(), 1);
    QCOMPARE(request.at(0).value(QStringLiteral("name")).toString(), QStringLiteral("add_shape"));
    QCOMPARE(request.at(0).value(QStringLiteral("value")),
             json(R"({"shape":"Empty","label":"x","tags":[]})"));
    QCOMPARE(stream.size(), 1);
    QCOMPARE(stream.at(0).value(QStringLiteral("name")).toString(), QStringLiteral("drawn"));
    QCOMPARE(stream.at(0).value(QStringLiteral("value")),
             json(R"({"Circle":{"center":{"x":1,"y":2},"radius":0.5}})"));
    QCOMPARE(listen.stop(), 0);
}

void tst_ToolInterface::proxyDecoded()
{
    QFETCH(QString, scheme);
    QTemporaryDir dir;
    CanvasService service;
    QVERIFY(service.listen(addressFor(scheme, dir, QStringLiteral("target"))));
    Process proxy;
    QVERIFY(proxy.startTool({QStringLiteral("proxy"), QStringLiteral("--interface"), canvasRpc(),
                             QStringLiteral("--interface-name"), QStringLiteral("Canvas"),
                             addressFor(scheme, dir, QStringLiteral("proxy")), service.address()}));
    const QString address = proxy.listeningAddress();
    QVERIFY(!address.isEmpty());

    const Result result
            = run({QStringLiteral("call"), QStringLiteral("--interface"), canvasRpc(),
                   QStringLiteral("--interface-name"), QStringLiteral("Canvas"), address,
                   QStringLiteral("add_shape"),
                   QStringLiteral(R"({"shape":{"Poly":[{"x":1,"y":2}]},"label":"wait","tags":[]})"),
                   QStringLiteral("--update"), QStringLiteral(R"(nudge:{"x":1,"y":1})")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY(proxy.waitForOutput("target -> client response"));
    const QByteArray out = proxy.output();
    QVERIFY2(
            out.contains("[1] client -> target request #0 service 1 add_shape, 59 bytes: "
                         "{\"shape\":{\"Poly\":[{\"x\":1,\"y\":2}]},\"label\":\"wait\",\"tags\":[]}"
                         " [forwarded as #0]\n"),
            out.constData());
    QVERIFY2(out.contains("[1] client -> target requester-update #0 service 2 nudge, 13 bytes: "
                          "{\"x\":1,\"y\":1}\n"),
             out.constData());
    QVERIFY2(out.contains("[1] target -> client responder-update #0 service 1 point_done, 13 "
                          "bytes: {\"x\":2,\"y\":3}\n"),
             out.constData());
    QVERIFY2(out.contains("[1] target -> client response #0 service 1, 34 bytes: "
                          "{\"id\":42,\"points\":[{\"x\":2,\"y\":3}]}\n"),
             out.constData());
    QCOMPARE(proxy.stop(), 0);
}

void tst_ToolInterface::mockServer()
{
    QFETCH(QString, scheme);
    QTemporaryDir dir;
    Process mock;
    QVERIFY(mock.startTool({QStringLiteral("serve"), QStringLiteral("--interface"), greeterRpc(),
                            QStringLiteral("--answers"), answersFile(dir),
                            addressFor(scheme, dir, QStringLiteral("mock"))}));
    const QString address = mock.listeningAddress();
    QVERIFY(!address.isEmpty());
    const QStringList call{QStringLiteral("call"), QStringLiteral("--interface"), greeterRpc(),
                           address};

    // The canned updates and response.
    Result result = run(
            call
            + QStringList{QStringLiteral("greet"), QStringLiteral(R"({"name":"Ada","times":2})")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out,
             QByteArray(
                     "responder-update #0 service 1 progress, 20 bytes: {\"done\":1,\"total\":2}\n"
                     "responder-update #0 service 1 progress, 20 bytes: {\"done\":2,\"total\":2}\n"
                     "response #0 service 1, 53 bytes: "
                     "{\"greetings\":[\"Hello from the mock!\",\"Hello again!\"]}\n"));
    QVERIFY(mock.waitForOutput("request #0 service 1 greet, 37 bytes: "
                               "{\"name\":\"Ada\",\"times\":2,\"style\":null}\n"));

    // A canned error.
    result = run(call + QStringList{QStringLiteral("ping")});
    QVERIFY2(result.finished && result.exitCode == 1, qPrintable(describe(result)));
    QCOMPARE(result.err, QByteArray("fizyr-rpc call: error response: ping is down\n"));

    // A body that does not decode: the error response of a generated server.
    result = run({QStringLiteral("call"), address, QStringLiteral("1"),
                  QStringLiteral(R"({"name":"Ada"})")});
    QVERIFY2(result.finished && result.exitCode == 1, qPrintable(describe(result)));
    QCOMPARE(result.err,
             QByteArray("fizyr-rpc call: error response: invalid body for greet: "
                        "missing field `times` (line 1, column 15)\n"));
    QVERIFY(mock.waitForOutput("(invalid body for greet: missing field `times` (line 1, column "
                               "15))\n"));

    // A service the interface does not have.
    result = run({QStringLiteral("call"), address, QStringLiteral("5"), QStringLiteral("null")});
    QVERIFY2(result.finished && result.exitCode == 1, qPrintable(describe(result)));
    QCOMPARE(result.err, QByteArray("fizyr-rpc call: error response: unknown service 5\n"));

    // Streams are printed decoded and not echoed.
    result = run({QStringLiteral("stream"), QStringLiteral("--interface"), greeterRpc(), address,
                  QStringLiteral("log"), QStringLiteral(R"({"level":"Info","text":"hi"})")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY(mock.waitForOutput(
            "stream service 1 log, 28 bytes: {\"level\":\"Info\",\"text\":\"hi\"}\n"));
    QCOMPARE(mock.stop(), 0);
}

void tst_ToolInterface::mockZeroValues()
{
    QFETCH(QString, scheme);
    QTemporaryDir dir;
    Process mock;
    QVERIFY(mock.startTool({QStringLiteral("serve"), QStringLiteral("--interface"), canvasRpc(),
                            QStringLiteral("--interface-name"), QStringLiteral("Canvas"),
                            QStringLiteral("--json"),
                            addressFor(scheme, dir, QStringLiteral("mock"))}));
    QVERIFY(mock.waitForOutput("\"listening\""));
    const QString address
            = jsonLines(mock.output()).at(0).value(QStringLiteral("address")).toString();
    const QStringList call{QStringLiteral("call"),
                           QStringLiteral("--interface"),
                           canvasRpc(),
                           QStringLiteral("--interface-name"),
                           QStringLiteral("Canvas"),
                           address,
                           QStringLiteral("--json")};
    Result result = run(call
                        + QStringList{QStringLiteral("add_shape"),
                                      QStringLiteral(R"({"shape":"Empty","tags":[]})")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QList<QJsonObject> lines = jsonLines(result.out);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.at(0).value(QStringLiteral("value")), json(R"({"id":0,"points":[]})"));
    result = run(call + QStringList{QStringLiteral("count")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(jsonLines(result.out).at(0).value(QStringLiteral("value")), json("0"));
    result = run(call + QStringList{QStringLiteral("reset")}); // hidden, still served
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(jsonLines(result.out).at(0).value(QStringLiteral("value")), json("null"));

    // The mock's own output is decoded too.
    QVERIFY(mock.waitForOutput("\"name\":\"reset\""));
    bool sawAddShape = false;
    for (const QJsonObject &line : jsonLines(mock.output())) {
        if (line.value(QStringLiteral("name")) == QStringLiteral("add_shape")) {
            sawAddShape = true;
            QCOMPARE(line.value(QStringLiteral("value")),
                     json(R"({"shape":"Empty","label":null,"tags":[]})"));
        }
    }
    QVERIFY(sawAddShape);
    QCOMPARE(mock.stop(), 0);
}

void tst_ToolInterface::mockGeneratedClient()
{
    QFETCH(QString, scheme);
    QFETCH(QString, format);
    QTemporaryDir dir;
    Process mock;
    QVERIFY(mock.startTool({QStringLiteral("serve"), QStringLiteral("--interface"), greeterRpc(),
                            QStringLiteral("--answers"), answersFile(dir),
                            QStringLiteral("--body-format"), format,
                            addressFor(scheme, dir, QStringLiteral("mock"))}));
    const QString address = mock.listeningAddress();
    QVERIFY(!address.isEmpty());

    RpcPeer peer;
    peer.connectToServer(address);
    QVERIFY(peer.waitForConnected(Timeout));
    GreeterClient client(&peer);
    client.setBodyFormat(format == QLatin1String("cbor") ? RpcBodyCodec::Cbor : RpcBodyCodec::Json);
    GreeterGreetCall *call = client.greet(GreetRequest{QStringLiteral("Ada"), 2, std::nullopt});
    QList<Progress> progress;
    connect(call, &GreeterGreetCall::progressReceived, this,
            [&progress](const Progress &p) { progress.append(p); });
    QSignalSpy finishedSpy(call, &GreeterGreetCall::finished);
    QVERIFY(finishedSpy.wait(Timeout));
    QCOMPARE(call->error(), RpcError::NoError);
    QCOMPARE(progress.size(), 2);
    QCOMPARE(progress.at(1).done, 2u);
    QCOMPARE(call->response().greetings,
             QStringList({QStringLiteral("Hello from the mock!"), QStringLiteral("Hello again!")}));

    GreeterPingCall *ping = client.ping();
    QSignalSpy pingSpy(ping, &GreeterPingCall::finished);
    QVERIFY(pingSpy.wait(Timeout));
    QCOMPARE(ping->error(), RpcError::RemoteError);
    QCOMPARE(ping->errorString(), QStringLiteral("ping is down"));
    QCOMPARE(mock.stop(), 0);
}

// The examples of doc/tool/*.md, run as a reader would run them: every
// console block, one "$ COMMAND" after the other in one bash per page (in a
// temporary folder with links to the source's examples/, doc/ and tools/ and to the
// build folder as build/; stderr merged into stdout), each output compared
// with the lines that follow the command on the page. Comments the renderer
// does not show steer it, in front of a code block:
//
//   <!-- doc-test: start NAME PROGRAM ARGS... -->  starts a server (fizyr-rpc
//       or greeter-server) on a fresh address in place of the page's, for
//       the rest of the page; a console block that shows the same command
//       is compared with the server's first output lines instead of run
//   <!-- doc-test: output NAME -->  stops server NAME (its name, or the
//       address on the page) and compares all it printed with the block
//       (its last lines "fizyr-rpc COMMAND: recorded ..." after the stop)
//   <!-- doc-test: file NAME -->  writes the block to the file NAME
//       (executable) in the page's folder
//   <!-- doc-test: skip REASON -->  does not run the console block
//   <!-- doc-test: skip-unless COMMAND -->  runs COMMAND in the page's shell
//       and skips the console block when it fails (a machine without what
//       the block needs, as a capture permission)
//
// A "$ COMMAND &" line starts a server the same way (named by its address).
// Addresses and socket paths are mapped both ways; the ports and pids of
// clients ("from tcp://127.0.0.1:N", "(pid P, uid U)") are not compared.
// Help text blocks ("Usage: fizyr-rpc COMMAND") are compared with
// COMMAND --help.
namespace {

QString normalized(QString text)
{
    static const QRegularExpression port(QStringLiteral("from tcp://127\\.0\\.0\\.1:\\d+"));
    static const QRegularExpression pid(QStringLiteral("\\(pid \\d+, uid \\d+\\)"));
    static const QRegularExpression jsonPeer(
            QStringLiteral("\"peer\":\"tcp://127\\.0\\.0\\.1:\\d+\""));
    static const QRegularExpression jsonIds(QStringLiteral("\"(pid|uid)\":\\d+"));
    text.replace(port, QStringLiteral("from tcp://127.0.0.1:PORT"));
    text.replace(pid, QStringLiteral("(pid P, uid U)"));
    text.replace(jsonPeer, QStringLiteral("\"peer\":\"tcp://127.0.0.1:PORT\""));
    text.replace(jsonIds, QStringLiteral("\"\\1\":N"));
    return text;
}

class DocPage
{
public:
    DocPage(const QString &page) : m_page(QFileInfo(page).fileName()) { }

    bool setUp()
    {
        if (!m_dir.isValid())
            return false;
        const QString build = QFileInfo(QFileInfo(toolPath()).absolutePath()).absolutePath();
        for (const auto &[name, target] :
             {std::pair{QStringLiteral("examples"), QStringLiteral(SOURCE_DIR "/examples")},
              std::pair{QStringLiteral("doc"), QStringLiteral(SOURCE_DIR "/doc")},
              std::pair{QStringLiteral("tools"), QStringLiteral(SOURCE_DIR "/tools")},
              std::pair{QStringLiteral("build"), build}}) {
            if (!QFile::link(target, m_dir.filePath(name)))
                return false;
        }
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        QStringList path{QFileInfo(toolPath()).absolutePath()};
#ifdef GREETER_SERVER
        path.append(QFileInfo(QStringLiteral(GREETER_SERVER)).absolutePath());
#endif
        environment.insert(QStringLiteral("PATH"),
                           path.join(u':') + u':' + environment.value(QStringLiteral("PATH")));
        m_shell.setProcessEnvironment(environment);
        m_shell.setWorkingDirectory(m_dir.path());
        m_shell.setProcessChannelMode(QProcess::MergedChannels);
        m_shell.start(QStringLiteral("bash"), {QStringLiteral("--norc"), QStringLiteral("-s")});
        return m_shell.waitForStarted(Timeout);
    }

    ~DocPage()
    {
        m_servers.clear();
        if (m_shell.state() != QProcess::NotRunning) {
            m_shell.closeWriteChannel();
            if (!m_shell.waitForFinished(Timeout))
                m_shell.kill();
        }
    }

    QString toActual(QString text) const
    {
        for (auto it = m_addresses.cbegin(); it != m_addresses.cend(); ++it)
            text.replace(it.key(), it.value());
        return text;
    }
    QString toPage(QString text) const
    {
        for (auto it = m_addresses.cbegin(); it != m_addresses.cend(); ++it)
            text.replace(it.value(), it.key());
        return normalized(text);
    }

    // Runs command in the page's shell; its output, or a null string after
    // a timeout.
    QString runCommand(const QString &command)
    {
        static int counter = 0;
        const QByteArray sentinel = "@@doc-test-" + QByteArray::number(++counter) + "@@";
        // Commands do not read the shell's own input; $? goes on to the next.
        m_shell.write("{ " + toActual(command).toUtf8() + "\n} < /dev/null; __rc=$?; echo; echo "
                      + sentinel + "; (exit $__rc)\n");
        QSignalSpy readySpy(&m_shell, &QProcess::readyRead);
        QDeadlineTimer deadline(Timeout);
        for (;;) {
            m_out += m_shell.readAll();
            const qsizetype end = m_out.indexOf("\n" + sentinel + "\n");
            if (end >= 0) {
                QByteArray out = m_out.left(end);
                if (out.endsWith('\n')) // a last line with or without its newline
                    out.chop(1);
                m_out = m_out.mid(end + sentinel.size() + 2);
                return toPage(QString::fromUtf8(out));
            }
            if (deadline.hasExpired() || m_shell.state() == QProcess::NotRunning)
                return QString();
            readySpy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

    // Starts command (words: PROGRAM ARGS...) as a server named name (empty:
    // its address on the page). Returns an error text, empty on success.
    QString startServer(QString name, const QStringList &words)
    {
        QString program = words.value(0);
        if (program == QLatin1String("fizyr-rpc")) {
            program = toolPath();
        } else if (program == QLatin1String("greeter-server")) {
#ifdef GREETER_SERVER
            program = QStringLiteral(GREETER_SERVER);
#else
            return QStringLiteral("the examples are not built");
#endif
        } else {
            return QStringLiteral("unknown server program ") + program;
        }
        QStringList args = words.mid(1);
        QString onPage; // where it listens, as on the page: the first address
        QString actualPath;
        for (QString &arg : args) {
            const bool tcp = arg.startsWith(QLatin1String("tcp://"));
            if (!tcp && !arg.startsWith(QLatin1String("unix:"))
                && !arg.startsWith(QLatin1String("seqpacket:"))) {
                continue;
            }
            const QString scheme = arg.section(u':', 0, 0);
            const QString key = tcp ? arg : arg.section(u':', 1);
            if (!onPage.isEmpty()) { // another address: a proxy's target
                if (m_addresses.contains(key))
                    arg = tcp ? m_addresses.value(key) : scheme + u':' + m_addresses.value(key);
                continue;
            }
            onPage = key;
            if (tcp) {
                arg = QStringLiteral("tcp://127.0.0.1:0");
            } else {
                actualPath = m_dir.filePath(QStringLiteral("s%1.sock").arg(++m_sockets));
                arg = scheme + u':' + actualPath;
            }
        }
        if (name.isEmpty())
            name = onPage;
        // A server that replaces one on the same address.
        for (auto it = m_servers.begin(); it != m_servers.end();) {
            if (!onPage.isEmpty() && it->second.address == onPage)
                it = m_servers.erase(it);
            else
                ++it;
        }
        Server server{std::make_shared<Process>(), words.join(u' '), onPage};
        server.process->process().setWorkingDirectory(m_dir.path());
        server.process->process().setProcessChannelMode(QProcess::MergedChannels);
        if (!server.process->start(program, args))
            return QStringLiteral("cannot start ") + words.join(u' ');
        const QString actual = server.process->listeningAddress();
        if (actual.isEmpty())
            return QStringLiteral("no \"listening on\" from ") + words.join(u' ');
        if (!onPage.isEmpty()) {
            const QString mapped = actualPath.isEmpty() ? actual : actualPath;
            // A port of a server of this page that has ended may be given
            // out again: only the newest address maps back to the page.
            m_addresses.removeIf(
                    [&](QMap<QString, QString>::iterator it) { return it.value() == mapped; });
            m_addresses.insert(onPage, mapped);
        }
        m_servers[name] = server;
        return QString();
    }

    struct Server
    {
        std::shared_ptr<Process> process;
        QString command;
        QString address; // on the page
    };

    QString m_page;
    QTemporaryDir m_dir;
    QProcess m_shell;
    QByteArray m_out;
    QMap<QString, QString> m_addresses; // on the page -> actual
    std::map<QString, Server> m_servers;
    int m_sockets = 0;
};

} // namespace

void tst_ToolInterface::docExamples_data()
{
    QTest::addColumn<QString>("page");
    const QDir dir(QStringLiteral(SOURCE_DIR "/doc/tool"));
    for (const QString &name : dir.entryList({QStringLiteral("*.md")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void tst_ToolInterface::docExamples()
{
    QFETCH(QString, page);
    QFile file(page);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
#ifndef FIZYRRPCQT_TEST_SEQPACKET
    // The pages' seqpacket examples run in the default configuration.
    if (text.contains(QLatin1String("seqpacket:/")))
        QSKIP("the page uses seqpacket addresses; built without the seqpacket transport "
              "(FIZYRRPCQT_SEQPACKET=OFF)");
#endif
    const QStringList lines = text.split(QLatin1Char('\n'));
    DocPage doc(page);
    QVERIFY(doc.setUp());

    QStringList markers;
    int commandsRun = 0;
    int skipped = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i);
        if (line.startsWith(QLatin1String("<!-- doc-test: "))
            && line.endsWith(QLatin1String(" -->"))) {
            markers.append(line.mid(15, line.size() - 15 - 4));
            continue;
        }
        if (!line.startsWith(QLatin1String("```")))
            continue;
        const QString language = line.mid(3);
        QStringList block;
        for (++i; i < lines.size() && !lines.at(i).startsWith(QLatin1String("```")); ++i)
            block.append(lines.at(i));
        const QString where = QStringLiteral("%1:%2").arg(doc.m_page).arg(i + 1);
        bool handled = language != QLatin1String("console");

        // Help texts.
        if (language == QLatin1String("text") && !block.isEmpty()
            && block.first().startsWith(QLatin1String("Usage: fizyr-rpc "))) {
            const QString command = block.first().section(u' ', 2, 2);
            const Result help = run({command, QStringLiteral("--help")});
            QCOMPARE(QString::fromUtf8(help.out), block.join(u'\n') + u'\n');
        }

        for (const QString &marker : std::as_const(markers)) {
            const QStringList words = marker.split(u' ', Qt::SkipEmptyParts);
            const QString kind = words.value(0);
            if (kind == QLatin1String("start")) {
                QVERIFY2(words.size() >= 3, qPrintable(where));
                const QString name = words.at(1);
                if (doc.m_servers.count(name) > 0)
                    continue; // already running for this page
                const QString error = doc.startServer(name, words.mid(2));
                if (error == QLatin1String("the examples are not built"))
                    QSKIP("the examples are not built (FIZYRRPCQT_BUILD_EXAMPLES=OFF)");
                QVERIFY2(error.isEmpty(), qPrintable(where + u' ' + error));
                // A console block showing this start: its output is the
                // server's first lines.
                if (language == QLatin1String("console") && !block.isEmpty()
                    && block.first() == QStringLiteral("$ ") + words.mid(2).join(u' ')) {
                    const QString expected = block.mid(1).join(u'\n');
                    Process *process = doc.m_servers[name].process.get();
                    QVERIFY2(process->waitFor([&](const QByteArray &out) {
                        return doc.toPage(QString::fromUtf8(out)).startsWith(expected);
                    }),
                             qPrintable(where + u'\n'
                                        + doc.toPage(QString::fromUtf8(process->output()))));
                    handled = true;
                }
            } else if (kind == QLatin1String("output")) {
                const QString name = words.value(1);
                QVERIFY2(doc.m_servers.count(name) > 0, qPrintable(where + u' ' + name));
                Process *process = doc.m_servers[name].process.get();
                const QString expected = normalized(block.join(u'\n'));
                // The lines a server prints when it stops (what --record
                // wrote) come after the stop.
                QStringList untilStop = block;
                static const QRegularExpression atExit(
                        QStringLiteral("^fizyr-rpc \\w+: (warning: )?recorded "));
                while (!untilStop.isEmpty() && atExit.match(untilStop.last()).hasMatch())
                    untilStop.removeLast();
                const QString beforeStop = normalized(untilStop.join(u'\n'));
                QVERIFY2(process->waitFor([&](const QByteArray &out) {
                    return doc.toPage(QString::fromUtf8(out)).startsWith(beforeStop);
                }),
                         qPrintable(where + u'\n'
                                    + doc.toPage(QString::fromUtf8(process->output()))));
                process->stop();
                QCOMPARE(doc.toPage(QString::fromUtf8(process->output())), expected + u'\n');
                doc.m_servers.erase(name);
            } else if (kind == QLatin1String("file")) {
                QFile written(doc.m_dir.filePath(words.value(1)));
                QVERIFY(written.open(QIODevice::WriteOnly));
                written.write((block.join(u'\n') + u'\n').toUtf8());
                written.close();
                QVERIFY(written.setPermissions(written.permissions() | QFile::ExeOwner));
            } else if (kind == QLatin1String("skip-unless")) {
                const QString condition = words.mid(1).join(u' ');
                QVERIFY2(!condition.isEmpty(), qPrintable(where + QStringLiteral(": no command")));
                const QString answer = doc.runCommand(
                        QStringLiteral("if %1 >/dev/null 2>&1; then echo yes; else echo no; fi")
                                .arg(condition));
                if (answer != QLatin1String("yes")) {
                    qInfo("%s: skipped: %s failed", qPrintable(where), qPrintable(condition));
                    handled = true;
                    ++skipped;
                }
            } else if (kind == QLatin1String("skip")) {
                QVERIFY2(words.size() > 1,
                         qPrintable(where + QStringLiteral(": skip without a reason")));
                handled = true;
                ++skipped;
            } else {
                QFAIL(qPrintable(where + QStringLiteral(": unknown marker ") + marker));
            }
        }
        markers.clear();
        if (handled)
            continue;

        for (qsizetype j = 0; j < block.size(); ++j) {
            QVERIFY2(block.at(j).startsWith(QLatin1String("$ ")),
                     qPrintable(where + u' ' + block.at(j)));
            const QString command = block.at(j).mid(2);
            QStringList expected;
            while (j + 1 < block.size() && !block.at(j + 1).startsWith(QLatin1String("$ ")))
                expected.append(block.at(++j));
            if (command.endsWith(QLatin1String(" &"))) {
                QVERIFY2(expected.isEmpty(), qPrintable(where));
                const QString error = doc.startServer(
                        QString(), command.chopped(2).split(u' ', Qt::SkipEmptyParts));
                QVERIFY2(error.isEmpty(), qPrintable(where + u' ' + error));
                continue;
            }
            const QString out = doc.runCommand(command);
            QVERIFY2(!out.isNull(), qPrintable(where + QStringLiteral(": timed out: ") + command));
            QCOMPARE(out, normalized(expected.join(u'\n')));
            ++commandsRun;
        }
    }
    qInfo("%d commands run, %d blocks skipped", commandsRun, skipped);
}

QTEST_GUILESS_MAIN(tst_ToolInterface)
#include "tst_toolinterface.moc"

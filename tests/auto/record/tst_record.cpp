// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc proxy/listen --record on every transport, read back as JSON
// Lines and with tshark and the shipped dissector
// (tools/wireshark/fizyr-rpc.lua); the dissector on a capture this test
// writes itself (messages split across segments, two per segment, malformed
// ones, both byte orders); rotation limits and the counted loss of a
// recorder that cannot keep up.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcReplayServer>

#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUrl>
#include <QtCore/QtEndian>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <memory>

namespace {

constexpr int Timeout = 60000;

QString toolPath()
{
    return QStringLiteral(FIZYR_RPC_TOOL);
}

QString luaPath()
{
    return QStringLiteral(FIZYR_RPC_LUA);
}

struct Result
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runProgram(const QString &program, const QStringList &args)
{
    QProcess process;
    QSignalSpy finishedSpy(&process, &QProcess::finished);
    process.start(program, args);
    Result result;
    if (!process.waitForStarted(Timeout))
        return result;
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

QString describe(const Result &result)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
            .arg(result.exitCode)
            .arg(QString::fromUtf8(result.out), QString::fromUtf8(result.err));
}

// A long-running tool process: serve, listen or proxy.
class ToolProcess
{
public:
    ~ToolProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(Timeout);
        }
    }

    bool start(const QStringList &args)
    {
        m_process.start(toolPath(), args);
        return m_process.waitForStarted(Timeout);
    }

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

    QString listeningAddress()
    {
        if (!waitForOutput("listening on "))
            return QString();
        const qsizetype start = m_out.indexOf("listening on ") + 13;
        const qsizetype end = m_out.indexOf('\n', start);
        if (end < 0)
            return QString();
        return QString::fromUtf8(m_out.mid(start, end - start)).trimmed();
    }

    // SIGTERM, then the exit code (-1: did not exit normally).
    int stop()
    {
        QSignalSpy finishedSpy(&m_process, &QProcess::finished);
        if (m_process.state() == QProcess::NotRunning)
            return -1;
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (finishedSpy.isEmpty() && !finishedSpy.wait(Timeout))
            return -1;
        m_out += m_process.readAllStandardOutput();
        m_err += m_process.readAllStandardError();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

    QByteArray output() { return m_out += m_process.readAllStandardOutput(); }
    QByteArray errors() { return m_err += m_process.readAllStandardError(); }

private:
    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};

QList<QJsonObject> jsonLines(const QByteArray &text)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : text.split('\n')) {
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

QList<QJsonObject> messagesOf(const QList<QJsonObject> &lines)
{
    QList<QJsonObject> result;
    for (const QJsonObject &line : lines) {
        if (line.contains(QStringLiteral("type")))
            result.append(line);
    }
    return result;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// One Fizyr RPC message as tshark decoded it: its fields, the frame, the
// fields of the Unix pseudo-header of the frame, and every expert info key
// of the frame.
struct Decoded
{
    int frame = 0;
    QJsonObject fields; // "fizyrrpc.type": "0", ...
    QJsonObject unixFields;
    QStringList experts;

    QString value(const char *name) const
    {
        const QString key = QLatin1String(name);
        const QJsonObject &from
                = key.startsWith(QLatin1String("fizyrrpc_unix.")) ? unixFields : fields;
        return from.value(key).toString();
    }
};

void collectKeys(const QJsonValue &value, QStringList *keys)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            keys->append(it.key());
            collectKeys(it.value(), keys);
        }
    } else if (value.isArray()) {
        for (const QJsonValue &element : value.toArray())
            collectKeys(element, keys);
    }
}

// tshark -T json output to the list of decoded messages, in order.
QList<Decoded> decodedMessages(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isArray()) {
        *error = QStringLiteral("tshark output is not a JSON array: ") + parseError.errorString();
        return {};
    }
    QList<Decoded> result;
    for (const QJsonValue &packet : document.array()) {
        const QJsonObject layers = packet.toObject()
                                           .value(QStringLiteral("_source"))
                                           .toObject()
                                           .value(QStringLiteral("layers"))
                                           .toObject();
        const int frame = layers.value(QStringLiteral("frame"))
                                  .toObject()
                                  .value(QStringLiteral("frame.number"))
                                  .toString()
                                  .toInt();
        QStringList keys;
        collectKeys(layers, &keys);
        const QJsonValue rpc = layers.value(QStringLiteral("fizyrrpc"));
        QList<QJsonObject> objects;
        if (rpc.isArray()) {
            for (const QJsonValue &element : rpc.toArray())
                objects.append(element.toObject());
        } else if (rpc.isObject()) {
            objects.append(rpc.toObject());
        }
        for (const QJsonObject &object : objects) {
            Decoded decoded;
            decoded.frame = frame;
            decoded.fields = object;
            decoded.unixFields = layers.value(QStringLiteral("fizyrrpc_unix")).toObject();
            decoded.experts = keys;
            result.append(decoded);
        }
    }
    return result;
}

QString tsharkPath()
{
    return QStandardPaths::findExecutable(QStringLiteral("tshark"));
}

// The dissector's decode of file (tshark, two passes).
QList<Decoded> dissect(const QString &file, const QStringList &extra, QString *error)
{
    QStringList args{QStringLiteral("-X"),
                     QStringLiteral("lua_script:") + luaPath(),
                     QStringLiteral("-2"),
                     QStringLiteral("-r"),
                     file,
                     QStringLiteral("-T"),
                     QStringLiteral("json"),
                     QStringLiteral("--no-duplicate-keys")};
    args += extra;
    const Result result = runProgram(tsharkPath(), args);
    if (!result.finished || result.exitCode != 0) {
        *error = QStringLiteral("tshark failed: ") + describe(result);
        return {};
    }
    if (result.err.contains("Lua") || result.err.contains("lua")) {
        *error = QStringLiteral("tshark reported a Lua error: ") + QString::fromUtf8(result.err);
        return {};
    }
    return decodedMessages(result.out, error);
}

// ---- a capture written by the test: IPv4 + TCP in a classic pcap file

void putBe16(QByteArray &out, quint16 v)
{
    char b[2];
    qToBigEndian(v, b);
    out.append(b, 2);
}
void putBe32(QByteArray &out, quint32 v)
{
    char b[4];
    qToBigEndian(v, b);
    out.append(b, 4);
}
void putLe32(QByteArray &out, quint32 v)
{
    char b[4];
    qToLittleEndian(v, b);
    out.append(b, 4);
}
void putOrder(QByteArray &out, quint32 v, bool bigEndian)
{
    bigEndian ? putBe32(out, v) : putLe32(out, v);
}

QByteArray framed(quint32 type, quint32 requestId, qint32 serviceId, const QByteArray &body,
                  bool bigEndian)
{
    QByteArray out;
    putOrder(out, quint32(12 + body.size()), bigEndian);
    putOrder(out, type, bigEndian);
    putOrder(out, requestId, bigEndian);
    putOrder(out, quint32(serviceId), bigEndian);
    return out + body;
}

class PcapWriter
{
public:
    PcapWriter()
    {
        putLe32(m_data, 0xa1b2c3d4);
        m_data.append("\x02\x00\x04\x00", 4);
        putLe32(m_data, 0);
        putLe32(m_data, 0);
        putLe32(m_data, 65535);
        putLe32(m_data, 101); // raw IP
    }

    // A TCP segment on the connection from client port clientPort to 7000.
    void segment(quint16 clientPort, bool toServer, const QByteArray &payload)
    {
        quint32 &seq = toServer ? m_seq[clientPort].first : m_seq[clientPort].second;
        const quint32 ack = toServer ? m_seq[clientPort].second : m_seq[clientPort].first;
        if (seq == 0) {
            seq = 1000;
        }
        QByteArray tcp;
        putBe16(tcp, toServer ? clientPort : 7000);
        putBe16(tcp, toServer ? 7000 : clientPort);
        putBe32(tcp, seq);
        putBe32(tcp, ack == 0 ? 1000 : ack);
        tcp.append(char(5 << 4));
        tcp.append(char(0x18)); // PSH, ACK
        putBe16(tcp, 65535);
        putBe16(tcp, 0); // checksum (not checked by default)
        putBe16(tcp, 0);
        tcp += payload;
        seq += quint32(payload.size());
        QByteArray ip;
        ip.append(char(0x45));
        ip.append('\0');
        putBe16(ip, quint16(20 + tcp.size()));
        putBe16(ip, 0);
        putBe16(ip, 0x4000);
        ip.append(char(64));
        ip.append(char(6));
        putBe16(ip, 0);
        putBe32(ip, 0x7f000001);
        putBe32(ip, 0x7f000001);
        const QByteArray packet = ip + tcp;
        putLe32(m_data, 1800000000u);
        putLe32(m_data, quint32(++m_frames * 1000));
        putLe32(m_data, quint32(packet.size()));
        putLe32(m_data, quint32(packet.size()));
        m_data += packet;
    }

    bool save(const QString &path) const
    {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(m_data) == m_data.size();
    }

private:
    QByteArray m_data;
    QHash<quint16, std::pair<quint32, quint32>> m_seq;
    int m_frames = 0;
};

} // namespace

class tst_Record : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void proxyPcapng_data() { RpcTestSupport::addTransportRows(); }
    void proxyPcapng();
    void proxyJsonLines_data() { RpcTestSupport::addTransportRows(); }
    void proxyJsonLines();
    void listenJsonLines_data() { RpcTestSupport::addTransportRows(); }
    void listenJsonLines();
    void listenInterface();
    void proxyStats();
    void listenPeriodicStats();
    void liveCaptureMatchesRecording();
    void dissectorOnWrittenCapture_data();
    void dissectorOnWrittenCapture();
    void replay_data() { RpcTestSupport::addTransportRows(); }
    void replay();
    void replayByOrder();
    void environmentHook_data() { RpcTestSupport::addTransportRows(); }
    void environmentHook();
    void environmentHookLimits();
    void environmentHookExampleProgram();
    void rotation();
    void dropsCounted();
    void usageErrors();
    void costTableGenerated();

private:
    // serve (answering service 1 with one update and the body, others with
    // an error) behind proxy --record FILE; the calls made through it.
    bool recordThroughProxy(const QString &scheme, const QString &file, QString *proxyAddress,
                            QByteArray *proxyErrors, const QStringList &extraProxyArgs = {});

    QTemporaryDir m_dir;
    QString m_fdFile;
};

void tst_Record::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(!tsharkPath().isEmpty(), "tshark not found: scripts/setup.sh installs it");
    QVERIFY2(QFile::exists(luaPath()), qPrintable(luaPath()));
    m_fdFile = m_dir.filePath(QStringLiteral("attached.txt"));
    QFile file(m_fdFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("attached\n");
}

bool tst_Record::recordThroughProxy(const QString &scheme, const QString &file,
                                    QString *proxyAddress, QByteArray *proxyErrors,
                                    const QStringList &extraProxyArgs)
{
    static int round = 0;
    ++round;
    const QString tag = QStringLiteral("r%1").arg(round);
    ToolProcess server;
    if (!server.start({QStringLiteral("serve"), QStringLiteral("--updates"), QStringLiteral("1"),
                       RpcTestSupport::addressFor(scheme, m_dir, tag + QStringLiteral("s"))})) {
        qWarning("serve did not start");
        return false;
    }
    const QString serverAddress = server.listeningAddress();
    ToolProcess proxy;
    QStringList proxyArgs{QStringLiteral("proxy"), QStringLiteral("--record"), file};
    proxyArgs += extraProxyArgs;
    proxyArgs += {RpcTestSupport::addressFor(scheme, m_dir, tag + QStringLiteral("p")),
                  serverAddress};
    if (serverAddress.isEmpty() || !proxy.start(proxyArgs)) {
        qWarning("proxy did not start");
        return false;
    }
    *proxyAddress = proxy.listeningAddress();
    if (proxyAddress->isEmpty()) {
        qWarning("proxy did not listen: %s", proxy.errors().constData());
        return false;
    }
    QStringList okCall{QStringLiteral("call")};
    if (scheme == QLatin1String("seqpacket"))
        okCall += {QStringLiteral("--fd"), m_fdFile, QStringLiteral("--fd"), m_fdFile};
    okCall += {*proxyAddress, QStringLiteral("1"), QStringLiteral("hello")};
    const Result ok = runProgram(toolPath(), okCall);
    if (ok.exitCode != 0) {
        qWarning("call failed: %s", qPrintable(describe(ok)));
        return false;
    }
    const Result bad = runProgram(
            toolPath(),
            {QStringLiteral("call"), *proxyAddress, QStringLiteral("7"), QStringLiteral("x")});
    if (bad.exitCode != 1) {
        qWarning("error call: %s", qPrintable(describe(bad)));
        return false;
    }
    // Both connections are closed on the proxy's side before it stops.
    if (!proxy.waitForOutput("[2] target disconnected")) {
        qWarning("no disconnect: %s", proxy.output().constData());
        return false;
    }
    if (proxy.stop() != 0)
        return false;
    *proxyErrors = proxy.errors();
    return server.stop() == 0;
}

void tst_Record::proxyPcapng()
{
    QFETCH(QString, scheme);
    const QString file = m_dir.filePath(QStringLiteral("proxy-%1.pcapng").arg(scheme));
    QString proxyAddress;
    QByteArray errors;
    QVERIFY(recordThroughProxy(scheme, file, &proxyAddress, &errors));
    // 2 calls: request, update, response each.
    QVERIFY2(errors.contains("recorded 6 messages to " + file.toUtf8()), errors.constData());

    QStringList extra;
    if (scheme == QLatin1String("tcp")) {
        const QUrl url(proxyAddress);
        extra += {QStringLiteral("-d"), QStringLiteral("tcp.port==%1,fizyrrpc").arg(url.port())};
    }
    QString error;
    const QList<Decoded> messages = dissect(file, extra, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(messages.size(), 6);

    const Decoded &request = messages.at(0);
    QCOMPARE(request.value("fizyrrpc.type"), QStringLiteral("0"));
    QCOMPARE(request.value("fizyrrpc.service_id"), QStringLiteral("1"));
    QCOMPARE(request.value("fizyrrpc.body_text"), QStringLiteral("hello"));
    QCOMPARE(request.value("fizyrrpc.body_length"), QStringLiteral("5"));
    const Decoded &update = messages.at(1);
    QCOMPARE(update.value("fizyrrpc.type"), QStringLiteral("3"));
    QCOMPARE(update.value("fizyrrpc.body_text"), QStringLiteral("update 1 of 1"));
    QCOMPARE(update.value("fizyrrpc.request_in"), QString::number(request.frame));
    const Decoded &response = messages.at(2);
    QCOMPARE(response.value("fizyrrpc.type"), QStringLiteral("1"));
    QCOMPARE(response.value("fizyrrpc.service_id"), QStringLiteral("0"));
    QCOMPARE(response.value("fizyrrpc.body_text"), QStringLiteral("hello"));
    QCOMPARE(response.value("fizyrrpc.request_in"), QString::number(request.frame));
    QVERIFY(!response.value("fizyrrpc.response_time").isEmpty());
    QCOMPARE(request.value("fizyrrpc.response_in"), QString::number(response.frame));
    QCOMPARE(request.value("fizyrrpc.updates"), QStringLiteral("1"));

    const Decoded &errorResponse = messages.at(5);
    QCOMPARE(errorResponse.value("fizyrrpc.type"), QStringLiteral("1"));
    QCOMPARE(errorResponse.value("fizyrrpc.service_id"), QStringLiteral("-1"));
    QCOMPARE(errorResponse.value("fizyrrpc.error"), QStringLiteral("unknown service 7"));
    QVERIFY(errorResponse.experts.contains(QStringLiteral("fizyrrpc.error_response")));
    QCOMPARE(errorResponse.value("fizyrrpc.request_in"), QString::number(messages.at(3).frame));

    if (scheme == QLatin1String("tcp")) {
        QVERIFY(request.unixFields.isEmpty());
    } else {
        QCOMPARE(request.value("fizyrrpc_unix.transport"),
                 scheme == QLatin1String("seqpacket") ? QStringLiteral("3") : QStringLiteral("2"));
        QCOMPARE(request.value("fizyrrpc_unix.direction"), QStringLiteral("0"));
        QCOMPARE(response.value("fizyrrpc_unix.direction"), QStringLiteral("1"));
        QCOMPARE(request.value("fizyrrpc_unix.connection"), QStringLiteral("1"));
        QCOMPARE(errorResponse.value("fizyrrpc_unix.connection"), QStringLiteral("2"));
        const QString fds
                = scheme == QLatin1String("seqpacket") ? QStringLiteral("2") : QStringLiteral("0");
        QCOMPARE(request.value("fizyrrpc_unix.fds"), fds);
        QCOMPARE(response.value("fizyrrpc_unix.fds"), fds); // serve echoes them
        QCOMPARE(update.value("fizyrrpc_unix.fds"), QStringLiteral("0"));
    }
}

void tst_Record::proxyJsonLines()
{
    QFETCH(QString, scheme);
    const QString file = m_dir.filePath(QStringLiteral("proxy-%1.jsonl").arg(scheme));
    QString proxyAddress;
    QByteArray errors;
    QVERIFY(recordThroughProxy(scheme, file, &proxyAddress, &errors));
    const QList<QJsonObject> lines = jsonLines(readFile(file));
    QVERIFY2(!lines.isEmpty(), readFile(file).constData());
    QCOMPARE(lines.first().value(QStringLiteral("event")).toString(), QStringLiteral("connected"));
    QCOMPARE(lines.first().value(QStringLiteral("transport")).toString(), scheme);
    QCOMPARE(lines.last().value(QStringLiteral("event")).toString(),
             QStringLiteral("disconnected"));
    const QList<QJsonObject> messages = messagesOf(lines);
    QCOMPARE(messages.size(), 6);
    const QJsonObject request = messages.at(0);
    QCOMPARE(request.value(QStringLiteral("type")).toString(), QStringLiteral("request"));
    QCOMPARE(request.value(QStringLiteral("direction")).toString(),
             QStringLiteral("client->server"));
    QCOMPARE(request.value(QStringLiteral("connection")).toInt(), 1);
    QCOMPARE(request.value(QStringLiteral("service_id")).toInt(), 1);
    QCOMPARE(request.value(QStringLiteral("body")).toString(), QStringLiteral("hello"));
    QCOMPARE(request.value(QStringLiteral("fds")).toInt(),
             scheme == QLatin1String("seqpacket") ? 2 : 0);
    QVERIFY(request.value(QStringLiteral("time")).toString().endsWith(QLatin1Char('Z')));
    const QJsonObject response = messages.at(2);
    QCOMPARE(response.value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(response.value(QStringLiteral("direction")).toString(),
             QStringLiteral("server->client"));
    QVERIFY(response.value(QStringLiteral("elapsed")).toDouble()
            >= request.value(QStringLiteral("elapsed")).toDouble());
    const QJsonObject errorResponse = messages.at(5);
    QCOMPARE(errorResponse.value(QStringLiteral("service_id")).toInt(), -1);
    QCOMPARE(errorResponse.value(QStringLiteral("connection")).toInt(), 2);
    QCOMPARE(errorResponse.value(QStringLiteral("body")).toString(),
             QStringLiteral("unknown service 7"));
}

void tst_Record::listenJsonLines()
{
    QFETCH(QString, scheme);
    const QString file = m_dir.filePath(QStringLiteral("listen-%1.jsonl").arg(scheme));
    const QString binary = m_dir.filePath(QStringLiteral("binary.bin"));
    {
        QFile out(binary);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QByteArray("\x00\xff\x01\xfe", 4));
    }
    ToolProcess listen;
    QVERIFY(listen.start(
            {QStringLiteral("listen"), QStringLiteral("--record"), file,
             RpcTestSupport::addressFor(scheme, m_dir, QStringLiteral("listen-") + scheme)}));
    const QString address = listen.listeningAddress();
    QVERIFY(!address.isEmpty());
    const Result result = runProgram(
            toolPath(),
            {QStringLiteral("call"), QStringLiteral("-f"), binary, address, QStringLiteral("5")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY(listen.waitForOutput("[1] disconnected"));
    QCOMPARE(listen.stop(), 0);
    QVERIFY2(listen.errors().contains("recorded 2 messages"), listen.errors().constData());
    const QList<QJsonObject> messages = messagesOf(jsonLines(readFile(file)));
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).value(QStringLiteral("body_base64")).toString(),
             QStringLiteral("AP8B/g=="));
    QVERIFY(!messages.at(0).contains(QStringLiteral("body")));
    QCOMPARE(messages.at(1).value(QStringLiteral("direction")).toString(),
             QStringLiteral("server->client"));
    QCOMPARE(messages.at(1).value(QStringLiteral("body")).toString(),
             QStringLiteral("unexpected request for service 5"));
}

void tst_Record::listenInterface()
{
    // Bodies decoded by name in the JSON Lines recording.
    const QString greeter = QStringLiteral(FIZYR_RPC_GREETER);
    const QString file = m_dir.filePath(QStringLiteral("decoded.jsonl"));
    ToolProcess listen;
    QVERIFY(listen.start({QStringLiteral("listen"), QStringLiteral("--interface"), greeter,
                          QStringLiteral("--record"), file, QStringLiteral("tcp://127.0.0.1:0")}));
    const QString address = listen.listeningAddress();
    QVERIFY(!address.isEmpty());
    const Result result = runProgram(toolPath(),
                                     {QStringLiteral("call"), QStringLiteral("--interface"),
                                      greeter, address, QStringLiteral("greet"),
                                      QStringLiteral("{\"name\":\"Ada\",\"times\":2}")});
    QCOMPARE(result.exitCode, 1); // listen answers with an error
    QVERIFY(listen.waitForOutput("[1] disconnected"));
    QCOMPARE(listen.stop(), 0);
    const QList<QJsonObject> messages = messagesOf(jsonLines(readFile(file)));
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).value(QStringLiteral("name")).toString(), QStringLiteral("greet"));
    const QJsonObject value = messages.at(0).value(QStringLiteral("value")).toObject();
    QCOMPARE(value.value(QStringLiteral("name")).toString(), QStringLiteral("Ada"));
    QCOMPARE(value.value(QStringLiteral("times")).toInt(), 2);
    QVERIFY(messages.at(0)
                    .value(QStringLiteral("body"))
                    .toString()
                    .contains(QStringLiteral("\"Ada\"")));
}

void tst_Record::proxyStats()
{
    ToolProcess server;
    QVERIFY(server.start({QStringLiteral("serve"), QStringLiteral("--updates"), QStringLiteral("1"),
                          QStringLiteral("tcp://127.0.0.1:0")}));
    const QString serverAddress = server.listeningAddress();
    QVERIFY(!serverAddress.isEmpty());
    ToolProcess proxy;
    QVERIFY(proxy.start({QStringLiteral("proxy"), QStringLiteral("--stats"),
                         QStringLiteral("--stats-interval"), QStringLiteral("0"),
                         QStringLiteral("--json"), QStringLiteral("tcp://127.0.0.1:0"),
                         serverAddress}));
    QVERIFY(proxy.waitForOutput("\"type\":\"listening\"}\n"));
    const QString address
            = jsonLines(proxy.output()).value(0).value(QStringLiteral("address")).toString();
    QVERIFY2(!address.isEmpty(), proxy.output().constData());
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(runProgram(toolPath(),
                            {QStringLiteral("call"), address, QStringLiteral("1"),
                             QStringLiteral("hello")})
                         .exitCode,
                 0);
    }
    QCOMPARE(runProgram(toolPath(),
                        {QStringLiteral("call"), address, QStringLiteral("7"), QStringLiteral("x")})
                     .exitCode,
             1);
    QCOMPARE(runProgram(toolPath(),
                        {QStringLiteral("stream"), address, QStringLiteral("3"),
                         QStringLiteral("tick")})
                     .exitCode,
             0);
    QVERIFY(proxy.waitForOutput("\"connection\":4,\"side\":\"target\""));
    QCOMPARE(proxy.stop(), 0);
    QJsonObject stats;
    for (const QJsonObject &line : jsonLines(proxy.output())) {
        if (line.value(QStringLiteral("type")).toString() == QLatin1String("stats"))
            stats = line;
    }
    QVERIFY2(!stats.isEmpty(), proxy.output().constData());
    const QJsonArray services = stats.value(QStringLiteral("services")).toArray();
    QCOMPARE(services.size(), 2);
    const QJsonObject one = services.at(0).toObject();
    QCOMPARE(one.value(QStringLiteral("service_id")).toInt(), 1);
    QCOMPARE(one.value(QStringLiteral("requests")).toInt(), 2);
    QCOMPARE(one.value(QStringLiteral("errors")).toInt(), 0);
    QCOMPARE(one.value(QStringLiteral("open")).toInt(), 0);
    // request "hello": 12 + 5; update "update 1 of 1": 12 + 13; response "hello"
    QCOMPARE(one.value(QStringLiteral("bytes_to_server")).toInt(), 2 * 17);
    QCOMPARE(one.value(QStringLiteral("bytes_to_client")).toInt(), 2 * (25 + 17));
    QVERIFY(one.value(QStringLiteral("p50_ms")).isDouble());
    QVERIFY(one.value(QStringLiteral("p99_ms")).toDouble()
            >= one.value(QStringLiteral("p50_ms")).toDouble());
    const QJsonObject seven = services.at(1).toObject();
    QCOMPARE(seven.value(QStringLiteral("service_id")).toInt(), 7);
    QCOMPARE(seven.value(QStringLiteral("requests")).toInt(), 1);
    QCOMPARE(seven.value(QStringLiteral("errors")).toInt(), 1);
    QCOMPARE(seven.value(QStringLiteral("bytes_to_client")).toInt(), 25 + 12 + 17);
    const QJsonArray streams = stats.value(QStringLiteral("streams")).toArray();
    QCOMPARE(streams.size(), 1);
    QCOMPARE(streams.at(0).toObject().value(QStringLiteral("stream_id")).toInt(), 3);
    QCOMPARE(streams.at(0).toObject().value(QStringLiteral("bytes_to_server")).toInt(), 16);
    QCOMPARE(server.stop(), 0);
}

void tst_Record::listenPeriodicStats()
{
    ToolProcess listen;
    QVERIFY(listen.start({QStringLiteral("listen"), QStringLiteral("--stats"),
                          QStringLiteral("--stats-interval"), QStringLiteral("0.05"),
                          QStringLiteral("tcp://127.0.0.1:0")}));
    const QString address = listen.listeningAddress();
    QVERIFY(!address.isEmpty());
    QVERIFY(listen.waitForOutput("stats: no messages yet"));
    QCOMPARE(runProgram(toolPath(),
                        {QStringLiteral("call"), address, QStringLiteral("5"), QStringLiteral("x")})
                     .exitCode,
             1);
    QVERIFY(listen.waitForOutput("stats: service 5: 1 requests, 1 errors, 0 open, p50 "));
    QCOMPARE(listen.stop(), 0);
}

void tst_Record::liveCaptureMatchesRecording()
{
    // The same TCP traffic captured by tshark on loopback and recorded by
    // the proxy decodes to the same messages.
    ToolProcess server;
    QVERIFY(server.start({QStringLiteral("serve"), QStringLiteral("--updates"), QStringLiteral("2"),
                          QStringLiteral("tcp://127.0.0.1:0")}));
    const QString serverAddress = server.listeningAddress();
    QVERIFY(!serverAddress.isEmpty());
    const QString recording = m_dir.filePath(QStringLiteral("live-recorded.pcapng"));
    const QString captured = m_dir.filePath(QStringLiteral("live-captured.pcapng"));
    ToolProcess proxy;
    QVERIFY(proxy.start({QStringLiteral("proxy"), QStringLiteral("--record"), recording,
                         QStringLiteral("tcp://127.0.0.1:0"), serverAddress}));
    const QString address = proxy.listeningAddress();
    QVERIFY(!address.isEmpty());
    const int port = QUrl(address).port();

    QProcess capture;
    capture.setProcessChannelMode(QProcess::MergedChannels);
    capture.start(tsharkPath(),
                  {QStringLiteral("-i"), QStringLiteral("lo"), QStringLiteral("-f"),
                   QStringLiteral("tcp port %1").arg(port), QStringLiteral("-w"), captured});
    QVERIFY(capture.waitForStarted(Timeout));
    QByteArray captureOutput;
    QDeadlineTimer deadline(Timeout);
    while (!captureOutput.contains("Capture started")) {
        if (capture.state() == QProcess::NotRunning || deadline.hasExpired()) {
            QSKIP(qPrintable(QStringLiteral("tshark cannot capture on lo here: ")
                             + QString::fromUtf8(captureOutput + capture.readAll())));
        }
        capture.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
        captureOutput += capture.readAll();
    }

    const Result first = runProgram(
            toolPath(),
            {QStringLiteral("call"), address, QStringLiteral("1"), QStringLiteral("captured")});
    QCOMPARE(first.exitCode, 0);
    const Result second = runProgram(
            toolPath(),
            {QStringLiteral("call"), address, QStringLiteral("7"), QStringLiteral("y")});
    QCOMPARE(second.exitCode, 1);
    QVERIFY(proxy.waitForOutput("[2] target disconnected"));
    QCOMPARE(proxy.stop(), 0);

    const QStringList decodeAs{QStringLiteral("-d"),
                               QStringLiteral("tcp.port==%1,fizyrrpc").arg(port)};
    QString error;
    const QList<Decoded> recorded = dissect(recording, decodeAs, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(recorded.size(), 8);
    // The capture is complete once it holds all eight messages.
    QList<Decoded> live;
    QTRY_VERIFY_WITH_TIMEOUT((live = dissect(captured, decodeAs, &error)).size() == 8, 30000);
    ::kill(pid_t(capture.processId()), SIGINT);
    QVERIFY(capture.waitForFinished(Timeout));
    live = dissect(captured, decodeAs, &error);
    QCOMPARE(live.size(), 8);
    for (int i = 0; i < 8; ++i) {
        for (const char *field : {"fizyrrpc.length", "fizyrrpc.type", "fizyrrpc.request_id",
                                  "fizyrrpc.service_id", "fizyrrpc.body", "fizyrrpc.updates"}) {
            QCOMPARE(live.at(i).value(field), recorded.at(i).value(field));
        }
        QCOMPARE(live.at(i).value("fizyrrpc.request_in").isEmpty(),
                 recorded.at(i).value("fizyrrpc.request_in").isEmpty());
        QCOMPARE(live.at(i).value("fizyrrpc.response_in").isEmpty(),
                 recorded.at(i).value("fizyrrpc.response_in").isEmpty());
    }
    QCOMPARE(server.stop(), 0);
}

void tst_Record::dissectorOnWrittenCapture_data()
{
    QTest::addColumn<bool>("bigEndian");
    QTest::newRow("little endian") << false;
    QTest::newRow("big endian (preference)") << true;
}

void tst_Record::dissectorOnWrittenCapture()
{
    QFETCH(bool, bigEndian);
    PcapWriter pcap;
    const QByteArray first = framed(0, 1, 5, "split body over segments", bigEndian);
    const QByteArray second = framed(0, 2, 6, "two", bigEndian);
    // Frame 1: the first 10 bytes of a request. Frame 2: its rest and a
    // whole second request.
    pcap.segment(40000, true, first.left(10));
    pcap.segment(40000, true, first.mid(10) + second);
    // Frame 3: an update and two responses in one segment.
    pcap.segment(40000, false,
                 framed(3, 1, 9, "progress", bigEndian) + framed(1, 2, 0, "ok two", bigEndian)
                         + framed(1, 1, -1, "failed", bigEndian));
    // Frame 4: a stream message. Frame 5 (another connection): length 8.
    pcap.segment(40000, true, framed(4, 0, 3, "tick", bigEndian));
    QByteArray shortFrame;
    putOrder(shortFrame, 8, bigEndian);
    shortFrame += QByteArray(8, '\0');
    pcap.segment(40001, true, shortFrame);
    // Frame 6 (a third connection): message type 9.
    pcap.segment(40002, true, framed(9, 1, 1, "?", bigEndian));
    // Frame 7 (a fourth connection): a request and a requester update of it.
    pcap.segment(40003, true,
                 framed(0, 7, 4, "ask", bigEndian) + framed(2, 7, 4, "more", bigEndian));
    const QString file = m_dir.filePath(QStringLiteral("written-%1.pcap").arg(bigEndian));
    QVERIFY(pcap.save(file));

    QStringList extra{QStringLiteral("-d"), QStringLiteral("tcp.port==7000,fizyrrpc")};
    if (bigEndian)
        extra += {QStringLiteral("-o"), QStringLiteral("fizyrrpc.big_endian:TRUE")};
    QString error;
    const QList<Decoded> messages = dissect(file, extra, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(messages.size(), 10);

    QCOMPARE(messages.at(0).frame, 2); // reassembled
    QCOMPARE(messages.at(0).value("fizyrrpc.length"), QString::number(first.size() - 4));
    QCOMPARE(messages.at(0).value("fizyrrpc.body_text"),
             QStringLiteral("split body over segments"));
    QCOMPARE(messages.at(0).value("fizyrrpc.service_id"), QStringLiteral("5"));
    QCOMPARE(messages.at(0).value("fizyrrpc.response_in"), QStringLiteral("3"));
    QCOMPARE(messages.at(1).frame, 2); // two messages in one segment
    QCOMPARE(messages.at(1).value("fizyrrpc.request_id"), QStringLiteral("2"));
    QCOMPARE(messages.at(1).value("fizyrrpc.body_text"), QStringLiteral("two"));
    QCOMPARE(messages.at(1).value("fizyrrpc.response_in"), QStringLiteral("3"));

    for (int i = 2; i <= 4; ++i) {
        QCOMPARE(messages.at(i).frame, 3);
        QCOMPARE(messages.at(i).value("fizyrrpc.request_in"), QStringLiteral("2"));
    }
    QCOMPARE(messages.at(2).value("fizyrrpc.type"), QStringLiteral("3"));
    QCOMPARE(messages.at(2).value("fizyrrpc.service_id"), QStringLiteral("9"));
    QCOMPARE(messages.at(3).value("fizyrrpc.request_id"), QStringLiteral("2"));
    QCOMPARE(messages.at(3).value("fizyrrpc.body_text"), QStringLiteral("ok two"));
    QCOMPARE(messages.at(4).value("fizyrrpc.service_id"), QStringLiteral("-1"));
    QCOMPARE(messages.at(4).value("fizyrrpc.error"), QStringLiteral("failed"));

    QCOMPARE(messages.at(5).frame, 4);
    QCOMPARE(messages.at(5).value("fizyrrpc.type"), QStringLiteral("4"));
    QCOMPARE(messages.at(5).value("fizyrrpc.body_text"), QStringLiteral("tick"));

    QCOMPARE(messages.at(6).frame, 5);
    QCOMPARE(messages.at(6).value("fizyrrpc.length"), QStringLiteral("8"));
    QVERIFY(messages.at(6).experts.contains(QStringLiteral("fizyrrpc.short")));
    QCOMPARE(messages.at(7).frame, 6);
    QCOMPARE(messages.at(7).value("fizyrrpc.type"), QStringLiteral("9"));
    QVERIFY(messages.at(7).experts.contains(QStringLiteral("fizyrrpc.unknown_type")));
    QCOMPARE(messages.at(9).frame, 7);
    QCOMPARE(messages.at(9).value("fizyrrpc.type"), QStringLiteral("2"));
    QCOMPARE(messages.at(9).value("fizyrrpc.body_text"), QStringLiteral("more"));
    QCOMPARE(messages.at(9).value("fizyrrpc.request_in"), QStringLiteral("7"));
    // Nothing else is flagged malformed.
    for (int i = 0; i < 6; ++i) {
        QVERIFY(!messages.at(i).experts.contains(QStringLiteral("fizyrrpc.short")));
        QVERIFY(!messages.at(i).experts.contains(QStringLiteral("fizyrrpc.unknown_type")));
        QVERIFY(!messages.at(i).experts.contains(QStringLiteral("_ws.malformed")));
    }
}

void tst_Record::replay()
{
    QFETCH(QString, scheme);
    const QString file = m_dir.filePath(QStringLiteral("replayed-%1.jsonl").arg(scheme));
    QString proxyAddress;
    QByteArray errors;
    QVERIFY(recordThroughProxy(scheme, file, &proxyAddress, &errors));

    ToolProcess replay;
    QVERIFY(replay.start(
            {QStringLiteral("replay"), file,
             RpcTestSupport::addressFor(scheme, m_dir, QStringLiteral("replay-") + scheme)}));
    const QString address = replay.listeningAddress();
    QVERIFY(!address.isEmpty());

    // The recorded answers, in the recorded spacing.
    const Result ok = runProgram(toolPath(),
                                 {QStringLiteral("call"), QStringLiteral("--json"), address,
                                  QStringLiteral("1"), QStringLiteral("hello")});
    QCOMPARE(ok.exitCode, 0);
    const QList<QJsonObject> okLines = jsonLines(ok.out);
    QCOMPARE(okLines.size(), 2);
    QCOMPARE(okLines.at(0).value(QStringLiteral("type")).toString(),
             QStringLiteral("responder-update"));
    QCOMPARE(okLines.at(0).value(QStringLiteral("body")).toString(),
             QStringLiteral("update 1 of 1"));
    QCOMPARE(okLines.at(1).value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(okLines.at(1).value(QStringLiteral("body")).toString(), QStringLiteral("hello"));

    const Result recordedError = runProgram(
            toolPath(),
            {QStringLiteral("call"), address, QStringLiteral("7"), QStringLiteral("x")});
    QCOMPARE(recordedError.exitCode, 1);
    QVERIFY2(recordedError.err.contains("error response: unknown service 7"),
             qPrintable(describe(recordedError)));

    const Result unmatched = runProgram(
            toolPath(),
            {QStringLiteral("call"), address, QStringLiteral("1"), QStringLiteral("other")});
    QCOMPARE(unmatched.exitCode, 1);
    QVERIFY2(unmatched.err.contains("replay: no recorded request for service 1 with body "
                                    "\"other\"; recorded bodies for service 1: \"hello\""),
             qPrintable(describe(unmatched)));
    const Result unknown = runProgram(
            toolPath(),
            {QStringLiteral("call"), address, QStringLiteral("3"), QStringLiteral("x")});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains("recorded services: 1, 7"), qPrintable(describe(unknown)));
    QCOMPARE(replay.stop(), 0);
    QVERIFY(replay.output().contains("matches the recording's line 2"));
}

void tst_Record::replayByOrder()
{
    const QString file = m_dir.filePath(QStringLiteral("by-order.jsonl"));
    QString proxyAddress;
    QByteArray errors;
    QVERIFY(recordThroughProxy(QStringLiteral("unix"), file, &proxyAddress, &errors));
    ToolProcess replay;
    QVERIFY(replay.start({QStringLiteral("replay"), QStringLiteral("--by-order"),
                          QStringLiteral("--fast"), file,
                          RpcTestSupport::addressFor(QStringLiteral("unix"), m_dir,
                                                     QStringLiteral("by-order"))}));
    const QString address = replay.listeningAddress();
    QVERIFY(!address.isEmpty());
    const auto call = [&](const QString &service, const QString &body) {
        return runProgram(toolPath(), {QStringLiteral("call"), address, service, body});
    };
    const Result outOfOrder = call(QStringLiteral("7"), QStringLiteral("x"));
    QCOMPARE(outOfOrder.exitCode, 1);
    QVERIFY2(outOfOrder.err.contains("expected service 1 with body \"hello\" (line 2)"),
             qPrintable(describe(outOfOrder)));
    QCOMPARE(call(QStringLiteral("1"), QStringLiteral("hello")).exitCode, 0);
    const Result second = call(QStringLiteral("7"), QStringLiteral("x"));
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.err.contains("unknown service 7"), qPrintable(describe(second)));
    const Result exhausted = call(QStringLiteral("1"), QStringLiteral("hello"));
    QVERIFY2(exhausted.err.contains("every recorded request was replayed"),
             qPrintable(describe(exhausted)));
    QCOMPARE(replay.stop(), 0);
}

void tst_Record::environmentHook()
{
    // FIZYR_RPC_RECORD makes every peer of a process record, without code
    // changes: here the tool's call, a program on the library's public API.
    QFETCH(QString, scheme);
    ToolProcess server;
    QVERIFY(server.start({QStringLiteral("serve"), QStringLiteral("--updates"), QStringLiteral("1"),
                          RpcTestSupport::addressFor(scheme, m_dir, QStringLiteral("hook"))}));
    const QString address = server.listeningAddress();
    QVERIFY(!address.isEmpty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess call;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("FIZYR_RPC_RECORD"),
                       dir.filePath(QStringLiteral("app-%p.jsonl")));
    call.setProcessEnvironment(environment);
    QStringList args{QStringLiteral("call")};
    if (scheme == QLatin1String("seqpacket"))
        args += {QStringLiteral("--fd"), m_fdFile};
    args += {address, QStringLiteral("1"), QStringLiteral("recorded")};
    QSignalSpy finished(&call, &QProcess::finished);
    call.start(toolPath(), args);
    QVERIFY(call.waitForStarted(Timeout));
    const qint64 pid = call.processId();
    QVERIFY(finished.wait(Timeout));
    QCOMPARE(call.exitCode(), 0);
    const QString file = dir.filePath(QStringLiteral("app-%1.jsonl").arg(pid));
    const QList<QJsonObject> lines = jsonLines(readFile(file));
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0).value(QStringLiteral("direction")).toString(), QStringLiteral("sent"));
    QCOMPARE(lines.at(0).value(QStringLiteral("type")).toString(), QStringLiteral("request"));
    QCOMPARE(lines.at(0).value(QStringLiteral("body")).toString(), QStringLiteral("recorded"));
    QCOMPARE(lines.at(0).value(QStringLiteral("fds")).toInt(),
             scheme == QLatin1String("seqpacket") ? 1 : 0);
    QCOMPARE(lines.at(0).value(QStringLiteral("peer")).toString(), address);
    QCOMPARE(lines.at(0).value(QStringLiteral("role")).toString(), QStringLiteral("client"));
    QCOMPARE(lines.at(1).value(QStringLiteral("direction")).toString(), QStringLiteral("received"));
    QCOMPARE(lines.at(1).value(QStringLiteral("type")).toString(),
             QStringLiteral("responder-update"));
    QCOMPARE(lines.at(2).value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(lines.at(2).value(QStringLiteral("body")).toString(), QStringLiteral("recorded"));

    // Unset: nothing is written.
    QProcess quiet;
    environment.remove(QStringLiteral("FIZYR_RPC_RECORD"));
    quiet.setProcessEnvironment(environment);
    QSignalSpy quietFinished(&quiet, &QProcess::finished);
    quiet.start(toolPath(),
                {QStringLiteral("call"), address, QStringLiteral("1"), QStringLiteral("x")});
    QVERIFY(quietFinished.wait(Timeout));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);
    QCOMPARE(server.stop(), 0);
}

namespace {

// Runs the tool with args and the environment variables of hook set.
Result runWithEnvironment(const QString &program, const QStringList &args,
                          const QList<std::pair<QString, QString>> &variables)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : variables)
        environment.insert(name, value);
    process.setProcessEnvironment(environment);
    QSignalSpy finishedSpy(&process, &QProcess::finished);
    process.start(program, args);
    Result result;
    if (!process.waitForStarted(Timeout))
        return result;
    process.closeWriteChannel();
    if (finishedSpy.isEmpty() && !finishedSpy.wait(Timeout)) {
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

} // namespace

void tst_Record::environmentHookLimits()
{
    // Rotation by message count: 5 messages (a request, 3 updates, the
    // response), 2 per file, 2 files kept: hook.2.jsonl is deleted.
    ToolProcess server;
    QVERIFY(server.start({QStringLiteral("serve"), QStringLiteral("--updates"), QStringLiteral("3"),
                          QStringLiteral("tcp://127.0.0.1:0")}));
    const QString address = server.listeningAddress();
    QVERIFY(!address.isEmpty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("hook.jsonl"));
    const Result rotated = runWithEnvironment(
            toolPath(), {QStringLiteral("call"), address, QStringLiteral("1"), QStringLiteral("r")},
            {{QStringLiteral("FIZYR_RPC_RECORD"), file},
             {QStringLiteral("FIZYR_RPC_RECORD_MAX_MESSAGES"), QStringLiteral("2")},
             {QStringLiteral("FIZYR_RPC_RECORD_MAX_FILES"), QStringLiteral("2")}});
    QCOMPARE(rotated.exitCode, 0);
    const QList<QJsonObject> newest = jsonLines(readFile(file));
    const QList<QJsonObject> older
            = jsonLines(readFile(dir.filePath(QStringLiteral("hook.1.jsonl"))));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("hook.2.jsonl"))));
    QCOMPARE(older.size(), 2); // messages 3 and 4: updates 2 and 3
    QCOMPARE(older.at(0).value(QStringLiteral("body")).toString(), QStringLiteral("update 2 of 3"));
    QCOMPARE(newest.size(), 1); // message 5: the response
    QCOMPARE(newest.at(0).value(QStringLiteral("type")).toString(), QStringLiteral("response"));

    // Rotation by size: every file under the limit, one line at least.
    const QString sized = dir.filePath(QStringLiteral("sized.jsonl"));
    const Result bySize = runWithEnvironment(
            toolPath(), {QStringLiteral("call"), address, QStringLiteral("1"), QStringLiteral("s")},
            {{QStringLiteral("FIZYR_RPC_RECORD"), sized},
             {QStringLiteral("FIZYR_RPC_RECORD_MAX_SIZE"), QStringLiteral("300")},
             {QStringLiteral("FIZYR_RPC_RECORD_MAX_FILES"), QStringLiteral("10")}});
    QCOMPARE(bySize.exitCode, 0);
    int lines = 0;
    for (int i = 0; i < 10; ++i) {
        const QString name = i == 0 ? sized : dir.filePath(QStringLiteral("sized.%1.jsonl").arg(i));
        if (!QFile::exists(name))
            continue;
        const QList<QJsonObject> objects = jsonLines(readFile(name));
        QVERIFY2(QFileInfo(name).size() <= 300 || objects.size() == 1, qPrintable(name));
        lines += int(objects.size());
    }
    QCOMPARE(lines, 5);

    // A queue of no bytes holds one message at a time: the others are
    // dropped, and every message is either written or counted as dropped,
    // in the file and on stderr.
    const QString dropped = dir.filePath(QStringLiteral("dropped.jsonl"));
    const Result small = runWithEnvironment(
            toolPath(), {QStringLiteral("call"), address, QStringLiteral("1"), QStringLiteral("d")},
            {{QStringLiteral("FIZYR_RPC_RECORD"), dropped},
             {QStringLiteral("FIZYR_RPC_RECORD_BUFFER"), QStringLiteral("0")}});
    QCOMPARE(small.exitCode, 0);
    int written = 0;
    qint64 lost = 0;
    for (const QJsonObject &line : jsonLines(readFile(dropped))) {
        if (line.value(QStringLiteral("event")).toString() == QLatin1String("dropped"))
            lost += line.value(QStringLiteral("messages")).toInteger();
        else
            ++written;
    }
    QVERIFY(written >= 1);
    QCOMPARE(written + lost, 5);
    if (lost > 0) {
        QVERIFY2(small.err.contains(QByteArray::number(lost)
                                    + " messages dropped: the recording of"),
                 qPrintable(describe(small)));
    } else {
        QVERIFY2(!small.err.contains("dropped"), qPrintable(describe(small)));
    }
    QCOMPARE(server.stop(), 0);
}

void tst_Record::environmentHookExampleProgram()
{
#if defined(EXAMPLE_TCP_SERVER) && defined(EXAMPLE_TCP_CLIENT)
    // The example programs, unchanged, record with the variable set: the
    // client's file and the server's, the same conversation from both sides.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess server;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("FIZYR_RPC_RECORD"),
                       dir.filePath(QStringLiteral("server-%p.jsonl")));
    server.setProcessEnvironment(environment);
    server.start(QStringLiteral(EXAMPLE_TCP_SERVER), {QStringLiteral("tcp://127.0.0.1:0")});
    QVERIFY(server.waitForStarted(Timeout));
    QDeadlineTimer deadline(Timeout);
    QByteArray serverOut;
    while (!serverOut.contains('\n') && !deadline.hasExpired()
           && server.state() == QProcess::Running) {
        server.waitForReadyRead(100);
        serverOut += server.readAllStandardOutput();
    }
    QVERIFY2(serverOut.startsWith("listening on "), serverOut.constData());
    const QString address = QString::fromUtf8(serverOut.mid(13, serverOut.indexOf('\n') - 13));
    const Result client = runWithEnvironment(
            QStringLiteral(EXAMPLE_TCP_CLIENT), {address},
            {{QStringLiteral("FIZYR_RPC_RECORD"), dir.filePath(QStringLiteral("client.jsonl"))}});
    QCOMPARE(client.exitCode, 0);
    const QList<QJsonObject> sent
            = jsonLines(readFile(dir.filePath(QStringLiteral("client.jsonl"))));
    QVERIFY(sent.size() >= 2);
    // The server runs on: its writer flushes on its own (it is killed by
    // SIGTERM below, without its exit-time flush).
    const QString serverFile
            = dir.filePath(QStringLiteral("server-%1.jsonl").arg(server.processId()));
    QTRY_COMPARE_WITH_TIMEOUT(jsonLines(readFile(serverFile)).size(), sent.size(), Timeout);
    ::kill(pid_t(server.processId()), SIGTERM);
    QVERIFY(server.waitForFinished(Timeout));

    QCOMPARE(sent.at(0).value(QStringLiteral("direction")).toString(), QStringLiteral("sent"));
    QCOMPARE(sent.at(0).value(QStringLiteral("role")).toString(), QStringLiteral("client"));
    QCOMPARE(sent.at(0).value(QStringLiteral("type")).toString(), QStringLiteral("request"));
    QCOMPARE(sent.at(0).value(QStringLiteral("body")).toString(), QStringLiteral("Hello World!"));
    QCOMPARE(sent.last().value(QStringLiteral("direction")).toString(), QStringLiteral("received"));
    QCOMPARE(sent.last().value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    const QList<QJsonObject> received = jsonLines(readFile(serverFile));
    QCOMPARE(received.size(), sent.size());
    QCOMPARE(received.at(0).value(QStringLiteral("direction")).toString(),
             QStringLiteral("received"));
    QCOMPARE(received.at(0).value(QStringLiteral("role")).toString(), QStringLiteral("server"));
    QCOMPARE(received.at(0).value(QStringLiteral("body")).toString(),
             QStringLiteral("Hello World!"));

    // The client's recording loads for a replay: its request is the
    // client's part (sent, by the client role).
    Fizyr::RpcReplayServer replay;
    QVERIFY2(replay.load(dir.filePath(QStringLiteral("client.jsonl"))),
             qPrintable(replay.errorString()));
    QCOMPARE(replay.transactionCount(), 1);
    Fizyr::RpcReplayServer fromServer;
    QVERIFY2(fromServer.load(serverFile), qPrintable(fromServer.errorString()));
    QCOMPARE(fromServer.transactionCount(), 1);
#else
    QSKIP("the examples are not built (FIZYRRPCQT_BUILD_EXAMPLES=OFF)");
#endif
}

void tst_Record::rotation()
{
    const QString file = m_dir.filePath(QStringLiteral("rotated.jsonl"));
    const QString older = m_dir.filePath(QStringLiteral("rotated.1.jsonl"));
    const QString oldest = m_dir.filePath(QStringLiteral("rotated.2.jsonl"));
    QString proxyAddress;
    QByteArray errors;
    // 6 messages, 2 per file, 2 files kept: the first file is deleted.
    QVERIFY(recordThroughProxy(QStringLiteral("tcp"), file, &proxyAddress, &errors,
                               {QStringLiteral("--record-max-messages"), QStringLiteral("2"),
                                QStringLiteral("--record-max-files"), QStringLiteral("2")}));
    QVERIFY2(errors.contains("recorded 6 messages to " + file.toUtf8() + " (3 files, rotated)"),
             errors.constData());
    QVERIFY(!QFile::exists(oldest));
    const QList<QJsonObject> newest = messagesOf(jsonLines(readFile(file)));
    const QList<QJsonObject> previous = messagesOf(jsonLines(readFile(older)));
    QCOMPARE(newest.size(), 2);
    QCOMPARE(previous.size(), 2);
    // Messages 3 and 4 (the first call's response, the second's request),
    // then 5 and 6 (the second call's update and response).
    QCOMPARE(previous.at(0).value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(previous.at(1).value(QStringLiteral("type")).toString(), QStringLiteral("request"));
    QCOMPARE(previous.at(1).value(QStringLiteral("service_id")).toInt(), 7);
    QCOMPARE(newest.at(1).value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(newest.at(1).value(QStringLiteral("service_id")).toInt(), -1);

    // By size: every file stays under the limit (a message per file at
    // least), pcapng files each readable on their own.
    const QString sized = m_dir.filePath(QStringLiteral("sized.pcapng"));
    QVERIFY(recordThroughProxy(QStringLiteral("unix"), sized, &proxyAddress, &errors,
                               {QStringLiteral("--record-max-size"), QStringLiteral("400"),
                                QStringLiteral("--record-max-files"), QStringLiteral("20")}));
    QVERIFY2(errors.contains("recorded 6 messages"), errors.constData());
    QVERIFY2(errors.contains("files, rotated"), errors.constData());
    int decoded = 0;
    for (int i = 0; i < 20; ++i) {
        const QString name
                = i == 0 ? sized : m_dir.filePath(QStringLiteral("sized.%1.pcapng").arg(i));
        if (!QFile::exists(name))
            continue;
        QVERIFY2(QFileInfo(name).size() <= 400, qPrintable(name));
        QString error;
        decoded += int(dissect(name, {}, &error).size());
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QCOMPARE(decoded, 6);
}

void tst_Record::dropsCounted()
{
    // A writer queue of one byte holds no message: every one is dropped,
    // counted and reported, and the proxy keeps forwarding.
    const QString file = m_dir.filePath(QStringLiteral("dropped.jsonl"));
    QString proxyAddress;
    QByteArray errors;
    QVERIFY(recordThroughProxy(QStringLiteral("tcp"), file, &proxyAddress, &errors,
                               {QStringLiteral("--record-buffer"), QStringLiteral("1")}));
    QVERIFY2(errors.contains("warning: recorded 0 messages to " + file.toUtf8()
                             + "; 6 messages dropped: the recording did not keep up"),
             errors.constData());
}

void tst_Record::usageErrors()
{
    const QString target = QStringLiteral("tcp://127.0.0.1:1");
    const QString listen = QStringLiteral("tcp://127.0.0.1:0");
    const QList<std::pair<QStringList, QByteArray>> cases{
            {{QStringLiteral("--record"), m_dir.filePath(QStringLiteral("x.txt"))},
             "the name must end in .pcapng or .jsonl"},
            {{QStringLiteral("--record-max-files"), QStringLiteral("2")}, "needs --record"},
            {{QStringLiteral("--record"), m_dir.filePath(QStringLiteral("x.jsonl")),
              QStringLiteral("--record-max-size"), QStringLiteral("lots")},
             "invalid --record-max-size"},
            {{QStringLiteral("--record"), m_dir.filePath(QStringLiteral("no/such/dir/x.pcapng"))},
             "cannot write the recording"},
    };
    for (const auto &[args, expected] : cases) {
        const Result result = runProgram(toolPath(),
                                         QStringList{QStringLiteral("proxy")} + args
                                                 + QStringList{listen, target});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains(expected), qPrintable(describe(result)));
    }
}

void tst_Record::costTableGenerated()
{
    // The recording-cost table of doc/tool/record.md is the output of
    // scripts/record-cost.py on the figures of the run, never typed.
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    QVERIFY2(!python.isEmpty(), "python3 is needed (scripts/setup.sh installs it)");
    const QString source = QStringLiteral(FIZYR_RPC_SOURCE_DIR);
    const QByteArray page = readFile(source + QStringLiteral("/doc/tool/record.md"));
    const QByteArray start = "<!-- record-cost table start -->\n";
    const qsizetype from = page.indexOf(start);
    const qsizetype to = page.indexOf("<!-- record-cost table end -->");
    QVERIFY(from >= 0 && to > from);
    const QByteArray table = page.mid(from + start.size(), to - from - start.size());
    const Result generated = runProgram(
            python,
            {source + QStringLiteral("/scripts/record-cost.py"), QStringLiteral("table"),
             source + QStringLiteral("/doc/figures/2026-11-27-record-cost.json")});
    QCOMPARE(generated.exitCode, 0);
    QCOMPARE(QString::fromUtf8(table), QString::fromUtf8(generated.out));
}

QTEST_GUILESS_MAIN(tst_Record)
#include "tst_record.moc"

// fizyr-rpc-bench: figures for the library next to a same-run baseline of plain
// blocking POSIX sockets with the same framing and topology. See
// doc/performance.md.
#include "baseline.h"
#include "floor.h"

#include <FizyrRpcQt/RpcConfig>
#if __has_include(<FizyrRpcQt/RpcEpollEventDispatcher>)
#    include <FizyrRpcQt/RpcEpollEventDispatcher>
#    define FIZYRRPCBENCH_EPOLL
#endif
#include <FizyrRpcQt/RpcMessage>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#ifdef FIZYRRPCBENCH_TYPED
#    include "bench.h" // generated from bench.rpc by fizyr_rpc_add_interface()

#    include <FizyrRpcQt/RpcBodyCodec>
#endif

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtEndian>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <sys/resource.h>
#include <unistd.h>

using namespace Fizyr;
using Bench::Transport;

namespace {

constexpr int TimeoutMs = 120000;

QString transportName(Transport t)
{
    switch (t) {
    case Transport::Tcp:
        return QStringLiteral("tcp");
    case Transport::UnixStream:
        return QStringLiteral("unix");
    case Transport::UnixSeqpacket:
        return QStringLiteral("seqpacket");
    }
    return {};
}

RpcAddress::Transport rpcTransport(Transport t)
{
    switch (t) {
    case Transport::Tcp:
        return RpcAddress::Tcp;
    case Transport::UnixStream:
        return RpcAddress::UnixStream;
    case Transport::UnixSeqpacket:
        return RpcAddress::UnixSeqpacket;
    }
    return RpcAddress::Invalid;
}

RpcConfig configFor(RpcAddress::Transport transport, int maxBody)
{
    RpcConfig config = RpcConfig::defaultsFor(transport);
    const quint32 limit = std::max<quint32>(config.maxBodyReadSize(), quint32(maxBody) + 64);
    config.setMaxBodyReadSize(limit);
    config.setMaxBodyWriteSize(limit);
    return config;
}

void raiseFileLimit()
{
    rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// VmRSS of a process in KiB, from /proc/<pid>/status.
qint64 residentKiB(qint64 pid)
{
    QFile file(pid ? QStringLiteral("/proc/%1/status").arg(pid)
                   : QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Ends the benchmark with what as the error (exit code 1). Never from a
// slot: exceptions must not pass through Qt's event loop; slots record the
// error and quit their loop instead (Client::fault()).
[[noreturn]] void fail(const QString &what)
{
    throw std::runtime_error(what.toStdString());
}

// A problem the benchmark survives (an error the connection survived).
void warn(const QString &what)
{
    std::fprintf(stderr, "fizyr-rpc-bench: warning: %s\n", qPrintable(what));
    std::fflush(stderr);
}

// ---------------------------------------------------------------- server side

// Our server side: service 1 echoes, service 2 answers with N responder updates
// (N = first 4 body bytes, little endian; update body = the rest of the body's
// size), service 3 returns the number of stream messages received since the
// last call (u64 little endian). Lives in its own thread.
class ServerSide : public QObject
{
    Q_OBJECT
public:
    explicit ServerSide(const RpcConfig &config, bool echoStreams = false, bool typed = false)
        : m_config(config), m_echoStreams(echoStreams), m_typed(typed)
    { }

    Q_INVOKABLE QString listen(const QString &address)
    {
        m_server = new RpcServer(this);
        m_server->setConfig(m_config);
#ifdef FIZYRRPCBENCH_TYPED
        if (m_typed) {
            // The generated server of bench.rpc: `echo` decodes the request
            // into a Sample and responds with it (encoded again).
            auto *typed = new BenchServer(m_server, m_server);
            connect(typed, &BenchServer::echoRequested, typed,
                    [](BenchEchoRequest *request) { request->respond(request->body()); });
        } else
#endif
        {
            connect(m_server, &RpcServer::newConnection, this, &ServerSide::takeConnections);
        }
        if (!m_server->listen(address))
            return QString();
        return m_server->serverAddress().toString();
    }

    Q_INVOKABLE void shutdown()
    {
        delete m_server;
        m_server = nullptr;
    }

private:
    void takeConnections()
    {
        while (RpcPeer *peer = m_server->nextPendingConnection()) {
            peer->setParent(this);
            peer->setAutoDeleteRequests(true);
            auto streams = std::make_shared<quint64>(0);
            connect(peer, &RpcPeer::streamReceived, peer,
                    [this, peer, streams](const RpcMessage &message) {
                        ++*streams;
                        if (m_echoStreams)
                            peer->sendStream(message.serviceId(), message.body());
                    });
            connect(peer, &RpcPeer::requestReceived, peer, [streams](RpcRequest *request) {
                switch (request->serviceId()) {
                case 1:
                    request->sendResponse(0, request->body());
                    break;
                case 2: {
                    const QByteArray body = request->body();
                    const quint32 n
                            = body.size() >= 4 ? qFromLittleEndian<quint32>(body.constData()) : 0;
                    const QByteArray update(body.size() - 4, 'u');
                    for (quint32 i = 0; i < n; ++i)
                        request->sendUpdate(1, update);
                    request->sendResponse(0);
                    break;
                }
                case 3: {
                    QByteArray count(8, Qt::Uninitialized);
                    qToLittleEndian<quint64>(*streams, count.data());
                    *streams = 0;
                    request->sendResponse(0, count);
                    break;
                }
                default:
                    request->sendErrorResponse(QStringLiteral("unknown service"));
                }
            });
            connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
        }
    }

    RpcConfig m_config;
    bool m_echoStreams = false;
    bool m_typed = false;
    RpcServer *m_server = nullptr;
};

// Runs a ServerSide in its own thread for the lifetime of the object.
class ServerThread
{
public:
    ServerThread(const QString &address, const RpcConfig &config, bool typed = false)
    {
        m_side = new ServerSide(config, false, typed);
        m_side->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_side, &QObject::deleteLater);
        m_thread.start();
        QMetaObject::invokeMethod(m_side, "listen", Qt::BlockingQueuedConnection,
                                  Q_RETURN_ARG(QString, m_address), Q_ARG(QString, address));
        if (m_address.isEmpty()) {
            stop();
            fail(QStringLiteral("cannot listen on %1").arg(address));
        }
    }
    ~ServerThread() { stop(); }
    QString address() const { return m_address; }

private:
    void stop()
    {
        if (!m_thread.isRunning())
            return;
        QMetaObject::invokeMethod(m_side, "shutdown", Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    QThread m_thread;
    ServerSide *m_side = nullptr;
    QString m_address;
};

// ---------------------------------------------------------------- client side

// Runs the event loop until `done` is set or the peer fails.
class Client
{
public:
    Client(const QString &address, int maxBody)
    {
        const RpcAddress parsed = RpcAddress::fromString(address);
        peer.setConfig(configFor(parsed.transport(), maxBody));
        peer.setAutoDeleteRequests(true);
        peer.connectToServer(address);
        if (!peer.waitForConnected(TimeoutMs))
            fail(QStringLiteral("cannot connect to %1: %2").arg(address, peer.errorString()));
        QObject::connect(&peer, &RpcPeer::errorOccurred, &loop, [this] {
            // The library's contract: in this slot, state() tells whether the
            // connection survived the error.
            if (peer.state() == RpcPeer::ConnectedState)
                warn(peer.errorString());
            else
                fault(peer.errorString());
        });
    }

    // Ends run() with an error. For the slots: they must not throw (an
    // exception must not pass through Qt's event loop); run() throws later.
    void fault(const QString &text)
    {
        if (error.isEmpty())
            error = text;
        loop.quit();
    }

    void run()
    {
        QTimer::singleShot(TimeoutMs, &loop, [this] {
            error = QStringLiteral("timed out");
            loop.quit();
        });
        if (!done)
            loop.exec();
        if (!error.isEmpty())
            fail(error);
    }

    void finish()
    {
        done = true;
        loop.quit();
    }

    // Sends a request; `onResponse` runs with the response on success.
    void request(qint32 service, const QByteArray &body,
                 std::function<void(const RpcMessage &)> onResponse)
    {
        RpcRequest *r = peer.sendRequest(service, body);
        QObject::connect(r, &RpcRequest::finished, &loop, [this, r, onResponse] {
            if (r->error() != RpcError::NoError)
                return fault(r->errorString());
            if (error.isEmpty())
                onResponse(r->response());
        });
    }

    RpcPeer peer;
    QEventLoop loop;
    QString error;
    bool done = false;
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return -1; // a side not measured (--only)
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    return v[i];
}

double mean(const std::vector<double> &v)
{
    if (v.empty())
        return -1;
    return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

std::vector<double> oursRtt(const QString &address, const QByteArray &body, int count)
{
    const int size = int(body.size());
    Client c(address, size);
    std::vector<double> rtts;
    rtts.reserve(size_t(count));
    QElapsedTimer timer;
    std::function<void()> next = [&] {
        timer.start();
        c.request(1, body, [&](const RpcMessage &response) {
            rtts.push_back(double(timer.nsecsElapsed()) / 1000.0);
            if (response.body().size() != size) {
                return c.fault(QStringLiteral("echo size mismatch: sent %1 bytes, got %2 back")
                                       .arg(size)
                                       .arg(response.body().size()));
            }
            if (int(rtts.size()) == count)
                c.finish();
            else
                next();
        });
    };
    next();
    c.run();
    return rtts;
}

std::vector<double> oursRtt(const QString &address, int size, int count)
{
    return oursRtt(address, QByteArray(size, 'r'), count);
}

double oursPipelined(const QString &address, const QByteArray &body, int count, int inFlight)
{
    Client c(address, int(body.size()));
    int sent = 0;
    int received = 0;
    QElapsedTimer timer;
    std::function<void()> send = [&] {
        ++sent;
        c.request(1, body, [&](const RpcMessage &) {
            if (++received == count)
                c.finish();
            else if (sent < count)
                send();
        });
    };
    timer.start();
    while (sent < std::min(inFlight, count))
        send();
    c.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

double oursPipelined(const QString &address, int size, int count, int inFlight)
{
    return oursPipelined(address, QByteArray(size, 'p'), count, inFlight);
}

double oursStream(const QString &address, int size, int count, bool withFds)
{
    Client c(address, size);
    const QByteArray body(size, 's');
    QList<RpcFileDescriptor> fds;
    if (withFds)
        fds.append(RpcFileDescriptor(0));
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        if (!c.peer.sendStream(1, body, fds))
            fail(QStringLiteral("sendStream failed: %1").arg(c.peer.errorString()));
    }
    c.request(3, {}, [&](const RpcMessage &response) {
        if (response.body().size() != 8
            || qFromLittleEndian<quint64>(response.body().constData()) != quint64(count)) {
            return c.fault(QStringLiteral("stream count mismatch"));
        }
        c.finish();
    });
    c.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

double oursUpdates(const QString &address, int size, int count, int updates)
{
    Client c(address, size);
    QByteArray body(4 + size, 'n');
    qToLittleEndian<quint32>(quint32(updates), body.data());
    int done = 0;
    QElapsedTimer timer;
    std::function<void()> next = [&] {
        RpcRequest *r = c.peer.sendRequest(2, body);
        auto received = std::make_shared<int>(0);
        QObject::connect(r, &RpcRequest::updateReceived, &c.loop,
                         [received](const RpcMessage &) { ++*received; });
        QObject::connect(r, &RpcRequest::finished, &c.loop, [&, r, received] {
            if (r->error() != RpcError::NoError || *received != updates) {
                c.fault(QStringLiteral("updates: %1 of %2, %3")
                                .arg(*received)
                                .arg(updates)
                                .arg(r->errorString()));
            } else if (++done == count) {
                c.finish();
            } else {
                next();
            }
        });
    };
    timer.start();
    next();
    c.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

#ifdef FIZYRRPCBENCH_TYPED
// ---------------------------------------------------------------- typed scenarios

// The small struct of typed-rtt and typed-pipelined: 64 bytes as JSON.
Sample benchSample()
{
    Sample s;
    s.id = 12345;
    s.name = QStringLiteral("fizyr-bench");
    s.x = 1.5;
    s.y = -2.25;
    s.valid = true;
    return s;
}

// The bytes a typed client sends for value (the untyped side sends the same).
QByteArray encodeTyped(const RpcTypeSchema &type, const QVariant &value,
                       RpcBodyCodec::Format format)
{
    QByteArray body;
    QString error;
    if (!RpcBodyCodec::encode(type, value, format, &body, &error))
        fail(QStringLiteral("encode failed: %1").arg(error));
    return body;
}

QByteArray sampleBody()
{
    return encodeTyped(BenchClient::rpcInterface().service(QStringLiteral("echo")).requestType(),
                       benchSample().toVariant(), RpcBodyCodec::Json);
}

// typed-rtt: one BenchClient::echo() call at a time. The client's peer deletes
// its requests automatically (as the untyped side's), so each call is deleted
// with its request after finished(), as the generated client documents.
std::vector<double> typedRtt(const QString &address, int count)
{
    const Sample sample = benchSample();
    Client c(address, int(sampleBody().size()));
    BenchClient client(&c.peer);
    std::vector<double> rtts;
    rtts.reserve(size_t(count));
    QElapsedTimer timer;
    std::function<void()> next = [&] {
        timer.start();
        BenchEchoCall *call = client.echo(sample);
        QObject::connect(call, &BenchEchoCall::finished, &c.loop, [&, call] {
            rtts.push_back(double(timer.nsecsElapsed()) / 1000.0);
            if (call->error() != RpcError::NoError)
                return c.fault(call->errorString());
            if (!(call->response() == sample))
                return c.fault(QStringLiteral("typed echo: the response differs from the request"));
            if (int(rtts.size()) == count)
                c.finish();
            else
                next();
        });
    };
    next();
    c.run();
    return rtts;
}

// typed-pipelined: K BenchClient::echo() calls in flight (deleted with their
// requests, as in typed-rtt).
double typedPipelined(const QString &address, int count, int inFlight)
{
    const Sample sample = benchSample();
    Client c(address, int(sampleBody().size()));
    BenchClient client(&c.peer);
    int sent = 0;
    int received = 0;
    QElapsedTimer timer;
    std::function<void()> send = [&] {
        ++sent;
        BenchEchoCall *call = client.echo(sample);
        QObject::connect(call, &BenchEchoCall::finished, &c.loop, [&, call] {
            if (call->error() != RpcError::NoError)
                return c.fault(call->errorString());
            if (call->response().id != sample.id)
                return c.fault(QStringLiteral("typed echo: wrong id in the response"));
            if (++received == count)
                c.finish();
            else if (sent < count)
                send();
        });
    };
    timer.start();
    while (sent < std::min(inFlight, count))
        send();
    c.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

// The struct-heavy body of the codec scenario: a scene of `objects` detections.
Scene benchScene(int objects)
{
    Scene scene;
    scene.frame = 1234567;
    scene.camera = QStringLiteral("camera-left");
    scene.objects.reserve(objects);
    for (int i = 0; i < objects; ++i) {
        Detection d;
        d.id = quint32(i);
        d.label = QStringLiteral("box-%1").arg(i);
        // Binary fractions: they survive serde_json's float parsing (which,
        // like the codec, is not correctly rounded) bit for bit.
        d.score = 0.5 + (i % 50) / 128.0;
        d.pose.position = Vec3{0.125 * i, -0.0625 * i, 1.0 + i / 1024.0};
        d.pose.rotation = Quaternion{0.875, 0.0, -0.375, (i % 7) / 16.0};
        d.size = Vec3{0.25, 0.375, 0.1875};
        d.tags = {QStringLiteral("pickable"),
                  i % 3 ? QStringLiteral("upright") : QStringLiteral("tilted")};
        d.visible = i % 5 != 0;
        if (i > 0 && i % 4 == 0)
            d.parent = quint32(i - 1);
        scene.objects.append(d);
    }
    return scene;
}

struct CodecFigure
{
    QString figure;
    double ours; // MB/s
    double base; // MB/s
};

volatile qsizetype g_keep = 0;

// Runs op repeatedly for about `seconds` (at least 3 times); MB/s of `bytes` per run.
double throughput(qsizetype bytes, double seconds, const std::function<qsizetype()> &op)
{
    QElapsedTimer timer;
    timer.start();
    qint64 runs = 0;
    qsizetype sink = 0;
    do {
        sink += op();
        ++runs;
    } while (runs < 3 || double(timer.nsecsElapsed()) / 1e9 < seconds);
    const double elapsed = double(timer.nsecsElapsed()) / 1e9;
    g_keep = sink; // the results are used: the work cannot be optimised away
    return double(bytes) * double(runs) / 1e6 / elapsed;
}

// codec: encode and decode of the Scene body through the generated types
// (toBody() / fromBody(): JSON member by member with RpcJsonWriter /
// RpcJsonReader, CBOR through toVariant() and RpcBodyCodec) and through
// RpcBodyCodec alone (QVariant, the -variant rows), against QJsonDocument / QCborValue
// handling the equivalent QJsonObject / QCborMap. MB/s of our body's size on
// both sides, so the ratio is the ratio of the times.
QList<CodecFigure> codecFigures(int objects, double seconds, bool oursFirst, qsizetype *size)
{
    const RpcTypeSchema type = benchInterfaceFile().typeSchema(QStringLiteral("Scene"));
    if (!type.isValid())
        fail(QStringLiteral("codec: no type Scene in bench.rpc"));
    const Scene scene = benchScene(objects);
    const QVariant variant = scene.toVariant();
    const QByteArray json = encodeTyped(type, variant, RpcBodyCodec::Json);
    const QByteArray cbor = encodeTyped(type, variant, RpcBodyCodec::Cbor);
    *size = json.size();

    // The equivalent documents, checked to hold the same values.
    QJsonParseError parseError;
    const QJsonObject jsonObject = QJsonDocument::fromJson(json, &parseError).object();
    if (parseError.error != QJsonParseError::NoError
        || jsonObject.value(QStringLiteral("objects")).toArray().size() != objects)
        fail(QStringLiteral("codec: QJsonDocument does not read our JSON: %1")
                     .arg(parseError.errorString()));
    const QCborValue cborValue = QCborValue::fromCbor(cbor);
    if (cborValue.toMap().value(QStringLiteral("objects")).toArray().size() != objects)
        fail(QStringLiteral("codec: QCborValue does not read our CBOR"));
    {
        QVariant decoded;
        QString error;
        if (!RpcBodyCodec::decode(type, json, RpcBodyCodec::Json, &decoded, &error)
            || !(Scene::fromVariant(decoded) == scene))
            fail(QStringLiteral("codec: JSON round trip failed: %1").arg(error));
        // The generated per-type codec writes the same bytes and reads them back.
        Scene typed;
        if (scene.toBody(RpcBodyCodec::Json) != json
            || !Scene::fromBody(json, &typed, RpcBodyCodec::Json, &error) || !(typed == scene))
            fail(QStringLiteral("codec: generated JSON codec differs: %1").arg(error));
        if (!RpcBodyCodec::decode(type, cbor, RpcBodyCodec::Cbor, &decoded, &error)
            || !(Scene::fromVariant(decoded) == scene))
            fail(QStringLiteral("codec: CBOR round trip failed: %1").arg(error));
    }

    auto encodeTypedOp = [&](RpcBodyCodec::Format format) {
        return [&, format]() -> qsizetype {
            return scene.toBody(format).size();
        };
    };
    auto encodeVariantOp = [&](RpcBodyCodec::Format format) {
        return [&, format]() -> qsizetype {
            QByteArray body;
            RpcBodyCodec::encode(type, variant, format, &body);
            return body.size();
        };
    };
    auto decodeTypedOp = [&](const QByteArray &body, RpcBodyCodec::Format format) {
        return [&, format]() -> qsizetype {
            Scene value;
            if (!Scene::fromBody(body, &value, format))
                return 0;
            return value.objects.size();
        };
    };
    auto decodeVariantOp = [&](const QByteArray &body, RpcBodyCodec::Format format) {
        return [&, format]() -> qsizetype {
            QVariant value;
            RpcBodyCodec::decode(type, body, format, &value);
            return value.isValid() ? 1 : 0;
        };
    };
    const auto jsonEncodeBase = [&]() -> qsizetype {
        return QJsonDocument(jsonObject).toJson(QJsonDocument::Compact).size();
    };
    const auto jsonDecodeBase = [&]() -> qsizetype {
        return QJsonDocument::fromJson(json).object().size();
    };
    const auto cborEncodeBase = [&]() -> qsizetype {
        return cborValue.toCbor().size();
    };
    const auto cborDecodeBase = [&]() -> qsizetype {
        return QCborValue::fromCbor(cbor).toMap().size();
    };

    QList<CodecFigure> figures;
    auto measure
            = [&](const QString &figure, qsizetype bytes, const std::function<qsizetype()> &ours,
                  const std::function<qsizetype()> &base) {
                  double o = 0;
                  double b = 0;
                  if (oursFirst) {
                      o = throughput(bytes, seconds, ours);
                      b = throughput(bytes, seconds, base);
                  } else {
                      b = throughput(bytes, seconds, base);
                      o = throughput(bytes, seconds, ours);
                  }
                  figures.append({figure, o, b});
              };
    measure(QStringLiteral("json-encode"), json.size(), encodeTypedOp(RpcBodyCodec::Json),
            jsonEncodeBase);
    measure(QStringLiteral("json-decode"), json.size(), decodeTypedOp(json, RpcBodyCodec::Json),
            jsonDecodeBase);
    measure(QStringLiteral("cbor-encode"), cbor.size(), encodeTypedOp(RpcBodyCodec::Cbor),
            cborEncodeBase);
    measure(QStringLiteral("cbor-decode"), cbor.size(), decodeTypedOp(cbor, RpcBodyCodec::Cbor),
            cborDecodeBase);
    measure(QStringLiteral("json-encode-variant"), json.size(), encodeVariantOp(RpcBodyCodec::Json),
            jsonEncodeBase);
    measure(QStringLiteral("json-decode-variant"), json.size(),
            decodeVariantOp(json, RpcBodyCodec::Json), jsonDecodeBase);
    measure(QStringLiteral("cbor-encode-variant"), cbor.size(), encodeVariantOp(RpcBodyCodec::Cbor),
            cborEncodeBase);
    measure(QStringLiteral("cbor-decode-variant"), cbor.size(),
            decodeVariantOp(cbor, RpcBodyCodec::Cbor), cborDecodeBase);
    return figures;
}
#endif // FIZYRRPCBENCH_TYPED

// --event-dispatcher's arguments, for the --serve children (defined before main()).
QStringList eventDispatcherArguments();

// Our server side (`--serve ADDRESS`) in a child process, killed when this
// object goes away.
class ServeChild
{
public:
    explicit ServeChild(const QString &address)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QCoreApplication::applicationFilePath(),
                        QStringList{QStringLiteral("--serve"), address}
                                + eventDispatcherArguments());
        if (!m_process.waitForStarted(TimeoutMs) || !m_process.waitForReadyRead(TimeoutMs))
            fail(QStringLiteral("server process did not start"));
        m_address = QString::fromUtf8(m_process.readLine()).trimmed().section(QLatin1Char(' '), 1);
    }
    ~ServeChild()
    {
        // SIGTERM first: a child under valgrind then still writes its
        // callgrind counts (scripts/callgrind-count.py); SIGKILL if it hangs.
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(TimeoutMs);
        }
    }
    QString address() const { return m_address; }
    qint64 pid() const { return m_process.processId(); }

private:
    QProcess m_process;
    QString m_address;
};

struct ConnectionsResult
{
    double seconds = 0;
    double kibPerPeer = 0;
};

// C peers against one server in a child process (so its memory is its own),
// each with 10 requests in flight.
ConnectionsResult oursConnections(const QString &address, int peers, int perPeer)
{
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QCoreApplication::applicationFilePath(),
                 QStringList{QStringLiteral("--serve"), address} + eventDispatcherArguments());
    if (!server.waitForStarted(TimeoutMs) || !server.waitForReadyRead(TimeoutMs))
        fail(QStringLiteral("server process did not start"));
    const QString actual
            = QString::fromUtf8(server.readLine()).trimmed().section(QLatin1Char(' '), 1);
    auto cleanup = qScopeGuard([&] {
        server.kill();
        server.waitForFinished(TimeoutMs);
    });
    const qint64 before = residentKiB(server.processId());

    QEventLoop loop;
    QString error;
    std::vector<std::unique_ptr<RpcPeer>> clients;
    int connectedCount = 0;
    int finishedPeers = 0;
    const QByteArray body(64, 'c');
    QElapsedTimer timer;
    auto fault = [&](const QString &text) {
        if (error.isEmpty())
            error = text;
        loop.quit();
    };
    std::function<void(RpcPeer *, std::shared_ptr<int>)> send
            = [&](RpcPeer *peer, std::shared_ptr<int> left) {
                  RpcRequest *r = peer->sendRequest(1, body);
                  QObject::connect(r, &RpcRequest::finished, &loop, [&, r, peer, left] {
                      if (r->error() != RpcError::NoError)
                          return fault(r->errorString());
                      if (--*left >= 10)
                          send(peer, left);
                      else if (*left == 0 && ++finishedPeers == peers)
                          loop.quit();
                  });
              };
    auto start = [&] {
        timer.start();
        for (auto &p : clients) {
            auto left = std::make_shared<int>(perPeer);
            for (int i = 0; i < std::min(10, perPeer); ++i)
                send(p.get(), left);
        }
    };
    for (int i = 0; i < peers; ++i) {
        auto peer = std::make_unique<RpcPeer>();
        peer->setAutoDeleteRequests(true);
        QObject::connect(peer.get(), &RpcPeer::errorOccurred, &loop, [&, p = peer.get()] {
            // state() tells whether the connection survived the error.
            if (p->state() == RpcPeer::ConnectedState)
                warn(QStringLiteral("peer: %1").arg(p->errorString()));
            else
                fault(QStringLiteral("peer: %1").arg(p->errorString()));
        });
        QObject::connect(peer.get(), &RpcPeer::connected, &loop, [&] {
            if (++connectedCount == peers)
                start();
        });
        peer->connectToServer(actual);
        clients.push_back(std::move(peer));
    }
    QTimer::singleShot(TimeoutMs, &loop, [&] { fault(QStringLiteral("timed out")); });
    loop.exec();
    if (!error.isEmpty())
        fail(QStringLiteral("connections: %1 (%2 of %3 connected)")
                     .arg(error)
                     .arg(connectedCount)
                     .arg(peers));
    ConnectionsResult result;
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    // Let the server settle with every peer connected and idle.
    QThread::msleep(200);
    const qint64 after = residentKiB(server.processId());
    result.kibPerPeer = double(after - before) / double(peers);
    return result;
}

// ---------------------------------------------------------------- idle peers

struct IdleLevel
{
    int peers = 0;
    double kibPerPeer = 0; // server VmRSS growth per idle peer
    double rate = 0; // requests/s of the active peers
    double serverCpuUs = 0; // server CPU (user + sys) per request of the active peers
};

// The idle scenario: our server in a child process (its memory its own), a
// few active RpcPeers of this process, and raw idle peers (one echo request
// each, then silent) added level by level. At each level: the server's VmRSS
// growth per idle peer since before the first, and the active peers'
// pipelined throughput and the server's CPU per request among the idle ones.
QList<IdleLevel> oursIdle(const QString &listenAddress, const QList<int> &levels, int count)
{
    constexpr int Active = 4;
    constexpr int InFlight = 8;
    ServeChild server(listenAddress);
    const RpcAddress address = RpcAddress::fromString(server.address());
    Bench::IdlePeers idle(address.transport() == RpcAddress::Tcp ? Transport::Tcp
                                  : address.transport() == RpcAddress::UnixStream
                                  ? Transport::UnixStream
                                  : Transport::UnixSeqpacket,
                          address.transport() == RpcAddress::Tcp ? address.host() : address.path(),
                          address.port());
    QEventLoop loop;
    QString error;
    auto fault = [&](const QString &text) {
        if (error.isEmpty())
            error = text;
        loop.quit();
    };
    std::vector<std::unique_ptr<RpcPeer>> active;
    for (int i = 0; i < Active; ++i) {
        auto peer = std::make_unique<RpcPeer>();
        peer->setAutoDeleteRequests(true);
        peer->connectToServer(server.address());
        if (!peer->waitForConnected(TimeoutMs))
            fail(QStringLiteral("idle: cannot connect: %1").arg(peer->errorString()));
        QObject::connect(peer.get(), &RpcPeer::errorOccurred, &loop, [&, p = peer.get()] {
            if (p->state() == RpcPeer::ConnectedState)
                warn(QStringLiteral("peer: %1").arg(p->errorString()));
            else
                fault(QStringLiteral("peer: %1").arg(p->errorString()));
        });
        active.push_back(std::move(peer));
    }
    const QByteArray body(64, 'i');
    // count requests spread over the active peers, InFlight in flight on each.
    auto traffic = [&](int requests) {
        int sent = 0;
        int received = 0;
        std::function<void(RpcPeer *)> send = [&](RpcPeer *peer) {
            ++sent;
            RpcRequest *r = peer->sendRequest(1, body);
            QObject::connect(r, &RpcRequest::finished, &loop, [&, r, peer] {
                if (r->error() != RpcError::NoError)
                    return fault(r->errorString());
                if (++received == requests)
                    loop.quit();
                else if (sent < requests)
                    send(peer);
            });
        };
        for (int k = 0; k < InFlight; ++k)
            for (auto &p : active)
                if (sent < requests)
                    send(p.get());
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &loop,
                         [&] { fault(QStringLiteral("timed out")); });
        timeout.start(TimeoutMs);
        if (received < requests)
            loop.exec();
        if (!error.isEmpty())
            fail(QStringLiteral("idle: %1 (%2 idle peers)").arg(error).arg(idle.size()));
    };
    traffic(Active * InFlight * 4); // warm-up: every active peer's buffers exist
    const qint64 before = residentKiB(server.pid());
    QList<IdleLevel> result;
    for (int peers : levels) {
        idle.growTo(peers);
        IdleLevel level;
        level.peers = peers;
        level.kibPerPeer = double(residentKiB(server.pid()) - before) / double(peers);
        const double cpuBefore = Bench::cpuSeconds(server.pid());
        QElapsedTimer timer;
        timer.start();
        traffic(count);
        level.rate = count / (double(timer.nsecsElapsed()) / 1e9);
        level.serverCpuUs = (Bench::cpuSeconds(server.pid()) - cpuBefore) * 1e6 / count;
        result.append(level);
    }
    return result;
}

// ---------------------------------------------------------------- reporting

struct Row
{
    QString scenario;
    QString transport;
    qint64 size;
    QString figure;
    QString unit;
    double value;
    double baseline; // < 0: none
};

// The rows of one level of an idle scenario (ours or the floor's).
template<typename Level>
void appendIdleRows(QList<Row> &result, const QString &scenario, const QString &transport,
                    const Level &l)
{
    const QString at = QStringLiteral("@%1").arg(l.peers);
    result.append({scenario, transport, 64, QStringLiteral("memory") + at,
                   QStringLiteral("KiB/peer"), l.kibPerPeer, -1});
    result.append({scenario, transport, 64, QStringLiteral("rate") + at, QStringLiteral("req/s"),
                   l.rate, -1});
    result.append({scenario, transport, 64, QStringLiteral("server-cpu") + at,
                   QStringLiteral("us/req"), l.serverCpuUs, -1});
}

struct Options
{
    QStringList scenarios;
    QList<Transport> transports;
    int size = 64;
    int count = 20000;
    int inFlight = 32;
    int updates = 1000;
    int connections = 1000;
    int runs = 1;
    bool quick = false;
    QString only; // "ours" or "baseline": measure only that column (callgrind-count.py)
    QList<int> idlePeers{100, 1000, 10000};
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// ---------------------------------------------------------------- TLS
//
// tls-rtt, tls-pipelined, tls-bulk and tls-connections: our library over
// tls:// (the "ours" column) next to our library over plain tcp:// (the
// "baseline" column) in the same run, so the ratio column is TLS / TCP. A
// self-signed certificate for 127.0.0.1, made with the openssl command,
// becomes Qt's default TLS configuration of this process (the servers'
// certificate, the clients' trusted CA) and of the --serve child of
// tls-connections (FIZYRRPCBENCH_TLS_DIR).

constexpr char TlsDirVariable[] = "FIZYRRPCBENCH_TLS_DIR";

// Loads the certificate and key from dir into Qt's default TLS configuration.
bool loadTlsDefaults(const QString &dir)
{
    const QList<QSslCertificate> certs
            = QSslCertificate::fromPath(dir + QStringLiteral("/cert.pem"));
    QFile keyFile(dir + QStringLiteral("/key.pem"));
    if (certs.isEmpty() || !keyFile.open(QIODevice::ReadOnly))
        return false;
    const QSslKey key(&keyFile, QSsl::Ec);
    if (key.isNull())
        return false;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(certs.first());
    config.setPrivateKey(key);
    config.setCaCertificates(certs);
    QSslConfiguration::setDefaultConfiguration(config);
    return true;
}

// In the --serve child: the parent's certificate, if it runs TLS scenarios.
void loadTlsDefaultsFromEnvironment()
{
    if (qEnvironmentVariableIsSet(TlsDirVariable))
        loadTlsDefaults(qEnvironmentVariable(TlsDirVariable));
}

void setUpTls(const QString &dir)
{
    static bool done = false;
    if (done)
        return;
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), dir + QStringLiteral("/key.pem"),
                   QStringLiteral("-out"), dir + QStringLiteral("/cert.pem"),
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1")});
    if (!openssl.waitForFinished(TimeoutMs) || openssl.exitCode() != 0)
        fail(QStringLiteral("tls scenarios: the openssl command failed: %1")
                     .arg(QString::fromLocal8Bit(openssl.readAllStandardError())));
    if (!loadTlsDefaults(dir))
        fail(QStringLiteral("tls scenarios: cannot load the certificate made by openssl"));
    qputenv(TlsDirVariable, QFile::encodeName(dir));
    done = true;
}

QList<Row> runTlsScenario(const Options &o, const QString &dir, const QString &scenario,
                          bool tlsFirst)
{
    setUpTls(dir);
    const QString name = scenario.mid(4); // after "tls-"
    const QString tn = QStringLiteral("tls/tcp");
    const auto measure = [&](const std::function<double(const QString &)> &one) {
        // Both servers first: TLS handshakes are part of connecting, not of the figure.
        if (tlsFirst) {
            const double tls = one(QStringLiteral("tls://127.0.0.1:0"));
            return std::make_pair(tls, one(QStringLiteral("tcp://127.0.0.1:0")));
        }
        const double tcp = one(QStringLiteral("tcp://127.0.0.1:0"));
        return std::make_pair(one(QStringLiteral("tls://127.0.0.1:0")), tcp);
    };
    if (name == QLatin1String("connections")) {
        // Connecting included: every peer does its TCP and TLS handshakes in the timed part.
        const int perPeer = o.quick ? 10 : 100;
        const auto [tls, tcp] = measure([&](const QString &address) {
            const ConnectionsResult r = oursConnections(address, o.connections, perPeer);
            return double(o.connections) * perPeer / r.seconds;
        });
        return {{scenario, tn, 64, QStringLiteral("throughput"), QStringLiteral("req/s"), tls,
                 tcp}};
    }
    int size = o.size;
    int count = o.count;
    if (name == QLatin1String("bulk")) {
        size = 1024 * 1024;
        count = std::max(2, count / 200);
    } else if (name == QLatin1String("rtt")) {
        count = std::max(10, count / 4);
    } else if (name != QLatin1String("pipelined")) {
        fail(QStringLiteral("unknown scenario %1").arg(scenario));
    }
    if (o.quick)
        count = std::max(2, std::min(count, 20));
    const auto run = [&](const QString &listen, const std::function<double(const QString &)> &f) {
        const RpcAddress parsed = RpcAddress::fromString(listen);
        ServerThread server(listen, configFor(parsed.transport(), size));
        return f(server.address());
    };
    if (name == QLatin1String("pipelined")) {
        const auto [tls, tcp] = measure([&](const QString &listen) {
            return run(listen, [&](const QString &address) {
                return count / oursPipelined(address, size, count, o.inFlight);
            });
        });
        return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("req/s"), tls, tcp}};
    }
    std::vector<double> tlsRtts;
    std::vector<double> tcpRtts;
    measure([&](const QString &listen) {
        return run(listen, [&](const QString &address) {
            (address.startsWith(QLatin1String("tls")) ? tlsRtts : tcpRtts)
                    = oursRtt(address, size, count);
            return 0.0;
        });
    });
    if (name == QLatin1String("bulk")) {
        const double mb = 2.0 * double(size) * count / 1e6;
        const auto rate = [mb](const std::vector<double> &v) {
            return mb / (std::accumulate(v.begin(), v.end(), 0.0) / 1e6);
        };
        return {{scenario, tn, size, QStringLiteral("throughput"), QStringLiteral("MB/s"),
                 rate(tlsRtts), rate(tcpRtts)}};
    }
    const QString us = QStringLiteral("us");
    return {{scenario, tn, size, QStringLiteral("p50"), us, percentile(tlsRtts, 0.5),
             percentile(tcpRtts, 0.5)},
            {scenario, tn, size, QStringLiteral("p99"), us, percentile(tlsRtts, 0.99),
             percentile(tcpRtts, 0.99)},
            {scenario, tn, size, QStringLiteral("mean"), us, mean(tlsRtts), mean(tcpRtts)}};
}

class Bencher
{
public:
    Bencher(const Options &options, const QString &dir) : o(options), m_dir(dir) { }

    QList<Row> rows;

    void runAll()
    {
        for (const QString &scenario : o.scenarios) {
            for (Transport t : o.transports) {
                if (scenario == QLatin1String("fds") && t != Transport::UnixSeqpacket)
                    continue;
                // codec does not use a transport: run once.
                if (scenario == QLatin1String("codec") && t != o.transports.constFirst())
                    continue;
                if (scenario.startsWith(QLatin1String("tls-")) && t != o.transports.constFirst())
                    continue; // tls/tcp: run once
                std::map<QString, std::pair<std::vector<double>, std::vector<double>>> figures;
                QList<Row> shape;
                for (int run = 0; run < o.runs; ++run) {
                    const QList<Row> one = runOne(scenario, t, run % 2 == 1);
                    for (const Row &r : one) {
                        figures[r.figure].first.push_back(r.value);
                        figures[r.figure].second.push_back(r.baseline);
                    }
                    shape = one;
                }
                for (Row r : shape) {
                    r.value = median(figures[r.figure].first);
                    r.baseline = median(figures[r.figure].second);
                    rows.append(r);
                    print(r);
                }
            }
        }
    }

    static void printHeader()
    {
        std::printf("%-16s %-10s %9s %-20s %14s %14s %8s\n", "scenario", "transport", "size",
                    "figure", "ours", "baseline", "ratio");
        std::fflush(stdout);
    }

    static void print(const Row &r)
    {
        const QString unit = QStringLiteral("%1 %2");
        std::printf("%-16s %-10s %9lld %-20s %14s %14s %8s\n", qPrintable(r.scenario),
                    qPrintable(r.transport), r.size, qPrintable(r.figure),
                    qPrintable(unit.arg(r.value, 0, 'f', 1).arg(r.unit)),
                    r.baseline >= 0 ? qPrintable(unit.arg(r.baseline, 0, 'f', 1).arg(r.unit)) : "-",
                    r.baseline > 0 ? qPrintable(QString::number(r.value / r.baseline, 'f', 2))
                                   : "-");
        std::fflush(stdout);
    }

private:
    QString pathFor(Transport t, const char *who) const
    {
        return QStringLiteral("%1/%2-%3.sock").arg(m_dir, QLatin1String(who), transportName(t));
    }

    QString ourAddress(Transport t) const
    {
        switch (t) {
        case Transport::Tcp:
            return QStringLiteral("tcp://127.0.0.1:0");
        case Transport::UnixStream:
            return QStringLiteral("unix:") + pathFor(t, "ours");
        case Transport::UnixSeqpacket:
            return QStringLiteral("seqpacket:") + pathFor(t, "ours");
        }
        return {};
    }

    Bench::Shape baseShape(Transport t, int size, int count) const
    {
        Bench::Shape s;
        s.transport = t;
        s.unixPath = pathFor(t, "base");
        s.size = size;
        s.count = count;
        s.inFlight = o.inFlight;
        s.updates = o.updates;
        return s;
    }

    // Runs both measurements, alternating which goes first from run to run so
    // that a load change on the machine does not always hit the same side.
    // Records the CPU time (user + sys) of this process during each side in
    // m_cpuBase / m_cpuOurs: both sides of the in-process scenarios (the
    // server thread included). --only skips the other side.
    template<typename B, typename O>
    auto both(bool oursFirst, B base, O ours)
    {
        using BR = decltype(base());
        using OR = decltype(ours());
        const auto timed = [](auto f, double &cpu) {
            const double before = Bench::cpuSeconds();
            auto r = f();
            cpu = Bench::cpuSeconds() - before;
            return r;
        };
        m_cpuBase = m_cpuOurs = -1;
        const bool doBase = o.only != QLatin1String("ours");
        const bool doOurs = o.only != QLatin1String("baseline");
        if (oursFirst) {
            OR x = doOurs ? timed(ours, m_cpuOurs) : OR{};
            BR y = doBase ? timed(base, m_cpuBase) : BR{};
            return std::make_pair(std::move(y), std::move(x));
        }
        BR y = doBase ? timed(base, m_cpuBase) : BR{};
        OR x = doOurs ? timed(ours, m_cpuOurs) : OR{};
        return std::make_pair(std::move(y), std::move(x));
    }

    // The CPU row of the last both(): microseconds per unit (request, message, update).
    Row cpuRow(const QString &scenario, const QString &tn, qint64 size, double units,
               const QString &figure = QStringLiteral("cpu")) const
    {
        const QString unit = QStringLiteral("us/%1").arg(
                scenario == QLatin1String("stream") || scenario == QLatin1String("fds")
                        ? QStringLiteral("msg")
                        : scenario == QLatin1String("updates") ? QStringLiteral("upd")
                                                               : QStringLiteral("req"));
        return {scenario,
                tn,
                size,
                figure,
                unit,
                m_cpuOurs >= 0 ? m_cpuOurs * 1e6 / units : -1,
                m_cpuBase >= 0 ? m_cpuBase * 1e6 / units : -1};
    }

    double m_cpuBase = -1;
    double m_cpuOurs = -1;

    QList<Row> runOne(const QString &scenario, Transport t, bool oursFirst)
    {
        if (scenario.startsWith(QLatin1String("tls-")))
            return runTlsScenario(o, m_dir, scenario, oursFirst);
        const QString tn = transportName(t);
        const int divisor = o.quick ? 1000 : 1;
        if (scenario == QLatin1String("connections")) {
            const int perPeer = o.quick ? 10 : 100;
            const ConnectionsResult r = oursConnections(ourAddress(t), o.connections, perPeer);
            const double rate = double(o.connections) * perPeer / r.seconds;
            return {{scenario, tn, 64, QStringLiteral("throughput"), QStringLiteral("req/s"), rate,
                     -1},
                    {scenario, tn, 64, QStringLiteral("memory"), QStringLiteral("KiB/peer"),
                     r.kibPerPeer, -1}};
        }
        if (scenario == QLatin1String("rtt-2p") || scenario == QLatin1String("pipelined-2p"))
            return runTwoProcess(scenario, t, oursFirst);
        if (scenario.startsWith(QLatin1String("floor-")))
            return runFloor(scenario, t, oursFirst);
        if (scenario == QLatin1String("idle")) {
            QList<int> levels = o.idlePeers;
            if (o.quick)
                levels = {std::min(100, levels.value(0, 100))};
            // Both processes hold one descriptor per idle peer, and a few more.
            rlimit limit{};
            ::getrlimit(RLIMIT_NOFILE, &limit);
            QList<int> possible;
            for (int peers : levels) {
                if (rlim_t(peers) + 256 <= limit.rlim_cur)
                    possible.append(peers);
                else
                    warn(QStringLiteral("idle: %1 peers skipped: RLIMIT_NOFILE is %2 (the hard "
                                        "limit; each process needs one descriptor per peer)")
                                 .arg(peers)
                                 .arg(qulonglong(limit.rlim_cur)));
            }
            const int count = o.quick ? 40 : std::max(100, o.count / 4);
            QList<Row> result;
            for (const IdleLevel &l : oursIdle(ourAddress(t), possible, count)) {
                appendIdleRows(result, scenario, tn, l);
            }
            return result;
        }
        if (scenario == QLatin1String("typed-rtt") || scenario == QLatin1String("typed-pipelined")
            || scenario == QLatin1String("codec")) {
#ifdef FIZYRRPCBENCH_TYPED
            return runTyped(scenario, t, oursFirst);
#else
            fail(QStringLiteral("%1: built without the generator (fizyr-rpc-gen)").arg(scenario));
#endif
        }
        int size = o.size;
        int count = o.count;
        if (scenario == QLatin1String("bulk")) {
            size = t == Transport::UnixSeqpacket ? Bench::seqpacketMaxBody() : 1024 * 1024;
            count = std::max(2, count / 200);
        } else if (scenario == QLatin1String("updates")) {
            count = std::max(2, count / 1000);
        } else if (scenario == QLatin1String("rtt")) {
            count = std::max(10, count / 4);
        }
        if (o.quick)
            count = std::max(2, std::min(count, 20000 / divisor));
        const RpcConfig config = configFor(rpcTransport(t), size);
        ServerThread server(ourAddress(t), config);
        const QString address = server.address();
        const Bench::Shape shape = baseShape(t, size, count);

        if (scenario == QLatin1String("rtt") || scenario == QLatin1String("bulk")) {
            const auto [base, ours] = both(
                    oursFirst, [&] { return Bench::baselineRtt(shape); },
                    [&] { return oursRtt(address, size, count); });
            if (scenario == QLatin1String("bulk")) {
                const double mb = 2.0 * double(size) * count / 1e6;
                return {{scenario, tn, size, QStringLiteral("throughput"), QStringLiteral("MB/s"),
                         mb / (std::accumulate(ours.begin(), ours.end(), 0.0) / 1e6),
                         mb / (std::accumulate(base.begin(), base.end(), 0.0) / 1e6)},
                        cpuRow(scenario, tn, size, count)};
            }
            const QString us = QStringLiteral("us");
            return {{scenario, tn, size, QStringLiteral("p50"), us, percentile(ours, 0.5),
                     percentile(base, 0.5)},
                    {scenario, tn, size, QStringLiteral("p99"), us, percentile(ours, 0.99),
                     percentile(base, 0.99)},
                    {scenario, tn, size, QStringLiteral("mean"), us, mean(ours), mean(base)},
                    cpuRow(scenario, tn, size, count)};
        }
        if (scenario == QLatin1String("pipelined")) {
            const auto [base, ours] = both(
                    oursFirst, [&] { return Bench::baselinePipelined(shape); },
                    [&] { return oursPipelined(address, size, count, o.inFlight); });
            return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("req/s"),
                     count / ours, count / base},
                    cpuRow(scenario, tn, size, count)};
        }
        if (scenario == QLatin1String("stream") || scenario == QLatin1String("fds")) {
            const bool fds = scenario == QLatin1String("fds");
            const auto [base, ours] = both(
                    oursFirst, [&] { return Bench::baselineStream(shape, fds); },
                    [&] { return oursStream(address, size, count, fds); });
            QList<Row> result{{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("msg/s"),
                               count / ours, count / base},
                              cpuRow(scenario, tn, size, count)};
            if (!fds) {
                // The batched raw writer as the baseline, in the same run; our side
                // measured again so that the pair alternates like the others.
                const auto [batched, ours2] = both(
                        !oursFirst, [&] { return Bench::baselineStreamBatched(shape); },
                        [&] { return oursStream(address, size, count, false); });
                result.append({scenario, tn, size, QStringLiteral("rate-batched"),
                               QStringLiteral("msg/s"), count / ours2, count / batched});
                result.append(cpuRow(scenario, tn, size, count, QStringLiteral("cpu-batched")));
            }
            return result;
        }
        if (scenario == QLatin1String("updates")) {
            const auto [base, ours] = both(
                    oursFirst, [&] { return Bench::baselineUpdates(shape); },
                    [&] { return oursUpdates(address, size, count, o.updates); });
            const double total = double(count) * o.updates;
            return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("upd/s"),
                     total / ours, total / base},
                    cpuRow(scenario, tn, size, total)};
        }
        fail(QStringLiteral("unknown scenario %1").arg(scenario));
    }

    // rtt-2p and pipelined-2p: our client against our server in a child
    // process (`--serve`), next to the raw pair as two processes (the echoing
    // side forked). CPU: user + sys of both processes during the traffic.
    QList<Row> runTwoProcess(const QString &scenario, Transport t, bool oursFirst)
    {
        const QString tn = transportName(t);
        const bool rtt = scenario == QLatin1String("rtt-2p");
        int count = rtt ? std::max(10, o.count / 4) : o.count;
        if (o.quick)
            count = std::max(2, std::min(count, 20));
        const int size = o.size;
        const Bench::Shape shape = baseShape(t, size, count);
        Bench::Forked base;
        Bench::Forked ours;
        const auto runBase = [&] {
            base = rtt ? Bench::forkedRtt(shape) : Bench::forkedPipelined(shape);
            return 0;
        };
        const auto runOurs = [&] {
            ServeChild server(ourAddress(t));
            const double before = Bench::cpuSeconds() + Bench::cpuSeconds(server.pid());
            if (rtt) {
                ours.rtts = oursRtt(server.address(), size, count);
            } else {
                ours.seconds = oursPipelined(server.address(), size, count, o.inFlight);
            }
            ours.cpuSeconds = Bench::cpuSeconds() + Bench::cpuSeconds(server.pid()) - before;
            return 0;
        };
        both(oursFirst, runBase, runOurs);
        const bool haveBase = o.only != QLatin1String("ours");
        const bool haveOurs = o.only != QLatin1String("baseline");
        const auto cpu = [&](const Bench::Forked &f, bool have) {
            return have ? f.cpuSeconds * 1e6 / count : -1;
        };
        const Row cpuRow{scenario,
                         tn,
                         size,
                         QStringLiteral("cpu"),
                         QStringLiteral("us/req"),
                         cpu(ours, haveOurs),
                         cpu(base, haveBase)};
        if (rtt) {
            const QString us = QStringLiteral("us");
            return {{scenario, tn, size, QStringLiteral("p50"), us, percentile(ours.rtts, 0.5),
                     percentile(base.rtts, 0.5)},
                    {scenario, tn, size, QStringLiteral("p99"), us, percentile(ours.rtts, 0.99),
                     percentile(base.rtts, 0.99)},
                    {scenario, tn, size, QStringLiteral("mean"), us, mean(ours.rtts),
                     mean(base.rtts)},
                    cpuRow};
        }
        const auto rate = [&](const Bench::Forked &f, bool have) {
            return have && f.seconds > 0 ? count / f.seconds : -1;
        };
        return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("req/s"),
                 rate(ours, haveOurs), rate(base, haveBase)},
                cpuRow};
    }

    // floor-rtt-2p, floor-pipelined-2p, floor-stream, floor-idle: the event
    // loop's floor (floor.h) next to the raw baseline and ours, all measured in
    // this run (order: ours, floor, raw, reversed every other run). Each figure
    // gives two rows: `FIGURE` (value: the floor, baseline: raw) and
    // `FIGURE-ours` (value: ours, baseline: the floor). floor-idle has the
    // floor's rows only; ours are the idle scenario's.
    QList<Row> runFloor(const QString &scenario, Transport t, bool oursFirst)
    {
        const QString tn = transportName(t);
        const QString name = scenario.mid(6); // after "floor-"
        const QString floorListen = t == Transport::Tcp ? QStringLiteral("tcp://127.0.0.1:0")
                : t == Transport::UnixStream ? QStringLiteral("unix:") + pathFor(t, "floor")
                                             : QStringLiteral("seqpacket:") + pathFor(t, "floor");
        if (name == QLatin1String("idle")) {
            QList<int> levels
                    = o.quick ? QList<int>{std::min(100, o.idlePeers.value(0, 100))} : o.idlePeers;
            rlimit limit{};
            ::getrlimit(RLIMIT_NOFILE, &limit);
            levels.removeIf([&](int peers) { return rlim_t(peers) + 256 > limit.rlim_cur; });
            const int count = o.quick ? 40 : std::max(100, o.count / 4);
            QList<Row> result;
            for (const Bench::FloorIdleLevel &l : Bench::floorIdle(floorListen, levels, count)) {
                appendIdleRows(result, scenario, tn, l);
            }
            return result;
        }
        const bool rtt = name == QLatin1String("rtt-2p");
        const bool stream = name == QLatin1String("stream");
        if (!rtt && !stream && name != QLatin1String("pipelined-2p"))
            fail(QStringLiteral("unknown scenario %1").arg(scenario));
        int count = rtt ? std::max(10, o.count / 4) : o.count;
        if (o.quick)
            count = std::max(2, std::min(count, 20));
        // floor-stream: the floor and raw with 10 x the count (at millions of
        // messages a second, N would take a few milliseconds: mostly noise);
        // ours with N, as in the stream scenario (10 N do not fit in our
        // write buffer at once on seqpacket).
        const int oursCount = count;
        if (stream && !o.quick)
            count *= 10;
        const int size = o.size;
        const Bench::Shape shape = baseShape(t, size, count);
        Bench::Forked raw, floorSide, ours; // stream: seconds and cpuSeconds only
        const auto timed = [](Bench::Forked &f, const std::function<double()> &traffic) {
            const double before = Bench::cpuSeconds();
            f.seconds = traffic();
            f.cpuSeconds = Bench::cpuSeconds() - before;
        };
        std::function<void()> doRaw, doFloor, doOurs;
        if (stream) {
            // In-process, as the stream scenario: the receiver in a thread.
            doRaw = [&] {
                timed(raw, [&] { return Bench::baselineStreamBatched(shape); });
            };
            doFloor = [&] {
                Bench::FloorServerThread server(floorListen);
                timed(floorSide, [&] { return Bench::floorStream(server.address(), size, count); });
            };
            doOurs = [&] {
                ServerThread server(ourAddress(t), configFor(rpcTransport(t), size));
                timed(ours, [&] { return oursStream(server.address(), size, oursCount, false); });
            };
        } else {
            doRaw = [&] {
                raw = rtt ? Bench::forkedRtt(shape) : Bench::forkedPipelined(shape);
            };
            doFloor = [&] {
                floorSide = rtt ? Bench::floorForkedRtt(floorListen, size, count)
                                : Bench::floorForkedPipelined(floorListen, size, count, o.inFlight);
            };
            doOurs = [&] {
                ServeChild server(ourAddress(t));
                const double before = Bench::cpuSeconds() + Bench::cpuSeconds(server.pid());
                if (rtt)
                    ours.rtts = oursRtt(server.address(), size, count);
                else
                    ours.seconds = oursPipelined(server.address(), size, count, o.inFlight);
                ours.cpuSeconds = Bench::cpuSeconds() + Bench::cpuSeconds(server.pid()) - before;
            };
        }
        std::function<void()> *order[] = {&doRaw, &doFloor, &doOurs};
        if (oursFirst)
            std::swap(order[0], order[2]);
        // --only floor: the floor alone (scripts/callgrind-count.py style counts).
        for (const std::function<void()> *side : order)
            if (o.only != QLatin1String("floor") || side == &doFloor)
                (*side)();
        QList<Row> result;
        const auto pair = [&](const QString &figure, const QString &unit, double f, double r,
                              double us) {
            result.append({scenario, tn, size, figure, unit, f, r});
            result.append({scenario, tn, size, figure + QStringLiteral("-ours"), unit, us, f});
        };
        const QString per = stream ? QStringLiteral("us/msg") : QStringLiteral("us/req");
        // A side not measured (--only floor): -1, as the other scenarios' --only.
        const bool onlyFloor = o.only == QLatin1String("floor");
        const auto cpu = [&](const Bench::Forked &f) {
            if (onlyFloor && &f != &floorSide)
                return -1.0;
            return f.cpuSeconds * 1e6 / (&f == &ours ? oursCount : count);
        };
        const auto rate = [&](const Bench::Forked &f, int n) {
            return f.seconds > 0 ? n / f.seconds : -1.0;
        };
        if (rtt) {
            const QString us = QStringLiteral("us");
            pair(QStringLiteral("p50"), us, percentile(floorSide.rtts, 0.5),
                 percentile(raw.rtts, 0.5), percentile(ours.rtts, 0.5));
            pair(QStringLiteral("p99"), us, percentile(floorSide.rtts, 0.99),
                 percentile(raw.rtts, 0.99), percentile(ours.rtts, 0.99));
            pair(QStringLiteral("mean"), us, mean(floorSide.rtts), mean(raw.rtts), mean(ours.rtts));
        } else {
            pair(QStringLiteral("rate"), stream ? QStringLiteral("msg/s") : QStringLiteral("req/s"),
                 rate(floorSide, count), rate(raw, count), rate(ours, oursCount));
        }
        pair(QStringLiteral("cpu"), per, cpu(floorSide), cpu(raw), cpu(ours));
        return result;
    }

#ifdef FIZYRRPCBENCH_TYPED
    // typed-rtt and typed-pipelined: the generated BenchClient against the
    // generated BenchServer ("ours"), next to our untyped client and echo
    // server with the same bytes on the wire (in the baseline column). codec:
    // the codec against QJsonDocument / QCborValue (in the baseline column).
    QList<Row> runTyped(const QString &scenario, Transport t, bool oursFirst)
    {
        if (scenario == QLatin1String("codec")) {
            const int objects = o.quick ? 10 : 200;
            qsizetype size = 0;
            const QList<CodecFigure> figures
                    = codecFigures(objects, o.quick ? 0.0 : 0.5, oursFirst, &size);
            QList<Row> result;
            for (const CodecFigure &f : figures)
                result.append({scenario, QStringLiteral("-"), size, f.figure,
                               QStringLiteral("MB/s"), f.ours, f.base});
            return result;
        }
        const QString tn = transportName(t);
        const QByteArray body = sampleBody();
        int count = o.count;
        if (scenario == QLatin1String("typed-rtt"))
            count = std::max(10, count / 4);
        if (o.quick)
            count = std::max(2, std::min(count, 20));
        const RpcConfig config = configFor(rpcTransport(t), int(body.size()));
        // One server at a time (they would share the socket path).
        auto typedSide = [&](auto measure) {
            ServerThread server(ourAddress(t), config, true);
            return measure(server.address());
        };
        auto untypedSide = [&](auto measure) {
            ServerThread server(ourAddress(t), config, false);
            return measure(server.address());
        };
        const int size = int(body.size());
        if (scenario == QLatin1String("typed-rtt")) {
            const auto [untyped, typed] = both(
                    oursFirst,
                    [&] {
                        return untypedSide([&](const QString &address) {
                            return oursRtt(address, body, count);
                        });
                    },
                    [&] {
                        return typedSide(
                                [&](const QString &address) { return typedRtt(address, count); });
                    });
            const QString us = QStringLiteral("us");
            return {{scenario, tn, size, QStringLiteral("p50"), us, percentile(typed, 0.5),
                     percentile(untyped, 0.5)},
                    {scenario, tn, size, QStringLiteral("p99"), us, percentile(typed, 0.99),
                     percentile(untyped, 0.99)},
                    {scenario, tn, size, QStringLiteral("mean"), us, mean(typed), mean(untyped)}};
        }
        const auto [untyped, typed] = both(
                oursFirst,
                [&] {
                    return untypedSide([&](const QString &address) {
                        return oursPipelined(address, body, count, o.inFlight);
                    });
                },
                [&] {
                    return typedSide([&](const QString &address) {
                        return typedPipelined(address, count, o.inFlight);
                    });
                });
        return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("req/s"), count / typed,
                 count / untyped}};
    }
#endif

    Options o;
    QString m_dir;
};

// ---------------------------------------------------------------- targets

// A target of issue 18, evaluated on the figures of one run. Never asserted in
// a test: the benchmark prints "met" or "missed".
struct Target
{
    QString name; // e.g. "rtt-2p p50 / raw two-process"
    QString transport;
    double value = 0; // the ratio (or absolute figure) compared
    QString limit; // e.g. "<= 1.15"
    bool met = false;
};

// The informative lines of the floor scenarios (limit "informative"): where
// the event loop's floor stands against raw, and ours against the floor.
void appendFloorTargets(const QList<Row> &rows, const QString &t, QList<Target> &targets)
{
    const auto find = [&](const QString &scenario, const QString &figure) -> const Row * {
        for (const Row &r : rows)
            if (r.scenario == scenario && r.transport == t && r.figure == figure)
                return &r;
        return nullptr;
    };
    const QString info = QStringLiteral("informative");
    const auto ratio = [&](const QString &name, const QString &scenario, const QString &figure) {
        const Row *r = find(scenario, figure);
        if (r && r->baseline > 0 && r->value >= 0)
            targets.append({name, t, r->value / r->baseline, info, true});
    };
    const QString rtt = QStringLiteral("floor-rtt-2p");
    const QString pipe = QStringLiteral("floor-pipelined-2p");
    const QString stream = QStringLiteral("floor-stream");
    ratio(QStringLiteral("rtt p50, event-loop floor / raw two processes"), rtt,
          QStringLiteral("p50"));
    ratio(QStringLiteral("rtt p50, ours / event-loop floor"), rtt, QStringLiteral("p50-ours"));
    ratio(QStringLiteral("CPU per round trip, event-loop floor / raw"), rtt, QStringLiteral("cpu"));
    ratio(QStringLiteral("CPU per round trip, ours / event-loop floor"), rtt,
          QStringLiteral("cpu-ours"));
    ratio(QStringLiteral("pipelined, event-loop floor / raw two processes"), pipe,
          QStringLiteral("rate"));
    ratio(QStringLiteral("pipelined, ours / event-loop floor"), pipe, QStringLiteral("rate-ours"));
    ratio(QStringLiteral("stream, event-loop floor / batched raw writer"), stream,
          QStringLiteral("rate"));
    ratio(QStringLiteral("stream, ours / event-loop floor"), stream, QStringLiteral("rate-ours"));
    // Idle: the floor's own flatness, and ours against the floor at the largest level of both.
    int smallest = -1;
    int largest = -1;
    for (const Row &r : rows) {
        if (r.scenario != QLatin1String("floor-idle") || r.transport != t
            || !r.figure.startsWith(QLatin1String("rate@")))
            continue;
        const int peers = r.figure.mid(5).toInt();
        smallest = smallest < 0 ? peers : std::min(smallest, peers);
        largest = std::max(largest, peers);
    }
    if (largest < 0)
        return;
    const QString at = QStringLiteral("rate@%1").arg(largest);
    const Row *lo = find(QStringLiteral("floor-idle"), QStringLiteral("rate@%1").arg(smallest));
    const Row *hi = find(QStringLiteral("floor-idle"), at);
    if (smallest != largest && lo->value > 0)
        targets.append({QStringLiteral("event-loop floor: throughput at %1 / at %2 idle peers")
                                .arg(largest)
                                .arg(smallest),
                        t, hi->value / lo->value, info, true});
    const Row *ours = find(QStringLiteral("idle"), at);
    if (ours && hi->value > 0)
        targets.append({QStringLiteral("throughput at %1 idle peers, ours / event-loop floor")
                                .arg(largest),
                        t, ours->value / hi->value, info, true});
}

QList<Target> evaluateTargets(const QList<Row> &rows)
{
    const auto find = [&](const QString &scenario, const QString &transport,
                          const QString &figure) -> const Row * {
        for (const Row &r : rows)
            if (r.scenario == scenario && r.transport == transport && r.figure == figure)
                return &r;
        return nullptr;
    };
    QList<Target> targets;
    const auto ratio = [&](const QString &name, const QString &scenario, const QString &figure,
                           const QString &transport, bool atMost, double limit) {
        const Row *r = find(scenario, transport, figure);
        if (!r || r->baseline <= 0 || r->value < 0)
            return;
        const double v = r->value / r->baseline;
        targets.append({name, transport, v,
                        QStringLiteral("%1 %2").arg(atMost ? u"<=" : u">=").arg(limit),
                        atMost ? v <= limit : v >= limit});
    };
    for (const QString &t :
         {QStringLiteral("tcp"), QStringLiteral("unix"), QStringLiteral("seqpacket")}) {
        ratio(QStringLiteral("rtt p50, two processes / raw two processes"),
              QStringLiteral("rtt-2p"), QStringLiteral("p50"), t, true, 1.15);
        ratio(QStringLiteral("CPU per round trip, two processes / raw"), QStringLiteral("rtt-2p"),
              QStringLiteral("cpu"), t, true, 1.3);
        ratio(QStringLiteral("pipelined, two processes / raw two processes"),
              QStringLiteral("pipelined-2p"), QStringLiteral("rate"), t, false, 1.0);
        ratio(QStringLiteral("pipelined, in-process / raw in-process"), QStringLiteral("pipelined"),
              QStringLiteral("rate"), t, false, 1.0);
        ratio(QStringLiteral("bulk / raw"), QStringLiteral("bulk"), QStringLiteral("throughput"), t,
              false, t == QLatin1String("seqpacket") ? 0.8 : 0.9);
        ratio(QStringLiteral("stream / batched raw writer"), QStringLiteral("stream"),
              QStringLiteral("rate-batched"), t, false, 0.8);
        // Idle peers: 10,000 on one server, <= 16 KiB each, throughput flat
        // (the largest level's rate >= 0.9 x the smallest level's).
        int smallest = -1;
        int largest = -1;
        for (const Row &r : rows) {
            if (r.scenario != QLatin1String("idle") || r.transport != t
                || !r.figure.startsWith(QLatin1String("memory@")))
                continue;
            const int peers = r.figure.mid(7).toInt();
            smallest = smallest < 0 ? peers : std::min(smallest, peers);
            largest = std::max(largest, peers);
        }
        if (largest > 0) {
            targets.append({QStringLiteral("idle peers on one server"), t, double(largest),
                            QStringLiteral(">= 10000"), largest >= 10000});
            const Row *mem
                    = find(QStringLiteral("idle"), t, QStringLiteral("memory@%1").arg(largest));
            targets.append({QStringLiteral("server KiB per idle peer at %1").arg(largest), t,
                            mem->value, QStringLiteral("<= 16"), mem->value <= 16});
            const Row *lo
                    = find(QStringLiteral("idle"), t, QStringLiteral("rate@%1").arg(smallest));
            const Row *hi = find(QStringLiteral("idle"), t, QStringLiteral("rate@%1").arg(largest));
            if (lo && hi && lo->value > 0 && smallest != largest) {
                const double v = hi->value / lo->value;
                targets.append({QStringLiteral("throughput at %1 / at %2 idle peers")
                                        .arg(largest)
                                        .arg(smallest),
                                t, v, QStringLiteral(">= 0.9"), v >= 0.9});
            }
        }
        appendFloorTargets(rows, t, targets);
    }
    return targets;
}

void printTargets(const QList<Target> &targets)
{
    if (targets.isEmpty())
        return;
    std::printf("\ntargets (issue 18; ratios ours / raw baseline of this run; the informative "
                "lines: the event loop's floor):\n");
    for (const Target &t : targets)
        std::printf("  %-56s %-10s %10.2f  %-11s %s\n", qPrintable(t.name), qPrintable(t.transport),
                    t.value, qPrintable(t.limit),
                    t.limit == QLatin1String("informative") ? ""
                            : t.met                         ? "target met"
                                                            : "target missed");
    std::fflush(stdout);
}

// --connect: the client side of rtt, pipelined and stream against an external server.
QList<Row> runExternal(const QString &address, const Options &o)
{
    const RpcAddress parsed = RpcAddress::fromString(address);
    const QString tn = parsed.transport() == RpcAddress::Tcp ? QStringLiteral("tcp")
            : parsed.transport() == RpcAddress::UnixStream   ? QStringLiteral("unix")
                                                             : QStringLiteral("seqpacket");
    QList<Row> rows;
    const int count = o.quick ? 20 : o.count;
    for (const QString &scenario : o.scenarios) {
        if (scenario == QLatin1String("rtt")) {
            const auto v = oursRtt(address, o.size, std::max(10, count / 4));
            rows.append({scenario, tn, o.size, QStringLiteral("p50"), QStringLiteral("us"),
                         percentile(v, 0.5), -1});
            rows.append({scenario, tn, o.size, QStringLiteral("p99"), QStringLiteral("us"),
                         percentile(v, 0.99), -1});
            rows.append({scenario, tn, o.size, QStringLiteral("mean"), QStringLiteral("us"),
                         mean(v), -1});
        } else if (scenario == QLatin1String("pipelined")) {
            rows.append({scenario, tn, o.size, QStringLiteral("rate"), QStringLiteral("req/s"),
                         count / oursPipelined(address, o.size, count, o.inFlight), -1});
        } else if (scenario == QLatin1String("stream")) {
            // The external server only echoes streams: count the echoes here.
            Client c(address, o.size);
            int received = 0;
            QObject::connect(&c.peer, &RpcPeer::streamReceived, &c.loop, [&](const RpcMessage &) {
                if (++received == count)
                    c.finish();
            });
            const QByteArray body(o.size, 's');
            QElapsedTimer timer;
            timer.start();
            for (int i = 0; i < count; ++i) {
                if (!c.peer.sendStream(1, body))
                    fail(QStringLiteral("sendStream failed: %1").arg(c.peer.errorString()));
            }
            c.run();
            rows.append({scenario, tn, o.size, QStringLiteral("rate"), QStringLiteral("msg/s"),
                         count / (double(timer.nsecsElapsed()) / 1e9), -1});
        } else {
            continue;
        }
        for (qsizetype i = rows.size() - (scenario == QLatin1String("rtt") ? 3 : 1);
             i < rows.size(); ++i)
            Bencher::print(rows[i]);
    }
    return rows;
}

int serveForever(const QString &address, int maxBody)
{
    const RpcAddress parsed = RpcAddress::fromString(address);
    ServerSide side(configFor(parsed.transport(), maxBody), true);
    const QString actual = side.listen(address);
    if (actual.isEmpty()) {
        std::fprintf(stderr, "cannot listen on %s\n", qPrintable(address));
        return 1;
    }
    std::printf("listening %s\n", qPrintable(actual));
    std::fflush(stdout);
    return QCoreApplication::exec();
}

// --event-dispatcher glib|unix|epoll: the event dispatcher of this process and
// of its --serve children. Read from argv before the application object
// exists (a dispatcher is installed before it); QCommandLineParser only
// documents it. Empty: Qt's default (GLib unless QT_NO_GLIB is set).
QString g_eventDispatcher;

QStringList eventDispatcherArguments()
{
    if (g_eventDispatcher.isEmpty())
        return {};
    return {QStringLiteral("--event-dispatcher"), g_eventDispatcher};
}

bool installEventDispatcher(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg = argv[i];
        if (arg == "--event-dispatcher" && i + 1 < argc)
            g_eventDispatcher = QString::fromLocal8Bit(argv[i + 1]);
        else if (arg.startsWith("--event-dispatcher="))
            g_eventDispatcher = QString::fromLocal8Bit(arg.mid(19));
    }
    if (g_eventDispatcher.isEmpty())
        return true;
    if (g_eventDispatcher == QLatin1String("glib")) {
        qunsetenv("QT_NO_GLIB");
    } else if (g_eventDispatcher == QLatin1String("unix")) {
        qputenv("QT_NO_GLIB", "1");
    } else if (g_eventDispatcher == QLatin1String("epoll")) {
#ifdef FIZYRRPCBENCH_EPOLL
        QCoreApplication::setEventDispatcher(new Fizyr::RpcEpollEventDispatcher);
#else
        std::fprintf(stderr, "--event-dispatcher epoll: built without FIZYRRPCQT_EPOLL\n");
        return false;
#endif
    } else {
        std::fprintf(stderr, "--event-dispatcher: glib, unix or epoll\n");
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (!installEventDispatcher(argc, argv))
        return 2;
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fizyr-rpc-bench"));
    raiseFileLimit();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Benchmarks the library against a same-run baseline of blocking POSIX sockets.\n"
            "Scenarios: rtt, pipelined, stream, bulk, updates, fds, connections, rtt-2p,\n"
            "pipelined-2p, idle, floor-rtt-2p, floor-pipelined-2p, floor-stream, floor-idle\n"
            "(the event loop's floor), typed-rtt, typed-pipelined, codec; tls-rtt, tls-pipelined, "
            "tls-bulk, tls-connections (TLS\n"
            "against plain TCP, both through the library, in the same run; not in the default\n"
            "list)."));
    parser.addHelpOption();
    const QCommandLineOption scenarios(
            QStringLiteral("scenarios"), QStringLiteral("Comma-separated scenarios."),
            QStringLiteral("list"),
            QStringLiteral(
                    "rtt,pipelined,stream,bulk,updates,fds,connections,rtt-2p,pipelined-2p,idle,"
                    "floor-rtt-2p,floor-pipelined-2p,floor-stream,floor-idle"
#ifdef FIZYRRPCBENCH_TYPED
                    ",typed-rtt,typed-pipelined,codec"
#endif
                    ));
    const QCommandLineOption transports(
            QStringLiteral("transports"), QStringLiteral("Comma-separated: tcp,unix,seqpacket."),
            QStringLiteral("list"), QStringLiteral("tcp,unix,seqpacket"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QStringLiteral("Body size in bytes (not bulk)."),
                                  QStringLiteral("bytes"), QStringLiteral("64"));
    const QCommandLineOption count(
            QStringLiteral("count"),
            QStringLiteral(
                    "Messages per measurement (rtt: /4, bulk: /200, updates: /1000 requests)."),
            QStringLiteral("n"), QStringLiteral("20000"));
    const QCommandLineOption inFlight(QStringLiteral("in-flight"),
                                      QStringLiteral("Pipelined: requests in flight."),
                                      QStringLiteral("k"), QStringLiteral("32"));
    const QCommandLineOption updates(QStringLiteral("updates"),
                                     QStringLiteral("Updates per request."), QStringLiteral("n"),
                                     QStringLiteral("1000"));
    const QCommandLineOption connections(QStringLiteral("connections"),
                                         QStringLiteral("Peers on one server."),
                                         QStringLiteral("c"), QStringLiteral("1000"));
    const QCommandLineOption runs(QStringLiteral("runs"),
                                  QStringLiteral("Runs per figure; the median is reported."),
                                  QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption quick(QStringLiteral("quick"),
                                   QStringLiteral("Tiny counts: a smoke run."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Also write the figures as JSON."),
                                  QStringLiteral("file"));
    const QCommandLineOption connectTo(
            QStringLiteral("connect"),
            QStringLiteral("Run rtt/pipelined/stream against an external echo server."),
            QStringLiteral("address"));
    const QCommandLineOption serve(QStringLiteral("serve"),
                                   QStringLiteral("Run only our server side."),
                                   QStringLiteral("address"));
    const QCommandLineOption maxBody(QStringLiteral("max-body"),
                                     QStringLiteral("--serve: largest body accepted."),
                                     QStringLiteral("bytes"), QStringLiteral("1048576"));
    const QCommandLineOption idlePeers(
            QStringLiteral("idle-peers"),
            QStringLiteral("idle: idle peer counts, one level each (--quick: 100 only)."),
            QStringLiteral("list"), QStringLiteral("100,1000,10000"));
    const QCommandLineOption only(
            QStringLiteral("only"),
            QStringLiteral("Measure only one column: ours or baseline (for callgrind); floor: "
                           "only the event loop's floor in the floor scenarios."),
            QStringLiteral("side"));
    parser.addOptions({scenarios, transports, size, count, inFlight, updates, connections, runs,
                       quick, json, connectTo, serve, maxBody, idlePeers, only});
    const QCommandLineOption floorServe(
            QStringLiteral("floor-serve"),
            QStringLiteral("Run only the event loop's floor server (floor.h)."),
            QStringLiteral("address"));
    parser.addOption(floorServe);
    parser.addOption(QCommandLineOption(
            QStringLiteral("event-dispatcher"),
            QStringLiteral(
                    "glib, unix (QT_NO_GLIB=1) or epoll (RpcEpollEventDispatcher): the event "
                    "dispatcher of this process and of its --serve children."),
            QStringLiteral("name")));
    parser.process(app);

    loadTlsDefaultsFromEnvironment();
    if (parser.isSet(floorServe))
        return Bench::floorServeForever(parser.value(floorServe));
    if (parser.isSet(serve))
        return serveForever(parser.value(serve), parser.value(maxBody).toInt());

    Options o;
    o.scenarios = parser.value(scenarios).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &t : parser.value(transports).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (t == QLatin1String("tcp"))
            o.transports.append(Transport::Tcp);
        else if (t == QLatin1String("unix"))
            o.transports.append(Transport::UnixStream);
        else if (t == QLatin1String("seqpacket"))
            o.transports.append(Transport::UnixSeqpacket);
        else {
            std::fprintf(stderr, "unknown transport %s\n", qPrintable(t));
            return 2;
        }
    }
    o.size = parser.value(size).toInt();
    o.count = parser.value(count).toInt();
    o.inFlight = std::max(1, parser.value(inFlight).toInt());
    o.updates = parser.value(updates).toInt();
    o.connections = parser.value(connections).toInt();
    o.runs = std::max(1, parser.value(runs).toInt());
    o.quick = parser.isSet(quick);
    o.only = parser.value(only);
    if (!o.only.isEmpty() && o.only != QLatin1String("ours") && o.only != QLatin1String("baseline")
        && o.only != QLatin1String("floor")) {
        std::fprintf(stderr, "--only: ours, baseline or floor\n");
        return 2;
    }
    if (parser.isSet(idlePeers)) {
        o.idlePeers.clear();
        for (const QString &n : parser.value(idlePeers).split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (n.toInt() > 0)
                o.idlePeers.append(n.toInt());
    }
    if (o.quick) {
        o.updates = std::min(o.updates, 10);
        o.connections = std::min(o.connections, 20);
    }
    if (o.size < 0 || o.count <= 0) {
        std::fprintf(stderr, "invalid --size or --count\n");
        return 2;
    }

    QList<Row> rows;
    try {
        Bencher::printHeader();
        if (parser.isSet(connectTo)) {
            rows = runExternal(parser.value(connectTo), o);
        } else {
            QTemporaryDir dir(QStringLiteral("/tmp/frb-XXXXXX"));
            Bencher bencher(o, dir.path());
            bencher.runAll();
            rows = bencher.rows;
            printTargets(evaluateTargets(rows));
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "fizyr-rpc-bench: %s\n", e.what());
        return 1;
    }

    if (parser.isSet(json)) {
        QJsonArray array;
        for (const Row &r : rows) {
            QJsonObject obj{{QStringLiteral("scenario"), r.scenario},
                            {QStringLiteral("transport"), r.transport},
                            {QStringLiteral("size"), r.size},
                            {QStringLiteral("figure"), r.figure},
                            {QStringLiteral("unit"), r.unit},
                            {QStringLiteral("value"), r.value}};
            obj.insert(QStringLiteral("baseline"),
                       r.baseline >= 0 ? QJsonValue(r.baseline) : QJsonValue());
            obj.insert(QStringLiteral("ratio"),
                       r.baseline > 0 ? QJsonValue(r.value / r.baseline) : QJsonValue());
            array.append(obj);
        }
        QFile file(parser.value(json));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(parser.value(json)));
            return 1;
        }
        QJsonArray targets;
        for (const Target &t : evaluateTargets(rows)) {
            QJsonObject target{{QStringLiteral("target"), t.name},
                               {QStringLiteral("transport"), t.transport},
                               {QStringLiteral("value"), t.value},
                               {QStringLiteral("limit"), t.limit},
                               {QStringLiteral("met"), t.met}};
            if (t.limit == QLatin1String("informative"))
                target.insert(QStringLiteral("informative"), true); // no target: met is true
            targets.append(target);
        }
        const double load = [] {
            double avg[1] = {-1};
            return ::getloadavg(avg, 1) == 1 ? avg[0] : -1.0;
        }();
        const QString dispatcher
                = g_eventDispatcher.isEmpty() ? QStringLiteral("default") : g_eventDispatcher;
        file.write(QJsonDocument(QJsonObject{{QStringLiteral("runs"), o.runs},
                                             {QStringLiteral("results"), array},
                                             {QStringLiteral("targets"), targets},
                                             {QStringLiteral("eventDispatcher"), dispatcher},
                                             {QStringLiteral("load"), load}})
                           .toJson());
    }
    return 0;
}

#include "main.moc"

// fizyr-rpc-bench: the typed scenarios (typed-rtt, typed-pipelined: the
// client and server generated from bench.rpc) and codec (the codec against
// QJsonDocument / QCborValue). Built with FIZYRRPCBENCH_TYPED only.
#include "scenarios.h"

#include "bench.h" // generated from bench.rpc by fizyr_rpc_add_interface()

#include <FizyrRpcQt/RpcBodyCodec>

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Fizyr;

namespace Bench {
namespace {

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

} // namespace

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

namespace {

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

} // namespace

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

} // namespace Bench

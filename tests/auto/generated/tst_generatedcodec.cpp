// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The generated per-type JSON codec (writeJson() / readJson() over
// RpcJsonWriter / RpcJsonReader, behind toBody() / fromBody()) against the
// runtime codec (RpcBodyCodec over toVariant() / fromVariant()), which the
// serde vectors pin to serde_json and serde_cbor: the same bytes for every
// type of the generated test interfaces, the same values back, the same
// errors for bodies that do not decode.

#include "greeter.h"
#include "types.h"

#include <FizyrRpcQt/RpcBodyCodec>
#include <FizyrRpcQt/RpcJsonReader>
#include <FizyrRpcQt/RpcJsonWriter>

#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

#include <functional>
#include <limits>
#include <vector>

using namespace Fizyr;

namespace {

// ---- random values of the generated types

class Random
{
public:
    explicit Random(quint32 seed) : m_random(seed) { }

    int below(int n) { return int(m_random.bounded(n)); }
    bool coin() { return below(2) == 1; }
    quint64 bits() { return m_random.generate64(); }

    QString text()
    {
        static const char16_t pieces[][4] = {
                u"a",    u"Z",    u"0", u" ",      u"\"",     u"\\",     u"\n",         u"\t",
                u"\x01", u"\x1f", u"/", u"\u00e9", u"\u20ac", u"\uffff", u"\U0001f600", u"\u07ff"};
        QString s;
        const int n = below(8);
        for (int i = 0; i < n; ++i)
            s += QString::fromUtf16(pieces[below(int(std::size(pieces)))]);
        return s;
    }

    // Finite values that serde_json's (not correctly rounded) float parser
    // reads back exactly; exact bit patterns are the serde vectors' business.
    double real()
    {
        switch (below(5)) {
        case 0:
            return 0.0;
        case 1:
            return -0.0;
        case 2:
            return double(below(2000000) - 1000000) / 64;
        case 3:
            return std::ldexp(double(below(1000)), below(40) - 20);
        default:
            return double(below(1000)) / 8;
        }
    }

    Point point() { return Point{qint32(bits()), qint32(bits())}; }

    Shape shape(int depth = 0)
    {
        switch (below(6)) {
        case 0:
            return Shape(Shape::Nothing);
        case 1:
            return Shape::fromCircle(real());
        case 2: {
            ShapeRect rect;
            rect.value0 = point();
            rect.value1 = point();
            return Shape::fromRect(rect);
        }
        case 3: {
            ShapePoly poly;
            for (int i = below(4); i > 0; --i)
                poly.points.append(point());
            poly.closed = coin();
            return Shape::fromPoly(poly);
        }
        case 4:
            return Shape::fromMaybe(coin() ? std::optional<QString>(text()) : std::nullopt);
        default:
            return depth > 3 ? Shape(Shape::Nothing) : Shape(Shape::Default);
        }
    }

    Node node(int depth = 0)
    {
        Node n;
        n.label = text();
        if (depth < 3) {
            for (int i = below(3); i > 0; --i)
                n.children.append(node(depth + 1));
        }
        return n;
    }

    Everything everything()
    {
        Everything e;
        e.flag = coin();
        e.small = qint8(bits());
        e.medium = qint16(bits());
        e.intValue = qint32(bits());
        e.big = qint64(bits());
        e.ubyte = quint8(bits());
        e.ushort = quint16(bits());
        e.uint = quint32(bits());
        e.ulong = bits();
        e.single = float(real());
        e.double_ = real();
        e.text = text();
        for (int i = below(5); i > 0; --i)
            e.bytes.append(char(bits()));
        for (int i = below(4); i > 0; --i)
            e.list.append(point());
        if (coin())
            e.maybe = point();
        if (coin())
            e.maybeList = QList<qint32>{qint32(bits()), qint32(bits())};
        for (int i = below(4); i > 0; --i)
            e.map.insert(text(), shape());
        for (int i = below(4); i > 0; --i)
            e.hash.insert(text(), coin() ? std::optional<QString>(text()) : std::nullopt);
        e.node = node();
        e.shape = shape();
        return e;
    }

private:
    QRandomGenerator m_random;
};

// The runtime codec's bytes for value.
template<typename T>
QByteArray runtimeBody(const RpcTypeSchema &type, const T &value, RpcBodyCodec::Format format)
{
    QByteArray body;
    QString error;
    if (!RpcBodyCodec::encode(type, value.toVariant(), format, &body, &error))
        qWarning("runtime encode failed: %s", qPrintable(error));
    return body;
}

} // namespace

class tst_GeneratedCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameBytesAsRuntime_data();
    void sameBytesAsRuntime();
    void randomRoundTrips();
    void mapKeyOrder();
    void sequenceForms();
    void defaultsAndUnknownFields();
    void decodeErrors_data();
    void decodeErrors();
    void fieldNamedInError();
    void unpairedSurrogate();
    void writerAndReader();
    void readerReuse();
    void wideStructs_data();
    void wideStructs();
};

// Every type of types.rpc and greeter.rpc: toBody() gives the runtime codec's
// bytes in both formats, and fromBody() reads them back to the same value.
void tst_GeneratedCodec::sameBytesAsRuntime_data()
{
    QTest::addColumn<int>("format");
    QTest::newRow("json") << int(RpcBodyCodec::Json);
    QTest::newRow("cbor") << int(RpcBodyCodec::Cbor);
}

void tst_GeneratedCodec::sameBytesAsRuntime()
{
    QFETCH(int, format);
    const auto f = RpcBodyCodec::Format(format);
    auto check = [&](const auto &value, const RpcTypeSchema &type) {
        using T = std::decay_t<decltype(value)>;
        QVERIFY(type.isValid());
        QString error;
        const QByteArray ours = value.toBody(f, &error);
        QVERIFY2(!ours.isEmpty(), qPrintable(error));
        QCOMPARE(ours, runtimeBody(type, value, f));
        T back;
        QVERIFY2(T::fromBody(ours, &back, f, &error), qPrintable(error));
        QCOMPARE(back, value);
        // The runtime decoder agrees.
        QVariant decoded;
        QVERIFY2(RpcBodyCodec::decode(type, ours, f, &decoded, &error), qPrintable(error));
        QCOMPARE(T::fromVariant(decoded), back);
    };
    const RpcInterfaceFile types = typesInterfaceFile();
    const RpcInterfaceFile greeter = greeterInterfaceFile();
    auto typeOf = [](const RpcInterfaceFile &file, const char *name) {
        return file.typeSchema(QString::fromLatin1(name));
    };
    Random random(1);
    for (int i = 0; i < 20; ++i) {
        check(random.point(), typeOf(types, "Point"));
        check(random.shape(), typeOf(types, "Shape"));
        check(random.node(), typeOf(types, "Node"));
        check(random.everything(), typeOf(types, "Everything"));
    }
    check(Marker(), typeOf(types, "Marker"));
    check(Empty(), typeOf(types, "Empty"));
    Keywords k;
    k.class_ = QStringLiteral("c");
    k.new_ = -3;
    k.delete_ = true;
    k.namespace_ = {QStringLiteral("a"), QStringLiteral("b")};
    check(k, typeOf(types, "Keywords"));
    check(Everything(), typeOf(types, "Everything"));

    GreetRequest request;
    request.name = QStringLiteral("W\u00f6rld");
    request.times = 3;
    check(request, typeOf(greeter, "GreetRequest"));
    request.style = Style::fromCustom(QStringLiteral("Hi"));
    check(request, typeOf(greeter, "GreetRequest"));
    request.style = Style(Style::Shouting);
    check(request, typeOf(greeter, "GreetRequest"));
    GreetResponse response;
    response.greetings = {QStringLiteral("a"), QString()};
    check(response, typeOf(greeter, "GreetResponse"));
    check(Progress{2, 5}, typeOf(greeter, "Progress"));
    LogLine line;
    line.level = Level(Level::Warning);
    line.text = QStringLiteral("careful");
    check(line, typeOf(greeter, "LogLine"));
}

// Random values through the generated JSON codec, compared with the runtime
// codec byte for byte.
void tst_GeneratedCodec::randomRoundTrips()
{
    const RpcTypeSchema type = typesInterfaceFile().typeSchema(QStringLiteral("Everything"));
    for (quint32 seed = 1; seed <= 300; ++seed) {
        Random random(seed);
        const Everything value = random.everything();
        QString error;
        const QByteArray ours = value.toBody(RpcBodyCodec::Json, &error);
        QVERIFY2(!ours.isEmpty(), qPrintable(error));
        QCOMPARE(ours, runtimeBody(type, value, RpcBodyCodec::Json));
        Everything back;
        QVERIFY2(Everything::fromBody(ours, &back, RpcBodyCodec::Json, &error), qPrintable(error));
        // f32 and f64 survive the shortest round-trip form exactly (NaN aside: none here).
        QCOMPARE(back, value);
    }
}

// BTreeMap order is by UTF-8 bytes: U+10000 and up (surrogate pairs in
// UTF-16) come after U+E000..U+FFFF, unlike QMap's UTF-16 order.
void tst_GeneratedCodec::mapKeyOrder()
{
    Everything e;
    e.map.insert(QStringLiteral("\uffff"), Shape(Shape::Nothing));
    e.map.insert(QString::fromUtf16(u"\U0001f600"), Shape(Shape::Nothing));
    e.map.insert(QStringLiteral("a"), Shape(Shape::Nothing));
    const QByteArray body = e.toBody();
    QVERIFY(body.contains(
            "\"map\":{\"a\":\"Nothing\",\"\xef\xbf\xbf\":\"Nothing\",\"\xf0\x9f\x98\x80\":"
            "\"Nothing\"}"));
    QCOMPARE(body,
             runtimeBody(typesInterfaceFile().typeSchema(QStringLiteral("Everything")), e,
                         RpcBodyCodec::Json));
}

// serde_derive also reads a struct from an array of its fields in order.
void tst_GeneratedCodec::sequenceForms()
{
    Point p;
    QVERIFY(Point::fromBody("[1,-2]", &p));
    QCOMPARE(p, (Point{1, -2}));
    QString error;
    QVERIFY(!Point::fromBody("[1]", &p, RpcBodyCodec::Json, &error));
    QCOMPARE(error,
             QStringLiteral("invalid length 1, expected a struct with 2 elements (line 1, "
                            "column 3)"));
    QVERIFY(!Point::fromBody("[1,2,3]", &p, RpcBodyCodec::Json, &error));
    Shape s;
    QVERIFY(Shape::fromBody("{\"Rect\":[{\"x\":1,\"y\":2},[3,4]]}", &s));
    QCOMPARE(s.kind, Shape::Rect);
    QCOMPARE(s.rect.value1, (Point{3, 4}));
    QVERIFY(Shape::fromBody("{\"Nothing\":null}", &s));
    QCOMPARE(s.kind, Shape::Nothing);
    QVERIFY(Shape::fromBody(" \"default\" ", &s));
    QCOMPARE(s.kind, Shape::Default);
}

void tst_GeneratedCodec::defaultsAndUnknownFields()
{
    // Option fields may be missing; unknown fields are skipped.
    GreetRequest r;
    QVERIFY(GreetRequest::fromBody("{\"times\":2,\"extra\":[{\"a\":[1,\"]\"]}],\"name\":\"n\"}",
                                   &r));
    QCOMPARE(r.name, QStringLiteral("n"));
    QCOMPARE(r.times, 2u);
    QVERIFY(!r.style.has_value());
    // fromBody() resets the value first.
    r.style = Style(Style::Plain);
    QVERIFY(GreetRequest::fromBody("{\"times\":2,\"name\":\"n\"}", &r));
    QVERIFY(!r.style.has_value());
    // Unit bodies: () is null.
    Marker m;
    QVERIFY(Marker::fromBody("null", &m));
}

// Bodies that do not decode: the generated decoder fails where the runtime
// decoder fails, with the same message (path, serde's text, position).
void tst_GeneratedCodec::decodeErrors_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QByteArray>("body");
    auto row = [](const char *type, const char *body) {
        QTest::addRow("%s %s", type, body) << QString::fromLatin1(type) << QByteArray(body);
    };
    row("GreetRequest", "{\"name\":\"Gi\",\"times\":-1}");
    row("GreetRequest", "{\"name\":\"Gi\",\"times\":\"3\"}");
    row("GreetRequest", "{\"name\":\"Gi\",\"times\":1.5}");
    row("GreetRequest", "{\"name\":\"Gi\",\"times\":4294967296}");
    row("GreetRequest", "{\"name\":\"Gi\"}");
    row("GreetRequest", "{\"name\":\"Gi\",\"name\":\"x\",\"times\":1}");
    row("GreetRequest", "{\"name\":\"x\",\"times\":1,\"style\":\"Loud\"}");
    row("GreetRequest", "{\"name\":\"x\",\"times\":1,\"style\":\"Custom\"}");
    row("GreetRequest", "{\"name\":\"x\",\"times\":1,\"style\":{\"Custom\":3}}");
    row("GreetRequest", "{\"name\":\"x\",\"times\":1,\"style\":{\"Plain\":1}}");
    row("GreetRequest", "{\"name\":\"x\",\"times\":1,\"style\":{\"Custom\":\"a\",\"b\":1}}");
    row("GreetRequest", "{\"name\":\"x\",\"times\":1} x");
    row("GreetRequest", "{\"name\":\"x\",\"times\":1,}");
    row("GreetRequest", "{\"name\":\"x\" \"times\":1}");
    row("GreetRequest", "{\"name\":\"\\ud800\",\"times\":1}");
    row("GreetRequest", "{\"name\":\"\xff\",\"times\":1}");
    row("GreetRequest", "{\"name\":x}");
    row("GreetRequest", "[\"x\"]");
    row("GreetRequest", "\"x\"");
    row("GreetRequest", "");
    row("GreetRequest", "{");
    row("GreetResponse", "{\"greetings\":[\"a\",1]}");
    row("GreetResponse", "{\"greetings\":[\"a\",]}");
    row("GreetResponse", "{\"greetings\":{}}");
    row("Everything", "{\"flag\":1}");
    row("Everything", "{\"flag\":true,\"small\":200}");
    row("Shape", "{\"Rect\":[{\"x\":1,\"y\":2}]}");
    row("Shape", "{\"Rect\":[{\"x\":1,\"y\":2},{\"x\":1,\"y\":\"2\"}]}");
    row("Shape", "{\"Poly\":{\"points\":[{\"x\":1}],\"closed\":true}}");
    row("Shape", "{\"Poly\":{\"closed\":true}}");
    row("Shape", "{\"Maybe\":5}");
    row("Shape", "{\"Circle\":\"x\"}");
    row("Shape", "{\"Circle\":1e999}");
    row("Shape", "{}");
    row("Shape", "[]");
    row("Node", "{\"label\":\"a\",\"children\":[{\"label\":\"b\",\"children\":[{\"label\":3}]}]}");
    row("Marker", "{}");
    row("Keywords", "{\"class\":\"c\",\"new\":1,\"delete\":true,\"namespace\":[1]}");
    QByteArray deep;
    for (int i = 0; i < 200; ++i)
        deep += "{\"label\":\"a\",\"children\":[";
    row("Node", deep.constData());
}

void tst_GeneratedCodec::decodeErrors()
{
    QFETCH(QString, type);
    QFETCH(QByteArray, body);
    const bool greeter = type.startsWith(QLatin1String("Greet"));
    const RpcTypeSchema schema
            = (greeter ? greeterInterfaceFile() : typesInterfaceFile()).typeSchema(type);
    QVERIFY(schema.isValid());
    QVariant value;
    QString runtimeError;
    QVERIFY(!RpcBodyCodec::decode(schema, body, RpcBodyCodec::Json, &value, &runtimeError));
    QString error;
    bool ok = true;
    if (type == QLatin1String("GreetRequest")) {
        GreetRequest v;
        ok = GreetRequest::fromBody(body, &v, RpcBodyCodec::Json, &error);
    } else if (type == QLatin1String("GreetResponse")) {
        GreetResponse v;
        ok = GreetResponse::fromBody(body, &v, RpcBodyCodec::Json, &error);
    } else if (type == QLatin1String("Everything")) {
        Everything v;
        ok = Everything::fromBody(body, &v, RpcBodyCodec::Json, &error);
    } else if (type == QLatin1String("Shape")) {
        Shape v;
        ok = Shape::fromBody(body, &v, RpcBodyCodec::Json, &error);
    } else if (type == QLatin1String("Node")) {
        Node v;
        ok = Node::fromBody(body, &v, RpcBodyCodec::Json, &error);
    } else if (type == QLatin1String("Marker")) {
        Marker v;
        ok = Marker::fromBody(body, &v, RpcBodyCodec::Json, &error);
    } else if (type == QLatin1String("Keywords")) {
        Keywords v;
        ok = Keywords::fromBody(body, &v, RpcBodyCodec::Json, &error);
    } else {
        QFAIL("no such type in the test");
    }
    QVERIFY(!ok);
    QCOMPARE(error, runtimeError);
}

void tst_GeneratedCodec::fieldNamedInError()
{
    GreetRequest r;
    QString error;
    QVERIFY(!GreetRequest::fromBody("{\"name\":\"Gi\",\"times\":\"x\"}", &r, RpcBodyCodec::Json,
                                    &error));
    QCOMPARE(error,
             QStringLiteral("`times`: invalid type: string, expected u32 (line 1, column "
                            "22)"));
    Everything e;
    QVERIFY(!Everything::fromBody("{\"list\":[{\"x\":1,\"y\":2},{\"x\":1,\"y\":true}]}", &e,
                                  RpcBodyCodec::Json, &error));
    QVERIFY2(error.startsWith(QStringLiteral("`list[1].y`: invalid type: boolean, expected i32")),
             qPrintable(error));
    QVERIFY(!Everything::fromBody("{\"map\":{\"k\":{\"Poly\":{\"points\":[{\"x\":1}]}}}}", &e,
                                  RpcBodyCodec::Json, &error));
    QVERIFY2(error.startsWith(QStringLiteral("`map[\"k\"].Poly.points[0]`: missing field `y`")),
             qPrintable(error));
    // CBOR goes through the runtime codec and names the field as well.
    const QByteArray cbor("\x61x", 2); // the text string "x"
    QVERIFY(!GreetRequest::fromBody(cbor, &r, RpcBodyCodec::Cbor, &error));
    QVERIFY(!error.isEmpty());
}

void tst_GeneratedCodec::unpairedSurrogate()
{
    GreetRequest r;
    r.name = QString(QChar(0xd800));
    QString error;
    QVERIFY(r.toBody(RpcBodyCodec::Json, &error).isEmpty());
    QVERIFY2(error.contains(QStringLiteral("unpaired surrogates")), qPrintable(error));
    QVERIFY(r.toBody(RpcBodyCodec::Cbor, &error).isEmpty());
}

// The public streaming classes on their own.
void tst_GeneratedCodec::writerAndReader()
{
    RpcJsonWriter writer;
    writer.beginObject();
    writer.writeKey("a");
    writer.beginArray();
    writer.writeInteger(-1);
    writer.writeUnsigned(std::numeric_limits<quint64>::max());
    writer.writeDouble(1.0);
    writer.writeDouble(1e100);
    writer.writeFloat(0.1f);
    writer.writeDouble(std::numeric_limits<double>::quiet_NaN());
    writer.writeNull();
    writer.writeBool(false);
    writer.endArray();
    writer.writeKey(QStringView(u"b\"\u00e9"));
    writer.writeString(QStringView(u"\u0001\n"));
    writer.endObject();
    QVERIFY(!writer.hasError());
    const QByteArray expected("{\"a\":[-1,18446744073709551615,1.0,1e100,0.1,null,null,false],"
                              "\"b\\\"\xc3\xa9\":\"\\u0001\\n\"}");
    QCOMPARE(writer.data(), expected);
    QCOMPARE(writer.takeData(), expected);
    QVERIFY(writer.data().isEmpty());

    RpcJsonReader reader(" [1, 2] ");
    QVERIFY(reader.beginSequence());
    QList<qint8> values;
    while (reader.nextElement()) {
        qint8 v = 0;
        QVERIFY(reader.read(&v));
        values.append(v);
    }
    QVERIFY(!reader.hasError());
    QVERIFY(reader.endSequence());
    QVERIFY(reader.atEnd());
    QCOMPARE(values, (QList<qint8>{1, 2}));

    RpcJsonReader bad("{\"k\": [true]}");
    QVERIFY(bad.beginMap());
    QString key;
    QVERIFY(bad.nextKey(&key));
    QCOMPARE(key, QStringLiteral("k"));
    QByteArray bytes;
    QVERIFY(!bad.read(&bytes));
    QVERIFY(bad.hasError());
    QCOMPARE(bad.errorString(),
             QStringLiteral("`[\"k\"][0]`: invalid type: boolean, expected u8 (line 1, column 8)"));
}

// A reader's state is reused by the next reader of the thread: a reading that
// stopped at an error (open containers, fields seen, the error) leaves nothing
// behind, and readers alive at the same time are independent.
void tst_GeneratedCodec::readerReuse()
{
    {
        RpcJsonReader stopped("{\"outer\": [{\"name\": \"a\", \"times\": true");
        QVERIFY(stopped.beginMap());
        QString key;
        QVERIFY(stopped.nextKey(&key));
        QVERIFY(stopped.beginSequence());
        QVERIFY(stopped.nextElement());
        GreetRequest r;
        QVERIFY(!r.readJson(stopped));
        QVERIFY(stopped.hasError());
    }
    GreetRequest r;
    QString error;
    QVERIFY2(GreetRequest::fromBody("{\"name\":\"n\",\"times\":3}", &r, RpcBodyCodec::Json, &error),
             qPrintable(error));
    QCOMPARE(r.name, QStringLiteral("n"));
    QCOMPARE(r.times, 3u);
    // The fields seen by the earlier reading do not count: a missing field fails.
    QVERIFY(!GreetRequest::fromBody("{\"name\":\"n\"}", &r, RpcBodyCodec::Json, &error));
    QCOMPARE(error, QStringLiteral("missing field `times` (line 1, column 13)"));

    // Two readers at once, and a third made while both are alive.
    RpcJsonReader first("[1, 2]");
    RpcJsonReader second("[3]");
    QVERIFY(first.beginSequence());
    QVERIFY(second.beginSequence());
    qint32 a = 0, b = 0;
    QVERIFY(first.nextElement() && first.read(&a));
    QVERIFY(second.nextElement() && second.read(&b));
    {
        RpcJsonReader third("{\"name\":\"x\",\"times\":1}");
        GreetRequest t;
        QVERIFY(t.readJson(third) && third.atEnd());
        QCOMPARE(t.name, QStringLiteral("x"));
    }
    QCOMPARE(a, 1);
    QCOMPARE(b, 3);
    QVERIFY(first.nextElement() && first.read(&a));
    QCOMPARE(a, 2);
    QVERIFY(!first.nextElement() && !first.hasError() && first.endSequence() && first.atEnd());
    QVERIFY(!second.nextElement() && !second.hasError() && second.endSequence() && second.atEnd());

    // A deep body, then a shallow one: the nesting limit starts afresh.
    auto nest = [](const QByteArray &body, int levels) {
        RpcJsonReader reader(body);
        for (int i = 0; i < levels; ++i) {
            if (!reader.beginSequence() || !reader.nextElement())
                return false;
        }
        return true;
    };
    QVERIFY(!nest(QByteArray(200, '[') + QByteArray(200, ']'), 200)); // over the limit
    QVERIFY(nest(QByteArray(100, '[') + '1' + QByteArray(100, ']'), 100));
    QVERIFY(GreetRequest::fromBody("{\"name\":\"y\",\"times\":1}", &r));
    QCOMPARE(r.name, QStringLiteral("y"));
}

QTEST_GUILESS_MAIN(tst_GeneratedCodec)

// Structs of up to 64 fields keep the fields seen in a mask, wider ones in the
// reader's array: both ways (and a wide struct inside a narrow one, and the
// other way round) find missing and duplicate fields.
void tst_GeneratedCodec::wideStructs_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("3") << 3;
    QTest::newRow("63") << 63;
    QTest::newRow("64") << 64;
    QTest::newRow("65") << 65;
    QTest::newRow("70") << 70;
}

void tst_GeneratedCodec::wideStructs()
{
    QFETCH(int, count);
    std::vector<QByteArray> names;
    for (int i = 0; i < count; ++i)
        names.push_back("f" + QByteArray::number(i));
    std::vector<RpcJsonReader::Field> fields;
    for (int i = 0; i < count; ++i)
        fields.push_back({names[size_t(i)].constData(), RpcJsonReader::Required});
    // The last field has a default: it may be left out.
    fields.back().flags = RpcJsonReader::HasDefault;
    static const RpcJsonReader::Field inner[]
            = {{"a", RpcJsonReader::Required}, {"b", RpcJsonReader::Required}};
    // Field 0 is a nested struct {"a", "b"} holding, in "b", the struct again
    // (one level); the others are integers (their index).
    auto body = [&](const QList<int> &order, bool nested) {
        QByteArray text = "{";
        for (int i : order) {
            if (text.size() > 1)
                text += ',';
            text += '"' + names[size_t(i)] + "\":";
            if (i == 0)
                text += nested ? "{\"a\":1,\"b\":" : "{\"a\":1,\"b\":null}";
            else
                text += QByteArray::number(i);
            if (i == 0 && nested) {
                QByteArray inside = "{";
                for (int j = 0; j < count; ++j) {
                    if (j > 0)
                        inside += ',';
                    inside += '"' + names[size_t(j)] + "\":"
                            + (j == 0 ? QByteArray("{\"a\":2,\"b\":null}") : QByteArray::number(j));
                }
                text += inside + "}}";
            }
        }
        return text + '}';
    };
    // Reads the struct; returns the error, or "" with the sum of its integers in *sum.
    std::function<QString(RpcJsonReader &, qint64 *)> read
            = [&](RpcJsonReader &r, qint64 *sum) -> QString {
        if (!r.beginStruct(fields.data(), count))
            return r.errorString();
        for (int i; (i = r.nextField()) != -1;) {
            if (i == -2)
                return r.errorString();
            if (i > 0) {
                qint64 v = 0;
                if (!r.read(&v))
                    return r.errorString();
                *sum += v;
                continue;
            }
            if (!r.beginStruct(inner, 2))
                return r.errorString();
            for (int j; (j = r.nextField()) != -1;) {
                if (j == -2)
                    return r.errorString();
                if (j == 0) {
                    qint64 v = 0;
                    if (!r.read(&v))
                        return r.errorString();
                    continue;
                }
                bool isNull = false;
                if (!r.readIfNull(&isNull))
                    return r.errorString();
                if (!isNull) {
                    const QString error = read(r, sum);
                    if (!error.isEmpty())
                        return error;
                }
            }
            if (!r.endStruct())
                return r.errorString();
        }
        return r.endStruct() ? QString() : r.errorString();
    };
    QList<int> all;
    for (int i = 0; i < count; ++i)
        all.append(i);
    const qint64 full = qint64(count) * (count - 1) / 2;
    for (bool nested : {false, true}) {
        qint64 sum = 0;
        RpcJsonReader reader(body(all, nested));
        QCOMPARE(read(reader, &sum), QString());
        QVERIFY(reader.atEnd());
        QCOMPARE(sum, nested ? 2 * full : full);

        // Out of order (last first), and without the field that has a default.
        QList<int> reversed(all.rbegin(), all.rend());
        reversed.removeFirst();
        sum = 0;
        RpcJsonReader shuffled(body(reversed, nested));
        QCOMPARE(read(shuffled, &sum), QString());
        QCOMPARE(sum, (nested ? 2 * full : full) - (count - 1));

        // A required field missing: named.
        if (count > 2) {
            QList<int> missing = all;
            missing.removeAt(count - 2);
            RpcJsonReader r(body(missing, nested));
            QVERIFY(read(r, &sum).startsWith(QStringLiteral("missing field `f%1`").arg(count - 2)));
        }
        // A field twice: named.
        QList<int> twice = all;
        twice.append(count - 1);
        RpcJsonReader r(body(twice, nested));
        QVERIFY(read(r, &sum).startsWith(QStringLiteral("duplicate field `f%1`").arg(count - 1)));
    }
}

#include "tst_generatedcodec.moc"

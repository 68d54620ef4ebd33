// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The body codecs against the golden serde vectors (serde_json 1.0.87 and
// serde_cbor 0.11.2), plus random round trips.

#include <FizyrRpcQt/rpcbodycodec.h>
#include <FizyrRpcQt/rpcinterfacefile.h>
#include <FizyrRpcQt/rpcjsonwriter.h>

#include <QtCore/qfile.h>
#include <QtCore/qjsonarray.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>

using namespace Fizyr;

namespace {

// --- the type notation of the interop README, turned into Rust source ----

class NotationParser
{
public:
    explicit NotationParser(const QString &text) : m_text(text) { }

    // Returns the Rust type expression; definitions collect in m_defs.
    QString parse()
    {
        const QString t = type();
        skip();
        if (m_pos != m_text.size())
            m_error = QStringLiteral("trailing text at %1").arg(m_pos);
        return t;
    }

    QString definitions() const { return m_defs.join(QLatin1Char('\n')); }
    QString error() const { return m_error; }

private:
    void skip()
    {
        while (m_pos < m_text.size() && m_text.at(m_pos).isSpace())
            ++m_pos;
    }
    bool eat(const QString &s)
    {
        skip();
        if (m_text.mid(m_pos, s.size()) == s) {
            m_pos += s.size();
            return true;
        }
        return false;
    }
    void expect(const QString &s)
    {
        if (!eat(s) && m_error.isEmpty())
            m_error = QStringLiteral("expected %1 at %2").arg(s).arg(m_pos);
    }
    QString ident()
    {
        skip();
        const qsizetype start = m_pos;
        while (m_pos < m_text.size()
               && (m_text.at(m_pos).isLetterOrNumber() || m_text.at(m_pos) == QLatin1Char('_')))
            ++m_pos;
        return m_text.mid(start, m_pos - start);
    }

    QString fields()
    {
        QStringList out;
        while (!eat(QStringLiteral("}"))) {
            const QString name = ident();
            expect(QStringLiteral(":"));
            out.append(name + QStringLiteral(": ") + type());
            eat(QStringLiteral(","));
            if (!m_error.isEmpty())
                break;
        }
        return QStringLiteral("{ ") + out.join(QStringLiteral(", ")) + QStringLiteral(" }");
    }

    QString type()
    {
        if (eat(QStringLiteral("()")))
            return QStringLiteral("()");
        const QString word = ident();
        if (word == QLatin1String("string"))
            return QStringLiteral("String");
        if (word == QLatin1String("bytes"))
            return QStringLiteral("Vec<u8>");
        if (word == QLatin1String("optional") || word == QLatin1String("list")) {
            expect(QStringLiteral("<"));
            const QString inner = type();
            expect(QStringLiteral(">"));
            return (word == QLatin1String("list") ? QStringLiteral("Vec<")
                                                  : QStringLiteral("Option<"))
                    + inner + QLatin1Char('>');
        }
        if (word == QLatin1String("map")) {
            expect(QStringLiteral("<"));
            ident(); // string
            expect(QStringLiteral(","));
            const QString inner = type();
            expect(QStringLiteral(">"));
            return QStringLiteral("BTreeMap<String, ") + inner + QLatin1Char('>');
        }
        if (word == QLatin1String("struct")) {
            const QString name = ident();
            QString def;
            if (eat(QStringLiteral(";")))
                def = QStringLiteral("struct ") + name + QStringLiteral(";");
            else {
                expect(QStringLiteral("{"));
                def = QStringLiteral("struct ") + name + QLatin1Char(' ') + fields();
            }
            addDef(name, def);
            return name;
        }
        if (word == QLatin1String("enum")) {
            const QString name = ident();
            expect(QStringLiteral("{"));
            QStringList variants;
            while (!eat(QStringLiteral("}"))) {
                const QString v = ident();
                if (eat(QStringLiteral("("))) {
                    QStringList types;
                    while (!eat(QStringLiteral(")"))) {
                        types.append(type());
                        eat(QStringLiteral(","));
                        if (!m_error.isEmpty())
                            break;
                    }
                    variants.append(v + QLatin1Char('(') + types.join(QStringLiteral(", "))
                                    + QLatin1Char(')'));
                } else if (eat(QStringLiteral("{"))) {
                    variants.append(v + QLatin1Char(' ') + fields());
                } else {
                    variants.append(v);
                }
                eat(QStringLiteral(","));
                if (!m_error.isEmpty())
                    break;
            }
            addDef(name,
                   QStringLiteral("enum ") + name + QStringLiteral(" { ")
                           + variants.join(QStringLiteral(", ")) + QStringLiteral(" }"));
            return name;
        }
        return word; // bool, i8 .. u64, f32, f64
    }

    void addDef(const QString &name, const QString &def)
    {
        if (!m_names.contains(name)) {
            m_names.append(name);
            m_defs.append(def);
        }
    }

    QString m_text;
    qsizetype m_pos = 0;
    QStringList m_names;
    QStringList m_defs;
    QString m_error;
};

RpcTypeSchema schemaFor(const QString &notation, QString *error)
{
    NotationParser parser(notation);
    const QString expr = parser.parse();
    if (!parser.error().isEmpty()) {
        *error = parser.error();
        return RpcTypeSchema();
    }
    const RpcInterfaceFile file
            = RpcInterfaceFile::parse(parser.definitions(), QStringLiteral("vectors.rpc"));
    if (!file.isValid()) {
        *error = file.errorString();
        return RpcTypeSchema();
    }
    return file.typeSchema(expr, error);
}

// --- Rust Debug notation of values, read by schema -------------------------

class DebugValueParser
{
public:
    explicit DebugValueParser(const QString &text) : m_text(text) { }

    bool parse(const RpcTypeSchema &type, QVariant *out)
    {
        if (!value(type, out))
            return false;
        skip();
        return m_pos == m_text.size();
    }

private:
    void skip()
    {
        while (m_pos < m_text.size() && m_text.at(m_pos).isSpace())
            ++m_pos;
    }
    bool eat(const QString &s)
    {
        skip();
        if (m_text.mid(m_pos, s.size()) == s) {
            m_pos += s.size();
            return true;
        }
        return false;
    }
    QString token()
    {
        skip();
        const qsizetype start = m_pos;
        while (m_pos < m_text.size()
               && (m_text.at(m_pos).isLetterOrNumber() || m_text.at(m_pos) == QLatin1Char('_')
                   || m_text.at(m_pos) == QLatin1Char('-') || m_text.at(m_pos) == QLatin1Char('.')
                   || m_text.at(m_pos) == QLatin1Char('+')))
            ++m_pos;
        return m_text.mid(start, m_pos - start);
    }

    bool string(QString *out)
    {
        if (!eat(QStringLiteral("\"")))
            return false;
        while (m_pos < m_text.size()) {
            const QChar c = m_text.at(m_pos++);
            if (c == QLatin1Char('"'))
                return true;
            if (c != QLatin1Char('\\')) {
                out->append(c);
                continue;
            }
            const QChar e = m_text.at(m_pos++);
            switch (e.unicode()) {
            case 'n':
                out->append(QLatin1Char('\n'));
                break;
            case 't':
                out->append(QLatin1Char('\t'));
                break;
            case 'r':
                out->append(QLatin1Char('\r'));
                break;
            case '0':
                out->append(QChar(0));
                break;
            case 'u': {
                m_pos++; // {
                const qsizetype close = m_text.indexOf(QLatin1Char('}'), m_pos);
                const uint cp = m_text.mid(m_pos, close - m_pos).toUInt(nullptr, 16);
                m_pos = close + 1;
                const char32_t c32 = cp;
                out->append(QString::fromUcs4(&c32, 1));
                break;
            }
            default:
                out->append(e);
            }
        }
        return false;
    }

    bool fieldsOf(const QList<RpcField> &fields, QVariantMap *out)
    {
        if (!eat(QStringLiteral("{")))
            return true; // `Empty` for struct Empty {}
        while (!eat(QStringLiteral("}"))) {
            const QString name = token();
            if (!eat(QStringLiteral(":")))
                return false;
            RpcField field;
            for (const RpcField &f : fields) {
                if (f.name() == name)
                    field = f;
            }
            if (!field.isValid())
                return false;
            QVariant v;
            if (!value(field.type(), &v))
                return false;
            out->insert(field.wireName(), v);
            eat(QStringLiteral(","));
        }
        return true;
    }

    bool value(const RpcTypeSchema &type, QVariant *out)
    {
        switch (type.kind()) {
        case RpcTypeSchema::Unit:
            *out = QVariant::fromValue(nullptr);
            return eat(QStringLiteral("()"));
        case RpcTypeSchema::Bool: {
            const QString t = token();
            *out = t == QLatin1String("true");
            return t == QLatin1String("true") || t == QLatin1String("false");
        }
        case RpcTypeSchema::I8:
        case RpcTypeSchema::I16:
        case RpcTypeSchema::I32:
        case RpcTypeSchema::I64: {
            bool ok;
            *out = token().toLongLong(&ok);
            return ok;
        }
        case RpcTypeSchema::U8:
        case RpcTypeSchema::U16:
        case RpcTypeSchema::U32:
        case RpcTypeSchema::U64: {
            bool ok;
            *out = token().toULongLong(&ok);
            return ok;
        }
        case RpcTypeSchema::F32:
        case RpcTypeSchema::F64: {
            const QString t = token();
            double d;
            if (t == QLatin1String("NaN"))
                d = std::numeric_limits<double>::quiet_NaN();
            else if (t == QLatin1String("inf"))
                d = std::numeric_limits<double>::infinity();
            else if (t == QLatin1String("-inf"))
                d = -std::numeric_limits<double>::infinity();
            else if (type.kind() == RpcTypeSchema::F32)
                d = double(std::strtof(t.toLatin1().constData(), nullptr));
            else
                d = std::strtod(t.toLatin1().constData(), nullptr);
            *out = d;
            return !t.isEmpty();
        }
        case RpcTypeSchema::String: {
            QString s;
            skip();
            if (!string(&s))
                return false;
            *out = s;
            return true;
        }
        case RpcTypeSchema::Vec: {
            if (!eat(QStringLiteral("[")))
                return false;
            QVariantList list;
            while (!eat(QStringLiteral("]"))) {
                QVariant v;
                if (!value(type.elementType(), &v))
                    return false;
                list.append(v);
                eat(QStringLiteral(","));
            }
            if (type.isBytes()) {
                QByteArray bytes;
                for (const QVariant &v : list)
                    bytes.append(char(v.toUInt()));
                *out = bytes;
            } else {
                *out = list;
            }
            return true;
        }
        case RpcTypeSchema::Option:
            if (eat(QStringLiteral("None"))) {
                *out = QVariant::fromValue(nullptr);
                return true;
            }
            if (!eat(QStringLiteral("Some(")))
                return false;
            if (!value(type.elementType(), out))
                return false;
            return eat(QStringLiteral(")"));
        case RpcTypeSchema::Map: {
            if (!eat(QStringLiteral("{")))
                return false;
            QVariantMap map;
            while (!eat(QStringLiteral("}"))) {
                QString key;
                skip();
                if (!string(&key) || !eat(QStringLiteral(":")))
                    return false;
                QVariant v;
                if (!value(type.elementType(), &v))
                    return false;
                map.insert(key, v);
                eat(QStringLiteral(","));
            }
            *out = map;
            return true;
        }
        case RpcTypeSchema::Struct: {
            if (token() != type.name())
                return false;
            if (type.isUnitStruct()) {
                *out = QVariant::fromValue(nullptr);
                return true;
            }
            QVariantMap map;
            if (!fieldsOf(type.fields(), &map))
                return false;
            *out = map;
            return true;
        }
        case RpcTypeSchema::Enum: {
            const QString name = token();
            RpcVariant variant;
            for (const RpcVariant &v : type.variants()) {
                if (v.name() == name)
                    variant = v;
            }
            if (!variant.isValid())
                return false;
            QVariant data;
            switch (variant.kind()) {
            case RpcVariant::Unit:
                *out = variant.wireName();
                return true;
            case RpcVariant::Newtype:
                if (!eat(QStringLiteral("(")) || !value(variant.types().first(), &data)
                    || !eat(QStringLiteral(")")))
                    return false;
                break;
            case RpcVariant::Tuple: {
                QVariantList list;
                if (eat(QStringLiteral("("))) {
                    for (const RpcTypeSchema &t : variant.types()) {
                        QVariant v;
                        if (!value(t, &v))
                            return false;
                        list.append(v);
                        eat(QStringLiteral(","));
                    }
                    if (!eat(QStringLiteral(")")))
                        return false;
                }
                data = list;
                break;
            }
            case RpcVariant::Struct: {
                QVariantMap map;
                if (!fieldsOf(variant.fields(), &map))
                    return false;
                data = map;
                break;
            }
            }
            QVariantMap map;
            map.insert(variant.wireName(), data);
            *out = map;
            return true;
        }
        case RpcTypeSchema::Invalid:
            return false;
        }
        return false;
    }

    QString m_text;
    qsizetype m_pos = 0;
};

// Deep comparison of decoded values: types and float bits must match.
bool sameValue(const QVariant &a, const QVariant &b, QString *why)
{
    const int ta = a.metaType().id();
    const int tb = b.metaType().id();
    if (ta != tb) {
        *why = QStringLiteral("type %1 vs %2")
                       .arg(QLatin1String(a.metaType().name()), QLatin1String(b.metaType().name()));
        return false;
    }
    switch (ta) {
    case QMetaType::Double: {
        const double x = a.toDouble(), y = b.toDouble();
        if (std::isnan(x) && std::isnan(y))
            return true;
        quint64 bx, by;
        std::memcpy(&bx, &x, 8);
        std::memcpy(&by, &y, 8);
        if (bx != by) {
            *why = QStringLiteral("%1 vs %2").arg(x, 0, 'g', 17).arg(y, 0, 'g', 17);
            return false;
        }
        return true;
    }
    case QMetaType::QVariantList: {
        const QVariantList la = a.toList(), lb = b.toList();
        if (la.size() != lb.size()) {
            *why = QStringLiteral("list sizes %1 vs %2").arg(la.size()).arg(lb.size());
            return false;
        }
        for (qsizetype i = 0; i < la.size(); ++i) {
            if (!sameValue(la.at(i), lb.at(i), why))
                return false;
        }
        return true;
    }
    case QMetaType::QVariantMap: {
        const QVariantMap ma = a.toMap(), mb = b.toMap();
        if (ma.keys() != mb.keys()) {
            *why = QStringLiteral("keys %1 vs %2")
                           .arg(ma.keys().join(QLatin1Char(',')), mb.keys().join(QLatin1Char(',')));
            return false;
        }
        for (auto it = ma.cbegin(); it != ma.cend(); ++it) {
            if (!sameValue(it.value(), mb.value(it.key()), why))
                return false;
        }
        return true;
    }
    case QMetaType::Nullptr:
        return true;
    default:
        if (a != b) {
            *why = QStringLiteral("%1 vs %2").arg(a.toString(), b.toString());
            return false;
        }
        return true;
    }
}

QJsonObject loadVectors()
{
    QFile file(QStringLiteral(SERDE_VECTORS));
    if (!file.open(QIODevice::ReadOnly))
        return QJsonObject();
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class tst_InterfaceCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void encodeVectors_data();
    void encodeVectors();
    void decodeVectors_data();
    void decodeVectors();
    void vectorSummary();
    void encodeErrorsNamePath_data();
    void encodeErrorsNamePath();
    void decodeErrorsNamePath();
    void lenientEncoderInputs();
    void shortestFloats();
    void shortestFloatsFastPath_data();
    void shortestFloatsFastPath();
    void randomRoundTrips_data();
    void randomRoundTrips();
    void defaultValues();
    void hostileInput();

private:
    QJsonObject m_vectors;
    int m_encodeTotal = 0;
    int m_encodeIdentical = 0;
    int m_decodeTotal = 0;
    int m_decodeAgreeing = 0;
};

void tst_InterfaceCodec::initTestCase()
{
    m_vectors = loadVectors();
    QVERIFY2(!m_vectors.isEmpty(), SERDE_VECTORS);
    QCOMPARE(m_vectors.value(QStringLiteral("encode")).toArray().size(), 88);
    QCOMPARE(m_vectors.value(QStringLiteral("decode")).toArray().size(), 62);
}

void tst_InterfaceCodec::encodeVectors_data()
{
    QTest::addColumn<QJsonObject>("vector");
    for (const QJsonValue &v : m_vectors.value(QStringLiteral("encode")).toArray())
        QTest::newRow(qPrintable(v.toObject().value(QStringLiteral("name")).toString()))
                << v.toObject();
}

void tst_InterfaceCodec::encodeVectors()
{
    QFETCH(QJsonObject, vector);
    ++m_encodeTotal;
    QString error;
    const RpcTypeSchema type = schemaFor(vector.value(QStringLiteral("type")).toString(), &error);
    QVERIFY2(type.isValid(), qPrintable(error));
    QVariant value;
    QVERIFY2(DebugValueParser(vector.value(QStringLiteral("value")).toString()).parse(type, &value),
             "cannot read the value");

    const QByteArray expectedJson = vector.contains(QStringLiteral("json_utf8_hex"))
            ? QByteArray::fromHex(
                    vector.value(QStringLiteral("json_utf8_hex")).toString().toLatin1())
            : vector.value(QStringLiteral("json")).toString().toUtf8();
    const QByteArray expectedCbor
            = QByteArray::fromHex(vector.value(QStringLiteral("cbor_hex")).toString().toLatin1());

    QByteArray json, cbor;
    QVERIFY2(RpcBodyCodec::encode(type, value, RpcBodyCodec::Json, &json, &error),
             qPrintable(error));
    QVERIFY2(RpcBodyCodec::encode(type, value, RpcBodyCodec::Cbor, &cbor, &error),
             qPrintable(error));
    QCOMPARE(json, expectedJson);
    QCOMPARE(cbor.toHex(), expectedCbor.toHex());
    ++m_encodeIdentical;

    // Decoding the encodings back gives the value, or what serde says.
    for (const auto format : {RpcBodyCodec::Json, RpcBodyCodec::Cbor}) {
        const QString roundtrip
                = vector.value(format == RpcBodyCodec::Json ? QStringLiteral("json_roundtrip")
                                                            : QStringLiteral("cbor_roundtrip"))
                          .toString();
        QVariant decoded;
        const bool ok = RpcBodyCodec::decode(type, format == RpcBodyCodec::Json ? json : cbor,
                                             format, &decoded, &error);
        if (roundtrip.startsWith(QLatin1String("decode error"))) {
            QVERIFY2(!ok, "serde fails to decode this back");
            continue;
        }
        QVERIFY2(ok, qPrintable(error));
        QVariant expected = value;
        if (roundtrip.startsWith(QLatin1String("decodes back as "))) {
            QVERIFY(DebugValueParser(roundtrip.mid(16)).parse(type, &expected));
        }
        QString why;
        QVERIFY2(sameValue(decoded, expected, &why), qPrintable(why));
    }
}

void tst_InterfaceCodec::decodeVectors_data()
{
    QTest::addColumn<QJsonObject>("vector");
    for (const QJsonValue &v : m_vectors.value(QStringLiteral("decode")).toArray())
        QTest::newRow(qPrintable(v.toObject().value(QStringLiteral("name")).toString()))
                << v.toObject();
}

void tst_InterfaceCodec::decodeVectors()
{
    QFETCH(QJsonObject, vector);
    ++m_decodeTotal;
    QString error;
    const RpcTypeSchema type = schemaFor(vector.value(QStringLiteral("type")).toString(), &error);
    QVERIFY2(type.isValid(), qPrintable(error));
    const bool isJson = vector.contains(QStringLiteral("input_json"));
    const QByteArray input = isJson
            ? vector.value(QStringLiteral("input_json")).toString().toUtf8()
            : QByteArray::fromHex(
                    vector.value(QStringLiteral("input_cbor_hex")).toString().toLatin1());
    QVariant decoded;
    const bool ok = RpcBodyCodec::decode(
            type, input, isJson ? RpcBodyCodec::Json : RpcBodyCodec::Cbor, &decoded, &error);
    const bool serdeOk = vector.value(QStringLiteral("result")).toString() == QLatin1String("ok");
    if (!serdeOk) {
        QVERIFY2(!ok,
                 qPrintable(QStringLiteral("accepted what serde rejects (%1)")
                                    .arg(vector.value(QStringLiteral("error")).toString())));
        QVERIFY(!error.isEmpty());
        ++m_decodeAgreeing;
        return;
    }
    QVERIFY2(ok, qPrintable(error));
    QVariant expected;
    QVERIFY2(DebugValueParser(vector.value(QStringLiteral("value")).toString())
                     .parse(type, &expected),
             "cannot read the expected value");
    QString why;
    QVERIFY2(sameValue(decoded, expected, &why), qPrintable(why));
    ++m_decodeAgreeing;
}

void tst_InterfaceCodec::vectorSummary()
{
    qInfo("serde vectors: encode identical %d/%d, decode agreeing %d/%d", m_encodeIdentical,
          m_encodeTotal, m_decodeAgreeing, m_decodeTotal);
    QCOMPARE(m_encodeTotal, 88);
    QCOMPARE(m_decodeTotal, 62);
    QCOMPARE(m_encodeIdentical, 88);
    QCOMPARE(m_decodeAgreeing, 62);
}

static RpcInterfaceFile sampleFile()
{
    return RpcInterfaceFile::parse(QStringLiteral(R"(
        struct Point { x: i32, y: i32 }
        enum Shape { Dot, Circle { center: Point, radius: f64 }, Poly(Vec<Point>), Pair(u8, u8) }
        struct Scene {
            name: String,
            shapes: Vec<Shape>,
            tags: BTreeMap<String, u16>,
            note: Option<String>,
            #[serde(default)]
            weight: f32,
            #[serde(rename = "kind")]
            r#type: u8,
        }
    )"),
                                   QStringLiteral("sample.rpc"));
}

void tst_InterfaceCodec::encodeErrorsNamePath_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("path");
    // Written as JSON, read with QJsonDocument (so numbers are doubles, as from QML).
    QTest::newRow("wrong-type") << R"({"name": 5, "shapes": [], "tags": {}, "kind": 1})"
                                << "`name`: expected a string";
    QTest::newRow("nested")
            << R"({"name": "s", "shapes": ["Dot", {"Circle": {"center": {"x": 1, "y": "2"}, "radius": 1}}], "tags": {}, "kind": 1})"
            << "`shapes[1].Circle.center.y`: expected an integer";
    QTest::newRow("range") << R"({"name": "s", "shapes": [], "tags": {"a": 70000}, "kind": 1})"
                           << "`tags[\"a\"]`: value 70000 is out of range for u16";
    QTest::newRow("fraction") << R"({"name": "s", "shapes": [], "tags": {}, "kind": 1.5})"
                              << "`kind`: expected an integer";
    QTest::newRow("missing") << R"({"name": "s", "tags": {}, "kind": 1})"
                             << "`shapes`: missing field";
    QTest::newRow("unknown-field")
            << R"({"name": "s", "shapes": [], "tags": {}, "kind": 1, "nmae": 1})"
            << "unknown field `nmae` of Scene";
    QTest::newRow("unknown-variant")
            << R"({"name": "s", "shapes": ["Square"], "tags": {}, "kind": 1})"
            << "`shapes[0]`: unknown variant `Square` of Shape";
    QTest::newRow("variant-needs-data")
            << R"({"name": "s", "shapes": ["Poly"], "tags": {}, "kind": 1})"
            << "`shapes[0]`: variant `Poly` needs data";
    QTest::newRow("tuple-length")
            << R"({"name": "s", "shapes": [{"Pair": [1]}], "tags": {}, "kind": 1})"
            << "`shapes[0].Pair`: expected 2 elements, got 1";
}

void tst_InterfaceCodec::encodeErrorsNamePath()
{
    QFETCH(QString, json);
    QFETCH(QString, path);
    const RpcTypeSchema scene = sampleFile().type(QStringLiteral("Scene"));
    QVERIFY(scene.isValid());
    const QVariant value = QJsonDocument::fromJson(json.toUtf8()).toVariant();
    QVERIFY(value.isValid());
    for (const auto format : {RpcBodyCodec::Json, RpcBodyCodec::Cbor}) {
        QByteArray body = "untouched";
        QString error;
        QVERIFY(!RpcBodyCodec::encode(scene, value, format, &body, &error));
        QCOMPARE(body, QByteArray("untouched"));
        QVERIFY2(error.startsWith(path), qPrintable(error));
    }
}

void tst_InterfaceCodec::decodeErrorsNamePath()
{
    const RpcTypeSchema scene = sampleFile().type(QStringLiteral("Scene"));
    QString error;
    QVariant value = QStringLiteral("untouched");
    QVERIFY(!RpcBodyCodec::decode(
            scene,
            R"({"name":"s","shapes":["Dot",{"Circle":{"center":{"x":1,"y":"2"},"radius":1}}],"tags":{},"kind":1})",
            RpcBodyCodec::Json, &value, &error));
    QCOMPARE(value, QVariant(QStringLiteral("untouched")));
    QVERIFY2(error.startsWith(QLatin1String("`shapes[1].Circle.center.y`: invalid type: string")),
             qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("line 1, column")), qPrintable(error));

    // {"name": "s", "shapes": [], "tags": {"a": -1}, "kind": 1} in CBOR
    const QByteArray cbor
            = QByteArray::fromHex("a4646e616d65617366736861706573806474616773a1616120646b696e6401");
    QVERIFY(!RpcBodyCodec::decode(scene, cbor, RpcBodyCodec::Cbor, &value, &error));
    QVERIFY2(error.startsWith(
                     QLatin1String("`tags[\"a\"]`: invalid value: integer `-1`, expected u16")),
             qPrintable(error));

    // Missing and defaulted fields.
    QVERIFY(RpcBodyCodec::decode(scene, R"({"name":"s","shapes":[],"tags":{},"kind":2})",
                                 RpcBodyCodec::Json, &value, &error));
    QCOMPARE(value.toMap().value(QStringLiteral("weight")), QVariant(0.0));
    QCOMPARE(value.toMap().value(QStringLiteral("note")), QVariant::fromValue(nullptr));
    QCOMPARE(value.toMap().value(QStringLiteral("kind")), QVariant(quint64(2)));
    QVERIFY(!RpcBodyCodec::decode(scene, R"({"name":"s","shapes":[],"tags":{}})",
                                  RpcBodyCodec::Json, &value, &error));
    QVERIFY2(error.startsWith(QLatin1String("missing field `kind`")), qPrintable(error));

    // Empty bodies are not JSON or CBOR, even for ().
    const RpcTypeSchema unit = sampleFile().typeSchema(QStringLiteral("()"));
    QVERIFY(!RpcBodyCodec::decode(unit, QByteArray(), RpcBodyCodec::Json, &value, &error));
    QVERIFY(!RpcBodyCodec::decode(unit, QByteArray(), RpcBodyCodec::Cbor, &value, &error));
    QVERIFY(RpcBodyCodec::decode(unit, "null", RpcBodyCodec::Json, &value, &error));
}

void tst_InterfaceCodec::lenientEncoderInputs()
{
    const RpcInterfaceFile file = sampleFile();
    QByteArray body;
    QString error;
    // Integers of any C++ type, integral doubles, QVariantHash, QStringList, QByteArray or list for Vec<u8>.
    QVERIFY(RpcBodyCodec::encode(
            file.typeSchema(QStringLiteral("Vec<i64>")),
            QVariantList{1, 2u, qint64(-3), 4.0, QVariant::fromValue<short>(5)}, RpcBodyCodec::Json,
            &body, &error));
    QCOMPARE(body, QByteArray("[1,2,-3,4,5]"));
    QVERIFY(RpcBodyCodec::encode(file.typeSchema(QStringLiteral("Vec<String>")),
                                 QStringList{QStringLiteral("a"), QStringLiteral("b")},
                                 RpcBodyCodec::Json, &body, &error));
    QCOMPARE(body, QByteArray(R"(["a","b"])"));
    QVERIFY(RpcBodyCodec::encode(file.typeSchema(QStringLiteral("Vec<u8>")),
                                 QByteArray("\x01\xff", 2), RpcBodyCodec::Json, &body, &error));
    QCOMPARE(body, QByteArray("[1,255]"));
    QVERIFY(RpcBodyCodec::encode(file.typeSchema(QStringLiteral("Vec<u8>")), QVariantList{1, 255},
                                 RpcBodyCodec::Cbor, &body, &error));
    QCOMPARE(body.toHex(), QByteArray("820118ff"));
    QVERIFY(RpcBodyCodec::encode(
            file.typeSchema(QStringLiteral("HashMap<String, bool>")),
            QVariantHash{{QStringLiteral("b"), true}, {QStringLiteral("a"), false}},
            RpcBodyCodec::Json, &body, &error));
    QCOMPARE(body, QByteArray(R"({"a":false,"b":true})"));
    // Unit variant also as {"Dot": null}; Option and () as an invalid QVariant.
    QVERIFY(RpcBodyCodec::encode(file.type(QStringLiteral("Shape")),
                                 QVariantMap{{QStringLiteral("Dot"), QVariant()}},
                                 RpcBodyCodec::Json, &body, &error));
    QCOMPARE(body, QByteArray(R"("Dot")"));
    QVERIFY(RpcBodyCodec::encode(file.typeSchema(QStringLiteral("Option<()>")), QVariant(),
                                 RpcBodyCodec::Cbor, &body, &error));
    QCOMPARE(body.toHex(), QByteArray("f6"));
    // Booleans are not integers, strings are not numbers.
    QVERIFY(!RpcBodyCodec::encode(file.typeSchema(QStringLiteral("u8")), true, RpcBodyCodec::Json,
                                  &body, &error));
    QVERIFY(!RpcBodyCodec::encode(file.typeSchema(QStringLiteral("f64")), QStringLiteral("1"),
                                  RpcBodyCodec::Json, &body, &error));
    // Lone surrogates cannot be UTF-8.
    QVERIFY(!RpcBodyCodec::encode(file.typeSchema(QStringLiteral("String")), QString(QChar(0xd800)),
                                  RpcBodyCodec::Json, &body, &error));
}

void tst_InterfaceCodec::shortestFloats()
{
    // Every JSON float text reads back (with a correctly rounded parser) as the same bits.
    const RpcTypeSchema f64 = RpcInterfaceFile().typeSchema(QStringLiteral("f64"));
    const RpcTypeSchema f32 = RpcInterfaceFile().typeSchema(QStringLiteral("f32"));
    QRandomGenerator rng(1234);
    for (int i = 0; i < 20000; ++i) {
        quint64 bits = rng.generate64();
        double d;
        std::memcpy(&d, &bits, 8);
        if (!std::isfinite(d))
            continue;
        QByteArray body;
        QVERIFY(RpcBodyCodec::encode(f64, d, RpcBodyCodec::Json, &body));
        const double back = std::strtod(body.constData(), nullptr);
        QVERIFY2(std::memcmp(&back, &d, 8) == 0, body.constData());
        QVERIFY2(body.contains('.') || body.contains('e'), body.constData());

        const quint32 fbits = rng.generate();
        float f;
        std::memcpy(&f, &fbits, 4);
        if (!std::isfinite(f))
            continue;
        QVERIFY(RpcBodyCodec::encode(f32, double(f), RpcBodyCodec::Json, &body));
        const float fback = std::strtof(body.constData(), nullptr);
        QVERIFY2(std::memcmp(&fback, &f, 4) == 0, body.constData());
    }
    // ryu's layout switches.
    const QList<QPair<double, const char *>> doubles = {
            {1e16, "1e16"},     {1e15, "1000000000000000.0"},
            {1.5e16, "1.5e16"}, {123456.789, "123456.789"},
            {1e-5, "0.00001"},  {1.25e-5, "0.0000125"},
            {1e-6, "1e-6"},     {-2.5e-7, "-2.5e-7"},
            {1e21, "1e21"},     {12345678901234567e5, "1.2345678901234568e21"},
    };
    for (const auto &c : doubles) {
        QByteArray body;
        QVERIFY(RpcBodyCodec::encode(f64, c.first, RpcBodyCodec::Json, &body));
        QCOMPARE(body, QByteArray(c.second));
    }
    const QList<QPair<float, const char *>> floats = {
            {1e13f, "1e13"},     {1e12f, "1000000000000.0"},  {1e-5f, "0.00001"},
            {1e-6f, "0.000001"}, {1.5e-6f, "0.0000015"},      {1e-7f, "1e-7"},
            {0.3f, "0.3"},       {16777216.0f, "16777216.0"},
    };
    for (const auto &c : floats) {
        QByteArray body;
        QVERIFY(RpcBodyCodec::encode(f32, double(c.first), RpcBodyCodec::Json, &body));
        QCOMPARE(body, QByteArray(c.second));
    }
}

namespace {

// ryu's format64 / format32 layout over std::to_chars' shortest scientific
// digits: the reference the codec's fast path must agree with.
template<typename F>
QByteArray referenceShortest(F value, int maxIntegerDigits, int minExponent)
{
    if (value == 0)
        return std::signbit(value) ? QByteArray("-0.0") : QByteArray("0.0");
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    const QByteArray sci(buf, int(res.ptr - buf));
    QByteArray out;
    qsizetype i = 0;
    if (sci.at(0) == '-') {
        out += '-';
        i = 1;
    }
    const qsizetype e = sci.indexOf('e');
    QByteArray digits = sci.mid(i, e - i);
    digits.replace(".", "");
    const int length = int(digits.size());
    const int kk = sci.mid(e + 1).toInt() + 1;
    const int k = kk - length;
    if (0 <= k && kk <= maxIntegerDigits)
        out += digits + QByteArray(k, '0') + ".0";
    else if (0 < kk && kk <= maxIntegerDigits)
        out += digits.left(kk) + '.' + digits.mid(kk);
    else if (minExponent < kk && kk <= 0)
        out += "0." + QByteArray(-kk, '0') + digits;
    else
        out += digits.left(1) + (length > 1 ? '.' + digits.mid(1) : QByteArray()) + 'e'
                + QByteArray::number(kk - 1);
    return out;
}

} // namespace

void tst_InterfaceCodec::shortestFloatsFastPath_data()
{
    QTest::addColumn<int>("kind"); // 0: multiples of 2^-k, 1: random bits, 2: extremes
    QTest::newRow("short binary fractions") << 0;
    QTest::newRow("random bits") << 1;
    QTest::newRow("subnormals, zeros, big and small exponents") << 2;
}

// The codec's shortest floats (a fast path for short binary fractions, else
// std::to_chars) agree byte for byte with the plain std::to_chars layout.
void tst_InterfaceCodec::shortestFloatsFastPath()
{
    QFETCH(int, kind);
    const RpcTypeSchema f64 = RpcInterfaceFile().typeSchema(QStringLiteral("f64"));
    const RpcTypeSchema f32 = RpcInterfaceFile().typeSchema(QStringLiteral("f32"));
    QRandomGenerator rng(4321 + quint32(kind));
    QList<double> doubles;
    QList<float> floats;
    if (kind == 0) {
        for (int i = 0; i < 40000; ++i) {
            const int bits = int(rng.bounded(42));
            const double m = double(rng.generate64() >> (64 - qMax(bits, 1)));
            const double v = std::ldexp(m, -int(rng.bounded(14))) * (rng.bounded(2) ? -1 : 1);
            doubles.append(v);
            floats.append(float(v));
            floats.append(std::ldexp(float(rng.bounded(1u << 24)), -int(rng.bounded(14))));
        }
        for (double v : {1.5, -2.25, 0.5, 1e9, 1073741823.999, 1073741824.0, 999999999999999.0,
                         0.0009765625, 0.00048828125, 123456.789, 0.1, 3.0})
            doubles.append(v);
    } else if (kind == 1) {
        for (int i = 0; i < 40000; ++i) {
            const quint64 bits = rng.generate64();
            double d;
            std::memcpy(&d, &bits, 8);
            if (std::isfinite(d))
                doubles.append(d);
            const quint32 fbits = rng.generate();
            float f;
            std::memcpy(&f, &fbits, 4);
            if (std::isfinite(f))
                floats.append(f);
        }
    } else {
        doubles = {0.0,
                   -0.0,
                   std::numeric_limits<double>::denorm_min(),
                   -std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::min(),
                   std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::lowest(),
                   std::numeric_limits<double>::epsilon()};
        floats = {0.0f,
                  -0.0f,
                  std::numeric_limits<float>::denorm_min(),
                  std::numeric_limits<float>::min(),
                  std::numeric_limits<float>::max(),
                  std::numeric_limits<float>::lowest()};
        for (int i = 0; i < 20000; ++i) {
            const double m = 1.0 + double(rng.bounded(1u << 20)) / double(1u << 20);
            doubles.append(std::ldexp(m, int(rng.bounded(2098)) - 1074));
            floats.append(std::ldexp(float(m), int(rng.bounded(277)) - 149));
        }
    }
    for (double d : doubles) {
        QByteArray body;
        QVERIFY(RpcBodyCodec::encode(f64, d, RpcBodyCodec::Json, &body));
        QCOMPARE(body, referenceShortest(d, 16, -5));
        RpcJsonWriter writer;
        writer.writeDouble(d);
        QCOMPARE(writer.data(), body);
    }
    for (float f : floats) {
        if (!std::isfinite(f))
            continue;
        QByteArray body;
        QVERIFY(RpcBodyCodec::encode(f32, double(f), RpcBodyCodec::Json, &body));
        QCOMPARE(body, referenceShortest(f, 13, -6));
        RpcJsonWriter writer;
        writer.writeFloat(f);
        QCOMPARE(writer.data(), body);
    }
}

namespace {

QVariant randomValue(const RpcTypeSchema &type, QRandomGenerator &rng, int depth, bool json)
{
    switch (type.kind()) {
    case RpcTypeSchema::Unit:
        return QVariant::fromValue(nullptr);
    case RpcTypeSchema::Bool:
        return rng.bounded(2) == 1;
    case RpcTypeSchema::I8:
        return qint64(qint8(rng.generate()));
    case RpcTypeSchema::I16:
        return qint64(qint16(rng.generate()));
    case RpcTypeSchema::I32:
        return qint64(qint32(rng.generate()));
    case RpcTypeSchema::I64:
        return qint64(rng.generate64());
    case RpcTypeSchema::U8:
        return quint64(quint8(rng.generate()));
    case RpcTypeSchema::U16:
        return quint64(quint16(rng.generate()));
    case RpcTypeSchema::U32:
        return quint64(rng.generate());
    case RpcTypeSchema::U64:
        return quint64(rng.generate64());
    case RpcTypeSchema::F32:
    case RpcTypeSchema::F64: {
        // Small magnitudes (exact in JSON with serde's parser) for JSON, any bits for CBOR.
        if (json)
            return double(qint16(rng.generate())) / 64.0;
        if (type.kind() == RpcTypeSchema::F32) {
            const quint32 bits = rng.generate();
            float f;
            std::memcpy(&f, &bits, 4);
            return std::isnan(f) ? 0.0 : double(f);
        }
        const quint64 bits = rng.generate64();
        double d;
        std::memcpy(&d, &bits, 8);
        return std::isnan(d) ? 0.0 : d;
    }
    case RpcTypeSchema::String: {
        QString s;
        const int n = rng.bounded(8);
        for (int i = 0; i < n; ++i) {
            const char32_t pool[] = {U'a', U'"',      U'\\',         U'\n', U'\x01', U'\x7f',
                                     U'é', U'\u2028', U'\U0001F600', U'/',  U'z'};
            const char32_t c = pool[rng.bounded(int(std::size(pool)))];
            s += QString::fromUcs4(&c, 1);
        }
        return s;
    }
    case RpcTypeSchema::Vec: {
        const int n = depth > 3 ? 0 : rng.bounded(4);
        if (type.isBytes()) {
            QByteArray bytes;
            for (int i = 0; i < n; ++i)
                bytes.append(char(rng.generate()));
            return bytes;
        }
        QVariantList list;
        for (int i = 0; i < n; ++i)
            list.append(randomValue(type.elementType(), rng, depth + 1, json));
        return list;
    }
    case RpcTypeSchema::Option: {
        const RpcTypeSchema::Kind inner = type.elementType().kind();
        const bool nullable = inner == RpcTypeSchema::Unit || inner == RpcTypeSchema::Option
                || type.elementType().isUnitStruct();
        if (nullable || rng.bounded(2) == 0)
            return QVariant::fromValue(nullptr);
        return randomValue(type.elementType(), rng, depth + 1, json);
    }
    case RpcTypeSchema::Map: {
        QVariantMap map;
        const int n = depth > 3 ? 0 : rng.bounded(4);
        for (int i = 0; i < n; ++i)
            map.insert(randomValue(RpcInterfaceFile().typeSchema(QStringLiteral("String")), rng,
                                   depth, json)
                               .toString(),
                       randomValue(type.elementType(), rng, depth + 1, json));
        return map;
    }
    case RpcTypeSchema::Struct: {
        if (type.isUnitStruct())
            return QVariant::fromValue(nullptr);
        QVariantMap map;
        for (const RpcField &f : type.fields())
            map.insert(f.wireName(), randomValue(f.type(), rng, depth + 1, json));
        return map;
    }
    case RpcTypeSchema::Enum: {
        const QList<RpcVariant> variants = type.variants();
        const RpcVariant v = variants.at(rng.bounded(int(variants.size())));
        QVariant data;
        switch (v.kind()) {
        case RpcVariant::Unit:
            return v.wireName();
        case RpcVariant::Newtype:
            data = randomValue(v.types().first(), rng, depth + 1, json);
            break;
        case RpcVariant::Tuple: {
            QVariantList list;
            for (const RpcTypeSchema &t : v.types())
                list.append(randomValue(t, rng, depth + 1, json));
            data = list;
            break;
        }
        case RpcVariant::Struct: {
            QVariantMap map;
            for (const RpcField &f : v.fields())
                map.insert(f.wireName(), randomValue(f.type(), rng, depth + 1, json));
            data = map;
            break;
        }
        }
        return QVariantMap{{v.wireName(), data}};
    }
    case RpcTypeSchema::Invalid:
        break;
    }
    return QVariant();
}

} // namespace

void tst_InterfaceCodec::randomRoundTrips_data()
{
    QTest::addColumn<QString>("type");
    QTest::newRow("scene") << "Scene";
    QTest::newRow("everything") << "Everything";
    QTest::newRow("tree") << "Tree";
    QTest::newRow("list-of-enums") << "Vec<Shape>";
    QTest::newRow("nested-options") << "Vec<Option<Option<i32>>>";
}

void tst_InterfaceCodec::randomRoundTrips()
{
    QFETCH(QString, type);
    const RpcInterfaceFile file = RpcInterfaceFile::parse(QStringLiteral(R"(
        struct Point { x: i32, y: i32 }
        enum Shape { Dot, Circle { center: Point, radius: f64 }, Poly(Vec<Point>), Pair(u8, u8), Empty(), Nothing(()) }
        struct Scene { name: String, shapes: Vec<Shape>, tags: BTreeMap<String, u16>, note: Option<String> }
        struct Unit;
        struct Nothing {}
        #[serde(rename_all = "camelCase")]
        struct Everything {
            a_bool: bool, an_i8: i8, an_i16: i16, an_i32: i32, an_i64: i64,
            a_u8: u8, a_u16: u16, a_u32: u32, a_u64: u64, an_f32: f32, an_f64: f64,
            text: String, raw: Vec<u8>, unit: (), unit_struct: Unit, empty: Nothing,
            maybe: Option<Point>, hashed: HashMap<String, Vec<u8>>, shape: Shape,
        }
        struct Tree { label: String, children: Vec<Tree>, by_name: BTreeMap<String, Tree> }
    )"));
    QVERIFY2(file.isValid(), qPrintable(file.errorString()));
    QString error;
    const RpcTypeSchema schema = file.typeSchema(type, &error);
    QVERIFY2(schema.isValid(), qPrintable(error));
    QRandomGenerator rng(42);
    for (int i = 0; i < 300; ++i) {
        for (const auto format : {RpcBodyCodec::Json, RpcBodyCodec::Cbor}) {
            const QVariant value = randomValue(schema, rng, 0, format == RpcBodyCodec::Json);
            QByteArray body;
            QVERIFY2(RpcBodyCodec::encode(schema, value, format, &body, &error), qPrintable(error));
            QVariant decoded;
            QVERIFY2(RpcBodyCodec::decode(schema, body, format, &decoded, &error),
                     qPrintable(error + QLatin1String(" in ") + QString::fromUtf8(body.toHex())));
            QString why;
            QVERIFY2(sameValue(decoded, value, &why), qPrintable(why));
            // And the decoded value encodes to the same bytes.
            QByteArray again;
            QVERIFY(RpcBodyCodec::encode(schema, decoded, format, &again, &error));
            QCOMPARE(again, body);
            // A truncated body never decodes (and never crashes).
            if (body.size() > 1)
                QVERIFY(!RpcBodyCodec::decode(schema, body.left(rng.bounded(qint32(body.size()))),
                                              format, &decoded, &error));
        }
    }
}

void tst_InterfaceCodec::defaultValues()
{
    const RpcInterfaceFile file = sampleFile();
    const RpcTypeSchema scene = file.type(QStringLiteral("Scene"));
    const QVariant zero = RpcBodyCodec::defaultValue(scene);
    QByteArray body;
    QString error;
    QVERIFY2(RpcBodyCodec::encode(scene, zero, RpcBodyCodec::Json, &body, &error),
             qPrintable(error));
    QCOMPARE(body,
             QByteArray(R"({"name":"","shapes":[],"tags":{},"note":null,"weight":0.0,"kind":0})"));
    QCOMPARE(RpcBodyCodec::defaultValue(file.type(QStringLiteral("Shape"))),
             QVariant(QStringLiteral("Dot")));
}

void tst_InterfaceCodec::hostileInput()
{
    const RpcInterfaceFile file = RpcInterfaceFile::parse(QStringLiteral(
            "struct T { c: Vec<T> }\nstruct U { a: u8 }\n"
            "enum E { A, B(Vec<E>), C { e: Option<Box2> } }\nstruct Box2 { e: Vec<E> }"));
    QVERIFY2(file.isValid(), qPrintable(file.errorString()));
    const RpcTypeSchema t = file.type(QStringLiteral("T"));
    QVariant value;
    QString error;

    // serde's recursion limit: 127 nested containers (two per level here).
    auto nested = [](int levels) {
        QByteArray json;
        for (int i = 0; i < levels; ++i)
            json += R"({"c":[)";
        for (int i = 0; i < levels; ++i)
            json += "]}";
        return json;
    };
    QVERIFY2(RpcBodyCodec::decode(t, nested(63), RpcBodyCodec::Json, &value, &error),
             qPrintable(error));
    QVERIFY(!RpcBodyCodec::decode(t, nested(64), RpcBodyCodec::Json, &value, &error));
    QVERIFY2(error.contains(QLatin1String("recursion limit exceeded")), qPrintable(error));
    QVERIFY(!RpcBodyCodec::decode(t, nested(100000), RpcBodyCodec::Json, &value, &error));

    // Skipped unknown fields have no depth limit in serde_json (and no recursion here).
    const QByteArray deep
            = R"({"a":1,"x":)" + QByteArray(100000, '[') + QByteArray(100000, ']') + "}";
    QVERIFY2(RpcBodyCodec::decode(file.type(QStringLiteral("U")), deep, RpcBodyCodec::Json, &value,
                                  &error),
             qPrintable(error));

    // CBOR: the same limit, and deep tags or arrays never overflow the stack.
    QByteArray cbor;
    for (int i = 0; i < 100000; ++i)
        cbor += "\xa1\x61\x63\x81"; // {"c": [
    QVERIFY(!RpcBodyCodec::decode(t, cbor, RpcBodyCodec::Cbor, &value, &error));
    QVERIFY(!RpcBodyCodec::decode(file.type(QStringLiteral("U")),
                                  "\xa2\x61\x61\x01\x61\x78" + QByteArray(100000, '\x81') + '\x01',
                                  RpcBodyCodec::Cbor, &value, &error));
    QVERIFY(RpcBodyCodec::decode(file.typeSchema(QStringLiteral("u8")),
                                 QByteArray(100000, '\xc1') + '\x01', RpcBodyCodec::Cbor, &value,
                                 &error));

    // Random bytes and mutated valid bodies never crash.
    const QList<RpcTypeSchema> types
            = {t, file.type(QStringLiteral("E")), file.type(QStringLiteral("U")),
               file.typeSchema(QStringLiteral("BTreeMap<String, Vec<f64>>"))};
    QRandomGenerator rng(7);
    for (int i = 0; i < 4000; ++i) {
        const RpcTypeSchema &type = types.at(i % types.size());
        QByteArray bytes(rng.bounded(24), Qt::Uninitialized);
        for (char &c : bytes)
            c = char(rng.bounded(256));
        if (i % 2 == 0) {
            QByteArray body;
            RpcBodyCodec::encode(type, RpcBodyCodec::defaultValue(type), RpcBodyCodec::Json, &body);
            body.insert(rng.bounded(qint32(body.size() + 1)), bytes.left(3));
            bytes = body;
        }
        RpcBodyCodec::decode(type, bytes, RpcBodyCodec::Json, &value, &error);
        RpcBodyCodec::decode(type, bytes, RpcBodyCodec::Cbor, &value, &error);
    }
}

QTEST_GUILESS_MAIN(tst_InterfaceCodec)
#include "tst_interfacecodec.moc"

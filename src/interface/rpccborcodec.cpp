// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// CBOR bodies exactly as serde_cbor 0.11.2 writes and reads them
// (serde_cbor::to_vec / from_slice): definite lengths, smallest integer
// heads, floats as the smallest of half/single/double that is exact, structs
// as maps with text keys, enums externally tagged. The reader accepts what
// serde_cbor accepts: any integer width, tags (ignored), indefinite lengths,
// byte strings for strings, integer field keys, legacy array enums.

#include "rpccodec_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qendian.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace Fizyr {
namespace RpcCodec {

using RpcInterfaceModel::FieldDef;
using RpcInterfaceModel::TypeDef;
using RpcInterfaceModel::VariantDef;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Fizyr::RpcBodyCodec", text);
}

// The half-precision bits of value if it is exactly representable.
bool exactHalf(float value, quint16 *half)
{
    quint32 bits;
    std::memcpy(&bits, &value, sizeof bits);
    const quint16 sign = quint16((bits >> 16) & 0x8000);
    const int exp = int((bits >> 23) & 0xff);
    const quint32 mant = bits & 0x7fffff;
    if (exp == 0) {
        if (mant != 0)
            return false; // f32 subnormals are far below the half range
        *half = sign;
        return true;
    }
    const int e = exp - 127;
    if (e >= -14 && e <= 15) {
        if (mant & 0x1fff)
            return false;
        *half = quint16(sign | ((e + 15) << 10) | (mant >> 13));
        return true;
    }
    if (e >= -24 && e < -14) {
        const quint32 full = 0x800000 | mant;
        const int shift = -(e + 1);
        if (full & ((quint32(1) << shift) - 1))
            return false;
        *half = quint16(sign | (full >> shift));
        return true;
    }
    return false;
}

float halfToFloat(quint16 half)
{
    const int exp = (half >> 10) & 0x1f;
    const int mant = half & 0x3ff;
    float v;
    if (exp == 0)
        v = std::ldexp(float(mant), -24);
    else if (exp == 31)
        v = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    else
        v = std::ldexp(float(mant + 1024), exp - 25);
    return (half & 0x8000) ? -v : v;
}

class CborWriter final : public Writer
{
public:
    void null() override { m_out.append(char(0xf6)); }
    void boolean(bool value) override { m_out.append(char(value ? 0xf5 : 0xf4)); }
    void i64(qint64 value) override
    {
        if (value >= 0)
            head(0, quint64(value));
        else
            head(1, quint64(-(value + 1)));
    }
    void u64(quint64 value) override { head(0, value); }
    void f32(float value) override
    {
        if (std::isinf(value)) {
            m_out.append(value > 0 ? "\xf9\x7c\x00" : "\xf9\xfc\x00", 3);
            return;
        }
        if (std::isnan(value)) {
            m_out.append("\xf9\x7e\x00", 3);
            return;
        }
        quint16 half;
        if (exactHalf(value, &half)) {
            m_out.append(char(0xf9));
            appendBigEndian(half);
            return;
        }
        quint32 bits;
        std::memcpy(&bits, &value, sizeof bits);
        m_out.append(char(0xfa));
        appendBigEndian(bits);
    }
    void f64(double value) override
    {
        if (!std::isfinite(value)
            || (std::fabs(value) <= double(std::numeric_limits<float>::max())
                && double(float(value)) == value)) {
            f32(doubleToFloat(value));
            return;
        }
        quint64 bits;
        std::memcpy(&bits, &value, sizeof bits);
        m_out.append(char(0xfb));
        appendBigEndian(bits);
    }
    void string(const QByteArray &utf8) override
    {
        head(3, quint64(utf8.size()));
        m_out.append(utf8);
    }
    void beginArray(qsizetype size) override { head(4, quint64(size)); }
    void endArray() override { }
    void beginMap(qsizetype size) override { head(5, quint64(size)); }
    void key(const QByteArray &utf8) override { string(utf8); }
    void endMap() override { }
    QByteArray result() override { return m_out; }

private:
    template<typename T>
    void appendBigEndian(T value)
    {
        char buf[sizeof(T)];
        qToBigEndian(value, buf);
        m_out.append(buf, sizeof(T));
    }

    void head(int major, quint64 value)
    {
        const char m = char(major << 5);
        if (value < 24) {
            m_out.append(char(m | char(value)));
        } else if (value <= 0xff) {
            m_out.append(char(m | 24));
            m_out.append(char(value));
        } else if (value <= 0xffff) {
            m_out.append(char(m | 25));
            appendBigEndian(quint16(value));
        } else if (value <= 0xffffffffu) {
            m_out.append(char(m | 26));
            appendBigEndian(quint32(value));
        } else {
            m_out.append(char(m | 27));
            appendBigEndian(quint64(value));
        }
    }

    QByteArray m_out;
};

// ---------------------------------------------------------------------------
// Reader

// One data item head as serde_cbor's parse_value sees it.
struct Item
{
    enum Kind {
        Unsigned, // u
        Negative, // i (fits i64) or big (needs i128)
        Bytes,
        Text,
        Array,
        Map,
        False,
        True,
        Null, // f6 and f7: visit_unit
        Float, // f (f16 and f32 are visit_f32, f64 visit_f64)
    };
    Kind kind = Null;
    quint64 u = 0;
    qint64 i = 0;
    bool big = false; // negative beyond i64
    bool indefinite = false;
    quint64 length = 0; // Array, Map (definite)
    QByteArray data; // Bytes, Text
    double f = 0;
    bool isF64 = false;
    quint8 initial = 0;
};

class CborReader
{
public:
    explicit CborReader(const QByteArray &body)
        : m_p(reinterpret_cast<const uchar *>(body.constData())), m_end(m_p + body.size())
    {
        m_start = m_p;
    }

    bool run(const TypeNode *type, QVariant *value, QString *error)
    {
        if (!decode(type, value)) {
            *error = m_error;
            return false;
        }
        if (m_p != m_end) {
            ++m_p;
            fail(tr("trailing data"));
            *error = m_error;
            return false;
        }
        return true;
    }

private:
    bool fail(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = m_path.describe(message) + tr(" (offset %1)").arg(m_p - m_start);
        return false;
    }

    bool eof() { return fail(tr("EOF while parsing a value")); }

    bool readBytes(int n, quint64 *out)
    {
        if (m_end - m_p < n)
            return eof();
        quint64 v = 0;
        for (int k = 0; k < n; ++k)
            v = (v << 8) | m_p[k];
        m_p += n;
        *out = v;
        return true;
    }

    // The argument of a head with additional information info (< 28).
    bool argument(int info, quint64 *out)
    {
        if (info < 24) {
            *out = quint64(info);
            return true;
        }
        return readBytes(1 << (info - 24), out);
    }

    bool readChunks(int major, QByteArray *out)
    {
        // Indefinite byte or text string: definite chunks of the same major type until 0xff.
        for (;;) {
            if (m_p >= m_end)
                return eof();
            const uchar b = *m_p++;
            if (b == 0xff)
                return true;
            if ((b >> 5) != major || (b & 0x1f) > 27)
                return fail(tr("unexpected code"));
            quint64 len = 0;
            if (!argument(b & 0x1f, &len))
                return false;
            if (quint64(m_end - m_p) < len)
                return eof();
            out->append(reinterpret_cast<const char *>(m_p), qsizetype(len));
            m_p += len;
        }
    }

    // parse_value up to the visitor call: tags skipped, scalars and strings
    // read, containers' heads read (their contents are left for the caller).
    bool readItem(Item *item)
    {
        for (;;) {
            if (m_p >= m_end)
                return eof();
            const uchar b = *m_p++;
            item->initial = b;
            const int major = b >> 5;
            const int info = b & 0x1f;
            if (major == 6) {
                if (info > 27)
                    return fail(tr("unassigned code"));
                quint64 tag = 0;
                if (!argument(info, &tag))
                    return false;
                continue;
            }
            if (major == 7) {
                switch (info) {
                case 20:
                    item->kind = Item::False;
                    return true;
                case 21:
                    item->kind = Item::True;
                    return true;
                case 22:
                case 23:
                    item->kind = Item::Null;
                    return true;
                case 25: {
                    quint64 v = 0;
                    if (!readBytes(2, &v))
                        return false;
                    item->kind = Item::Float;
                    item->f = double(halfToFloat(quint16(v)));
                    return true;
                }
                case 26: {
                    quint64 v = 0;
                    if (!readBytes(4, &v))
                        return false;
                    const quint32 bits = quint32(v);
                    float fl;
                    std::memcpy(&fl, &bits, sizeof fl);
                    item->kind = Item::Float;
                    item->f = double(fl);
                    return true;
                }
                case 27: {
                    quint64 v = 0;
                    if (!readBytes(8, &v))
                        return false;
                    item->kind = Item::Float;
                    item->isF64 = true;
                    std::memcpy(&item->f, &v, sizeof v);
                    return true;
                }
                case 31:
                    return fail(tr("unexpected code"));
                default:
                    return fail(tr("unassigned code"));
                }
            }
            if (info >= 28 && info <= 30)
                return fail(tr("unassigned code"));
            if (info == 31) {
                switch (major) {
                case 2:
                case 3:
                    item->kind = major == 2 ? Item::Bytes : Item::Text;
                    item->data.clear();
                    if (!readChunks(major, &item->data))
                        return false;
                    break;
                case 4:
                case 5:
                    item->kind = major == 4 ? Item::Array : Item::Map;
                    item->indefinite = true;
                    return true;
                default:
                    return fail(tr("unassigned code"));
                }
            } else {
                quint64 arg = 0;
                if (!argument(info, &arg))
                    return false;
                switch (major) {
                case 0:
                    item->kind = Item::Unsigned;
                    item->u = arg;
                    return true;
                case 1:
                    item->kind = Item::Negative;
                    if (arg > quint64(std::numeric_limits<qint64>::max())) {
                        item->big = true;
                        item->u = arg;
                    } else {
                        item->i = -1 - qint64(arg);
                    }
                    return true;
                case 2:
                case 3:
                    if (quint64(m_end - m_p) < arg)
                        return eof();
                    item->kind = major == 2 ? Item::Bytes : Item::Text;
                    item->data = QByteArray(reinterpret_cast<const char *>(m_p), qsizetype(arg));
                    m_p += arg;
                    break;
                default:
                    item->kind = major == 4 ? Item::Array : Item::Map;
                    item->indefinite = false;
                    item->length = arg;
                    return true;
                }
            }
            // Text strings are converted (validated) before any visitor sees them.
            if (item->kind == Item::Text && !isValidUtf8(item->data.constData(), item->data.size()))
                return fail(tr("invalid UTF-8"));
            return true;
        }
    }

    bool enter()
    {
        if (--m_depth == 0)
            return fail(tr("recursion limit exceeded"));
        return true;
    }
    void leave() { ++m_depth; }

    // Container iteration: for definite containers counts down, for
    // indefinite ones peeks for the break byte.
    struct Container
    {
        bool indefinite;
        quint64 remaining;
    };
    // 1 = another element, 0 = end, -1 = error
    int hasNext(Container *c)
    {
        if (!c->indefinite) {
            if (c->remaining == 0)
                return 0;
            --c->remaining;
            return 1;
        }
        if (m_p >= m_end) {
            eof();
            return -1;
        }
        return *m_p == 0xff ? 0 : 1;
    }
    // After the visitor: definite containers must be used up, indefinite
    // ones must end with the break byte.
    bool finish(Container *c)
    {
        if (!c->indefinite) {
            if (c->remaining != 0)
                return fail(tr("trailing data"));
            return true;
        }
        if (m_p >= m_end)
            return eof();
        if (*m_p++ != 0xff)
            return fail(tr("trailing data"));
        return true;
    }

    QString describe(const Item &item) const
    {
        switch (item.kind) {
        case Item::Unsigned:
            return tr("integer `%1`").arg(item.u);
        case Item::Negative:
            return item.big ? tr("integer as i128") : tr("integer `%1`").arg(item.i);
        case Item::Bytes:
            return tr("byte array");
        case Item::Text:
            return tr("string");
        case Item::Array:
            return tr("sequence");
        case Item::Map:
            return tr("map");
        case Item::False:
        case Item::True:
            return tr("boolean");
        case Item::Null:
            return QStringLiteral("null");
        case Item::Float:
            return tr("floating point `%1`").arg(item.f);
        }
        return QString();
    }

    bool invalidType(const Item &item, const char *expected)
    {
        return fail(
                tr("invalid type: %1, expected %2").arg(describe(item), QLatin1String(expected)));
    }

    // IgnoredAny: any well-formed item (after its head has been read).
    bool ignoreRest(const Item &item)
    {
        if (item.kind != Item::Array && item.kind != Item::Map)
            return true;
        if (!enter())
            return false;
        Container c{item.indefinite, item.length};
        const int per = item.kind == Item::Map ? 2 : 1;
        for (;;) {
            const int r = hasNext(&c);
            if (r < 0)
                return false;
            if (r == 0)
                break;
            for (int k = 0; k < per; ++k) {
                if (k == 1 && c.indefinite && m_p < m_end && *m_p == 0xff)
                    return fail(tr("unexpected code")); // a key without a value
                Item sub;
                if (!readItem(&sub) || !ignoreRest(sub))
                    return false;
            }
        }
        leave();
        return finish(&c);
    }

    bool ignoreValue()
    {
        Item item;
        return readItem(&item) && ignoreRest(item);
    }

    static bool integerRange(RpcTypeSchema::Kind kind, qint64 *min, quint64 *max)
    {
        switch (kind) {
        case RpcTypeSchema::I8:
            *min = -128, *max = 127;
            return true;
        case RpcTypeSchema::I16:
            *min = -32768, *max = 32767;
            return true;
        case RpcTypeSchema::I32:
            *min = std::numeric_limits<qint32>::min(), *max = std::numeric_limits<qint32>::max();
            return true;
        case RpcTypeSchema::I64:
            *min = std::numeric_limits<qint64>::min(), *max = std::numeric_limits<qint64>::max();
            return true;
        case RpcTypeSchema::U8:
            *min = 0, *max = 255;
            return false;
        case RpcTypeSchema::U16:
            *min = 0, *max = 65535;
            return false;
        case RpcTypeSchema::U32:
            *min = 0, *max = std::numeric_limits<quint32>::max();
            return false;
        default:
            *min = 0, *max = std::numeric_limits<quint64>::max();
            return false;
        }
    }

    static const char *kindName(RpcTypeSchema::Kind kind)
    {
        static const char *const names[] = {"",   "()",  "bool", "i8",  "i16", "i32", "i64",
                                            "u8", "u16", "u32",  "u64", "f32", "f64"};
        return kind <= RpcTypeSchema::F64 ? names[kind] : "a value";
    }

    bool decodeInteger(const TypeNode *type, const Item &item, QVariant *out)
    {
        qint64 min;
        quint64 max;
        const bool isSigned = integerRange(type->kind, &min, &max);
        if (item.kind == Item::Unsigned) {
            if (item.u > max)
                return fail(tr("invalid value: integer `%1`, expected %2")
                                    .arg(item.u)
                                    .arg(QLatin1String(kindName(type->kind))));
            *out = isSigned ? QVariant(qint64(item.u)) : QVariant(quint64(item.u));
            return true;
        }
        if (item.kind == Item::Negative && !item.big) {
            if (item.i < min)
                return fail(tr("invalid value: integer `%1`, expected %2")
                                    .arg(item.i)
                                    .arg(QLatin1String(kindName(type->kind))));
            *out = QVariant(item.i);
            return true;
        }
        return invalidType(item, kindName(type->kind));
    }

    bool decodeFloat(const TypeNode *type, const Item &item, QVariant *out)
    {
        double v;
        if (item.kind == Item::Float)
            v = item.f;
        else if (item.kind == Item::Unsigned)
            v = double(item.u);
        else if (item.kind == Item::Negative && !item.big)
            v = double(item.i);
        else
            return invalidType(item, kindName(type->kind));
        if (type->kind == RpcTypeSchema::F32)
            v = double(doubleToFloat(v));
        *out = QVariant(v);
        return true;
    }

    bool decodeSeq(const TypeNode *type, const Item &item, QVariant *out)
    {
        if (item.kind != Item::Array)
            return invalidType(item, "a sequence");
        if (!enter())
            return false;
        const bool bytes = type->element->kind == RpcTypeSchema::U8;
        QVariantList list;
        QByteArray byteArray;
        Container c{item.indefinite, item.length};
        for (qsizetype index = 0;; ++index) {
            const int r = hasNext(&c);
            if (r < 0)
                return false;
            if (r == 0)
                break;
            m_path.pushIndex(index);
            QVariant element;
            if (!decode(type->element, &element))
                return false;
            m_path.pop();
            if (bytes)
                byteArray.append(char(element.toULongLong()));
            else
                list.append(element);
        }
        leave();
        if (!finish(&c))
            return false;
        *out = bytes ? QVariant(byteArray) : QVariant(list);
        return true;
    }

    // A String from a text or (valid UTF-8) byte string item.
    bool stringFrom(const Item &item, QString *out)
    {
        if (item.kind == Item::Text) {
            *out = QString::fromUtf8(item.data);
            return true;
        }
        if (item.kind == Item::Bytes) {
            if (!isValidUtf8(item.data.constData(), item.data.size()))
                return fail(tr("invalid value: byte array, expected a string"));
            *out = QString::fromUtf8(item.data);
            return true;
        }
        if (!invalidType(item, "a string"))
            return false;
        return false;
    }

    bool decodeMap(const TypeNode *type, const Item &item, QVariant *out)
    {
        if (item.kind != Item::Map)
            return invalidType(item, "a map");
        if (!enter())
            return false;
        QVariantMap map;
        Container c{item.indefinite, item.length};
        for (;;) {
            const int r = hasNext(&c);
            if (r < 0)
                return false;
            if (r == 0)
                break;
            Item keyItem;
            if (!readItem(&keyItem))
                return false;
            QString key;
            if (!stringFrom(keyItem, &key))
                return false;
            m_path.pushKey(key);
            QVariant element;
            if (!decode(type->element, &element))
                return false;
            m_path.pop();
            map.insert(key, element);
        }
        leave();
        if (!finish(&c))
            return false;
        *out = map;
        return true;
    }

    // serde_derive's field identifier: index (u64), name (str) or bytes.
    // Returns the field, nullptr for an ignored key; false on error.
    bool fieldIdentifier(const QList<FieldDef> &fields, const FieldDef **field)
    {
        Item key;
        if (!readItem(&key))
            return false;
        *field = nullptr;
        switch (key.kind) {
        case Item::Unsigned:
            if (key.u < quint64(fields.size()))
                *field = &fields.at(qsizetype(key.u));
            return true;
        case Item::Text:
        case Item::Bytes: {
            for (const FieldDef &f : fields) {
                if (wireNameUtf8(f) == key.data) {
                    *field = &f;
                    break;
                }
            }
            return true;
        }
        default:
            if (!invalidType(key, "field identifier"))
                return false;
            return false;
        }
    }

    bool decodeFields(const QList<FieldDef> &fields, bool containerDefault, const Item &item,
                      QVariant *out)
    {
        QVariantMap result;
        if (item.kind == Item::Array) {
            if (!enter())
                return false;
            Container c{item.indefinite, item.length};
            for (const FieldDef &f : fields) {
                const int r = hasNext(&c);
                if (r < 0)
                    return false;
                if (r == 0) {
                    if (f.hasDefault || containerDefault) {
                        result.insert(f.wireName, defaultValueFor(f.type));
                        continue;
                    }
                    return fail(tr("invalid length %1, expected a struct with %2 elements")
                                        .arg(result.size())
                                        .arg(fields.size()));
                }
                m_path.pushField(f.wireName);
                QVariant v;
                if (!decode(f.type, &v))
                    return false;
                m_path.pop();
                result.insert(f.wireName, v);
            }
            leave();
            if (!finish(&c))
                return false;
            *out = result;
            return true;
        }
        if (item.kind != Item::Map)
            return invalidType(item, "a struct");
        if (!enter())
            return false;
        Container c{item.indefinite, item.length};
        for (;;) {
            const int r = hasNext(&c);
            if (r < 0)
                return false;
            if (r == 0)
                break;
            const FieldDef *field;
            if (!fieldIdentifier(fields, &field))
                return false;
            if (!field) {
                if (!ignoreValue())
                    return false;
                continue;
            }
            if (result.contains(field->wireName))
                return fail(tr("duplicate field `%1`").arg(field->wireName));
            m_path.pushField(field->wireName);
            QVariant v;
            if (!decode(field->type, &v))
                return false;
            m_path.pop();
            result.insert(field->wireName, v);
        }
        leave();
        if (!finish(&c))
            return false;
        for (const FieldDef &f : fields) {
            if (result.contains(f.wireName))
                continue;
            if (f.hasDefault || containerDefault)
                result.insert(f.wireName, defaultValueFor(f.type));
            else if (f.type->kind == RpcTypeSchema::Option)
                result.insert(f.wireName, nullValue());
            else
                return fail(tr("missing field `%1`").arg(f.wireName));
        }
        *out = result;
        return true;
    }

    // serde_derive's variant identifier from an already read item.
    const VariantDef *variantIdentifier(const TypeDef *def, const Item &id)
    {
        if (id.kind == Item::Unsigned) {
            if (id.u < quint64(def->variants.size()))
                return &def->variants.at(qsizetype(id.u));
            fail(tr("invalid value: integer `%1`, expected variant index 0 <= i < %2")
                         .arg(id.u)
                         .arg(def->variants.size()));
            return nullptr;
        }
        if (id.kind == Item::Text || id.kind == Item::Bytes) {
            for (const VariantDef &v : def->variants) {
                if (wireNameUtf8(v) == id.data)
                    return &v;
            }
            QStringList names;
            for (const VariantDef &v : def->variants)
                names.append(QLatin1Char('`') + v.wireName + QLatin1Char('`'));
            fail(tr("unknown variant `%1`, expected one of %2")
                         .arg(QString::fromUtf8(id.data), names.join(QLatin1String(", "))));
            return nullptr;
        }
        if (id.kind == Item::Array || id.kind == Item::Map) {
            invalidType(id, "variant identifier");
            return nullptr;
        }
        invalidType(id, "variant identifier");
        return nullptr;
    }

    bool decodeUnitValue()
    {
        Item item;
        if (!readItem(&item))
            return false;
        if (item.kind != Item::Null)
            return invalidType(item, "unit");
        return true;
    }

    bool decodeTupleElements(const VariantDef &v, Container *c, QVariantList *list)
    {
        for (qsizetype i = 0; i < v.types.size(); ++i) {
            const int r = hasNext(c);
            if (r < 0)
                return false;
            if (r == 0)
                return fail(tr("invalid length %1, expected tuple variant %2 with %3 elements")
                                    .arg(i)
                                    .arg(v.name)
                                    .arg(v.types.size()));
            m_path.pushIndex(i);
            QVariant e;
            if (!decode(v.types.at(i), &e))
                return false;
            m_path.pop();
            list->append(e);
        }
        return true;
    }

    QVariant enumValue(const VariantDef &v, const QVariant &data)
    {
        if (v.kind == RpcVariant::Unit)
            return QVariant(v.wireName);
        QVariantMap map;
        map.insert(v.wireName, data);
        return map;
    }

    bool decodeEnum(const TypeNode *type, QVariant *out)
    {
        const TypeDef *def = type->def;
        if (m_p >= m_end)
            return eof();
        const uchar first = *m_p;
        if (first >= 0x80 && first <= 0x9f) {
            // Legacy form: [variant, data...]
            Item array;
            if (!readItem(&array))
                return false;
            if (!enter())
                return false;
            Container c{array.indefinite, array.length};
            int r = hasNext(&c);
            if (r < 0)
                return false;
            if (r == 0)
                return fail(tr("array too short"));
            Item id;
            if (!readItem(&id))
                return false;
            const VariantDef *v = variantIdentifier(def, id);
            if (!v)
                return false;
            m_path.pushField(v->wireName);
            QVariant data = nullValue();
            switch (v->kind) {
            case RpcVariant::Unit:
                r = hasNext(&c);
                if (r < 0)
                    return false;
                if (r == 0)
                    return fail(tr("array too long"));
                if (!decodeUnitValue())
                    return false;
                break;
            case RpcVariant::Newtype:
                r = hasNext(&c);
                if (r < 0)
                    return false;
                if (r == 0)
                    return fail(tr("array too short"));
                if (!decode(v->types.first(), &data))
                    return false;
                break;
            case RpcVariant::Tuple: {
                QVariantList list;
                if (!decodeTupleElements(*v, &c, &list))
                    return false;
                data = list;
                break;
            }
            case RpcVariant::Struct: {
                r = hasNext(&c);
                if (r < 0)
                    return false;
                if (r == 0)
                    return fail(tr("array too short"));
                Item inner;
                if (!readItem(&inner) || !decodeFields(v->fields, false, inner, &data))
                    return false;
                break;
            }
            }
            m_path.pop();
            leave();
            if (!finish(&c))
                return false;
            *out = enumValue(*v, data);
            return true;
        }
        if (first == 0xa1) {
            ++m_p;
            if (!enter())
                return false;
            Item id;
            if (!readItem(&id))
                return false;
            const VariantDef *v = variantIdentifier(def, id);
            if (!v)
                return false;
            m_path.pushField(v->wireName);
            QVariant data = nullValue();
            switch (v->kind) {
            case RpcVariant::Unit:
                if (!decodeUnitValue())
                    return false;
                break;
            case RpcVariant::Newtype:
                if (!decode(v->types.first(), &data))
                    return false;
                break;
            case RpcVariant::Tuple: {
                Item inner;
                if (!readItem(&inner))
                    return false;
                if (inner.kind != Item::Array)
                    return invalidType(inner, "tuple variant");
                if (!enter())
                    return false;
                Container c{inner.indefinite, inner.length};
                QVariantList list;
                if (!decodeTupleElements(*v, &c, &list))
                    return false;
                leave();
                if (!finish(&c))
                    return false;
                data = list;
                break;
            }
            case RpcVariant::Struct: {
                Item inner;
                if (!readItem(&inner) || !decodeFields(v->fields, false, inner, &data))
                    return false;
                break;
            }
            }
            m_path.pop();
            leave();
            *out = enumValue(*v, data);
            return true;
        }
        // Anything else is a unit variant's identifier.
        Item id;
        if (!readItem(&id))
            return false;
        const VariantDef *v = variantIdentifier(def, id);
        if (!v)
            return false;
        if (v->kind != RpcVariant::Unit)
            return fail(tr("invalid type: unit variant, expected %1 variant")
                                .arg(v->kind == RpcVariant::Newtype         ? tr("newtype")
                                             : v->kind == RpcVariant::Tuple ? tr("tuple")
                                                                            : tr("struct")));
        *out = QVariant(v->wireName);
        return true;
    }

    bool decode(const TypeNode *type, QVariant *out)
    {
        switch (type->kind) {
        case RpcTypeSchema::Option:
            if (m_p >= m_end)
                return eof();
            if (*m_p == 0xf6) {
                ++m_p;
                *out = nullValue();
                return true;
            }
            return decode(type->element, out);
        case RpcTypeSchema::Enum:
            return decodeEnum(type, out);
        case RpcTypeSchema::Invalid:
            return fail(tr("invalid schema"));
        default:
            break;
        }
        Item item;
        if (!readItem(&item))
            return false;
        switch (type->kind) {
        case RpcTypeSchema::Unit:
            if (item.kind != Item::Null)
                return invalidType(item, "unit");
            *out = nullValue();
            return true;
        case RpcTypeSchema::Bool:
            if (item.kind != Item::True && item.kind != Item::False)
                return invalidType(item, "a boolean");
            *out = QVariant(item.kind == Item::True);
            return true;
        case RpcTypeSchema::I8:
        case RpcTypeSchema::I16:
        case RpcTypeSchema::I32:
        case RpcTypeSchema::I64:
        case RpcTypeSchema::U8:
        case RpcTypeSchema::U16:
        case RpcTypeSchema::U32:
        case RpcTypeSchema::U64:
            return decodeInteger(type, item, out);
        case RpcTypeSchema::F32:
        case RpcTypeSchema::F64:
            return decodeFloat(type, item, out);
        case RpcTypeSchema::String: {
            QString s;
            if (!stringFrom(item, &s))
                return false;
            *out = s;
            return true;
        }
        case RpcTypeSchema::Vec:
            return decodeSeq(type, item, out);
        case RpcTypeSchema::Map:
            return decodeMap(type, item, out);
        case RpcTypeSchema::Struct:
            if (type->def->unitStruct) {
                if (item.kind != Item::Null)
                    return invalidType(item, "unit struct");
                *out = nullValue();
                return true;
            }
            return decodeFields(type->def->fields, type->def->containerDefault, item, out);
        default:
            return fail(tr("invalid schema"));
        }
    }

    const uchar *m_start;
    const uchar *m_p;
    const uchar *m_end;
    int m_depth = 128;
    Path m_path;
    QString m_error;
};

} // namespace

std::unique_ptr<Writer> makeCborWriter()
{
    return std::make_unique<CborWriter>();
}

bool decodeCbor(const TypeNode *type, const QByteArray &body, QVariant *value, QString *error)
{
    CborReader reader(body);
    return reader.run(type, value, error);
}

} // namespace RpcCodec
} // namespace Fizyr

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcbodycodec.h"

#include "rpccodec_p.h"
#include "rpcinterfacemodel_p.h"

#include <QtCore/qcoreapplication.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace Fizyr {

using namespace RpcInterfaceModel;
using namespace RpcCodec;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Fizyr::RpcBodyCodec", text);
}

bool isNull(const QVariant &v)
{
    return !v.isValid() || v.metaType().id() == QMetaType::Nullptr;
}

// A QVariant map (QVariantMap or QVariantHash) as a sorted list of pairs.
bool asMap(const QVariant &v, QList<QPair<QString, QVariant>> *out)
{
    const int id = v.metaType().id();
    if (id == QMetaType::QVariantMap) {
        const QVariantMap m = v.toMap();
        for (auto it = m.cbegin(); it != m.cend(); ++it)
            out->append({it.key(), it.value()});
        return true;
    }
    if (id == QMetaType::QVariantHash) {
        const QVariantHash h = v.toHash();
        for (auto it = h.cbegin(); it != h.cend(); ++it)
            out->append({it.key(), it.value()});
        return true;
    }
    return false;
}

bool asList(const QVariant &v, QVariantList *out)
{
    const int id = v.metaType().id();
    if (id == QMetaType::QVariantList) {
        *out = v.toList();
        return true;
    }
    if (id == QMetaType::QStringList) {
        for (const QString &s : v.toStringList())
            out->append(s);
        return true;
    }
    return false;
}

class Encoder
{
public:
    explicit Encoder(Writer *writer) : m_w(writer) { }

    QString error;

    bool fail(const QString &message)
    {
        error = m_path.describe(message);
        return false;
    }

    static QString describe(const QVariant &v)
    {
        if (isNull(v))
            return QStringLiteral("null");
        // In the words of JSON, which is what users write bodies in.
        switch (v.metaType().id()) {
        case QMetaType::QString:
        case QMetaType::QByteArray:
        case QMetaType::QChar:
            return tr("a string");
        case QMetaType::Bool:
            return tr("a boolean");
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
        case QMetaType::Long:
        case QMetaType::ULong:
        case QMetaType::Short:
        case QMetaType::UShort:
        case QMetaType::Char:
        case QMetaType::SChar:
        case QMetaType::UChar:
        case QMetaType::Double:
        case QMetaType::Float:
            return tr("a number");
        case QMetaType::QVariantMap:
        case QMetaType::QVariantHash:
        case QMetaType::QJsonObject:
            return tr("a map");
        case QMetaType::QVariantList:
        case QMetaType::QStringList:
        case QMetaType::QJsonArray:
            return tr("a list");
        default:
            return QLatin1String(v.metaType().name());
        }
    }

    bool integer(const TypeNode *type, const QVariant &v)
    {
        qint64 min;
        quint64 max;
        switch (type->kind) {
        case RpcTypeSchema::I8:
            min = -128, max = 127;
            break;
        case RpcTypeSchema::I16:
            min = -32768, max = 32767;
            break;
        case RpcTypeSchema::I32:
            min = std::numeric_limits<qint32>::min(), max = std::numeric_limits<qint32>::max();
            break;
        case RpcTypeSchema::I64:
            min = std::numeric_limits<qint64>::min(), max = std::numeric_limits<qint64>::max();
            break;
        case RpcTypeSchema::U8:
            min = 0, max = 255;
            break;
        case RpcTypeSchema::U16:
            min = 0, max = 65535;
            break;
        case RpcTypeSchema::U32:
            min = 0, max = std::numeric_limits<quint32>::max();
            break;
        default:
            min = 0, max = std::numeric_limits<quint64>::max();
            break;
        }
        bool negative = false;
        quint64 magnitude = 0; // for negative: -value
        switch (v.metaType().id()) {
        case QMetaType::Int:
        case QMetaType::Long:
        case QMetaType::LongLong:
        case QMetaType::Short:
        case QMetaType::SChar:
        case QMetaType::Char: {
            const qint64 s = v.toLongLong();
            negative = s < 0;
            magnitude = negative ? quint64(0) - quint64(s) : quint64(s);
            break;
        }
        case QMetaType::UInt:
        case QMetaType::ULong:
        case QMetaType::ULongLong:
        case QMetaType::UShort:
        case QMetaType::UChar:
            magnitude = v.toULongLong();
            break;
        case QMetaType::Double:
        case QMetaType::Float: {
            const double d = v.toDouble();
            if (!std::isfinite(d) || std::trunc(d) != d)
                return fail(tr("expected an integer, got %1").arg(d));
            if (d < -9223372036854775808.0 || d >= 18446744073709551616.0)
                return fail(tr("value %1 is out of range for %2").arg(d).arg(rustTypeName(type)));
            negative = d < 0;
            magnitude = negative ? quint64(-(d + 1)) + 1 : quint64(d);
            break;
        }
        default:
            return fail(tr("expected an integer, got %1").arg(describe(v)));
        }
        const quint64 minMagnitude = min < 0 ? quint64(0) - quint64(min) : 0;
        if ((negative && magnitude > minMagnitude) || (!negative && magnitude > max)) {
            return fail(tr("value %1%2 is out of range for %3")
                                .arg(negative ? QStringLiteral("-") : QString())
                                .arg(magnitude)
                                .arg(rustTypeName(type)));
        }
        if (negative)
            m_w->i64(qint64(quint64(0) - magnitude));
        else
            m_w->u64(magnitude);
        return true;
    }

    bool number(const QVariant &v, double *out)
    {
        switch (v.metaType().id()) {
        case QMetaType::Int:
        case QMetaType::Long:
        case QMetaType::LongLong:
        case QMetaType::Short:
        case QMetaType::SChar:
        case QMetaType::Char:
            *out = double(v.toLongLong());
            return true;
        case QMetaType::UInt:
        case QMetaType::ULong:
        case QMetaType::ULongLong:
        case QMetaType::UShort:
        case QMetaType::UChar:
            *out = double(v.toULongLong());
            return true;
        case QMetaType::Double:
        case QMetaType::Float:
            *out = v.toDouble();
            return true;
        default:
            return fail(tr("expected a number, got %1").arg(describe(v)));
        }
    }

    bool string(const QVariant &v)
    {
        if (v.metaType().id() != QMetaType::QString)
            return fail(tr("expected a string, got %1").arg(describe(v)));
        const QString s = v.toString();
        if (hasUnpairedSurrogate(s))
            return fail(tr("the string has unpaired surrogates"));
        m_w->string(s.toUtf8()); // valid UTF-8: no unpaired surrogates
        return true;
    }

    static bool hasUnpairedSurrogate(QStringView s)
    {
        const qsizetype n = s.size();
        for (qsizetype i = 0; i < n; ++i) {
            const char16_t c = s[i].unicode();
            if (c < 0xd800 || c > 0xdfff)
                continue;
            if (c >= 0xdc00 || i + 1 == n || !QChar::isLowSurrogate(s[i + 1].unicode()))
                return true;
            ++i;
        }
        return false;
    }

    bool unknownField(const QList<FieldDef> &fields, const QString &name, const QString &owner)
    {
        QStringList names;
        for (const FieldDef &f : fields)
            names.append(QLatin1Char('`') + f.wireName + QLatin1Char('`'));
        return fail(tr("unknown field `%1` of %2, expected %3")
                            .arg(name, owner,
                                 names.isEmpty()
                                         ? tr("no fields")
                                         : tr("one of %1").arg(names.join(QLatin1String(", ")))));
    }

    bool fieldValue(const FieldDef &f, const QVariant *value)
    {
        m_w->key(wireNameUtf8(f));
        m_path.pushField(f.wireName);
        if (value) {
            if (!encode(f.type, *value))
                return false;
        } else if (f.hasDefault || f.type->kind == RpcTypeSchema::Option) {
            if (!encode(f.type, defaultValueFor(f.type)))
                return false;
        } else {
            return fail(tr("missing field"));
        }
        m_path.pop();
        return true;
    }

    bool fields(const QList<FieldDef> &fields, const QVariant &v, const QString &owner)
    {
        if (v.metaType().id() == QMetaType::QVariantMap) {
            // The common case (what generated types and decode() give): look
            // the fields up in the map, no copies.
            const QVariantMap &map = *static_cast<const QVariantMap *>(v.constData());
            qsizetype found = 0;
            for (const FieldDef &f : fields) {
                if (map.contains(f.wireName))
                    ++found;
            }
            if (found != map.size()) {
                for (auto it = map.cbegin(); it != map.cend(); ++it) {
                    const bool known
                            = std::any_of(fields.cbegin(), fields.cend(), [&](const FieldDef &f) {
                                  return f.wireName == it.key();
                              });
                    if (!known)
                        return unknownField(fields, it.key(), owner);
                }
            }
            m_w->beginMap(fields.size());
            for (const FieldDef &f : fields) {
                const auto it = map.constFind(f.wireName);
                if (!fieldValue(f, it != map.cend() ? &it.value() : nullptr))
                    return false;
            }
            m_w->endMap();
            return true;
        }
        QList<QPair<QString, QVariant>> entries;
        if (!asMap(v, &entries))
            return fail(tr("expected a map of the fields of %1, got %2").arg(owner, describe(v)));
        QHash<QString, QVariant> byName;
        for (const auto &e : entries) {
            bool known = false;
            for (const FieldDef &f : fields) {
                if (f.wireName == e.first) {
                    known = true;
                    break;
                }
            }
            if (!known)
                return unknownField(fields, e.first, owner);
            byName.insert(e.first, e.second);
        }
        m_w->beginMap(fields.size());
        for (const FieldDef &f : fields) {
            const auto it = byName.constFind(f.wireName);
            if (!fieldValue(f, it != byName.cend() ? &it.value() : nullptr))
                return false;
        }
        m_w->endMap();
        return true;
    }

    bool enumValue(const TypeNode *type, const QVariant &v)
    {
        const TypeDef *def = type->def;
        QString name;
        QVariant data;
        bool hasData = false;
        if (v.metaType().id() == QMetaType::QString) {
            name = v.toString();
        } else {
            QList<QPair<QString, QVariant>> entries;
            if (!asMap(v, &entries) || entries.size() != 1)
                return fail(tr("expected a variant of %1: a string or a map with one key, got %2")
                                    .arg(def->name, describe(v)));
            name = entries.first().first;
            data = entries.first().second;
            hasData = true;
        }
        const VariantDef *variant = nullptr;
        for (const VariantDef &vd : def->variants) {
            if (vd.wireName == name) {
                variant = &vd;
                break;
            }
        }
        if (!variant) {
            QStringList names;
            for (const VariantDef &vd : def->variants)
                names.append(QLatin1Char('`') + vd.wireName + QLatin1Char('`'));
            return fail(tr("unknown variant `%1` of %2, expected one of %3")
                                .arg(name, def->name, names.join(QLatin1String(", "))));
        }
        if (variant->kind == RpcVariant::Unit) {
            if (hasData && !isNull(data))
                return fail(tr("unit variant `%1` takes no data").arg(name));
            m_w->string(wireNameUtf8(*variant));
            return true;
        }
        if (!hasData)
            return fail(tr("variant `%1` needs data: use a map {\"%1\": ...}").arg(name));
        m_w->beginMap(1);
        m_w->key(wireNameUtf8(*variant));
        m_path.pushField(variant->wireName);
        switch (variant->kind) {
        case RpcVariant::Newtype:
            if (!encode(variant->types.first(), data))
                return false;
            break;
        case RpcVariant::Tuple: {
            QVariantList list;
            if (!asList(data, &list))
                return fail(tr("expected a list for tuple variant `%1`, got %2")
                                    .arg(name, describe(data)));
            if (list.size() != variant->types.size())
                return fail(tr("expected %1 elements, got %2")
                                    .arg(variant->types.size())
                                    .arg(list.size()));
            m_w->beginArray(list.size());
            for (qsizetype i = 0; i < list.size(); ++i) {
                m_path.pushIndex(i);
                if (!encode(variant->types.at(i), list.at(i)))
                    return false;
                m_path.pop();
            }
            m_w->endArray();
            break;
        }
        case RpcVariant::Struct:
            if (!fields(variant->fields, data, def->name + QLatin1String("::") + variant->name))
                return false;
            break;
        case RpcVariant::Unit:
            break;
        }
        m_path.pop();
        m_w->endMap();
        return true;
    }

    bool encode(const TypeNode *type, const QVariant &v)
    {
        switch (type->kind) {
        case RpcTypeSchema::Invalid:
            return fail(tr("invalid schema"));
        case RpcTypeSchema::Unit:
            if (!isNull(v))
                return fail(tr("expected null for (), got %1").arg(describe(v)));
            m_w->null();
            return true;
        case RpcTypeSchema::Bool:
            if (v.metaType().id() != QMetaType::Bool)
                return fail(tr("expected a boolean, got %1").arg(describe(v)));
            m_w->boolean(v.toBool());
            return true;
        case RpcTypeSchema::I8:
        case RpcTypeSchema::I16:
        case RpcTypeSchema::I32:
        case RpcTypeSchema::I64:
        case RpcTypeSchema::U8:
        case RpcTypeSchema::U16:
        case RpcTypeSchema::U32:
        case RpcTypeSchema::U64:
            return integer(type, v);
        case RpcTypeSchema::F32: {
            double d;
            if (!number(v, &d))
                return false;
            m_w->f32(doubleToFloat(d));
            return true;
        }
        case RpcTypeSchema::F64: {
            double d;
            if (!number(v, &d))
                return false;
            m_w->f64(d);
            return true;
        }
        case RpcTypeSchema::String:
            return string(v);
        case RpcTypeSchema::Vec: {
            if (type->element->kind == RpcTypeSchema::U8
                && v.metaType().id() == QMetaType::QByteArray) {
                const QByteArray bytes = v.toByteArray();
                m_w->beginArray(bytes.size());
                for (const char c : bytes)
                    m_w->u64(quint8(c));
                m_w->endArray();
                return true;
            }
            QVariantList list;
            if (!asList(v, &list))
                return fail(tr("expected a list, got %1").arg(describe(v)));
            m_w->beginArray(list.size());
            for (qsizetype i = 0; i < list.size(); ++i) {
                m_path.pushIndex(i);
                if (!encode(type->element, list.at(i)))
                    return false;
                m_path.pop();
            }
            m_w->endArray();
            return true;
        }
        case RpcTypeSchema::Option:
            if (isNull(v)) {
                m_w->null();
                return true;
            }
            return encode(type->element, v);
        case RpcTypeSchema::Map: {
            QList<QPair<QString, QVariant>> entries;
            if (!asMap(v, &entries))
                return fail(tr("expected a map, got %1").arg(describe(v)));
            // BTreeMap<String, _> order: by UTF-8 bytes.
            QList<QPair<QByteArray, qsizetype>> keys;
            for (qsizetype i = 0; i < entries.size(); ++i)
                keys.append({entries.at(i).first.toUtf8(), i});
            std::sort(keys.begin(), keys.end());
            m_w->beginMap(entries.size());
            for (const auto &k : keys) {
                const auto &entry = entries.at(k.second);
                if (QString::fromUtf8(k.first) != entry.first)
                    return fail(tr("map key has unpaired surrogates"));
                m_w->key(k.first);
                m_path.pushKey(entry.first);
                if (!encode(type->element, entry.second))
                    return false;
                m_path.pop();
            }
            m_w->endMap();
            return true;
        }
        case RpcTypeSchema::Struct:
            if (type->def->unitStruct) {
                if (!isNull(v))
                    return fail(tr("expected null for unit struct %1, got %2")
                                        .arg(type->def->name, describe(v)));
                m_w->null();
                return true;
            }
            return fields(type->def->fields, v, type->def->name);
        case RpcTypeSchema::Enum:
            return enumValue(type, v);
        }
        return false;
    }

private:
    Writer *m_w;
    Path m_path;
};

} // namespace

namespace RpcCodec {

QVariant defaultValueFor(const TypeNode *type)
{
    switch (type->kind) {
    case RpcTypeSchema::Invalid:
        return QVariant();
    case RpcTypeSchema::Unit:
    case RpcTypeSchema::Option:
        return nullValue();
    case RpcTypeSchema::Bool:
        return QVariant(false);
    case RpcTypeSchema::I8:
    case RpcTypeSchema::I16:
    case RpcTypeSchema::I32:
    case RpcTypeSchema::I64:
        return QVariant(qint64(0));
    case RpcTypeSchema::U8:
    case RpcTypeSchema::U16:
    case RpcTypeSchema::U32:
    case RpcTypeSchema::U64:
        return QVariant(quint64(0));
    case RpcTypeSchema::F32:
    case RpcTypeSchema::F64:
        return QVariant(0.0);
    case RpcTypeSchema::String:
        return QVariant(QString());
    case RpcTypeSchema::Vec:
        return type->element->kind == RpcTypeSchema::U8 ? QVariant(QByteArray())
                                                        : QVariant(QVariantList());
    case RpcTypeSchema::Map:
        return QVariant(QVariantMap());
    case RpcTypeSchema::Struct: {
        if (type->def->unitStruct)
            return nullValue();
        QVariantMap map;
        for (const FieldDef &f : type->def->fields)
            map.insert(f.wireName, defaultValueFor(f.type));
        return map;
    }
    case RpcTypeSchema::Enum: {
        if (type->def->variants.isEmpty())
            return QVariant();
        const VariantDef &v = type->def->variants.first();
        QVariant data;
        switch (v.kind) {
        case RpcVariant::Unit:
            return QVariant(v.wireName);
        case RpcVariant::Newtype:
            data = defaultValueFor(v.types.first());
            break;
        case RpcVariant::Tuple: {
            QVariantList list;
            for (const TypeNode *t : v.types)
                list.append(defaultValueFor(t));
            data = list;
            break;
        }
        case RpcVariant::Struct: {
            QVariantMap fields;
            for (const FieldDef &f : v.fields)
                fields.insert(f.wireName, defaultValueFor(f.type));
            data = fields;
            break;
        }
        }
        QVariantMap map;
        map.insert(v.wireName, data);
        return map;
    }
    }
    return QVariant();
}

} // namespace RpcCodec

/*!
    \class Fizyr::RpcBodyCodec
    \inmodule FizyrRpcQt
    \brief Encodes and decodes message bodies by type schema, exactly as
    Rust's serde_json and serde_cbor do.

    Bodies of typed services are serde encodings of their Rust types.
    RpcBodyCodec writes the same bytes as serde_json 1.0 (\l Json) and
    serde_cbor 0.11 (\l Cbor) with their default settings, and accepts and
    rejects the same input when decoding. doc/interfaces.md has the type
    mapping; in short, a value is a QVariant holding:

    \table
    \header \li Rust type \li value
    \row \li \c{()}, \c None, unit struct \li null: \c{QVariant::fromValue(nullptr)}
         (an invalid QVariant is accepted when encoding)
    \row \li \c bool \li \c bool
    \row \li \c i8 to \c i64 \li \c qint64 (any integer type, or an integral
         \c double, when encoding)
    \row \li \c u8 to \c u64 \li \c quint64 (idem)
    \row \li \c f32, \c f64 \li \c double (any number when encoding)
    \row \li \c String \li QString
    \row \li \c{Vec<u8>} \li QByteArray (a QVariantList of numbers is accepted
         when encoding)
    \row \li \c{Vec<T>} \li QVariantList
    \row \li \c{Option<T>} \li null or the value of \c T
    \row \li \c{BTreeMap<String, T>}, \c{HashMap<String, T>} \li QVariantMap
         (QVariantHash accepted)
    \row \li struct \li QVariantMap keyed by the fields' wire names; when
         encoding, a missing \c Option field is \c None and a missing
         \c{#[serde(default)]} field its zero value
    \row \li enum \li externally tagged, as serde_json shows it: the wire name
         (QString) for a unit variant; a one-entry QVariantMap
         \c{{name: data}} for the others, the data being the value of a
         newtype variant, a QVariantList for a tuple variant or a
         QVariantMap for a struct variant
    \endtable

    Error messages name the path of the offending value, for example
    \c{`items[2].point.x`: invalid type: string, expected i32}.

    All functions are reentrant.
*/

/*!
    \enum Fizyr::RpcBodyCodec::Format

    \value Json serde_json: compact JSON text in UTF-8, floats in shortest
           round-trip form (\c{3.0}, \c{1e16}), non-finite floats as \c null.
    \value Cbor serde_cbor: structs as maps with text keys, floats in the
           smallest exact width, definite lengths.
*/

/*!
    Encodes \a value of type \a type in \a format into \a body. Returns
    \c false and sets \a errorString (if not null) if \a value does not fit
    the schema; \a body is not changed then.
*/
bool RpcBodyCodec::encode(const RpcTypeSchema &type, const QVariant &value, Format format,
                          QByteArray *body, QString *errorString)
{
    if (!type.m_node) {
        if (errorString)
            *errorString = tr("invalid schema");
        return false;
    }
    std::unique_ptr<Writer> writer = format == Json ? makeJsonWriter() : makeCborWriter();
    Encoder encoder(writer.get());
    if (!encoder.encode(type.m_node, value)) {
        if (errorString)
            *errorString = encoder.error;
        return false;
    }
    if (body)
        *body = writer->result();
    return true;
}

/*!
    Decodes \a body in \a format as a value of type \a type into \a value.
    Accepts exactly the input serde_json::from_slice (or
    serde_cbor::from_slice) accepts for the Rust type, including serde's
    lenient forms (a struct as an array of its fields, unknown fields
    ignored, \c{{"Unit": null}} for a unit variant; for CBOR also integer
    field keys, tags and indefinite lengths). Returns \c false and sets
    \a errorString (if not null) otherwise; \a value is not changed then.

    An empty body is not valid JSON or CBOR, not even for \c{()}; the
    layer above decides whether to accept it.
*/
bool RpcBodyCodec::decode(const RpcTypeSchema &type, const QByteArray &body, Format format,
                          QVariant *value, QString *errorString)
{
    if (!type.m_node) {
        if (errorString)
            *errorString = tr("invalid schema");
        return false;
    }
    QVariant result;
    QString error;
    const bool ok = format == Json ? decodeJson(type.m_node, body, &result, &error)
                                   : decodeCbor(type.m_node, body, &result, &error);
    if (!ok) {
        if (errorString)
            *errorString = error;
        return false;
    }
    if (value)
        *value = result;
    return true;
}

/*!
    Returns the zero value of \a type: null for \c{()} and \c Option, \c false,
    0, an empty string or container, a struct of zero fields, and for an enum
    its first variant with zero data. This is also what a missing
    \c{#[serde(default)]} field decodes to (for the types a Rust \c Default
    covers).
*/
QVariant RpcBodyCodec::defaultValue(const RpcTypeSchema &type)
{
    return type.m_node ? defaultValueFor(type.m_node) : QVariant();
}

/*! Returns \c json or \c cbor: the name of \a format. */
QString RpcBodyCodec::formatName(Format format)
{
    return format == Json ? QStringLiteral("json") : QStringLiteral("cbor");
}

} // namespace Fizyr

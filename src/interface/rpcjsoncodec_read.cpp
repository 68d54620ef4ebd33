// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcCodec::JsonReader: the schema-driven decoding of a JSON body into a
// QVariant (RpcBodyCodec::decode()), as serde_derive's visitors over
// serde_json's Deserializer.

#include "rpcjsoncodecreader_p.h"

namespace Fizyr {
namespace RpcCodec {

bool JsonReader::decodeInteger(const TypeNode *type, QVariant *out)
{
    const int c = peek();
    if (c != '-' && !(c >= '0' && c <= '9'))
        return invalidType(kindName(type));
    Number n;
    if (!parseNumber(&n))
        return false;
    return integerFromNumber(type, n, out);
}

bool JsonReader::integerFromNumber(const TypeNode *type, const Number &n, QVariant *out)
{
    if (!checkInteger(type->kind, n))
        return false;
    const bool isSigned = type->kind <= RpcTypeSchema::I64;
    if (n.kind == Number::U64)
        *out = isSigned ? QVariant(qint64(n.u)) : QVariant(quint64(n.u));
    else
        *out = QVariant(qint64(n.i));
    return true;
}

bool JsonReader::decodeFloat(const TypeNode *type, QVariant *out)
{
    const int c = peek();
    if (c != '-' && !(c >= '0' && c <= '9'))
        return invalidType(kindName(type));
    Number n;
    if (!parseNumber(&n))
        return false;
    double v = n.kind == Number::U64 ? double(n.u) : n.kind == Number::I64 ? double(n.i) : n.f;
    if (type->kind == RpcTypeSchema::F32)
        v = double(doubleToFloat(v));
    *out = QVariant(v);
    return true;
}

bool JsonReader::decodeString(QVariant *out)
{
    if (peek() != '"')
        return invalidType("a string");
    QString text;
    if (!parseString(&text))
        return false;
    *out = QVariant(std::move(text));
    return true;
}

bool JsonReader::decodeSeq(const TypeNode *type, QVariant *out)
{
    if (peek() != '[')
        return invalidType("a sequence");
    ++m_p;
    if (!enter())
        return false;
    const bool bytes = type->element->kind == RpcTypeSchema::U8;
    QVariantList list;
    QByteArray byteArray;
    bool first = true;
    for (qsizetype index = 0;; ++index) {
        const int r = nextElement(&first);
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
    if (!endSeq())
        return false;
    *out = bytes ? QVariant(byteArray) : QVariant(list);
    return true;
}

bool JsonReader::decodeMap(const TypeNode *type, QVariant *out)
{
    if (peek() != '{')
        return invalidType("a map");
    ++m_p;
    if (!enter())
        return false;
    QVariantMap map;
    bool first = true;
    for (;;) {
        QByteArray key;
        const int r = nextKey(&first, &key);
        if (r < 0)
            return false;
        if (r == 0)
            break;
        if (!colon())
            return false;
        const QString k = QString::fromUtf8(key);
        m_path.pushKey(k);
        QVariant element;
        if (!decode(type->element, &element))
            return false;
        m_path.pop();
        map.insert(k, element);
    }
    leave();
    if (!endMap())
        return false;
    *out = map;
    return true;
}

// A struct's fields from a JSON array or object (serde_derive's
// visit_seq / visit_map).
bool JsonReader::decodeFields(const QList<FieldDef> &fields, bool containerDefault, QVariant *out)
{
    const int c = peek();
    QVariantMap result;
    if (c == '[') {
        ++m_p;
        if (!enter())
            return false;
        bool first = true;
        for (const FieldDef &f : fields) {
            const int r = nextElement(&first);
            if (r < 0)
                return false;
            if (r == 0) {
                if (f.hasDefault || containerDefault) {
                    result.insert(f.wireName, defaultFor(f.type));
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
        if (!endSeq())
            return false;
        *out = result;
        return true;
    }
    if (c != '{')
        return invalidType("a struct");
    ++m_p;
    if (!enter())
        return false;
    bool first = true;
    for (;;) {
        // The key is only needed until the field is known: one buffer
        // for every key (nested structs reuse it after that).
        QByteArray &key = m_scratch;
        const int r = nextKey(&first, &key);
        if (r < 0)
            return false;
        if (r == 0)
            break;
        const FieldDef *field = nullptr;
        for (const FieldDef &f : fields) {
            if (wireNameUtf8(f) == key) {
                field = &f;
                break;
            }
        }
        if (field && result.contains(field->wireName))
            return fail(tr("duplicate field `%1`").arg(field->wireName));
        if (!colon())
            return false;
        if (!field) {
            if (!ignoreValue())
                return false;
            continue;
        }
        const QString &k = field->wireName;
        m_path.pushField(k);
        QVariant v;
        if (!decode(field->type, &v))
            return false;
        m_path.pop();
        result.insert(k, v);
    }
    leave();
    if (!endMap())
        return false;
    for (const FieldDef &f : fields) {
        if (result.contains(f.wireName))
            continue;
        if (f.hasDefault || containerDefault)
            result.insert(f.wireName, defaultFor(f.type));
        else if (f.type->kind == RpcTypeSchema::Option)
            result.insert(f.wireName, nullValue());
        else
            return fail(tr("missing field `%1`").arg(f.wireName));
    }
    *out = result;
    return true;
}

bool JsonReader::decodeStruct(const TypeNode *type, QVariant *out)
{
    const TypeDef *def = type->def;
    if (def->unitStruct) {
        if (peek() != 'n')
            return invalidType("unit struct");
        ++m_p;
        if (!ident("ull"))
            return false;
        *out = nullValue();
        return true;
    }
    return decodeFields(def->fields, def->containerDefault, out);
}

bool JsonReader::decodeVariantData(const VariantDef &v, QVariant *data)
{
    switch (v.kind) {
    case RpcVariant::Unit:
        if (peek() != 'n')
            return invalidType("unit variant");
        ++m_p;
        return ident("ull");
    case RpcVariant::Newtype:
        return decode(v.types.first(), data);
    case RpcVariant::Tuple: {
        if (peek() != '[')
            return invalidType("tuple variant");
        ++m_p;
        if (!enter())
            return false;
        QVariantList list;
        bool first = true;
        for (qsizetype i = 0; i < v.types.size(); ++i) {
            const int r = nextElement(&first);
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
            list.append(e);
        }
        leave();
        if (!endSeq())
            return false;
        *data = list;
        return true;
    }
    case RpcVariant::Struct:
        return decodeFields(v.fields, false, data);
    }
    return false;
}

const VariantDef *JsonReader::findVariant(const TypeDef *def, const QByteArray &name)
{
    const QString n = QString::fromUtf8(name);
    for (const VariantDef &v : def->variants) {
        if (v.wireName == n)
            return &v;
    }
    QStringList names;
    for (const VariantDef &v : def->variants)
        names.append(QLatin1Char('`') + v.wireName + QLatin1Char('`'));
    fail(tr("unknown variant `%1`, expected one of %2").arg(n, names.join(QLatin1String(", "))));
    return nullptr;
}

bool JsonReader::decodeEnum(const TypeNode *type, QVariant *out)
{
    const TypeDef *def = type->def;
    const int c = peek();
    if (c == '"') {
        QByteArray name;
        if (!parseString(&name))
            return false;
        const VariantDef *v = findVariant(def, name);
        if (!v)
            return false;
        if (v->kind != RpcVariant::Unit)
            return fail(tr("invalid type: unit variant, expected %1 variant `%2`")
                                .arg(v->kind == RpcVariant::Newtype         ? tr("newtype")
                                             : v->kind == RpcVariant::Tuple ? tr("tuple")
                                                                            : tr("struct"),
                                     v->wireName));
        *out = QVariant(v->wireName);
        return true;
    }
    if (c != '{')
        return fail(c == -1 ? tr("EOF while parsing a value") : tr("expected value"));
    ++m_p;
    if (!enter())
        return false;
    if (peek() != '"')
        return invalidType("variant identifier");
    QByteArray name;
    if (!parseString(&name))
        return false;
    const VariantDef *v = findVariant(def, name);
    if (!v)
        return false;
    if (!colon())
        return false;
    m_path.pushField(v->wireName);
    QVariant data = nullValue();
    if (!decodeVariantData(*v, &data))
        return false;
    m_path.pop();
    leave();
    const int d = peek();
    if (d != '}')
        return fail(d == -1 ? tr("EOF while parsing an object") : tr("expected value"));
    ++m_p;
    if (v->kind == RpcVariant::Unit) {
        *out = QVariant(v->wireName);
    } else {
        QVariantMap map;
        map.insert(v->wireName, data);
        *out = map;
    }
    return true;
}

bool JsonReader::decode(const TypeNode *type, QVariant *out)
{
    switch (type->kind) {
    case RpcTypeSchema::Invalid:
        return fail(tr("invalid schema"));
    case RpcTypeSchema::Unit:
        if (peek() != 'n')
            return invalidType("unit");
        ++m_p;
        if (!ident("ull"))
            return false;
        *out = nullValue();
        return true;
    case RpcTypeSchema::Bool: {
        const int c = peek();
        if (c == 't') {
            ++m_p;
            if (!ident("rue"))
                return false;
            *out = QVariant(true);
            return true;
        }
        if (c == 'f') {
            ++m_p;
            if (!ident("alse"))
                return false;
            *out = QVariant(false);
            return true;
        }
        return invalidType("a boolean");
    }
    case RpcTypeSchema::I8:
    case RpcTypeSchema::I16:
    case RpcTypeSchema::I32:
    case RpcTypeSchema::I64:
    case RpcTypeSchema::U8:
    case RpcTypeSchema::U16:
    case RpcTypeSchema::U32:
    case RpcTypeSchema::U64:
        return decodeInteger(type, out);
    case RpcTypeSchema::F32:
    case RpcTypeSchema::F64:
        return decodeFloat(type, out);
    case RpcTypeSchema::String:
        return decodeString(out);
    case RpcTypeSchema::Vec:
        return decodeSeq(type, out);
    case RpcTypeSchema::Option:
        if (peek() == 'n') {
            ++m_p;
            if (!ident("ull"))
                return false;
            *out = nullValue();
            return true;
        }
        return decode(type->element, out);
    case RpcTypeSchema::Map:
        return decodeMap(type, out);
    case RpcTypeSchema::Struct:
        return decodeStruct(type, out);
    case RpcTypeSchema::Enum:
        return decodeEnum(type, out);
    }
    return false;
}

QVariant JsonReader::defaultFor(const TypeNode *type)
{
    return defaultValueFor(type);
}

bool decodeJson(const TypeNode *type, const QByteArray &body, QVariant *value, QString *error)
{
    JsonReader reader(body);
    return reader.run(type, value, error);
}

} // namespace RpcCodec
} // namespace Fizyr

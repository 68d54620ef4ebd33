// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmlinterface_p.h"

#include <limits>

namespace Fizyr {

namespace {

QString kindName(RpcTypeSchema::Kind kind)
{
    switch (kind) {
    case RpcTypeSchema::Invalid:
        return QStringLiteral("invalid");
    case RpcTypeSchema::Unit:
        return QStringLiteral("unit");
    case RpcTypeSchema::Bool:
        return QStringLiteral("bool");
    case RpcTypeSchema::I8:
        return QStringLiteral("i8");
    case RpcTypeSchema::I16:
        return QStringLiteral("i16");
    case RpcTypeSchema::I32:
        return QStringLiteral("i32");
    case RpcTypeSchema::I64:
        return QStringLiteral("i64");
    case RpcTypeSchema::U8:
        return QStringLiteral("u8");
    case RpcTypeSchema::U16:
        return QStringLiteral("u16");
    case RpcTypeSchema::U32:
        return QStringLiteral("u32");
    case RpcTypeSchema::U64:
        return QStringLiteral("u64");
    case RpcTypeSchema::F32:
        return QStringLiteral("f32");
    case RpcTypeSchema::F64:
        return QStringLiteral("f64");
    case RpcTypeSchema::String:
        return QStringLiteral("string");
    case RpcTypeSchema::Vec:
        return QStringLiteral("vec");
    case RpcTypeSchema::Option:
        return QStringLiteral("option");
    case RpcTypeSchema::Map:
        return QStringLiteral("map");
    case RpcTypeSchema::Struct:
        return QStringLiteral("struct");
    case RpcTypeSchema::Enum:
        return QStringLiteral("enum");
    }
    return QStringLiteral("invalid");
}

template<typename T>
void setRange(QVariantMap *map)
{
    map->insert(QStringLiteral("min"), double(std::numeric_limits<T>::min()));
    map->insert(QStringLiteral("max"), double(std::numeric_limits<T>::max()));
}

QVariantMap describeField(const RpcField &field, QSet<QString> *path)
{
    return {{QStringLiteral("name"), field.name()},
            {QStringLiteral("wireName"), field.wireName()},
            {QStringLiteral("doc"), field.doc()},
            {QStringLiteral("optional"), field.isOptional()},
            {QStringLiteral("hasDefault"), field.hasDefault()},
            {QStringLiteral("type"), describeType(field.type(), path)}};
}

QVariantList describeFields(const QList<RpcField> &fields, QSet<QString> *path)
{
    QVariantList list;
    for (const RpcField &field : fields)
        list.append(describeField(field, path));
    return list;
}

QString variantKindName(RpcVariant::Kind kind)
{
    switch (kind) {
    case RpcVariant::Unit:
        return QStringLiteral("unit");
    case RpcVariant::Newtype:
        return QStringLiteral("newtype");
    case RpcVariant::Tuple:
        return QStringLiteral("tuple");
    case RpcVariant::Struct:
        return QStringLiteral("struct");
    }
    return QString();
}

} // namespace

QVariantMap describeType(const RpcTypeSchema &type, QSet<QString> *path)
{
    QVariantMap map;
    const RpcTypeSchema::Kind kind = type.kind();
    map.insert(QStringLiteral("kind"), kindName(kind));
    map.insert(QStringLiteral("type"), type.rustName());
    map.insert(QStringLiteral("name"), type.name());
    map.insert(QStringLiteral("doc"), type.doc());
    map.insert(QStringLiteral("integer"), type.isInteger());
    map.insert(QStringLiteral("float"), type.isFloat());
    switch (kind) {
    case RpcTypeSchema::I8:
        setRange<qint8>(&map);
        break;
    case RpcTypeSchema::I16:
        setRange<qint16>(&map);
        break;
    case RpcTypeSchema::I32:
        setRange<qint32>(&map);
        break;
    case RpcTypeSchema::I64:
        setRange<qint64>(&map);
        break;
    case RpcTypeSchema::U8:
        setRange<quint8>(&map);
        break;
    case RpcTypeSchema::U16:
        setRange<quint16>(&map);
        break;
    case RpcTypeSchema::U32:
        setRange<quint32>(&map);
        break;
    case RpcTypeSchema::U64:
        setRange<quint64>(&map);
        break;
    case RpcTypeSchema::F32:
        map.insert(QStringLiteral("min"), double(-std::numeric_limits<float>::max()));
        map.insert(QStringLiteral("max"), double(std::numeric_limits<float>::max()));
        break;
    case RpcTypeSchema::F64:
        map.insert(QStringLiteral("min"), -std::numeric_limits<double>::max());
        map.insert(QStringLiteral("max"), std::numeric_limits<double>::max());
        break;
    case RpcTypeSchema::Vec:
    case RpcTypeSchema::Option:
    case RpcTypeSchema::Map:
        map.insert(QStringLiteral("bytes"), type.isBytes());
        map.insert(QStringLiteral("hashMap"), type.isHashMap());
        map.insert(QStringLiteral("element"), describeType(type.elementType(), path));
        break;
    case RpcTypeSchema::Struct:
    case RpcTypeSchema::Enum: {
        if (path->contains(type.name())) {
            // A type that contains itself (through a Vec or a map): expand it
            // with typeSchema(name) when needed.
            map.insert(QStringLiteral("recursive"), true);
            break;
        }
        path->insert(type.name());
        if (kind == RpcTypeSchema::Struct) {
            map.insert(QStringLiteral("unitStruct"), type.isUnitStruct());
            map.insert(QStringLiteral("fields"), describeFields(type.fields(), path));
        } else {
            QVariantList variants;
            for (const RpcVariant &variant : type.variants()) {
                QVariantList types;
                for (const RpcTypeSchema &element : variant.types())
                    types.append(describeType(element, path));
                variants.append(QVariantMap{
                        {QStringLiteral("name"), variant.name()},
                        {QStringLiteral("wireName"), variant.wireName()},
                        {QStringLiteral("doc"), variant.doc()},
                        {QStringLiteral("kind"), variantKindName(variant.kind())},
                        {QStringLiteral("types"), types},
                        {QStringLiteral("fields"), describeFields(variant.fields(), path)}});
            }
            map.insert(QStringLiteral("variants"), variants);
        }
        path->remove(type.name());
        break;
    }
    default:
        break;
    }
    return map;
}

QVariantMap describeUpdate(qint32 id, const QString &name, const QString &doc, bool hidden,
                           const RpcTypeSchema &type)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("doc"), doc},
            {QStringLiteral("hidden"), hidden},
            {QStringLiteral("type"), type.rustName()}};
}

QVariantMap describeService(const RpcService &service)
{
    QVariantList requestUpdates;
    for (const RpcUpdate &update : service.requestUpdates()) {
        requestUpdates.append(describeUpdate(update.id(), update.name(), update.doc(),
                                             update.isHidden(), update.bodyType()));
    }
    QVariantList responseUpdates;
    for (const RpcUpdate &update : service.responseUpdates()) {
        responseUpdates.append(describeUpdate(update.id(), update.name(), update.doc(),
                                              update.isHidden(), update.bodyType()));
    }
    return {{QStringLiteral("id"), service.id()},
            {QStringLiteral("name"), service.name()},
            {QStringLiteral("doc"), service.doc()},
            {QStringLiteral("hidden"), service.isHidden()},
            {QStringLiteral("requestType"), service.requestType().rustName()},
            {QStringLiteral("responseType"), service.responseType().rustName()},
            {QStringLiteral("requestUpdates"), requestUpdates},
            {QStringLiteral("responseUpdates"), responseUpdates}};
}

} // namespace Fizyr

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcInterfaceModel: the file parser's type expressions (primitives, Vec, Option, maps and
// named types, resolved later).

#include "rpcinterfaceparser_impl_p.h"

#include <QtCore/qhash.h>

namespace Fizyr {
namespace RpcInterfaceModel {
namespace ParserPrivate {

TypeNode *FileParser::newNode(RpcTypeSchema::Kind kind, const Position &pos)
{
    m_model->nodes.push_back(TypeNode());
    TypeNode *node = &m_model->nodes.back();
    node->kind = kind;
    node->pos = pos;
    return node;
}

const TypeNode *FileParser::parseType()
{
    const Position pos = cur().pos;
    if (atPunct("(")) {
        next();
        if (!atPunct(")"))
            fail(pos, tr("tuple types are not supported (only `()`)"));
        next();
        return newNode(RpcTypeSchema::Unit, pos);
    }
    if (atPunct("&"))
        fail(pos, tr("references are not supported; use owned types such as String"));
    if (atPunct("["))
        fail(pos, tr("arrays and slices are not supported; use Vec<T>"));
    if (atPunct("::"))
        next();
    Token name = expectIdent(tr("a type"));
    while (atPunct("::")) {
        next();
        name = expectIdent(tr("a type"));
    }
    const QString &n = name.text;
    static const QHash<QString, RpcTypeSchema::Kind> primitives = {
            {QStringLiteral("bool"), RpcTypeSchema::Bool},
            {QStringLiteral("i8"), RpcTypeSchema::I8},
            {QStringLiteral("i16"), RpcTypeSchema::I16},
            {QStringLiteral("i32"), RpcTypeSchema::I32},
            {QStringLiteral("i64"), RpcTypeSchema::I64},
            {QStringLiteral("u8"), RpcTypeSchema::U8},
            {QStringLiteral("u16"), RpcTypeSchema::U16},
            {QStringLiteral("u32"), RpcTypeSchema::U32},
            {QStringLiteral("u64"), RpcTypeSchema::U64},
            {QStringLiteral("f32"), RpcTypeSchema::F32},
            {QStringLiteral("f64"), RpcTypeSchema::F64},
            {QStringLiteral("String"), RpcTypeSchema::String},
    };
    const auto prim = primitives.constFind(n);
    if (prim != primitives.cend() && !name.raw) {
        if (atPunct("<"))
            fail(cur().pos, tr("%1 takes no type arguments").arg(quoted(n)));
        return newNode(prim.value(), pos);
    }
    if (n == QLatin1String("Vec") || n == QLatin1String("Option")) {
        TypeNode *node = newNode(
                n == QLatin1String("Vec") ? RpcTypeSchema::Vec : RpcTypeSchema::Option, pos);
        if (!atPunct("<"))
            fail(cur().pos, tr("%1 needs one type argument").arg(quoted(n)));
        next();
        node->element = parseType();
        if (atPunct(","))
            next();
        closeAngle(n);
        return node;
    }
    if (n == QLatin1String("BTreeMap") || n == QLatin1String("HashMap")) {
        TypeNode *node = newNode(RpcTypeSchema::Map, pos);
        node->hashMap = n == QLatin1String("HashMap");
        if (!atPunct("<"))
            fail(cur().pos, tr("%1 needs two type arguments").arg(quoted(n)));
        next();
        const TypeNode *key = parseType();
        if (key->kind != RpcTypeSchema::String)
            fail(key->pos, tr("map keys must be String"));
        expectPunct(",");
        node->element = parseType();
        if (atPunct(","))
            next();
        closeAngle(n);
        return node;
    }
    if (atPunct("<"))
        fail(cur().pos, tr("unknown generic type %1").arg(quoted(n)));
    TypeNode *node = newNode(RpcTypeSchema::Invalid, pos);
    node->spelled = n;
    namedNodes.append(node);
    return node;
}

void FileParser::closeAngle(const QString &typeName)
{
    if (!atPunct(">"))
        fail(cur().pos,
             tr("expected `>` to close %1, found %2").arg(quoted(typeName), describe(cur())));
    next();
}

} // namespace ParserPrivate
} // namespace RpcInterfaceModel
} // namespace Fizyr

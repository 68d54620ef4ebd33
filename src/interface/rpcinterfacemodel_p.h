// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCINTERFACEMODEL_P_H
#define FIZYRRPCQT_RPCINTERFACEMODEL_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the fizyr-rpc-qt API. It exists purely as an
// implementation detail. This header file may change from version to
// version without notice, or even be removed.
//
// We mean it.
//

#include "rpcinterfacefile.h"
#include "rpctypeschema.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qhash.h>
#include <QtCore/qlist.h>
#include <QtCore/qsharedpointer.h>
#include <QtCore/qstring.h>

#include <deque>

namespace Fizyr {
namespace RpcInterfaceModel {

// A position in an interface file, for error messages.
struct Position
{
    QString fileName;
    int line = 0;
    int column = 0;
};

// One type expression: a primitive, a container of another type
// expression, or a reference to a struct or enum definition.
struct TypeNode
{
    RpcTypeSchema::Kind kind = RpcTypeSchema::Invalid;
    const TypeNode *element = nullptr; // Vec, Option, Map (value type)
    const TypeDef *def = nullptr; // Struct, Enum
    bool hashMap = false;
    QString spelled; // named types before resolution
    Position pos;
};

struct FieldDef
{
    QString name; // as written, without r#
    QString wireName; // after rename / rename_all
    QByteArray wireUtf8; // wireName in UTF-8, for the codecs (see wireNameUtf8())
    QString cppName;
    QString doc;
    const TypeNode *type = nullptr;
    bool hasDefault = false; // #[serde(default)] on the field or its container
    Position pos;
};

struct VariantDef
{
    QString name;
    QString wireName;
    QByteArray wireUtf8; // wireName in UTF-8, for the codecs (see wireNameUtf8())
    QString doc;
    RpcVariant::Kind kind = RpcVariant::Unit;
    QList<const TypeNode *> types; // Newtype (1), Tuple (n)
    QList<FieldDef> fields; // Struct
    Position pos;
};

struct TypeDef
{
    QString name;
    QString doc;
    bool isEnum = false;
    bool unitStruct = false;
    bool containerDefault = false;
    QList<FieldDef> fields;
    QList<VariantDef> variants;
    const TypeNode *self = nullptr;
    Position pos;
};

struct UpdateDef
{
    qint32 id = 0;
    QString name;
    QString cppName;
    QString doc;
    bool hidden = false;
    const TypeNode *type = nullptr;
    Position pos;
    Position idPos;
};

struct ServiceDef
{
    qint32 id = 0;
    QString name;
    QString cppName;
    QString doc;
    bool hidden = false;
    const TypeNode *requestType = nullptr;
    const TypeNode *responseType = nullptr;
    QList<UpdateDef> requestUpdates;
    QList<UpdateDef> responseUpdates;
    Position pos;
    Position idPos;
};

struct InterfaceDef
{
    QString name;
    QString doc;
    QList<ServiceDef> services;
    QList<UpdateDef> streams;
    Position pos;
};

// The immutable result of parsing a file and its imports. Public handles
// (RpcInterface, RpcTypeSchema, ...) share it and point into it.
struct Model
{
    QString fileName;
    QList<RpcInterfaceError> errors;
    std::deque<TypeNode> nodes;
    std::deque<TypeDef> types; // in definition order
    std::deque<InterfaceDef> interfaces;
    QHash<QString, const TypeDef *> typesByName;
    // A model made by RpcInterfaceFile::typeSchema() keeps its file alive.
    QSharedPointer<const Model> parent;
};

// Rust names to C++ names: lowerCamelCase, C++ keywords get a trailing '_'.
QString cppIdentifier(const QString &rustName);
bool isCppKeyword(const QString &word);
// The Rust spelling of a type expression.
QString rustTypeName(const TypeNode *node);

// The wire name of a field or variant in UTF-8 (computed by the parser;
// converted here for a definition that was built otherwise).
template<typename Def>
inline QByteArray wireNameUtf8(const Def &def)
{
    return def.wireUtf8.isEmpty() ? def.wireName.toUtf8() : def.wireUtf8;
}

} // namespace RpcInterfaceModel
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCINTERFACEMODEL_P_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpctypeschema.h"

#include "rpcinterfacemodel_p.h"

#include <QtCore/qdebug.h>

namespace Fizyr {

using namespace RpcInterfaceModel;

/*!
    \class Fizyr::RpcTypeSchema
    \inmodule FizyrRpcQt
    \brief The schema of one body type of an interface file: a primitive, a
    container or a struct or enum definition.

    RpcTypeSchema is an immutable, implicitly shared handle into the model of
    an RpcInterfaceFile; it keeps that model alive. Get one from
    RpcService::requestType(), RpcUpdate::bodyType(), RpcInterfaceFile::type()
    or RpcInterfaceFile::typeSchema(). A default-constructed schema is invalid.

    The kind() says what the type is; containers (\l Vec, \l Option and
    \l Map) have an elementType() (for maps: the value type; keys are always
    strings), structs have fields() and enums have variants(). Struct and
    enum schemas may refer to themselves through a \c Vec or a map.

    RpcBodyCodec encodes and decodes bodies by schema.
*/

/*!
    \enum Fizyr::RpcTypeSchema::Kind

    \value Invalid A default-constructed schema.
    \value Unit \c{()}: JSON \c null, CBOR \c{f6}.
    \value Bool \c bool.
    \value I8 \c i8.
    \value I16 \c i16.
    \value I32 \c i32.
    \value I64 \c i64.
    \value U8 \c u8.
    \value U16 \c u16.
    \value U32 \c u32.
    \value U64 \c u64.
    \value F32 \c f32.
    \value F64 \c f64.
    \value String \c String.
    \value Vec \c{Vec<T>}; \c{Vec<u8>} is a Vec whose isBytes() is true.
    \value Option \c{Option<T>}.
    \value Map \c{BTreeMap<String, T>} or \c{HashMap<String, T>} (isHashMap()).
    \value Struct A struct definition (named fields, empty or unit struct).
    \value Enum An enum definition (externally tagged variants).
*/

/*! Constructs an invalid schema. */
RpcTypeSchema::RpcTypeSchema() = default;

RpcTypeSchema::RpcTypeSchema(const QSharedPointer<const Model> &model, const TypeNode *node)
    : m_model(model), m_node(node)
{ }

/*!
    \fn bool Fizyr::RpcTypeSchema::isValid() const
    Returns \c true unless this schema is default-constructed.
*/

/*! Returns the kind of type. */
RpcTypeSchema::Kind RpcTypeSchema::kind() const
{
    return m_node ? m_node->kind : Invalid;
}

/*!
    Returns the name of a struct or enum type as written in the interface
    file; for other kinds the same as rustName().
*/
QString RpcTypeSchema::name() const
{
    if (!m_node)
        return QString();
    if (m_node->def)
        return m_node->def->name;
    return rustTypeName(m_node);
}

/*! Returns the type as Rust spells it, for example \c{Vec<Option<Point>>}. */
QString RpcTypeSchema::rustName() const
{
    return m_node ? rustTypeName(m_node) : QString();
}

/*! Returns the doc comment of a struct or enum definition (without \c{///}). */
QString RpcTypeSchema::doc() const
{
    return m_node && m_node->def ? m_node->def->doc : QString();
}

/*!
    \property Fizyr::RpcTypeSchema::bytes
    \brief Whether this is \c{Vec<u8>}; read with isBytes().
*/

/*!
    \property Fizyr::RpcTypeSchema::hashMap
    \brief Whether this is a \c HashMap; read with isHashMap().
*/

/*!
    \property Fizyr::RpcTypeSchema::unitStruct
    \brief Whether this is a unit struct; read with isUnitStruct().
*/

/*!
    \property Fizyr::RpcTypeSchema::valid
    \brief Whether this schema describes a type; read with isValid().
*/

/*!
    Returns \c true for \c{Vec<u8>}. Its decoded value is a QByteArray (on the
    wire it is an array of numbers, as serde writes it).
*/
bool RpcTypeSchema::isBytes() const
{
    return m_node && m_node->kind == Vec && m_node->element->kind == U8;
}

/*! Returns \c true for a \c HashMap (encoded in sorted key order, like a \c BTreeMap). */
bool RpcTypeSchema::isHashMap() const
{
    return m_node && m_node->kind == Map && m_node->hashMap;
}

/*! Returns \c true for a unit struct (\c{struct Name;}), encoded as \c null. */
bool RpcTypeSchema::isUnitStruct() const
{
    return m_node && m_node->def && m_node->def->unitStruct;
}

/*! Returns \c true for a struct with the container attribute \c{#[serde(default)]}. */
bool RpcTypeSchema::hasDefault() const
{
    return m_node && m_node->def && m_node->def->containerDefault;
}

/*! Returns \c true for the integer kinds \l I8 to \l U64. */
bool RpcTypeSchema::isInteger() const
{
    const Kind k = kind();
    return k >= I8 && k <= U64;
}

/*! Returns \c true for \l F32 and \l F64. */
bool RpcTypeSchema::isFloat() const
{
    const Kind k = kind();
    return k == F32 || k == F64;
}

/*!
    Returns the element type of a \l Vec or \l Option, or the value type of a
    \l Map; an invalid schema for other kinds.
*/
RpcTypeSchema RpcTypeSchema::elementType() const
{
    if (!m_node || !m_node->element)
        return RpcTypeSchema();
    return RpcTypeSchema(m_model, m_node->element);
}

/*! Returns the fields of a struct in declaration order (wire order). */
QList<RpcField> RpcTypeSchema::fields() const
{
    QList<RpcField> result;
    if (!m_node || !m_node->def)
        return result;
    for (const FieldDef &f : m_node->def->fields)
        result.append(RpcField(m_model, &f));
    return result;
}

/*! Returns the struct field whose wire name is \a wireName, or an invalid field. */
RpcField RpcTypeSchema::field(const QString &wireName) const
{
    if (m_node && m_node->def) {
        for (const FieldDef &f : m_node->def->fields) {
            if (f.wireName == wireName)
                return RpcField(m_model, &f);
        }
    }
    return RpcField();
}

/*! Returns the variants of an enum in declaration order. */
QList<RpcVariant> RpcTypeSchema::variants() const
{
    QList<RpcVariant> result;
    if (!m_node || !m_node->def)
        return result;
    for (const VariantDef &v : m_node->def->variants)
        result.append(RpcVariant(m_model, &v));
    return result;
}

/*! Returns the enum variant whose wire name is \a wireName, or an invalid variant. */
RpcVariant RpcTypeSchema::variant(const QString &wireName) const
{
    if (m_node && m_node->def) {
        for (const VariantDef &v : m_node->def->variants) {
            if (v.wireName == wireName)
                return RpcVariant(m_model, &v);
        }
    }
    return RpcVariant();
}

bool RpcTypeSchema::equals(const RpcTypeSchema &other) const
{
    if (m_node == other.m_node)
        return true;
    if (!m_node || !other.m_node)
        return false;
    if (m_node->kind != other.m_node->kind)
        return false;
    if (m_node->def || other.m_node->def)
        return m_node->def == other.m_node->def;
    if (m_node->hashMap != other.m_node->hashMap)
        return false;
    if (m_node->element)
        return elementType().equals(other.elementType());
    return true;
}

/*!
    \fn bool Fizyr::RpcTypeSchema::operator==(const Fizyr::RpcTypeSchema &lhs, const Fizyr::RpcTypeSchema &rhs)
    Returns \c true if \a lhs and \a rhs describe the same type: the same
    primitive or container of equal types, or the same struct or enum
    definition of the same file.
*/

/*!
    \fn bool Fizyr::RpcTypeSchema::operator!=(const Fizyr::RpcTypeSchema &lhs, const Fizyr::RpcTypeSchema &rhs)
    Returns \c true if \a lhs and \a rhs describe different types.
*/

#ifndef QT_NO_DEBUG_STREAM
/*!
    \relates Fizyr::RpcTypeSchema
    Writes the Rust spelling of \a type to \a debug.
*/
QDebug operator<<(QDebug debug, const RpcTypeSchema &type)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "RpcTypeSchema(" << qUtf8Printable(type.rustName()) << ')';
    return debug;
}
#endif

/*!
    \class Fizyr::RpcField
    \inmodule FizyrRpcQt
    \brief A named field of a struct or of a struct variant of an enum.

    An immutable handle into the model of an RpcInterfaceFile.
*/

/*! Constructs an invalid field. */
RpcField::RpcField() = default;

RpcField::RpcField(const QSharedPointer<const Model> &model, const FieldDef *field)
    : m_model(model), m_field(field)
{ }

/*!
    \fn bool Fizyr::RpcField::isValid() const
    Returns \c true unless this field is default-constructed.
*/

/*! Returns the field name as written (without a raw identifier's \c{r#}). */
QString RpcField::name() const
{
    return m_field ? m_field->name : QString();
}

/*!
    Returns the name on the wire: name() after \c{#[serde(rename)]} or the
    container's \c{#[serde(rename_all)]}. Values use this name as map key.
*/
QString RpcField::wireName() const
{
    return m_field ? m_field->wireName : QString();
}

/*!
    Returns the C++ name of generated code: the lowerCamelCase of name(),
    with a trailing underscore for C++ keywords (\c class becomes \c{class_}).
*/
QString RpcField::cppName() const
{
    return m_field ? m_field->cppName : QString();
}

/*! Returns the doc comment of the field. */
QString RpcField::doc() const
{
    return m_field ? m_field->doc : QString();
}

/*! Returns the type of the field. */
RpcTypeSchema RpcField::type() const
{
    return m_field ? RpcTypeSchema(m_model, m_field->type) : RpcTypeSchema();
}

/*!
    Returns \c true if the field may be missing when decoding because of
    \c{#[serde(default)]} on the field or on its struct.
*/
bool RpcField::hasDefault() const
{
    return m_field && m_field->hasDefault;
}

/*!
    \property Fizyr::RpcField::optional
    \brief Whether the field may be missing when decoding; read with isOptional().
*/

/*!
    Returns \c true if the field may be missing when decoding: an \c Option
    field (serde decodes a missing one as \c None) or hasDefault().
*/
bool RpcField::isOptional() const
{
    return m_field && (m_field->hasDefault || m_field->type->kind == RpcTypeSchema::Option);
}

/*!
    \class Fizyr::RpcVariant
    \inmodule FizyrRpcQt
    \brief One variant of an enum: unit, newtype, tuple or struct variant.

    An immutable handle into the model of an RpcInterfaceFile.
*/

/*!
    \enum Fizyr::RpcVariant::Kind

    \value Unit \c{Name}: the value is the string \c{"Name"}.
    \value Newtype \c{Name(T)}: the value is a map \c{{"Name": value}}.
    \value Tuple \c{Name(T, U)} (also \c{Name()}): \c{{"Name": [t, u]}}.
    \value Struct \c{Name { f: T }} (also \c{Name {}}): \c{{"Name": {"f": t}}}.
*/

/*! Constructs an invalid variant. */
RpcVariant::RpcVariant() = default;

RpcVariant::RpcVariant(const QSharedPointer<const Model> &model, const VariantDef *variant)
    : m_model(model), m_variant(variant)
{ }

/*!
    \fn bool Fizyr::RpcVariant::isValid() const
    Returns \c true unless this variant is default-constructed.
*/

/*! Returns the variant name as written. */
QString RpcVariant::name() const
{
    return m_variant ? m_variant->name : QString();
}

/*! Returns the variant's tag on the wire, after rename and rename_all. */
QString RpcVariant::wireName() const
{
    return m_variant ? m_variant->wireName : QString();
}

/*! Returns the doc comment of the variant. */
QString RpcVariant::doc() const
{
    return m_variant ? m_variant->doc : QString();
}

/*! Returns the kind of variant. */
RpcVariant::Kind RpcVariant::kind() const
{
    return m_variant ? m_variant->kind : Unit;
}

/*! Returns the element types of a newtype (one) or tuple variant. */
QList<RpcTypeSchema> RpcVariant::types() const
{
    QList<RpcTypeSchema> result;
    if (m_variant) {
        for (const TypeNode *t : m_variant->types)
            result.append(RpcTypeSchema(m_model, t));
    }
    return result;
}

/*! Returns the fields of a struct variant. */
QList<RpcField> RpcVariant::fields() const
{
    QList<RpcField> result;
    if (m_variant) {
        for (const FieldDef &f : m_variant->fields)
            result.append(RpcField(m_model, &f));
    }
    return result;
}

namespace RpcInterfaceModel {

QString rustTypeName(const TypeNode *node)
{
    switch (node->kind) {
    case RpcTypeSchema::Invalid:
        return node->spelled;
    case RpcTypeSchema::Unit:
        return QStringLiteral("()");
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
        return QStringLiteral("String");
    case RpcTypeSchema::Vec:
        return QLatin1String("Vec<") + rustTypeName(node->element) + QLatin1Char('>');
    case RpcTypeSchema::Option:
        return QLatin1String("Option<") + rustTypeName(node->element) + QLatin1Char('>');
    case RpcTypeSchema::Map:
        return (node->hashMap ? QLatin1String("HashMap<String, ")
                              : QLatin1String("BTreeMap<String, "))
                + rustTypeName(node->element) + QLatin1Char('>');
    case RpcTypeSchema::Struct:
    case RpcTypeSchema::Enum:
        return node->def ? node->def->name : node->spelled;
    }
    return QString();
}

} // namespace RpcInterfaceModel

} // namespace Fizyr

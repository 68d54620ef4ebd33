// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The generator's parts, shared by its sources:
//  - generator.cpp: names and spellings, the value classes of a file, the
//    checks, and run() (the header and source around the parts below);
//  - valuetypes.cpp: the value classes (gadgets, toVariant()/fromVariant(),
//    the body functions and the JSON codec per type);
//  - clientserver.cpp: the call and request classes, the clients and servers;
//  - helpercode.cpp: the helpers at the start of every generated source.

#ifndef FIZYRRPCGEN_GENERATOR_P_H
#define FIZYRRPCGEN_GENERATOR_P_H

#include "generator.h"

#include <FizyrRpcQt/rpcinterface.h>
#include <FizyrRpcQt/rpctypeschema.h>

#include <QtCore/qlist.h>
#include <QtCore/qset.h>
#include <QtCore/qstring.h>

namespace FizyrRpcGen {

using namespace Fizyr;

// Names and spellings (generator.cpp).
const QSet<QString> &cppKeywords();
// lowerCamelCase of a PascalCase variant name, for its data member.
QString memberName(const QString &name);
QString upperFirst(const QString &name);
// A C++ name without the underscore that a keyword got (`class_` -> `class`).
QString stem(const QString &cppName);
// A C++ string literal (UTF-8 source) for QStringLiteral().
QString literal(const QString &text);
// A C string literal of the UTF-8 bytes of text (octal escapes beyond ASCII).
QString cString(const QString &text);
// Doc comment lines, indented.
QString docComment(const QString &doc, const QString &indent);
bool isUnit(const Fizyr::RpcTypeSchema &type);
// The C++ type of a member or parameter of this type.
QString cppType(const Fizyr::RpcTypeSchema &type);
// The initializer of a member of this type, for scalars.
QString initializer(const Fizyr::RpcTypeSchema &type);
// Properties of QVariant type (Option, ()) get accessors; the others are MEMBERs.
bool variantProperty(const Fizyr::RpcTypeSchema &type);

// A field of a generated value class.
struct Member
{
    QString name; // C++ name
    QString wireName;
    QString doc;
    RpcTypeSchema type;
    bool hasDefault = false;
};

// A generated value class: a struct, an enum, or the data of a tuple or
// struct variant.
struct ValueClass
{
    enum Shape { Struct, UnitStruct, Enum, TupleData, StructData };
    Shape shape = Struct;
    QString name;
    QString doc;
    RpcTypeSchema schema; // Struct, UnitStruct, Enum
    QList<Member> members; // Struct, TupleData, StructData
    // Enum: one entry per variant
    struct Variant
    {
        QString name; // as written, the Kind enumerator
        QString wireName;
        QString doc;
        RpcVariant::Kind kind = RpcVariant::Unit;
        QString member; // data member name (not for unit variants)
        QString dataType; // newtype: the C++ type; tuple/struct: the data class
        RpcTypeSchema newtype;
    };
    QList<Variant> variants;
    QList<RpcTypeSchema> dependencies;
};

QList<Member> membersOf(const QList<RpcField> &fields);
void collectDependencies(const RpcTypeSchema &type, QList<RpcTypeSchema> *out);

class Generator
{
public:
    Generator(const RpcInterfaceFile &file, const QString &embeddedText,
              const GeneratorOptions &options)
        : m_file(file), m_text(embeddedText), m_options(options)
    { }

    GeneratorResult run();

private:
    void buildValueClasses();
    void orderValueClasses();
    void checkNames();

    void writeValueClassDecl(const ValueClass &vc);
    void writeValueClassImpl(const ValueClass &vc);
    void writeJsonImpl(const ValueClass &vc);
    void writeInterfaceDecl(const RpcInterface &iface);
    void writeInterfaceImpl(const RpcInterface &iface);
    void writeCallDecl(const RpcInterface &iface, const RpcService &service);
    void writeCallImpl(const RpcInterface &iface, const RpcService &service);
    void writeRequestDecl(const RpcInterface &iface, const RpcService &service);
    void writeRequestImpl(const RpcInterface &iface, const RpcService &service);

    QString callClass(const RpcInterface &iface, const RpcService &service) const
    {
        return iface.name() + upperFirst(stem(service.cppName())) + QStringLiteral("Call");
    }
    QString requestClass(const RpcInterface &iface, const RpcService &service) const
    {
        return iface.name() + upperFirst(stem(service.cppName())) + QStringLiteral("Request");
    }
    // The client's list of the unfinished calls of service that their requests
    // own: members <this>First_ and <this>Last_.
    static QString ownedList(const RpcService &service)
    {
        return QStringLiteral("m_owned") + upperFirst(stem(service.cppName()));
    }
    QString serviceFunction(const RpcInterface &iface, const RpcService &service) const
    {
        return QStringLiteral("%1%2Service")
                .arg(memberName(iface.name()), upperFirst(stem(service.cppName())));
    }
    QString streamFunction(const RpcInterface &iface, const RpcStream &stream) const
    {
        return QStringLiteral("%1%2Stream")
                .arg(memberName(iface.name()), upperFirst(stem(stream.cppName())));
    }
    static QString paramType(const RpcTypeSchema &type)
    {
        return QStringLiteral("const %1 &").arg(cppType(type));
    }

    RpcInterfaceFile m_file;
    QString m_text;
    GeneratorOptions m_options;
    QList<ValueClass> m_classes;
    QStringList m_errors;
    QString h; // header
    QString s; // source
};

// The helpers every generated source starts with (helpercode.cpp).
extern const char generatedHelperCode[];

} // namespace FizyrRpcGen

#endif // FIZYRRPCGEN_GENERATOR_P_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "generator.h"

#include <FizyrRpcQt/rpcinterface.h>
#include <FizyrRpcQt/rpctypeschema.h>

#include <QtCore/qdir.h>
#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qhash.h>
#include <QtCore/qregularexpression.h>
#include <QtCore/qset.h>

#include <functional>

using namespace Fizyr;

// The helpers every generated source starts with (helpercode.cpp).
extern const char generatedHelperCode[];

namespace {

// ---------------------------------------------------------------------------
// Reading the input with its imports inlined
// ---------------------------------------------------------------------------

bool flattenInto(const QString &path, QSet<QString> *seen, QStringList *dependencies, QString *out,
                 QString *errorString)
{
    const QString canonical = QFileInfo(path).canonicalFilePath();
    if (seen->contains(canonical))
        return true;
    seen->insert(canonical);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *errorString = QStringLiteral("%1: cannot open: %2").arg(path, file.errorString());
        return false;
    }
    const QString text = QString::fromUtf8(file.readAll());
    // The parser has already accepted the file, so an import is exactly
    // `import "name";` (possibly with attributes, which are not allowed on it).
    static const QRegularExpression importRe(QStringLiteral(
            "(^|[\\n;}])([ \\t]*)import[ \\t\\r\\n]+\"((?:[^\"\\\\]|\\\\.)*)\"[ \\t\\r\\n]*;"));
    qsizetype last = 0;
    QRegularExpressionMatchIterator it = importRe.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        out->append(QStringView(text).mid(last, match.capturedStart(2) - last));
        const QString imported = QFileInfo(path).dir().filePath(match.captured(3));
        dependencies->append(QFileInfo(imported).absoluteFilePath());
        out->append(QLatin1Char('\n'));
        if (!flattenInto(imported, seen, dependencies, out, errorString))
            return false;
        out->append(QLatin1Char('\n'));
        last = match.capturedEnd(0);
    }
    out->append(QStringView(text).mid(last));
    out->append(QLatin1Char('\n'));
    return true;
}

// ---------------------------------------------------------------------------
// Names and spellings
// ---------------------------------------------------------------------------

const QSet<QString> &cppKeywords()
{
    static const QSet<QString> keywords = {
            QStringLiteral("alignas"),
            QStringLiteral("alignof"),
            QStringLiteral("and"),
            QStringLiteral("and_eq"),
            QStringLiteral("asm"),
            QStringLiteral("auto"),
            QStringLiteral("bitand"),
            QStringLiteral("bitor"),
            QStringLiteral("bool"),
            QStringLiteral("break"),
            QStringLiteral("case"),
            QStringLiteral("catch"),
            QStringLiteral("char"),
            QStringLiteral("char8_t"),
            QStringLiteral("char16_t"),
            QStringLiteral("char32_t"),
            QStringLiteral("class"),
            QStringLiteral("compl"),
            QStringLiteral("concept"),
            QStringLiteral("const"),
            QStringLiteral("consteval"),
            QStringLiteral("constexpr"),
            QStringLiteral("constinit"),
            QStringLiteral("const_cast"),
            QStringLiteral("continue"),
            QStringLiteral("co_await"),
            QStringLiteral("co_return"),
            QStringLiteral("co_yield"),
            QStringLiteral("decltype"),
            QStringLiteral("default"),
            QStringLiteral("delete"),
            QStringLiteral("do"),
            QStringLiteral("double"),
            QStringLiteral("dynamic_cast"),
            QStringLiteral("else"),
            QStringLiteral("enum"),
            QStringLiteral("explicit"),
            QStringLiteral("export"),
            QStringLiteral("extern"),
            QStringLiteral("false"),
            QStringLiteral("float"),
            QStringLiteral("for"),
            QStringLiteral("friend"),
            QStringLiteral("goto"),
            QStringLiteral("if"),
            QStringLiteral("inline"),
            QStringLiteral("int"),
            QStringLiteral("long"),
            QStringLiteral("mutable"),
            QStringLiteral("namespace"),
            QStringLiteral("new"),
            QStringLiteral("noexcept"),
            QStringLiteral("not"),
            QStringLiteral("not_eq"),
            QStringLiteral("nullptr"),
            QStringLiteral("operator"),
            QStringLiteral("or"),
            QStringLiteral("or_eq"),
            QStringLiteral("private"),
            QStringLiteral("protected"),
            QStringLiteral("public"),
            QStringLiteral("register"),
            QStringLiteral("reinterpret_cast"),
            QStringLiteral("requires"),
            QStringLiteral("return"),
            QStringLiteral("short"),
            QStringLiteral("signed"),
            QStringLiteral("sizeof"),
            QStringLiteral("static"),
            QStringLiteral("static_assert"),
            QStringLiteral("static_cast"),
            QStringLiteral("struct"),
            QStringLiteral("switch"),
            QStringLiteral("template"),
            QStringLiteral("this"),
            QStringLiteral("thread_local"),
            QStringLiteral("throw"),
            QStringLiteral("true"),
            QStringLiteral("try"),
            QStringLiteral("typedef"),
            QStringLiteral("typeid"),
            QStringLiteral("typename"),
            QStringLiteral("union"),
            QStringLiteral("unsigned"),
            QStringLiteral("using"),
            QStringLiteral("virtual"),
            QStringLiteral("void"),
            QStringLiteral("volatile"),
            QStringLiteral("wchar_t"),
            QStringLiteral("while"),
            QStringLiteral("xor"),
            QStringLiteral("xor_eq"),
            QStringLiteral("signals"),
            QStringLiteral("slots"),
            QStringLiteral("emit"),
            QStringLiteral("foreach"),
            QStringLiteral("forever"),
    };
    return keywords;
}

// lowerCamelCase of a PascalCase variant name, for its data member.
QString memberName(const QString &name)
{
    QString result = name;
    if (!result.isEmpty())
        result[0] = result.at(0).toLower();
    if (cppKeywords().contains(result) || result == QLatin1String("kind"))
        result += QLatin1Char('_');
    return result;
}

QString upperFirst(const QString &name)
{
    QString result = name;
    if (!result.isEmpty())
        result[0] = result.at(0).toUpper();
    return result;
}

// A C++ name without the underscore that a keyword got, for names that only
// start with it (`class_` -> `classRequested`, `KitchenClassCall`).
QString stem(const QString &cppName)
{
    if (cppName.endsWith(QLatin1Char('_')) && cppKeywords().contains(cppName.chopped(1)))
        return cppName.chopped(1);
    return cppName;
}

// A C++ string literal (UTF-8 source) for QStringLiteral().
QString literal(const QString &text)
{
    QString out = QStringLiteral("QStringLiteral(\"");
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '"':
            out += QLatin1String("\\\"");
            break;
        case '\\':
            out += QLatin1String("\\\\");
            break;
        case '\n':
            out += QLatin1String("\\n");
            break;
        case '\r':
            out += QLatin1String("\\r");
            break;
        case '\t':
            out += QLatin1String("\\t");
            break;
        case '?':
            out += QLatin1String("\\?"); // no trigraphs
            break;
        default:
            if (c.unicode() < 0x20)
                out += QStringLiteral("\\x%1\"\"").arg(c.unicode(), 2, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    out += QLatin1String("\")");
    return out;
}

// A C string literal of the UTF-8 bytes of text (octal escapes beyond ASCII).
QString cString(const QString &text)
{
    QString out = QStringLiteral("\"");
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && u != '"' && u != '\\' && u != '?')
            out += QLatin1Char(c);
        else
            out += QStringLiteral("\\%1").arg(u, 3, 8, QLatin1Char('0'));
    }
    out += QLatin1Char('"');
    return out;
}

// Doc comment lines, indented.
QString docComment(const QString &doc, const QString &indent)
{
    if (doc.trimmed().isEmpty())
        return QString();
    QString out;
    const QStringList lines = doc.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        QString text = line;
        text.replace(QLatin1String("*/"), QLatin1String("* /"));
        out += indent + (text.isEmpty() ? QStringLiteral("//") : QStringLiteral("// ") + text)
                + QLatin1Char('\n');
    }
    return out;
}

bool isUnit(const RpcTypeSchema &type)
{
    return type.kind() == RpcTypeSchema::Unit;
}

QString cppType(const RpcTypeSchema &type)
{
    switch (type.kind()) {
    case RpcTypeSchema::Invalid:
    case RpcTypeSchema::Unit:
        return QStringLiteral("QVariant");
    case RpcTypeSchema::Bool:
        return QStringLiteral("bool");
    case RpcTypeSchema::I8:
        return QStringLiteral("qint8");
    case RpcTypeSchema::I16:
        return QStringLiteral("qint16");
    case RpcTypeSchema::I32:
        return QStringLiteral("qint32");
    case RpcTypeSchema::I64:
        return QStringLiteral("qint64");
    case RpcTypeSchema::U8:
        return QStringLiteral("quint8");
    case RpcTypeSchema::U16:
        return QStringLiteral("quint16");
    case RpcTypeSchema::U32:
        return QStringLiteral("quint32");
    case RpcTypeSchema::U64:
        return QStringLiteral("quint64");
    case RpcTypeSchema::F32:
        return QStringLiteral("float");
    case RpcTypeSchema::F64:
        return QStringLiteral("double");
    case RpcTypeSchema::String:
        return QStringLiteral("QString");
    case RpcTypeSchema::Vec:
        if (type.isBytes())
            return QStringLiteral("QByteArray");
        return QStringLiteral("QList<%1>").arg(cppType(type.elementType()));
    case RpcTypeSchema::Option:
        return QStringLiteral("std::optional<%1>").arg(cppType(type.elementType()));
    case RpcTypeSchema::Map:
        return QStringLiteral("QMap<QString, %1>").arg(cppType(type.elementType()));
    case RpcTypeSchema::Struct:
    case RpcTypeSchema::Enum:
        return type.name();
    }
    return QStringLiteral("QVariant");
}

// The initializer of a member of this type, for scalars.
QString initializer(const RpcTypeSchema &type)
{
    switch (type.kind()) {
    case RpcTypeSchema::Bool:
        return QStringLiteral(" = false");
    case RpcTypeSchema::I8:
    case RpcTypeSchema::I16:
    case RpcTypeSchema::I32:
    case RpcTypeSchema::I64:
    case RpcTypeSchema::U8:
    case RpcTypeSchema::U16:
    case RpcTypeSchema::U32:
    case RpcTypeSchema::U64:
        return QStringLiteral(" = 0");
    case RpcTypeSchema::F32:
    case RpcTypeSchema::F64:
        return QStringLiteral(" = 0");
    default:
        return QString();
    }
}

// Properties of QVariant type (Option, ()) get accessors; the others are MEMBERs.
bool variantProperty(const RpcTypeSchema &type)
{
    return type.kind() == RpcTypeSchema::Option || type.kind() == RpcTypeSchema::Unit;
}

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

QList<Member> membersOf(const QList<RpcField> &fields)
{
    QList<Member> members;
    for (const RpcField &field : fields)
        members.append(
                {field.cppName(), field.wireName(), field.doc(), field.type(), field.hasDefault()});
    return members;
}

void collectDependencies(const RpcTypeSchema &type, QList<RpcTypeSchema> *out)
{
    switch (type.kind()) {
    case RpcTypeSchema::Vec:
    case RpcTypeSchema::Option:
    case RpcTypeSchema::Map:
        collectDependencies(type.elementType(), out);
        break;
    case RpcTypeSchema::Struct:
    case RpcTypeSchema::Enum:
        out->append(type);
        break;
    default:
        break;
    }
}

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

void Generator::buildValueClasses()
{
    for (const RpcTypeSchema &type : m_file.types()) {
        ValueClass vc;
        vc.name = type.name();
        vc.doc = type.doc();
        vc.schema = type;
        if (type.kind() == RpcTypeSchema::Struct) {
            vc.shape = type.isUnitStruct() ? ValueClass::UnitStruct : ValueClass::Struct;
            vc.members = membersOf(type.fields());
            for (const Member &m : std::as_const(vc.members))
                collectDependencies(m.type, &vc.dependencies);
            m_classes.append(vc);
            continue;
        }
        vc.shape = ValueClass::Enum;
        for (const RpcVariant &variant : type.variants()) {
            ValueClass::Variant v;
            v.name = variant.name();
            v.wireName = variant.wireName();
            v.doc = variant.doc();
            v.kind = variant.kind();
            if (v.kind != RpcVariant::Unit)
                v.member = memberName(variant.name());
            if (v.kind == RpcVariant::Newtype) {
                v.newtype = variant.types().value(0);
                v.dataType = cppType(v.newtype);
                collectDependencies(v.newtype, &vc.dependencies);
            } else if (v.kind == RpcVariant::Tuple || v.kind == RpcVariant::Struct) {
                ValueClass data;
                data.name = type.name() + variant.name();
                data.doc = QStringLiteral("The data of the variant %1::%2.")
                                   .arg(type.name(), variant.name());
                if (v.kind == RpcVariant::Tuple) {
                    data.shape = ValueClass::TupleData;
                    const QList<RpcTypeSchema> types = variant.types();
                    for (qsizetype i = 0; i < types.size(); ++i)
                        data.members.append({QStringLiteral("value%1").arg(i), QString(), QString(),
                                             types.at(i)});
                } else {
                    data.shape = ValueClass::StructData;
                    data.members = membersOf(variant.fields());
                }
                for (const Member &m : std::as_const(data.members))
                    collectDependencies(m.type, &data.dependencies);
                v.dataType = data.name;
                m_classes.append(data);
                vc.dependencies.append(RpcTypeSchema()); // placeholder, resolved by name below
            }
            vc.variants.append(v);
        }
        m_classes.append(vc);
    }
}

// Definitions before uses: a depth-first order over the types each class
// holds (cycles can only go through Vec or maps, whose members may be
// incomplete at that point).
void Generator::orderValueClasses()
{
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < m_classes.size(); ++i)
        index.insert(m_classes.at(i).name, i);
    QList<ValueClass> ordered;
    QSet<QString> done;
    QSet<QString> active;
    std::function<void(qsizetype)> visit = [&](qsizetype i) {
        const ValueClass &vc = m_classes.at(i);
        if (done.contains(vc.name) || active.contains(vc.name))
            return;
        active.insert(vc.name);
        QStringList names;
        for (const RpcTypeSchema &dep : vc.dependencies) {
            if (dep.isValid())
                names.append(dep.name());
        }
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Tuple || v.kind == RpcVariant::Struct)
                names.append(v.dataType);
        }
        for (const QString &name : std::as_const(names)) {
            if (index.contains(name))
                visit(index.value(name));
        }
        active.remove(vc.name);
        done.insert(vc.name);
        ordered.append(vc);
    };
    for (qsizetype i = 0; i < m_classes.size(); ++i)
        visit(i);
    m_classes = ordered;
}

void Generator::checkNames()
{
    QHash<QString, QString> owners; // generated class name -> what it is
    auto claim = [&](const QString &name, const QString &what) {
        if (owners.contains(name)) {
            m_errors.append(QStringLiteral("%1: the generated class `%2` for %3 clashes with %4")
                                    .arg(m_options.inputPath, name, what, owners.value(name)));
            return;
        }
        owners.insert(name, what);
    };
    // The member functions of a value class: a field may not take their names.
    static const QStringList memberFunctions = {
            QStringLiteral("toVariant"), QStringLiteral("fromVariant"), QStringLiteral("toBody"),
            QStringLiteral("fromBody"),  QStringLiteral("writeJson"),   QStringLiteral("readJson")};
    for (const ValueClass &vc : std::as_const(m_classes)) {
        if (vc.shape == ValueClass::TupleData || vc.shape == ValueClass::StructData)
            claim(vc.name, QStringLiteral("an enum variant's data"));
        else
            claim(vc.name, QStringLiteral("type `%1`").arg(vc.name));
        for (const Member &m : vc.members) {
            if (memberFunctions.contains(m.name))
                m_errors.append(QStringLiteral("%1: the field `%2` of `%3` gets the C++ name `%4`, "
                                               "which the generated class uses for a function: "
                                               "rename the field (#[serde(rename)] keeps its "
                                               "wire name)")
                                        .arg(m_options.inputPath, m.wireName, vc.name, m.name));
        }
    }
    for (const RpcInterface &iface : m_file.interfaces()) {
        claim(iface.name() + QStringLiteral("Client"),
              QStringLiteral("interface `%1`").arg(iface.name()));
        claim(iface.name() + QStringLiteral("Server"),
              QStringLiteral("interface `%1`").arg(iface.name()));
        for (const RpcService &service : iface.services()) {
            claim(callClass(iface, service), QStringLiteral("service `%1`").arg(service.name()));
            claim(requestClass(iface, service), QStringLiteral("service `%1`").arg(service.name()));
        }
    }
}

// ---------------------------------------------------------------------------
// Value classes
// ---------------------------------------------------------------------------

void Generator::writeValueClassDecl(const ValueClass &vc)
{
    h += docComment(vc.doc, QString());
    h += QStringLiteral("class %1\n{\n    Q_GADGET\n").arg(vc.name);
    if (vc.shape == ValueClass::Enum) {
        h += QStringLiteral("    Q_PROPERTY(Kind kind MEMBER kind)\n");
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Unit)
                continue;
            if (v.kind == RpcVariant::Newtype && variantProperty(v.newtype))
                h += QStringLiteral(
                             "    Q_PROPERTY(QVariant %1 READ %1Variant WRITE set%2Variant)\n")
                             .arg(v.member, upperFirst(v.member));
            else
                h += QStringLiteral("    Q_PROPERTY(%1 %2 MEMBER %2)\n").arg(v.dataType, v.member);
        }
    } else {
        for (const Member &m : vc.members) {
            if (variantProperty(m.type))
                h += QStringLiteral(
                             "    Q_PROPERTY(QVariant %1 READ %1Variant WRITE set%2Variant)\n")
                             .arg(m.name, upperFirst(m.name));
            else
                h += QStringLiteral("    Q_PROPERTY(%1 %2 MEMBER %2)\n")
                             .arg(cppType(m.type), m.name);
        }
    }
    h += QStringLiteral("\npublic:\n");
    QStringList accessors; // private QVariant accessors: {name, type}
    if (vc.shape == ValueClass::Enum) {
        h += QStringLiteral("    // The variant this value holds.\n    enum Kind {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            h += docComment(v.doc, QStringLiteral("        "));
            h += QStringLiteral("        %1,\n").arg(v.name);
        }
        h += QStringLiteral("    };\n    Q_ENUM(Kind)\n\n");
        const QString first
                = vc.variants.isEmpty() ? QStringLiteral("Kind(0)") : vc.variants.first().name;
        h += QStringLiteral("    %1(Kind kind_ = %2) : kind(kind_) { }\n").arg(vc.name, first);
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Unit)
                continue;
            h += QStringLiteral("    static %1 from%2(const %3 &data_);\n")
                         .arg(vc.name, v.name, v.dataType);
        }
        h += QStringLiteral("\n    Kind kind;\n");
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Unit)
                continue;
            h += QStringLiteral("    // The data of %1, when kind is %1.\n").arg(v.name);
            h += QStringLiteral("    %1 %2%3;\n")
                         .arg(v.dataType, v.member,
                              v.kind == RpcVariant::Newtype ? initializer(v.newtype) : QString());
            if (v.kind == RpcVariant::Newtype && variantProperty(v.newtype))
                accessors.append(v.member);
        }
    } else {
        for (const Member &m : vc.members) {
            h += docComment(m.doc, QStringLiteral("    "));
            h += QStringLiteral("    %1 %2%3;\n").arg(cppType(m.type), m.name, initializer(m.type));
            if (variantProperty(m.type))
                accessors.append(m.name);
        }
    }
    h += QStringLiteral("\n    // The value as RpcBodyCodec takes and returns it.\n");
    h += QStringLiteral("    QVariant toVariant() const;\n");
    h += QStringLiteral("    static %1 fromVariant(const QVariant &variant_);\n\n").arg(vc.name);
    if (vc.shape != ValueClass::TupleData && vc.shape != ValueClass::StructData) {
        h += QStringLiteral(
                "    // The value as a body: JSON as serde_json writes it, CBOR as serde_cbor. "
                "toBody()\n"
                "    // returns an empty array if the value cannot be encoded.\n");
        h += QStringLiteral("    QByteArray toBody(Fizyr::RpcBodyCodec::Format format_ = "
                            "Fizyr::RpcBodyCodec::Json,\n"
                            "                      QString *errorString_ = nullptr) const;\n");
        h += QStringLiteral("    static bool fromBody(const QByteArray &body_, %1 *value_,\n"
                            "                         Fizyr::RpcBodyCodec::Format format_ = "
                            "Fizyr::RpcBodyCodec::Json,\n"
                            "                         QString *errorString_ = nullptr);\n")
                     .arg(vc.name);
    }
    h += QStringLiteral("    // JSON member by member (what toBody() and fromBody() use for JSON); "
                        "readJson()\n"
                        "    // reads into a default-constructed value.\n");
    h += QStringLiteral("    void writeJson(Fizyr::RpcJsonWriter &writer_) const;\n");
    h += QStringLiteral("    bool readJson(Fizyr::RpcJsonReader &reader_);\n\n");
    h += QStringLiteral("    friend bool operator==(const %1 &lhs, const %1 &rhs);\n").arg(vc.name);
    h += QStringLiteral("    friend bool operator!=(const %1 &lhs, const %1 &rhs) { return !(lhs "
                        "== rhs); }\n")
                 .arg(vc.name);
    if (!accessors.isEmpty()) {
        h += QStringLiteral("\nprivate:\n");
        for (const QString &a : std::as_const(accessors)) {
            h += QStringLiteral("    QVariant %1Variant() const;\n").arg(a);
            h += QStringLiteral("    void set%1Variant(const QVariant &variant_);\n")
                         .arg(upperFirst(a));
        }
    }
    h += QStringLiteral("};\n\n");
    h += QStringLiteral("QDebug operator<<(QDebug debug, const %1 &value);\n\n").arg(vc.name);
}

void Generator::writeValueClassImpl(const ValueClass &vc)
{
    const QString &n = vc.name;
    s += QStringLiteral("// ---- %1\n\n").arg(n);
    // toVariant
    s += QStringLiteral("QVariant %1::toVariant() const\n{\n").arg(n);
    switch (vc.shape) {
    case ValueClass::UnitStruct:
        s += QStringLiteral("    return QVariant::fromValue(nullptr);\n");
        break;
    case ValueClass::Struct:
    case ValueClass::StructData:
        s += QStringLiteral("    QVariantMap map_;\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    map_.insert(%1, valueToVariant(%2));\n")
                         .arg(literal(m.wireName), m.name);
        s += QStringLiteral("    return map_;\n");
        break;
    case ValueClass::TupleData:
        s += QStringLiteral("    QVariantList list_;\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    list_.append(valueToVariant(%1));\n").arg(m.name);
        s += QStringLiteral("    return list_;\n");
        break;
    case ValueClass::Enum:
        s += QStringLiteral("    switch (kind) {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            s += QStringLiteral("    case %1:\n").arg(v.name);
            if (v.kind == RpcVariant::Unit)
                s += QStringLiteral("        return %1;\n").arg(literal(v.wireName));
            else
                s += QStringLiteral("        return QVariantMap{{%1, valueToVariant(%2)}};\n")
                             .arg(literal(v.wireName), v.member);
        }
        s += QStringLiteral("    }\n    return QVariant();\n");
        break;
    }
    s += QStringLiteral("}\n\n");
    // fromVariant
    s += QStringLiteral("%1 %1::fromVariant(const QVariant &variant_)\n{\n    %1 result_;\n")
                 .arg(n);
    switch (vc.shape) {
    case ValueClass::UnitStruct:
        s += QStringLiteral("    Q_UNUSED(variant_);\n");
        break;
    case ValueClass::Struct:
    case ValueClass::StructData:
        if (vc.members.isEmpty()) {
            s += QStringLiteral("    Q_UNUSED(variant_);\n");
            break;
        }
        s += QStringLiteral("    const QVariantMap map_ = variant_.toMap();\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    valueFromVariant(map_.value(%1), &result_.%2);\n")
                         .arg(literal(m.wireName), m.name);
        break;
    case ValueClass::TupleData:
        if (vc.members.isEmpty()) {
            s += QStringLiteral("    Q_UNUSED(variant_);\n");
            break;
        }
        s += QStringLiteral("    const QVariantList list_ = variant_.toList();\n");
        for (qsizetype i = 0; i < vc.members.size(); ++i)
            s += QStringLiteral("    valueFromVariant(list_.value(%1), &result_.%2);\n")
                         .arg(i)
                         .arg(vc.members.at(i).name);
        break;
    case ValueClass::Enum:
        s += QStringLiteral("    QString tag_;\n    QVariant data_;\n");
        s += QStringLiteral("    if (variant_.typeId() == QMetaType::QString) {\n        tag_ = "
                            "variant_.toString();\n");
        s += QStringLiteral("    } else {\n        const QVariantMap map_ = variant_.toMap();\n");
        s += QStringLiteral("        if (!map_.isEmpty()) {\n            tag_ = map_.firstKey();\n"
                            "            data_ = map_.first();\n        }\n    }\n");
        {
            bool first = true;
            for (const ValueClass::Variant &v : vc.variants) {
                s += QStringLiteral("    %1if (tag_ == %2) {\n")
                             .arg(first ? QString() : QStringLiteral("} else "),
                                  literal(v.wireName));
                s += QStringLiteral("        result_.kind = %1;\n").arg(v.name);
                if (v.kind != RpcVariant::Unit)
                    s += QStringLiteral("        valueFromVariant(data_, &result_.%1);\n")
                                 .arg(v.member);
                first = false;
            }
            if (!first)
                s += QStringLiteral("    }\n");
            else
                s += QStringLiteral("    Q_UNUSED(tag_);\n    Q_UNUSED(data_);\n");
        }
        break;
    }
    s += QStringLiteral("    return result_;\n}\n\n");
    writeJsonImpl(vc);
    // factories
    if (vc.shape == ValueClass::Enum) {
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Unit)
                continue;
            s += QStringLiteral("%1 %1::from%2(const %3 &data_)\n{\n    %1 result_(%2);\n    "
                                "result_.%4 = data_;\n"
                                "    return result_;\n}\n\n")
                         .arg(n, v.name, v.dataType, v.member);
        }
    }
    // operator==
    s += QStringLiteral("bool operator==(const %1 &lhs, const %1 &rhs)\n{\n").arg(n);
    if (vc.shape == ValueClass::Enum) {
        s += QStringLiteral(
                "    if (lhs.kind != rhs.kind)\n        return false;\n    switch (lhs.kind) {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            s += QStringLiteral("    case %1::%2:\n").arg(n, v.name);
            if (v.kind == RpcVariant::Unit)
                s += QStringLiteral("        return true;\n");
            else
                s += QStringLiteral("        return lhs.%1 == rhs.%1;\n").arg(v.member);
        }
        s += QStringLiteral("    }\n    return true;\n");
    } else if (vc.members.isEmpty()) {
        s += QStringLiteral("    Q_UNUSED(lhs);\n    Q_UNUSED(rhs);\n    return true;\n");
    } else {
        QStringList parts;
        for (const Member &m : vc.members)
            parts.append(QStringLiteral("lhs.%1 == rhs.%1").arg(m.name));
        s += QStringLiteral("    return %1;\n")
                     .arg(parts.join(QStringLiteral("\n            && ")));
    }
    s += QStringLiteral("}\n\n");
    // QVariant accessors
    auto accessor = [&](const QString &member) {
        s += QStringLiteral("QVariant %1::%2Variant() const\n{\n    return toProperty(%2);\n}\n\n")
                     .arg(n, member);
        s += QStringLiteral("void %1::set%2Variant(const QVariant &variant_)\n{\n    "
                            "fromProperty(variant_, &%3);\n}\n\n")
                     .arg(n, upperFirst(member), member);
    };
    if (vc.shape == ValueClass::Enum) {
        for (const ValueClass::Variant &v : vc.variants) {
            if (v.kind == RpcVariant::Newtype && variantProperty(v.newtype))
                accessor(v.member);
        }
    } else {
        for (const Member &m : vc.members) {
            if (variantProperty(m.type))
                accessor(m.name);
        }
    }
    // QDebug
    s += QStringLiteral("QDebug operator<<(QDebug debug, const %1 &value)\n{\n"
                        "    QDebugStateSaver saver(debug);\n    debug.nospace() << \"%1(\";\n")
                 .arg(n);
    if (vc.shape == ValueClass::Enum) {
        s += QStringLiteral("    switch (value.kind) {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            s += QStringLiteral("    case %1::%2:\n        debug << \"%2\";\n").arg(n, v.name);
            if (v.kind != RpcVariant::Unit)
                s += QStringLiteral(
                             "        debug << \", \";\n        debugValue(debug, value.%1);\n")
                             .arg(v.member);
            s += QStringLiteral("        break;\n");
        }
        s += QStringLiteral("    }\n");
    } else {
        bool first = true;
        for (const Member &m : vc.members) {
            s += QStringLiteral("    debug << \"%1%2: \";\n    debugValue(debug, value.%2);\n")
                         .arg(first ? QString() : QStringLiteral(", "), m.name);
            first = false;
        }
        if (vc.members.isEmpty())
            s += QStringLiteral("    Q_UNUSED(value);\n");
    }
    s += QStringLiteral("    debug << ')';\n    return debug;\n}\n\n");
}

// The body functions of a value class: toBody() / fromBody() and the JSON
// member-by-member writeJson() / readJson().
void Generator::writeJsonImpl(const ValueClass &vc)
{
    const QString &n = vc.name;
    if (vc.shape != ValueClass::TupleData && vc.shape != ValueClass::StructData) {
        s += QStringLiteral("QByteArray %1::toBody(Fizyr::RpcBodyCodec::Format format_, QString "
                            "*errorString_) const\n{\n"
                            "    QByteArray body_;\n"
                            "    if (!encodeBody([] { return interfaceFile().typeSchema(%2); }, "
                            "*this, format_, &body_, errorString_))\n"
                            "        return QByteArray();\n"
                            "    return body_;\n}\n\n")
                     .arg(n, literal(n));
        s += QStringLiteral("bool %1::fromBody(const QByteArray &body_, %1 *value_, "
                            "Fizyr::RpcBodyCodec::Format format_,\n"
                            "                 QString *errorString_)\n{\n"
                            "    *value_ = %1();\n"
                            "    return decodeBody([] { return interfaceFile().typeSchema(%2); }, "
                            "body_, format_, value_, errorString_);\n}\n\n")
                     .arg(n, literal(n));
    }
    // writeJson
    s += QStringLiteral("void %1::writeJson(Fizyr::RpcJsonWriter &writer_) const\n{\n").arg(n);
    switch (vc.shape) {
    case ValueClass::UnitStruct:
        s += QStringLiteral("    writer_.writeNull();\n");
        break;
    case ValueClass::Struct:
    case ValueClass::StructData:
        s += QStringLiteral("    writer_.beginObject();\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    writer_.writeKey(%1);\n    writeJsonValue(writer_, %2);\n")
                         .arg(cString(m.wireName), m.name);
        s += QStringLiteral("    writer_.endObject();\n");
        break;
    case ValueClass::TupleData:
        s += QStringLiteral("    writer_.beginArray();\n");
        for (const Member &m : vc.members)
            s += QStringLiteral("    writeJsonValue(writer_, %1);\n").arg(m.name);
        s += QStringLiteral("    writer_.endArray();\n");
        break;
    case ValueClass::Enum:
        s += QStringLiteral("    switch (kind) {\n");
        for (const ValueClass::Variant &v : vc.variants) {
            s += QStringLiteral("    case %1:\n").arg(v.name);
            if (v.kind == RpcVariant::Unit) {
                s += QStringLiteral("        writer_.writeString(%1);\n").arg(literal(v.wireName));
            } else {
                s += QStringLiteral("        writer_.beginObject();\n"
                                    "        writer_.writeKey(%1);\n"
                                    "        writeJsonValue(writer_, %2);\n"
                                    "        writer_.endObject();\n")
                             .arg(cString(v.wireName), v.member);
            }
            s += QStringLiteral("        return;\n");
        }
        s += QStringLiteral("    }\n");
        if (vc.variants.isEmpty())
            s += QStringLiteral("    Q_UNUSED(writer_);\n");
        break;
    }
    s += QStringLiteral("}\n\n");
    // readJson
    s += QStringLiteral("bool %1::readJson(Fizyr::RpcJsonReader &reader_)\n{\n").arg(n);
    switch (vc.shape) {
    case ValueClass::UnitStruct:
        s += QStringLiteral("    return reader_.readUnitStruct();\n");
        break;
    case ValueClass::Struct:
    case ValueClass::StructData: {
        const bool containerDefault = vc.shape == ValueClass::Struct && vc.schema.hasDefault();
        QString fields = QStringLiteral("nullptr");
        if (!vc.members.isEmpty()) {
            s += QStringLiteral("    static const Fizyr::RpcJsonReader::Field fields_[] = {\n");
            for (const Member &m : vc.members) {
                QString flags = QStringLiteral("Fizyr::RpcJsonReader::Required");
                if (m.hasDefault || containerDefault)
                    flags = QStringLiteral("Fizyr::RpcJsonReader::HasDefault");
                else if (m.type.kind() == RpcTypeSchema::Option)
                    flags = QStringLiteral("Fizyr::RpcJsonReader::Optional");
                s += QStringLiteral("        {%1, %2},\n").arg(cString(m.wireName), flags);
            }
            s += QStringLiteral("    };\n");
            fields = QStringLiteral("fields_");
        }
        s += QStringLiteral(
                     "    if (!reader_.beginStruct(%1, %2))\n        return false;\n"
                     "    // The fields in the order of the body (unknown ones are skipped), "
                     "then -1.\n"
                     "    for (;;) {\n        switch (reader_.nextField()) {\n")
                     .arg(fields)
                     .arg(vc.members.size());
        for (qsizetype i = 0; i < vc.members.size(); ++i)
            s += QStringLiteral("        case %1:\n"
                                "            if (!readJsonValue(reader_, &%2))\n"
                                "                return false;\n"
                                "            break;\n")
                         .arg(i)
                         .arg(vc.members.at(i).name);
        s += QStringLiteral("        case -1:\n            return reader_.endStruct();\n"
                            "        default:\n            return false;\n        }\n    }\n");
        break;
    }
    case ValueClass::TupleData:
        s += QStringLiteral("    if (!reader_.beginTuple(%1))\n        return false;\n")
                     .arg(vc.members.size());
        for (const Member &m : vc.members)
            s += QStringLiteral("    if (!reader_.nextTupleElement() || !readJsonValue(reader_, "
                                "&%1))\n        return false;\n")
                         .arg(m.name);
        s += QStringLiteral("    return reader_.endTuple();\n");
        break;
    case ValueClass::Enum: {
        QString variants = QStringLiteral("nullptr");
        if (!vc.variants.isEmpty()) {
            s += QStringLiteral("    static const Fizyr::RpcJsonReader::Variant variants_[] = {\n");
            for (const ValueClass::Variant &v : vc.variants) {
                const char *kinds[]
                        = {"UnitVariant", "NewtypeVariant", "TupleVariant", "StructVariant"};
                s += QStringLiteral("        {%1, %2, Fizyr::RpcJsonReader::%3},\n")
                             .arg(cString(v.wireName), cString(v.name),
                                  QLatin1String(kinds[int(v.kind)]));
            }
            s += QStringLiteral("    };\n");
            variants = QStringLiteral("variants_");
        }
        s += QStringLiteral("    switch (reader_.beginEnum(%1, %2)) {\n")
                     .arg(variants)
                     .arg(vc.variants.size());
        for (qsizetype i = 0; i < vc.variants.size(); ++i) {
            const ValueClass::Variant &v = vc.variants.at(i);
            s += QStringLiteral("    case %1:\n        kind = %2;\n").arg(i).arg(v.name);
            if (v.kind != RpcVariant::Unit)
                s += QStringLiteral("        if (!readJsonValue(reader_, &%1))\n"
                                    "            return false;\n")
                             .arg(v.member);
            s += QStringLiteral("        break;\n");
        }
        s += QStringLiteral("    default:\n        return false;\n    }\n"
                            "    return reader_.endEnum();\n");
        break;
    }
    }
    s += QStringLiteral("}\n\n");
}

// ---------------------------------------------------------------------------
// Clients and servers
// ---------------------------------------------------------------------------

void Generator::writeCallDecl(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = callClass(iface, service);
    const bool unitResponse = isUnit(service.responseType());
    const QString resp = unitResponse ? QStringLiteral("void") : cppType(service.responseType());
    h += QStringLiteral("// A call of %1::%2() (service %3 `%4`): its updates, its response and "
                        "its end.\n")
                 .arg(iface.name() + QStringLiteral("Client"), service.cppName())
                 .arg(service.id())
                 .arg(service.name());
    h += QStringLiteral(
                 "class %1 : public QObject\n{\n    Q_OBJECT\n\npublic:\n    ~%1() override;\n\n")
                 .arg(cls);
    h += QStringLiteral("    Fizyr::RpcRequest *request() const { return m_request; }\n"
                        "    bool isFinished() const { return m_finished; }\n"
                        "    bool hasResponse() const { return m_hasResponse; }\n");
    if (!unitResponse)
        h += QStringLiteral("    %1 response() const { return m_response; }\n").arg(resp);
    h += QStringLiteral("    Fizyr::RpcError error() const { return m_error; }\n"
                        "    QString errorString() const { return m_errorString; }\n"
                        "    QFuture<%1> future();\n\n")
                 .arg(resp);
    bool hasCancel = false;
    for (const RpcUpdate &u : service.requestUpdates()) {
        h += docComment(u.doc(), QStringLiteral("    "));
        if (isUnit(u.bodyType()))
            h += QStringLiteral("    bool send%1();\n").arg(upperFirst(stem(u.cppName())));
        else
            h += QStringLiteral("    bool send%1(%2%3);\n")
                         .arg(upperFirst(stem(u.cppName())), paramType(u.bodyType()), u.cppName());
        if (u.name() == QLatin1String("cancel"))
            hasCancel = true;
    }
    if (hasCancel)
        h += QStringLiteral(
                "    // Sends `cancel` and finishes the call at once with RpcError::Canceled.\n"
                "    void cancel();\n");
    h += QStringLiteral("\nQ_SIGNALS:\n");
    for (const RpcUpdate &u : service.responseUpdates()) {
        h += docComment(u.doc(), QStringLiteral("    "));
        if (isUnit(u.bodyType()))
            h += QStringLiteral("    void %1Received();\n").arg(stem(u.cppName()));
        else
            h += QStringLiteral("    void %1Received(%2%3);\n")
                         .arg(stem(u.cppName()), paramType(u.bodyType()), u.cppName());
    }
    h += QStringLiteral("    // Emitted once, when the response arrived or the call failed.\n    "
                        "void finished();\n\n");
    h += QStringLiteral("private:\n    friend class %1Client;\n").arg(iface.name());
    h += QStringLiteral("    %1(Fizyr::RpcRequest *request, Fizyr::RpcBodyCodec::Format format, "
                        "QObject *parent);\n"
                        "    void handleUpdate(const Fizyr::RpcMessage &update);\n"
                        "    void handleFinished();\n"
                        "    void finish(Fizyr::RpcError error, const QString &errorString);\n"
                        "    void reportToPromise();\n\n")
                 .arg(cls);
    h += QStringLiteral("    Fizyr::RpcRequest *m_request; // null once finished or deleted\n"
                        "    Fizyr::RpcBodyCodec::Format m_format;\n"
                        "    bool m_finished = false;\n"
                        "    bool m_hasResponse = false;\n");
    if (!unitResponse)
        h += QStringLiteral("    %1 m_response;\n").arg(resp);
    h += QStringLiteral("    Fizyr::RpcError m_error = Fizyr::RpcError::NoError;\n"
                        "    QString m_errorString;\n"
                        "    std::unique_ptr<QPromise<%1>> m_promise; // made by future()\n};\n\n")
                 .arg(resp);
}

void Generator::writeCallImpl(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = callClass(iface, service);
    const QString svc = serviceFunction(iface, service) + QStringLiteral("()");
    const bool unitResponse = isUnit(service.responseType());
    s += QStringLiteral("// ---- %1\n\n").arg(cls);
    s += QStringLiteral("%1::%1(Fizyr::RpcRequest *request, Fizyr::RpcBodyCodec::Format format, "
                        "QObject *parent)\n"
                        "    : QObject(parent), m_request(request), m_format(format)\n{\n"
                        "    if (!request)\n        return;\n")
                 .arg(cls);
    if (!service.responseUpdates().isEmpty())
        s += QStringLiteral("    connect(request, &Fizyr::RpcRequest::updateReceived, this, "
                            "&%1::handleUpdate);\n")
                     .arg(cls);
    s += QStringLiteral("    connect(request, &Fizyr::RpcRequest::finished, this, "
                        "&%1::handleFinished);\n"
                        "    // Deleted with its peer, without finished(): the call ends too.\n"
                        "    connect(request, &QObject::destroyed, this, [this] {\n"
                        "        m_request = nullptr;\n"
                        "        finish(Fizyr::RpcError::ConnectionLost, QStringLiteral(\"the peer "
                        "was deleted\"));\n"
                        "    });\n}\n\n")
                 .arg(cls);
    s += QStringLiteral("%1::~%1()\n{\n"
                        "    // An unfinished request is given up: its response will be dropped.\n"
                        "    // (A request that is this call's parent is the auto-deleting peer's "
                        "to delete.)\n"
                        "    if (m_request) {\n        m_request->disconnect(this);\n"
                        "        if (m_request != parent())\n"
                        "            m_request->deleteLater();\n    }\n}\n\n")
                 .arg(cls);
    s += QStringLiteral("QFuture<%1> %2::future()\n{\n"
                        "    if (!m_promise) {\n"
                        "        m_promise = std::make_unique<QPromise<%1>>();\n"
                        "        m_promise->start();\n"
                        "        if (m_finished)\n            reportToPromise();\n    }\n"
                        "    return m_promise->future();\n}\n\n")
                 .arg(unitResponse ? QStringLiteral("void") : cppType(service.responseType()), cls);
    s += QStringLiteral("void %1::reportToPromise()\n{\n"
                        "    if (m_error == Fizyr::RpcError::NoError) {\n")
                 .arg(cls);
    if (!unitResponse)
        s += QStringLiteral("        m_promise->addResult(m_response);\n");
    s += QStringLiteral("    } else {\n"
                        "        m_promise->setException(Fizyr::RpcException(m_error, "
                        "m_errorString));\n    }\n"
                        "    m_promise->finish();\n}\n\n");
    for (const RpcUpdate &u : service.requestUpdates()) {
        const bool unit = isUnit(u.bodyType());
        s += QStringLiteral("bool %1::send%2(%3)\n{\n")
                     .arg(cls, upperFirst(stem(u.cppName())),
                          unit ? QString() : paramType(u.bodyType()) + u.cppName());
        s += QStringLiteral(
                     "    if (!m_request || m_finished)\n        return false;\n"
                     "    const Fizyr::RpcUpdate update = %1.requestUpdate(%2);\n"
                     "    QByteArray body;\n"
                     "    if (!encodeBody([&update] { return update.bodyType(); }, %3, m_format, "
                     "&body, nullptr))\n"
                     "        return false;\n"
                     "    return m_request->sendUpdate(update.id(), body);\n}\n\n")
                     .arg(svc, literal(u.name()),
                          unit ? QStringLiteral("QVariant()") : u.cppName());
        if (u.name() == QLatin1String("cancel")) {
            s += QStringLiteral("void %1::cancel()\n{\n    if (m_finished)\n        return;\n"
                                "    sendCancel();\n"
                                "    finish(Fizyr::RpcError::Canceled, "
                                "QStringLiteral(\"cancelled\"));\n}\n\n")
                         .arg(cls);
        }
    }
    s += QStringLiteral("void %1::handleUpdate(const Fizyr::RpcMessage &update)\n{\n").arg(cls);
    if (service.responseUpdates().isEmpty()) {
        s += QStringLiteral("    Q_UNUSED(update); // %1 has no response updates\n")
                     .arg(service.name());
    } else {
        s += QStringLiteral("    const Fizyr::RpcService &service = %1;\n    QString error;\n"
                            "    switch (update.serviceId()) {\n")
                     .arg(svc);
        for (const RpcUpdate &u : service.responseUpdates()) {
            const bool unit = isUnit(u.bodyType());
            s += QStringLiteral(
                         "    case %1: {\n        %4 body{};\n"
                         "        if (!decodeBody([&service] { return "
                         "service.responseUpdate(%2).bodyType(); },\n"
                         "                        update.body(), m_format, &body, &error)) {\n"
                         "            finish(Fizyr::RpcError::InvalidBody, "
                         "QStringLiteral(\"invalid body for %3: \") + error);\n"
                         "            return;\n        }\n")
                         .arg(u.id())
                         .arg(literal(u.name()), u.name(), cppType(u.bodyType()));
            if (unit)
                s += QStringLiteral("        Q_EMIT %1Received();\n").arg(stem(u.cppName()));
            else
                s += QStringLiteral("        Q_EMIT %1Received(body);\n").arg(stem(u.cppName()));
            s += QStringLiteral("        return;\n    }\n");
        }
        s += QStringLiteral("    default:\n        return; // an update this interface does not "
                            "know: ignored\n    }\n");
    }
    s += QStringLiteral("}\n\n");
    s += QStringLiteral("void %1::handleFinished()\n{\n    if (m_finished || !m_request)\n        "
                        "return;\n"
                        "    if (!m_request->hasResponse() || m_request->response().isError()) {\n"
                        "        finish(m_request->error(), m_request->errorString());\n        "
                        "return;\n    }\n"
                        "%4"
                        "    QString error;\n"
                        "    if (!decodeBody([] { return %2.responseType(); }, "
                        "m_request->response().body(), m_format,\n"
                        "                    %5, &error)) {\n"
                        "        finish(Fizyr::RpcError::InvalidBody, QStringLiteral(\"invalid "
                        "body for the response of %3: \") + error);\n"
                        "        return;\n    }\n")
                 .arg(cls, svc, service.name(),
                      unitResponse ? QStringLiteral("    QVariant value;\n") : QString(),
                      unitResponse ? QStringLiteral("&value") : QStringLiteral("&m_response"));
    s += QStringLiteral(
            "    m_hasResponse = true;\n    finish(Fizyr::RpcError::NoError, QString());\n}\n\n");
    s += QStringLiteral(
                 "void %1::finish(Fizyr::RpcError error, const QString &errorString)\n{\n"
                 "    if (m_finished)\n        return;\n"
                 "    m_finished = true;\n    m_error = error;\n    m_errorString = errorString;\n"
                 "    if (m_request) {\n        m_request->disconnect(this);\n"
                 "        // With RpcPeer::autoDeleteRequests() the request is this call's parent\n"
                 "        // and the peer deletes both, in one batch.\n"
                 "        if (m_request != parent())\n"
                 "            m_request->deleteLater();\n        m_request = nullptr;\n    }\n"
                 "    if (m_promise)\n        reportToPromise();\n"
                 "    Q_EMIT finished();\n}\n\n")
                 .arg(cls);
}

void Generator::writeRequestDecl(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = requestClass(iface, service);
    const bool unitRequest = isUnit(service.requestType());
    const bool unitResponse = isUnit(service.responseType());
    h += QStringLiteral(
                 "// A received request for service %1 `%2`, from %3Server::%4Requested().\n")
                 .arg(service.id())
                 .arg(service.name(), iface.name(), service.cppName());
    h += QStringLiteral("class %1 : public QObject\n{\n    Q_OBJECT\n\npublic:\n").arg(cls);
    h += QStringLiteral("    Fizyr::RpcRequest *request() const { return m_request; }\n"
                        "    Fizyr::RpcPeer *peer() const { return m_request->peer(); }\n"
                        "    bool isOpen() const { return m_request->isOpen(); }\n");
    if (!unitRequest)
        h += QStringLiteral("    const %1 &body() const { return m_body; }\n")
                     .arg(cppType(service.requestType()));
    h += QLatin1Char('\n');
    for (const RpcUpdate &u : service.responseUpdates()) {
        h += docComment(u.doc(), QStringLiteral("    "));
        if (isUnit(u.bodyType()))
            h += QStringLiteral("    bool send%1();\n").arg(upperFirst(stem(u.cppName())));
        else
            h += QStringLiteral("    bool send%1(%2%3);\n")
                         .arg(upperFirst(stem(u.cppName())), paramType(u.bodyType()), u.cppName());
    }
    if (unitResponse)
        h += QStringLiteral("    bool respond();\n");
    else
        h += QStringLiteral("    bool respond(%1response);\n")
                     .arg(paramType(service.responseType()));
    h += QStringLiteral("    bool respondError(const QString &message);\n\nQ_SIGNALS:\n");
    for (const RpcUpdate &u : service.requestUpdates()) {
        h += docComment(u.doc(), QStringLiteral("    "));
        if (u.name() == QLatin1String("cancel"))
            h += QStringLiteral("    void cancelRequested();\n");
        else if (isUnit(u.bodyType()))
            h += QStringLiteral("    void %1Received();\n").arg(stem(u.cppName()));
        else
            h += QStringLiteral("    void %1Received(%2%3);\n")
                         .arg(stem(u.cppName()), paramType(u.bodyType()), u.cppName());
    }
    h += QStringLiteral("    // An update that did not decode; it is otherwise ignored.\n"
                        "    void invalidUpdateReceived(const QString &errorString);\n"
                        "    // The request is closed: answered, or the connection is gone.\n"
                        "    void finished();\n\n");
    h += QStringLiteral("private:\n    friend class %1Server;\n").arg(iface.name());
    h += QStringLiteral("    %1(Fizyr::RpcRequest *request, Fizyr::RpcBodyCodec::Format format);\n"
                        "    void handleUpdate(const Fizyr::RpcMessage &update);\n\n"
                        "    Fizyr::RpcRequest *m_request;\n"
                        "    Fizyr::RpcBodyCodec::Format m_format;\n")
                 .arg(cls);
    if (!unitRequest)
        h += QStringLiteral("    %1 m_body;\n").arg(cppType(service.requestType()));
    h += QStringLiteral("};\n\n");
}

void Generator::writeRequestImpl(const RpcInterface &iface, const RpcService &service)
{
    const QString cls = requestClass(iface, service);
    const QString svc = serviceFunction(iface, service) + QStringLiteral("()");
    const bool unitResponse = isUnit(service.responseType());
    s += QStringLiteral("// ---- %1\n\n").arg(cls);
    s += QStringLiteral("%1::%1(Fizyr::RpcRequest *request, Fizyr::RpcBodyCodec::Format format)\n"
                        "    : QObject(request), m_request(request), m_format(format)\n{\n")
                 .arg(cls);
    if (!service.requestUpdates().isEmpty())
        s += QStringLiteral("    connect(request, &Fizyr::RpcRequest::updateReceived, this, "
                            "&%1::handleUpdate);\n")
                     .arg(cls);
    s += QStringLiteral("    connect(request, &Fizyr::RpcRequest::finished, this, "
                        "&%1::finished);\n}\n\n")
                 .arg(cls);
    for (const RpcUpdate &u : service.responseUpdates()) {
        const bool unit = isUnit(u.bodyType());
        s += QStringLiteral("bool %1::send%2(%3)\n{\n")
                     .arg(cls, upperFirst(stem(u.cppName())),
                          unit ? QString() : paramType(u.bodyType()) + u.cppName());
        s += QStringLiteral(
                     "    const Fizyr::RpcUpdate update = %1.responseUpdate(%2);\n"
                     "    QByteArray body;\n"
                     "    if (!encodeBody([&update] { return update.bodyType(); }, %3, m_format, "
                     "&body, nullptr))\n"
                     "        return false;\n"
                     "    return m_request->sendUpdate(update.id(), body);\n}\n\n")
                     .arg(svc, literal(u.name()),
                          unit ? QStringLiteral("QVariant()") : u.cppName());
    }
    s += QStringLiteral(
                 "bool %1::respond(%2)\n{\n    const Fizyr::RpcService &service = %3;\n"
                 "    QByteArray body;\n    QString error;\n"
                 "    if (!encodeBody([&service] { return service.responseType(); }, %4, m_format, "
                 "&body, &error))\n"
                 "        return m_request->sendErrorResponse(QStringLiteral(\"cannot encode the "
                 "response: \") + error);\n"
                 "    return m_request->sendResponse(service.id(), body);\n}\n\n")
                 .arg(cls,
                      unitResponse ? QString()
                                   : paramType(service.responseType()) + QStringLiteral("response"),
                      svc,
                      unitResponse ? QStringLiteral("QVariant()") : QStringLiteral("response"));
    s += QStringLiteral("bool %1::respondError(const QString &message)\n{\n"
                        "    return m_request->sendErrorResponse(message);\n}\n\n")
                 .arg(cls);
    s += QStringLiteral("void %1::handleUpdate(const Fizyr::RpcMessage &update)\n{\n").arg(cls);
    if (service.requestUpdates().isEmpty()) {
        s += QStringLiteral("    Q_UNUSED(update); // %1 has no request updates\n")
                     .arg(service.name());
    } else {
        s += QStringLiteral("    const Fizyr::RpcService &service = %1;\n    QString error;\n"
                            "    switch (update.serviceId()) {\n")
                     .arg(svc);
        for (const RpcUpdate &u : service.requestUpdates()) {
            const bool unit = isUnit(u.bodyType());
            const bool cancel = u.name() == QLatin1String("cancel");
            s += QStringLiteral(
                         "    case %1: {\n        %4 body{};\n"
                         "        if (!decodeBody([&service] { return "
                         "service.requestUpdate(%2).bodyType(); },\n"
                         "                        update.body(), m_format, &body, &error)) {\n"
                         "            Q_EMIT invalidUpdateReceived(QStringLiteral(\"invalid "
                         "body for %3: \") + error);\n"
                         "            return;\n        }\n")
                         .arg(u.id())
                         .arg(literal(u.name()), u.name(), cppType(u.bodyType()));
            if (cancel)
                s += QStringLiteral("        Q_EMIT cancelRequested();\n");
            else if (unit)
                s += QStringLiteral("        Q_EMIT %1Received();\n").arg(stem(u.cppName()));
            else
                s += QStringLiteral("        Q_EMIT %1Received(body);\n").arg(stem(u.cppName()));
            s += QStringLiteral("        return;\n    }\n");
        }
        s += QStringLiteral("    default:\n        return; // an update this interface does not "
                            "know: ignored\n    }\n");
    }
    s += QStringLiteral("}\n\n");
}

void Generator::writeInterfaceDecl(const RpcInterface &iface)
{
    const QString client = iface.name() + QStringLiteral("Client");
    const QString server = iface.name() + QStringLiteral("Server");
    for (const RpcService &service : iface.services())
        writeCallDecl(iface, service);
    for (const RpcService &service : iface.services())
        writeRequestDecl(iface, service);

    // Client
    h += docComment(iface.doc(), QString());
    h += QStringLiteral(
                 "// The typed client of interface %1, on a connected (or connecting) RpcPeer.\n")
                 .arg(iface.name());
    h += QStringLiteral("class %1 : public QObject\n{\n    Q_OBJECT\n\npublic:\n"
                        "    explicit %1(Fizyr::RpcPeer *peer, QObject *parent = nullptr);\n\n"
                        "    Fizyr::RpcPeer *peer() const { return m_peer; }\n"
                        "    Fizyr::RpcBodyCodec::Format bodyFormat() const { return m_format; }\n"
                        "    void setBodyFormat(Fizyr::RpcBodyCodec::Format format) { m_format = "
                        "format; }\n"
                        "    static Fizyr::RpcInterface rpcInterface();\n\n")
                 .arg(client);
    for (const RpcService &service : iface.services()) {
        h += docComment(service.doc(), QStringLiteral("    "));
        if (isUnit(service.requestType()))
            h += QStringLiteral("    %1 *%2();\n")
                         .arg(callClass(iface, service), service.cppName());
        else
            h += QStringLiteral("    %1 *%2(%3request);\n")
                         .arg(callClass(iface, service), service.cppName(),
                              paramType(service.requestType()));
    }
    for (const RpcStream &stream : iface.streams()) {
        h += docComment(stream.doc(), QStringLiteral("    "));
        if (isUnit(stream.bodyType()))
            h += QStringLiteral("    bool send%1();\n").arg(upperFirst(stem(stream.cppName())));
        else
            h += QStringLiteral("    bool send%1(%2%3);\n")
                         .arg(upperFirst(stem(stream.cppName())), paramType(stream.bodyType()),
                              stream.cppName());
    }
    h += QStringLiteral(
            "\nprivate:\n    QPointer<Fizyr::RpcPeer> m_peer;\n"
            "    Fizyr::RpcBodyCodec::Format m_format = Fizyr::RpcBodyCodec::Json;\n};\n\n");

    // Server
    h += QStringLiteral("// The typed server of interface %1, on one RpcPeer or on every "
                        "connection of an RpcServer.\n")
                 .arg(iface.name());
    h += QStringLiteral("class %1 : public QObject\n{\n    Q_OBJECT\n\npublic:\n"
                        "    explicit %1(Fizyr::RpcPeer *peer, QObject *parent = nullptr);\n"
                        "    explicit %1(Fizyr::RpcServer *server, QObject *parent = nullptr);\n\n"
                        "    void addPeer(Fizyr::RpcPeer *peer);\n"
                        "    Fizyr::RpcBodyCodec::Format bodyFormat() const { return m_format; }\n"
                        "    void setBodyFormat(Fizyr::RpcBodyCodec::Format format) { m_format = "
                        "format; }\n"
                        "    static Fizyr::RpcInterface rpcInterface();\n\nQ_SIGNALS:\n")
                 .arg(server);
    for (const RpcService &service : iface.services()) {
        h += docComment(service.doc(), QStringLiteral("    "));
        h += QStringLiteral("    void %1Requested(%2 *request);\n")
                     .arg(stem(service.cppName()), requestClass(iface, service));
    }
    for (const RpcStream &stream : iface.streams()) {
        h += docComment(stream.doc(), QStringLiteral("    "));
        if (isUnit(stream.bodyType()))
            h += QStringLiteral("    void %1Received(Fizyr::RpcPeer *peer);\n")
                         .arg(stem(stream.cppName()));
        else
            h += QStringLiteral("    void %1Received(%2%3, Fizyr::RpcPeer *peer);\n")
                         .arg(stem(stream.cppName()), paramType(stream.bodyType()),
                              stream.cppName());
    }
    h += QStringLiteral(
            "    // A request or stream message whose body did not decode; requests got an error "
            "response.\n"
            "    void invalidBodyReceived(const QString &errorString, Fizyr::RpcPeer *peer);\n\n"
            "private:\n"
            "    void handleRequest(Fizyr::RpcRequest *request);\n"
            "    void handleStream(Fizyr::RpcPeer *peer, const Fizyr::RpcMessage &message);\n"
            "    void takeConnections();\n\n"
            "    QPointer<Fizyr::RpcServer> m_server;\n"
            "    Fizyr::RpcBodyCodec::Format m_format = Fizyr::RpcBodyCodec::Json;\n};\n\n");
}

void Generator::writeInterfaceImpl(const RpcInterface &iface)
{
    const QString client = iface.name() + QStringLiteral("Client");
    const QString server = iface.name() + QStringLiteral("Server");
    const QString ifaceFunction = memberName(iface.name()) + QStringLiteral("Interface");
    s += QStringLiteral("// ---- interface %1\n\n").arg(iface.name());
    s += QStringLiteral("namespace {\n\ninline const Fizyr::RpcInterface &%1()\n{\n"
                        "    static const Fizyr::RpcInterface iface = "
                        "interfaceFile().interfaceByName(%2);\n"
                        "    return iface;\n}\n\n")
                 .arg(ifaceFunction, literal(iface.name()));
    for (const RpcService &service : iface.services())
        s += QStringLiteral("const Fizyr::RpcService &%1()\n{\n"
                            "    static const Fizyr::RpcService service = %2().service(%3);\n"
                            "    return service;\n}\n\n")
                     .arg(serviceFunction(iface, service), ifaceFunction, literal(service.name()));
    for (const RpcStream &stream : iface.streams())
        s += QStringLiteral("const Fizyr::RpcStream &%1()\n{\n"
                            "    static const Fizyr::RpcStream stream = %2().stream(%3);\n"
                            "    return stream;\n}\n\n")
                     .arg(streamFunction(iface, stream), ifaceFunction, literal(stream.name()));
    s += QStringLiteral("} // namespace\n\n");

    for (const RpcService &service : iface.services())
        writeCallImpl(iface, service);
    for (const RpcService &service : iface.services())
        writeRequestImpl(iface, service);

    // Client
    s += QStringLiteral("// ---- %1\n\n").arg(client);
    s += QStringLiteral("%1::%1(Fizyr::RpcPeer *peer, QObject *parent)\n    : QObject(parent), "
                        "m_peer(peer)\n{\n}\n\n"
                        "Fizyr::RpcInterface %1::rpcInterface()\n{\n    return %2();\n}\n\n")
                 .arg(client, ifaceFunction);
    for (const RpcService &service : iface.services()) {
        const QString cls = callClass(iface, service);
        const bool unit = isUnit(service.requestType());
        s += QStringLiteral(
                     "%1 *%2::%3(%4)\n{\n    const Fizyr::RpcService &service = %5();\n"
                     "    QByteArray body;\n    QString error;\n"
                     "    if (!m_peer) {\n"
                     "        auto *call = new %1(nullptr, m_format, this);\n"
                     "        QMetaObject::invokeMethod(call, [call] { "
                     "call->finish(Fizyr::RpcError::NotConnected, QStringLiteral(\"no peer\")); }, "
                     "Qt::QueuedConnection);\n"
                     "        return call;\n    }\n"
                     "    if (!encodeBody([&service] { return service.requestType(); }, %6, "
                     "m_format, "
                     "&body, &error)) {\n"
                     "        auto *call = new %1(nullptr, m_format, this);\n"
                     "        QMetaObject::invokeMethod(call, [call, error] { "
                     "call->finish(Fizyr::RpcError::InvalidBody, error); }, "
                     "Qt::QueuedConnection);\n"
                     "        return call;\n    }\n"
                     "    Fizyr::RpcRequest *sent = m_peer->sendRequest(service.id(), body);\n"
                     "    // A peer with autoDeleteRequests() deletes its requests after "
                     "finished(), "
                     "together:\n"
                     "    // the call is then its request's child, deleted with it.\n"
                     "    QObject *parent = sent && m_peer->autoDeleteRequests() ? "
                     "static_cast<QObject *>(sent) : this;\n"
                     "    return new %1(sent, m_format, parent);\n}\n\n")
                     .arg(cls, client, service.cppName(),
                          unit ? QString()
                               : paramType(service.requestType()) + QStringLiteral("request"),
                          serviceFunction(iface, service),
                          unit ? QStringLiteral("QVariant()") : QStringLiteral("request"));
    }
    for (const RpcStream &stream : iface.streams()) {
        const bool unit = isUnit(stream.bodyType());
        s += QStringLiteral("bool %1::send%2(%3)\n{\n    const Fizyr::RpcStream &stream = %4();\n"
                            "    QByteArray body;\n"
                            "    if (!m_peer\n"
                            "        || !encodeBody([&stream] { return stream.bodyType(); }, %5, "
                            "m_format, &body, nullptr))\n"
                            "        return false;\n"
                            "    return m_peer->sendStream(stream.id(), body);\n}\n\n")
                     .arg(client, upperFirst(stem(stream.cppName())),
                          unit ? QString() : paramType(stream.bodyType()) + stream.cppName(),
                          streamFunction(iface, stream),
                          unit ? QStringLiteral("QVariant()") : stream.cppName());
    }

    // Server
    s += QStringLiteral("// ---- %1\n\n").arg(server);
    s += QStringLiteral("%1::%1(Fizyr::RpcPeer *peer, QObject *parent)\n    : QObject(parent)\n{\n "
                        "   addPeer(peer);\n}\n\n"
                        "%1::%1(Fizyr::RpcServer *server, QObject *parent)\n    : QObject(parent), "
                        "m_server(server)\n{\n"
                        "    connect(server, &Fizyr::RpcServer::newConnection, this, "
                        "&%1::takeConnections);\n"
                        "    takeConnections();\n}\n\n"
                        "Fizyr::RpcInterface %1::rpcInterface()\n{\n    return %2();\n}\n\n")
                 .arg(server, ifaceFunction);
    s += QStringLiteral("void %1::takeConnections()\n{\n"
                        "    while (m_server && m_server->hasPendingConnections()) {\n"
                        "        Fizyr::RpcPeer *peer = m_server->nextPendingConnection();\n"
                        "        // The peer stays a child of the server and is deleted once it "
                        "disconnected.\n"
                        "        connect(peer, &Fizyr::RpcPeer::disconnected, peer, "
                        "&QObject::deleteLater);\n"
                        "        // Finished requests (and their typed requests) are deleted in "
                        "batches.\n"
                        "        peer->setAutoDeleteRequests(true);\n"
                        "        addPeer(peer);\n    }\n}\n\n")
                 .arg(server);
    s += QStringLiteral(
                 "void %1::addPeer(Fizyr::RpcPeer *peer)\n{\n"
                 "    connect(peer, &Fizyr::RpcPeer::requestReceived, this, &%1::handleRequest);\n"
                 "    connect(peer, &Fizyr::RpcPeer::streamReceived, this,\n"
                 "            [this, peer](const Fizyr::RpcMessage &message) { handleStream(peer, "
                 "message); });\n}\n\n")
                 .arg(server);
    s += QStringLiteral("void %1::handleRequest(Fizyr::RpcRequest *request)\n{\n"
                        "    // The request (and the typed request, its child) is deleted once it "
                        "finished\n"
                        "    // (by the peer itself if it deletes its requests automatically).\n"
                        "    if (!request->peer() || !request->peer()->autoDeleteRequests())\n"
                        "        connect(request, &Fizyr::RpcRequest::finished, request, "
                        "&QObject::deleteLater);\n"
                        "    QString error;\n"
                        "    switch (request->serviceId()) {\n")
                 .arg(server);
    for (const RpcService &service : iface.services()) {
        const QString cls = requestClass(iface, service);
        s += QStringLiteral(
                     "    case %1: {\n"
                     "        %7 body{};\n"
                     "        if (!decodeBody([] { return %2().requestType(); }, request->body(), "
                     "m_format, &body,\n"
                     "                        &error)) {\n"
                     "            const QString message = QStringLiteral(\"invalid body for %3: "
                     "\") + error;\n"
                     "            request->sendErrorResponse(message);\n"
                     "            Q_EMIT invalidBodyReceived(message, request->peer());\n"
                     "            return;\n        }\n"
                     "        if (!isSignalConnected(QMetaMethod::fromSignal(&%4::%5Requested)))\n"
                     "            break;\n"
                     "        auto *typed = new %6(request, m_format);\n")
                     .arg(service.id())
                     .arg(serviceFunction(iface, service), service.name(), server,
                          stem(service.cppName()), cls, cppType(service.requestType()));
        if (!isUnit(service.requestType()))
            s += QStringLiteral("        typed->m_body = std::move(body);\n");
        s += QStringLiteral("        Q_EMIT %1Requested(typed);\n        return;\n    }\n")
                     .arg(stem(service.cppName()));
    }
    s += QStringLiteral("    default:\n        break;\n    }\n"
                        "    request->sendErrorResponse(QStringLiteral(\"unexpected request for "
                        "service %1\").arg(request->serviceId()));\n}\n\n");
    s += QStringLiteral("void %1::handleStream(Fizyr::RpcPeer *peer, const Fizyr::RpcMessage "
                        "&message)\n{\n")
                 .arg(server);
    if (iface.streams().isEmpty()) {
        s += QStringLiteral("    Q_UNUSED(peer);\n    Q_UNUSED(message);\n");
    } else {
        s += QStringLiteral("    QString error;\n    switch (message.serviceId()) {\n");
        for (const RpcStream &stream : iface.streams()) {
            s += QStringLiteral("    case %1: {\n"
                                "        %4 body{};\n"
                                "        if (!decodeBody([] { return %2().bodyType(); }, "
                                "message.body(), m_format, &body, &error)) {\n"
                                "            Q_EMIT invalidBodyReceived(QStringLiteral(\"invalid "
                                "body for %3: \") + error, peer);\n"
                                "            return;\n        }\n")
                         .arg(stream.id())
                         .arg(streamFunction(iface, stream), stream.name(),
                              cppType(stream.bodyType()));
            if (isUnit(stream.bodyType()))
                s += QStringLiteral("        Q_EMIT %1Received(peer);\n")
                             .arg(stem(stream.cppName()));
            else
                s += QStringLiteral("        Q_EMIT %1Received(body, peer);\n")
                             .arg(stem(stream.cppName()));
            s += QStringLiteral("        return;\n    }\n");
        }
        s += QStringLiteral("    default:\n        return; // a stream this interface does not "
                            "know: ignored\n    }\n");
    }
    s += QStringLiteral("}\n\n");
}

GeneratorResult Generator::run()
{
    GeneratorResult result;
    buildValueClasses();
    checkNames();
    if (!m_errors.isEmpty()) {
        result.errors = m_errors;
        return result;
    }
    orderValueClasses();
    const QString inputName = QFileInfo(m_options.inputPath).fileName();
    QString guard = QStringLiteral("FIZYRRPCGEN_") + m_options.headerName.toUpper();
    for (QChar &c : guard) {
        if (!c.isLetterOrNumber())
            c = QLatin1Char('_');
    }
    const QString banner = QStringLiteral("// Generated from %1 by fizyr-rpc-gen, do not edit.\n\n")
                                   .arg(inputName);
    const bool ns = !m_options.cppNamespace.isEmpty();

    h += banner;
    h += QStringLiteral("#ifndef %1\n#define %1\n\n").arg(guard);
    h += QStringLiteral("#include <FizyrRpcQt/rpcbodycodec.h>\n"
                        "#include <FizyrRpcQt/rpcinterface.h>\n"
                        "#include <FizyrRpcQt/rpcinterfacefile.h>\n"
                        "#include <FizyrRpcQt/rpcjsonreader.h>\n"
                        "#include <FizyrRpcQt/rpcjsonwriter.h>\n"
                        "#include <FizyrRpcQt/rpcmessage.h>\n"
                        "#include <FizyrRpcQt/rpcpeer.h>\n"
                        "#include <FizyrRpcQt/rpcrequest.h>\n"
                        "#include <FizyrRpcQt/rpcserver.h>\n\n"
                        "#include <QtCore/qbytearray.h>\n"
                        "#include <QtCore/qdebug.h>\n"
                        "#include <QtCore/qfuture.h>\n"
                        "#include <QtCore/qlist.h>\n"
                        "#include <QtCore/qmap.h>\n"
                        "#include <QtCore/qobject.h>\n"
                        "#include <QtCore/qpointer.h>\n"
                        "#include <QtCore/qpromise.h>\n"
                        "#include <QtCore/qstring.h>\n"
                        "#include <QtCore/qvariant.h>\n\n"
                        "#include <memory>\n"
                        "#include <optional>\n\n");
    if (ns)
        h += QStringLiteral("namespace %1 {\n\n").arg(m_options.cppNamespace);
    h += QStringLiteral("// ======== value types\n\n");
    for (const ValueClass &vc : std::as_const(m_classes))
        writeValueClassDecl(vc);
    for (const RpcInterface &iface : m_file.interfaces()) {
        h += QStringLiteral("// ======== interface %1\n\n").arg(iface.name());
        writeInterfaceDecl(iface);
    }
    h += QStringLiteral(
                 "// The model of %1 as parsed at run time (services, updates, streams, types).\n"
                 "Fizyr::RpcInterfaceFile %2InterfaceFile();\n\n")
                 .arg(inputName,
                      memberName(QFileInfo(m_options.headerName)
                                         .completeBaseName()
                                         .remove(QRegularExpression(
                                                 QStringLiteral("[^A-Za-z0-9_]")))));
    if (ns)
        h += QStringLiteral("} // namespace %1\n\n").arg(m_options.cppNamespace);
    h += QStringLiteral("#endif // %1\n").arg(guard);

    s += banner;
    s += QStringLiteral("#include \"%1\"\n\n"
                        "#include <FizyrRpcQt/rpcexception.h>\n"
                        "#include <FizyrRpcQt/rpcinterfacefile.h>\n"
                        "#include <FizyrRpcQt/rpctypeschema.h>\n\n"
                        "#include <QtCore/qmetaobject.h>\n\n"
                        "#include <algorithm>\n"
                        "#include <type_traits>\n\n")
                 .arg(m_options.headerName);
    if (ns)
        s += QStringLiteral("namespace %1 {\n\n").arg(m_options.cppNamespace);
    s += QString::fromUtf8(generatedHelperCode);
    // The interface text, with its imports inlined, parsed once at run time.
    QString delimiter = QStringLiteral("rpc");
    while (m_text.contains(QStringLiteral(")%1\"").arg(delimiter)))
        delimiter += QLatin1Char('x');
    const QString fileFunction
            = memberName(QFileInfo(m_options.headerName)
                                 .completeBaseName()
                                 .remove(QRegularExpression(QStringLiteral("[^A-Za-z0-9_]"))))
            + QStringLiteral("InterfaceFile");
    s += QStringLiteral("Fizyr::RpcInterfaceFile %1()\n{\n"
                        "    static const Fizyr::RpcInterfaceFile file = "
                        "Fizyr::RpcInterfaceFile::parse(QString::fromUtf8(\n")
                 .arg(fileFunction);
    // Split into chunks so that no single literal gets too long for a compiler.
    const QStringList lines = m_text.split(QLatin1Char('\n'));
    QString chunk;
    auto flush = [&] {
        s += QStringLiteral("        R\"%1(%2)%1\"\n").arg(delimiter, chunk);
        chunk.clear();
    };
    for (const QString &line : lines) {
        chunk += line + QLatin1Char('\n');
        if (chunk.size() > 2000)
            flush();
    }
    if (!chunk.isEmpty())
        flush();
    s += QStringLiteral("        ), %1);\n    return file;\n}\n\n").arg(literal(inputName));
    s += QStringLiteral("namespace {\n\ninline const Fizyr::RpcInterfaceFile &interfaceFile()\n{\n"
                        "    static const Fizyr::RpcInterfaceFile file = %1();\n    return "
                        "file;\n}\n\n} // namespace\n\n")
                 .arg(fileFunction);
    for (const ValueClass &vc : std::as_const(m_classes))
        writeValueClassImpl(vc);
    for (const RpcInterface &iface : m_file.interfaces())
        writeInterfaceImpl(iface);
    if (ns)
        s += QStringLiteral("} // namespace %1\n").arg(m_options.cppNamespace);

    result.header = h;
    result.source = s;
    return result;
}

} // namespace

QString flattenInterfaceText(const QString &path, QStringList *dependencies, QString *errorString)
{
    QSet<QString> seen;
    QString out;
    if (!flattenInto(path, &seen, dependencies, &out, errorString))
        return QString();
    return out;
}

GeneratorResult generate(const RpcInterfaceFile &file, const QString &embeddedText,
                         const GeneratorOptions &options)
{
    Generator generator(file, embeddedText, options);
    return generator.run();
}

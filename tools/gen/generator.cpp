// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "generator_p.h"

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
using namespace FizyrRpcGen;

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

} // namespace

namespace FizyrRpcGen {

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
                        "#include <QtCore/qatomic.h>\n"
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
                        "#include <type_traits>\n"
                        "#include <utility>\n\n")
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

} // namespace FizyrRpcGen

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

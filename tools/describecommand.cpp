// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc describe FILE: the interfaces of an interface file, their
// services, updates and streams with ids and docs, and the body types
// expanded to their fields.

#include "commandline.h"
#include "commands.h"
#include "interfaceoptions.h"
#include "output.h"

#include <QtCore/QJsonArray>
#include <QtCore/QMetaEnum>
#include <QtCore/QSet>

using namespace Fizyr;

namespace Tool {

namespace {

// Types nest at most this deep in the output (a type that contains itself
// through Vec or a map stops earlier: it is expanded once per path).
constexpr int maxDepth = 32;

QString kindName(RpcTypeSchema::Kind kind)
{
    return QString::fromLatin1(QMetaEnum::fromType<RpcTypeSchema::Kind>().valueToKey(kind))
            .toLower();
}

QString variantKindName(RpcVariant::Kind kind)
{
    return QString::fromLatin1(QMetaEnum::fromType<RpcVariant::Kind>().valueToKey(kind)).toLower();
}

// The struct or enum inside Vec, Option and map types, or type itself.
RpcTypeSchema innermost(RpcTypeSchema type)
{
    while (type.kind() == RpcTypeSchema::Vec || type.kind() == RpcTypeSchema::Option
           || type.kind() == RpcTypeSchema::Map) {
        type = type.elementType();
    }
    return type;
}

// --- text ------------------------------------------------------------------

class TextWriter
{
public:
    explicit TextWriter(bool all) : m_all(all) { }

    void line(int indent, const QString &text) { writeLine(QString(indent * 2, u' ') + text); }

    void doc(int indent, const QString &doc)
    {
        if (doc.isEmpty())
            return;
        for (const QString &docLine : doc.split(QLatin1Char('\n')))
            line(indent, QString(QStringLiteral("/// ") + docLine).trimmed());
    }

    // Doc and #[hidden] lines in front of an item; false if it is hidden and
    // not shown.
    bool header(int indent, const QString &docText, bool hidden)
    {
        if (hidden && !m_all) {
            ++m_hiddenSkipped;
            return false;
        }
        doc(indent, docText);
        if (hidden)
            line(indent, QStringLiteral("#[hidden]"));
        return true;
    }

    // The fields or variants of type, one level deeper than the line that
    // named it.
    void expand(const RpcTypeSchema &schema, int indent, QSet<QString> path)
    {
        const RpcTypeSchema type = innermost(schema);
        if (type.kind() != RpcTypeSchema::Struct && type.kind() != RpcTypeSchema::Enum)
            return;
        if (path.contains(type.name()) || indent > maxDepth) {
            line(indent, QStringLiteral("(%1, see above)").arg(type.name()));
            return;
        }
        path.insert(type.name());
        if (type.kind() == RpcTypeSchema::Struct) {
            for (const RpcField &field : type.fields()) {
                doc(indent, field.doc());
                line(indent,
                     field.wireName() + QStringLiteral(": ") + field.type().rustName()
                             + (field.hasDefault() ? QStringLiteral(" (default)") : QString()));
                expand(field.type(), indent + 1, path);
            }
            return;
        }
        for (const RpcVariant &variant : type.variants()) {
            doc(indent, variant.doc());
            QStringList types;
            switch (variant.kind()) {
            case RpcVariant::Unit:
                line(indent, variant.wireName());
                break;
            case RpcVariant::Newtype:
            case RpcVariant::Tuple:
                for (const RpcTypeSchema &member : variant.types())
                    types.append(member.rustName());
                line(indent,
                     variant.wireName() + QLatin1Char('(') + types.join(QStringLiteral(", "))
                             + QLatin1Char(')'));
                for (const RpcTypeSchema &member : variant.types())
                    expand(member, indent + 1, path);
                break;
            case RpcVariant::Struct:
                line(indent, variant.wireName() + QStringLiteral(" {}"));
                for (const RpcField &field : variant.fields()) {
                    doc(indent + 1, field.doc());
                    line(indent + 1,
                         field.wireName() + QStringLiteral(": ") + field.type().rustName());
                    expand(field.type(), indent + 2, path);
                }
                break;
            }
        }
    }

    void update(int indent, const QString &kind, const RpcUpdate &update)
    {
        if (!header(indent, update.doc(), update.isHidden()))
            return;
        line(indent,
             QStringLiteral("%1 %2 %3: %4")
                     .arg(kind)
                     .arg(update.id())
                     .arg(update.name(), update.bodyType().rustName()));
        expand(update.bodyType(), indent + 1, {});
    }

    void interface(const RpcInterface &interface)
    {
        doc(0, interface.doc());
        line(0, QStringLiteral("interface ") + interface.name());
        for (const RpcService &service : interface.services()) {
            if (!header(1, service.doc(), service.isHidden()))
                continue;
            line(1,
                 QStringLiteral("service %1 %2: %3 -> %4")
                         .arg(service.id())
                         .arg(service.name(), service.requestType().rustName(),
                              service.responseType().rustName()));
            if (innermost(service.requestType()).fields().size()
                        + innermost(service.requestType()).variants().size()
                > 0) {
                line(2, QStringLiteral("request: ") + service.requestType().rustName());
                expand(service.requestType(), 3, {});
            }
            if (innermost(service.responseType()).fields().size()
                        + innermost(service.responseType()).variants().size()
                > 0) {
                line(2, QStringLiteral("response: ") + service.responseType().rustName());
                expand(service.responseType(), 3, {});
            }
            for (const RpcUpdate &update : service.requestUpdates())
                this->update(2, QStringLiteral("request_update"), update);
            for (const RpcUpdate &update : service.responseUpdates())
                this->update(2, QStringLiteral("response_update"), update);
        }
        for (const RpcStream &stream : interface.streams()) {
            if (!header(1, stream.doc(), stream.isHidden()))
                continue;
            line(1,
                 QStringLiteral("stream %1 %2: %3")
                         .arg(stream.id())
                         .arg(stream.name(), stream.bodyType().rustName()));
            expand(stream.bodyType(), 2, {});
        }
    }

    int hiddenSkipped() const { return m_hiddenSkipped; }

private:
    bool m_all;
    int m_hiddenSkipped = 0;
};

// --- JSON ------------------------------------------------------------------

QJsonObject typeJson(const RpcTypeSchema &type, QSet<QString> path);

QJsonObject fieldJson(const RpcField &field, const QSet<QString> &path)
{
    QJsonObject object{{QStringLiteral("name"), field.wireName()},
                       {QStringLiteral("type"), typeJson(field.type(), path)}};
    if (!field.doc().isEmpty())
        object.insert(QStringLiteral("doc"), field.doc());
    if (field.hasDefault())
        object.insert(QStringLiteral("default"), true);
    if (field.isOptional())
        object.insert(QStringLiteral("optional"), true);
    return object;
}

QJsonObject typeJson(const RpcTypeSchema &type, QSet<QString> path)
{
    QJsonObject object{{QStringLiteral("name"), type.rustName()},
                       {QStringLiteral("kind"), kindName(type.kind())}};
    if (!type.doc().isEmpty())
        object.insert(QStringLiteral("doc"), type.doc());
    switch (type.kind()) {
    case RpcTypeSchema::Vec:
    case RpcTypeSchema::Option:
    case RpcTypeSchema::Map:
        object.insert(QStringLiteral("element"), typeJson(type.elementType(), path));
        return object;
    case RpcTypeSchema::Struct:
    case RpcTypeSchema::Enum:
        break;
    default:
        return object;
    }
    if (path.contains(type.name()) || path.size() > maxDepth) {
        object.insert(QStringLiteral("recursive"), true);
        return object;
    }
    path.insert(type.name());
    if (type.kind() == RpcTypeSchema::Struct) {
        QJsonArray fields;
        for (const RpcField &field : type.fields())
            fields.append(fieldJson(field, path));
        object.insert(QStringLiteral("fields"), fields);
        return object;
    }
    QJsonArray variants;
    for (const RpcVariant &variant : type.variants()) {
        QJsonObject item{{QStringLiteral("name"), variant.wireName()},
                         {QStringLiteral("kind"), variantKindName(variant.kind())}};
        if (!variant.doc().isEmpty())
            item.insert(QStringLiteral("doc"), variant.doc());
        if (variant.kind() == RpcVariant::Newtype || variant.kind() == RpcVariant::Tuple) {
            QJsonArray types;
            for (const RpcTypeSchema &member : variant.types())
                types.append(typeJson(member, path));
            item.insert(QStringLiteral("types"), types);
        } else if (variant.kind() == RpcVariant::Struct) {
            QJsonArray fields;
            for (const RpcField &field : variant.fields())
                fields.append(fieldJson(field, path));
            item.insert(QStringLiteral("fields"), fields);
        }
        variants.append(item);
    }
    object.insert(QStringLiteral("variants"), variants);
    return object;
}

template<typename Item>
QJsonObject itemJson(const Item &item)
{
    QJsonObject object{{QStringLiteral("id"), item.id()},
                       {QStringLiteral("name"), item.name()},
                       {QStringLiteral("doc"), item.doc()},
                       {QStringLiteral("hidden"), item.isHidden()}};
    return object;
}

QJsonArray updatesJson(const QList<RpcUpdate> &updates, bool all)
{
    QJsonArray array;
    for (const RpcUpdate &update : updates) {
        if (update.isHidden() && !all)
            continue;
        QJsonObject object = itemJson(update);
        object.insert(QStringLiteral("body"), typeJson(update.bodyType(), {}));
        array.append(object);
    }
    return array;
}

QJsonObject interfaceJson(const RpcInterface &interface, bool all)
{
    QJsonArray services;
    for (const RpcService &service : interface.services()) {
        if (service.isHidden() && !all)
            continue;
        QJsonObject object = itemJson(service);
        object.insert(QStringLiteral("request"), typeJson(service.requestType(), {}));
        object.insert(QStringLiteral("response"), typeJson(service.responseType(), {}));
        object.insert(QStringLiteral("request_updates"),
                      updatesJson(service.requestUpdates(), all));
        object.insert(QStringLiteral("response_updates"),
                      updatesJson(service.responseUpdates(), all));
        services.append(object);
    }
    QJsonArray streams;
    for (const RpcStream &stream : interface.streams()) {
        if (stream.isHidden() && !all)
            continue;
        QJsonObject object = itemJson(stream);
        object.insert(QStringLiteral("body"), typeJson(stream.bodyType(), {}));
        streams.append(object);
    }
    return {{QStringLiteral("name"), interface.name()},
            {QStringLiteral("doc"), interface.doc()},
            {QStringLiteral("services"), services},
            {QStringLiteral("streams"), streams}};
}

} // namespace

int runDescribe(const QStringList &args)
{
    CommandLine commandLine(
            QStringLiteral("describe"), QStringLiteral("FILE"),
            QStringLiteral("Show the interfaces of the interface file FILE (.rpc): services, "
                           "request and response updates and streams with their ids and doc "
                           "comments, and their body types expanded to their fields.\n"
                           "Exit code: 0, or 2 if FILE cannot be read or does not parse."));
    QCommandLineParser &parser = commandLine.parser();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The interface file."));
    parser.addOption(QCommandLineOption(QStringLiteral("all"),
                                        QStringLiteral("Include the items marked #[hidden].")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("json"),
            QStringLiteral("Print one JSON object (see doc/tool/describe.md for its shape).")));
    if (std::optional<int> exit = commandLine.parse(args, 1, 1))
        return *exit;
    const bool all = parser.isSet(QStringLiteral("all"));
    QString error;
    const std::optional<RpcInterfaceFile> file
            = loadInterfaceFile(parser.positionalArguments().at(0), &error);
    if (!file)
        return commandLine.failure(error);

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray interfaces;
        for (const RpcInterface &interface : file->interfaces())
            interfaces.append(interfaceJson(interface, all));
        writeOut(jsonLine({{QStringLiteral("file"), file->fileName()},
                           {QStringLiteral("interfaces"), interfaces}})
                 + '\n');
        return ExitSuccess;
    }
    TextWriter writer(all);
    bool first = true;
    for (const RpcInterface &interface : file->interfaces()) {
        if (!first)
            writeLine(QString());
        first = false;
        writer.interface(interface);
    }
    if (writer.hiddenSkipped() > 0) {
        writeLine(QString());
        writeLine(writer.hiddenSkipped() == 1
                          ? QStringLiteral("(1 hidden item not shown: --all shows it)")
                          : QStringLiteral("(%1 hidden items not shown: --all shows them)")
                                    .arg(writer.hiddenSkipped()));
    }
    return ExitSuccess;
}

} // namespace Tool

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "interfaceoptions.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

using namespace Fizyr;

namespace Tool {

std::optional<RpcInterfaceFile> loadInterfaceFile(const QString &path, QString *errorText)
{
    const RpcInterfaceFile file = RpcInterfaceFile::fromFile(path);
    if (file.isValid())
        return file;
    const QList<RpcInterfaceError> errors = file.errors();
    if (errors.isEmpty()) {
        *errorText = QStringLiteral("%1: cannot read the interface file").arg(path);
        return std::nullopt;
    }
    // One line: the first error, and how many more there are.
    *errorText = errors.first().toString();
    if (errors.size() > 1)
        *errorText += QStringLiteral(" (and %1 more errors)").arg(errors.size() - 1);
    return std::nullopt;
}

void InterfaceOptions::addOptions(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(
            QStringLiteral("interface"),
            QStringLiteral("Read the interface file FILE (.rpc): services, updates and streams "
                           "by name, bodies as JSON encoded by their schema, received bodies "
                           "decoded."),
            QStringLiteral("FILE")));
    parser.addOption(
            QCommandLineOption(QStringLiteral("interface-name"),
                               QStringLiteral("The interface of FILE to use when it has several."),
                               QStringLiteral("NAME")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("body-format"),
            QStringLiteral("With --interface: encode and decode bodies as json or cbor. "
                           "Default: json."),
            QStringLiteral("FORMAT"), QStringLiteral("json")));
}

std::optional<InterfaceOptions> InterfaceOptions::fromOptions(CommandLine &commandLine,
                                                              int *exitCode)
{
    const QCommandLineParser &parser = commandLine.parser();
    InterfaceOptions options;
    const QString format = parser.value(QStringLiteral("body-format"));
    if (format == QLatin1String("json")) {
        options.m_format = RpcBodyCodec::Json;
    } else if (format == QLatin1String("cbor")) {
        options.m_format = RpcBodyCodec::Cbor;
    } else {
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --body-format \"%1\": expected json or cbor").arg(format));
        return std::nullopt;
    }
    const bool hasFile = parser.isSet(QStringLiteral("interface"));
    if (!hasFile) {
        for (const char *name : {"interface-name", "body-format"}) {
            if (parser.isSet(QLatin1String(name))) {
                *exitCode = commandLine.usageError(
                        QStringLiteral("--%1 needs --interface").arg(QLatin1String(name)));
                return std::nullopt;
            }
        }
        return options;
    }
    QString error;
    const std::optional<RpcInterfaceFile> file
            = loadInterfaceFile(parser.value(QStringLiteral("interface")), &error);
    if (!file) {
        *exitCode = commandLine.failure(error);
        return std::nullopt;
    }
    options.m_file = *file;
    const QList<RpcInterface> interfaces = file->interfaces();
    QStringList names;
    for (const RpcInterface &interface : interfaces)
        names.append(interface.name());
    if (parser.isSet(QStringLiteral("interface-name"))) {
        const QString name = parser.value(QStringLiteral("interface-name"));
        options.m_interface = file->interfaceByName(name);
        if (!options.m_interface.isValid()) {
            *exitCode = commandLine.failure(
                    QStringLiteral("%1 has no interface \"%2\" (interfaces: %3)")
                            .arg(file->fileName(), name, names.join(QStringLiteral(", "))));
            return std::nullopt;
        }
    } else if (interfaces.size() == 1) {
        options.m_interface = interfaces.first();
    } else if (interfaces.isEmpty()) {
        *exitCode = commandLine.failure(
                QStringLiteral("%1 defines no interface").arg(file->fileName()));
        return std::nullopt;
    } else {
        *exitCode = commandLine.usageError(
                QStringLiteral("%1 has several interfaces (%2): choose one with --interface-name")
                        .arg(file->fileName(), names.join(QStringLiteral(", "))));
        return std::nullopt;
    }
    return options;
}

// A decimal id, or nothing if text is not one.
static std::optional<qint32> idFrom(const QString &text)
{
    bool ok = false;
    const qint32 id = text.toInt(&ok, 10);
    return ok ? std::optional<qint32>(id) : std::nullopt;
}

template<typename Item>
static QString namesOf(const QList<Item> &items)
{
    QStringList names;
    for (const Item &item : items)
        names.append(item.name());
    return names.isEmpty() ? QStringLiteral("none") : names.join(QStringLiteral(", "));
}

std::optional<RpcService> InterfaceOptions::service(const QString &nameOrId,
                                                    QString *errorText) const
{
    const std::optional<qint32> id = idFrom(nameOrId);
    const RpcService service = id ? m_interface.serviceById(*id) : m_interface.service(nameOrId);
    if (service.isValid())
        return service;
    *errorText = QStringLiteral("unknown service \"%1\" in interface %2 (services: %3)")
                         .arg(nameOrId, m_interface.name(), namesOf(m_interface.services()));
    return std::nullopt;
}

std::optional<RpcStream> InterfaceOptions::stream(const QString &nameOrId, QString *errorText) const
{
    const std::optional<qint32> id = idFrom(nameOrId);
    const RpcStream stream = id ? m_interface.streamById(*id) : m_interface.stream(nameOrId);
    if (stream.isValid())
        return stream;
    *errorText = QStringLiteral("unknown stream \"%1\" in interface %2 (streams: %3)")
                         .arg(nameOrId, m_interface.name(), namesOf(m_interface.streams()));
    return std::nullopt;
}

std::optional<RpcUpdate> InterfaceOptions::requestUpdate(const RpcService &service,
                                                         const QString &nameOrId,
                                                         QString *errorText) const
{
    const std::optional<qint32> id = idFrom(nameOrId);
    const RpcUpdate update = id ? service.requestUpdateById(*id) : service.requestUpdate(nameOrId);
    if (update.isValid())
        return update;
    *errorText = QStringLiteral("unknown request update \"%1\" of service %2 (request updates: %3)")
                         .arg(nameOrId, service.name(), namesOf(service.requestUpdates()));
    return std::nullopt;
}

std::optional<QByteArray> InterfaceOptions::encodeJson(const RpcTypeSchema &type,
                                                       const QByteArray &json, const QString &what,
                                                       QString *errorText) const
{
    // The JSON text is read by the schema exactly as a server would read it
    // (serde's rules), then written in the chosen format.
    QVariant value;
    QString error;
    const QByteArray text = json.trimmed().isEmpty() ? QByteArrayLiteral("null") : json;
    if (!RpcBodyCodec::decode(type, text, RpcBodyCodec::Json, &value, &error)) {
        *errorText = QStringLiteral("invalid body for %1: %2").arg(what, error);
        return std::nullopt;
    }
    return encodeValue(type, value, what, errorText);
}

std::optional<QByteArray> InterfaceOptions::encodeValue(const RpcTypeSchema &type,
                                                        const QVariant &value, const QString &what,
                                                        QString *errorText) const
{
    QByteArray body;
    QString error;
    if (!RpcBodyCodec::encode(type, value, m_format, &body, &error)) {
        *errorText = QStringLiteral("invalid body for %1: %2").arg(what, error);
        return std::nullopt;
    }
    return body;
}

bool InterfaceOptions::decodeBody(const RpcTypeSchema &type, const QByteArray &body,
                                  const QString &what, QVariant *value, QString *errorText) const
{
    // `()` bodies may be empty (the Rust reference needs null, the core
    // sends nothing): accept both, as generated code does.
    if (body.isEmpty() && type.kind() == RpcTypeSchema::Unit) {
        *value = QVariant::fromValue(nullptr);
        return true;
    }
    QString error;
    if (!RpcBodyCodec::decode(type, body, m_format, value, &error)) {
        *errorText = QStringLiteral("invalid body for %1: %2").arg(what, error);
        return false;
    }
    return true;
}

QString InterfaceOptions::jsonText(const RpcTypeSchema &type, const QVariant &value)
{
    QByteArray json;
    if (!RpcBodyCodec::encode(type, value, RpcBodyCodec::Json, &json))
        return QStringLiteral("null");
    return QString::fromUtf8(json);
}

DecodedBody InterfaceOptions::decodeAs(const RpcTypeSchema &type, const QByteArray &body,
                                       const QString &name, const QString &what) const
{
    DecodedBody decoded;
    decoded.known = true;
    decoded.name = name;
    QVariant value;
    if (!decodeBody(type, body, what, &value, &decoded.error))
        return decoded;
    decoded.text = jsonText(type, value);
    // QJsonDocument reads objects and arrays: wrap the value in one.
    const QJsonDocument document
            = QJsonDocument::fromJson(QByteArray('[' + decoded.text.toUtf8() + ']'));
    decoded.value = document.array().at(0);
    decoded.decoded = true;
    return decoded;
}

bool InterfaceOptions::isErrorResponse(const RpcMessage &response, qint32 requestServiceId) const
{
    // With an interface, a response with the service's own negative id is a
    // body (RpcService::isErrorResponse()); without one, any negative id.
    if (!isActive())
        return response.isError();
    return RpcService::isErrorResponse(response, requestServiceId);
}

DecodedBody InterfaceOptions::decode(const RpcMessage &message, qint32 requestServiceId) const
{
    if (!isActive())
        return {};
    switch (message.type()) {
    case RpcMessage::Request: {
        const RpcService service = m_interface.serviceById(message.serviceId());
        if (!service.isValid())
            return {};
        return decodeAs(service.requestType(), message.body(), service.name(), service.name());
    }
    case RpcMessage::Stream: {
        const RpcStream stream = m_interface.streamById(message.serviceId());
        if (!stream.isValid())
            return {};
        return decodeAs(stream.bodyType(), message.body(), stream.name(), stream.name());
    }
    case RpcMessage::RequesterUpdate:
    case RpcMessage::ResponderUpdate: {
        const RpcService service = m_interface.serviceById(requestServiceId);
        if (!service.isValid())
            return {};
        const RpcUpdate update = message.type() == RpcMessage::RequesterUpdate
                ? service.requestUpdateById(message.serviceId())
                : service.responseUpdateById(message.serviceId());
        if (!update.isValid())
            return {};
        return decodeAs(update.bodyType(), message.body(), update.name(), update.name());
    }
    case RpcMessage::Response: {
        const RpcService service = m_interface.serviceById(requestServiceId);
        if (!service.isValid() || service.isErrorResponse(message))
            return {};
        return decodeAs(service.responseType(), message.body(), QString(),
                        QStringLiteral("the response of ") + service.name());
    }
    }
    return {};
}

} // namespace Tool

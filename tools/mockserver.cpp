// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "mockserver.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

using namespace Fizyr;

namespace Tool {

// value as JSON text, for the codec to read by schema.
static QByteArray jsonOf(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

std::optional<MockAnswers> MockAnswers::load(const QString &path, const InterfaceOptions &interface,
                                             QString *errorText)
{
    MockAnswers answers;
    answers.m_interface = &interface;
    // Every service: the zero value of its response type.
    for (const RpcService &service : interface.interface().services()) {
        Answer answer;
        const std::optional<QByteArray> body = interface.encodeValue(
                service.responseType(), RpcBodyCodec::defaultValue(service.responseType()),
                QStringLiteral("the response of ") + service.name(), errorText);
        if (!body)
            return std::nullopt;
        answer.response = *body;
        answers.m_answers.insert(service.id(), answer);
    }
    if (path.isEmpty())
        return answers;

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *errorText = QStringLiteral("cannot read \"%1\": %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *errorText = QStringLiteral("%1: invalid JSON at offset %2: %3")
                             .arg(path)
                             .arg(parseError.offset)
                             .arg(parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        *errorText = QStringLiteral("%1: expected an object keyed by service name").arg(path);
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const RpcService service = interface.interface().service(it.key());
        const QString where = QStringLiteral("%1: %2").arg(path, it.key());
        if (!service.isValid()) {
            *errorText = QStringLiteral("%1: unknown service \"%2\" in interface %3")
                                 .arg(path, it.key(), interface.interface().name());
            return std::nullopt;
        }
        if (!it.value().isObject()) {
            *errorText = QStringLiteral("%1: expected an object with \"updates\", \"response\" "
                                        "or \"error\"")
                                 .arg(where);
            return std::nullopt;
        }
        const QJsonObject entry = it.value().toObject();
        Answer &answer = answers.m_answers[service.id()];
        for (auto field = entry.begin(); field != entry.end(); ++field) {
            const QString key = field.key();
            if (key == QLatin1String("response")) {
                const std::optional<QByteArray> body = interface.encodeJson(
                        service.responseType(), jsonOf(field.value()),
                        QStringLiteral("the response of ") + service.name(), errorText);
                if (!body) {
                    *errorText = path + QStringLiteral(": ") + *errorText;
                    return std::nullopt;
                }
                answer.response = *body;
            } else if (key == QLatin1String("error")) {
                if (!field.value().isString()) {
                    *errorText = QStringLiteral("%1: \"error\" must be a string").arg(where);
                    return std::nullopt;
                }
                answer.isError = true;
                answer.errorText = field.value().toString();
            } else if (key == QLatin1String("updates")) {
                if (!field.value().isArray()) {
                    *errorText = QStringLiteral("%1: \"updates\" must be an array of "
                                                "{\"NAME\": value} objects")
                                         .arg(where);
                    return std::nullopt;
                }
                for (const QJsonValue item : field.value().toArray()) {
                    const QJsonObject object = item.toObject();
                    if (object.size() != 1) {
                        *errorText = QStringLiteral("%1: each update must be an object with one "
                                                    "key, the update name")
                                             .arg(where);
                        return std::nullopt;
                    }
                    const RpcUpdate update = service.responseUpdate(object.begin().key());
                    if (!update.isValid()) {
                        *errorText = QStringLiteral("%1: unknown response update \"%2\"")
                                             .arg(where, object.begin().key());
                        return std::nullopt;
                    }
                    const std::optional<QByteArray> body = interface.encodeJson(
                            update.bodyType(), jsonOf(object.begin().value()), update.name(),
                            errorText);
                    if (!body) {
                        *errorText = where + QStringLiteral(": ") + *errorText;
                        return std::nullopt;
                    }
                    answer.updates.append({update.id(), *body});
                }
            } else {
                *errorText = QStringLiteral("%1: unknown key \"%2\" (expected \"updates\", "
                                            "\"response\" or \"error\")")
                                     .arg(where, key);
                return std::nullopt;
            }
        }
    }
    return answers;
}

bool MockAnswers::answer(RpcRequest *request, QString *errorText) const
{
    if (!request->isOpen())
        return true;
    const RpcService service = m_interface->interface().serviceById(request->serviceId());
    const auto it = m_answers.constFind(request->serviceId());
    if (!service.isValid() || it == m_answers.cend()) {
        request->sendErrorResponse(QStringLiteral("unknown service %1").arg(request->serviceId()));
        return true;
    }
    QVariant value;
    QString decodeError;
    if (!m_interface->decodeBody(service.requestType(), request->body(), service.name(), &value,
                                 &decodeError)) {
        request->sendErrorResponse(decodeError);
        return true;
    }
    for (const Update &update : it->updates) {
        if (!request->sendUpdate(update.id, update.body)) {
            *errorText = request->errorString();
            return false;
        }
    }
    const bool sent = it->isError ? request->sendErrorResponse(it->errorText)
                                  : request->sendResponse(service.id(), it->response);
    if (!sent)
        *errorText = request->errorString();
    return sent;
}

} // namespace Tool

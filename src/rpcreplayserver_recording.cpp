// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcReplayServer: reading the JSON Lines recording, and finding the
// recorded transaction of a request.

#include "rpcreplayserver_p.h"

#include "rpcrequest.h"

#include <QtCore/QFile>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QStringList>

#include <utility>

namespace Fizyr {

namespace {

bool isUnsafeForTerminal(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0x061c
            || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e)
            || (c >= 0x2066 && c <= 0x2069);
}

// The same escaping as the tool's output: control characters and bidi marks
// become visible escapes, so that an error text is safe to print.
QString escapeControls(const QString &text)
{
    QString result;
    result.reserve(text.size());
    for (const QChar qc : text) {
        const char16_t c = qc.unicode();
        if (!isUnsafeForTerminal(c)) {
            result += qc;
        } else if (c == u'\n') {
            result += QLatin1String("\\n");
        } else if (c == u'\r') {
            result += QLatin1String("\\r");
        } else if (c == u'\t') {
            result += QLatin1String("\\t");
        } else if (c < 0x100) {
            result += QStringLiteral("\\x%1").arg(uint(c), 2, 16, QLatin1Char('0'));
        } else {
            result += QStringLiteral("\\u%1").arg(uint(c), 4, 16, QLatin1Char('0'));
        }
    }
    return result;
}

QString bodyText(const QByteArray &body)
{
    QString text = QString::fromUtf8(body);
    if (text.size() > 60)
        text = text.left(60) + QStringLiteral("...");
    return QLatin1Char('"') + escapeControls(text) + QLatin1Char('"');
}

} // namespace

QString describeRequest(qint32 serviceId, const QByteArray &body)
{
    return QStringLiteral("service %1 with body %2").arg(serviceId).arg(bodyText(body));
}

namespace {

bool bodyOf(const QJsonObject &line, QByteArray *body)
{
    if (line.contains(QStringLiteral("body"))) {
        *body = line.value(QStringLiteral("body")).toString().toUtf8();
        return true;
    }
    const auto decoded = QByteArray::fromBase64Encoding(
            line.value(QStringLiteral("body_base64")).toString().toLatin1(),
            QByteArray::AbortOnBase64DecodingErrors);
    *body = decoded.decoded;
    return bool(decoded);
}

} // namespace
bool RpcReplayServerPrivate::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        errorString = QStringLiteral("cannot read \"%1\": %2").arg(path, file.errorString());
        return false;
    }
    // First pass: the lines, and which way each connection went. The tool's
    // recordings say client->server / server->client; the library hook's
    // (FIZYR_RPC_RECORD) say sent / received, from the recording process's
    // side: its "role" says which side that was, or else the first request
    // of the connection does (a process that received it was the server).
    QList<std::pair<int, QJsonObject>> lines;
    QHash<int, bool> processIsServer; // hook files: connection -> role
    int number = 0;
    while (!file.atEnd()) {
        const QByteArray text = file.readLine();
        ++number;
        if (text.trimmed().isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
        if (!document.isObject()) {
            errorString = QStringLiteral("%1:%2: not a JSON object: %3")
                                  .arg(path)
                                  .arg(number)
                                  .arg(parseError.errorString());
            return false;
        }
        const QJsonObject line = document.object();
        const int connection = line.value(QStringLiteral("connection")).toInt();
        const QString direction = line.value(QStringLiteral("direction")).toString();
        const QString role = line.value(QStringLiteral("role")).toString();
        if (!processIsServer.contains(connection)) {
            if (role == QLatin1String("server") || role == QLatin1String("client")) {
                processIsServer.insert(connection, role == QLatin1String("server"));
            } else if (line.value(QStringLiteral("type")).toString()
                               == RpcMessage::typeName(RpcMessage::Request)
                       && (direction == QLatin1String("sent")
                           || direction == QLatin1String("received"))) {
                processIsServer.insert(connection, direction == QLatin1String("received"));
            }
        }
        lines.append({number, line});
    }

    QList<Transaction> loaded;
    QList<QList<RecordedReply>> loadedGreetings;
    QHash<int, qsizetype> connectionIndex; // connection -> index in loadedGreetings
    QHash<int, double> connectionStart;
    QHash<int, qsizetype> lastTransaction; // connection -> its latest transaction
    QHash<QString, qsizetype> open; // "connection/request id" -> index
    QHash<QString, double> openedAt;
    // A request the server sent: where it went (-1: the greeting, or the
    // transaction's index) and its index in that list.
    QHash<QString, std::pair<qsizetype, int>> serverRequests;
    for (const auto &[lineNumber, line] : std::as_const(lines)) {
        const int connection = line.value(QStringLiteral("connection")).toInt();
        const double elapsed = line.value(QStringLiteral("elapsed")).toDouble();
        if (!connectionIndex.contains(connection)) {
            connectionIndex.insert(connection, loadedGreetings.size());
            connectionStart.insert(connection, elapsed);
            loadedGreetings.append(QList<RecordedReply>());
        }
        const QString type = line.value(QStringLiteral("type")).toString();
        if (type.isEmpty())
            continue; // connection events
        const QString direction = line.value(QStringLiteral("direction")).toString();
        bool fromClient = direction == QLatin1String("client->server");
        if (direction == QLatin1String("sent") || direction == QLatin1String("received")) {
            const bool processServes = processIsServer.value(connection, false);
            fromClient = (direction == QLatin1String("received")) == processServes;
        }
        const QString key = QStringLiteral("%1/%2")
                                    .arg(connection)
                                    .arg(line.value(QStringLiteral("request_id")).toInteger());
        QByteArray body;
        if (!bodyOf(line, &body)) {
            errorString = QStringLiteral("%1:%2: invalid body_base64").arg(path).arg(lineNumber);
            return false;
        }
        const qint32 serviceId = line.value(QStringLiteral("service_id")).toInt();
        const int fds = line.value(QStringLiteral("fds")).toInt();
        const bool request = type == RpcMessage::typeName(RpcMessage::Request);
        const bool response = type == RpcMessage::typeName(RpcMessage::Response);
        const bool update = type == RpcMessage::typeName(RpcMessage::ResponderUpdate);
        const bool stream = type == RpcMessage::typeName(RpcMessage::Stream);
        const bool requesterUpdate = type == RpcMessage::typeName(RpcMessage::RequesterUpdate);
        if (fromClient) {
            if (request) {
                Transaction transaction;
                transaction.line = lineNumber;
                transaction.serviceId = serviceId;
                transaction.body = body;
                transaction.startedAt = elapsed;
                open.insert(key, loaded.size());
                openedAt.insert(key, elapsed);
                lastTransaction.insert(connection, loaded.size());
                loaded.append(transaction);
            }
            continue; // client streams, updates and responses: the client's part
        }
        if ((response || update) && open.contains(key)) {
            Transaction &transaction = loaded[open.value(key)];
            transaction.replies.append(
                    {response ? RpcMessage::Response : RpcMessage::ResponderUpdate, serviceId, body,
                     qMax(0.0, elapsed - openedAt.value(key)), fds, -1});
            if (response)
                open.remove(key);
            continue;
        }
        // Started by the server: after the connection's latest request, or
        // before its first one.
        const QString serverKey = QStringLiteral("s") + key;
        const auto place = [&](qsizetype where, RecordedReply reply) -> int {
            if (where < 0) {
                reply.delay = qMax(0.0, elapsed - connectionStart.value(connection));
                QList<RecordedReply> &list = loadedGreetings[connectionIndex.value(connection)];
                list.append(reply);
                return int(list.size() - 1);
            }
            Transaction &transaction = loaded[where];
            reply.delay = qMax(0.0, elapsed - transaction.startedAt);
            transaction.followUps.append(reply);
            return int(transaction.followUps.size() - 1);
        };
        if (stream || request) {
            const qsizetype where = lastTransaction.value(connection, -1);
            const int index = place(where,
                                    {stream ? RpcMessage::Stream : RpcMessage::Request, serviceId,
                                     body, 0, fds, -1});
            if (request)
                serverRequests.insert(serverKey, {where, index});
        } else if (requesterUpdate && serverRequests.contains(serverKey)) {
            const auto [where, parent] = serverRequests.value(serverKey);
            place(where, {RpcMessage::RequesterUpdate, serviceId, body, 0, fds, parent});
        }
    }
    transactions = std::move(loaded);
    greetings = std::move(loadedGreetings);
    errorString.clear();
    return true;
}
Transaction *RpcReplayServerPrivate::find(RpcRequest *request, QString *expected)
{
    if (matchMode == RpcReplayServer::MatchByOrder) {
        for (Transaction &transaction : transactions) {
            if (transaction.used)
                continue;
            if (transaction.serviceId == request->serviceId()
                && transaction.body == request->body()) {
                return &transaction;
            }
            *expected = QStringLiteral("expected %1 (line %2)")
                                .arg(describeRequest(transaction.serviceId, transaction.body))
                                .arg(transaction.line);
            return nullptr;
        }
        *expected = QStringLiteral("every recorded request was replayed");
        return nullptr;
    }
    // By service id and body: an unused one first, then any.
    Transaction *reused = nullptr;
    for (Transaction &transaction : transactions) {
        if (transaction.serviceId != request->serviceId() || transaction.body != request->body())
            continue;
        if (!transaction.used)
            return &transaction;
        if (!reused)
            reused = &transaction;
    }
    if (reused)
        return reused;
    QStringList known;
    for (const Transaction &transaction : std::as_const(transactions)) {
        if (transaction.serviceId == request->serviceId())
            known.append(bodyText(transaction.body));
    }
    if (!known.isEmpty()) {
        known.removeDuplicates();
        *expected = QStringLiteral("recorded bodies for service %1: %2")
                            .arg(request->serviceId())
                            .arg(known.join(QStringLiteral(", ")));
    } else {
        QStringList services;
        for (const Transaction &transaction : std::as_const(transactions))
            services.append(QString::number(transaction.serviceId));
        services.removeDuplicates();
        *expected = services.isEmpty()
                ? QStringLiteral("the recording has no requests")
                : QStringLiteral("recorded services: %1").arg(services.join(QStringLiteral(", ")));
    }
    return nullptr;
}

} // namespace Fizyr

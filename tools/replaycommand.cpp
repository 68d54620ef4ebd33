// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc replay FILE ADDRESS
//
// Plays the server side of a JSON Lines recording (proxy/listen --record
// FILE.jsonl): every request recorded from a client is a transaction with
// the responder updates and the response that the server sent for it. An
// incoming request is matched to one (by service id and body, or by order)
// and answered with the recorded messages, spaced as recorded or at once.

#include "commandline.h"
#include "commands.h"
#include "connection.h"
#include "output.h"
#include "serverloop.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QFile>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QPointer>
#include <QtCore/QTimer>

using namespace Fizyr;

namespace Tool {

namespace {

struct RecordedReply
{
    RpcMessage::Type type = RpcMessage::Response;
    qint32 serviceId = 0;
    QByteArray body;
    double delay = 0; // seconds after the request
};

struct Transaction
{
    int line = 0; // of the request in the file, from 1
    qint32 serviceId = 0;
    QByteArray body;
    QList<RecordedReply> replies; // responder updates, then the response
    bool used = false;
};

QString bodyText(const QByteArray &body)
{
    QString text = QString::fromUtf8(body);
    if (text.size() > 60)
        text = text.left(60) + QStringLiteral("...");
    return QLatin1Char('"') + escapeControls(text) + QLatin1Char('"');
}

QString describeRequest(qint32 serviceId, const QByteArray &body)
{
    return QStringLiteral("service %1 with body %2").arg(serviceId).arg(bodyText(body));
}

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

// The transactions of a recording, in the order of their requests.
std::optional<QList<Transaction>> loadRecording(const QString &path, QString *errorText)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *errorText = QStringLiteral("cannot read \"%1\": %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QList<Transaction> transactions;
    QHash<QString, qsizetype> open; // "connection/request id" -> index
    QHash<QString, double> openedAt;
    int number = 0;
    while (!file.atEnd()) {
        const QByteArray text = file.readLine();
        ++number;
        if (text.trimmed().isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(text, &parseError);
        const QJsonObject line = document.object();
        if (!document.isObject()) {
            *errorText = QStringLiteral("%1:%2: not a JSON object: %3")
                                 .arg(path)
                                 .arg(number)
                                 .arg(parseError.errorString());
            return std::nullopt;
        }
        const QString type = line.value(QStringLiteral("type")).toString();
        if (type.isEmpty())
            continue; // connection events
        const bool fromClient = line.value(QStringLiteral("direction")).toString()
                == QLatin1String("client->server");
        const QString key = QStringLiteral("%1/%2")
                                    .arg(line.value(QStringLiteral("connection")).toInt())
                                    .arg(line.value(QStringLiteral("request_id")).toInteger());
        const double elapsed = line.value(QStringLiteral("elapsed")).toDouble();
        QByteArray body;
        if (!bodyOf(line, &body)) {
            *errorText = QStringLiteral("%1:%2: invalid body_base64").arg(path).arg(number);
            return std::nullopt;
        }
        const qint32 serviceId = line.value(QStringLiteral("service_id")).toInt();
        const bool request = type == RpcMessage::typeName(RpcMessage::Request);
        const bool response = type == RpcMessage::typeName(RpcMessage::Response);
        const bool update = type == RpcMessage::typeName(RpcMessage::ResponderUpdate);
        if (request && fromClient) {
            Transaction transaction;
            transaction.line = number;
            transaction.serviceId = serviceId;
            transaction.body = body;
            open.insert(key, transactions.size());
            openedAt.insert(key, elapsed);
            transactions.append(transaction);
        } else if ((response || update) && !fromClient && open.contains(key)) {
            Transaction &transaction = transactions[open.value(key)];
            transaction.replies.append(
                    {response ? RpcMessage::Response : RpcMessage::ResponderUpdate, serviceId, body,
                     qMax(0.0, elapsed - openedAt.value(key))});
            if (response)
                open.remove(key);
        }
    }
    return transactions;
}

struct ReplaySettings
{
    QString command;
    Printer printer;
    bool fast = false;
    bool byOrder = false;
};

class Replayer
{
public:
    Replayer(const ReplaySettings &settings, QList<Transaction> transactions)
        : m_settings(settings), m_transactions(std::move(transactions))
    { }

    void handle(RpcRequest *request, int connection)
    {
        const QString label = QStringLiteral("[%1]").arg(connection);
        m_settings.printer.message(request->requestMessage(), label,
                                   {{QStringLiteral("connection"), connection}});
        QString expected;
        Transaction *match = find(request, &expected);
        if (!match) {
            const QString text
                    = QStringLiteral("replay: no recorded request for %1; %2")
                              .arg(describeRequest(request->serviceId(), request->body()),
                                   expected);
            m_settings.printer.event(label + QLatin1Char(' ') + text,
                                     {{QStringLiteral("type"), QStringLiteral("unmatched")},
                                      {QStringLiteral("connection"), connection},
                                      {QStringLiteral("request_id"), qint64(request->requestId())},
                                      {QStringLiteral("error"), text}});
            request->sendErrorResponse(text);
            return;
        }
        match->used = true;
        m_settings.printer.event(QStringLiteral("%1 request #%2 matches the recording's line %3")
                                         .arg(label)
                                         .arg(request->requestId())
                                         .arg(match->line),
                                 {{QStringLiteral("type"), QStringLiteral("matched")},
                                  {QStringLiteral("connection"), connection},
                                  {QStringLiteral("request_id"), qint64(request->requestId())},
                                  {QStringLiteral("line"), match->line}});
        QPointer<RpcRequest> guard(request);
        for (const RecordedReply &reply : match->replies) {
            auto send = [guard, reply] {
                if (!guard || !guard->isOpen())
                    return;
                if (reply.type == RpcMessage::Response)
                    guard->sendResponse(reply.serviceId, reply.body);
                else
                    guard->sendUpdate(reply.serviceId, reply.body);
            };
            if (m_settings.fast)
                send();
            else
                QTimer::singleShot(int(reply.delay * 1000), request, send);
        }
        if (match->replies.isEmpty() || match->replies.last().type != RpcMessage::Response) {
            // The recording ends before the response: say so rather than
            // leave the requester waiting.
            auto fail = [guard, line = match->line] {
                if (guard && guard->isOpen()) {
                    guard->sendErrorResponse(
                            QStringLiteral("replay: the recording has no response for the "
                                           "request of line %1")
                                    .arg(line));
                }
            };
            if (m_settings.fast || match->replies.isEmpty())
                fail();
            else
                QTimer::singleShot(int(match->replies.last().delay * 1000), request, fail);
        }
    }

private:
    Transaction *find(RpcRequest *request, QString *expected)
    {
        if (m_settings.byOrder) {
            for (Transaction &transaction : m_transactions) {
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
        for (Transaction &transaction : m_transactions) {
            if (transaction.serviceId != request->serviceId()
                || transaction.body != request->body()) {
                continue;
            }
            if (!transaction.used)
                return &transaction;
            if (!reused)
                reused = &transaction;
        }
        if (reused)
            return reused;
        QStringList known;
        for (const Transaction &transaction : std::as_const(m_transactions)) {
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
            for (const Transaction &transaction : std::as_const(m_transactions))
                services.append(QString::number(transaction.serviceId));
            services.removeDuplicates();
            *expected = services.isEmpty() ? QStringLiteral("the recording has no requests")
                                           : QStringLiteral("recorded services: %1")
                                                     .arg(services.join(QStringLiteral(", ")));
        }
        return nullptr;
    }

    const ReplaySettings &m_settings;
    QList<Transaction> m_transactions;
};

} // namespace

int runReplay(const QStringList &args)
{
    CommandLine commandLine(
            QStringLiteral("replay"), QStringLiteral("FILE ADDRESS"),
            QStringLiteral(
                    "Play the server side of a JSON Lines recording (proxy or listen --record "
                    "FILE.jsonl) on ADDRESS. Each incoming request is matched to a recorded one "
                    "with the same service id and body (an unused one first), or with "
                    "--by-order to the next recorded request, and answered with the recorded "
                    "responder updates and response, spaced as recorded (--fast: at once). An "
                    "unmatched request gets the error response \"replay: no recorded request "
                    "for service N with body ...; \" and what was expected. File descriptors "
                    "are not replayed (a recording keeps their number only).\n"
                    "Prints \"listening on ADDRESS\" when ready; runs until SIGINT or SIGTERM, "
                    "then exits with 0."));
    QCommandLineParser &parser = commandLine.parser();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The recording (.jsonl)."));
    parser.addPositionalArgument(QStringLiteral("ADDRESS"),
                                 QStringLiteral("Where clients connect (tcp://HOST:PORT, "
                                                "unix:/PATH or seqpacket:/PATH)."));
    parser.addOption(QCommandLineOption(
            QStringLiteral("fast"),
            QStringLiteral("Send the recorded updates and response at once instead of with "
                           "their recorded spacing.")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("by-order"),
            QStringLiteral("Match requests by their order in the recording instead of by "
                           "service id and body: each must be the next recorded one.")));
    addOutputOptions(parser, false);

    if (std::optional<int> exit = commandLine.parse(args, 2, 2))
        return *exit;
    int exitCode = ExitFailure;
    const std::optional<Printer> printer = printerFromOptions(commandLine, false, &exitCode);
    if (!printer)
        return exitCode;
    QString error;
    std::optional<QList<Transaction>> transactions
            = loadRecording(parser.positionalArguments().at(0), &error);
    if (!transactions)
        return commandLine.failure(error);
    const RpcAddress address = parseAddress(parser.positionalArguments().at(1), &error);
    if (!address.isValid())
        return commandLine.failure(error);
    const ReplaySettings settings{commandLine.command(), *printer,
                                  parser.isSet(QStringLiteral("fast")),
                                  parser.isSet(QStringLiteral("by-order"))};
    Replayer replayer(settings, std::move(*transactions));

    int connections = 0;
    return runServerLoop(commandLine, settings.printer, address,
                         {{QStringLiteral("file"), parser.positionalArguments().at(0)}},
                         [&](RpcServer &server) {
                             while (RpcPeer *peer = server.nextPendingConnection()) {
                                 const int connection = ++connections;
                                 peer->setAutoDeleteRequests(true);
                                 QObject::connect(peer, &RpcPeer::disconnected, peer,
                                                  [peer] { peer->deleteLater(); });
                                 QObject::connect(peer, &RpcPeer::requestReceived, peer,
                                                  [&replayer, connection](RpcRequest *request) {
                                                      replayer.handle(request, connection);
                                                  });
                             }
                         });
}

} // namespace Tool

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "stats.h"

#include <QtCore/QJsonArray>
#include <QtCore/QTimer>

#include <algorithm>
#include <cmath>

using namespace Fizyr;

namespace Tool {

namespace {

constexpr size_t MaxSamples = 10000; // latencies kept per service

QString openKey(int connection, RecordDirection requester, quint32 requestId)
{
    return QStringLiteral("%1/%2/%3")
            .arg(connection)
            .arg(requester == RecordDirection::ToServer ? 0 : 1)
            .arg(requestId);
}

RecordDirection opposite(RecordDirection direction)
{
    return direction == RecordDirection::ToServer ? RecordDirection::ToClient
                                                  : RecordDirection::ToServer;
}

} // namespace

void Stats::addOptions(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(
            QStringLiteral("stats"),
            QStringLiteral("Count per service: requests, error responses, open requests, "
                           "p50/p99 latency, bytes each way (streams per stream id); printed "
                           "every --stats-interval seconds and at exit.")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("stats-interval"),
            QStringLiteral("With --stats: print every SECONDS (0: at exit only)."),
            QStringLiteral("SECONDS"), QStringLiteral("10")));
}

std::unique_ptr<Stats> Stats::fromOptions(CommandLine &commandLine, const Printer &printer,
                                          bool *ok, int *exitCode)
{
    *ok = true;
    QCommandLineParser &parser = commandLine.parser();
    if (!parser.isSet(QStringLiteral("stats"))) {
        if (parser.isSet(QStringLiteral("stats-interval"))) {
            *ok = false;
            *exitCode = commandLine.usageError(QStringLiteral("--stats-interval needs --stats"));
        }
        return nullptr;
    }
    bool numberOk = false;
    const double interval = parser.value(QStringLiteral("stats-interval")).toDouble(&numberOk);
    if (!numberOk || !std::isfinite(interval) || interval < 0 || interval > 86400) {
        *ok = false;
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --stats-interval \"%1\": expected seconds")
                        .arg(parser.value(QStringLiteral("stats-interval"))));
        return nullptr;
    }
    auto stats = std::make_unique<Stats>(printer);
    if (interval > 0) {
        auto *timer = new QTimer(&stats->m_timerContext);
        timer->setInterval(qMax(1, int(interval * 1000)));
        Stats *raw = stats.get();
        QObject::connect(timer, &QTimer::timeout, &stats->m_timerContext, [raw] { raw->print(); });
        timer->start();
    }
    return stats;
}

Stats::Stats(const Printer &printer) : m_printer(printer)
{
    m_clock.start();
}

Stats::~Stats() = default;

Stats::Entry &Stats::entry(bool stream, qint32 id)
{
    return m_entries[{stream, id}];
}

void Stats::message(int connection, RecordDirection direction, const RpcMessage &message,
                    qint32 requestServiceId)
{
    const quint64 size = quint64(12 + message.body().size());
    auto count = [direction, size](Entry &e) {
        (direction == RecordDirection::ToServer ? e.bytesToServer : e.bytesToClient) += size;
    };
    switch (message.type()) {
    case RpcMessage::Stream: {
        Entry &e = entry(true, message.serviceId());
        ++e.requests;
        count(e);
        return;
    }
    case RpcMessage::Request: {
        Entry &e = entry(false, message.serviceId());
        ++e.requests;
        ++e.open;
        count(e);
        m_open.insert(openKey(connection, direction, message.requestId()),
                      {message.serviceId(), m_clock.nsecsElapsed()});
        return;
    }
    case RpcMessage::RequesterUpdate:
    case RpcMessage::ResponderUpdate: {
        count(entry(false, requestServiceId));
        return;
    }
    case RpcMessage::Response: {
        const QString key = openKey(connection, opposite(direction), message.requestId());
        const auto it = m_open.constFind(key);
        Entry &e = entry(false, it != m_open.cend() ? it->serviceId : requestServiceId);
        count(e);
        if (message.serviceId() < 0)
            ++e.errors;
        if (it != m_open.cend()) {
            if (e.open > 0)
                --e.open;
            const qint64 latency = m_clock.nsecsElapsed() - it->started;
            if (e.latencies.size() < MaxSamples) {
                e.latencies.push_back(latency);
            } else {
                e.latencies[e.next] = latency;
                e.next = (e.next + 1) % MaxSamples;
            }
            m_open.erase(it);
        }
        return;
    }
    }
}

void Stats::connectionClosed(int connection)
{
    const QString prefix = QString::number(connection) + QLatin1Char('/');
    for (auto it = m_open.begin(); it != m_open.end();) {
        if (it.key().startsWith(prefix)) {
            Entry &e = entry(false, it->serviceId);
            if (e.open > 0)
                --e.open;
            ++e.errors; // no response will come
            it = m_open.erase(it);
        } else {
            ++it;
        }
    }
}

QString Stats::percentile(const Entry &entry, double fraction)
{
    if (entry.latencies.empty())
        return QStringLiteral("-");
    std::vector<qint64> sorted = entry.latencies;
    std::sort(sorted.begin(), sorted.end());
    // nearest rank
    size_t rank = size_t(std::ceil(fraction * double(sorted.size())));
    rank = std::clamp<size_t>(rank, 1, sorted.size());
    return QString::number(double(sorted[rank - 1]) / 1e6, 'f', 3);
}

QJsonObject Stats::toJson() const
{
    QJsonArray services;
    QJsonArray streams;
    for (const auto &[key, e] : m_entries) {
        QJsonObject object{{key.first ? QStringLiteral("stream_id") : QStringLiteral("service_id"),
                            key.second},
                           {QStringLiteral("bytes_to_server"), qint64(e.bytesToServer)},
                           {QStringLiteral("bytes_to_client"), qint64(e.bytesToClient)}};
        if (key.first) {
            object.insert(QStringLiteral("messages"), qint64(e.requests));
            streams.append(object);
            continue;
        }
        object.insert(QStringLiteral("requests"), qint64(e.requests));
        object.insert(QStringLiteral("errors"), qint64(e.errors));
        object.insert(QStringLiteral("open"), qint64(e.open));
        const QString p50 = percentile(e, 0.5);
        const QString p99 = percentile(e, 0.99);
        object.insert(QStringLiteral("p50_ms"),
                      p50 == QLatin1String("-") ? QJsonValue() : QJsonValue(p50.toDouble()));
        object.insert(QStringLiteral("p99_ms"),
                      p99 == QLatin1String("-") ? QJsonValue() : QJsonValue(p99.toDouble()));
        services.append(object);
    }
    return {{QStringLiteral("type"), QStringLiteral("stats")},
            {QStringLiteral("services"), services},
            {QStringLiteral("streams"), streams}};
}

void Stats::print() const
{
    if (m_printer.format() == Format::Json) {
        m_printer.event({}, toJson());
        return;
    }
    if (m_entries.empty()) {
        m_printer.event(QStringLiteral("stats: no messages yet"), {});
        return;
    }
    for (const auto &[key, e] : m_entries) {
        QString line;
        if (key.first) {
            line = QStringLiteral("stats: stream %1: %2 messages, %3 B to server, %4 B to client")
                           .arg(key.second)
                           .arg(e.requests)
                           .arg(e.bytesToServer)
                           .arg(e.bytesToClient);
        } else {
            line = QStringLiteral("stats: service %1: %2 requests, %3 errors, %4 open, "
                                  "p50 %5 ms, p99 %6 ms, %7 B to server, %8 B to client")
                           .arg(key.second)
                           .arg(e.requests)
                           .arg(e.errors)
                           .arg(e.open)
                           .arg(percentile(e, 0.5), percentile(e, 0.99))
                           .arg(e.bytesToServer)
                           .arg(e.bytesToClient);
        }
        m_printer.event(line, {});
    }
}

} // namespace Tool

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// --stats on proxy and listen: per service, requests, error responses, open
// requests, p50/p99 latency (request to response as the tool sees them) and
// the bytes each way (header and body of every message, without framing);
// streams per stream id. Printed every --stats-interval seconds and at exit.

#ifndef FIZYRRPC_STATS_H
#define FIZYRRPC_STATS_H

#include "commandline.h"
#include "output.h"
#include "recorder.h"

#include <FizyrRpcQt/RpcMessage>

#include <QtCore/QCommandLineParser>
#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QObject>

#include <map>
#include <memory>
#include <vector>

namespace Tool {

class Stats
{
public:
    // Adds --stats and --stats-interval.
    static void addOptions(QCommandLineParser &parser);
    // Reads them back; no object without --stats, *ok false after a usage
    // error (printed, exitCode set). With an interval, prints on a timer
    // (owned by the returned object) from the event loop.
    static std::unique_ptr<Stats> fromOptions(CommandLine &commandLine, const Printer &printer,
                                              bool *ok, int *exitCode);

    explicit Stats(const Printer &printer);
    ~Stats();

    // Every message the tool saw on a connection (directions as recorded:
    // see recorder.h), and the end of a connection (its open requests count
    // as errors: they will get no response).
    void message(int connection, RecordDirection direction, const Fizyr::RpcMessage &message,
                 qint32 requestServiceId = 0);
    void connectionClosed(int connection);

    // Prints one line per service (human) or one {"type": "stats", ...}
    // object (--json).
    void print() const;
    QJsonObject toJson() const;

private:
    struct Entry
    {
        quint64 requests = 0;
        quint64 errors = 0;
        quint64 open = 0;
        quint64 bytesToServer = 0;
        quint64 bytesToClient = 0;
        std::vector<qint64> latencies; // nanoseconds, the last MaxSamples
        size_t next = 0; // ring position once full
    };
    struct Open
    {
        qint32 serviceId;
        qint64 started;
    };
    Entry &entry(bool stream, qint32 id);
    static QString percentile(const Entry &entry, double fraction);

    const Printer &m_printer;
    QElapsedTimer m_clock;
    std::map<std::pair<bool, qint32>, Entry> m_entries; // (stream?, id)
    QHash<QString, Open> m_open; // "connection/requester/request id"
    QObject m_timerContext;
};

} // namespace Tool

#endif // FIZYRRPC_STATS_H

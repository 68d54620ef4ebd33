// fizyr-rpc-bench: the targets of issue 18, evaluated on the rows of a run
// and printed after them, and the JSON output (--json) of the rows and targets.
#include "scenarios.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace Bench {

// ---------------------------------------------------------------- targets

namespace {

// The informative lines of the floor scenarios (limit "informative"): where
// the event loop's floor stands against raw, and ours against the floor.
void appendFloorTargets(const QList<Row> &rows, const QString &t, QList<Target> &targets)
{
    const auto find = [&](const QString &scenario, const QString &figure) -> const Row * {
        for (const Row &r : rows)
            if (r.scenario == scenario && r.transport == t && r.figure == figure)
                return &r;
        return nullptr;
    };
    const QString info = QStringLiteral("informative");
    const auto ratio = [&](const QString &name, const QString &scenario, const QString &figure) {
        const Row *r = find(scenario, figure);
        if (r && r->baseline > 0 && r->value >= 0)
            targets.append({name, t, r->value / r->baseline, info, true});
    };
    const QString rtt = QStringLiteral("floor-rtt-2p");
    const QString pipe = QStringLiteral("floor-pipelined-2p");
    const QString stream = QStringLiteral("floor-stream");
    ratio(QStringLiteral("rtt p50, event-loop floor / raw two processes"), rtt,
          QStringLiteral("p50"));
    ratio(QStringLiteral("rtt p50, ours / event-loop floor"), rtt, QStringLiteral("p50-ours"));
    ratio(QStringLiteral("CPU per round trip, event-loop floor / raw"), rtt, QStringLiteral("cpu"));
    ratio(QStringLiteral("CPU per round trip, ours / event-loop floor"), rtt,
          QStringLiteral("cpu-ours"));
    ratio(QStringLiteral("pipelined, event-loop floor / raw two processes"), pipe,
          QStringLiteral("rate"));
    ratio(QStringLiteral("pipelined, ours / event-loop floor"), pipe, QStringLiteral("rate-ours"));
    ratio(QStringLiteral("stream, event-loop floor / batched raw writer"), stream,
          QStringLiteral("rate"));
    ratio(QStringLiteral("stream, ours / event-loop floor"), stream, QStringLiteral("rate-ours"));
    // Idle: the floor's own flatness, and ours against the floor at the largest level of both.
    int smallest = -1;
    int largest = -1;
    for (const Row &r : rows) {
        if (r.scenario != QLatin1String("floor-idle") || r.transport != t
            || !r.figure.startsWith(QLatin1String("rate@")))
            continue;
        const int peers = r.figure.mid(5).toInt();
        smallest = smallest < 0 ? peers : std::min(smallest, peers);
        largest = std::max(largest, peers);
    }
    if (largest < 0)
        return;
    const QString at = QStringLiteral("rate@%1").arg(largest);
    const Row *lo = find(QStringLiteral("floor-idle"), QStringLiteral("rate@%1").arg(smallest));
    const Row *hi = find(QStringLiteral("floor-idle"), at);
    if (smallest != largest && lo->value > 0)
        targets.append({QStringLiteral("event-loop floor: throughput at %1 / at %2 idle peers")
                                .arg(largest)
                                .arg(smallest),
                        t, hi->value / lo->value, info, true});
    const Row *ours = find(QStringLiteral("idle"), at);
    if (ours && hi->value > 0)
        targets.append({QStringLiteral("throughput at %1 idle peers, ours / event-loop floor")
                                .arg(largest),
                        t, ours->value / hi->value, info, true});
}

} // namespace

QList<Target> evaluateTargets(const QList<Row> &rows)
{
    const auto find = [&](const QString &scenario, const QString &transport,
                          const QString &figure) -> const Row * {
        for (const Row &r : rows)
            if (r.scenario == scenario && r.transport == transport && r.figure == figure)
                return &r;
        return nullptr;
    };
    QList<Target> targets;
    const auto ratio = [&](const QString &name, const QString &scenario, const QString &figure,
                           const QString &transport, bool atMost, double limit) {
        const Row *r = find(scenario, transport, figure);
        if (!r || r->baseline <= 0 || r->value < 0)
            return;
        const double v = r->value / r->baseline;
        targets.append({name, transport, v,
                        QStringLiteral("%1 %2").arg(atMost ? u"<=" : u">=").arg(limit),
                        atMost ? v <= limit : v >= limit});
    };
    for (const QString &t :
         {QStringLiteral("tcp"), QStringLiteral("unix"), QStringLiteral("seqpacket")}) {
        ratio(QStringLiteral("rtt p50, two processes / raw two processes"),
              QStringLiteral("rtt-2p"), QStringLiteral("p50"), t, true, 1.15);
        ratio(QStringLiteral("CPU per round trip, two processes / raw"), QStringLiteral("rtt-2p"),
              QStringLiteral("cpu"), t, true, 1.3);
        ratio(QStringLiteral("pipelined, two processes / raw two processes"),
              QStringLiteral("pipelined-2p"), QStringLiteral("rate"), t, false, 1.0);
        ratio(QStringLiteral("pipelined, in-process / raw in-process"), QStringLiteral("pipelined"),
              QStringLiteral("rate"), t, false, 1.0);
        ratio(QStringLiteral("bulk / raw"), QStringLiteral("bulk"), QStringLiteral("throughput"), t,
              false, t == QLatin1String("seqpacket") ? 0.8 : 0.9);
        ratio(QStringLiteral("stream / batched raw writer"), QStringLiteral("stream"),
              QStringLiteral("rate-batched"), t, false, 0.8);
        // Idle peers: 10,000 on one server, <= 16 KiB each, throughput flat
        // (the largest level's rate >= 0.9 x the smallest level's).
        int smallest = -1;
        int largest = -1;
        for (const Row &r : rows) {
            if (r.scenario != QLatin1String("idle") || r.transport != t
                || !r.figure.startsWith(QLatin1String("memory@")))
                continue;
            const int peers = r.figure.mid(7).toInt();
            smallest = smallest < 0 ? peers : std::min(smallest, peers);
            largest = std::max(largest, peers);
        }
        if (largest > 0) {
            targets.append({QStringLiteral("idle peers on one server"), t, double(largest),
                            QStringLiteral(">= 10000"), largest >= 10000});
            const Row *mem
                    = find(QStringLiteral("idle"), t, QStringLiteral("memory@%1").arg(largest));
            targets.append({QStringLiteral("server KiB per idle peer at %1").arg(largest), t,
                            mem->value, QStringLiteral("<= 16"), mem->value <= 16});
            const Row *lo
                    = find(QStringLiteral("idle"), t, QStringLiteral("rate@%1").arg(smallest));
            const Row *hi = find(QStringLiteral("idle"), t, QStringLiteral("rate@%1").arg(largest));
            if (lo && hi && lo->value > 0 && smallest != largest) {
                const double v = hi->value / lo->value;
                targets.append({QStringLiteral("throughput at %1 / at %2 idle peers")
                                        .arg(largest)
                                        .arg(smallest),
                                t, v, QStringLiteral(">= 0.9"), v >= 0.9});
            }
        }
        appendFloorTargets(rows, t, targets);
    }
    return targets;
}

void printTargets(const QList<Target> &targets)
{
    if (targets.isEmpty())
        return;
    std::printf("\ntargets (issue 18; ratios ours / raw baseline of this run; the informative "
                "lines: the event loop's floor):\n");
    for (const Target &t : targets)
        std::printf("  %-56s %-10s %10.2f  %-11s %s\n", qPrintable(t.name), qPrintable(t.transport),
                    t.value, qPrintable(t.limit),
                    t.limit == QLatin1String("informative") ? ""
                            : t.met                         ? "target met"
                                                            : "target missed");
    std::fflush(stdout);
}

// --json: the rows, the targets and the run's settings as a JSON document in path.
bool writeJson(const QString &path, const QList<Row> &rows, int runs,
               const QString &eventDispatcher)
{
    QJsonArray array;
    for (const Row &r : rows) {
        QJsonObject obj{{QStringLiteral("scenario"), r.scenario},
                        {QStringLiteral("transport"), r.transport},
                        {QStringLiteral("size"), r.size},
                        {QStringLiteral("figure"), r.figure},
                        {QStringLiteral("unit"), r.unit},
                        {QStringLiteral("value"), r.value}};
        obj.insert(QStringLiteral("baseline"),
                   r.baseline >= 0 ? QJsonValue(r.baseline) : QJsonValue());
        obj.insert(QStringLiteral("ratio"),
                   r.baseline > 0 ? QJsonValue(r.value / r.baseline) : QJsonValue());
        array.append(obj);
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        return false;
    }
    QJsonArray targets;
    for (const Target &t : evaluateTargets(rows)) {
        QJsonObject target{{QStringLiteral("target"), t.name},
                           {QStringLiteral("transport"), t.transport},
                           {QStringLiteral("value"), t.value},
                           {QStringLiteral("limit"), t.limit},
                           {QStringLiteral("met"), t.met}};
        if (t.limit == QLatin1String("informative"))
            target.insert(QStringLiteral("informative"), true); // no target: met is true
        targets.append(target);
    }
    const double load = [] {
        double avg[1] = {-1};
        return ::getloadavg(avg, 1) == 1 ? avg[0] : -1.0;
    }();
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("runs"), runs},
                                         {QStringLiteral("results"), array},
                                         {QStringLiteral("targets"), targets},
                                         {QStringLiteral("eventDispatcher"), eventDispatcher},
                                         {QStringLiteral("load"), load}})
                       .toJson());
    return true;
}

} // namespace Bench

// fizyr-rpc-bench: the Bencher, which runs each scenario on each transport
// (the median of --runs runs) and prints the rows; the in-process scenarios
// (rtt, pipelined, stream, bulk, updates, fds), connections and idle. The
// two-process, floor and typed ones are in bencher_twoprocess.cpp.
#include "scenarios.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <sys/resource.h>

using namespace Fizyr;

namespace Bench {
namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

void Bencher::runAll()
{
    for (const QString &scenario : o.scenarios) {
        for (Transport t : o.transports) {
            if (scenario == QLatin1String("fds") && t != Transport::UnixSeqpacket)
                continue;
            // codec does not use a transport: run once.
            if (scenario == QLatin1String("codec") && t != o.transports.constFirst())
                continue;
            if (scenario.startsWith(QLatin1String("tls-")) && t != o.transports.constFirst())
                continue; // tls/tcp: run once
            std::map<QString, std::pair<std::vector<double>, std::vector<double>>> figures;
            QList<Row> shape;
            for (int run = 0; run < o.runs; ++run) {
                const QList<Row> one = runOne(scenario, t, run % 2 == 1);
                for (const Row &r : one) {
                    figures[r.figure].first.push_back(r.value);
                    figures[r.figure].second.push_back(r.baseline);
                }
                shape = one;
            }
            for (Row r : shape) {
                r.value = median(figures[r.figure].first);
                r.baseline = median(figures[r.figure].second);
                rows.append(r);
                print(r);
            }
        }
    }
}

void Bencher::printHeader()
{
    std::printf("%-16s %-10s %9s %-20s %14s %14s %8s\n", "scenario", "transport", "size", "figure",
                "ours", "baseline", "ratio");
    std::fflush(stdout);
}

void Bencher::print(const Row &r)
{
    const QString unit = QStringLiteral("%1 %2");
    std::printf("%-16s %-10s %9lld %-20s %14s %14s %8s\n", qPrintable(r.scenario),
                qPrintable(r.transport), r.size, qPrintable(r.figure),
                qPrintable(unit.arg(r.value, 0, 'f', 1).arg(r.unit)),
                r.baseline >= 0 ? qPrintable(unit.arg(r.baseline, 0, 'f', 1).arg(r.unit)) : "-",
                r.baseline > 0 ? qPrintable(QString::number(r.value / r.baseline, 'f', 2)) : "-");
    std::fflush(stdout);
}

QString Bencher::pathFor(Transport t, const char *who) const
{
    return QStringLiteral("%1/%2-%3.sock").arg(m_dir, QLatin1String(who), transportName(t));
}

QString Bencher::ourAddress(Transport t) const
{
    switch (t) {
    case Transport::Tcp:
        return QStringLiteral("tcp://127.0.0.1:0");
    case Transport::UnixStream:
        return QStringLiteral("unix:") + pathFor(t, "ours");
    case Transport::UnixSeqpacket:
        return QStringLiteral("seqpacket:") + pathFor(t, "ours");
    }
    return {};
}

Bench::Shape Bencher::baseShape(Transport t, int size, int count) const
{
    Bench::Shape s;
    s.transport = t;
    s.unixPath = pathFor(t, "base");
    s.size = size;
    s.count = count;
    s.inFlight = o.inFlight;
    s.updates = o.updates;
    return s;
}

// The CPU row of the last both(): microseconds per unit (request, message, update).
Row Bencher::cpuRow(const QString &scenario, const QString &tn, qint64 size, double units,
                    const QString &figure) const
{
    const QString unit = QStringLiteral("us/%1").arg(
            scenario == QLatin1String("stream") || scenario == QLatin1String("fds")
                    ? QStringLiteral("msg")
                    : scenario == QLatin1String("updates") ? QStringLiteral("upd")
                                                           : QStringLiteral("req"));
    return {scenario,
            tn,
            size,
            figure,
            unit,
            m_cpuOurs >= 0 ? m_cpuOurs * 1e6 / units : -1,
            m_cpuBase >= 0 ? m_cpuBase * 1e6 / units : -1};
}

QList<Row> Bencher::runOne(const QString &scenario, Transport t, bool oursFirst)
{
    if (scenario.startsWith(QLatin1String("tls-")))
        return runTlsScenario(o, m_dir, scenario, oursFirst);
    const QString tn = transportName(t);
    const int divisor = o.quick ? 1000 : 1;
    if (scenario == QLatin1String("connections")) {
        const int perPeer = o.quick ? 10 : 100;
        const ConnectionsResult r = oursConnections(ourAddress(t), o.connections, perPeer);
        const double rate = double(o.connections) * perPeer / r.seconds;
        return {{scenario, tn, 64, QStringLiteral("throughput"), QStringLiteral("req/s"), rate, -1},
                {scenario, tn, 64, QStringLiteral("memory"), QStringLiteral("KiB/peer"),
                 r.kibPerPeer, -1}};
    }
    if (scenario == QLatin1String("rtt-2p") || scenario == QLatin1String("pipelined-2p"))
        return runTwoProcess(scenario, t, oursFirst);
    if (scenario.startsWith(QLatin1String("floor-")))
        return runFloor(scenario, t, oursFirst);
    if (scenario == QLatin1String("idle")) {
        QList<int> levels = o.idlePeers;
        if (o.quick)
            levels = {std::min(100, levels.value(0, 100))};
        // Both processes hold one descriptor per idle peer, and a few more.
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        QList<int> possible;
        for (int peers : levels) {
            if (rlim_t(peers) + 256 <= limit.rlim_cur)
                possible.append(peers);
            else
                warn(QStringLiteral("idle: %1 peers skipped: RLIMIT_NOFILE is %2 (the hard "
                                    "limit; each process needs one descriptor per peer)")
                             .arg(peers)
                             .arg(qulonglong(limit.rlim_cur)));
        }
        const int count = o.quick ? 40 : std::max(100, o.count / 4);
        QList<Row> result;
        for (const IdleLevel &l : oursIdle(ourAddress(t), possible, count)) {
            appendIdleRows(result, scenario, tn, l);
        }
        return result;
    }
    if (scenario == QLatin1String("typed-rtt") || scenario == QLatin1String("typed-pipelined")
        || scenario == QLatin1String("codec")) {
#ifdef FIZYRRPCBENCH_TYPED
        return runTyped(scenario, t, oursFirst);
#else
        fail(QStringLiteral("%1: built without the generator (fizyr-rpc-gen)").arg(scenario));
#endif
    }
    int size = o.size;
    int count = o.count;
    if (scenario == QLatin1String("bulk")) {
        size = t == Transport::UnixSeqpacket ? Bench::seqpacketMaxBody() : 1024 * 1024;
        count = std::max(2, count / 200);
    } else if (scenario == QLatin1String("updates")) {
        count = std::max(2, count / 1000);
    } else if (scenario == QLatin1String("rtt")) {
        count = std::max(10, count / 4);
    }
    if (o.quick)
        count = std::max(2, std::min(count, 20000 / divisor));
    const RpcConfig config = configFor(rpcTransport(t), size);
    ServerThread server(ourAddress(t), config);
    const QString address = server.address();
    const Bench::Shape shape = baseShape(t, size, count);

    if (scenario == QLatin1String("rtt") || scenario == QLatin1String("bulk")) {
        const auto [base, ours] = both(
                oursFirst, [&] { return Bench::baselineRtt(shape); },
                [&] { return oursRtt(address, size, count); });
        if (scenario == QLatin1String("bulk")) {
            const double mb = 2.0 * double(size) * count / 1e6;
            return {{scenario, tn, size, QStringLiteral("throughput"), QStringLiteral("MB/s"),
                     mb / (std::accumulate(ours.begin(), ours.end(), 0.0) / 1e6),
                     mb / (std::accumulate(base.begin(), base.end(), 0.0) / 1e6)},
                    cpuRow(scenario, tn, size, count)};
        }
        const QString us = QStringLiteral("us");
        return {{scenario, tn, size, QStringLiteral("p50"), us, percentile(ours, 0.5),
                 percentile(base, 0.5)},
                {scenario, tn, size, QStringLiteral("p99"), us, percentile(ours, 0.99),
                 percentile(base, 0.99)},
                {scenario, tn, size, QStringLiteral("mean"), us, mean(ours), mean(base)},
                cpuRow(scenario, tn, size, count)};
    }
    if (scenario == QLatin1String("pipelined")) {
        const auto [base, ours] = both(
                oursFirst, [&] { return Bench::baselinePipelined(shape); },
                [&] { return oursPipelined(address, size, count, o.inFlight); });
        return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("req/s"), count / ours,
                 count / base},
                cpuRow(scenario, tn, size, count)};
    }
    if (scenario == QLatin1String("stream") || scenario == QLatin1String("fds")) {
        const bool fds = scenario == QLatin1String("fds");
        const auto [base, ours] = both(
                oursFirst, [&] { return Bench::baselineStream(shape, fds); },
                [&] { return oursStream(address, size, count, fds); });
        QList<Row> result{{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("msg/s"),
                           count / ours, count / base},
                          cpuRow(scenario, tn, size, count)};
        if (!fds) {
            // The batched raw writer as the baseline, in the same run; our side
            // measured again so that the pair alternates like the others.
            const auto [batched, ours2] = both(
                    !oursFirst, [&] { return Bench::baselineStreamBatched(shape); },
                    [&] { return oursStream(address, size, count, false); });
            result.append({scenario, tn, size, QStringLiteral("rate-batched"),
                           QStringLiteral("msg/s"), count / ours2, count / batched});
            result.append(cpuRow(scenario, tn, size, count, QStringLiteral("cpu-batched")));
        }
        return result;
    }
    if (scenario == QLatin1String("updates")) {
        const auto [base, ours] = both(
                oursFirst, [&] { return Bench::baselineUpdates(shape); },
                [&] { return oursUpdates(address, size, count, o.updates); });
        const double total = double(count) * o.updates;
        return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("upd/s"), total / ours,
                 total / base},
                cpuRow(scenario, tn, size, total)};
    }
    fail(QStringLiteral("unknown scenario %1").arg(scenario));
}

} // namespace Bench

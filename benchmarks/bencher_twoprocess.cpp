// fizyr-rpc-bench: the Bencher's scenarios across two processes (rtt-2p,
// pipelined-2p), against the event loop's floor (floor-rtt-2p,
// floor-pipelined-2p, floor-stream, floor-idle) and the typed ones
// (typed-rtt, typed-pipelined, codec).
#include "floor.h"
#include "scenarios.h"

#include <algorithm>
#include <functional>
#include <sys/resource.h>
#include <utility>

using namespace Fizyr;

namespace Bench {

// rtt-2p and pipelined-2p: our client against our server in a child
// process (`--serve`), next to the raw pair as two processes (the echoing
// side forked). CPU: user + sys of both processes during the traffic.
QList<Row> Bencher::runTwoProcess(const QString &scenario, Transport t, bool oursFirst)
{
    const QString tn = transportName(t);
    const bool rtt = scenario == QLatin1String("rtt-2p");
    int count = rtt ? std::max(10, o.count / 4) : o.count;
    if (o.quick)
        count = std::max(2, std::min(count, 20));
    const int size = o.size;
    const Bench::Shape shape = baseShape(t, size, count);
    Bench::Forked base;
    Bench::Forked ours;
    const auto runBase = [&] {
        base = rtt ? Bench::forkedRtt(shape) : Bench::forkedPipelined(shape);
        return 0;
    };
    const auto runOurs = [&] {
        ServeChild server(ourAddress(t));
        const double before = Bench::cpuSeconds() + Bench::cpuSeconds(server.pid());
        if (rtt) {
            ours.rtts = oursRtt(server.address(), size, count);
        } else {
            ours.seconds = oursPipelined(server.address(), size, count, o.inFlight);
        }
        ours.cpuSeconds = Bench::cpuSeconds() + Bench::cpuSeconds(server.pid()) - before;
        return 0;
    };
    both(oursFirst, runBase, runOurs);
    const bool haveBase = o.only != QLatin1String("ours");
    const bool haveOurs = o.only != QLatin1String("baseline");
    const auto cpu = [&](const Bench::Forked &f, bool have) {
        return have ? f.cpuSeconds * 1e6 / count : -1;
    };
    const Row cpuRow{scenario,
                     tn,
                     size,
                     QStringLiteral("cpu"),
                     QStringLiteral("us/req"),
                     cpu(ours, haveOurs),
                     cpu(base, haveBase)};
    if (rtt) {
        const QString us = QStringLiteral("us");
        return {{scenario, tn, size, QStringLiteral("p50"), us, percentile(ours.rtts, 0.5),
                 percentile(base.rtts, 0.5)},
                {scenario, tn, size, QStringLiteral("p99"), us, percentile(ours.rtts, 0.99),
                 percentile(base.rtts, 0.99)},
                {scenario, tn, size, QStringLiteral("mean"), us, mean(ours.rtts), mean(base.rtts)},
                cpuRow};
    }
    const auto rate = [&](const Bench::Forked &f, bool have) {
        return have && f.seconds > 0 ? count / f.seconds : -1;
    };
    return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("req/s"),
             rate(ours, haveOurs), rate(base, haveBase)},
            cpuRow};
}

// floor-rtt-2p, floor-pipelined-2p, floor-stream, floor-idle: the event
// loop's floor (floor.h) next to the raw baseline and ours, all measured in
// this run (order: ours, floor, raw, reversed every other run). Each figure
// gives two rows: `FIGURE` (value: the floor, baseline: raw) and
// `FIGURE-ours` (value: ours, baseline: the floor). floor-idle has the
// floor's rows only; ours are the idle scenario's.
QList<Row> Bencher::runFloor(const QString &scenario, Transport t, bool oursFirst)
{
    const QString tn = transportName(t);
    const QString name = scenario.mid(6); // after "floor-"
    const QString floorListen = t == Transport::Tcp ? QStringLiteral("tcp://127.0.0.1:0")
            : t == Transport::UnixStream            ? QStringLiteral("unix:") + pathFor(t, "floor")
                                         : QStringLiteral("seqpacket:") + pathFor(t, "floor");
    if (name == QLatin1String("idle")) {
        QList<int> levels
                = o.quick ? QList<int>{std::min(100, o.idlePeers.value(0, 100))} : o.idlePeers;
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        levels.removeIf([&](int peers) { return rlim_t(peers) + 256 > limit.rlim_cur; });
        const int count = o.quick ? 40 : std::max(100, o.count / 4);
        QList<Row> result;
        for (const Bench::FloorIdleLevel &l : Bench::floorIdle(floorListen, levels, count)) {
            appendIdleRows(result, scenario, tn, l);
        }
        return result;
    }
    const bool rtt = name == QLatin1String("rtt-2p");
    const bool stream = name == QLatin1String("stream");
    if (!rtt && !stream && name != QLatin1String("pipelined-2p"))
        fail(QStringLiteral("unknown scenario %1").arg(scenario));
    int count = rtt ? std::max(10, o.count / 4) : o.count;
    if (o.quick)
        count = std::max(2, std::min(count, 20));
    // floor-stream: the floor and raw with 10 x the count (at millions of
    // messages a second, N would take a few milliseconds: mostly noise);
    // ours with N, as in the stream scenario (10 N do not fit in our
    // write buffer at once on seqpacket).
    const int oursCount = count;
    if (stream && !o.quick)
        count *= 10;
    const int size = o.size;
    const Bench::Shape shape = baseShape(t, size, count);
    Bench::Forked raw, floorSide, ours; // stream: seconds and cpuSeconds only
    const auto timed = [](Bench::Forked &f, const std::function<double()> &traffic) {
        const double before = Bench::cpuSeconds();
        f.seconds = traffic();
        f.cpuSeconds = Bench::cpuSeconds() - before;
    };
    std::function<void()> doRaw, doFloor, doOurs;
    if (stream) {
        // In-process, as the stream scenario: the receiver in a thread.
        doRaw = [&] {
            timed(raw, [&] { return Bench::baselineStreamBatched(shape); });
        };
        doFloor = [&] {
            Bench::FloorServerThread server(floorListen);
            timed(floorSide, [&] { return Bench::floorStream(server.address(), size, count); });
        };
        doOurs = [&] {
            ServerThread server(ourAddress(t), configFor(rpcTransport(t), size));
            timed(ours, [&] { return oursStream(server.address(), size, oursCount, false); });
        };
    } else {
        doRaw = [&] {
            raw = rtt ? Bench::forkedRtt(shape) : Bench::forkedPipelined(shape);
        };
        doFloor = [&] {
            floorSide = rtt ? Bench::floorForkedRtt(floorListen, size, count)
                            : Bench::floorForkedPipelined(floorListen, size, count, o.inFlight);
        };
        doOurs = [&] {
            ServeChild server(ourAddress(t));
            const double before = Bench::cpuSeconds() + Bench::cpuSeconds(server.pid());
            if (rtt)
                ours.rtts = oursRtt(server.address(), size, count);
            else
                ours.seconds = oursPipelined(server.address(), size, count, o.inFlight);
            ours.cpuSeconds = Bench::cpuSeconds() + Bench::cpuSeconds(server.pid()) - before;
        };
    }
    std::function<void()> *order[] = {&doRaw, &doFloor, &doOurs};
    if (oursFirst)
        std::swap(order[0], order[2]);
    // --only floor: the floor alone (scripts/callgrind-count.py style counts).
    for (const std::function<void()> *side : order)
        if (o.only != QLatin1String("floor") || side == &doFloor)
            (*side)();
    QList<Row> result;
    const auto pair = [&](const QString &figure, const QString &unit, double f, double r,
                          double us) {
        result.append({scenario, tn, size, figure, unit, f, r});
        result.append({scenario, tn, size, figure + QStringLiteral("-ours"), unit, us, f});
    };
    const QString per = stream ? QStringLiteral("us/msg") : QStringLiteral("us/req");
    // A side not measured (--only floor): -1, as the other scenarios' --only.
    const bool onlyFloor = o.only == QLatin1String("floor");
    const auto cpu = [&](const Bench::Forked &f) {
        if (onlyFloor && &f != &floorSide)
            return -1.0;
        return f.cpuSeconds * 1e6 / (&f == &ours ? oursCount : count);
    };
    const auto rate = [&](const Bench::Forked &f, int n) {
        return f.seconds > 0 ? n / f.seconds : -1.0;
    };
    if (rtt) {
        const QString us = QStringLiteral("us");
        pair(QStringLiteral("p50"), us, percentile(floorSide.rtts, 0.5), percentile(raw.rtts, 0.5),
             percentile(ours.rtts, 0.5));
        pair(QStringLiteral("p99"), us, percentile(floorSide.rtts, 0.99),
             percentile(raw.rtts, 0.99), percentile(ours.rtts, 0.99));
        pair(QStringLiteral("mean"), us, mean(floorSide.rtts), mean(raw.rtts), mean(ours.rtts));
    } else {
        pair(QStringLiteral("rate"), stream ? QStringLiteral("msg/s") : QStringLiteral("req/s"),
             rate(floorSide, count), rate(raw, count), rate(ours, oursCount));
    }
    pair(QStringLiteral("cpu"), per, cpu(floorSide), cpu(raw), cpu(ours));
    return result;
}

#ifdef FIZYRRPCBENCH_TYPED
// typed-rtt and typed-pipelined: the generated BenchClient against the
// generated BenchServer ("ours"), next to our untyped client and echo
// server with the same bytes on the wire (in the baseline column). codec:
// the codec against QJsonDocument / QCborValue (in the baseline column).
QList<Row> Bencher::runTyped(const QString &scenario, Transport t, bool oursFirst)
{
    if (scenario == QLatin1String("codec")) {
        const int objects = o.quick ? 10 : 200;
        qsizetype size = 0;
        const QList<CodecFigure> figures
                = codecFigures(objects, o.quick ? 0.0 : 0.5, oursFirst, &size);
        QList<Row> result;
        for (const CodecFigure &f : figures)
            result.append({scenario, QStringLiteral("-"), size, f.figure, QStringLiteral("MB/s"),
                           f.ours, f.base});
        return result;
    }
    const QString tn = transportName(t);
    const QByteArray body = sampleBody();
    int count = o.count;
    if (scenario == QLatin1String("typed-rtt"))
        count = std::max(10, count / 4);
    if (o.quick)
        count = std::max(2, std::min(count, 20));
    const RpcConfig config = configFor(rpcTransport(t), int(body.size()));
    // One server at a time (they would share the socket path).
    auto typedSide = [&](auto measure) {
        ServerThread server(ourAddress(t), config, true);
        return measure(server.address());
    };
    auto untypedSide = [&](auto measure) {
        ServerThread server(ourAddress(t), config, false);
        return measure(server.address());
    };
    const int size = int(body.size());
    if (scenario == QLatin1String("typed-rtt")) {
        const auto [untyped, typed] = both(
                oursFirst,
                [&] {
                    return untypedSide(
                            [&](const QString &address) { return oursRtt(address, body, count); });
                },
                [&] {
                    return typedSide(
                            [&](const QString &address) { return typedRtt(address, count); });
                });
        const QString us = QStringLiteral("us");
        return {{scenario, tn, size, QStringLiteral("p50"), us, percentile(typed, 0.5),
                 percentile(untyped, 0.5)},
                {scenario, tn, size, QStringLiteral("p99"), us, percentile(typed, 0.99),
                 percentile(untyped, 0.99)},
                {scenario, tn, size, QStringLiteral("mean"), us, mean(typed), mean(untyped)}};
    }
    const auto [untyped, typed] = both(
            oursFirst,
            [&] {
                return untypedSide([&](const QString &address) {
                    return oursPipelined(address, body, count, o.inFlight);
                });
            },
            [&] {
                return typedSide([&](const QString &address) {
                    return typedPipelined(address, count, o.inFlight);
                });
            });
    return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("req/s"), count / typed,
             count / untyped}};
}
#endif

} // namespace Bench

// fizyr-rpc-bench: figures for the library next to a same-run baseline of plain
// blocking POSIX sockets with the same framing and topology. See
// doc/performance.md. This file: main() (the command line), --connect against
// an external server and --event-dispatcher; the scenarios are in the other
// files of benchmarks/ (scenarios.h).
#include "floor.h"
#include "scenarios.h"

#if __has_include(<FizyrRpcQt/RpcEpollEventDispatcher>)
#    include <FizyrRpcQt/RpcEpollEventDispatcher>
#    define FIZYRRPCBENCH_EPOLL
#endif

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

using namespace Fizyr;
using namespace Bench;

namespace {

// --connect: the client side of rtt, pipelined and stream against an external server.
QList<Row> runExternal(const QString &address, const Options &o)
{
    const RpcAddress parsed = RpcAddress::fromString(address);
    const QString tn = parsed.transport() == RpcAddress::Tcp ? QStringLiteral("tcp")
            : parsed.transport() == RpcAddress::UnixStream   ? QStringLiteral("unix")
                                                             : QStringLiteral("seqpacket");
    QList<Row> rows;
    const int count = o.quick ? 20 : o.count;
    for (const QString &scenario : o.scenarios) {
        if (scenario == QLatin1String("rtt")) {
            const auto v = oursRtt(address, o.size, std::max(10, count / 4));
            rows.append({scenario, tn, o.size, QStringLiteral("p50"), QStringLiteral("us"),
                         percentile(v, 0.5), -1});
            rows.append({scenario, tn, o.size, QStringLiteral("p99"), QStringLiteral("us"),
                         percentile(v, 0.99), -1});
            rows.append({scenario, tn, o.size, QStringLiteral("mean"), QStringLiteral("us"),
                         mean(v), -1});
        } else if (scenario == QLatin1String("pipelined")) {
            rows.append({scenario, tn, o.size, QStringLiteral("rate"), QStringLiteral("req/s"),
                         count / oursPipelined(address, o.size, count, o.inFlight), -1});
        } else if (scenario == QLatin1String("stream")) {
            // The external server only echoes streams: count the echoes here.
            Client c(address, o.size);
            int received = 0;
            QObject::connect(&c.peer, &RpcPeer::streamReceived, &c.loop, [&](const RpcMessage &) {
                if (++received == count)
                    c.finish();
            });
            const QByteArray body(o.size, 's');
            QElapsedTimer timer;
            timer.start();
            for (int i = 0; i < count; ++i) {
                if (!c.peer.sendStream(1, body))
                    fail(QStringLiteral("sendStream failed: %1").arg(c.peer.errorString()));
            }
            c.run();
            rows.append({scenario, tn, o.size, QStringLiteral("rate"), QStringLiteral("msg/s"),
                         count / (double(timer.nsecsElapsed()) / 1e9), -1});
        } else {
            continue;
        }
        for (qsizetype i = rows.size() - (scenario == QLatin1String("rtt") ? 3 : 1);
             i < rows.size(); ++i)
            Bencher::print(rows[i]);
    }
    return rows;
}

} // namespace

namespace Bench {

// --event-dispatcher glib|unix|epoll: the event dispatcher of this process and
// of its --serve children. Read from argv before the application object
// exists (a dispatcher is installed before it); QCommandLineParser only
// documents it. Empty: Qt's default (GLib unless QT_NO_GLIB is set).
QString g_eventDispatcher;

QStringList eventDispatcherArguments()
{
    if (g_eventDispatcher.isEmpty())
        return {};
    return {QStringLiteral("--event-dispatcher"), g_eventDispatcher};
}

bool installEventDispatcher(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg = argv[i];
        if (arg == "--event-dispatcher" && i + 1 < argc)
            g_eventDispatcher = QString::fromLocal8Bit(argv[i + 1]);
        else if (arg.startsWith("--event-dispatcher="))
            g_eventDispatcher = QString::fromLocal8Bit(arg.mid(19));
    }
    if (g_eventDispatcher.isEmpty())
        return true;
    if (g_eventDispatcher == QLatin1String("glib")) {
        qunsetenv("QT_NO_GLIB");
    } else if (g_eventDispatcher == QLatin1String("unix")) {
        qputenv("QT_NO_GLIB", "1");
    } else if (g_eventDispatcher == QLatin1String("epoll")) {
#ifdef FIZYRRPCBENCH_EPOLL
        QCoreApplication::setEventDispatcher(new Fizyr::RpcEpollEventDispatcher);
#else
        std::fprintf(stderr, "--event-dispatcher epoll: built without FIZYRRPCQT_EPOLL\n");
        return false;
#endif
    } else {
        std::fprintf(stderr, "--event-dispatcher: glib, unix or epoll\n");
        return false;
    }
    return true;
}

} // namespace Bench

int main(int argc, char **argv)
{
    if (!installEventDispatcher(argc, argv))
        return 2;
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fizyr-rpc-bench"));
    raiseFileLimit();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Benchmarks the library against a same-run baseline of blocking POSIX sockets.\n"
            "Scenarios: rtt, pipelined, stream, bulk, updates, fds, connections, rtt-2p,\n"
            "pipelined-2p, idle, floor-rtt-2p, floor-pipelined-2p, floor-stream, floor-idle\n"
            "(the event loop's floor), typed-rtt, typed-pipelined, codec; tls-rtt, tls-pipelined, "
            "tls-bulk, tls-connections (TLS\n"
            "against plain TCP, both through the library, in the same run; not in the default\n"
            "list)."));
    parser.addHelpOption();
    const QCommandLineOption scenarios(
            QStringLiteral("scenarios"), QStringLiteral("Comma-separated scenarios."),
            QStringLiteral("list"),
            QStringLiteral(
                    "rtt,pipelined,stream,bulk,updates,fds,connections,rtt-2p,pipelined-2p,idle,"
                    "floor-rtt-2p,floor-pipelined-2p,floor-stream,floor-idle"
#ifdef FIZYRRPCBENCH_TYPED
                    ",typed-rtt,typed-pipelined,codec"
#endif
                    ));
    const QCommandLineOption transports(
            QStringLiteral("transports"), QStringLiteral("Comma-separated: tcp,unix,seqpacket."),
            QStringLiteral("list"), QStringLiteral("tcp,unix,seqpacket"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QStringLiteral("Body size in bytes (not bulk)."),
                                  QStringLiteral("bytes"), QStringLiteral("64"));
    const QCommandLineOption count(
            QStringLiteral("count"),
            QStringLiteral(
                    "Messages per measurement (rtt: /4, bulk: /200, updates: /1000 requests)."),
            QStringLiteral("n"), QStringLiteral("20000"));
    const QCommandLineOption inFlight(QStringLiteral("in-flight"),
                                      QStringLiteral("Pipelined: requests in flight."),
                                      QStringLiteral("k"), QStringLiteral("32"));
    const QCommandLineOption updates(QStringLiteral("updates"),
                                     QStringLiteral("Updates per request."), QStringLiteral("n"),
                                     QStringLiteral("1000"));
    const QCommandLineOption connections(QStringLiteral("connections"),
                                         QStringLiteral("Peers on one server."),
                                         QStringLiteral("c"), QStringLiteral("1000"));
    const QCommandLineOption runs(QStringLiteral("runs"),
                                  QStringLiteral("Runs per figure; the median is reported."),
                                  QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption quick(QStringLiteral("quick"),
                                   QStringLiteral("Tiny counts: a smoke run."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("Also write the figures as JSON."),
                                  QStringLiteral("file"));
    const QCommandLineOption connectTo(
            QStringLiteral("connect"),
            QStringLiteral("Run rtt/pipelined/stream against an external echo server."),
            QStringLiteral("address"));
    const QCommandLineOption serve(QStringLiteral("serve"),
                                   QStringLiteral("Run only our server side."),
                                   QStringLiteral("address"));
    const QCommandLineOption maxBody(QStringLiteral("max-body"),
                                     QStringLiteral("--serve: largest body accepted."),
                                     QStringLiteral("bytes"), QStringLiteral("1048576"));
    const QCommandLineOption idlePeers(
            QStringLiteral("idle-peers"),
            QStringLiteral("idle: idle peer counts, one level each (--quick: 100 only)."),
            QStringLiteral("list"), QStringLiteral("100,1000,10000"));
    const QCommandLineOption only(
            QStringLiteral("only"),
            QStringLiteral("Measure only one column: ours or baseline (for callgrind); floor: "
                           "only the event loop's floor in the floor scenarios."),
            QStringLiteral("side"));
    parser.addOptions({scenarios, transports, size, count, inFlight, updates, connections, runs,
                       quick, json, connectTo, serve, maxBody, idlePeers, only});
    const QCommandLineOption floorServe(
            QStringLiteral("floor-serve"),
            QStringLiteral("Run only the event loop's floor server (floor.h)."),
            QStringLiteral("address"));
    parser.addOption(floorServe);
    parser.addOption(QCommandLineOption(
            QStringLiteral("event-dispatcher"),
            QStringLiteral(
                    "glib, unix (QT_NO_GLIB=1) or epoll (RpcEpollEventDispatcher): the event "
                    "dispatcher of this process and of its --serve children."),
            QStringLiteral("name")));
    parser.process(app);

    loadTlsDefaultsFromEnvironment();
    if (parser.isSet(floorServe))
        return Bench::floorServeForever(parser.value(floorServe));
    if (parser.isSet(serve))
        return serveForever(parser.value(serve), parser.value(maxBody).toInt());

    Options o;
    o.scenarios = parser.value(scenarios).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &t : parser.value(transports).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (t == QLatin1String("tcp"))
            o.transports.append(Transport::Tcp);
        else if (t == QLatin1String("unix"))
            o.transports.append(Transport::UnixStream);
        else if (t == QLatin1String("seqpacket"))
            o.transports.append(Transport::UnixSeqpacket);
        else {
            std::fprintf(stderr, "unknown transport %s\n", qPrintable(t));
            return 2;
        }
    }
    o.size = parser.value(size).toInt();
    o.count = parser.value(count).toInt();
    o.inFlight = std::max(1, parser.value(inFlight).toInt());
    o.updates = parser.value(updates).toInt();
    o.connections = parser.value(connections).toInt();
    o.runs = std::max(1, parser.value(runs).toInt());
    o.quick = parser.isSet(quick);
    o.only = parser.value(only);
    if (!o.only.isEmpty() && o.only != QLatin1String("ours") && o.only != QLatin1String("baseline")
        && o.only != QLatin1String("floor")) {
        std::fprintf(stderr, "--only: ours, baseline or floor\n");
        return 2;
    }
    if (parser.isSet(idlePeers)) {
        o.idlePeers.clear();
        for (const QString &n : parser.value(idlePeers).split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (n.toInt() > 0)
                o.idlePeers.append(n.toInt());
    }
    if (o.quick) {
        o.updates = std::min(o.updates, 10);
        o.connections = std::min(o.connections, 20);
    }
    if (o.size < 0 || o.count <= 0) {
        std::fprintf(stderr, "invalid --size or --count\n");
        return 2;
    }

    QList<Row> rows;
    try {
        Bencher::printHeader();
        if (parser.isSet(connectTo)) {
            rows = runExternal(parser.value(connectTo), o);
        } else {
            QTemporaryDir dir(QStringLiteral("/tmp/frb-XXXXXX"));
            Bencher bencher(o, dir.path());
            bencher.runAll();
            rows = bencher.rows;
            printTargets(evaluateTargets(rows));
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "fizyr-rpc-bench: %s\n", e.what());
        return 1;
    }

    if (parser.isSet(json)) {
        const QString dispatcher
                = g_eventDispatcher.isEmpty() ? QStringLiteral("default") : g_eventDispatcher;
        if (!writeJson(parser.value(json), rows, o.runs, dispatcher))
            return 1;
    }
    return 0;
}

// fizyr-rpc-bench's driver, declarations shared by its files: the helpers and
// our side of the scenarios (ours.cpp, peers.cpp), the typed scenarios
// (typed.cpp), the TLS scenarios (tls.cpp), the rows and the Bencher that runs
// the scenarios (bencher.cpp, bencher_twoprocess.cpp), the targets of issue 18
// and the JSON output (targets.cpp), main() (main.cpp).
#pragma once

#include "baseline.h"

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcMessage>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>

#include <QCoreApplication>
#include <QEventLoop>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QTimer>

#include <functional>
#include <utility>
#include <vector>

namespace Bench {

constexpr int TimeoutMs = 120000;

// ---------------------------------------------------------------- helpers (ours.cpp)

QString transportName(Transport t);
Fizyr::RpcAddress::Transport rpcTransport(Transport t);
Fizyr::RpcConfig configFor(Fizyr::RpcAddress::Transport transport, int maxBody);
void raiseFileLimit();
// VmRSS of a process in KiB, from /proc/<pid>/status.
qint64 residentKiB(qint64 pid);
// Ends the benchmark with what as the error (exit code 1). Never from a slot.
[[noreturn]] void fail(const QString &what);
// A problem the benchmark survives (an error the connection survived).
void warn(const QString &what);

// --event-dispatcher's arguments, for the --serve children (main.cpp).
QStringList eventDispatcherArguments();

// ---------------------------------------------------------------- server side (ours.cpp)

class ServerSide;

// Runs a ServerSide in its own thread for the lifetime of the object.
class ServerThread
{
public:
    ServerThread(const QString &address, const Fizyr::RpcConfig &config, bool typed = false);
    ~ServerThread() { stop(); }
    QString address() const { return m_address; }

private:
    void stop();

    QThread m_thread;
    ServerSide *m_side = nullptr;
    QString m_address;
};

// --serve: our server side in this process until it is killed.
int serveForever(const QString &address, int maxBody);

// ---------------------------------------------------------------- client side

// Runs the event loop until `done` is set or the peer fails.
class Client
{
public:
    Client(const QString &address, int maxBody)
    {
        const Fizyr::RpcAddress parsed = Fizyr::RpcAddress::fromString(address);
        peer.setConfig(configFor(parsed.transport(), maxBody));
        peer.setAutoDeleteRequests(true);
        peer.connectToServer(address);
        if (!peer.waitForConnected(TimeoutMs))
            fail(QStringLiteral("cannot connect to %1: %2").arg(address, peer.errorString()));
        QObject::connect(&peer, &Fizyr::RpcPeer::errorOccurred, &loop, [this] {
            // The library's contract: in this slot, state() tells whether the
            // connection survived the error.
            if (peer.state() == Fizyr::RpcPeer::ConnectedState)
                warn(peer.errorString());
            else
                fault(peer.errorString());
        });
    }

    // Ends run() with an error. For the slots: they must not throw (an
    // exception must not pass through Qt's event loop); run() throws later.
    void fault(const QString &text)
    {
        if (error.isEmpty())
            error = text;
        loop.quit();
    }

    void run()
    {
        QTimer::singleShot(TimeoutMs, &loop, [this] {
            error = QStringLiteral("timed out");
            loop.quit();
        });
        if (!done)
            loop.exec();
        if (!error.isEmpty())
            fail(error);
    }

    void finish()
    {
        done = true;
        loop.quit();
    }

    // Sends a request; `onResponse` runs with the response on success.
    void request(qint32 service, const QByteArray &body,
                 std::function<void(const Fizyr::RpcMessage &)> onResponse)
    {
        Fizyr::RpcRequest *r = peer.sendRequest(service, body);
        QObject::connect(r, &Fizyr::RpcRequest::finished, &loop, [this, r, onResponse] {
            if (r->error() != Fizyr::RpcError::NoError)
                return fault(r->errorString());
            if (error.isEmpty())
                onResponse(r->response());
        });
    }

    Fizyr::RpcPeer peer;
    QEventLoop loop;
    QString error;
    bool done = false;
};

double percentile(std::vector<double> v, double p);
double mean(const std::vector<double> &v);

std::vector<double> oursRtt(const QString &address, const QByteArray &body, int count);
std::vector<double> oursRtt(const QString &address, int size, int count);
double oursPipelined(const QString &address, const QByteArray &body, int count, int inFlight);
double oursPipelined(const QString &address, int size, int count, int inFlight);
double oursStream(const QString &address, int size, int count, bool withFds);
double oursUpdates(const QString &address, int size, int count, int updates);

// ---------------------------------------------------------------- more peers (peers.cpp)

// Our server side (`--serve ADDRESS`) in a child process, killed when this
// object goes away.
class ServeChild
{
public:
    explicit ServeChild(const QString &address)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QCoreApplication::applicationFilePath(),
                        QStringList{QStringLiteral("--serve"), address}
                                + eventDispatcherArguments());
        if (!m_process.waitForStarted(TimeoutMs) || !m_process.waitForReadyRead(TimeoutMs))
            fail(QStringLiteral("server process did not start"));
        m_address = QString::fromUtf8(m_process.readLine()).trimmed().section(QLatin1Char(' '), 1);
    }
    ~ServeChild()
    {
        // SIGTERM first: a child under valgrind then still writes its
        // callgrind counts (scripts/callgrind-count.py); SIGKILL if it hangs.
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(TimeoutMs);
        }
    }
    QString address() const { return m_address; }
    qint64 pid() const { return m_process.processId(); }

private:
    QProcess m_process;
    QString m_address;
};

struct ConnectionsResult
{
    double seconds = 0;
    double kibPerPeer = 0;
};

ConnectionsResult oursConnections(const QString &address, int peers, int perPeer);

struct IdleLevel
{
    int peers = 0;
    double kibPerPeer = 0; // server VmRSS growth per idle peer
    double rate = 0; // requests/s of the active peers
    double serverCpuUs = 0; // server CPU (user + sys) per request of the active peers
};

QList<IdleLevel> oursIdle(const QString &listenAddress, const QList<int> &levels, int count);

#ifdef FIZYRRPCBENCH_TYPED
// ---------------------------------------------------------------- typed scenarios (typed.cpp)

QByteArray sampleBody();
std::vector<double> typedRtt(const QString &address, int count);
double typedPipelined(const QString &address, int count, int inFlight);

struct CodecFigure
{
    QString figure;
    double ours; // MB/s
    double base; // MB/s
};

QList<CodecFigure> codecFigures(int objects, double seconds, bool oursFirst, qsizetype *size);
#endif // FIZYRRPCBENCH_TYPED

// ---------------------------------------------------------------- reporting

struct Row
{
    QString scenario;
    QString transport;
    qint64 size;
    QString figure;
    QString unit;
    double value;
    double baseline; // < 0: none
};

// The rows of one level of an idle scenario (ours or the floor's).
template<typename Level>
void appendIdleRows(QList<Row> &result, const QString &scenario, const QString &transport,
                    const Level &l)
{
    const QString at = QStringLiteral("@%1").arg(l.peers);
    result.append({scenario, transport, 64, QStringLiteral("memory") + at,
                   QStringLiteral("KiB/peer"), l.kibPerPeer, -1});
    result.append({scenario, transport, 64, QStringLiteral("rate") + at, QStringLiteral("req/s"),
                   l.rate, -1});
    result.append({scenario, transport, 64, QStringLiteral("server-cpu") + at,
                   QStringLiteral("us/req"), l.serverCpuUs, -1});
}

struct Options
{
    QStringList scenarios;
    QList<Transport> transports;
    int size = 64;
    int count = 20000;
    int inFlight = 32;
    int updates = 1000;
    int connections = 1000;
    int runs = 1;
    bool quick = false;
    QString only; // "ours" or "baseline": measure only that column (callgrind-count.py)
    QList<int> idlePeers{100, 1000, 10000};
};

// ---------------------------------------------------------------- TLS (tls.cpp)

// In the --serve child: the parent's certificate, if it runs TLS scenarios.
void loadTlsDefaultsFromEnvironment();
QList<Row> runTlsScenario(const Options &o, const QString &dir, const QString &scenario,
                          bool tlsFirst);

// ---------------------------------------------------------------- Bencher (bencher.cpp, bencher_twoprocess.cpp)

class Bencher
{
public:
    Bencher(const Options &options, const QString &dir) : o(options), m_dir(dir) { }

    QList<Row> rows;

    void runAll();
    static void printHeader();
    static void print(const Row &r);

private:
    QString pathFor(Transport t, const char *who) const;
    QString ourAddress(Transport t) const;
    Bench::Shape baseShape(Transport t, int size, int count) const;

    // Runs both measurements, alternating which goes first from run to run so
    // that a load change on the machine does not always hit the same side.
    // Records the CPU time (user + sys) of this process during each side in
    // m_cpuBase / m_cpuOurs: both sides of the in-process scenarios (the
    // server thread included). --only skips the other side.
    template<typename B, typename O>
    auto both(bool oursFirst, B base, O ours)
    {
        using BR = decltype(base());
        using OR = decltype(ours());
        const auto timed = [](auto f, double &cpu) {
            const double before = Bench::cpuSeconds();
            auto r = f();
            cpu = Bench::cpuSeconds() - before;
            return r;
        };
        m_cpuBase = m_cpuOurs = -1;
        const bool doBase = o.only != QLatin1String("ours");
        const bool doOurs = o.only != QLatin1String("baseline");
        if (oursFirst) {
            OR x = doOurs ? timed(ours, m_cpuOurs) : OR{};
            BR y = doBase ? timed(base, m_cpuBase) : BR{};
            return std::make_pair(std::move(y), std::move(x));
        }
        BR y = doBase ? timed(base, m_cpuBase) : BR{};
        OR x = doOurs ? timed(ours, m_cpuOurs) : OR{};
        return std::make_pair(std::move(y), std::move(x));
    }

    // The CPU row of the last both(): microseconds per unit (request, message, update).
    Row cpuRow(const QString &scenario, const QString &tn, qint64 size, double units,
               const QString &figure = QStringLiteral("cpu")) const;

    double m_cpuBase = -1;
    double m_cpuOurs = -1;

    QList<Row> runOne(const QString &scenario, Transport t, bool oursFirst);
    QList<Row> runTwoProcess(const QString &scenario, Transport t, bool oursFirst);
    QList<Row> runFloor(const QString &scenario, Transport t, bool oursFirst);
#ifdef FIZYRRPCBENCH_TYPED
    QList<Row> runTyped(const QString &scenario, Transport t, bool oursFirst);
#endif

    Options o;
    QString m_dir;
};

// ---------------------------------------------------------------- targets (targets.cpp)

// A target of issue 18, evaluated on the figures of one run. Never asserted in
// a test: the benchmark prints "met" or "missed".
struct Target
{
    QString name; // e.g. "rtt-2p p50 / raw two-process"
    QString transport;
    double value = 0; // the ratio (or absolute figure) compared
    QString limit; // e.g. "<= 1.15"
    bool met = false;
};

QList<Target> evaluateTargets(const QList<Row> &rows);
void printTargets(const QList<Target> &targets);
// --json: the rows and the targets of this run as JSON in path; false (after
// a message) if the file cannot be written.
bool writeJson(const QString &path, const QList<Row> &rows, int runs,
               const QString &eventDispatcher);

} // namespace Bench

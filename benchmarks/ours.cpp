// fizyr-rpc-bench: our side of the scenarios in this process: the helpers,
// our server side (ServerSide, ServerThread, --serve) and the untyped client
// measurements (rtt, pipelined, stream, updates).
#include "scenarios.h"

#include <FizyrRpcQt/RpcServer>

#ifdef FIZYRRPCBENCH_TYPED
#    include "bench.h" // generated from bench.rpc by fizyr_rpc_add_interface()
#endif

#include <QElapsedTimer>
#include <QFile>
#include <QtEndian>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <sys/resource.h>

using namespace Fizyr;

namespace Bench {

QString transportName(Transport t)
{
    switch (t) {
    case Transport::Tcp:
        return QStringLiteral("tcp");
    case Transport::UnixStream:
        return QStringLiteral("unix");
    case Transport::UnixSeqpacket:
        return QStringLiteral("seqpacket");
    }
    return {};
}

RpcAddress::Transport rpcTransport(Transport t)
{
    switch (t) {
    case Transport::Tcp:
        return RpcAddress::Tcp;
    case Transport::UnixStream:
        return RpcAddress::UnixStream;
    case Transport::UnixSeqpacket:
        return RpcAddress::UnixSeqpacket;
    }
    return RpcAddress::Invalid;
}

RpcConfig configFor(RpcAddress::Transport transport, int maxBody)
{
    RpcConfig config = RpcConfig::defaultsFor(transport);
    const quint32 limit = std::max<quint32>(config.maxBodyReadSize(), quint32(maxBody) + 64);
    config.setMaxBodyReadSize(limit);
    config.setMaxBodyWriteSize(limit);
    return config;
}

void raiseFileLimit()
{
    rlimit limit;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// VmRSS of a process in KiB, from /proc/<pid>/status.
qint64 residentKiB(qint64 pid)
{
    QFile file(pid ? QStringLiteral("/proc/%1/status").arg(pid)
                   : QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// Ends the benchmark with what as the error (exit code 1). Never from a
// slot: exceptions must not pass through Qt's event loop; slots record the
// error and quit their loop instead (Client::fault()).
[[noreturn]] void fail(const QString &what)
{
    throw std::runtime_error(what.toStdString());
}

// A problem the benchmark survives (an error the connection survived).
void warn(const QString &what)
{
    std::fprintf(stderr, "fizyr-rpc-bench: warning: %s\n", qPrintable(what));
    std::fflush(stderr);
}

// ---------------------------------------------------------------- server side

// Our server side: service 1 echoes, service 2 answers with N responder updates
// (N = first 4 body bytes, little endian; update body = the rest of the body's
// size), service 3 returns the number of stream messages received since the
// last call (u64 little endian). Lives in its own thread.
class ServerSide : public QObject
{
    Q_OBJECT
public:
    explicit ServerSide(const RpcConfig &config, bool echoStreams = false, bool typed = false)
        : m_config(config), m_echoStreams(echoStreams), m_typed(typed)
    { }

    Q_INVOKABLE QString listen(const QString &address)
    {
        m_server = new RpcServer(this);
        m_server->setConfig(m_config);
#ifdef FIZYRRPCBENCH_TYPED
        if (m_typed) {
            // The generated server of bench.rpc: `echo` decodes the request
            // into a Sample and responds with it (encoded again).
            auto *typed = new BenchServer(m_server, m_server);
            connect(typed, &BenchServer::echoRequested, typed,
                    [](BenchEchoRequest *request) { request->respond(request->body()); });
        } else
#endif
        {
            connect(m_server, &RpcServer::newConnection, this, &ServerSide::takeConnections);
        }
        if (!m_server->listen(address))
            return QString();
        return m_server->serverAddress().toString();
    }

    Q_INVOKABLE void shutdown()
    {
        delete m_server;
        m_server = nullptr;
    }

private:
    void takeConnections()
    {
        while (RpcPeer *peer = m_server->nextPendingConnection()) {
            peer->setParent(this);
            peer->setAutoDeleteRequests(true);
            auto streams = std::make_shared<quint64>(0);
            connect(peer, &RpcPeer::streamReceived, peer,
                    [this, peer, streams](const RpcMessage &message) {
                        ++*streams;
                        if (m_echoStreams)
                            peer->sendStream(message.serviceId(), message.body());
                    });
            connect(peer, &RpcPeer::requestReceived, peer, [streams](RpcRequest *request) {
                switch (request->serviceId()) {
                case 1:
                    request->sendResponse(0, request->body());
                    break;
                case 2: {
                    const QByteArray body = request->body();
                    const quint32 n
                            = body.size() >= 4 ? qFromLittleEndian<quint32>(body.constData()) : 0;
                    const QByteArray update(body.size() - 4, 'u');
                    for (quint32 i = 0; i < n; ++i)
                        request->sendUpdate(1, update);
                    request->sendResponse(0);
                    break;
                }
                case 3: {
                    QByteArray count(8, Qt::Uninitialized);
                    qToLittleEndian<quint64>(*streams, count.data());
                    *streams = 0;
                    request->sendResponse(0, count);
                    break;
                }
                default:
                    request->sendErrorResponse(QStringLiteral("unknown service"));
                }
            });
            connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
        }
    }

    RpcConfig m_config;
    bool m_echoStreams = false;
    bool m_typed = false;
    RpcServer *m_server = nullptr;
};

ServerThread::ServerThread(const QString &address, const RpcConfig &config, bool typed)
{
    m_side = new ServerSide(config, false, typed);
    m_side->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_side, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(m_side, "listen", Qt::BlockingQueuedConnection,
                              Q_RETURN_ARG(QString, m_address), Q_ARG(QString, address));
    if (m_address.isEmpty()) {
        stop();
        fail(QStringLiteral("cannot listen on %1").arg(address));
    }
}

void ServerThread::stop()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(m_side, "shutdown", Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return -1; // a side not measured (--only)
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5));
    return v[i];
}

double mean(const std::vector<double> &v)
{
    if (v.empty())
        return -1;
    return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

std::vector<double> oursRtt(const QString &address, const QByteArray &body, int count)
{
    const int size = int(body.size());
    Client c(address, size);
    std::vector<double> rtts;
    rtts.reserve(size_t(count));
    QElapsedTimer timer;
    std::function<void()> next = [&] {
        timer.start();
        c.request(1, body, [&](const RpcMessage &response) {
            rtts.push_back(double(timer.nsecsElapsed()) / 1000.0);
            if (response.body().size() != size) {
                return c.fault(QStringLiteral("echo size mismatch: sent %1 bytes, got %2 back")
                                       .arg(size)
                                       .arg(response.body().size()));
            }
            if (int(rtts.size()) == count)
                c.finish();
            else
                next();
        });
    };
    next();
    c.run();
    return rtts;
}

std::vector<double> oursRtt(const QString &address, int size, int count)
{
    return oursRtt(address, QByteArray(size, 'r'), count);
}

double oursPipelined(const QString &address, const QByteArray &body, int count, int inFlight)
{
    Client c(address, int(body.size()));
    int sent = 0;
    int received = 0;
    QElapsedTimer timer;
    std::function<void()> send = [&] {
        ++sent;
        c.request(1, body, [&](const RpcMessage &) {
            if (++received == count)
                c.finish();
            else if (sent < count)
                send();
        });
    };
    timer.start();
    while (sent < std::min(inFlight, count))
        send();
    c.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

double oursPipelined(const QString &address, int size, int count, int inFlight)
{
    return oursPipelined(address, QByteArray(size, 'p'), count, inFlight);
}

double oursStream(const QString &address, int size, int count, bool withFds)
{
    Client c(address, size);
    const QByteArray body(size, 's');
    QList<RpcFileDescriptor> fds;
    if (withFds)
        fds.append(RpcFileDescriptor(0));
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        if (!c.peer.sendStream(1, body, fds))
            fail(QStringLiteral("sendStream failed: %1").arg(c.peer.errorString()));
    }
    c.request(3, {}, [&](const RpcMessage &response) {
        if (response.body().size() != 8
            || qFromLittleEndian<quint64>(response.body().constData()) != quint64(count)) {
            return c.fault(QStringLiteral("stream count mismatch"));
        }
        c.finish();
    });
    c.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

double oursUpdates(const QString &address, int size, int count, int updates)
{
    Client c(address, size);
    QByteArray body(4 + size, 'n');
    qToLittleEndian<quint32>(quint32(updates), body.data());
    int done = 0;
    QElapsedTimer timer;
    std::function<void()> next = [&] {
        RpcRequest *r = c.peer.sendRequest(2, body);
        auto received = std::make_shared<int>(0);
        QObject::connect(r, &RpcRequest::updateReceived, &c.loop,
                         [received](const RpcMessage &) { ++*received; });
        QObject::connect(r, &RpcRequest::finished, &c.loop, [&, r, received] {
            if (r->error() != RpcError::NoError || *received != updates) {
                c.fault(QStringLiteral("updates: %1 of %2, %3")
                                .arg(*received)
                                .arg(updates)
                                .arg(r->errorString()));
            } else if (++done == count) {
                c.finish();
            } else {
                next();
            }
        });
    };
    timer.start();
    next();
    c.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

int serveForever(const QString &address, int maxBody)
{
    const RpcAddress parsed = RpcAddress::fromString(address);
    ServerSide side(configFor(parsed.transport(), maxBody), true);
    const QString actual = side.listen(address);
    if (actual.isEmpty()) {
        std::fprintf(stderr, "cannot listen on %s\n", qPrintable(address));
        return 1;
    }
    std::printf("listening %s\n", qPrintable(actual));
    std::fflush(stdout);
    return QCoreApplication::exec();
}

} // namespace Bench

#include "ours.moc"

#include "floor.h"
#include "floorconn.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>
#include <QtEndian>

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Bench {
namespace {

using namespace FloorWire;

constexpr int TimeoutMs = 120000;
// The client side's event loop, with a timeout; errors recorded, thrown after.
struct Loop
{
    QEventLoop loop;
    QString error;
    bool done = false;

    void fault(const QString &text)
    {
        if (error.isEmpty())
            error = text;
        loop.quit();
    }
    void finish()
    {
        done = true;
        loop.quit();
    }
    void watch(Conn &conn)
    {
        conn.onClosed = [this](const QString &e) {
            fault(e.isEmpty() ? QStringLiteral("the server closed the connection") : e);
        };
    }
    void run()
    {
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &loop,
                         [this] { fault(QStringLiteral("timed out")); });
        timeout.start(TimeoutMs);
        if (!done && error.isEmpty())
            loop.exec();
        if (!error.isEmpty())
            fail(error);
    }
};

qint64 residentKiB(long pid)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

// ---------------------------------------------------------------- server

struct FloorServer::Private
{
    Address address;
    int listenFd = -1;
    QSocketNotifier *notifier = nullptr;
    std::vector<std::unique_ptr<Conn>> conns; // index: slot; closed ones reused
    std::vector<std::unique_ptr<Conn>> dead; // closed in their own slot: deleted later

    void accept()
    {
        dead.clear();
        for (;;) {
            const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd < 0)
                return; // EAGAIN (or an aborted connection): wait for the next
            setNoDelay(address, fd);
            auto conn = std::make_unique<Conn>(fd, address.transport == Transport::UnixSeqpacket);
            Conn *c = conn.get();
            auto streams = std::make_shared<quint64>(0);
            c->onMessage = [c, streams](const char *p, size_t len) {
                const quint32 type = typeOf(p);
                if (type == 4) {
                    ++*streams;
                } else if (type == 0 && serviceOf(p) == 1) {
                    c->append(1, idOf(p), 0, p + HeaderSize, len - HeaderSize);
                } else if (type == 0 && serviceOf(p) == 3) {
                    char count[8];
                    qToLittleEndian<quint64>(*streams, count);
                    *streams = 0;
                    c->append(1, idOf(p), 0, count, sizeof(count));
                }
            };
            size_t slot = 0;
            while (slot < conns.size() && conns[slot])
                ++slot;
            if (slot == conns.size())
                conns.emplace_back();
            c->onClosed = [this, slot](const QString &) {
                dead.push_back(std::move(conns[slot]));
            };
            conns[slot] = std::move(conn);
        }
    }
};

FloorServer::FloorServer() : d(std::make_unique<Private>()) { }

FloorServer::~FloorServer()
{
    d->conns.clear();
    d->dead.clear();
    delete d->notifier;
    if (d->listenFd >= 0)
        ::close(d->listenFd);
}

QString FloorServer::listen(const QString &address)
{
    d->address = parseAddress(address);
    Address &a = d->address;
    if (a.transport != Transport::Tcp)
        ::unlink(a.path.toLocal8Bit().constData());
    d->listenFd = ::socket(a.addr.ss_family, socketType(a) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (d->listenFd < 0 || ::bind(d->listenFd, reinterpret_cast<sockaddr *>(&a.addr), a.len) < 0
        || ::listen(d->listenFd, 128) < 0)
        return QString();
    d->notifier = new QSocketNotifier(d->listenFd, QSocketNotifier::Read);
    QObject::connect(d->notifier, &QSocketNotifier::activated, d->notifier,
                     [p = d.get()] { p->accept(); });
    if (a.transport != Transport::Tcp)
        return address;
    if (::getsockname(d->listenFd, reinterpret_cast<sockaddr *>(&a.addr), &a.len) < 0)
        return QString();
    const auto *in = reinterpret_cast<const sockaddr_in *>(&a.addr);
    char host[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    return QStringLiteral("tcp://%1:%2").arg(QLatin1String(host)).arg(ntohs(in->sin_port));
}

int floorServeForever(const QString &address)
{
    FloorServer server;
    const QString actual = server.listen(address);
    if (actual.isEmpty()) {
        std::fprintf(stderr, "cannot listen on %s\n", qPrintable(address));
        return 1;
    }
    std::printf("listening %s\n", qPrintable(actual));
    std::fflush(stdout);
    return QCoreApplication::exec();
}

struct FloorChild::Process
{
    QProcess process;
};

FloorChild::FloorChild(const QString &listenAddress) : m_process(std::make_unique<Process>())
{
    QProcess &p = m_process->process;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    // The same event dispatcher as this process (--event-dispatcher).
    QStringList arguments{QStringLiteral("--floor-serve"), listenAddress};
    const QStringList own = QCoreApplication::arguments();
    const qsizetype option = own.indexOf(QStringLiteral("--event-dispatcher"));
    if (option > 0 && option + 1 < own.size())
        arguments << own.at(option) << own.at(option + 1);
    for (const QString &argument : own) {
        if (argument.startsWith(QLatin1String("--event-dispatcher=")))
            arguments << argument;
    }
    p.start(QCoreApplication::applicationFilePath(), arguments);
    if (!p.waitForStarted(TimeoutMs) || !p.waitForReadyRead(TimeoutMs))
        fail(QStringLiteral("floor server process did not start"));
    m_address = QString::fromUtf8(p.readLine()).trimmed().section(QLatin1Char(' '), 1);
    m_pid = long(p.processId());
    if (m_address.isEmpty())
        fail(QStringLiteral("floor server process cannot listen on %1").arg(listenAddress));
}

FloorChild::~FloorChild()
{
    QProcess &p = m_process->process;
    p.terminate();
    if (!p.waitForFinished(10000)) {
        p.kill();
        p.waitForFinished(TimeoutMs);
    }
}

struct FloorServerThread::Thread
{
    QThread thread;
    QObject *context = new QObject;
    FloorServer *server = nullptr;
};

FloorServerThread::FloorServerThread(const QString &listenAddress)
    : m_thread(std::make_unique<Thread>())
{
    Thread *t = m_thread.get();
    t->context->moveToThread(&t->thread);
    QObject::connect(&t->thread, &QThread::finished, t->context, &QObject::deleteLater);
    t->thread.start();
    QMetaObject::invokeMethod(
            t->context,
            [this, t, listenAddress] {
                t->server = new FloorServer;
                m_address = t->server->listen(listenAddress);
            },
            Qt::BlockingQueuedConnection);
    if (m_address.isEmpty()) {
        stop();
        fail(QStringLiteral("cannot listen on %1").arg(listenAddress));
    }
}

FloorServerThread::~FloorServerThread()
{
    stop();
}

void FloorServerThread::stop()
{
    Thread *t = m_thread.get();
    if (!t->thread.isRunning())
        return;
    QMetaObject::invokeMethod(
            t->context, [t] { delete t->server; }, Qt::BlockingQueuedConnection);
    t->thread.quit();
    t->thread.wait();
}

// ---------------------------------------------------------------- client

std::vector<double> floorRtt(const QString &address, int size, int count)
{
    Loop l;
    auto conn = connectTo(address);
    l.watch(*conn);
    const std::vector<char> body(size_t(size), 'r');
    std::vector<double> rtts;
    rtts.reserve(size_t(count));
    QElapsedTimer timer;
    const auto send = [&] {
        timer.start();
        conn->append(0, quint32(rtts.size()), 1, body.data(), body.size());
        conn->flush();
    };
    conn->onMessage = [&](const char *p, size_t len) {
        rtts.push_back(double(timer.nsecsElapsed()) / 1000.0);
        if (typeOf(p) != 1 || len != HeaderSize + body.size())
            return l.fault(QStringLiteral("rtt: unexpected response"));
        if (int(rtts.size()) == count)
            l.finish();
        else
            send();
    };
    send();
    l.run();
    return rtts;
}

double floorPipelined(const QString &address, int size, int count, int inFlight)
{
    Loop l;
    auto conn = connectTo(address);
    l.watch(*conn);
    const std::vector<char> body(size_t(size), 'p');
    int sent = 0;
    int received = 0;
    conn->onMessage = [&](const char *p, size_t) {
        if (typeOf(p) != 1)
            return l.fault(QStringLiteral("pipelined: unexpected message"));
        if (++received == count)
            l.finish();
        else if (sent < count)
            conn->append(0, quint32(sent++), 1, body.data(),
                         body.size()); // flushed after the batch
    };
    QElapsedTimer timer;
    timer.start();
    while (sent < std::min(inFlight, count))
        conn->append(0, quint32(sent++), 1, body.data(), body.size());
    conn->flush();
    l.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

double floorStream(const QString &address, int size, int count)
{
    Loop l;
    auto conn = connectTo(address);
    l.watch(*conn);
    const std::vector<char> body(size_t(size), 's');
    conn->onMessage = [&](const char *p, size_t len) {
        if (typeOf(p) != 1 || len != HeaderSize + 8
            || qFromLittleEndian<quint64>(p + HeaderSize) != quint64(count))
            return l.fault(QStringLiteral("stream: count mismatch"));
        l.finish();
    };
    // Frames are made as the socket takes them, 64 at a time (one system
    // call each, as the batched raw writer's writev() / sendmmsg()) into one
    // reused buffer.
    int left = count;
    conn->onDrained = [&] {
        while (left > 0) {
            const int batch = std::min(left, FloorWire::Batch);
            for (int i = 0; i < batch; ++i)
                conn->append(4, 0, 1, body.data(), body.size());
            left -= batch;
            if (left == 0)
                conn->append(0, 1, 3, nullptr, 0);
            if (!conn->flush() || conn->pending())
                return; // the write notifier calls again
        }
    };
    QElapsedTimer timer;
    timer.start();
    conn->onDrained();
    l.run();
    return double(timer.nsecsElapsed()) / 1e9;
}

Forked floorForkedRtt(const QString &listenAddress, int size, int count)
{
    FloorChild child(listenAddress);
    Forked result;
    const double before = cpuSeconds() + cpuSeconds(child.pid());
    result.rtts = floorRtt(child.address(), size, count);
    result.cpuSeconds = cpuSeconds() + cpuSeconds(child.pid()) - before;
    return result;
}

Forked floorForkedPipelined(const QString &listenAddress, int size, int count, int inFlight)
{
    FloorChild child(listenAddress);
    Forked result;
    const double before = cpuSeconds() + cpuSeconds(child.pid());
    result.seconds = floorPipelined(child.address(), size, count, inFlight);
    result.cpuSeconds = cpuSeconds() + cpuSeconds(child.pid()) - before;
    return result;
}

QList<FloorIdleLevel> floorIdle(const QString &listenAddress, const QList<int> &levels, int count)
{
    constexpr int Active = 4;
    constexpr int InFlight = 8;
    FloorChild server(listenAddress);
    const Address a = parseAddress(server.address());
    const QString host = a.transport == Transport::Tcp
            ? server.address().mid(6).section(QLatin1Char(':'), 0, -2)
            : a.path;
    const int port = a.transport == Transport::Tcp
            ? server.address().section(QLatin1Char(':'), -1).toInt()
            : 0;
    IdlePeers idle(a.transport, host, port);
    std::vector<std::unique_ptr<Conn>> active;
    for (int i = 0; i < Active; ++i)
        active.push_back(connectTo(server.address()));
    const std::vector<char> body(64, 'i');
    const auto traffic = [&](int requests) {
        Loop l;
        int sent = 0;
        int received = 0;
        for (auto &c : active) {
            l.watch(*c);
            Conn *conn = c.get();
            conn->onMessage = [&, conn](const char *p, size_t) {
                if (typeOf(p) != 1)
                    return l.fault(QStringLiteral("idle: unexpected message"));
                if (++received == requests)
                    l.finish();
                else if (sent < requests)
                    conn->append(0, quint32(sent++), 1, body.data(), body.size());
            };
        }
        for (int k = 0; k < InFlight; ++k)
            for (auto &c : active)
                if (sent < requests)
                    c->append(0, quint32(sent++), 1, body.data(), body.size());
        for (auto &c : active)
            c->flush();
        l.run();
    };
    traffic(Active * InFlight * 4); // warm-up
    const qint64 before = residentKiB(server.pid());
    QList<FloorIdleLevel> result;
    for (int peers : levels) {
        idle.growTo(peers);
        FloorIdleLevel level;
        level.peers = peers;
        level.kibPerPeer = double(residentKiB(server.pid()) - before) / double(peers);
        const double cpuBefore = cpuSeconds(server.pid());
        QElapsedTimer timer;
        timer.start();
        traffic(count);
        level.rate = count / (double(timer.nsecsElapsed()) / 1e9);
        level.serverCpuUs = (cpuSeconds(server.pid()) - cpuBefore) * 1e6 / count;
        result.append(level);
    }
    return result;
}

} // namespace Bench

// fizyr-rpc-bench: our side of the scenarios with many peers: connections
// (C peers against a --serve child) and idle (active peers among idle ones).
#include "scenarios.h"

#include <QElapsedTimer>
#include <QScopeGuard>

#include <algorithm>
#include <memory>

using namespace Fizyr;

namespace Bench {

// C peers against one server in a child process (so its memory is its own),
// each with 10 requests in flight.
ConnectionsResult oursConnections(const QString &address, int peers, int perPeer)
{
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QCoreApplication::applicationFilePath(),
                 QStringList{QStringLiteral("--serve"), address} + eventDispatcherArguments());
    if (!server.waitForStarted(TimeoutMs) || !server.waitForReadyRead(TimeoutMs))
        fail(QStringLiteral("server process did not start"));
    const QString actual
            = QString::fromUtf8(server.readLine()).trimmed().section(QLatin1Char(' '), 1);
    auto cleanup = qScopeGuard([&] {
        server.kill();
        server.waitForFinished(TimeoutMs);
    });
    const qint64 before = residentKiB(server.processId());

    QEventLoop loop;
    QString error;
    std::vector<std::unique_ptr<RpcPeer>> clients;
    int connectedCount = 0;
    int finishedPeers = 0;
    const QByteArray body(64, 'c');
    QElapsedTimer timer;
    auto fault = [&](const QString &text) {
        if (error.isEmpty())
            error = text;
        loop.quit();
    };
    std::function<void(RpcPeer *, std::shared_ptr<int>)> send
            = [&](RpcPeer *peer, std::shared_ptr<int> left) {
                  RpcRequest *r = peer->sendRequest(1, body);
                  QObject::connect(r, &RpcRequest::finished, &loop, [&, r, peer, left] {
                      if (r->error() != RpcError::NoError)
                          return fault(r->errorString());
                      if (--*left >= 10)
                          send(peer, left);
                      else if (*left == 0 && ++finishedPeers == peers)
                          loop.quit();
                  });
              };
    auto start = [&] {
        timer.start();
        for (auto &p : clients) {
            auto left = std::make_shared<int>(perPeer);
            for (int i = 0; i < std::min(10, perPeer); ++i)
                send(p.get(), left);
        }
    };
    for (int i = 0; i < peers; ++i) {
        auto peer = std::make_unique<RpcPeer>();
        peer->setAutoDeleteRequests(true);
        QObject::connect(peer.get(), &RpcPeer::errorOccurred, &loop, [&, p = peer.get()] {
            // state() tells whether the connection survived the error.
            if (p->state() == RpcPeer::ConnectedState)
                warn(QStringLiteral("peer: %1").arg(p->errorString()));
            else
                fault(QStringLiteral("peer: %1").arg(p->errorString()));
        });
        QObject::connect(peer.get(), &RpcPeer::connected, &loop, [&] {
            if (++connectedCount == peers)
                start();
        });
        peer->connectToServer(actual);
        clients.push_back(std::move(peer));
    }
    QTimer::singleShot(TimeoutMs, &loop, [&] { fault(QStringLiteral("timed out")); });
    loop.exec();
    if (!error.isEmpty())
        fail(QStringLiteral("connections: %1 (%2 of %3 connected)")
                     .arg(error)
                     .arg(connectedCount)
                     .arg(peers));
    ConnectionsResult result;
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    // Let the server settle with every peer connected and idle.
    QThread::msleep(200);
    const qint64 after = residentKiB(server.processId());
    result.kibPerPeer = double(after - before) / double(peers);
    return result;
}

// ---------------------------------------------------------------- idle peers

// The idle scenario: our server in a child process (its memory its own), a
// few active RpcPeers of this process, and raw idle peers (one echo request
// each, then silent) added level by level. At each level: the server's VmRSS
// growth per idle peer since before the first, and the active peers'
// pipelined throughput and the server's CPU per request among the idle ones.
QList<IdleLevel> oursIdle(const QString &listenAddress, const QList<int> &levels, int count)
{
    constexpr int Active = 4;
    constexpr int InFlight = 8;
    ServeChild server(listenAddress);
    const RpcAddress address = RpcAddress::fromString(server.address());
    Bench::IdlePeers idle(address.transport() == RpcAddress::Tcp ? Transport::Tcp
                                  : address.transport() == RpcAddress::UnixStream
                                  ? Transport::UnixStream
                                  : Transport::UnixSeqpacket,
                          address.transport() == RpcAddress::Tcp ? address.host() : address.path(),
                          address.port());
    QEventLoop loop;
    QString error;
    auto fault = [&](const QString &text) {
        if (error.isEmpty())
            error = text;
        loop.quit();
    };
    std::vector<std::unique_ptr<RpcPeer>> active;
    for (int i = 0; i < Active; ++i) {
        auto peer = std::make_unique<RpcPeer>();
        peer->setAutoDeleteRequests(true);
        peer->connectToServer(server.address());
        if (!peer->waitForConnected(TimeoutMs))
            fail(QStringLiteral("idle: cannot connect: %1").arg(peer->errorString()));
        QObject::connect(peer.get(), &RpcPeer::errorOccurred, &loop, [&, p = peer.get()] {
            if (p->state() == RpcPeer::ConnectedState)
                warn(QStringLiteral("peer: %1").arg(p->errorString()));
            else
                fault(QStringLiteral("peer: %1").arg(p->errorString()));
        });
        active.push_back(std::move(peer));
    }
    const QByteArray body(64, 'i');
    // count requests spread over the active peers, InFlight in flight on each.
    auto traffic = [&](int requests) {
        int sent = 0;
        int received = 0;
        std::function<void(RpcPeer *)> send = [&](RpcPeer *peer) {
            ++sent;
            RpcRequest *r = peer->sendRequest(1, body);
            QObject::connect(r, &RpcRequest::finished, &loop, [&, r, peer] {
                if (r->error() != RpcError::NoError)
                    return fault(r->errorString());
                if (++received == requests)
                    loop.quit();
                else if (sent < requests)
                    send(peer);
            });
        };
        for (int k = 0; k < InFlight; ++k)
            for (auto &p : active)
                if (sent < requests)
                    send(p.get());
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &loop,
                         [&] { fault(QStringLiteral("timed out")); });
        timeout.start(TimeoutMs);
        if (received < requests)
            loop.exec();
        if (!error.isEmpty())
            fail(QStringLiteral("idle: %1 (%2 idle peers)").arg(error).arg(idle.size()));
    };
    traffic(Active * InFlight * 4); // warm-up: every active peer's buffers exist
    const qint64 before = residentKiB(server.pid());
    QList<IdleLevel> result;
    for (int peers : levels) {
        idle.growTo(peers);
        IdleLevel level;
        level.peers = peers;
        level.kibPerPeer = double(residentKiB(server.pid()) - before) / double(peers);
        const double cpuBefore = Bench::cpuSeconds(server.pid());
        QElapsedTimer timer;
        timer.start();
        traffic(count);
        level.rate = count / (double(timer.nsecsElapsed()) / 1e9);
        level.serverCpuUs = (Bench::cpuSeconds(server.pid()) - cpuBefore) * 1e6 / count;
        result.append(level);
    }
    return result;
}

} // namespace Bench

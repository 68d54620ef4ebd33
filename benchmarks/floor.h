// The event loop's floor: the raw baseline's framing and sockets, served and
// driven through a Qt event loop (QSocketNotifier on non-blocking sockets,
// read()/write() into reused buffers, no RpcPeer, no QObject per message, no
// QTcpSocket/QLocalSocket). What any library on Qt's event loop pays at least;
// see doc/performance.md, "The event loop's floor".
#pragma once

#include "baseline.h"

#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace Bench {

class FloorServer;

// The floor's echoing side: service 1 echoes, service 3 returns the number of
// stream messages received since the last call (u64 little endian), stream
// messages (type 4) are counted. Accepts any number of connections, each with
// one read QSocketNotifier (a write notifier only while output is pending).
// Lives in the thread that makes it.
class FloorServer
{
public:
    FloorServer();
    ~FloorServer();
    FloorServer(const FloorServer &) = delete;
    FloorServer &operator=(const FloorServer &) = delete;

    // Listens on tcp://HOST:PORT, unix:PATH or seqpacket:PATH; returns the
    // actual address (the port chosen), or an empty string.
    QString listen(const QString &address);

    struct Private;

private:
    std::unique_ptr<Private> d;
};

// `--floor-serve ADDRESS`: a FloorServer in this process's event loop; prints
// "listening ADDRESS" and runs until killed.
int floorServeForever(const QString &address);

// The floor's echoing side (`--floor-serve`) in a child process, killed when
// this object goes away.
class FloorChild
{
public:
    explicit FloorChild(const QString &listenAddress);
    ~FloorChild();
    FloorChild(const FloorChild &) = delete;
    FloorChild &operator=(const FloorChild &) = delete;
    QString address() const { return m_address; }
    long pid() const { return m_pid; }

private:
    struct Process;
    std::unique_ptr<Process> m_process;
    QString m_address;
    long m_pid = 0;
};

// A FloorServer in its own thread (with its own event loop), for the
// in-process stream scenario.
class FloorServerThread
{
public:
    explicit FloorServerThread(const QString &listenAddress);
    ~FloorServerThread();
    FloorServerThread(const FloorServerThread &) = delete;
    FloorServerThread &operator=(const FloorServerThread &) = delete;
    QString address() const { return m_address; }

private:
    void stop();
    struct Thread;
    std::unique_ptr<Thread> m_thread;
    QString m_address;
};

// The floor's client side, in this thread's event loop (the caller's thread
// must have one: the main thread of a QCoreApplication).
// Round-trip times in µs of `count` sequential echo requests of `size` bytes.
std::vector<double> floorRtt(const QString &address, int size, int count);
// Seconds for `count` echo requests with `inFlight` outstanding.
double floorPipelined(const QString &address, int size, int count, int inFlight);
// Seconds for `count` stream messages (written in large chunks: write() on
// stream sockets, sendmmsg() on seqpacket) and a final request (service 3)
// that fetches the receiver's count, which must match.
double floorStream(const QString &address, int size, int count);

// rtt-2p / pipelined-2p of the floor: FloorChild serves, this process's
// event loop drives; cpuSeconds of both processes during the traffic.
Forked floorForkedRtt(const QString &listenAddress, int size, int count);
Forked floorForkedPipelined(const QString &listenAddress, int size, int count, int inFlight);

struct FloorIdleLevel
{
    int peers = 0;
    double kibPerPeer = 0; // the floor server's VmRSS growth per idle peer
    double rate = 0; // requests/s of the active connections
    double serverCpuUs = 0; // the floor server's CPU per request
};

// The idle scenario on the floor: the floor server in a child process, raw
// idle peers (IdlePeers), 4 active floor connections with 8 requests in
// flight each, `count` requests per level.
QList<FloorIdleLevel> floorIdle(const QString &listenAddress, const QList<int> &levels, int count);

} // namespace Bench

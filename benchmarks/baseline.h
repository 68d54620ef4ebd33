// Baseline: the same traffic shapes over plain blocking POSIX sockets, one
// thread echoing and one sending, with the Fizyr RPC framing written by hand.
#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace Bench {

enum class Transport { Tcp, UnixStream, UnixSeqpacket };

struct Shape
{
    Transport transport = Transport::Tcp;
    QString unixPath; // for the Unix transports
    int size = 64;
    int count = 1000;
    int inFlight = 32; // pipelined
    int updates = 1000; // updates
    // Stream: the batched raw writer (writev() of many frames on stream
    // sockets, sendmmsg() on seqpacket; the receiver reads in batches too).
    bool batched = false;
};

// CPU time (user + sys) of a process in seconds: of this process for pid 0,
// else of process pid (a child of ours), from its CPU-time clock.
double cpuSeconds(long pid = 0);

// A raw measurement with the server side in a forked child process.
struct Forked
{
    std::vector<double> rtts; // rtt: round-trip times in microseconds
    double seconds = 0; // pipelined: wall time
    double cpuSeconds = 0; // user + sys of both processes during the traffic
};

// rtt and pipelined with the echoing side in a forked child process (same
// framing, blocking sockets): the raw pair as two processes.
Forked forkedRtt(const Shape &shape);
Forked forkedPipelined(const Shape &shape);

// Round-trip times in microseconds of `count` sequential echo requests.
std::vector<double> baselineRtt(const Shape &shape);
// Seconds for `count` requests with `inFlight` of them outstanding.
double baselinePipelined(const Shape &shape);
// Seconds for `count` stream messages counted by the receiver (plus one final
// request that fetches the count).
double baselineStream(const Shape &shape, bool withFds);
// The same with the batched raw writer (and a batched reader on the echoing side).
double baselineStreamBatched(const Shape &shape);
// Seconds for one request carrying `updates` responder updates, repeated `count` times.
double baselineUpdates(const Shape &shape);

// Idle peers of the idle scenario: raw connections to a server (host/port for
// TCP, path for the Unix transports), each of which made one echo request
// (service 1) and got its response, so the server holds a peer for each.
// They stay connected and silent until the object is destroyed.
class IdlePeers
{
public:
    IdlePeers(Transport transport, const QString &hostOrPath, int port);
    ~IdlePeers();
    IdlePeers(const IdlePeers &) = delete;
    IdlePeers &operator=(const IdlePeers &) = delete;

    // Connects more peers until there are n (in batches smaller than a listen backlog).
    void growTo(int n);
    int size() const { return int(m_fds.size()); }

private:
    Transport m_transport;
    QString m_hostOrPath;
    int m_port;
    std::vector<int> m_fds;
};

// Largest message body one seqpacket datagram can carry on this machine.
int seqpacketMaxBody();

} // namespace Bench

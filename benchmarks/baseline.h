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
};

// Round-trip times in microseconds of `count` sequential echo requests.
std::vector<double> baselineRtt(const Shape &shape);
// Seconds for `count` requests with `inFlight` of them outstanding.
double baselinePipelined(const Shape &shape);
// Seconds for `count` stream messages counted by the receiver (plus one final
// request that fetches the count).
double baselineStream(const Shape &shape, bool withFds);
// Seconds for one request carrying `updates` responder updates, repeated `count` times.
double baselineUpdates(const Shape &shape);

// Largest message body one seqpacket datagram can carry on this machine.
int seqpacketMaxBody();

} // namespace Bench

#include "baseline.h"
#include "baselineconn.h"

#include <QtEndian>

#include <arpa/inet.h>
#include <chrono>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <csignal>
#include <ctime>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace Bench {
namespace {

using Clock = std::chrono::steady_clock;

using namespace BaselineWire;

int socketType(Transport t)
{
    return t == Transport::UnixSeqpacket ? SOCK_SEQPACKET : SOCK_STREAM;
}

// Listens, returns the listening fd; `addr`/`addrLen` receive the address to connect to.
int listenOn(const Shape &shape, sockaddr_storage &addr, socklen_t &addrLen)
{
    std::memset(&addr, 0, sizeof(addr));
    if (shape.transport == Transport::Tcp) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        auto *in = reinterpret_cast<sockaddr_in *>(&addr);
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addrLen = sizeof(sockaddr_in);
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&addr), addrLen) < 0
            || ::listen(fd, 16) < 0
            || ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &addrLen) < 0)
            fail("tcp listen");
        return fd;
    }
    const int fd = ::socket(AF_UNIX, socketType(shape.transport) | SOCK_CLOEXEC, 0);
    auto *un = reinterpret_cast<sockaddr_un *>(&addr);
    un->sun_family = AF_UNIX;
    const QByteArray path = shape.unixPath.toLocal8Bit();
    if (size_t(path.size()) >= sizeof(un->sun_path))
        throw std::runtime_error("baseline: socket path too long");
    std::memcpy(un->sun_path, path.constData(), size_t(path.size()));
    ::unlink(path.constData());
    addrLen = sizeof(sockaddr_un);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&addr), addrLen) < 0
        || ::listen(fd, 16) < 0)
        fail("unix listen");
    return fd;
}

void setNoDelay(const Shape &shape, int fd)
{
    if (shape.transport == Transport::Tcp) {
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
}

// The echoing side: answers service 1 with an echo, service 2 with N updates
// and a response, service 3 with the number of stream messages received.
void serve(int fd, bool seq, int maxBody, bool batched = false)
{
    Conn conn(fd, seq, maxBody, batched);
    Message m;
    quint64 streams = 0;
    std::vector<char> update;
    try {
        while (conn.receive(m)) {
            if (m.type == 4) {
                ++streams;
            } else if (m.type == 0 && m.service == 1) {
                conn.send(1, m.id, 0, m.body.data(), m.body.size());
            } else if (m.type == 0 && m.service == 2 && m.body.size() >= 4) {
                const quint32 n = qFromLittleEndian<quint32>(m.body.data());
                update.assign(m.body.size() - 4, 'u');
                for (quint32 i = 0; i < n; ++i)
                    conn.send(3, m.id, 1, update.data(), update.size());
                conn.send(1, m.id, 0, nullptr, 0);
            } else if (m.type == 0 && m.service == 3) {
                char count[8];
                qToLittleEndian<quint64>(streams, count);
                streams = 0;
                conn.send(1, m.id, 0, count, sizeof(count));
            }
        }
    } catch (const std::exception &) {
        // The client went away mid-message; nothing to report.
    }
}

// Runs `client` against a fresh echoing thread and returns its result.
template<typename F>
auto withServer(const Shape &shape, F client)
{
    sockaddr_storage addr;
    socklen_t addrLen;
    const int listenFd = listenOn(shape, addr, addrLen);
    const bool seq = shape.transport == Transport::UnixSeqpacket;
    const int maxBody = std::max(shape.size, 64) + 64;
    std::thread server([&] {
        const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            return;
        setNoDelay(shape, fd);
        serve(fd, seq, maxBody, shape.batched);
    });
    const int fd = ::socket(addr.ss_family, socketType(shape.transport) | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&addr), addrLen) < 0)
        fail("connect");
    setNoDelay(shape, fd);
    auto result = [&] {
        Conn conn(fd, seq, maxBody);
        return client(conn);
    }();
    server.join();
    ::close(listenFd);
    if (!seq && shape.transport != Transport::Tcp)
        ::unlink(shape.unixPath.toLocal8Bit().constData());
    if (seq)
        ::unlink(shape.unixPath.toLocal8Bit().constData());
    return result;
}

// Runs `client` against an echoing side in a forked child process. The
// child only accepts, serves and leaves with _exit(): no Qt, no destructors.
template<typename F>
Forked withForkedServer(const Shape &shape, F client)
{
    sockaddr_storage addr;
    socklen_t addrLen;
    const int listenFd = listenOn(shape, addr, addrLen);
    const bool seq = shape.transport == Transport::UnixSeqpacket;
    const int maxBody = std::max(shape.size, 64) + 64;
    std::fflush(nullptr);
    const pid_t child = ::fork();
    if (child < 0)
        fail("fork");
    if (child == 0) {
        const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            setNoDelay(shape, fd);
            serve(fd, seq, maxBody);
        }
        ::_exit(0);
    }
    Forked result;
    try {
        const int fd = ::socket(addr.ss_family, socketType(shape.transport) | SOCK_CLOEXEC, 0);
        if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr *>(&addr), addrLen) < 0)
            fail("connect");
        setNoDelay(shape, fd);
        Conn conn(fd, seq, maxBody);
        const double before = cpuSeconds() + cpuSeconds(child);
        client(conn, result);
        // The child is still alive (blocked in recv()): read its clock now.
        result.cpuSeconds = cpuSeconds() + cpuSeconds(child) - before;
    } catch (...) {
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        ::close(listenFd);
        throw;
    }
    // The connection is closed: the child reads end of stream and leaves.
    ::waitpid(child, nullptr, 0);
    ::close(listenFd);
    if (shape.transport != Transport::Tcp)
        ::unlink(shape.unixPath.toLocal8Bit().constData());
    return result;
}

void expect(bool ok, const char *what)
{
    if (!ok)
        throw std::runtime_error(std::string("baseline: unexpected ") + what);
}

double seconds(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

std::vector<double> baselineRtt(const Shape &shape)
{
    return withServer(shape, [&](Conn &conn) {
        std::vector<char> body(size_t(shape.size), 'r');
        std::vector<double> rtts;
        rtts.reserve(size_t(shape.count));
        Message m;
        for (int i = 0; i < shape.count; ++i) {
            const auto start = Clock::now();
            conn.send(0, quint32(i), 1, body.data(), body.size());
            expect(conn.receive(m) && m.type == 1 && m.body.size() == body.size(), "response");
            rtts.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        }
        return rtts;
    });
}

double baselinePipelined(const Shape &shape)
{
    return withServer(shape, [&](Conn &conn) {
        std::vector<char> body(size_t(shape.size), 'p');
        Message m;
        const auto start = Clock::now();
        int sent = 0;
        int received = 0;
        while (sent < std::min(shape.inFlight, shape.count))
            conn.send(0, quint32(sent++), 1, body.data(), body.size());
        while (received < shape.count) {
            expect(conn.receive(m) && m.type == 1, "response");
            ++received;
            if (sent < shape.count)
                conn.send(0, quint32(sent++), 1, body.data(), body.size());
        }
        return seconds(start);
    });
}

double baselineStream(const Shape &shape, bool withFds)
{
    return withServer(shape, [&](Conn &conn) {
        std::vector<char> body(size_t(shape.size), 's');
        Message m;
        const int fd = withFds ? ::dup(0) : -1;
        const auto start = Clock::now();
        for (int i = 0; i < shape.count; ++i)
            conn.send(4, 0, 1, body.data(), body.size(), fd);
        conn.send(0, 1, 3, nullptr, 0);
        expect(conn.receive(m) && m.type == 1 && m.body.size() == 8, "count");
        expect(qFromLittleEndian<quint64>(m.body.data()) == quint64(shape.count), "stream count");
        const double s = seconds(start);
        if (fd >= 0)
            ::close(fd);
        return s;
    });
}

double baselineUpdates(const Shape &shape)
{
    return withServer(shape, [&](Conn &conn) {
        std::vector<char> body(size_t(4 + shape.size), 'n');
        qToLittleEndian<quint32>(quint32(shape.updates), body.data());
        Message m;
        const auto start = Clock::now();
        for (int i = 0; i < shape.count; ++i) {
            conn.send(0, quint32(i), 2, body.data(), body.size());
            for (int u = 0; u < shape.updates; ++u)
                expect(conn.receive(m) && m.type == 3, "update");
            expect(conn.receive(m) && m.type == 1, "response");
        }
        return seconds(start);
    });
}

double baselineStreamBatched(const Shape &shape)
{
    Shape batched = shape;
    batched.batched = true;
    return withServer(batched, [&](Conn &conn) {
        std::vector<char> body(size_t(shape.size), 's');
        Message m;
        const auto start = Clock::now();
        conn.sendBatched(4, 1, body.data(), body.size(), shape.count);
        conn.send(0, 1, 3, nullptr, 0);
        // The server's reply comes on its own, unbatched connection object:
        // this side reads it with the plain reader.
        expect(conn.receive(m) && m.type == 1 && m.body.size() == 8, "count");
        expect(qFromLittleEndian<quint64>(m.body.data()) == quint64(shape.count), "stream count");
        return seconds(start);
    });
}

double cpuSeconds(long pid)
{
    clockid_t clock = CLOCK_PROCESS_CPUTIME_ID;
    if (pid != 0 && ::clock_getcpuclockid(pid_t(pid), &clock) != 0)
        return 0;
    timespec ts{};
    if (::clock_gettime(clock, &ts) != 0)
        return 0;
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

Forked forkedRtt(const Shape &shape)
{
    return withForkedServer(shape, [&](Conn &conn, Forked &result) {
        std::vector<char> body(size_t(shape.size), 'r');
        result.rtts.reserve(size_t(shape.count));
        Message m;
        for (int i = 0; i < shape.count; ++i) {
            const auto start = Clock::now();
            conn.send(0, quint32(i), 1, body.data(), body.size());
            expect(conn.receive(m) && m.type == 1 && m.body.size() == body.size(), "response");
            result.rtts.push_back(
                    std::chrono::duration<double, std::micro>(Clock::now() - start).count());
        }
    });
}

Forked forkedPipelined(const Shape &shape)
{
    return withForkedServer(shape, [&](Conn &conn, Forked &result) {
        std::vector<char> body(size_t(shape.size), 'p');
        Message m;
        const auto start = Clock::now();
        int sent = 0;
        int received = 0;
        while (sent < std::min(shape.inFlight, shape.count))
            conn.send(0, quint32(sent++), 1, body.data(), body.size());
        while (received < shape.count) {
            expect(conn.receive(m) && m.type == 1, "response");
            ++received;
            if (sent < shape.count)
                conn.send(0, quint32(sent++), 1, body.data(), body.size());
        }
        result.seconds = seconds(start);
    });
}

IdlePeers::IdlePeers(Transport transport, const QString &hostOrPath, int port)
    : m_transport(transport), m_hostOrPath(hostOrPath), m_port(port)
{ }

IdlePeers::~IdlePeers()
{
    for (int fd : m_fds) {
        if (m_transport == Transport::Tcp) {
            // Reset instead of a TIME_WAIT per port: runs of 10,000 peers
            // follow each other faster than TIME_WAIT ends.
            linger l{1, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        }
        ::close(fd);
    }
}

void IdlePeers::growTo(int n)
{
    const bool seq = m_transport == Transport::UnixSeqpacket;
    sockaddr_storage addr{};
    socklen_t addrLen = 0;
    if (m_transport == Transport::Tcp) {
        auto *in = reinterpret_cast<sockaddr_in *>(&addr);
        in->sin_family = AF_INET;
        in->sin_port = htons(quint16(m_port));
        if (::inet_pton(AF_INET, m_hostOrPath.toLatin1().constData(), &in->sin_addr) != 1)
            throw std::runtime_error("baseline: idle peers: bad host");
        addrLen = sizeof(sockaddr_in);
    } else {
        auto *un = reinterpret_cast<sockaddr_un *>(&addr);
        un->sun_family = AF_UNIX;
        const QByteArray path = m_hostOrPath.toLocal8Bit();
        if (size_t(path.size()) >= sizeof(un->sun_path))
            throw std::runtime_error("baseline: socket path too long");
        std::memcpy(un->sun_path, path.constData(), size_t(path.size()));
        addrLen = sizeof(sockaddr_un);
    }
    constexpr int BatchSize = 32; // below Qt's listen backlog of 50
    const char body[16] = "idle-peer-hello";
    while (size() < n) {
        const size_t first = m_fds.size();
        const int batch = std::min(BatchSize, n - size());
        for (int i = 0; i < batch; ++i) {
            const int fd = ::socket(addr.ss_family, socketType(m_transport) | SOCK_CLOEXEC, 0);
            if (fd < 0)
                fail("idle peers: socket");
            m_fds.push_back(fd);
            if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), addrLen) < 0)
                fail("idle peers: connect");
        }
        // One echo request on each, then every response: the server has
        // accepted each connection and made a peer for it.
        for (size_t i = first; i < m_fds.size(); ++i) {
            Conn conn(::dup(m_fds[i]), seq, 64);
            conn.send(0, quint32(i), 1, body, sizeof(body));
        }
        for (size_t i = first; i < m_fds.size(); ++i) {
            Conn conn(::dup(m_fds[i]), seq, 64);
            Message m;
            expect(conn.receive(m) && m.type == 1 && m.body.size() == sizeof(body),
                   "idle peer response");
        }
    }
}

int seqpacketMaxBody()
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
        fail("socketpair");
    int lo = 0;
    int hi = 16 * 1024 * 1024;
    std::vector<char> buf(static_cast<size_t>(hi));
    while (lo < hi) {
        const int mid = lo + (hi - lo + 1) / 2;
        if (::send(fds[0], buf.data(), size_t(mid), MSG_NOSIGNAL) == mid) {
            lo = mid;
            ::recv(fds[1], buf.data(), buf.size(), 0);
        } else {
            hi = mid - 1;
        }
    }
    ::close(fds[0]);
    ::close(fds[1]);
    // Round down to whole KiB to stay clear of accounting differences.
    return ((lo - HeaderSize) / 1024) * 1024;
}

} // namespace Bench

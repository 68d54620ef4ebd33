// The event loop's floor (floor.h): the connection served by a Qt event loop
// through QSocketNotifier, shared by its server and client sides. Internal to
// fizyr-rpc-bench.
#pragma once

#include "baseline.h"

#include <QSocketNotifier>
#include <QString>
#include <QtEndian>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace Bench::FloorWire {

constexpr size_t HeaderSize = 12;
constexpr size_t StreamArea = 256 * 1024; // one read() on stream sockets
constexpr int Batch = 64; // datagrams per recvmmsg() / sendmmsg()
constexpr size_t Slot = 64 * 1024 + HeaderSize; // largest floor datagram

[[noreturn]] inline void fail(const QString &what)
{
    throw std::runtime_error("floor: " + what.toStdString());
}

inline QString errnoText(const char *what)
{
    return QStringLiteral("%1: %2").arg(QLatin1String(what),
                                        QString::fromLocal8Bit(strerror(errno)));
}

struct Address
{
    Transport transport = Transport::Tcp;
    sockaddr_storage addr{};
    socklen_t len = 0;
    QString path;
};

// tcp://HOST:PORT, unix:PATH, seqpacket:PATH.
inline Address parseAddress(const QString &text)
{
    Address a;
    if (text.startsWith(QLatin1String("tcp://"))) {
        const QString rest = text.mid(6);
        auto *in = reinterpret_cast<sockaddr_in *>(&a.addr);
        in->sin_family = AF_INET;
        in->sin_port = htons(quint16(rest.section(QLatin1Char(':'), -1).toUInt()));
        if (::inet_pton(AF_INET, rest.section(QLatin1Char(':'), 0, -2).toLatin1().constData(),
                        &in->sin_addr)
            != 1)
            fail(QStringLiteral("bad address %1").arg(text));
        a.len = sizeof(sockaddr_in);
        return a;
    }
    const bool seq = text.startsWith(QLatin1String("seqpacket:"));
    if (!seq && !text.startsWith(QLatin1String("unix:")))
        fail(QStringLiteral("bad address %1").arg(text));
    a.transport = seq ? Transport::UnixSeqpacket : Transport::UnixStream;
    a.path = text.section(QLatin1Char(':'), 1);
    auto *un = reinterpret_cast<sockaddr_un *>(&a.addr);
    un->sun_family = AF_UNIX;
    const QByteArray path = a.path.toLocal8Bit();
    if (size_t(path.size()) >= sizeof(un->sun_path))
        fail(QStringLiteral("socket path too long"));
    std::memcpy(un->sun_path, path.constData(), size_t(path.size()));
    a.len = sizeof(sockaddr_un);
    return a;
}

inline int socketType(const Address &a)
{
    return a.transport == Transport::UnixSeqpacket ? SOCK_SEQPACKET : SOCK_STREAM;
}

inline void setNoDelay(const Address &a, int fd)
{
    if (a.transport == Transport::Tcp) {
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
}

// One receive area per thread, shared by its connections (a connection keeps
// only the bytes of an incomplete frame between reads).
// Not zeroed: its pages are touched as reads fill them.
struct Area
{
    size_t size() const { return Size; }
    char *data() { return bytes.get(); }
    static constexpr size_t Size = std::max(StreamArea, size_t(Batch) * Slot);
    std::unique_ptr<char[]> bytes{new char[Size]};
};

inline Area &receiveArea()
{
    thread_local Area area;
    return area;
}

// A non-blocking connection served by the event loop: one read notifier, a
// write notifier only while output waits. `onMessage` gets each message
// (header and body, without the stream length prefix) in place, in the
// receive area; what it appends is written after the read batch.
class Conn
{
public:
    Conn(int fd, bool seq)
        : m_fd(fd), m_seq(seq), m_read(new QSocketNotifier(fd, QSocketNotifier::Read))
    {
        QObject::connect(m_read, &QSocketNotifier::activated, m_read, [this] { readable(); });
    }
    ~Conn()
    {
        m_read->setEnabled(false);
        m_read->deleteLater(); // may be the sender of the running slot
        if (m_write) {
            m_write->setEnabled(false);
            m_write->deleteLater();
        }
        ::close(m_fd);
    }
    Conn(const Conn &) = delete;
    Conn &operator=(const Conn &) = delete;

    std::function<void(const char *, size_t)> onMessage;
    // End of stream or an error (text empty at end of stream); the owner may
    // delete the connection in it (the last thing readable() does).
    std::function<void(const QString &)> onClosed;
    // The write notifier wrote the last pending byte (optional).
    std::function<void()> onDrained;

    bool pending() const { return m_seq ? m_next < m_lens.size() : m_outStart < m_out.size(); }

    void append(quint32 type, quint32 id, qint32 service, const char *body, size_t len)
    {
        const size_t prefix = m_seq ? 0 : 4;
        const size_t at = m_out.size();
        m_out.resize(at + prefix + HeaderSize + len);
        char *p = m_out.data() + at;
        if (!m_seq)
            qToLittleEndian<quint32>(quint32(HeaderSize + len), p);
        qToLittleEndian<quint32>(type, p + prefix);
        qToLittleEndian<quint32>(id, p + prefix + 4);
        qToLittleEndian<qint32>(service, p + prefix + 8);
        if (len)
            std::memcpy(p + prefix + HeaderSize, body, len);
        if (m_seq)
            m_lens.push_back(HeaderSize + len);
    }

    // Writes what is pending, as far as the socket takes it (then waits for
    // the write notifier). False after an error (onClosed has run).
    bool flush()
    {
        while (m_seq ? m_next < m_lens.size() : m_outStart < m_out.size()) {
            ssize_t n;
            if (m_seq) {
                iovec iov[Batch];
                mmsghdr msgs[Batch];
                unsigned k = 0;
                size_t offset = m_outStart;
                for (size_t i = m_next; i < m_lens.size() && k < unsigned(Batch); ++i, ++k) {
                    iov[k] = {m_out.data() + offset, m_lens[i]};
                    msgs[k] = mmsghdr{};
                    msgs[k].msg_hdr.msg_iov = &iov[k];
                    msgs[k].msg_hdr.msg_iovlen = 1;
                    offset += m_lens[i];
                }
                n = ::sendmmsg(m_fd, msgs, k, MSG_NOSIGNAL);
                if (n > 0) {
                    for (ssize_t i = 0; i < n; ++i)
                        m_outStart += m_lens[m_next++];
                }
            } else {
                n = ::send(m_fd, m_out.data() + m_outStart, m_out.size() - m_outStart,
                           MSG_NOSIGNAL);
                if (n > 0)
                    m_outStart += size_t(n);
            }
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    if (!m_write) {
                        m_write = new QSocketNotifier(m_fd, QSocketNotifier::Write);
                        QObject::connect(m_write, &QSocketNotifier::activated, m_write, [this] {
                            if (flush() && !pending() && onDrained)
                                onDrained();
                        });
                    }
                    m_write->setEnabled(true);
                    return true;
                }
                close(errnoText("write"));
                return false;
            }
        }
        m_out.clear();
        m_lens.clear();
        m_outStart = 0;
        m_next = 0;
        if (m_write)
            m_write->setEnabled(false);
        return true;
    }

private:
    void close(const QString &error)
    {
        m_read->setEnabled(false);
        if (m_write)
            m_write->setEnabled(false);
        if (onClosed)
            onClosed(error);
    }

    void readable()
    {
        Area &area = receiveArea();
        if (m_seq) {
            for (;;) {
                iovec iov[Batch];
                mmsghdr msgs[Batch];
                for (int i = 0; i < Batch; ++i) {
                    iov[i] = {area.data() + size_t(i) * Slot, Slot};
                    msgs[i] = mmsghdr{};
                    msgs[i].msg_hdr.msg_iov = &iov[i];
                    msgs[i].msg_hdr.msg_iovlen = 1;
                }
                const int n = ::recvmmsg(m_fd, msgs, Batch, MSG_DONTWAIT, nullptr);
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    if (errno == EAGAIN || errno == EWOULDBLOCK)
                        break;
                    return close(errnoText("recvmmsg"));
                }
                for (int i = 0; i < n; ++i) {
                    const size_t len = msgs[i].msg_len;
                    if (len == 0)
                        return close(QString());
                    if ((msgs[i].msg_hdr.msg_flags & MSG_TRUNC) || len < HeaderSize)
                        return close(QStringLiteral("bad datagram"));
                    onMessage(area.data() + size_t(i) * Slot, len);
                }
                if (n < Batch)
                    break;
            }
        } else {
            for (;;) {
                const size_t have = m_pending.size();
                if (have)
                    std::memcpy(area.data(), m_pending.data(), have);
                m_pending.clear();
                // At most StreamArea a read, as the batched raw reader.
                const size_t room = StreamArea - have;
                const ssize_t n = ::recv(m_fd, area.data() + have, room, 0);
                if (n < 0) {
                    m_pending.assign(area.data(), area.data() + have);
                    if (errno == EINTR)
                        continue;
                    if (errno == EAGAIN || errno == EWOULDBLOCK)
                        break;
                    return close(errnoText("recv"));
                }
                if (n == 0)
                    return close(QString());
                const size_t end = have + size_t(n);
                size_t pos = 0;
                while (end - pos >= 4) {
                    const size_t len = qFromLittleEndian<quint32>(area.data() + pos);
                    if (len < HeaderSize || len > StreamArea - 4)
                        return close(QStringLiteral("bad frame length"));
                    if (end - pos < 4 + len)
                        break;
                    onMessage(area.data() + pos + 4, len);
                    pos += 4 + len;
                }
                m_pending.assign(area.data() + pos, area.data() + end);
                if (size_t(n) < room)
                    break; // drained: the notifier fires again for more
            }
        }
        flush();
    }

    int m_fd;
    bool m_seq;
    QSocketNotifier *m_read;
    QSocketNotifier *m_write = nullptr;
    std::vector<char> m_pending; // stream: an incomplete frame
    std::vector<char> m_out;
    std::vector<size_t> m_lens; // seqpacket: the datagrams in m_out
    size_t m_outStart = 0;
    size_t m_next = 0;
};

inline quint32 typeOf(const char *p)
{
    return qFromLittleEndian<quint32>(p);
}
inline quint32 idOf(const char *p)
{
    return qFromLittleEndian<quint32>(p + 4);
}
inline qint32 serviceOf(const char *p)
{
    return qFromLittleEndian<qint32>(p + 8);
}

inline std::unique_ptr<Conn> connectTo(const QString &address)
{
    const Address a = parseAddress(address);
    const int fd = ::socket(a.addr.ss_family, socketType(a) | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr *>(&a.addr), a.len) < 0)
        fail(errnoText("connect"));
    setNoDelay(a, fd);
    const int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    return std::make_unique<Conn>(fd, a.transport == Transport::UnixSeqpacket);
}

} // namespace Bench::FloorWire

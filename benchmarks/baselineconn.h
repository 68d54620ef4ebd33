// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The baseline (baseline.h): one blocking connection over a plain POSIX
// socket, with the Fizyr RPC framing written by hand, plain or batched.
// Internal to fizyr-rpc-bench.
#pragma once

#include <QtEndian>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <vector>

namespace Bench::BaselineWire {

constexpr int HeaderSize = 12;

[[noreturn]] inline void fail(const char *what)
{
    throw std::runtime_error(std::string("baseline: ") + what + ": " + std::strerror(errno));
}

struct Message
{
    quint32 type = 0;
    quint32 id = 0;
    qint32 service = 0;
    std::vector<char> body;
};

constexpr int Batch = 64; // frames per writev() / sendmmsg() / recvmmsg() of the batched baseline

class Conn
{
public:
    Conn(int fd, bool seqpacket, int maxBody, bool batched = false)
        : m_fd(fd), m_seq(seqpacket), m_batched(batched)
    {
        m_in.resize(size_t(HeaderSize + maxBody));
        if (m_batched) {
            m_buf.resize(m_seq ? static_cast<size_t>(Batch) * m_in.size()
                               : std::max<size_t>(256 * 1024, 2 * (m_in.size() + 4)));
            m_lens.resize(Batch);
        }
    }
    ~Conn() { ::close(m_fd); }

    // Sends count copies of one message (type 4: stream) in batches: writev()
    // of up to Batch frames on stream sockets, sendmmsg() on seqpacket.
    void sendBatched(quint32 type, qint32 service, const char *body, size_t len, int count)
    {
        const size_t prefix = m_seq ? 0 : 4;
        std::vector<char> frame(prefix + HeaderSize + len);
        char *p = frame.data();
        if (!m_seq)
            qToLittleEndian<quint32>(quint32(HeaderSize + len), p);
        qToLittleEndian<quint32>(type, p + prefix);
        qToLittleEndian<quint32>(0, p + prefix + 4);
        qToLittleEndian<qint32>(service, p + prefix + 8);
        if (len)
            std::memcpy(p + prefix + HeaderSize, body, len);
        std::vector<iovec> iov(static_cast<size_t>(Batch), iovec{frame.data(), frame.size()});
        int left = count;
        if (m_seq) {
            std::vector<mmsghdr> msgs(static_cast<size_t>(Batch));
            for (int i = 0; i < Batch; ++i) {
                msgs[size_t(i)] = mmsghdr{};
                msgs[size_t(i)].msg_hdr.msg_iov = &iov[size_t(i)];
                msgs[size_t(i)].msg_hdr.msg_iovlen = 1;
            }
            while (left > 0) {
                const int n = ::sendmmsg(m_fd, msgs.data(), unsigned(std::min(left, Batch)),
                                         MSG_NOSIGNAL);
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    fail("sendmmsg");
                }
                left -= n;
            }
            return;
        }
        while (left > 0) {
            const int frames = std::min(left, Batch);
            size_t total = size_t(frames) * frame.size();
            size_t done = 0;
            while (done < total) {
                // Skip the frames (and the part of one) already written.
                const size_t first = done / frame.size();
                const size_t offset = done % frame.size();
                std::vector<iovec> part(iov.begin() + long(first), iov.begin() + frames);
                part[0].iov_base = frame.data() + offset;
                part[0].iov_len = frame.size() - offset;
                const ssize_t n = ::writev(m_fd, part.data(), int(part.size()));
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    fail("writev");
                }
                done += size_t(n);
            }
            left -= frames;
        }
    }

    void send(quint32 type, quint32 id, qint32 service, const char *body, size_t len, int fd = -1)
    {
        const size_t prefix = m_seq ? 0 : 4;
        m_out.resize(prefix + HeaderSize + len);
        char *p = m_out.data();
        if (!m_seq)
            qToLittleEndian<quint32>(quint32(HeaderSize + len), p);
        qToLittleEndian<quint32>(type, p + prefix);
        qToLittleEndian<quint32>(id, p + prefix + 4);
        qToLittleEndian<qint32>(service, p + prefix + 8);
        if (len)
            std::memcpy(p + prefix + HeaderSize, body, len);
        if (m_seq) {
            iovec iov{m_out.data(), m_out.size()};
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
            if (fd >= 0) {
                msg.msg_control = control;
                msg.msg_controllen = sizeof(control);
                cmsghdr *c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
            }
            if (::sendmsg(m_fd, &msg, MSG_NOSIGNAL) < 0)
                fail("sendmsg");
            return;
        }
        size_t done = 0;
        while (done < m_out.size()) {
            const ssize_t n = ::send(m_fd, m_out.data() + done, m_out.size() - done, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                fail("send");
            }
            done += size_t(n);
        }
    }

    // False on end of stream.
    bool receive(Message &m)
    {
        if (m_batched)
            return receiveBatched(m);
        size_t len = 0;
        if (m_seq) {
            iovec iov{m_in.data(), m_in.size()};
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 16)];
            msg.msg_control = control;
            msg.msg_controllen = sizeof(control);
            ssize_t n;
            do {
                n = ::recvmsg(m_fd, &msg, MSG_CMSG_CLOEXEC);
            } while (n < 0 && errno == EINTR);
            if (n < 0)
                fail("recvmsg");
            if (n == 0)
                return false;
            for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                    for (size_t i = 0; i < count; ++i) {
                        int fd;
                        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        ::close(fd);
                    }
                }
            }
            len = size_t(n);
        } else {
            char prefix[4];
            if (!readExact(prefix, 4))
                return false;
            len = qFromLittleEndian<quint32>(prefix);
            if (len < HeaderSize || len > m_in.size())
                throw std::runtime_error("baseline: bad frame length");
            if (!readExact(m_in.data(), len))
                return false;
        }
        if (len < HeaderSize)
            throw std::runtime_error("baseline: short message");
        m.type = qFromLittleEndian<quint32>(m_in.data());
        m.id = qFromLittleEndian<quint32>(m_in.data() + 4);
        m.service = qFromLittleEndian<qint32>(m_in.data() + 8);
        m.body.assign(m_in.data() + HeaderSize, m_in.data() + len);
        return true;
    }

private:
    void decode(Message &m, const char *p, size_t len)
    {
        if (len < HeaderSize)
            throw std::runtime_error("baseline: short message");
        m.type = qFromLittleEndian<quint32>(p);
        m.id = qFromLittleEndian<quint32>(p + 4);
        m.service = qFromLittleEndian<qint32>(p + 8);
        m.body.assign(p + HeaderSize, p + len);
    }

    // The batched reader: recvmmsg() of up to Batch datagrams on seqpacket,
    // recv() into a large buffer on stream sockets.
    bool receiveBatched(Message &m)
    {
        if (m_seq) {
            if (m_next == m_count) {
                std::vector<iovec> iov(static_cast<size_t>(Batch));
                std::vector<mmsghdr> msgs(static_cast<size_t>(Batch));
                for (int i = 0; i < Batch; ++i) {
                    iov[size_t(i)] = {m_buf.data() + size_t(i) * m_in.size(), m_in.size()};
                    msgs[size_t(i)] = mmsghdr{};
                    msgs[size_t(i)].msg_hdr.msg_iov = &iov[size_t(i)];
                    msgs[size_t(i)].msg_hdr.msg_iovlen = 1;
                }
                int n;
                do {
                    n = ::recvmmsg(m_fd, msgs.data(), Batch, MSG_WAITFORONE, nullptr);
                } while (n < 0 && errno == EINTR);
                if (n < 0)
                    fail("recvmmsg");
                if (n == 0 || msgs[0].msg_len == 0)
                    return false;
                for (int i = 0; i < n; ++i)
                    m_lens[size_t(i)] = msgs[size_t(i)].msg_len;
                m_count = n;
                m_next = 0;
            }
            const int i = m_next++;
            decode(m, m_buf.data() + size_t(i) * m_in.size(), m_lens[size_t(i)]);
            return true;
        }
        for (;;) {
            const size_t have = m_end - m_start;
            if (have >= 4) {
                const size_t len = qFromLittleEndian<quint32>(m_buf.data() + m_start);
                if (len < HeaderSize || len > m_in.size())
                    throw std::runtime_error("baseline: bad frame length");
                if (have >= 4 + len) {
                    decode(m, m_buf.data() + m_start + 4, len);
                    m_start += 4 + len;
                    return true;
                }
            }
            if (m_start > 0) {
                std::memmove(m_buf.data(), m_buf.data() + m_start, have);
                m_start = 0;
                m_end = have;
            }
            ssize_t n;
            do {
                n = ::recv(m_fd, m_buf.data() + m_end, m_buf.size() - m_end, 0);
            } while (n < 0 && errno == EINTR);
            if (n < 0)
                fail("recv");
            if (n == 0)
                return false;
            m_end += size_t(n);
        }
    }

    bool readExact(char *p, size_t len)
    {
        size_t done = 0;
        while (done < len) {
            const ssize_t n = ::recv(m_fd, p + done, len - done, 0);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                fail("recv");
            }
            if (n == 0)
                return false;
            done += size_t(n);
        }
        return true;
    }

    int m_fd;
    bool m_seq;
    bool m_batched;
    std::vector<char> m_in;
    std::vector<char> m_out;
    std::vector<char> m_buf; // batched reader
    std::vector<size_t> m_lens;
    size_t m_start = 0;
    size_t m_end = 0;
    int m_next = 0;
    int m_count = 0;
};
} // namespace Bench::BaselineWire

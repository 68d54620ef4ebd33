// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// A raw client for tests of the library's internals: frames and datagrams
// encoded by the wire layer, sent over a plain socket. Tests that include it
// link FizyrRpcQtInternal (they include a private header themselves).

#ifndef RPCTESTRAWCLIENT_H
#define RPCTESTRAWCLIENT_H

#include "rpctestsupport.h"
#include "wire/rpcwire_p.h"

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcMessage>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>

namespace RpcTestSupport {

// A plain non-blocking socket connected to a server address, bypassing the
// library; frames (streams) or datagrams (seqpacket) are encoded by hand.
class RawClient
{
public:
    ~RawClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

    bool open(const Fizyr::RpcAddress &address)
    {
        m_seqpacket = address.transport() == Fizyr::RpcAddress::UnixSeqpacket;
        m_order = Fizyr::RpcConfig::defaultsFor(address.transport()).byteOrder();
        if (address.transport() == Fizyr::RpcAddress::Tcp) {
            m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in addr = {};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(address.port());
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0)
                return false;
        } else {
            m_fd = ::socket(AF_UNIX, (m_seqpacket ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC,
                            0);
            sockaddr_un addr = {};
            addr.sun_family = AF_UNIX;
            const QByteArray path = QFile::encodeName(address.path());
            memcpy(addr.sun_path, path.constData(), size_t(path.size()));
            if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0)
                return false;
        }
        ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
        return true;
    }

    int fd() const { return m_fd; }

    QByteArray encode(const Fizyr::RpcMessage &message) const
    {
        return m_seqpacket ? Fizyr::RpcWire::encodeDatagram(message, m_order)
                           : Fizyr::RpcWire::encodeStreamFrame(message, m_order);
    }

    // Writes all of bytes (one datagram on seqpacket), letting the event
    // loop run while the socket is full. False if it stays full (the other
    // side stopped reading) for stallMsecs.
    bool write(const QByteArray &bytes, int stallMsecs = DefaultTimeout)
    {
        qsizetype done = 0;
        QDeadlineTimer stall(stallMsecs);
        while (done < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.constData() + done, size_t(bytes.size() - done),
                                     MSG_NOSIGNAL);
            if (n > 0) {
                done += n;
                stall.setRemainingTime(stallMsecs);
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                return false;
            if (stall.hasExpired())
                return false;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        }
        return true;
    }

    // Reads every message until the other side closes (or the timeout).
    QList<Fizyr::RpcMessage> readUntilClosed(bool *closed)
    {
        QList<Fizyr::RpcMessage> messages;
        Fizyr::RpcWire::RpcFrameDecoder decoder(m_order, 1 << 20);
        QDeadlineTimer deadline(DefaultTimeout);
        *closed = false;
        QByteArray buffer(1 << 20, Qt::Uninitialized);
        while (!deadline.hasExpired()) {
            const ssize_t n = ::recv(m_fd, buffer.data(), size_t(buffer.size()), 0);
            if (n == 0) {
                *closed = true;
                break;
            }
            if (n < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK)
                    break;
                QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
                continue;
            }
            if (m_seqpacket) {
                messages.append(
                        Fizyr::RpcWire::parseDatagram(buffer.constData(), n, m_order, 1 << 20)
                                .message);
                continue;
            }
            qsizetype offset = 0;
            while (offset < n) {
                offset += decoder.feed(buffer.constData() + offset, n - offset);
                if (decoder.state() == Fizyr::RpcWire::RpcFrameDecoder::MessageReady)
                    messages.append(decoder.takeMessage());
                else if (decoder.state() == Fizyr::RpcWire::RpcFrameDecoder::Failed)
                    return messages;
            }
        }
        return messages;
    }

private:
    int m_fd = -1;
    bool m_seqpacket = false;
    Fizyr::RpcConfig::ByteOrder m_order = Fizyr::RpcConfig::LittleEndian;
};

} // namespace RpcTestSupport

#endif // RPCTESTRAWCLIENT_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The pcapng encoder of the recorder: the file and packet blocks, and the
// TCP conversation or Unix pseudo-header around each message.

#include "recorder_p.h"

#include <QtCore/QHash>
#include <QtCore/QtEndian>

using namespace Fizyr;

namespace Tool {

namespace {

// ---- byte helpers (pcapng is written little endian, network headers big)

void putLe16(QByteArray &out, quint16 v)
{
    char b[2];
    qToLittleEndian(v, b);
    out.append(b, 2);
}
void putLe32(QByteArray &out, quint32 v)
{
    char b[4];
    qToLittleEndian(v, b);
    out.append(b, 4);
}
void putBe16(QByteArray &out, quint16 v)
{
    char b[2];
    qToBigEndian(v, b);
    out.append(b, 2);
}
void putBe32(QByteArray &out, quint32 v)
{
    char b[4];
    qToBigEndian(v, b);
    out.append(b, 4);
}
void putOrder32(QByteArray &out, quint32 v, bool bigEndian)
{
    bigEndian ? putBe32(out, v) : putLe32(out, v);
}
void pad4(QByteArray &out)
{
    while (out.size() % 4)
        out.append('\0');
}

// The message as it goes over a seqpacket socket (and, with a length
// prefix, over a stream): header and body.
QByteArray messageBytes(const RpcMessage &message, bool bigEndian)
{
    QByteArray out;
    out.reserve(12 + message.body().size());
    putOrder32(out, quint32(message.type()), bigEndian);
    putOrder32(out, message.requestId(), bigEndian);
    putOrder32(out, quint32(message.serviceId()), bigEndian);
    out.append(message.body());
    return out;
}

// ---- pcapng blocks

void pcapngOption(QByteArray &out, quint16 code, const QByteArray &value)
{
    putLe16(out, code);
    putLe16(out, quint16(value.size()));
    out.append(value);
    pad4(out);
}

QByteArray pcapngBlock(quint32 type, const QByteArray &content)
{
    QByteArray out;
    out.reserve(12 + content.size());
    const quint32 length = quint32(12 + content.size());
    putLe32(out, type);
    putLe32(out, length);
    out.append(content);
    putLe32(out, length);
    return out;
}

// Interface 0: raw IP (TCP connections, synthesized IPv4/IPv6 and TCP
// headers). Interface 1: USER0 (Unix stream and seqpacket connections, our
// pseudo-header and the message).
constexpr quint32 RawInterface = 0;
constexpr quint32 UnixInterface = 1;
constexpr quint16 LinkTypeRaw = 101;
constexpr quint16 LinkTypeUser0 = 147;

QByteArray pcapngFileHeader()
{
    QByteArray shb;
    putLe32(shb, 0x1A2B3C4D);
    putLe16(shb, 1);
    putLe16(shb, 0);
    putLe32(shb, 0xFFFFFFFF); // section length: unknown
    putLe32(shb, 0xFFFFFFFF);
    pcapngOption(shb, 4, QByteArrayLiteral("fizyr-rpc " FIZYRRPCQT_TOOL_VERSION)); // shb_userappl
    putLe32(shb, 0); // opt_endofopt
    QByteArray out = pcapngBlock(0x0A0D0D0A, shb);
    for (const auto &[linkType, name] :
         {std::pair{LinkTypeRaw, QByteArrayLiteral("fizyr-rpc tcp")},
          std::pair{LinkTypeUser0, QByteArrayLiteral("fizyr-rpc unix")}}) {
        QByteArray idb;
        putLe16(idb, linkType);
        putLe16(idb, 0);
        putLe32(idb, 0); // no snap length
        pcapngOption(idb, 2, name); // if_name
        pcapngOption(idb, 6, // if_tsresol: microseconds (the default, said anyway)
                     QByteArray(1, char(6)));
        putLe32(idb, 0);
        out += pcapngBlock(1, idb);
    }
    return out;
}

QByteArray enhancedPacket(quint32 interface, qint64 timeUs, const QByteArray &data,
                          const QByteArray &comment)
{
    QByteArray epb;
    epb.reserve(20 + data.size() + 8 + comment.size() + 8);
    putLe32(epb, interface);
    putLe32(epb, quint32(quint64(timeUs) >> 32));
    putLe32(epb, quint32(quint64(timeUs)));
    putLe32(epb, quint32(data.size()));
    putLe32(epb, quint32(data.size()));
    epb.append(data);
    pad4(epb);
    if (!comment.isEmpty()) {
        pcapngOption(epb, 1, comment); // opt_comment
        putLe32(epb, 0);
    }
    return pcapngBlock(6, epb);
}

// The Internet checksum of pseudo followed by bytes (pseudo: an even
// number of bytes), without joining them.
quint16 checksum(const QByteArray &bytes, const QByteArray &pseudo = {})
{
    quint32 sum = 0;
    const auto add = [&sum](const QByteArray &data) {
        const auto *p = reinterpret_cast<const uchar *>(data.constData());
        const qsizetype n = data.size();
        for (qsizetype i = 0; i + 1 < n; i += 2) {
            sum += quint32(p[i] << 8 | p[i + 1]);
            if (sum & 0x80000000u)
                sum = (sum & 0xFFFF) + (sum >> 16);
        }
        if (n % 2)
            sum += quint32(p[n - 1] << 8);
    };
    add(pseudo);
    add(bytes);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return quint16(~sum);
}

// An IP packet carrying one TCP segment between the two ends.
QByteArray tcpPacket(const QHostAddress &from, quint16 fromPort, const QHostAddress &to,
                     quint16 toPort, quint32 seq, quint32 ack, quint8 flags,
                     const QByteArray &payload)
{
    QByteArray tcp;
    tcp.reserve(20 + payload.size());
    putBe16(tcp, fromPort);
    putBe16(tcp, toPort);
    putBe32(tcp, seq);
    putBe32(tcp, ack);
    tcp.append(char(5 << 4));
    tcp.append(char(flags));
    putBe16(tcp, 65535); // window
    putBe16(tcp, 0); // checksum, below
    putBe16(tcp, 0);
    tcp.append(payload);

    QByteArray pseudo;
    QByteArray ip;
    if (from.protocol() == QAbstractSocket::IPv4Protocol) {
        putBe32(pseudo, from.toIPv4Address());
        putBe32(pseudo, to.toIPv4Address());
        putBe16(pseudo, 6);
        putBe16(pseudo, quint16(tcp.size()));
    } else {
        const Q_IPV6ADDR a = from.toIPv6Address();
        const Q_IPV6ADDR b = to.toIPv6Address();
        pseudo.append(reinterpret_cast<const char *>(a.c), 16);
        pseudo.append(reinterpret_cast<const char *>(b.c), 16);
        putBe32(pseudo, quint32(tcp.size()));
        putBe32(pseudo, 6);
    }
    const quint16 tcpSum = checksum(tcp, pseudo);
    tcp[16] = char(tcpSum >> 8);
    tcp[17] = char(tcpSum);

    if (from.protocol() == QAbstractSocket::IPv4Protocol) {
        ip.append(char(0x45));
        ip.append('\0');
        putBe16(ip, quint16(20 + tcp.size()));
        putBe16(ip, 0); // id
        putBe16(ip, 0x4000); // don't fragment
        ip.append(char(64));
        ip.append(char(6));
        putBe16(ip, 0);
        putBe32(ip, from.toIPv4Address());
        putBe32(ip, to.toIPv4Address());
        const quint16 ipSum = checksum(ip);
        ip[10] = char(ipSum >> 8);
        ip[11] = char(ipSum);
    } else {
        putBe32(ip, 0x60000000);
        putBe16(ip, quint16(tcp.size()));
        ip.append(char(6));
        ip.append(char(64));
        ip.append(pseudo.left(32));
    }
    ip.reserve(ip.size() + tcp.size());
    ip.append(tcp);
    return ip;
}

constexpr quint8 TcpFin = 0x01, TcpSyn = 0x02, TcpPsh = 0x08, TcpAck = 0x10;
// Payload per synthesized segment: a large message spans several, as it
// would on a real network.
constexpr qsizetype MaxSegment = 32768;

class PcapngEncoder : public Encoder
{
public:
    QByteArray fileHeader() const override { return pcapngFileHeader(); }

    QByteArray opened(qint64 time, const RecordedConnection &c) override
    {
        Connection &state = m_connections[c.number];
        state.info = c;
        if (c.transport != RpcAddress::Tcp)
            return unixEvent(time, state, "connected " + c.description.toUtf8());
        // The handshake, so that Wireshark sees the whole TCP conversation.
        state.seq[0] = 0x10000000u + quint32(c.number) * 0x1000u;
        state.seq[1] = 0x20000000u + quint32(c.number) * 0x1000u;
        QByteArray out = segment(time, state, 0, TcpSyn, {});
        ++state.seq[0];
        out += segment(time, state, 1, TcpSyn | TcpAck, {});
        ++state.seq[1];
        out += segment(time, state, 0, TcpAck, {});
        return out;
    }

    QByteArray closed(qint64 time, int connection) override
    {
        auto it = m_connections.find(connection);
        if (it == m_connections.end())
            return {};
        Connection state = *it;
        m_connections.erase(it);
        if (state.info.transport != RpcAddress::Tcp)
            return unixEvent(time, state, "disconnected");
        QByteArray out = segment(time, state, 0, TcpFin | TcpAck, {});
        ++state.seq[0];
        out += segment(time, state, 1, TcpFin | TcpAck, {});
        ++state.seq[1];
        out += segment(time, state, 0, TcpAck, {});
        return out;
    }

    QByteArray message(qint64 time, int connection, RecordDirection direction,
                       const RpcMessage &message, int fds, const DecodedBody *) override
    {
        auto it = m_connections.find(connection);
        if (it == m_connections.end())
            return {};
        Connection &state = *it;
        const QByteArray bytes = messageBytes(message, state.info.bigEndian);
        const int side = direction == RecordDirection::ToServer ? 0 : 1;
        if (state.info.transport != RpcAddress::Tcp) {
            const QByteArray comment
                    = QStringLiteral("connection %1 %2 %3, %4 fds")
                              .arg(connection)
                              .arg(transportName(state.info.transport), directionName(direction))
                              .arg(fds)
                              .toUtf8();
            return enhancedPacket(UnixInterface, time,
                                  pseudoHeader(state, side, 0, quint32(fds)) + bytes, comment);
        }
        QByteArray framed;
        putOrder32(framed, quint32(bytes.size()), state.info.bigEndian);
        framed += bytes;
        QByteArray out;
        for (qsizetype offset = 0; offset < framed.size(); offset += MaxSegment) {
            const QByteArray payload = framed.mid(offset, MaxSegment);
            out += segment(time, state, side, TcpPsh | TcpAck, payload);
            state.seq[side] += quint32(payload.size());
        }
        return out;
    }

private:
    struct Connection
    {
        RecordedConnection info;
        quint32 seq[2] = {0, 0}; // next sequence number: client, server
    };

    QByteArray segment(qint64 time, const Connection &state, int side, quint8 flags,
                       const QByteArray &payload) const
    {
        const RecordedConnection &c = state.info;
        const bool toServer = side == 0;
        const QByteArray packet = tcpPacket(
                toServer ? c.clientHost : c.serverHost, toServer ? c.clientPort : c.serverPort,
                toServer ? c.serverHost : c.clientHost, toServer ? c.serverPort : c.clientPort,
                state.seq[side], (flags & TcpAck) ? state.seq[1 - side] : 0, flags, payload);
        return enhancedPacket(RawInterface, time, packet, {});
    }

    // The USER0 pseudo-header (12 bytes, big endian): version 1, transport
    // (1 tcp, 2 unix, 3 seqpacket), direction (0 client->server, 1
    // server->client), flags (bit 0: the message header is big endian; bit
    // 1: a connection event, UTF-8 text instead of a message), connection
    // number u32, file descriptor count u32.
    static QByteArray pseudoHeader(const Connection &state, int side, quint8 flags, quint32 fds)
    {
        QByteArray out;
        out.append(char(1));
        out.append(char(state.info.transport == RpcAddress::UnixSeqpacket        ? 3
                                : state.info.transport == RpcAddress::UnixStream ? 2
                                                                                 : 1));
        out.append(char(side));
        out.append(char(flags | (state.info.bigEndian ? 1 : 0)));
        putBe32(out, quint32(state.info.number));
        putBe32(out, fds);
        return out;
    }

    static QByteArray unixEvent(qint64 time, const Connection &state, const QByteArray &text)
    {
        return enhancedPacket(UnixInterface, time, pseudoHeader(state, 0, 2, 0) + text,
                              "connection " + QByteArray::number(state.info.number) + ' ' + text);
    }

    QHash<int, Connection> m_connections;
};

} // namespace

std::unique_ptr<Encoder> createPcapngEncoder()
{
    return std::make_unique<PcapngEncoder>();
}

} // namespace Tool

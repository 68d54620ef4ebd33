// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "recorder.h"

#include "interfaceoptions.h"
#include "output.h"

#include <QtCore/QDateTime>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QStringDecoder>
#include <QtCore/QtEndian>

#include <QtCore/QSysInfo>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

using namespace Fizyr;

namespace Tool {

namespace {

qint64 nowMicroseconds()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
}

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

QString transportName(RpcAddress::Transport transport)
{
    switch (transport) {
    case RpcAddress::Tcp:
        return QStringLiteral("tcp");
    case RpcAddress::UnixStream:
        return QStringLiteral("unix");
    case RpcAddress::UnixSeqpacket:
        return QStringLiteral("seqpacket");
    default:
        return QStringLiteral("invalid");
    }
}

QString directionName(RecordDirection direction)
{
    return direction == RecordDirection::ToServer ? QStringLiteral("client->server")
                                                  : QStringLiteral("server->client");
}

// A host on the wire: IPv4-mapped IPv6 as IPv4, anything else that is not
// an address (a name, "any") as the loopback of the other end's family.
QHostAddress wireHost(const QHostAddress &host, const QHostAddress &other)
{
    bool ok = false;
    const quint32 v4 = host.toIPv4Address(&ok);
    if (ok)
        return QHostAddress(v4);
    if (!host.isNull() && host != QHostAddress::AnyIPv6 && host != QHostAddress::Any)
        return host;
    return other.protocol() == QAbstractSocket::IPv6Protocol
            ? QHostAddress(QHostAddress::LocalHostIPv6)
            : QHostAddress(QHostAddress::LocalHost);
}

} // namespace

RecordedConnection describeConnection(int number, const RpcAddress &listenAddress,
                                      const RpcAddress &peerAddress, const RpcConfig &config)
{
    RecordedConnection c;
    c.number = number;
    c.transport = listenAddress.transport();
    switch (config.byteOrder()) {
    case RpcConfig::BigEndian:
        c.bigEndian = true;
        break;
    case RpcConfig::LittleEndian:
        c.bigEndian = false;
        break;
    case RpcConfig::NativeEndian:
        c.bigEndian = QSysInfo::ByteOrder == QSysInfo::BigEndian;
        break;
    }
    c.description = listenAddress.toString();
    if (c.transport == RpcAddress::Tcp) {
        const QHostAddress client(peerAddress.host());
        const QHostAddress server(listenAddress.host());
        c.clientHost = wireHost(client, server);
        c.serverHost = wireHost(server, c.clientHost);
        if (c.clientHost.protocol() != c.serverHost.protocol())
            c.serverHost = wireHost(QHostAddress(), c.clientHost);
        c.clientPort = peerAddress.port();
        c.serverPort = listenAddress.port();
        c.description += QStringLiteral(" from ") + peerAddress.toString();
    }
    return c;
}

// ---- encoders: what the event loop turns each event into

class Encoder
{
public:
    virtual ~Encoder() = default;
    virtual QByteArray fileHeader() const = 0;
    virtual QByteArray opened(qint64 time, const RecordedConnection &c) = 0;
    virtual QByteArray closed(qint64 time, int connection) = 0;
    // message: without its descriptors (fds: how many came with it);
    // decoded: by --interface, or null.
    virtual QByteArray message(qint64 time, int connection, RecordDirection direction,
                               const RpcMessage &message, int fds, const DecodedBody *decoded)
            = 0;
};

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

// Appends utf8 (valid UTF-8) as a JSON string, escaped as jsonLine() (the
// tool's --json output) escapes: what QJsonDocument escapes (quote,
// backslash, C0 controls) and, as \uXXXX, DEL, the C1 controls, U+061C,
// U+200E, U+200F, U+2028 to U+202E and U+2066 to U+2069. Byte by byte, with
// no QString in between: a message line costs a few thousand instructions
// instead of tens of thousands through QJsonObject.
void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    const auto escape = [&out](uint code) {
        char u[6] = {'\\',
                     'u',
                     hex[(code >> 12) & 15],
                     hex[(code >> 8) & 15],
                     hex[(code >> 4) & 15],
                     hex[code & 15]};
        out.append(u, 6);
    };
    out.append('"');
    const qsizetype n = utf8.size();
    const auto *p = reinterpret_cast<const uchar *>(utf8.data());
    qsizetype plain = 0; // start of the bytes not copied yet
    for (qsizetype i = 0; i < n; ++i) {
        const uchar c = p[i];
        uint code = 0;
        int length = 1;
        if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
            code = c;
        } else if (c == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
            code = p[i + 1];
            length = 2;
        } else if (c == 0xd8 && i + 1 < n && p[i + 1] == 0x9c) {
            code = 0x061c;
            length = 2;
        } else if (c == 0xe2 && i + 2 < n && p[i + 1] == 0x80
                   && (p[i + 2] == 0x8e || p[i + 2] == 0x8f
                       || (p[i + 2] >= 0xa8 && p[i + 2] <= 0xae))) {
            code = 0x2000 + (p[i + 2] - 0x80);
            length = 3;
        } else if (c == 0xe2 && i + 2 < n && p[i + 1] == 0x81 && p[i + 2] >= 0xa6
                   && p[i + 2] <= 0xa9) {
            code = 0x2040 + (p[i + 2] - 0x80);
            length = 3;
        } else {
            continue;
        }
        out.append(utf8.data() + plain, i - plain);
        switch (code) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\b':
            out.append("\\b", 2);
            break;
        case '\f':
            out.append("\\f", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        default:
            escape(code);
        }
        i += length - 1;
        plain = i + 1;
    }
    out.append(utf8.data() + plain, n - plain);
    out.append('"');
}

// Appends the decimal digits of value.
void appendNumber(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, result.ptr - digits);
}

// UTC with microseconds, as the JSON Lines "time": 2026-11-27T19:18:36.123456Z
QByteArray utcStamp(qint64 time)
{
    const time_t seconds = time_t(time / 1000000);
    struct tm utc = {};
    gmtime_r(&seconds, &utc);
    char text[64];
    const int length
            = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                            utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                            utc.tm_min, utc.tm_sec, static_cast<long long>(time % 1000000));
    return QByteArray(text, length);
}

class JsonLinesEncoder : public Encoder
{
public:
    QByteArray fileHeader() const override { return {}; }

    QByteArray opened(qint64 time, const RecordedConnection &c) override
    {
        QJsonObject o = base(time, c.number);
        o.insert(QStringLiteral("event"), QStringLiteral("connected"));
        o.insert(QStringLiteral("transport"), transportName(c.transport));
        o.insert(QStringLiteral("address"), c.description);
        return jsonLine(o) + '\n';
    }

    QByteArray closed(qint64 time, int connection) override
    {
        QJsonObject o = base(time, connection);
        o.insert(QStringLiteral("event"), QStringLiteral("disconnected"));
        return jsonLine(o) + '\n';
    }

    QByteArray message(qint64 time, int connection, RecordDirection direction,
                       const RpcMessage &message, int fds, const DecodedBody *decoded) override
    {
        if (!decoded || !decoded->known)
            return plainMessage(time, connection, direction, message, fds);
        QJsonObject o = base(time, connection);
        o.insert(QStringLiteral("direction"), directionName(direction));
        o.insert(QStringLiteral("type"), RpcMessage::typeName(message.type()));
        o.insert(QStringLiteral("request_id"), qint64(message.requestId()));
        o.insert(QStringLiteral("service_id"), message.serviceId());
        const QByteArray body = message.body();
        QStringDecoder decoder(QStringDecoder::Utf8);
        const QString text = decoder(body);
        if (!decoder.hasError())
            o.insert(QStringLiteral("body"), text);
        else
            o.insert(QStringLiteral("body_base64"), QString::fromLatin1(body.toBase64()));
        o.insert(QStringLiteral("fds"), fds);
        if (decoded && decoded->known) {
            if (!decoded->name.isEmpty())
                o.insert(QStringLiteral("name"), decoded->name);
            if (decoded->decoded)
                o.insert(QStringLiteral("value"), decoded->value);
            else
                o.insert(QStringLiteral("decode_error"), decoded->error);
        }
        return jsonLine(o) + '\n';
    }

private:
    // A message line without --interface decoding, written directly, with
    // the keys in QJsonObject's (sorted) order, as the other lines.
    QByteArray plainMessage(qint64 time, int connection, RecordDirection direction,
                            const RpcMessage &message, int fds)
    {
        if (m_start == 0)
            m_start = time;
        const QByteArray &body = message.body();
        QByteArray out;
        out.reserve(200 + body.size() + body.size() / 2);
        if (body.isValidUtf8()) {
            out.append("{\"body\":");
            appendJsonString(out, body);
        } else {
            out.append("{\"body_base64\":\"");
            out.append(body.toBase64());
            out.append('"');
        }
        out.append(",\"connection\":");
        appendNumber(out, connection);
        out.append(direction == RecordDirection::ToServer ? ",\"direction\":\"client->server\""
                                                          : ",\"direction\":\"server->client\"");
        out.append(",\"elapsed\":");
        out.append(QByteArray::number(double(time - m_start) / 1e6, 'g',
                                      QLocale::FloatingPointShortest));
        out.append(",\"fds\":");
        appendNumber(out, fds);
        out.append(",\"request_id\":");
        appendNumber(out, message.requestId());
        out.append(",\"service_id\":");
        appendNumber(out, message.serviceId());
        out.append(",\"time\":\"");
        // The date and time to the second change once a second: formatted
        // then, and the microseconds appended each time.
        if (time / 1000000 != m_stampSecond || m_stampPrefix.isEmpty()) {
            m_stampSecond = time / 1000000;
            m_stampPrefix = utcStamp(time).left(20); // 2026-11-27T19:18:36.
        }
        out.append(m_stampPrefix);
        char micro[7];
        qint64 fraction = time % 1000000;
        for (int i = 5; i >= 0; --i, fraction /= 10)
            micro[i] = char('0' + fraction % 10);
        micro[6] = 'Z';
        out.append(micro, 7);
        out.append("\",\"type\":\"");
        out.append(RpcMessage::typeName(message.type()).toLatin1());
        out.append("\"}\n");
        return out;
    }

    QJsonObject base(qint64 time, int connection)
    {
        if (m_start == 0)
            m_start = time;
        const QString stamp = QString::fromLatin1(utcStamp(time));
        return {{QStringLiteral("time"), stamp},
                {QStringLiteral("elapsed"), double(time - m_start) / 1e6},
                {QStringLiteral("connection"), connection}};
    }

    qint64 m_start = 0;
    qint64 m_stampSecond = -1;
    QByteArray m_stampPrefix;
};

// ---- the writer thread and its bounded queue

constexpr std::chrono::milliseconds GatherTime{50};

class RecorderPrivate
{
public:
    QString path;
    Recorder::Format format;
    RecorderLimits limits;
    std::unique_ptr<Encoder> encoder; // used by the writer thread only
    const InterfaceOptions *interface = nullptr; // JSON Lines: decode on the event loop
    QByteArray header;

    std::mutex mutex;
    std::condition_variable wake;
    // What the event loop queues; the writer thread encodes it.
    struct Item
    {
        enum Kind { Opened, Closed, Message } kind;
        qint64 time;
        int connection;
        RecordedConnection opened = {}; // Opened
        RecordDirection direction = RecordDirection::ToServer; // Message
        RpcMessage message = {}; // Message, without descriptors
        int fds = 0;
        std::optional<DecodedBody> decoded = {};
        qint64 estimate = 0; // bytes it takes, roughly, for --record-buffer

        bool isMessage() const { return kind == Message; }
    };
    std::deque<Item> queue;
    qint64 queued = 0; // bytes in queue
    bool stopping = false;
    std::atomic<quint64> dropped{0};
    std::thread thread;

    // writer thread only (read after join)
    QFile file;
    qint64 fileSize = 0;
    qint64 fileMessages = 0;
    quint64 written = 0;
    int files = 0;
    QString writeError;

    QString rotatedName(int index) const
    {
        if (index == 0)
            return path;
        const QFileInfo info(path);
        const QString suffix = info.completeSuffix();
        QString base = path.left(path.size() - suffix.size());
        return base + QString::number(index) + QLatin1Char('.') + suffix;
    }

    bool openFile(QString *errorText)
    {
        file.setFileName(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            *errorText = QStringLiteral("cannot write the recording \"%1\": %2")
                                 .arg(path, file.errorString());
            return false;
        }
        file.write(header);
        fileSize = header.size();
        fileMessages = 0;
        ++files;
        return true;
    }

    void rotate()
    {
        file.close();
        const int keep = qMax(1, limits.maxFiles);
        QFile::remove(rotatedName(keep - 1));
        for (int i = keep - 2; i >= 0; --i)
            QFile::rename(rotatedName(i), rotatedName(i + 1));
        QString error;
        if (!openFile(&error) && writeError.isEmpty())
            writeError = error;
    }

    void write(const Item &item)
    {
        QByteArray bytes;
        switch (item.kind) {
        case Item::Opened:
            bytes = encoder->opened(item.time, item.opened);
            break;
        case Item::Closed:
            bytes = encoder->closed(item.time, item.connection);
            break;
        case Item::Message:
            bytes = encoder->message(item.time, item.connection, item.direction, item.message,
                                     item.fds, item.decoded ? &*item.decoded : nullptr);
            break;
        }
        if (bytes.isEmpty())
            return;
        // A file holds one item at least, whatever its size.
        if (fileSize > header.size()
            && ((limits.maxSize > 0 && fileSize + bytes.size() > limits.maxSize)
                || (item.isMessage() && limits.maxMessages > 0
                    && fileMessages >= limits.maxMessages))) {
            rotate();
        }
        if (!file.isOpen())
            return;
        if (file.write(bytes) != bytes.size() && writeError.isEmpty())
            writeError = file.errorString();
        fileSize += bytes.size();
        if (item.isMessage()) {
            ++fileMessages;
            ++written;
        }
    }

    void run()
    {
        std::unique_lock lock(mutex);
        for (;;) {
            wake.wait(lock, [this] { return stopping || !queue.empty(); });
            if (queue.empty() && stopping)
                break;
            // Gather for a moment: one wake-up, write and flush for many
            // messages rather than one each (sooner when a quarter of the
            // buffer is used).
            wake.wait_for(lock, GatherTime,
                          [this] { return stopping || queued >= limits.bufferSize / 4; });
            std::deque<Item> batch;
            batch.swap(queue);
            queued = 0;
            lock.unlock();
            for (const Item &item : batch)
                write(item);
            file.flush();
            lock.lock();
        }
        file.close();
    }

    void push(Item item)
    {
        bool notify = false;
        {
            std::lock_guard lock(mutex);
            if (stopping)
                return;
            // Connection events are small and keep the file coherent: they
            // go in even over the limit.
            if (item.isMessage() && queued + item.estimate > limits.bufferSize) {
                ++dropped;
                return;
            }
            // The writer waits for an empty queue to fill, then for a
            // quarter of the buffer or GatherTime: it needs no other wake-up.
            const qint64 quarter = limits.bufferSize / 4;
            notify = queue.empty() || (queued < quarter && queued + item.estimate >= quarter);
            queued += item.estimate;
            queue.push_back(std::move(item));
        }
        if (notify)
            wake.notify_one();
    }
};

Recorder::Recorder(const QString &path, Format format, const RecorderLimits &limits,
                   const InterfaceOptions *interface)
    : d(new RecorderPrivate)
{
    d->path = path;
    d->format = format;
    d->limits = limits;
    if (format == Pcapng) {
        d->encoder.reset(new PcapngEncoder);
    } else {
        d->encoder.reset(new JsonLinesEncoder);
        d->interface = interface && interface->isActive() ? interface : nullptr;
    }
    d->header = d->encoder->fileHeader();
}

Recorder::~Recorder()
{
    finish();
}

bool Recorder::start(QString *errorText)
{
    if (!d->openFile(errorText))
        return false;
    d->thread = std::thread([this] { d->run(); });
    return true;
}

void Recorder::connectionOpened(const RecordedConnection &connection)
{
    RecorderPrivate::Item item{RecorderPrivate::Item::Opened, nowMicroseconds(), connection.number};
    item.opened = connection;
    item.estimate = 256;
    d->push(std::move(item));
}

void Recorder::connectionClosed(int connection)
{
    RecorderPrivate::Item item{RecorderPrivate::Item::Closed, nowMicroseconds(), connection};
    item.estimate = 256;
    d->push(std::move(item));
}

void Recorder::message(int connection, RecordDirection direction, const RpcMessage &message,
                       qint32 requestServiceId)
{
    RecorderPrivate::Item item{RecorderPrivate::Item::Message, nowMicroseconds(), connection};
    item.direction = direction;
    // Not the descriptors: they are closed when the traffic is done with
    // them, not when the writer is.
    item.message
            = RpcMessage(message.type(), message.requestId(), message.serviceId(), message.body());
    item.fds = int(message.fileDescriptors().size());
    if (d->interface)
        item.decoded = d->interface->decode(message, requestServiceId);
    // pcapng: block, IP and TCP headers; JSON Lines: base64 at worst
    item.estimate = 160 + message.body().size() * (d->format == JsonLines ? 2 : 1);
    d->push(std::move(item));
}

quint64 Recorder::dropped() const
{
    return d->dropped;
}

QString Recorder::finish()
{
    if (!d->thread.joinable())
        return {};
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_one();
    d->thread.join();
    QString text = QStringLiteral("recorded %1 messages to %2").arg(d->written).arg(d->path);
    if (d->files > 1)
        text += QStringLiteral(" (%1 files, rotated)").arg(d->files);
    if (d->dropped > 0) {
        text += QStringLiteral("; %1 messages dropped: the recording did not keep up")
                        .arg(quint64(d->dropped));
    }
    if (!d->writeError.isEmpty())
        text += QStringLiteral("; write error: ") + d->writeError;
    return text;
}

void reportRecording(const CommandLine &commandLine, Recorder &recorder)
{
    const QString summary = recorder.finish();
    if (recorder.dropped() > 0)
        printWarning(commandLine.command(), summary);
    else
        printError(commandLine.command(), summary);
}

namespace {

std::optional<qint64> parseSize(const QString &text)
{
    static const QList<std::pair<QString, qint64>> units{{QStringLiteral("K"), 1024},
                                                         {QStringLiteral("M"), 1024 * 1024},
                                                         {QStringLiteral("G"), 1024 * 1024 * 1024}};
    QString number = text.trimmed();
    qint64 factor = 1;
    for (const auto &[unit, value] : units) {
        if (number.endsWith(unit, Qt::CaseInsensitive)) {
            number.chop(1);
            factor = value;
            break;
        }
    }
    bool ok = false;
    const qint64 value = number.toLongLong(&ok);
    if (!ok || value < 0)
        return std::nullopt;
    return value * factor;
}

} // namespace

void Recorder::addOptions(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(
            QStringLiteral("record"),
            QStringLiteral("Record every message both ways to FILE: pcapng (Wireshark, "
                           "tshark; see tools/wireshark/fizyr-rpc.lua) if the name ends in "
                           ".pcapng, JSON Lines if it ends in .jsonl."),
            QStringLiteral("FILE")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("record-max-size"),
            QStringLiteral("Start a new recording file when the current one would grow past "
                           "SIZE bytes (suffix K, M or G allowed; 0: no limit)."),
            QStringLiteral("SIZE"), QStringLiteral("0")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("record-max-messages"),
            QStringLiteral("Start a new recording file after N messages (0: no limit)."),
            QStringLiteral("N"), QStringLiteral("0")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("record-max-files"),
            QStringLiteral("When rotating, keep N files: FILE is the newest, then "
                           "NAME.1.EXT, NAME.2.EXT, ...; older ones are deleted."),
            QStringLiteral("N"), QStringLiteral("10")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("record-buffer"),
            QStringLiteral("Queue at most SIZE bytes for the file writer; messages beyond it "
                           "are dropped and counted (reported at exit)."),
            QStringLiteral("SIZE"), QStringLiteral("16M")));
}

std::unique_ptr<Recorder> Recorder::fromOptions(CommandLine &commandLine,
                                                const InterfaceOptions *interface, bool *ok,
                                                int *exitCode)
{
    *ok = true;
    QCommandLineParser &parser = commandLine.parser();
    if (!parser.isSet(QStringLiteral("record"))) {
        for (const char *name :
             {"record-max-size", "record-max-messages", "record-max-files", "record-buffer"}) {
            if (parser.isSet(QLatin1String(name))) {
                *ok = false;
                *exitCode = commandLine.usageError(
                        QStringLiteral("--%1 needs --record").arg(QLatin1String(name)));
                return nullptr;
            }
        }
        return nullptr;
    }
    const QString path = parser.value(QStringLiteral("record"));
    Format format;
    if (path.endsWith(QStringLiteral(".pcapng"))) {
        format = Pcapng;
    } else if (path.endsWith(QStringLiteral(".jsonl"))) {
        format = JsonLines;
    } else {
        *ok = false;
        *exitCode = commandLine.usageError(
                QStringLiteral("--record \"%1\": the name must end in .pcapng or .jsonl")
                        .arg(path));
        return nullptr;
    }
    RecorderLimits limits;
    for (const auto &[name, target] :
         {std::pair{QStringLiteral("record-max-size"), &limits.maxSize},
          std::pair{QStringLiteral("record-max-messages"), &limits.maxMessages},
          std::pair{QStringLiteral("record-buffer"), &limits.bufferSize}}) {
        const std::optional<qint64> value = parseSize(parser.value(name));
        if (!value) {
            *ok = false;
            *exitCode = commandLine.usageError(
                    QStringLiteral("invalid --%1 \"%2\"").arg(name, parser.value(name)));
            return nullptr;
        }
        *target = *value;
    }
    bool numberOk = false;
    limits.maxFiles = parser.value(QStringLiteral("record-max-files")).toInt(&numberOk);
    if (!numberOk || limits.maxFiles < 1) {
        *ok = false;
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --record-max-files \"%1\": expected 1 or more")
                        .arg(parser.value(QStringLiteral("record-max-files"))));
        return nullptr;
    }
    auto recorder = std::make_unique<Recorder>(path, format, limits, interface);
    QString error;
    if (!recorder->start(&error)) {
        *ok = false;
        *exitCode = commandLine.failure(error);
        return nullptr;
    }
    return recorder;
}

} // namespace Tool

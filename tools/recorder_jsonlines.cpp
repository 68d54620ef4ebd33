// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The JSON Lines encoder of the recorder: one object per line, written
// byte by byte for messages without --interface decoding.

#include "recorder_p.h"

#include <QtCore/QJsonObject>
#include <QtCore/QLocale>
#include <QtCore/QStringDecoder>

#include <charconv>
#include <cstdio>
#include <ctime>

using namespace Fizyr;

namespace Tool {

namespace {

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

} // namespace

std::unique_ptr<Encoder> createJsonLinesEncoder()
{
    return std::make_unique<JsonLinesEncoder>();
}

} // namespace Tool

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// JSON bodies exactly as serde_json 1.0.87 (default features) writes and
// reads them: the writer follows its Serializer (compact, ryu floats, its
// string escapes), the reader follows its Deserializer (number parsing
// without float_roundtrip, string validation, struct and enum forms).
//
// This file: the schema-driven writer (RpcCodec::makeJsonWriter()), float
// formatting and the codec's utilities. The reader is in
// rpcjsoncodecreader_p.h, rpcjsoncodec_lexer.cpp and rpcjsoncodec_read.cpp;
// the public RpcJsonWriter and RpcJsonReader in rpcjsonwriter.cpp,
// rpcjsonreader.cpp and rpcjsonreader_containers.cpp.

#include "rpcjsoncodec_p.h"

#include <QtCore/qlist.h>

namespace Fizyr {
namespace RpcCodec {

namespace {

class JsonWriter final : public Writer
{
public:
    void null() override
    {
        separate();
        m_out.append("null");
    }
    void boolean(bool value) override
    {
        separate();
        m_out.append(value ? "true" : "false");
    }
    void i64(qint64 value) override
    {
        separate();
        appendInteger(value);
    }
    void u64(quint64 value) override
    {
        separate();
        appendInteger(value);
    }
    void f32(float value) override
    {
        separate();
        if (!std::isfinite(value))
            m_out.append("null");
        else
            appendShortestFloat(&m_out, value);
    }
    void f64(double value) override
    {
        separate();
        if (!std::isfinite(value))
            m_out.append("null");
        else
            appendShortestDouble(&m_out, value);
    }
    void string(const QByteArray &utf8) override
    {
        separate();
        writeString(utf8);
    }
    void beginArray(qsizetype) override
    {
        separate();
        m_out.append('[');
        m_first.append(true);
    }
    void endArray() override
    {
        m_first.removeLast();
        m_out.append(']');
    }
    void beginMap(qsizetype) override
    {
        separate();
        m_out.append('{');
        m_first.append(true);
    }
    void key(const QByteArray &utf8) override
    {
        separate();
        writeString(utf8);
        m_out.append(':');
        m_afterKey = true;
    }
    void endMap() override
    {
        m_first.removeLast();
        m_out.append('}');
    }
    QByteArray result() override { return m_out; }

private:
    template<typename T>
    void appendInteger(T value)
    {
        char buffer[24];
        const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
        m_out.append(buffer, r.ptr - buffer);
    }

    void separate()
    {
        if (m_afterKey) {
            m_afterKey = false;
            return;
        }
        if (!m_first.isEmpty()) {
            if (m_first.last())
                m_first.last() = false;
            else
                m_out.append(',');
        }
    }

    void writeString(const QByteArray &utf8)
    {
        static const char hex[] = "0123456789abcdef";
        m_out.append('"');
        const char *data = utf8.constData();
        const qsizetype size = utf8.size();
        qsizetype plain = 0; // start of the run of bytes that need no escape
        for (qsizetype i = 0; i < size; ++i) {
            const auto c = static_cast<unsigned char>(data[i]);
            if (c >= 0x20 && c != '"' && c != '\\')
                continue;
            m_out.append(data + plain, i - plain);
            plain = i + 1;
            switch (c) {
            case '"':
                m_out.append("\\\"");
                break;
            case '\\':
                m_out.append("\\\\");
                break;
            case '\b':
                m_out.append("\\b");
                break;
            case '\f':
                m_out.append("\\f");
                break;
            case '\n':
                m_out.append("\\n");
                break;
            case '\r':
                m_out.append("\\r");
                break;
            case '\t':
                m_out.append("\\t");
                break;
            default:
                m_out.append("\\u00");
                m_out.append(hex[c >> 4]);
                m_out.append(hex[c & 0xf]);
            }
        }
        m_out.append(data + plain, size - plain);
        m_out.append('"');
    }

    QByteArray m_out;
    QList<bool> m_first;
    bool m_afterKey = false;
};

} // namespace

void appendShortestDouble(QByteArray *out, double value)
{
    appendShortest(out, value, 16, -5);
}

void appendShortestFloat(QByteArray *out, float value)
{
    appendShortest(out, value, 13, -6);
}

float doubleToFloat(double value)
{
    // Rust's `as f32`: round to nearest even, out of range to infinity.
    // Values at or above FLT_MAX + half an ulp round to infinity.
    constexpr double limit = 340282356779733661637539395458142568448.0; // 2^128 - 2^103
    if (std::isnan(value))
        return std::numeric_limits<float>::quiet_NaN();
    if (value >= limit)
        return std::numeric_limits<float>::infinity();
    if (value <= -limit)
        return -std::numeric_limits<float>::infinity();
    return static_cast<float>(value);
}

bool isValidUtf8(const char *data, qsizetype size)
{
    const auto *p = reinterpret_cast<const uchar *>(data);
    const uchar *end = p + size;
    while (p < end) {
        const uchar c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        char32_t cp;
        char32_t min;
        if (c >= 0xc2 && c <= 0xdf) {
            extra = 1, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += extra + 1;
    }
    return true;
}

std::unique_ptr<Writer> makeJsonWriter()
{
    return std::make_unique<JsonWriter>();
}

} // namespace RpcCodec
} // namespace Fizyr

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcCodec::JsonReader: the lexer's members off the hot path, the position
// and description of an error and the skipping of ignored values
// (serde_json's ignore_value).

#include "rpcjsoncodecreader_p.h"

namespace Fizyr {
namespace RpcCodec {

QPair<int, int> JsonReader::lineColumn() const
{
    int line = 1, column = 0;
    for (const uchar *q = m_start; q < m_p && q < m_end; ++q) {
        if (*q == '\n') {
            ++line;
            column = 0;
        } else {
            ++column;
        }
    }
    return {line, column + 1};
}

QString JsonReader::describeNext()
{
    skipWs();
    if (m_p >= m_end)
        return tr("end of input");
    switch (*m_p) {
    case 'n':
        return QStringLiteral("null");
    case 't':
    case 'f':
        return tr("boolean");
    case '"':
        return tr("string");
    case '[':
        return tr("sequence");
    case '{':
        return tr("map");
    default:
        if (*m_p == '-' || (*m_p >= '0' && *m_p <= '9'))
            return tr("number");
        return tr("character `%1`").arg(QLatin1Char(char(*m_p)));
    }
}

// ignore_str: control characters and escapes are checked, UTF-8 and
// surrogates are not.
bool JsonReader::ignoreString()
{
    ++m_p;
    for (;;) {
        while (m_p < m_end && *m_p != '"' && *m_p != '\\' && *m_p >= 0x20)
            ++m_p;
        if (m_p >= m_end)
            return fail(tr("EOF while parsing a string"));
        if (*m_p == '"') {
            ++m_p;
            return true;
        }
        if (*m_p < 0x20)
            return fail(tr("control character (\\u0000-\\u001F) found while parsing a string"));
        ++m_p;
        if (m_p >= m_end)
            return fail(tr("EOF while parsing a string"));
        const uchar e = *m_p++;
        if (e == 'u') {
            quint16 ignored = 0;
            if (!hexEscape(&ignored))
                return false;
        } else if (!strchr("\"\\/bfnrt", e) || e == 0) {
            return fail(tr("invalid escape"));
        }
    }
}

bool JsonReader::ignoreNumber()
{
    if (*m_p == '-')
        ++m_p;
    if (m_p >= m_end)
        return fail(tr("EOF while parsing a value"));
    const uchar first = *m_p++;
    if (first == '0') {
        if (isDigit())
            return fail(tr("invalid number"));
    } else if (first >= '1' && first <= '9') {
        while (isDigit())
            ++m_p;
    } else {
        return fail(tr("invalid number"));
    }
    if (m_p < m_end && *m_p == '.') {
        ++m_p;
        if (!isDigit())
            return fail(m_p < m_end ? tr("invalid number") : tr("EOF while parsing a value"));
        while (isDigit())
            ++m_p;
    }
    if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
        ++m_p;
        if (m_p < m_end && (*m_p == '+' || *m_p == '-'))
            ++m_p;
        if (!isDigit())
            return fail(m_p < m_end ? tr("invalid number") : tr("EOF while parsing a value"));
        while (isDigit())
            ++m_p;
    }
    return true;
}

// ignore_value: any well-formed JSON value, with an explicit stack (no
// recursion limit, as serde_json).
bool JsonReader::ignoreValue()
{
    QByteArray stack;
    for (;;) {
        const int c = peek();
        if (c == -1)
            return fail(tr("EOF while parsing a value"));
        bool opened = false;
        switch (c) {
        case 'n':
            if (!ident("null"))
                return false;
            break;
        case 't':
            if (!ident("true"))
                return false;
            break;
        case 'f':
            if (!ident("false"))
                return false;
            break;
        case '"':
            if (!ignoreString())
                return false;
            break;
        case '[':
        case '{':
            ++m_p;
            stack.append(char(c));
            opened = true;
            break;
        default:
            if (c == '-' || (c >= '0' && c <= '9')) {
                if (!ignoreNumber())
                    return false;
                break;
            }
            return fail(tr("expected value"));
        }
        bool acceptComma = !opened;
        if (!opened && stack.isEmpty())
            return true;
        for (;;) {
            const int d = peek();
            const char frame = stack.back();
            if (d == ',' && acceptComma) {
                ++m_p;
                break;
            }
            if ((d == ']' && frame == '[') || (d == '}' && frame == '{')) {
                ++m_p;
                stack.chop(1);
                if (stack.isEmpty())
                    return true;
                acceptComma = true;
                continue;
            }
            if (d == -1)
                return fail(tr("EOF while parsing a list or object"));
            if (acceptComma)
                return fail(frame == '[' ? tr("expected `,` or `]`") : tr("expected `,` or `}`"));
            break;
        }
        if (stack.back() == '{') {
            if (peek() != '"')
                return fail(peek() == -1 ? tr("EOF while parsing an object")
                                         : tr("key must be a string"));
            if (!ignoreString())
                return false;
            if (peek() != ':')
                return fail(tr("expected `:`"));
            ++m_p;
        }
    }
}

} // namespace RpcCodec
} // namespace Fizyr

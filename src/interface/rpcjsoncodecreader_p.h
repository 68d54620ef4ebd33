// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCJSONCODECREADER_P_H
#define FIZYRRPCQT_RPCJSONCODECREADER_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the fizyr-rpc-qt API. It exists purely as an
// implementation detail. This header file may change from version to
// version without notice, or even be removed.
//
// We mean it.
//

// RpcCodec::JsonReader: the JSON lexer as serde_json's Deserializer (numbers,
// strings, sequences and maps), the base of RpcJsonReader's private part,
// and the schema-driven reader. The lexer is inline here (the typed reader
// depends on it being inlined); the schema-driven decoding, the error
// positions and the skipping of ignored values are in rpcjsoncodec_read.cpp
// and rpcjsoncodec_lexer.cpp.

#include "rpcjsoncodec_p.h"

#include <QtCore/qpair.h>

namespace Fizyr {
namespace RpcCodec {

using RpcInterfaceModel::FieldDef;
using RpcInterfaceModel::TypeDef;
using RpcInterfaceModel::VariantDef;

// The schema-driven reader, and the base of RpcJsonReaderPrivate (the
// state of an RpcJsonReader).
class JsonReader
{
public:
    virtual ~JsonReader() = default;

    JsonReader(const QByteArray &body)
        : m_start(reinterpret_cast<const uchar *>(body.constData())), m_p(m_start),
          m_end(m_p + body.size())
    { }

    bool run(const TypeNode *type, QVariant *value, QString *error)
    {
        if (!decode(type, value) || !end()) {
            *error = m_error;
            return false;
        }
        return true;
    }

    // --- error helpers
    // The message with the path of the value being read.
    virtual QString describe(const QString &message) const { return m_path.describe(message); }

    bool fail(const QString &message)
    {
        if (m_error.isEmpty()) {
            const auto [line, column] = lineColumn();
            m_error = describe(message) + tr(" (line %1, column %2)").arg(line).arg(column);
        }
        return false;
    }

    QPair<int, int> lineColumn() const;

    bool invalidType(const char *expected)
    {
        return fail(
                tr("invalid type: %1, expected %2").arg(describeNext(), QLatin1String(expected)));
    }

    QString describeNext();

    // --- lexical
    void skipWs()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\t' || *m_p == '\r'))
            ++m_p;
    }
    int peek()
    {
        skipWs();
        return m_p < m_end ? *m_p : -1;
    }
    bool end()
    {
        if (peek() != -1)
            return fail(tr("trailing characters"));
        return true;
    }
    // The rest of a literal (`null`, `true`, `false`) after its first byte.
    template<size_t N>
    bool ident(const char (&word)[N])
    {
        constexpr size_t n = N - 1;
        if (size_t(m_end - m_p) >= n && std::memcmp(m_p, word, n) == 0) {
            m_p += n;
            return true;
        }
        // Byte by byte, for the error and its position.
        for (size_t i = 0; i < n; ++i) {
            if (m_p >= m_end)
                return fail(tr("EOF while parsing a value"));
            if (*m_p != uchar(word[i]))
                return fail(tr("expected ident"));
            ++m_p;
        }
        return true;
    }
    bool enter()
    {
        if (--m_depth == 0)
            return fail(tr("recursion limit exceeded"));
        return true;
    }
    void leave() { ++m_depth; }

    static bool overflowU64(quint64 a, quint64 digit)
    {
        const quint64 max = std::numeric_limits<quint64>::max();
        return a >= max / 10 && (a > max / 10 || digit > max % 10);
    }

    bool isDigit() const { return m_p < m_end && *m_p >= '0' && *m_p <= '9'; }

    // serde_json's parse_integer and friends (no float_roundtrip).
    bool parseNumber(Number *n)
    {
        const int c = peek();
        bool positive = true;
        if (c == '-') {
            positive = false;
            ++m_p;
        }
        if (m_p >= m_end)
            return fail(tr("EOF while parsing a value"));
        const uchar first = *m_p++;
        if (first == '0') {
            if (isDigit())
                return fail(tr("invalid number"));
            return parseNumberTail(positive, 0, n);
        }
        if (first < '1' || first > '9')
            return fail(tr("invalid number"));
        quint64 significand = first - '0';
        while (isDigit()) {
            const quint64 digit = *m_p - '0';
            if (overflowU64(significand, digit)) {
                // parse_long_integer
                int exponent = 0;
                while (isDigit()) {
                    ++m_p;
                    ++exponent;
                }
                n->kind = Number::F64;
                if (m_p < m_end && *m_p == '.')
                    return parseDecimal(positive, significand, exponent, &n->f);
                if (m_p < m_end && (*m_p == 'e' || *m_p == 'E'))
                    return parseExponent(positive, significand, exponent, &n->f);
                return fromParts(positive, significand, exponent, &n->f);
            }
            ++m_p;
            significand = significand * 10 + digit;
        }
        return parseNumberTail(positive, significand, n);
    }

    bool parseNumberTail(bool positive, quint64 significand, Number *n)
    {
        if (m_p < m_end && *m_p == '.') {
            n->kind = Number::F64;
            return parseDecimal(positive, significand, 0, &n->f);
        }
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
            n->kind = Number::F64;
            return parseExponent(positive, significand, 0, &n->f);
        }
        if (positive) {
            n->kind = Number::U64;
            n->u = significand;
            return true;
        }
        const qint64 neg = qint64(quint64(0) - significand);
        if (neg >= 0) {
            n->kind = Number::F64;
            n->f = -double(significand);
        } else {
            n->kind = Number::I64;
            n->i = neg;
        }
        return true;
    }

    bool parseDecimal(bool positive, quint64 significand, int exponentBefore, double *out)
    {
        ++m_p; // '.'
        int exponentAfter = 0;
        while (isDigit()) {
            const quint64 digit = *m_p - '0';
            if (overflowU64(significand, digit)) {
                // parse_decimal_overflow: ignore the remaining digits
                while (isDigit())
                    ++m_p;
                const int exponent = exponentBefore + exponentAfter;
                if (m_p < m_end && (*m_p == 'e' || *m_p == 'E'))
                    return parseExponent(positive, significand, exponent, out);
                return fromParts(positive, significand, exponent, out);
            }
            ++m_p;
            significand = significand * 10 + digit;
            --exponentAfter;
        }
        if (exponentAfter == 0)
            return fail(m_p < m_end ? tr("invalid number") : tr("EOF while parsing a value"));
        const int exponent = exponentBefore + exponentAfter;
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E'))
            return parseExponent(positive, significand, exponent, out);
        return fromParts(positive, significand, exponent, out);
    }

    bool parseExponent(bool positive, quint64 significand, int startingExp, double *out)
    {
        ++m_p; // 'e'
        bool positiveExp = true;
        if (m_p < m_end && *m_p == '+') {
            ++m_p;
        } else if (m_p < m_end && *m_p == '-') {
            positiveExp = false;
            ++m_p;
        }
        if (m_p >= m_end)
            return fail(tr("EOF while parsing a value"));
        const uchar first = *m_p++;
        if (first < '0' || first > '9')
            return fail(tr("invalid number"));
        qint32 exp = first - '0';
        while (isDigit()) {
            const qint32 digit = *m_p - '0';
            ++m_p;
            const qint32 max = std::numeric_limits<qint32>::max();
            if (exp >= max / 10 && (exp > max / 10 || digit > max % 10)) {
                // parse_exponent_overflow
                if (significand != 0 && positiveExp)
                    return fail(tr("number out of range"));
                while (isDigit())
                    ++m_p;
                *out = positive ? 0.0 : -0.0;
                return true;
            }
            exp = exp * 10 + digit;
        }
        qint64 finalExp = positiveExp ? qint64(startingExp) + exp : qint64(startingExp) - exp;
        finalExp = qBound(qint64(std::numeric_limits<qint32>::min()), finalExp,
                          qint64(std::numeric_limits<qint32>::max()));
        return fromParts(positive, significand, int(finalExp), out);
    }

    bool fromParts(bool positive, quint64 significand, int exponent, double *out)
    {
        const double *pow10 = pow10Table();
        double f = double(significand);
        for (;;) {
            const qint64 absExp = exponent < 0 ? -qint64(exponent) : qint64(exponent);
            if (absExp <= 308) {
                if (exponent >= 0) {
                    f *= pow10[absExp];
                    if (std::isinf(f))
                        return fail(tr("number out of range"));
                } else {
                    f /= pow10[absExp];
                }
                break;
            }
            if (f == 0.0)
                break;
            if (exponent >= 0)
                return fail(tr("number out of range"));
            f /= 1e308;
            exponent += 308;
        }
        *out = positive ? f : -f;
        return true;
    }

    bool hexEscape(quint16 *out)
    {
        quint16 n = 0;
        for (int i = 0; i < 4; ++i) {
            if (m_p >= m_end)
                return fail(tr("EOF while parsing a string"));
            const uchar c = *m_p++;
            int v;
            if (c >= '0' && c <= '9')
                v = c - '0';
            else if (c >= 'a' && c <= 'f')
                v = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                v = c - 'A' + 10;
            else
                return fail(tr("invalid escape"));
            n = quint16(n * 16 + v);
        }
        *out = n;
        return true;
    }

    static void appendUtf8(QByteArray *out, char32_t cp)
    {
        if (cp < 0x80) {
            out->append(char(cp));
        } else if (cp < 0x800) {
            out->append(char(0xc0 | (cp >> 6)));
            out->append(char(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out->append(char(0xe0 | (cp >> 12)));
            out->append(char(0x80 | ((cp >> 6) & 0x3f)));
            out->append(char(0x80 | (cp & 0x3f)));
        } else {
            out->append(char(0xf0 | (cp >> 18)));
            out->append(char(0x80 | ((cp >> 12) & 0x3f)));
            out->append(char(0x80 | ((cp >> 6) & 0x3f)));
            out->append(char(0x80 | (cp & 0x3f)));
        }
    }

    // parse_str: m_p at the opening quote. Strict: valid UTF-8, valid escapes.
    bool parseString(QByteArray *utf8)
    {
        ++m_p;
        utf8->resize(0); // keeps the capacity of a reused buffer
        const uchar *segment = m_p;
        for (;;) {
            while (m_p < m_end && *m_p != '"' && *m_p != '\\' && *m_p >= 0x20)
                ++m_p;
            if (m_p >= m_end)
                return fail(tr("EOF while parsing a string"));
            utf8->append(reinterpret_cast<const char *>(segment), m_p - segment);
            if (*m_p == '"') {
                ++m_p;
                if (!isValidUtf8(utf8->constData(), utf8->size()))
                    return fail(tr("invalid unicode code point"));
                return true;
            }
            if (*m_p < 0x20)
                return fail(tr("control character (\\u0000-\\u001F) found while parsing a string"));
            ++m_p; // backslash
            if (m_p >= m_end)
                return fail(tr("EOF while parsing a string"));
            const uchar e = *m_p++;
            switch (e) {
            case '"':
                utf8->append('"');
                break;
            case '\\':
                utf8->append('\\');
                break;
            case '/':
                utf8->append('/');
                break;
            case 'b':
                utf8->append('\b');
                break;
            case 'f':
                utf8->append('\f');
                break;
            case 'n':
                utf8->append('\n');
                break;
            case 'r':
                utf8->append('\r');
                break;
            case 't':
                utf8->append('\t');
                break;
            case 'u': {
                quint16 n1 = 0;
                if (!hexEscape(&n1))
                    return false;
                if (n1 >= 0xdc00 && n1 <= 0xdfff)
                    return fail(tr("lone leading surrogate in hex escape"));
                if (n1 >= 0xd800 && n1 <= 0xdbff) {
                    if (m_p >= m_end || *m_p != '\\')
                        return fail(tr("unexpected end of hex escape"));
                    ++m_p;
                    if (m_p >= m_end || *m_p != 'u')
                        return fail(tr("unexpected end of hex escape"));
                    ++m_p;
                    quint16 n2 = 0;
                    if (!hexEscape(&n2))
                        return false;
                    if (n2 < 0xdc00 || n2 > 0xdfff)
                        return fail(tr("lone leading surrogate in hex escape"));
                    appendUtf8(utf8, ((char32_t(n1 - 0xd800) << 10) | (n2 - 0xdc00)) + 0x10000);
                } else {
                    appendUtf8(utf8, n1);
                }
                break;
            }
            default:
                return fail(tr("invalid escape"));
            }
            segment = m_p;
        }
    }

    // parse_str into a QString: m_p at the opening quote. A string without
    // escapes (the common case) is converted straight from the body, with one
    // allocation; otherwise through parseString() and m_scratch, from the
    // start again (so the errors and their positions are parseString()'s).
    bool parseString(QString *out)
    {
        const uchar *q = m_p + 1;
        uchar high = 0; // any byte >= 0x80: the string is not plain ASCII
        while (q < m_end && *q != '"' && *q != '\\' && *q >= 0x20)
            high |= *q++;
        if (q < m_end && *q == '"') {
            const auto *begin = reinterpret_cast<const char *>(m_p + 1);
            const qsizetype size = q - (m_p + 1);
            m_p = q + 1;
            if (!(high & 0x80)) {
                *out = QString::fromLatin1(begin, size);
                return true;
            }
            if (!isValidUtf8(begin, size))
                return fail(tr("invalid unicode code point"));
            *out = QString::fromUtf8(begin, size);
            return true;
        }
        if (!parseString(&m_scratch))
            return false;
        *out = QString::fromUtf8(m_scratch);
        return true;
    }

    bool ignoreString();
    bool ignoreNumber();
    bool ignoreValue();

    // --- sequences and maps (serde_json's SeqAccess and MapAccess)
    // Returns 1 for an element, 0 for the end, -1 for an error.
    int nextElement(bool *first)
    {
        int c = peek();
        if (c == ']')
            return 0;
        if (c == ',' && !*first) {
            ++m_p;
            c = peek();
        } else if (c != -1) {
            if (!*first) {
                fail(tr("expected `,` or `]`"));
                return -1;
            }
            *first = false;
        } else {
            fail(tr("EOF while parsing a list"));
            return -1;
        }
        if (c == ']') {
            fail(tr("trailing comma"));
            return -1;
        }
        if (c == -1) {
            fail(tr("EOF while parsing a value"));
            return -1;
        }
        return 1;
    }

    bool endSeq()
    {
        const int c = peek();
        if (c == ']') {
            ++m_p;
            return true;
        }
        if (c == ',') {
            ++m_p;
            return fail(peek() == ']' ? tr("trailing comma") : tr("trailing characters"));
        }
        return fail(c == -1 ? tr("EOF while parsing a list") : tr("expected `,` or `]`"));
    }

    // Returns 1 with the key in *key, 0 at the end, -1 on error.
    int nextKey(bool *first, QByteArray *key)
    {
        int c = peek();
        if (c == '}')
            return 0;
        if (c == ',' && !*first) {
            ++m_p;
            c = peek();
        } else if (c != -1) {
            if (!*first) {
                fail(tr("expected `,` or `}`"));
                return -1;
            }
            *first = false;
        } else {
            fail(tr("EOF while parsing an object"));
            return -1;
        }
        if (c == '"')
            return parseString(key) ? 1 : -1;
        if (c == '}')
            fail(tr("trailing comma"));
        else if (c == -1)
            fail(tr("EOF while parsing a value"));
        else
            fail(tr("key must be a string"));
        return -1;
    }

    bool colon()
    {
        const int c = peek();
        if (c != ':')
            return fail(c == -1 ? tr("EOF while parsing an object") : tr("expected `:`"));
        ++m_p;
        return true;
    }

    bool endMap()
    {
        // The visitors read every key, so only `}` can follow here.
        if (peek() != '}')
            return fail(tr("expected `}`"));
        ++m_p;
        return true;
    }

    // --- typed decoding
    bool decodeInteger(const TypeNode *type, QVariant *out);

    static const char *kindName(const TypeNode *type) { return kindName(type->kind); }
    static const char *kindName(RpcTypeSchema::Kind kind)
    {
        switch (kind) {
        case RpcTypeSchema::I8:
            return "i8";
        case RpcTypeSchema::I16:
            return "i16";
        case RpcTypeSchema::I32:
            return "i32";
        case RpcTypeSchema::I64:
            return "i64";
        case RpcTypeSchema::U8:
            return "u8";
        case RpcTypeSchema::U16:
            return "u16";
        case RpcTypeSchema::U32:
            return "u32";
        case RpcTypeSchema::U64:
            return "u64";
        case RpcTypeSchema::F32:
            return "f32";
        case RpcTypeSchema::F64:
            return "f64";
        default:
            return "a value";
        }
    }

    bool integerFromNumber(const TypeNode *type, const Number &n, QVariant *out);

    // A number read for an integer of this kind: U64 or I64 in range, or fails.
    bool checkInteger(RpcTypeSchema::Kind kind, const Number &n)
    {
        if (n.kind == Number::F64)
            return fail(tr("invalid type: floating point `%1`, expected %2")
                                .arg(n.f)
                                .arg(QLatin1String(kindName(kind))));
        qint64 min = 0;
        quint64 max = 0;
        switch (kind) {
        case RpcTypeSchema::I8:
            min = -128, max = 127;
            break;
        case RpcTypeSchema::I16:
            min = -32768, max = 32767;
            break;
        case RpcTypeSchema::I32:
            min = std::numeric_limits<qint32>::min(), max = std::numeric_limits<qint32>::max();
            break;
        case RpcTypeSchema::I64:
            min = std::numeric_limits<qint64>::min(), max = std::numeric_limits<qint64>::max();
            break;
        case RpcTypeSchema::U8:
            max = 255;
            break;
        case RpcTypeSchema::U16:
            max = 65535;
            break;
        case RpcTypeSchema::U32:
            max = std::numeric_limits<quint32>::max();
            break;
        default:
            max = std::numeric_limits<quint64>::max();
            break;
        }
        if (n.kind == Number::U64) {
            if (n.u > max)
                return fail(tr("invalid value: integer `%1`, expected %2")
                                    .arg(n.u)
                                    .arg(QLatin1String(kindName(kind))));
            return true;
        }
        if (n.i < min)
            return fail(tr("invalid value: integer `%1`, expected %2")
                                .arg(n.i)
                                .arg(QLatin1String(kindName(kind))));
        return true;
    }

    bool decodeFloat(const TypeNode *type, QVariant *out);
    bool decodeString(QVariant *out);
    bool decodeSeq(const TypeNode *type, QVariant *out);
    bool decodeMap(const TypeNode *type, QVariant *out);
    bool decodeFields(const QList<FieldDef> &fields, bool containerDefault, QVariant *out);
    static QVariant defaultFor(const TypeNode *type);
    bool decodeStruct(const TypeNode *type, QVariant *out);
    bool decodeVariantData(const VariantDef &v, QVariant *data);
    const VariantDef *findVariant(const TypeDef *def, const QByteArray &name);
    bool decodeEnum(const TypeNode *type, QVariant *out);
    bool decode(const TypeNode *type, QVariant *out);

    const uchar *m_start;
    const uchar *m_p;
    const uchar *m_end;
    int m_depth = 128;
    Path m_path;
    QByteArray m_scratch; // parse buffer of strings that are converted or matched at once
    QString m_error;
};

} // namespace RpcCodec
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCJSONCODECREADER_P_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// JSON bodies exactly as serde_json 1.0.87 (default features) writes and
// reads them: the writer follows its Serializer (compact, ryu floats, its
// string escapes), the reader follows its Deserializer (number parsing
// without float_roundtrip, string validation, struct and enum forms).

#include "rpccodec_p.h"
#include "rpcjsonreader.h"
#include "rpcjsonwriter.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qlist.h>
#include <QtCore/qvarlengtharray.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace Fizyr {
namespace RpcCodec {

using RpcInterfaceModel::FieldDef;
using RpcInterfaceModel::TypeDef;
using RpcInterfaceModel::VariantDef;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Fizyr::RpcBodyCodec", text);
}

// ryu's pretty printer (format64 / format32) over the shortest digits of
// std::to_chars (libstdc++ computes them with Ryu as well).
// Writes into text (ShortestMax characters at most) and returns the end.
constexpr int ShortestMax = 352; // 1 + 17 digits + 1 + max(308 + 2, 16 + 2): fits

// The shortest digits of common short values without std::to_chars: a value
// that is an integer multiple of 2^-10 below 2^30 in magnitude is exactly
// M * 5^10 / 10^10 (M = |value| * 2^10 < 2^40, so M * 5^10 < 2^64), a finite
// decimal. With N significant digits (trailing zeros dropped), N <= 15 for
// f64 (N <= 6 for f32), every other decimal of at most N digits is at least
// 10^-N relative away, more than the rounding interval (2^-52, 2^-23
// relative), so these digits are the unique shortest round-trip form: what
// Ryu (and std::to_chars) gives. Returns false (nothing set) otherwise.
template<typename F>
bool shortestFast(F value, char *digits, int *length, int *kk)
{
    constexpr int maxDigits = sizeof(F) == 8 ? 15 : 6;
    const double scaled = std::fabs(double(value)) * 1024.0;
    if (!(scaled < 1099511627776.0)) // 2^40; false for NaN
        return false;
    const quint64 m = quint64(scaled);
    if (double(m) != scaled || m == 0)
        return false;
    quint64 n = m * 9765625u; // 5^10
    int zeros = 0;
    while (n % 10 == 0) {
        n /= 10;
        ++zeros;
    }
    char reversed[24];
    int count = 0;
    while (n) {
        reversed[count++] = char('0' + n % 10);
        n /= 10;
    }
    if (count > maxDigits)
        return false;
    for (int i = 0; i < count; ++i)
        digits[i] = reversed[count - 1 - i];
    *length = count;
    // value = digits * 10^(zeros - 10)
    *kk = count + zeros - 10;
    return true;
}

template<typename F>
char *formatShortest(char *text, F value, int maxIntegerDigits, int minExponent)
{
    if (value == 0) {
        if (std::signbit(value)) {
            std::memcpy(text, "-0.0", 4);
            return text + 4;
        }
        std::memcpy(text, "0.0", 3);
        return text + 3;
    }
    char *t = text;
    char digits[32];
    int length = 0;
    int kk = 0; // 10^(kk-1) <= |v| < 10^kk
    if (!shortestFast(value, digits, &length, &kk)) {
        char buf[64];
        const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
        const char *p = buf;
        if (*p == '-')
            ++p;
        while (p < res.ptr && *p != 'e') {
            if (*p != '.')
                digits[length++] = *p;
            ++p;
        }
        ++p; // 'e'
        int exp10 = 0;
        std::from_chars(*p == '+' ? p + 1 : p, res.ptr, exp10);
        kk = exp10 + 1;
    }
    if (std::signbit(value))
        *t++ = '-';
    const int k = kk - length;
    if (0 <= k && kk <= maxIntegerDigits) {
        std::memcpy(t, digits, size_t(length));
        t += length;
        std::memset(t, '0', size_t(k));
        t += k;
        *t++ = '.';
        *t++ = '0';
    } else if (0 < kk && kk <= maxIntegerDigits) {
        std::memcpy(t, digits, size_t(kk));
        t += kk;
        *t++ = '.';
        std::memcpy(t, digits + kk, size_t(length - kk));
        t += length - kk;
    } else if (minExponent < kk && kk <= 0) {
        *t++ = '0';
        *t++ = '.';
        std::memset(t, '0', size_t(-kk));
        t += -kk;
        std::memcpy(t, digits, size_t(length));
        t += length;
    } else {
        *t++ = digits[0];
        if (length > 1) {
            *t++ = '.';
            std::memcpy(t, digits + 1, size_t(length - 1));
            t += length - 1;
        }
        *t++ = 'e';
        t = std::to_chars(t, text + ShortestMax, kk - 1).ptr;
    }
    return t;
}

template<typename F>
void appendShortest(QByteArray *out, F value, int maxIntegerDigits, int minExponent)
{
    char text[ShortestMax];
    out->append(text, formatShortest(text, value, maxIntegerDigits, minExponent) - text);
}

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

// ---------------------------------------------------------------------------
// Reader

struct Number
{
    enum Kind { U64, I64, F64 } kind = U64;
    quint64 u = 0;
    qint64 i = 0;
    double f = 0;
};

const double *pow10Table()
{
    static const auto table = [] {
        auto *t = new double[309];
        for (int i = 0; i <= 308; ++i) {
            const QByteArray text = "1e" + QByteArray::number(i);
            t[i] = std::strtod(text.constData(), nullptr);
        }
        return t;
    }();
    return table;
}

} // namespace

// The schema-driven reader, and the base of RpcJsonReader's (outside the
// anonymous namespace for that).
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

    QPair<int, int> lineColumn() const
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

    bool invalidType(const char *expected)
    {
        return fail(
                tr("invalid type: %1, expected %2").arg(describeNext(), QLatin1String(expected)));
    }

    QString describeNext()
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

    // ignore_str: control characters and escapes are checked, UTF-8 and
    // surrogates are not.
    bool ignoreString()
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

    bool ignoreNumber()
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
    bool ignoreValue()
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
                    return fail(frame == '[' ? tr("expected `,` or `]`")
                                             : tr("expected `,` or `}`"));
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
    bool decodeInteger(const TypeNode *type, QVariant *out)
    {
        const int c = peek();
        if (c != '-' && !(c >= '0' && c <= '9'))
            return invalidType(kindName(type));
        Number n;
        if (!parseNumber(&n))
            return false;
        return integerFromNumber(type, n, out);
    }

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

    bool integerFromNumber(const TypeNode *type, const Number &n, QVariant *out)
    {
        if (!checkInteger(type->kind, n))
            return false;
        const bool isSigned = type->kind <= RpcTypeSchema::I64;
        if (n.kind == Number::U64)
            *out = isSigned ? QVariant(qint64(n.u)) : QVariant(quint64(n.u));
        else
            *out = QVariant(qint64(n.i));
        return true;
    }

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

    bool decodeFloat(const TypeNode *type, QVariant *out)
    {
        const int c = peek();
        if (c != '-' && !(c >= '0' && c <= '9'))
            return invalidType(kindName(type));
        Number n;
        if (!parseNumber(&n))
            return false;
        double v = n.kind == Number::U64 ? double(n.u) : n.kind == Number::I64 ? double(n.i) : n.f;
        if (type->kind == RpcTypeSchema::F32)
            v = double(doubleToFloat(v));
        *out = QVariant(v);
        return true;
    }

    bool decodeString(QVariant *out)
    {
        if (peek() != '"')
            return invalidType("a string");
        QString text;
        if (!parseString(&text))
            return false;
        *out = QVariant(std::move(text));
        return true;
    }

    bool decodeSeq(const TypeNode *type, QVariant *out)
    {
        if (peek() != '[')
            return invalidType("a sequence");
        ++m_p;
        if (!enter())
            return false;
        const bool bytes = type->element->kind == RpcTypeSchema::U8;
        QVariantList list;
        QByteArray byteArray;
        bool first = true;
        for (qsizetype index = 0;; ++index) {
            const int r = nextElement(&first);
            if (r < 0)
                return false;
            if (r == 0)
                break;
            m_path.pushIndex(index);
            QVariant element;
            if (!decode(type->element, &element))
                return false;
            m_path.pop();
            if (bytes)
                byteArray.append(char(element.toULongLong()));
            else
                list.append(element);
        }
        leave();
        if (!endSeq())
            return false;
        *out = bytes ? QVariant(byteArray) : QVariant(list);
        return true;
    }

    bool decodeMap(const TypeNode *type, QVariant *out)
    {
        if (peek() != '{')
            return invalidType("a map");
        ++m_p;
        if (!enter())
            return false;
        QVariantMap map;
        bool first = true;
        for (;;) {
            QByteArray key;
            const int r = nextKey(&first, &key);
            if (r < 0)
                return false;
            if (r == 0)
                break;
            if (!colon())
                return false;
            const QString k = QString::fromUtf8(key);
            m_path.pushKey(k);
            QVariant element;
            if (!decode(type->element, &element))
                return false;
            m_path.pop();
            map.insert(k, element);
        }
        leave();
        if (!endMap())
            return false;
        *out = map;
        return true;
    }

    // A struct's fields from a JSON array or object (serde_derive's
    // visit_seq / visit_map).
    bool decodeFields(const QList<FieldDef> &fields, bool containerDefault, QVariant *out)
    {
        const int c = peek();
        QVariantMap result;
        if (c == '[') {
            ++m_p;
            if (!enter())
                return false;
            bool first = true;
            for (const FieldDef &f : fields) {
                const int r = nextElement(&first);
                if (r < 0)
                    return false;
                if (r == 0) {
                    if (f.hasDefault || containerDefault) {
                        result.insert(f.wireName, defaultFor(f.type));
                        continue;
                    }
                    return fail(tr("invalid length %1, expected a struct with %2 elements")
                                        .arg(result.size())
                                        .arg(fields.size()));
                }
                m_path.pushField(f.wireName);
                QVariant v;
                if (!decode(f.type, &v))
                    return false;
                m_path.pop();
                result.insert(f.wireName, v);
            }
            leave();
            if (!endSeq())
                return false;
            *out = result;
            return true;
        }
        if (c != '{')
            return invalidType("a struct");
        ++m_p;
        if (!enter())
            return false;
        bool first = true;
        for (;;) {
            // The key is only needed until the field is known: one buffer
            // for every key (nested structs reuse it after that).
            QByteArray &key = m_scratch;
            const int r = nextKey(&first, &key);
            if (r < 0)
                return false;
            if (r == 0)
                break;
            const FieldDef *field = nullptr;
            for (const FieldDef &f : fields) {
                if (wireNameUtf8(f) == key) {
                    field = &f;
                    break;
                }
            }
            if (field && result.contains(field->wireName))
                return fail(tr("duplicate field `%1`").arg(field->wireName));
            if (!colon())
                return false;
            if (!field) {
                if (!ignoreValue())
                    return false;
                continue;
            }
            const QString &k = field->wireName;
            m_path.pushField(k);
            QVariant v;
            if (!decode(field->type, &v))
                return false;
            m_path.pop();
            result.insert(k, v);
        }
        leave();
        if (!endMap())
            return false;
        for (const FieldDef &f : fields) {
            if (result.contains(f.wireName))
                continue;
            if (f.hasDefault || containerDefault)
                result.insert(f.wireName, defaultFor(f.type));
            else if (f.type->kind == RpcTypeSchema::Option)
                result.insert(f.wireName, nullValue());
            else
                return fail(tr("missing field `%1`").arg(f.wireName));
        }
        *out = result;
        return true;
    }

    static QVariant defaultFor(const TypeNode *type);

    bool decodeStruct(const TypeNode *type, QVariant *out)
    {
        const TypeDef *def = type->def;
        if (def->unitStruct) {
            if (peek() != 'n')
                return invalidType("unit struct");
            ++m_p;
            if (!ident("ull"))
                return false;
            *out = nullValue();
            return true;
        }
        return decodeFields(def->fields, def->containerDefault, out);
    }

    bool decodeVariantData(const VariantDef &v, QVariant *data)
    {
        switch (v.kind) {
        case RpcVariant::Unit:
            if (peek() != 'n')
                return invalidType("unit variant");
            ++m_p;
            return ident("ull");
        case RpcVariant::Newtype:
            return decode(v.types.first(), data);
        case RpcVariant::Tuple: {
            if (peek() != '[')
                return invalidType("tuple variant");
            ++m_p;
            if (!enter())
                return false;
            QVariantList list;
            bool first = true;
            for (qsizetype i = 0; i < v.types.size(); ++i) {
                const int r = nextElement(&first);
                if (r < 0)
                    return false;
                if (r == 0)
                    return fail(tr("invalid length %1, expected tuple variant %2 with %3 elements")
                                        .arg(i)
                                        .arg(v.name)
                                        .arg(v.types.size()));
                m_path.pushIndex(i);
                QVariant e;
                if (!decode(v.types.at(i), &e))
                    return false;
                m_path.pop();
                list.append(e);
            }
            leave();
            if (!endSeq())
                return false;
            *data = list;
            return true;
        }
        case RpcVariant::Struct:
            return decodeFields(v.fields, false, data);
        }
        return false;
    }

    const VariantDef *findVariant(const TypeDef *def, const QByteArray &name)
    {
        const QString n = QString::fromUtf8(name);
        for (const VariantDef &v : def->variants) {
            if (v.wireName == n)
                return &v;
        }
        QStringList names;
        for (const VariantDef &v : def->variants)
            names.append(QLatin1Char('`') + v.wireName + QLatin1Char('`'));
        fail(tr("unknown variant `%1`, expected one of %2")
                     .arg(n, names.join(QLatin1String(", "))));
        return nullptr;
    }

    bool decodeEnum(const TypeNode *type, QVariant *out)
    {
        const TypeDef *def = type->def;
        const int c = peek();
        if (c == '"') {
            QByteArray name;
            if (!parseString(&name))
                return false;
            const VariantDef *v = findVariant(def, name);
            if (!v)
                return false;
            if (v->kind != RpcVariant::Unit)
                return fail(tr("invalid type: unit variant, expected %1 variant `%2`")
                                    .arg(v->kind == RpcVariant::Newtype         ? tr("newtype")
                                                 : v->kind == RpcVariant::Tuple ? tr("tuple")
                                                                                : tr("struct"),
                                         v->wireName));
            *out = QVariant(v->wireName);
            return true;
        }
        if (c != '{')
            return fail(c == -1 ? tr("EOF while parsing a value") : tr("expected value"));
        ++m_p;
        if (!enter())
            return false;
        if (peek() != '"')
            return invalidType("variant identifier");
        QByteArray name;
        if (!parseString(&name))
            return false;
        const VariantDef *v = findVariant(def, name);
        if (!v)
            return false;
        if (!colon())
            return false;
        m_path.pushField(v->wireName);
        QVariant data = nullValue();
        if (!decodeVariantData(*v, &data))
            return false;
        m_path.pop();
        leave();
        const int d = peek();
        if (d != '}')
            return fail(d == -1 ? tr("EOF while parsing an object") : tr("expected value"));
        ++m_p;
        if (v->kind == RpcVariant::Unit) {
            *out = QVariant(v->wireName);
        } else {
            QVariantMap map;
            map.insert(v->wireName, data);
            *out = map;
        }
        return true;
    }

    bool decode(const TypeNode *type, QVariant *out)
    {
        switch (type->kind) {
        case RpcTypeSchema::Invalid:
            return fail(tr("invalid schema"));
        case RpcTypeSchema::Unit:
            if (peek() != 'n')
                return invalidType("unit");
            ++m_p;
            if (!ident("ull"))
                return false;
            *out = nullValue();
            return true;
        case RpcTypeSchema::Bool: {
            const int c = peek();
            if (c == 't') {
                ++m_p;
                if (!ident("rue"))
                    return false;
                *out = QVariant(true);
                return true;
            }
            if (c == 'f') {
                ++m_p;
                if (!ident("alse"))
                    return false;
                *out = QVariant(false);
                return true;
            }
            return invalidType("a boolean");
        }
        case RpcTypeSchema::I8:
        case RpcTypeSchema::I16:
        case RpcTypeSchema::I32:
        case RpcTypeSchema::I64:
        case RpcTypeSchema::U8:
        case RpcTypeSchema::U16:
        case RpcTypeSchema::U32:
        case RpcTypeSchema::U64:
            return decodeInteger(type, out);
        case RpcTypeSchema::F32:
        case RpcTypeSchema::F64:
            return decodeFloat(type, out);
        case RpcTypeSchema::String:
            return decodeString(out);
        case RpcTypeSchema::Vec:
            return decodeSeq(type, out);
        case RpcTypeSchema::Option:
            if (peek() == 'n') {
                ++m_p;
                if (!ident("ull"))
                    return false;
                *out = nullValue();
                return true;
            }
            return decode(type->element, out);
        case RpcTypeSchema::Map:
            return decodeMap(type, out);
        case RpcTypeSchema::Struct:
            return decodeStruct(type, out);
        case RpcTypeSchema::Enum:
            return decodeEnum(type, out);
        }
        return false;
    }

    const uchar *m_start;
    const uchar *m_p;
    const uchar *m_end;
    int m_depth = 128;
    Path m_path;
    QByteArray m_scratch; // parse buffer of strings that are converted or matched at once
    QString m_error;
};

QVariant JsonReader::defaultFor(const TypeNode *type)
{
    return defaultValueFor(type);
}

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

bool decodeJson(const TypeNode *type, const QByteArray &body, QVariant *value, QString *error)
{
    JsonReader reader(body);
    return reader.run(type, value, error);
}

} // namespace RpcCodec

// ---------------------------------------------------------------------------
// RpcJsonWriter

namespace {

inline char *escapeAscii(char *o, char16_t c)
{
    static const char hex[] = "0123456789abcdef";
    *o++ = '\\';
    switch (c) {
    case '"':
        *o++ = '"';
        break;
    case '\\':
        *o++ = '\\';
        break;
    case '\b':
        *o++ = 'b';
        break;
    case '\f':
        *o++ = 'f';
        break;
    case '\n':
        *o++ = 'n';
        break;
    case '\r':
        *o++ = 'r';
        break;
    case '\t':
        *o++ = 't';
        break;
    default:
        *o++ = 'u';
        *o++ = '0';
        *o++ = '0';
        *o++ = hex[c >> 4];
        *o++ = hex[c & 0xf];
    }
    return o;
}

} // namespace

/*!
    \class Fizyr::RpcJsonWriter
    \inmodule FizyrRpcQt
    \brief Writes a JSON body exactly as serde_json does, value by value.

    The streaming counterpart of RpcBodyCodec::encode() for JSON: the code
    that fizyr-rpc-gen generates writes the members of its value types
    straight to a writer (\c writeJson()), without building a QVariant
    first. The output is compact and byte-identical to serde_json 1.0's
    \c to_vec(): floats in ryu's shortest form (\c 1.0, \c 1e+100 as
    \c 1e100), non-finite floats as \c null, strings with serde_json's
    escapes.

    Values are written in document order: a struct is an object
    (beginObject(), then writeKey() and the value per field, then
    endObject()), a \c Vec an array, an \c Option its value or null. The
    writer adds the commas and colons; it does not check that the calls
    form a well-nested document.

    A string that cannot be encoded (unpaired UTF-16 surrogates: Rust
    strings cannot hold them) sets the error (hasError(), errorString());
    the output is then not valid.

    The writer is not thread-safe; use one per thread.

    \sa RpcJsonReader, RpcBodyCodec
*/

/*! Creates a writer with an empty output. */
RpcJsonWriter::RpcJsonWriter() = default;

/*! Destroys the writer. */
RpcJsonWriter::~RpcJsonWriter() = default;

// The buffer is m_out with its size as the capacity; m_used bytes are written.
void RpcJsonWriter::reserveMore(qsizetype max)
{
    const qsizetype needed = m_used + max;
    m_out.resize(std::max<qsizetype>(needed, std::max<qsizetype>(2 * m_out.size(), 256)));
    m_buffer = m_out.data();
}

/*! Writes \c null (a \c (), a \c None, a unit struct). */
void RpcJsonWriter::writeNull()
{
    char *p = grow(5);
    if (m_comma)
        *p++ = ',';
    std::memcpy(p, "null", 4);
    shrinkTo(p + 4);
    m_comma = true;
}

/*! Writes \a value: \c true or \c false. */
void RpcJsonWriter::writeBool(bool value)
{
    char *p = grow(6);
    if (m_comma)
        *p++ = ',';
    if (value) {
        std::memcpy(p, "true", 4);
        p += 4;
    } else {
        std::memcpy(p, "false", 5);
        p += 5;
    }
    shrinkTo(p);
    m_comma = true;
}

/*! Writes \a value, a signed integer (\c i8 to \c i64). */
void RpcJsonWriter::writeInteger(qint64 value)
{
    char *p = grow(22);
    if (m_comma)
        *p++ = ',';
    shrinkTo(std::to_chars(p, p + 21, value).ptr);
    m_comma = true;
}

/*! Writes \a value, an unsigned integer (\c u8 to \c u64). */
void RpcJsonWriter::writeUnsigned(quint64 value)
{
    char *p = grow(22);
    if (m_comma)
        *p++ = ',';
    shrinkTo(std::to_chars(p, p + 21, value).ptr);
    m_comma = true;
}

/*! Writes \a value, an \c f32, in its shortest form (\c null if it is not finite). */
void RpcJsonWriter::writeFloat(float value)
{
    if (!std::isfinite(value))
        return writeNull();
    char text[RpcCodec::ShortestMax];
    const qsizetype length = RpcCodec::formatShortest(text, value, 13, -6) - text;
    char *p = grow(length + 1);
    if (m_comma)
        *p++ = ',';
    std::memcpy(p, text, size_t(length));
    shrinkTo(p + length);
    m_comma = true;
}

/*! Writes \a value, an \c f64, in its shortest form (\c null if it is not finite). */
void RpcJsonWriter::writeDouble(double value)
{
    if (!std::isfinite(value))
        return writeNull();
    char text[RpcCodec::ShortestMax];
    const qsizetype length = RpcCodec::formatShortest(text, value, 16, -5) - text;
    char *p = grow(length + 1);
    if (m_comma)
        *p++ = ',';
    std::memcpy(p, text, size_t(length));
    shrinkTo(p + length);
    m_comma = true;
}

/*!
    Writes the string \a value. Unpaired surrogates set the error.
*/
void RpcJsonWriter::writeString(QStringView value)
{
    appendString(value, m_comma ? "," : "", "");
    m_comma = true;
}

/*! Starts an array (a \c Vec, a tuple variant's data). */
void RpcJsonWriter::beginArray()
{
    char *p = grow(2);
    if (m_comma)
        *p++ = ',';
    *p++ = '[';
    shrinkTo(p);
    m_comma = false;
}

/*! Ends the array started last. */
void RpcJsonWriter::endArray()
{
    *grow(1) = ']';
    ++m_used;
    m_comma = true;
}

/*! Starts an object (a struct, a map, an enum variant with data). */
void RpcJsonWriter::beginObject()
{
    char *p = grow(2);
    if (m_comma)
        *p++ = ',';
    *p++ = '{';
    shrinkTo(p);
    m_comma = false;
}

/*!
    Writes the key of the next member of an object, given in UTF-8 as \a utf8
    (a field or variant name); the value follows.
*/
void RpcJsonWriter::writeKey(QByteArrayView utf8)
{
    char *p = grow(6 * utf8.size() + 4);
    if (m_comma)
        *p++ = ',';
    *p++ = '"';
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u != '"' && u != '\\')
            *p++ = c;
        else
            p = escapeAscii(p, u);
    }
    *p++ = '"';
    *p++ = ':';
    shrinkTo(p);
    m_comma = false;
}

/*!
    \overload
    Writes \a key, the key of the next member of an object (a map key); the
    value follows. Unpaired surrogates set the error.
*/
void RpcJsonWriter::writeKey(QStringView key)
{
    appendString(key, m_comma ? "," : "", ":");
    m_comma = false;
}

/*! Ends the object started last. */
void RpcJsonWriter::endObject()
{
    *grow(1) = '}';
    ++m_used;
    m_comma = true;
}

/*!
    \fn bool Fizyr::RpcJsonWriter::hasError() const
    Returns \c true if a value could not be encoded (see errorString()).
*/

/*!
    \fn QString Fizyr::RpcJsonWriter::errorString() const
    Returns the first encoding error, or an empty string.
*/

/*! Returns the JSON text written so far. */
QByteArray RpcJsonWriter::data() const
{
    return m_out.left(m_used);
}

/*!
    Returns the JSON text written so far and leaves the writer empty, ready
    for the next document (the error is cleared as well).
*/
QByteArray RpcJsonWriter::takeData()
{
    m_out.resize(m_used);
    m_comma = false;
    m_error.clear();
    m_buffer = nullptr;
    m_used = 0;
    return std::exchange(m_out, QByteArray());
}

// A quoted string straight from UTF-16: no intermediate UTF-8 copy.
// before and after (at most one character each) frame the quoted string.
void RpcJsonWriter::appendString(QStringView value, const char *before, const char *after)
{
    const qsizetype n = value.size();
    char *o = grow(6 * n + 4); // the worst case: every unit a \u00XX escape
    if (*before)
        *o++ = *before;
    *o++ = '"';
    const char16_t *p = value.utf16();
    const char16_t *const end = p + n;
    while (p < end) {
        const char16_t c = *p++;
        if (c < 0x80) {
            if (c >= 0x20 && c != '"' && c != '\\')
                *o++ = char(c);
            else
                o = escapeAscii(o, c);
        } else if (c < 0x800) {
            *o++ = char(0xc0 | (c >> 6));
            *o++ = char(0x80 | (c & 0x3f));
        } else if (c < 0xd800 || c > 0xdfff) {
            *o++ = char(0xe0 | (c >> 12));
            *o++ = char(0x80 | ((c >> 6) & 0x3f));
            *o++ = char(0x80 | (c & 0x3f));
        } else if (c < 0xdc00 && p < end && *p >= 0xdc00 && *p <= 0xdfff) {
            const char32_t cp = ((char32_t(c - 0xd800) << 10) | char32_t(*p++ - 0xdc00)) + 0x10000;
            *o++ = char(0xf0 | (cp >> 18));
            *o++ = char(0x80 | ((cp >> 12) & 0x3f));
            *o++ = char(0x80 | ((cp >> 6) & 0x3f));
            *o++ = char(0x80 | (cp & 0x3f));
        } else if (m_error.isEmpty()) {
            m_error = RpcCodec::tr("the string has unpaired surrogates");
        }
    }
    *o++ = '"';
    if (*after)
        *o++ = *after;
    shrinkTo(o);
}

// ---------------------------------------------------------------------------
// RpcJsonReader

class RpcJsonReaderPrivate final : public RpcCodec::JsonReader
{
public:
    using Field = RpcJsonReader::Field;
    using Variant = RpcJsonReader::Variant;

    // An open container, for the state of its reading and for the path of
    // the value being read, built only for an error message.
    struct Frame
    {
        enum Kind { Sequence, Map, Struct, Enum, Tuple };
        Kind kind = Sequence;
        bool active = false; // a member is being read: part of the path
        bool first = true;
        bool sequenceForm = false; // Struct: from an array; Enum: {"name": data} form
        int index = -1; // Sequence, Tuple: element; Struct: field
        int next = 0; // Struct (array form), Tuple: the next index
        int count = 0;
        const Field *fields = nullptr;
        const Variant *variant = nullptr;
        // Struct (object form): the fields read, bit i for field i when there
        // are at most 64 (no allocation); else from m_seen[seenOffset] on.
        quint64 seenMask = 0;
        qsizetype seenOffset = -1;
        QString key; // Map
    };

    explicit RpcJsonReaderPrivate(const QByteArray &body) : JsonReader(body), m_body(body) { }

    // A reader of this thread, ready for body: the one the last reader
    // released (no allocation per decode: the generated code makes a reader
    // per body), or a new one. Nested readers each get their own.
    static RpcJsonReaderPrivate *acquire(const QByteArray &body)
    {
        RpcJsonReaderPrivate *d = s_spare.release();
        if (!d)
            return new RpcJsonReaderPrivate(body);
        d->m_body = body;
        d->m_start = reinterpret_cast<const uchar *>(d->m_body.constData());
        d->m_p = d->m_start;
        d->m_end = d->m_start + d->m_body.size();
        return d;
    }

    // Keeps d for the next reader of this thread, in the state of a new one
    // (the scratch buffer keeps its capacity); deletes it if one is kept.
    static void release(std::unique_ptr<RpcJsonReaderPrivate> d)
    {
        if (s_spare)
            return;
        d->m_body = QByteArray();
        d->m_start = d->m_p = d->m_end = nullptr;
        d->m_depth = 128;
        d->m_error.clear();
        d->m_frames.clear(); // a reading that stopped at an error leaves frames
        d->m_seen.clear();
        if (d->m_scratch.capacity() > 4096)
            d->m_scratch = QByteArray();
        s_spare = std::move(d);
    }

    QString describe(const QString &message) const override
    {
        RpcCodec::Path path;
        for (const Frame &f : m_frames) {
            if (!f.active)
                continue;
            switch (f.kind) {
            case Frame::Sequence:
            case Frame::Tuple:
                path.pushIndex(f.index);
                break;
            case Frame::Map:
                path.pushKey(f.key);
                break;
            case Frame::Struct:
                path.pushField(QString::fromUtf8(f.fields[f.index].wireName));
                break;
            case Frame::Enum:
                path.pushField(QString::fromUtf8(f.variant->wireName));
                break;
            }
        }
        return path.describe(message);
    }

    Frame &top() { return m_frames.last(); }

    Frame &push(Frame::Kind kind)
    {
        m_frames.append(Frame());
        Frame &f = m_frames.last();
        f.kind = kind;
        return f;
    }

    bool readNumber(RpcTypeSchema::Kind kind, RpcCodec::Number *n)
    {
        const int c = peek();
        if (c != '-' && !(c >= '0' && c <= '9'))
            return invalidType(kindName(kind));
        return parseNumber(n);
    }

    template<typename T>
    bool readSigned(RpcTypeSchema::Kind kind, T *value)
    {
        RpcCodec::Number n;
        if (!readNumber(kind, &n) || !checkInteger(kind, n))
            return false;
        *value = T(n.kind == RpcCodec::Number::U64 ? qint64(n.u) : n.i);
        return true;
    }

    template<typename T>
    bool readUnsigned(RpcTypeSchema::Kind kind, T *value)
    {
        RpcCodec::Number n;
        if (!readNumber(kind, &n) || !checkInteger(kind, n))
            return false;
        *value = T(n.u); // checkInteger() accepts no negative number here
        return true;
    }

    bool readDouble(RpcTypeSchema::Kind kind, double *value)
    {
        RpcCodec::Number n;
        if (!readNumber(kind, &n))
            return false;
        *value = n.kind == RpcCodec::Number::U64  ? double(n.u)
                : n.kind == RpcCodec::Number::I64 ? double(n.i)
                                                  : n.f;
        return true;
    }

    bool readNullAs(const char *expected)
    {
        if (peek() != 'n')
            return invalidType(expected);
        ++m_p;
        return ident("ull");
    }

    // The common case of nextKey() + findField(): the next key is the next
    // field in declared order, written without escapes. Returns its index
    // (the key read), or -1 with nothing read but white space.
    int expectedKey(Frame &f)
    {
        const int expected = f.index + 1;
        if (expected >= f.count)
            return -1;
        const int c = peek();
        const uchar *q = m_p;
        if (c == ',' && !f.first) {
            ++q;
            while (q < m_end && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'))
                ++q;
        } else if (!(c == '"' && f.first)) {
            return -1;
        }
        if (q >= m_end || *q != '"')
            return -1;
        ++q;
        const char *name = f.fields[expected].wireName;
        for (; *name; ++name, ++q) {
            const auto n = uchar(*name);
            if (n == '"' || n == '\\' || n < 0x20 || q >= m_end || *q != n)
                return -1;
        }
        if (q >= m_end || *q != '"')
            return -1;
        m_p = q + 1;
        f.first = false;
        return expected;
    }

    int findField(Frame &f, const QByteArray &key)
    {
        // Fields usually arrive in their declared order: try the next one first.
        const int expected = f.index + 1;
        auto matches = [&](int i) {
            const char *name = f.fields[i].wireName;
            return qstrncmp(name, key.constData(), size_t(key.size())) == 0
                    && name[key.size()] == '\0';
        };
        if (expected < f.count && matches(expected))
            return expected;
        for (int i = 0; i < f.count; ++i) {
            if (i != expected && matches(i))
                return i;
        }
        return -1;
    }

    QByteArray m_body; // keeps the text alive
    QVarLengthArray<Frame, 4> m_frames; // grows beyond 4 levels of nesting
    QVarLengthArray<bool, 32> m_seen; // Struct (object form), over 64 fields: the fields read

    bool seen(const Frame &f, int i) const
    {
        return f.seenOffset < 0 ? (f.seenMask >> i) & 1 : m_seen[f.seenOffset + i];
    }
    void markSeen(Frame &f, int i)
    {
        if (f.seenOffset < 0)
            f.seenMask |= quint64(1) << i;
        else
            m_seen[f.seenOffset + i] = true;
    }

private:
    static thread_local std::unique_ptr<RpcJsonReaderPrivate> s_spare;
};

thread_local std::unique_ptr<RpcJsonReaderPrivate> RpcJsonReaderPrivate::s_spare;

/*!
    \class Fizyr::RpcJsonReader
    \inmodule FizyrRpcQt
    \brief Reads a JSON body exactly as serde_json does, value by value.

    The streaming counterpart of RpcBodyCodec::decode() for JSON: the code
    that fizyr-rpc-gen generates reads keys straight into the members of its
    value types (\c readJson()), without building a QVariant first. It
    accepts and rejects exactly what serde_json 1.0 with serde_derive's
    \c Deserialize accepts and rejects, and its error messages are those of
    RpcBodyCodec::decode(): the path of the value (\c {`objects[3].pose.x`}),
    serde's message and the position (line and column).

    Every function returns \c false on an error; the first error is kept
    (errorString()) and the reader stops there. The functions that iterate
    (nextElement(), nextKey(), nextTupleElement()) also return \c false at
    the end of their container: hasError() tells the two apart.

    A struct is read with beginStruct(), then nextField() until it returns
    -1, reading the value of each field it names, then endStruct(); serde's
    rules (both the object and the array form, unknown fields skipped,
    duplicates rejected, missing fields defaulted or rejected) are applied by
    the reader. An enum is read with beginEnum() (which reads a unit
    variant's data itself), the variant's data, then endEnum().

    The reader keeps a copy of the body (implicitly shared). It is not
    thread-safe; use one per thread.

    \sa RpcJsonWriter, RpcBodyCodec
*/

/*!
    \enum Fizyr::RpcJsonReader::FieldFlag
    How a struct field may be missing from the body.
    \value Required     The field must be present.
    \value HasDefault   \c{#[serde(default)]}: a missing field keeps its default.
    \value Optional     An \c Option field: missing in the object form means \c None.
*/

/*!
    \class Fizyr::RpcJsonReader::Field
    \inmodule FizyrRpcQt
    \brief A struct field, as beginStruct() takes it.

    An aggregate meant for static arrays in generated code.
*/

/*!
    \variable Fizyr::RpcJsonReader::Field::wireName
    The field's name in the body, in UTF-8 (nul-terminated).
*/

/*!
    \variable Fizyr::RpcJsonReader::Field::flags
    The field's \l FieldFlag values.
*/

/*!
    \enum Fizyr::RpcJsonReader::VariantKind
    The shape of an enum variant.
    \value UnitVariant      No data.
    \value NewtypeVariant   One value.
    \value TupleVariant     Several values (read with beginTuple()).
    \value StructVariant    Named fields (read with beginStruct()).
*/

/*!
    \class Fizyr::RpcJsonReader::Variant
    \inmodule FizyrRpcQt
    \brief An enum variant, as beginEnum() takes it.

    An aggregate meant for static arrays in generated code.
*/

/*!
    \variable Fizyr::RpcJsonReader::Variant::wireName
    The variant's name in the body, in UTF-8 (nul-terminated).
*/

/*!
    \variable Fizyr::RpcJsonReader::Variant::name
    The variant's name as declared, for error messages.
*/

/*!
    \variable Fizyr::RpcJsonReader::Variant::kind
    The variant's shape.
*/

/*! Creates a reader of \a body. */
RpcJsonReader::RpcJsonReader(const QByteArray &body) : d(RpcJsonReaderPrivate::acquire(body)) { }

/*! Destroys the reader. */
RpcJsonReader::~RpcJsonReader()
{
    RpcJsonReaderPrivate::release(std::move(d));
}

/*! Reads a \c bool into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(bool *value)
{
    const int c = d->peek();
    if (c == 't') {
        ++d->m_p;
        if (!d->ident("rue"))
            return false;
        *value = true;
        return true;
    }
    if (c == 'f') {
        ++d->m_p;
        if (!d->ident("alse"))
            return false;
        *value = false;
        return true;
    }
    return d->invalidType("a boolean");
}

/*! \overload Reads an \c i8 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(qint8 *value)
{
    return d->readSigned(RpcTypeSchema::I8, value);
}

/*! \overload Reads an \c i16 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(qint16 *value)
{
    return d->readSigned(RpcTypeSchema::I16, value);
}

/*! \overload Reads an \c i32 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(qint32 *value)
{
    return d->readSigned(RpcTypeSchema::I32, value);
}

/*! \overload Reads an \c i64 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(qint64 *value)
{
    return d->readSigned(RpcTypeSchema::I64, value);
}

/*! \overload Reads a \c u8 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(quint8 *value)
{
    return d->readUnsigned(RpcTypeSchema::U8, value);
}

/*! \overload Reads a \c u16 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(quint16 *value)
{
    return d->readUnsigned(RpcTypeSchema::U16, value);
}

/*! \overload Reads a \c u32 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(quint32 *value)
{
    return d->readUnsigned(RpcTypeSchema::U32, value);
}

/*! \overload Reads a \c u64 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(quint64 *value)
{
    return d->readUnsigned(RpcTypeSchema::U64, value);
}

/*!
    \overload
    Reads an \c f32 into \a value (a number rounded as Rust's \c{as f32}).
    Returns \c false on an error.
*/
bool RpcJsonReader::read(float *value)
{
    double v;
    if (!d->readDouble(RpcTypeSchema::F32, &v))
        return false;
    *value = RpcCodec::doubleToFloat(v);
    return true;
}

/*! \overload Reads an \c f64 into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(double *value)
{
    return d->readDouble(RpcTypeSchema::F64, value);
}

/*! \overload Reads a \c String into \a value. Returns \c false on an error. */
bool RpcJsonReader::read(QString *value)
{
    if (d->peek() != '"')
        return d->invalidType("a string");
    return d->parseString(value);
}

/*!
    \overload
    Reads a \c{Vec<u8>} (an array of numbers) into \a bytes. Returns \c false
    on an error.
*/
bool RpcJsonReader::read(QByteArray *bytes)
{
    if (!beginSequence())
        return false;
    bytes->clear();
    while (nextElement()) {
        quint8 byte = 0;
        if (!read(&byte))
            return false;
        bytes->append(char(byte));
    }
    return !hasError() && endSequence();
}

/*! Reads a \c () (\c null). Returns \c false on an error. */
bool RpcJsonReader::readUnit()
{
    return d->readNullAs("unit");
}

/*! Reads the value of a unit struct (\c null). Returns \c false on an error. */
bool RpcJsonReader::readUnitStruct()
{
    return d->readNullAs("unit struct");
}

/*!
    Reads a \c null if the next value is one (an \c Option that is \c None)
    and sets \a isNull accordingly; otherwise reads nothing. Returns \c false
    on an error.
*/
bool RpcJsonReader::readIfNull(bool *isNull)
{
    if (d->peek() != 'n') {
        *isNull = false;
        return true;
    }
    ++d->m_p;
    *isNull = true;
    return d->ident("ull");
}

/*! Starts reading an array (a \c Vec). Returns \c false on an error. */
bool RpcJsonReader::beginSequence()
{
    if (d->peek() != '[')
        return d->invalidType("a sequence");
    ++d->m_p;
    if (!d->enter())
        return false;
    d->push(RpcJsonReaderPrivate::Frame::Sequence);
    return true;
}

/*!
    Returns \c true if the array has another element (read it next), \c
    false at its end or on an error.
*/
bool RpcJsonReader::nextElement()
{
    auto &f = d->top();
    f.active = false;
    if (d->nextElement(&f.first) <= 0)
        return false;
    ++f.index;
    f.active = true;
    return true;
}

/*!
    Ends reading an array, after nextElement() returned \c false. Returns
    \c false on an error.
*/
bool RpcJsonReader::endSequence()
{
    d->m_frames.removeLast();
    d->leave();
    return d->endSeq();
}

/*!
    Starts reading an object as a map (a \c BTreeMap or \c HashMap).
    Returns \c false on an error.
*/
bool RpcJsonReader::beginMap()
{
    if (d->peek() != '{')
        return d->invalidType("a map");
    ++d->m_p;
    if (!d->enter())
        return false;
    d->push(RpcJsonReaderPrivate::Frame::Map);
    return true;
}

/*!
    Reads the next key of the map into \a key and returns \c true (read the
    value next); returns \c false at its end or on an error.
*/
bool RpcJsonReader::nextKey(QString *key)
{
    auto &f = d->top();
    f.active = false;
    if (d->nextKey(&f.first, &d->m_scratch) <= 0)
        return false;
    *key = QString::fromUtf8(d->m_scratch);
    if (!d->colon())
        return false;
    f.key = *key;
    f.active = true;
    return true;
}

/*!
    Ends reading a map, after nextKey() returned \c false. Returns \c false
    on an error.
*/
bool RpcJsonReader::endMap()
{
    d->m_frames.removeLast();
    d->leave();
    return d->endMap();
}

/*!
    Starts reading a struct with the \a count fields \a fields (in declared
    order; the array must outlive the reading of the struct). Both of
    serde's forms are accepted: an object, and an array of the fields in
    order. Returns \c false on an error.
*/
bool RpcJsonReader::beginStruct(const Field *fields, int count)
{
    const int c = d->peek();
    if (c != '[' && c != '{')
        return d->invalidType("a struct");
    ++d->m_p;
    if (!d->enter())
        return false;
    auto &f = d->push(RpcJsonReaderPrivate::Frame::Struct);
    f.fields = fields;
    f.count = count;
    f.sequenceForm = c == '[';
    if (!f.sequenceForm) {
        if (count > 64) {
            f.seenOffset = d->m_seen.size();
            d->m_seen.resize(f.seenOffset + count);
            std::fill(d->m_seen.begin() + f.seenOffset, d->m_seen.end(), false);
        }
    }
    return true;
}

/*!
    Returns the index (in the array given to beginStruct()) of the next
    field in the body, whose value is to be read next; -1 at the end of the
    struct (call endStruct()), -2 on an error. Unknown fields are skipped.
*/
int RpcJsonReader::nextField()
{
    auto &f = d->top();
    f.active = false;
    if (f.sequenceForm) {
        while (f.next < f.count) {
            const int r = d->nextElement(&f.first);
            if (r < 0)
                return -2;
            if (r == 0) {
                if (f.fields[f.next].flags & HasDefault) {
                    ++f.next;
                    continue;
                }
                d->fail(RpcCodec::tr("invalid length %1, expected a struct with %2 elements")
                                .arg(f.next)
                                .arg(f.count));
                return -2;
            }
            f.index = f.next++;
            f.active = true;
            return f.index;
        }
        return -1;
    }
    for (;;) {
        int i = d->expectedKey(f);
        if (i < 0) {
            const int r = d->nextKey(&f.first, &d->m_scratch);
            if (r < 0)
                return -2;
            if (r == 0)
                return -1;
            i = d->findField(f, d->m_scratch);
        }
        if (i >= 0 && d->seen(f, i)) {
            d->fail(RpcCodec::tr("duplicate field `%1`")
                            .arg(QString::fromUtf8(f.fields[i].wireName)));
            return -2;
        }
        if (!d->colon())
            return -2;
        if (i < 0) {
            if (!d->ignoreValue())
                return -2;
            continue;
        }
        d->markSeen(f, i);
        f.index = i;
        f.active = true;
        return i;
    }
}

/*!
    Ends reading a struct, after nextField() returned -1: fails for a
    missing field that is neither \l Optional nor has a default. Returns \c
    false on an error.
*/
bool RpcJsonReader::endStruct()
{
    const RpcJsonReaderPrivate::Frame &top = d->top();
    const bool sequenceForm = top.sequenceForm;
    const int count = top.count;
    const Field *const fields = top.fields;
    const quint64 seenMask = top.seenMask;
    const qsizetype seenOffset = top.seenOffset;
    d->m_frames.removeLast();
    d->leave();
    if (sequenceForm)
        return d->endSeq();
    const auto seen = [&](int i) {
        return seenOffset < 0 ? (seenMask >> i) & 1 : d->m_seen[seenOffset + i];
    };
    bool ok = d->endMap();
    // Every field read (the common case): nothing to look up.
    if (ok
        && !(seenOffset < 0
             && seenMask == (count == 64 ? ~quint64(0) : (quint64(1) << count) - 1))) {
        for (int i = 0; i < count && ok; ++i) {
            if (!seen(i) && !(fields[i].flags & (HasDefault | Optional)))
                ok = d->fail(RpcCodec::tr("missing field `%1`")
                                     .arg(QString::fromUtf8(fields[i].wireName)));
        }
    }
    if (seenOffset >= 0)
        d->m_seen.resize(seenOffset);
    return ok;
}

/*!
    Starts reading an enum with the \a count variants \a variants (the array
    must outlive the reading of the value), in serde's externally tagged
    form: \c {"Name"} for a unit variant, \c {{"Name": data}} otherwise.
    Returns the index of the variant, or -1 on an error. The data of a unit
    variant is read here; the data of the others is read next (a value, a
    tuple with beginTuple(), a struct with beginStruct()), then endEnum().
*/
int RpcJsonReader::beginEnum(const Variant *variants, int count)
{
    auto find = [&](const QByteArray &name) {
        for (int i = 0; i < count; ++i) {
            if (qstrcmp(variants[i].wireName, name.constData()) == 0
                && qstrlen(variants[i].wireName) == size_t(name.size()))
                return i;
        }
        QStringList names;
        for (int i = 0; i < count; ++i)
            names.append(QLatin1Char('`') + QString::fromUtf8(variants[i].wireName)
                         + QLatin1Char('`'));
        d->fail(RpcCodec::tr("unknown variant `%1`, expected one of %2")
                        .arg(QString::fromUtf8(name), names.join(QLatin1String(", "))));
        return -1;
    };
    const int c = d->peek();
    if (c == '"') {
        if (!d->parseString(&d->m_scratch))
            return -1;
        const int i = find(d->m_scratch);
        if (i < 0)
            return -1;
        const Variant &v = variants[i];
        if (v.kind != UnitVariant) {
            d->fail(RpcCodec::tr("invalid type: unit variant, expected %1 variant `%2`")
                            .arg(v.kind == NewtypeVariant         ? RpcCodec::tr("newtype")
                                         : v.kind == TupleVariant ? RpcCodec::tr("tuple")
                                                                  : RpcCodec::tr("struct"),
                                 QString::fromUtf8(v.wireName)));
            return -1;
        }
        auto &f = d->push(RpcJsonReaderPrivate::Frame::Enum);
        f.variant = &v;
        return i;
    }
    if (c != '{') {
        d->fail(c == -1 ? RpcCodec::tr("EOF while parsing a value")
                        : RpcCodec::tr("expected value"));
        return -1;
    }
    ++d->m_p;
    if (!d->enter())
        return -1;
    if (d->peek() != '"') {
        d->invalidType("variant identifier");
        return -1;
    }
    if (!d->parseString(&d->m_scratch))
        return -1;
    const int i = find(d->m_scratch);
    if (i < 0 || !d->colon())
        return -1;
    auto &f = d->push(RpcJsonReaderPrivate::Frame::Enum);
    f.variant = &variants[i];
    f.sequenceForm = true;
    f.active = true;
    if (variants[i].kind == UnitVariant && !d->readNullAs("unit variant"))
        return -1;
    return i;
}

/*! Ends reading an enum, after its variant's data. Returns \c false on an error. */
bool RpcJsonReader::endEnum()
{
    const bool mapForm = d->top().sequenceForm;
    d->m_frames.removeLast();
    if (!mapForm)
        return true;
    d->leave();
    const int c = d->peek();
    if (c != '}')
        return d->fail(c == -1 ? RpcCodec::tr("EOF while parsing an object")
                               : RpcCodec::tr("expected value"));
    ++d->m_p;
    return true;
}

/*!
    Starts reading the data of a tuple variant with \a count elements (after
    beginEnum()). Returns \c false on an error.
*/
bool RpcJsonReader::beginTuple(int count)
{
    if (d->peek() != '[')
        return d->invalidType("tuple variant");
    ++d->m_p;
    if (!d->enter())
        return false;
    auto &f = d->push(RpcJsonReaderPrivate::Frame::Tuple);
    f.count = count;
    return true;
}

/*!
    Moves to the next element of the tuple (read it next); fails if the array
    has fewer elements than the tuple. Returns \c false on an error.
*/
bool RpcJsonReader::nextTupleElement()
{
    auto &f = d->top();
    f.active = false;
    const int r = d->nextElement(&f.first);
    if (r < 0)
        return false;
    if (r == 0) {
        const qsizetype n = d->m_frames.size();
        const Variant *v = n >= 2 ? d->m_frames.at(n - 2).variant : nullptr;
        return d->fail(RpcCodec::tr("invalid length %1, expected tuple variant %2 with %3 elements")
                               .arg(f.next)
                               .arg(v ? QString::fromUtf8(v->name) : QString())
                               .arg(f.count));
    }
    f.index = f.next++;
    f.active = true;
    return true;
}

/*! Ends reading a tuple, after its last element. Returns \c false on an error. */
bool RpcJsonReader::endTuple()
{
    d->m_frames.removeLast();
    d->leave();
    return d->endSeq();
}

/*!
    Checks that nothing but white space follows the value read. Returns \c
    false (with the error "trailing characters") otherwise.
*/
bool RpcJsonReader::atEnd()
{
    return d->end();
}

/*! Returns \c true if reading failed (see errorString()). */
bool RpcJsonReader::hasError() const
{
    return !d->m_error.isEmpty();
}

/*!
    Returns the first error: the path of the value, serde's message and the
    position, as RpcBodyCodec::decode() reports it; or an empty string.
*/
QString RpcJsonReader::errorString() const
{
    return d->m_error;
}

} // namespace Fizyr

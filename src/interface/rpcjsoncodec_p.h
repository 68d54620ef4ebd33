// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCJSONCODEC_P_H
#define FIZYRRPCQT_RPCJSONCODEC_P_H

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

// The JSON codec's helpers shared by its files: the translation of its
// messages, ryu's float formatting (the schema-driven writer and
// RpcJsonWriter) and the number type of the reader.

#include "rpccodec_p.h"

#include <QtCore/qcoreapplication.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace Fizyr {
namespace RpcCodec {

inline QString tr(const char *text)
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

struct Number
{
    enum Kind { U64, I64, F64 } kind = U64;
    quint64 u = 0;
    qint64 i = 0;
    double f = 0;
};

inline const double *pow10Table()
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

} // namespace RpcCodec
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCJSONCODEC_P_H

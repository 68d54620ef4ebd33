// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcJsonWriter: JSON bodies written value by value as serde_json writes
// them, for the code that fizyr-rpc-gen generates.

#include "rpcjsoncodec_p.h"
#include "rpcjsonwriter.h"

namespace Fizyr {

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

} // namespace Fizyr

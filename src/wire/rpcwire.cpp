// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcwire_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qendian.h>

#include <cstring>

namespace Fizyr {
namespace RpcWire {

void writeU32(char *out, quint32 value, RpcConfig::ByteOrder order) noexcept
{
    switch (order) {
    case RpcConfig::LittleEndian:
        qToLittleEndian(value, out);
        return;
    case RpcConfig::BigEndian:
        qToBigEndian(value, out);
        return;
    case RpcConfig::NativeEndian:
        std::memcpy(out, &value, sizeof(value));
        return;
    }
}

quint32 readU32(const char *in, RpcConfig::ByteOrder order) noexcept
{
    switch (order) {
    case RpcConfig::LittleEndian:
        return qFromLittleEndian<quint32>(in);
    case RpcConfig::BigEndian:
        return qFromBigEndian<quint32>(in);
    case RpcConfig::NativeEndian:
        break;
    }
    quint32 value;
    std::memcpy(&value, in, sizeof(value));
    return value;
}

void encodeHeader(char *out, const Header &header, RpcConfig::ByteOrder order) noexcept
{
    writeU32(out, header.type, order);
    writeU32(out + 4, header.requestId, order);
    writeU32(out + 8, quint32(header.serviceId), order);
}

Header decodeHeader(const char *in, RpcConfig::ByteOrder order) noexcept
{
    Header header;
    header.type = readU32(in, order);
    header.requestId = readU32(in + 4, order);
    header.serviceId = qint32(readU32(in + 8, order));
    return header;
}

QString tooShortText(quint64 messageSize)
{
    return QCoreApplication::translate("RpcWire",
                                       "received a message of %1 bytes, shorter than the %2-byte "
                                       "message header")
            .arg(messageSize)
            .arg(HeaderSize);
}

QString invalidTypeText(quint32 type)
{
    return QCoreApplication::translate("RpcWire", "received an invalid message type %1").arg(type);
}

QString tooLargeText(quint64 bodySize, quint32 maxBody)
{
    return QCoreApplication::translate("RpcWire",
                                       "received a message of %1 bytes with a body of %2 bytes, "
                                       "over the maximum of %3 bytes")
            .arg(bodySize + quint64(HeaderSize))
            .arg(bodySize)
            .arg(maxBody);
}

static Header headerOf(const RpcMessage &message)
{
    return Header{quint32(message.type()), message.requestId(), message.serviceId()};
}

void encodeStreamPrefix(char *out, const RpcMessage &message, RpcConfig::ByteOrder order) noexcept
{
    writeU32(out, quint32(HeaderSize + message.body().size()), order);
    encodeHeader(out + LengthPrefixSize, headerOf(message), order);
}

QByteArray encodeStreamFrame(const RpcMessage &message, RpcConfig::ByteOrder order)
{
    const QByteArray body = message.body();
    QByteArray frame(LengthPrefixSize + HeaderSize + body.size(), Qt::Uninitialized);
    encodeStreamPrefix(frame.data(), message, order);
    if (!body.isEmpty())
        std::memcpy(frame.data() + LengthPrefixSize + HeaderSize, body.constData(),
                    size_t(body.size()));
    return frame;
}

QByteArray encodeDatagram(const RpcMessage &message, RpcConfig::ByteOrder order)
{
    const QByteArray body = message.body();
    QByteArray datagram(HeaderSize + body.size(), Qt::Uninitialized);
    encodeHeader(datagram.data(), headerOf(message), order);
    if (!body.isEmpty())
        std::memcpy(datagram.data() + HeaderSize, body.constData(), size_t(body.size()));
    return datagram;
}

DatagramResult parseDatagram(const char *data, qsizetype size, RpcConfig::ByteOrder order,
                             quint32 maxBody)
{
    DatagramResult result;
    if (size < HeaderSize) {
        result.error = RpcError::FrameTooShort;
        result.errorString = tooShortText(quint64(qMax<qsizetype>(size, 0)));
        return result;
    }
    const Header header = decodeHeader(data, order);
    if (header.type > MaxMessageType) {
        result.error = RpcError::InvalidMessageType;
        result.errorString = invalidTypeText(header.type);
        return result;
    }
    const qsizetype bodySize = size - HeaderSize;
    if (quint64(bodySize) > maxBody) {
        result.error = RpcError::MessageTooLarge;
        result.errorString = tooLargeText(quint64(bodySize), maxBody);
        return result;
    }
    result.message = RpcMessage(RpcMessage::Type(header.type), header.requestId, header.serviceId,
                                QByteArray(data + HeaderSize, bodySize));
    return result;
}

RpcFrameDecoder::RpcFrameDecoder(RpcConfig::ByteOrder order, quint32 maxBody)
    : m_order(order), m_maxBody(maxBody)
{ }

void RpcFrameDecoder::reset()
{
    m_state = NeedMore;
    m_error = RpcError::NoError;
    m_errorString.clear();
    m_prefixFill = 0;
    m_body = QByteArray();
    m_bodyFill = 0;
    m_message = RpcMessage();
}

RpcFrameDecoder::Buffer RpcFrameDecoder::writeBuffer()
{
    Q_ASSERT(m_state == NeedMore);
    constexpr qsizetype prefixSize = LengthPrefixSize + HeaderSize;
    if (m_prefixFill < prefixSize)
        return Buffer{m_prefix + m_prefixFill, prefixSize - m_prefixFill};
    return Buffer{m_body.data() + m_bodyFill, m_body.size() - m_bodyFill};
}

RpcFrameDecoder::State RpcFrameDecoder::fail(RpcError error, const QString &text)
{
    m_state = Failed;
    m_error = error;
    m_errorString = text;
    return m_state;
}

RpcFrameDecoder::State RpcFrameDecoder::checkLength()
{
    const quint32 length = readU32(m_prefix, m_order);
    if (length < HeaderSize) {
        return fail(RpcError::FrameTooShort, tooShortText(length));
    }
    const quint32 bodySize = length - quint32(HeaderSize);
    if (bodySize > m_maxBody) {
        return fail(RpcError::MessageTooLarge, tooLargeText(bodySize, m_maxBody));
    }
    return NeedMore;
}

RpcFrameDecoder::State RpcFrameDecoder::headerComplete()
{
    // The length was judged when its four bytes arrived; judged again here in
    // case the limit was lowered since, so no buffer ever exceeds it.
    if (checkLength() == Failed)
        return m_state;
    m_header = decodeHeader(m_prefix + LengthPrefixSize, m_order);
    if (m_header.type > MaxMessageType)
        return fail(RpcError::InvalidMessageType, invalidTypeText(m_header.type));
    const quint32 bodySize = readU32(m_prefix, m_order) - quint32(HeaderSize);
    if (bodySize == 0) {
        m_message = RpcMessage(RpcMessage::Type(m_header.type), m_header.requestId,
                               m_header.serviceId);
        m_prefixFill = 0;
        m_state = MessageReady;
        return m_state;
    }
    m_body = QByteArray(qsizetype(bodySize), Qt::Uninitialized);
    m_bodyFill = 0;
    return NeedMore;
}

RpcFrameDecoder::State RpcFrameDecoder::commit(qsizetype n)
{
    Q_ASSERT(m_state == NeedMore);
    if (n <= 0)
        return m_state;
    constexpr qsizetype prefixSize = LengthPrefixSize + HeaderSize;
    if (m_prefixFill < prefixSize) {
        const qsizetype before = m_prefixFill;
        m_prefixFill += n;
        Q_ASSERT(m_prefixFill <= prefixSize);
        // A bad length is fatal as soon as its four bytes are in: a hostile
        // peer need not send a header, and nothing waits for one.
        if (before < LengthPrefixSize && m_prefixFill >= LengthPrefixSize
            && checkLength() == Failed)
            return m_state;
        if (m_prefixFill == prefixSize)
            return headerComplete();
        return NeedMore;
    }
    m_bodyFill += n;
    Q_ASSERT(m_bodyFill <= m_body.size());
    if (m_bodyFill == m_body.size()) {
        m_message = RpcMessage(RpcMessage::Type(m_header.type), m_header.requestId,
                               m_header.serviceId, std::exchange(m_body, QByteArray()));
        m_prefixFill = 0;
        m_bodyFill = 0;
        m_state = MessageReady;
    }
    return m_state;
}

qsizetype RpcFrameDecoder::feed(const char *data, qsizetype size)
{
    qsizetype consumed = 0;
    while (m_state == NeedMore && consumed < size) {
        const Buffer buffer = writeBuffer();
        qsizetype n = qMin(buffer.size, size - consumed);
        // The length prefix is committed on its own, so that a bad length
        // consumes nothing after it.
        if (m_prefixFill < LengthPrefixSize)
            n = qMin(n, LengthPrefixSize - m_prefixFill);
        std::memcpy(buffer.data, data + consumed, size_t(n));
        consumed += n;
        commit(n);
    }
    return consumed;
}

RpcMessage RpcFrameDecoder::takeMessage()
{
    Q_ASSERT(m_state == MessageReady);
    m_state = NeedMore;
    // Leaves m_message moved-from (no allocation); it is assigned before its next use.
    return std::move(m_message);
}

} // namespace RpcWire
} // namespace Fizyr

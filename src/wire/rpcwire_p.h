// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCWIRE_P_H
#define FIZYRRPCQT_RPCWIRE_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

// The wire layer: header encoding and frame decoding. Qt Core only, no sockets.

#include "rpcconfig.h"
#include "rpcglobal.h"
#include "rpcmessage.h"

#include <QtCore/qbytearray.h>

namespace Fizyr {
namespace RpcWire {

constexpr qsizetype HeaderSize = 12;
constexpr qsizetype LengthPrefixSize = 4;
constexpr quint32 MaxMessageType = RpcMessage::Stream;

struct Header
{
    quint32 type = 0;
    quint32 requestId = 0;
    qint32 serviceId = 0;
};

FIZYRRPCQT_AUTOTEST_EXPORT void writeU32(char *out, quint32 value,
                                         RpcConfig::ByteOrder order) noexcept;
FIZYRRPCQT_AUTOTEST_EXPORT quint32 readU32(const char *in, RpcConfig::ByteOrder order) noexcept;

FIZYRRPCQT_AUTOTEST_EXPORT void encodeHeader(char *out, const Header &header,
                                             RpcConfig::ByteOrder order) noexcept;
FIZYRRPCQT_AUTOTEST_EXPORT Header decodeHeader(const char *in, RpcConfig::ByteOrder order) noexcept;

// Length prefix + header of a stream frame for message (16 bytes written to out).
FIZYRRPCQT_AUTOTEST_EXPORT void encodeStreamPrefix(char *out, const RpcMessage &message,
                                                   RpcConfig::ByteOrder order) noexcept;
// A whole stream frame: length prefix, header, body.
FIZYRRPCQT_AUTOTEST_EXPORT QByteArray encodeStreamFrame(const RpcMessage &message,
                                                        RpcConfig::ByteOrder order);
// A whole seqpacket datagram: header, body (no length prefix).
FIZYRRPCQT_AUTOTEST_EXPORT QByteArray encodeDatagram(const RpcMessage &message,
                                                     RpcConfig::ByteOrder order);

// The error texts of received messages, one phrasing for every transport
// (translatable, context "RpcWire").
FIZYRRPCQT_AUTOTEST_EXPORT QString tooShortText(quint64 messageSize);
FIZYRRPCQT_AUTOTEST_EXPORT QString invalidTypeText(quint32 type);
FIZYRRPCQT_AUTOTEST_EXPORT QString tooLargeText(quint64 bodySize, quint32 maxBody);

struct DatagramResult
{
    RpcError error = RpcError::NoError;
    QString errorString;
    RpcMessage message;
};

// Parses one seqpacket datagram of size bytes (without ancillary data). A
// datagram body larger than maxBody gives MessageTooLarge. The body is copied
// into the message.
FIZYRRPCQT_AUTOTEST_EXPORT DatagramResult parseDatagram(const char *data, qsizetype size,
                                                        RpcConfig::ByteOrder order,
                                                        quint32 maxBody);

// Incremental decoder for length-prefixed stream frames.
//
// Bytes are written straight into the decoder's buffers, so a transport reads
// from its device without an intermediate copy:
//
//     while (available) {
//         auto buffer = decoder.writeBuffer();           // where the next bytes go
//         qsizetype n = read(buffer.data, qMin(buffer.size, available));
//         if (decoder.commit(n) == RpcFrameDecoder::MessageReady)
//             handle(decoder.takeMessage());
//         else if (decoder.state() == RpcFrameDecoder::Failed)
//             fatal(decoder.error());
//     }
//
// feed() does the same for a plain byte range. The length prefix is judged
// as soon as its 4 bytes are in: a length below 12 (FrameTooShort) or one
// announcing a body above maxBody (MessageTooLarge) fails the commit() or
// feed() that completes it, without waiting for the header. A body buffer is
// allocated only after the whole header has been validated, with the exact
// size announced and never more than maxBody, so a hostile length costs
// nothing.
class FIZYRRPCQT_AUTOTEST_EXPORT RpcFrameDecoder
{
public:
    enum State {
        NeedMore,
        MessageReady,
        Failed,
    };

    struct Buffer
    {
        char *data;
        qsizetype size;
    };

    RpcFrameDecoder(RpcConfig::ByteOrder order = RpcConfig::LittleEndian,
                    quint32 maxBody = RpcConfig::DefaultStreamMaxBodySize);

    void setByteOrder(RpcConfig::ByteOrder order) { m_order = order; }
    void setMaxBodySize(quint32 maxBody) { m_maxBody = maxBody; }

    State state() const { return m_state; }
    RpcError error() const { return m_error; }
    QString errorString() const { return m_errorString; }

    // Where the next bytes go, and at most how many the current frame wants.
    // Only valid in state NeedMore.
    Buffer writeBuffer();
    // Declares that n bytes were written to writeBuffer().
    State commit(qsizetype n);

    // Copies bytes in; returns how many were consumed. Stops after one
    // complete message (MessageReady) or on an error (Failed); after a bad
    // length prefix nothing past its 4 bytes is consumed.
    qsizetype feed(const char *data, qsizetype size);

    // Returns the completed message and resets to NeedMore.
    RpcMessage takeMessage();

    // True while the body of a frame is being received (state NeedMore,
    // header complete): writeBuffer() then points into the body.
    bool isReceivingBody() const
    {
        return m_state == NeedMore && m_prefixFill == LengthPrefixSize + HeaderSize;
    }

    // Bytes of the current frame received so far (0 between frames).
    qsizetype bufferedBytes() const { return m_prefixFill + m_bodyFill; }

    void reset();

private:
    State fail(RpcError error, const QString &text);
    State checkLength();
    State headerComplete();

    RpcConfig::ByteOrder m_order;
    quint32 m_maxBody;
    State m_state = NeedMore;
    RpcError m_error = RpcError::NoError;
    QString m_errorString;
    char m_prefix[LengthPrefixSize + HeaderSize] = {};
    qsizetype m_prefixFill = 0;
    Header m_header;
    QByteArray m_body;
    qsizetype m_bodyFill = 0;
    RpcMessage m_message;
};

} // namespace RpcWire
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCWIRE_P_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Fuzz target: the incremental stream frame decoder.
//
// Input layout: byte 0 picks the byte order and the maximum body size,
// byte 1 seeds the chunking; the rest is the byte stream. The stream is fed
// in chunks of varying size. Checked: the decoder never consumes more than
// it is given, never allocates more than the limit, fails on a bad length
// right after its 4 bytes (before any header), and every decoded message
// encodes back to exactly the bytes it came from.

#include "wire/rpcwire_p.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace Fizyr;

#define FUZZ_CHECK(condition) \
    do { \
        if (!(condition)) \
            std::abort(); \
    } while (false)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const RpcConfig::ByteOrder orders[]
            = {RpcConfig::LittleEndian, RpcConfig::BigEndian, RpcConfig::NativeEndian};
    const RpcConfig::ByteOrder order = orders[data[0] % 3];
    const quint32 maxBody = (data[0] >> 2) * 64u; // 0 .. 4032
    uint32_t seed = data[1];
    const char *stream = reinterpret_cast<const char *>(data + 2);
    const qsizetype length = qsizetype(size - 2);

    RpcWire::RpcFrameDecoder decoder(order, maxBody);
    qsizetype offset = 0;
    qsizetype frameStart = 0;
    while (offset < length && decoder.state() != RpcWire::RpcFrameDecoder::Failed) {
        seed = seed * 1103515245u + 12345u;
        const qsizetype chunk = qMin<qsizetype>(1 + qsizetype((seed >> 16) % 64), length - offset);
        qsizetype used = 0;
        while (used < chunk) {
            const qsizetype n = decoder.feed(stream + offset + used, chunk - used);
            FUZZ_CHECK(n >= 0 && n <= chunk - used);
            used += n;
            FUZZ_CHECK(decoder.bufferedBytes() <= qsizetype(16 + maxBody));
            if (decoder.state() == RpcWire::RpcFrameDecoder::MessageReady) {
                const RpcMessage message = decoder.takeMessage();
                FUZZ_CHECK(quint32(message.body().size()) <= maxBody);
                FUZZ_CHECK(quint32(message.type()) <= 4);
                const QByteArray encoded = RpcWire::encodeStreamFrame(message, order);
                const qsizetype frameEnd = offset + used;
                FUZZ_CHECK(encoded.size() == frameEnd - frameStart);
                FUZZ_CHECK(std::memcmp(encoded.constData(), stream + frameStart,
                                       size_t(encoded.size()))
                           == 0);
                frameStart = frameEnd;
            } else if (decoder.state() == RpcWire::RpcFrameDecoder::Failed) {
                FUZZ_CHECK(decoder.error() == RpcError::FrameTooShort
                           || decoder.error() == RpcError::InvalidMessageType
                           || decoder.error() == RpcError::MessageTooLarge);
                // A bad length is caught as soon as its 4 bytes are in, a bad
                // type once the 16 bytes of prefix and header are.
                FUZZ_CHECK(decoder.bufferedBytes()
                           == (decoder.error() == RpcError::InvalidMessageType ? 16 : 4));
                break;
            } else if (n == 0) {
                break;
            }
        }
        offset += used;
    }
    return 0;
}

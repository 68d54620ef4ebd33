// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The wire layer: header codec and the incremental stream frame decoder.

#include "wire/rpcwire_p.h"

#include <QtCore/QRandomGenerator>
#include <QtTest/QTest>

using namespace Fizyr;
using RpcWire::RpcFrameDecoder;

namespace {

QList<RpcMessage> decodeAll(const QByteArray &bytes, const QList<qsizetype> &chunks,
                            RpcConfig::ByteOrder order, quint32 maxBody, RpcError *error)
{
    RpcFrameDecoder decoder(order, maxBody);
    QList<RpcMessage> messages;
    qsizetype offset = 0;
    qsizetype chunkIndex = 0;
    *error = RpcError::NoError;
    while (offset < bytes.size()) {
        qsizetype chunk
                = chunkIndex < chunks.size() ? chunks.at(chunkIndex++) : bytes.size() - offset;
        chunk = qMin(chunk, bytes.size() - offset);
        qsizetype used = 0;
        while (used < chunk) {
            used += decoder.feed(bytes.constData() + offset + used, chunk - used);
            if (decoder.state() == RpcFrameDecoder::MessageReady)
                messages.append(decoder.takeMessage());
            if (decoder.state() == RpcFrameDecoder::Failed) {
                *error = decoder.error();
                return messages;
            }
        }
        offset += chunk;
    }
    return messages;
}

QList<RpcMessage> sampleMessages(quint32 maxBody)
{
    QByteArray big(qsizetype(maxBody), Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char(i * 31 + 7);
    return {
            RpcMessage(RpcMessage::Request, 21, 0, "Hello World"),
            RpcMessage(RpcMessage::Response, 21, -1, "error text"),
            RpcMessage(RpcMessage::RequesterUpdate, 0xFFFFFFFFu, 2147483647),
            RpcMessage(RpcMessage::ResponderUpdate, 5, -2147483647 - 1, QByteArray(1, '\0')),
            RpcMessage(RpcMessage::Stream, 0, 9, big),
    };
}

QByteArray encodeAll(const QList<RpcMessage> &messages, RpcConfig::ByteOrder order)
{
    QByteArray bytes;
    for (const RpcMessage &message : messages)
        bytes += RpcWire::encodeStreamFrame(message, order);
    return bytes;
}

} // namespace

class tst_Wire : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void echoRequestVector_data();
    void echoRequestVector();
    void headerRoundTrip_data();
    void headerRoundTrip();
    void datagramHasNoLengthPrefix();
    void everySplit_data();
    void everySplit();
    void byteByByte();
    void randomChunks();
    void writeBufferApi();
    void malformed_data();
    void malformed();
    void hostileLengthAllocatesNothing();
    void bodyAtLimit();
    void stopsAfterEachMessage();
    void parseDatagram_data();
    void parseDatagram();
};

void tst_Wire::echoRequestVector_data()
{
    QTest::addColumn<int>("order");
    QTest::addColumn<QByteArray>("expected");
    // length 23, type 0 (request), request id 21, service 0, "Hello World"
    QTest::newRow("little") << int(RpcConfig::LittleEndian)
                            << QByteArray::fromHex("17000000"
                                                   "00000000"
                                                   "15000000"
                                                   "00000000"
                                                   "48656c6c6f20576f726c64");
    QTest::newRow("big") << int(RpcConfig::BigEndian)
                         << QByteArray::fromHex("00000017"
                                                "00000000"
                                                "00000015"
                                                "00000000"
                                                "48656c6c6f20576f726c64");
    QTest::newRow("native") << int(RpcConfig::NativeEndian)
                            << (QSysInfo::ByteOrder == QSysInfo::LittleEndian
                                        ? QByteArray::fromHex("170000000000000015000000000000004865"
                                                              "6c6c6f20576f726c64")
                                        : QByteArray::fromHex("000000170000000000000015000000004865"
                                                              "6c6c6f20576f726c64"));
}

void tst_Wire::echoRequestVector()
{
    QFETCH(int, order);
    QFETCH(QByteArray, expected);
    const auto byteOrder = RpcConfig::ByteOrder(order);
    const RpcMessage message(RpcMessage::Request, 21, 0, "Hello World");
    QCOMPARE(RpcWire::encodeStreamFrame(message, byteOrder), expected);

    RpcFrameDecoder decoder(byteOrder);
    QCOMPARE(decoder.feed(expected.constData(), expected.size()), expected.size());
    QCOMPARE(decoder.state(), RpcFrameDecoder::MessageReady);
    const RpcMessage decoded = decoder.takeMessage();
    QCOMPARE(decoded, message);
    QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
    QCOMPARE(decoder.bufferedBytes(), 0);
}

void tst_Wire::headerRoundTrip_data()
{
    QTest::addColumn<int>("order");
    QTest::newRow("little") << int(RpcConfig::LittleEndian);
    QTest::newRow("big") << int(RpcConfig::BigEndian);
    QTest::newRow("native") << int(RpcConfig::NativeEndian);
}

void tst_Wire::headerRoundTrip()
{
    QFETCH(int, order);
    const auto byteOrder = RpcConfig::ByteOrder(order);
    const RpcWire::Header cases[] = {
            {0, 0, 0},
            {4, 0xFFFFFFFFu, -1},
            {1, 0x12345678u, -2147483647 - 1},
            {3, 1, 2147483647},
    };
    for (const RpcWire::Header &header : cases) {
        char buffer[12];
        RpcWire::encodeHeader(buffer, header, byteOrder);
        const RpcWire::Header decoded = RpcWire::decodeHeader(buffer, byteOrder);
        QCOMPARE(decoded.type, header.type);
        QCOMPARE(decoded.requestId, header.requestId);
        QCOMPARE(decoded.serviceId, header.serviceId);
    }
    char buffer[4];
    RpcWire::writeU32(buffer, 0x01020304u, byteOrder);
    if (byteOrder == RpcConfig::BigEndian)
        QCOMPARE(QByteArray(buffer, 4), QByteArray::fromHex("01020304"));
    if (byteOrder == RpcConfig::LittleEndian)
        QCOMPARE(QByteArray(buffer, 4), QByteArray::fromHex("04030201"));
    QCOMPARE(RpcWire::readU32(buffer, byteOrder), 0x01020304u);
}

void tst_Wire::datagramHasNoLengthPrefix()
{
    const RpcMessage message(RpcMessage::Stream, 7, -3, "abc");
    const QByteArray datagram = RpcWire::encodeDatagram(message, RpcConfig::LittleEndian);
    QCOMPARE(datagram,
             QByteArray::fromHex("04000000"
                                 "07000000"
                                 "fdffffff"
                                 "616263"));
    const RpcWire::DatagramResult parsed = RpcWire::parseDatagram(
            datagram.constData(), datagram.size(), RpcConfig::LittleEndian, 100);
    QCOMPARE(parsed.error, RpcError::NoError);
    QCOMPARE(parsed.message, message);
}

void tst_Wire::everySplit_data()
{
    headerRoundTrip_data();
}

void tst_Wire::everySplit()
{
    QFETCH(int, order);
    const auto byteOrder = RpcConfig::ByteOrder(order);
    const quint32 maxBody = 300;
    const QList<RpcMessage> messages = sampleMessages(maxBody);
    const QByteArray bytes = encodeAll(messages, byteOrder);
    for (qsizetype split = 0; split <= bytes.size(); ++split) {
        RpcError error;
        const QList<RpcMessage> decoded = decodeAll(bytes, {split}, byteOrder, maxBody, &error);
        QCOMPARE(error, RpcError::NoError);
        QCOMPARE(decoded, messages);
    }
    // Every pair of split points too, on a shorter sequence.
    const QList<RpcMessage> few = messages.mid(0, 3);
    const QByteArray shortBytes = encodeAll(few, byteOrder);
    for (qsizetype a = 0; a <= shortBytes.size(); ++a) {
        for (qsizetype b = 0; a + b <= shortBytes.size(); ++b) {
            RpcError error;
            QCOMPARE(decodeAll(shortBytes, {a, b}, byteOrder, maxBody, &error), few);
        }
    }
}

void tst_Wire::byteByByte()
{
    const QList<RpcMessage> messages = sampleMessages(100);
    const QByteArray bytes = encodeAll(messages, RpcConfig::BigEndian);
    RpcError error;
    const QList<qsizetype> ones(bytes.size(), 1);
    QCOMPARE(decodeAll(bytes, ones, RpcConfig::BigEndian, 100, &error), messages);
    QCOMPARE(error, RpcError::NoError);
}

void tst_Wire::randomChunks()
{
    QRandomGenerator random(12345); // fixed seed: reproducible
    const QList<RpcMessage> messages = sampleMessages(8192);
    for (auto order : {RpcConfig::LittleEndian, RpcConfig::BigEndian}) {
        const QByteArray bytes = encodeAll(messages, order);
        for (int round = 0; round < 200; ++round) {
            QList<qsizetype> chunks;
            qsizetype total = 0;
            while (total < bytes.size()) {
                const qsizetype chunk = random.bounded(1, 40);
                chunks.append(chunk);
                total += chunk;
            }
            RpcError error;
            QCOMPARE(decodeAll(bytes, chunks, order, 8192, &error), messages);
        }
    }
}

void tst_Wire::writeBufferApi()
{
    // How the stream transport uses the decoder: bytes go straight into its buffers.
    const QList<RpcMessage> messages = sampleMessages(500);
    const QByteArray bytes = encodeAll(messages, RpcConfig::LittleEndian);
    RpcFrameDecoder decoder(RpcConfig::LittleEndian, 500);
    QList<RpcMessage> decoded;
    qsizetype offset = 0;
    while (offset < bytes.size()) {
        const RpcFrameDecoder::Buffer buffer = decoder.writeBuffer();
        QVERIFY(buffer.size > 0);
        const qsizetype n = qMin<qsizetype>(buffer.size, qMin<qsizetype>(7, bytes.size() - offset));
        memcpy(buffer.data, bytes.constData() + offset, size_t(n));
        offset += n;
        if (decoder.commit(n) == RpcFrameDecoder::MessageReady)
            decoded.append(decoder.takeMessage());
        QVERIFY(decoder.state() != RpcFrameDecoder::Failed);
    }
    QCOMPARE(decoded, messages);
}

void tst_Wire::malformed_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("error");
    auto frameOf = [](quint32 length, quint32 type) {
        QByteArray bytes(16, '\0');
        RpcWire::writeU32(bytes.data(), length, RpcConfig::LittleEndian);
        RpcWire::writeU32(bytes.data() + 4, type, RpcConfig::LittleEndian);
        return bytes;
    };
    QTest::newRow("length-0") << frameOf(0, 0) << int(RpcError::FrameTooShort);
    QTest::newRow("length-11") << frameOf(11, 0) << int(RpcError::FrameTooShort);
    QTest::newRow("type-5") << frameOf(12, 5) << int(RpcError::InvalidMessageType);
    QTest::newRow("type-max") << frameOf(12, 0xFFFFFFFFu) << int(RpcError::InvalidMessageType);
    QTest::newRow("body-over-limit") << frameOf(12 + 101, 0) << int(RpcError::MessageTooLarge);
    QTest::newRow("length-max") << frameOf(0xFFFFFFFFu, 4) << int(RpcError::MessageTooLarge);
    // A valid frame first, then garbage: the first message is still delivered.
    QTest::newRow("after-valid") << (RpcWire::encodeStreamFrame(
                                             RpcMessage(RpcMessage::Stream, 0, 1, "ok"),
                                             RpcConfig::LittleEndian)
                                     + frameOf(3, 0))
                                 << int(RpcError::FrameTooShort);
}

void tst_Wire::malformed()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, error);
    RpcError found;
    const QList<RpcMessage> decoded = decodeAll(bytes, {}, RpcConfig::LittleEndian, 100, &found);
    QCOMPARE(found, RpcError(error));
    QCOMPARE(decoded.size(), QTest::currentDataTag() == QByteArray("after-valid") ? 1 : 0);

    RpcFrameDecoder decoder(RpcConfig::LittleEndian, 100);
    decoder.feed(bytes.constData(), bytes.size());
    if (decoder.state() == RpcFrameDecoder::MessageReady) {
        decoder.takeMessage();
        decoder.feed(bytes.constData() + 18, bytes.size() - 18);
    }
    QCOMPARE(decoder.state(), RpcFrameDecoder::Failed);
    QCOMPARE(decoder.error(), RpcError(error));
    QVERIFY(!decoder.errorString().isEmpty());
    // Failed stays failed until reset.
    QCOMPARE(decoder.feed("x", 1), 0);
    decoder.reset();
    QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
}

void tst_Wire::hostileLengthAllocatesNothing()
{
    // The announced length is checked before any body buffer exists: after the
    // header of a 4 GiB frame the decoder holds just the 16 header bytes.
    RpcFrameDecoder decoder(RpcConfig::LittleEndian, 8192);
    QByteArray bytes(16, '\0');
    RpcWire::writeU32(bytes.data(), 0xFFFFFFFFu, RpcConfig::LittleEndian);
    QCOMPARE(decoder.feed(bytes.constData(), 15), 15);
    QCOMPARE(decoder.bufferedBytes(), 15);
    QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
    decoder.feed(bytes.constData() + 15, 1);
    QCOMPARE(decoder.state(), RpcFrameDecoder::Failed);
    QCOMPARE(decoder.error(), RpcError::MessageTooLarge);
    QCOMPARE(decoder.bufferedBytes(), 16);

    // A legal but large announced body only gets its exact size.
    RpcFrameDecoder large(RpcConfig::LittleEndian, 1000);
    RpcWire::writeU32(bytes.data(), 12 + 1000, RpcConfig::LittleEndian);
    large.feed(bytes.constData(), 16);
    QCOMPARE(large.state(), RpcFrameDecoder::NeedMore);
    QCOMPARE(large.writeBuffer().size, 1000);
}

void tst_Wire::bodyAtLimit()
{
    const RpcMessage message(RpcMessage::Request, 1, 1, QByteArray(8192, 'x'));
    const QByteArray bytes = RpcWire::encodeStreamFrame(message, RpcConfig::LittleEndian);
    RpcError error;
    QCOMPARE(decodeAll(bytes, {}, RpcConfig::LittleEndian, 8192, &error),
             QList<RpcMessage>{message});
    QCOMPARE(error, RpcError::NoError);
    decodeAll(bytes, {}, RpcConfig::LittleEndian, 8191, &error);
    QCOMPARE(error, RpcError::MessageTooLarge);
}

void tst_Wire::stopsAfterEachMessage()
{
    const QByteArray bytes = encodeAll(sampleMessages(10), RpcConfig::LittleEndian);
    RpcFrameDecoder decoder(RpcConfig::LittleEndian, 100);
    const qsizetype used = decoder.feed(bytes.constData(), bytes.size());
    QCOMPARE(used, 4 + 12 + 11); // the first frame only
    QCOMPARE(decoder.state(), RpcFrameDecoder::MessageReady);
    QCOMPARE(decoder.feed(bytes.constData() + used, 1), 0); // nothing until taken
    decoder.takeMessage();
    QVERIFY(decoder.feed(bytes.constData() + used, bytes.size() - used) > 0);
}

void tst_Wire::parseDatagram_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<int>("error");
    QByteArray ok = RpcWire::encodeDatagram(RpcMessage(RpcMessage::Request, 1, 2, "body"),
                                            RpcConfig::BigEndian);
    QTest::newRow("ok") << ok << int(RpcError::NoError);
    QTest::newRow("empty") << QByteArray() << int(RpcError::FrameTooShort);
    QTest::newRow("short") << ok.left(11) << int(RpcError::FrameTooShort);
    QByteArray badType = ok;
    RpcWire::writeU32(badType.data(), 5, RpcConfig::BigEndian);
    QTest::newRow("bad-type") << badType << int(RpcError::InvalidMessageType);
    QTest::newRow("too-large") << (ok + QByteArray(100, 'x')) << int(RpcError::MessageTooLarge);
}

void tst_Wire::parseDatagram()
{
    QFETCH(QByteArray, datagram);
    QFETCH(int, error);
    const RpcWire::DatagramResult result = RpcWire::parseDatagram(
            datagram.constData(), datagram.size(), RpcConfig::BigEndian, 50);
    QCOMPARE(result.error, RpcError(error));
    if (result.error == RpcError::NoError) {
        QCOMPARE(result.message.requestId(), 1u);
        QCOMPARE(result.message.serviceId(), 2);
        QCOMPARE(result.message.body(), QByteArray("body"));
    }
}

QTEST_GUILESS_MAIN(tst_Wire)
#include "tst_wire.moc"

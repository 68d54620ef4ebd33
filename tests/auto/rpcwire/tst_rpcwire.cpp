// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Byte-exact vectors of the wire layer and the incremental frame decoder fed
// in every possible split.

#include "wire/rpcwire_p.h"

#include <QtCore/qendian.h>
#include <QtCore/qrandom.h>
#include <QtTest/qtest.h>

#include <algorithm>
#include <cstring>
#include <limits>

using namespace Fizyr;
using namespace Fizyr::RpcWire;

Q_DECLARE_METATYPE(Fizyr::RpcConfig::ByteOrder)

namespace {

// The protocol document's echo request: length 23, type 0 (request),
// request id 21, service 0, body "Hello World".
const QByteArray echoLittle = QByteArray::fromRawData("\x17\x00\x00\x00" // length 23
                                                      "\x00\x00\x00\x00" // type 0
                                                      "\x15\x00\x00\x00" // request id 21
                                                      "\x00\x00\x00\x00" // service 0
                                                      "Hello World",
                                                      27);
const QByteArray echoBig = QByteArray::fromRawData("\x00\x00\x00\x17"
                                                   "\x00\x00\x00\x00"
                                                   "\x00\x00\x00\x15"
                                                   "\x00\x00\x00\x00"
                                                   "Hello World",
                                                   27);

QByteArray echoNative()
{
    return QSysInfo::ByteOrder == QSysInfo::LittleEndian ? echoLittle : echoBig;
}

RpcMessage echoRequest()
{
    return RpcMessage(RpcMessage::Request, 21, 0, QByteArrayLiteral("Hello World"));
}

QByteArray prefix(quint32 length, quint32 type, quint32 requestId, quint32 serviceId,
                  RpcConfig::ByteOrder order = RpcConfig::LittleEndian)
{
    QByteArray out(16, Qt::Uninitialized);
    writeU32(out.data(), length, order);
    writeU32(out.data() + 4, type, order);
    writeU32(out.data() + 8, requestId, order);
    writeU32(out.data() + 12, serviceId, order);
    return out;
}

constexpr quint32 TestMaxBody = 8 * 1024;

QList<RpcMessage> sampleMessages()
{
    QByteArray big(qsizetype(TestMaxBody), Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char(i * 7 + 3);
    return {
            RpcMessage(RpcMessage::Request, 1, 10),
            RpcMessage(RpcMessage::Response, 1, -1, QByteArrayLiteral("oops")),
            RpcMessage(RpcMessage::Stream, 0, 0x7fffffff, QByteArrayLiteral("x")),
            RpcMessage(RpcMessage::RequesterUpdate, 0xffffffffu, -7, big),
            RpcMessage(RpcMessage::ResponderUpdate, 5, 3, QByteArrayLiteral("Hello World")),
    };
}

QByteArray encodeAll(const QList<RpcMessage> &messages, RpcConfig::ByteOrder order)
{
    QByteArray out;
    for (const RpcMessage &message : messages)
        out += encodeStreamFrame(message, order);
    return out;
}

// Feeds chunks with feed() and collects all messages; fails on error.
QList<RpcMessage> decodeChunks(RpcFrameDecoder &decoder, const QByteArray &data,
                               const QList<qsizetype> &cuts)
{
    QList<RpcMessage> out;
    qsizetype start = 0;
    QList<qsizetype> ends = cuts;
    ends.append(data.size());
    for (qsizetype end : ends) {
        qsizetype pos = start;
        while (pos < end) {
            const qsizetype n = decoder.feed(data.constData() + pos, end - pos);
            pos += n;
            if (decoder.state() == RpcFrameDecoder::MessageReady)
                out.append(decoder.takeMessage());
            else if (decoder.state() == RpcFrameDecoder::Failed || n == 0)
                return out;
        }
        // A zero-length chunk must be harmless.
        decoder.feed(data.constData() + end, 0);
        start = end;
    }
    return out;
}

} // namespace

class tst_RpcWire : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void echoVector_data();
    void echoVector();
    void parseEchoVector_data();
    void parseEchoVector();
    void headerRoundTrip_data();
    void headerRoundTrip();
    void datagramHasNoLengthPrefix();
    void everySplitPoint_data();
    void everySplitPoint();
    void byteByByte_data();
    void byteByByte();
    void randomChunks_data();
    void randomChunks();
    void writeBufferCommit_data();
    void writeBufferCommit();
    void malformed_data();
    void malformed();
    void badLengthPrefixAlone_data();
    void badLengthPrefixAlone();
    void hugeLengthAllocatesNothing();
    void limitLoweredWithinHeader();
    void exactlyAtLimit();
    void trailingDataLeftUntilTaken();
    void resetAfterFailure();
    void parseDatagram_data();
    void parseDatagram();
};

void tst_RpcWire::echoVector_data()
{
    QTest::addColumn<RpcConfig::ByteOrder>("order");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("little") << RpcConfig::LittleEndian << QByteArray(echoLittle);
    QTest::newRow("big") << RpcConfig::BigEndian << QByteArray(echoBig);
    QTest::newRow("native") << RpcConfig::NativeEndian << echoNative();
}

void tst_RpcWire::echoVector()
{
    QFETCH(RpcConfig::ByteOrder, order);
    QFETCH(QByteArray, expected);
    QCOMPARE(encodeStreamFrame(echoRequest(), order), expected);

    char prefixBytes[16];
    encodeStreamPrefix(prefixBytes, echoRequest(), order);
    QCOMPARE(QByteArray(prefixBytes, 16), expected.left(16));

    // Datagram: the same bytes without the length prefix.
    QCOMPARE(encodeDatagram(echoRequest(), order), expected.mid(4));
}

void tst_RpcWire::parseEchoVector_data()
{
    echoVector_data();
}

void tst_RpcWire::parseEchoVector()
{
    QFETCH(RpcConfig::ByteOrder, order);
    QFETCH(QByteArray, expected);
    RpcFrameDecoder decoder(order, TestMaxBody);
    QCOMPARE(decoder.feed(expected.constData(), expected.size()), expected.size());
    QCOMPARE(decoder.state(), RpcFrameDecoder::MessageReady);
    const RpcMessage message = decoder.takeMessage();
    QCOMPARE(message, echoRequest());
    QCOMPARE(message.body(), QByteArray("Hello World"));
    QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
    QCOMPARE(decoder.bufferedBytes(), 0);
}

void tst_RpcWire::headerRoundTrip_data()
{
    QTest::addColumn<RpcConfig::ByteOrder>("order");
    QTest::addColumn<quint32>("type");
    QTest::addColumn<quint32>("requestId");
    QTest::addColumn<qint32>("serviceId");
    QTest::addColumn<QByteArray>("bigEndianBytes");
    const struct
    {
        const char *name;
        RpcConfig::ByteOrder order;
    } orders[] = {{"le", RpcConfig::LittleEndian},
                  {"be", RpcConfig::BigEndian},
                  {"native", RpcConfig::NativeEndian}};
    for (const auto &o : orders) {
        QTest::addRow("%s zero", o.name) << o.order << 0u << 0u << 0 << QByteArray(12, '\0');
        QTest::addRow("%s error -1", o.name)
                << o.order << 1u << 7u << -1 << QByteArray::fromHex("00000001 00000007 ffffffff");
        QTest::addRow("%s min service", o.name)
                << o.order << 4u << 0xffffffffu << std::numeric_limits<qint32>::min()
                << QByteArray::fromHex("00000004 ffffffff 80000000");
        QTest::addRow("%s max service", o.name)
                << o.order << 3u << 0x01020304u << std::numeric_limits<qint32>::max()
                << QByteArray::fromHex("00000003 01020304 7fffffff");
        QTest::addRow("%s -2", o.name) << o.order << 2u << 0x80000000u << -2
                                       << QByteArray::fromHex("00000002 80000000 fffffffe");
    }
}

void tst_RpcWire::headerRoundTrip()
{
    QFETCH(RpcConfig::ByteOrder, order);
    QFETCH(quint32, type);
    QFETCH(quint32, requestId);
    QFETCH(qint32, serviceId);
    QFETCH(QByteArray, bigEndianBytes);

    char out[HeaderSize];
    encodeHeader(out, Header{type, requestId, serviceId}, order);

    // Each field is the big-endian reference, byte-swapped per field for LE.
    QByteArray expected = bigEndianBytes;
    const bool swap = order == RpcConfig::LittleEndian
            || (order == RpcConfig::NativeEndian && QSysInfo::ByteOrder == QSysInfo::LittleEndian);
    if (swap) {
        for (int field = 0; field < 3; ++field)
            std::reverse(expected.begin() + field * 4, expected.begin() + field * 4 + 4);
    }
    QCOMPARE(QByteArray(out, HeaderSize), expected);

    const Header decoded = decodeHeader(out, order);
    QCOMPARE(decoded.type, type);
    QCOMPARE(decoded.requestId, requestId);
    QCOMPARE(decoded.serviceId, serviceId);
    QCOMPARE(readU32(out + 4, order), requestId);
}

void tst_RpcWire::datagramHasNoLengthPrefix()
{
    const RpcMessage empty(RpcMessage::Response, 9, -3);
    const QByteArray datagram = encodeDatagram(empty, RpcConfig::LittleEndian);
    QCOMPARE(datagram.size(), HeaderSize);
    QCOMPARE(datagram, QByteArray::fromHex("01000000 09000000 fdffffff"));
    const QByteArray frame = encodeStreamFrame(empty, RpcConfig::LittleEndian);
    QCOMPARE(frame.size(), LengthPrefixSize + HeaderSize);
    QCOMPARE(frame.left(4), QByteArray::fromHex("0c000000"));
    QCOMPARE(frame.mid(4), datagram);
}

static void addOrderRows()
{
    QTest::addColumn<RpcConfig::ByteOrder>("order");
    QTest::newRow("little") << RpcConfig::LittleEndian;
    QTest::newRow("big") << RpcConfig::BigEndian;
}

void tst_RpcWire::everySplitPoint_data()
{
    addOrderRows();
}

void tst_RpcWire::everySplitPoint()
{
    QFETCH(RpcConfig::ByteOrder, order);
    const QList<RpcMessage> messages = sampleMessages();
    const QByteArray data = encodeAll(messages, order);
    for (qsizetype cut = 0; cut <= data.size(); ++cut) {
        RpcFrameDecoder decoder(order, TestMaxBody);
        const QList<RpcMessage> decoded = decodeChunks(decoder, data, {cut});
        if (decoded != messages)
            QFAIL(qPrintable(QStringLiteral("split at %1 of %2 decoded %3 messages, state %4")
                                     .arg(cut)
                                     .arg(data.size())
                                     .arg(decoded.size())
                                     .arg(int(decoder.state()))));
        QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
        QCOMPARE(decoder.bufferedBytes(), 0);
    }
}

void tst_RpcWire::byteByByte_data()
{
    addOrderRows();
}

void tst_RpcWire::byteByByte()
{
    QFETCH(RpcConfig::ByteOrder, order);
    const QList<RpcMessage> messages = sampleMessages();
    const QByteArray data = encodeAll(messages, order);
    QList<qsizetype> cuts;
    for (qsizetype i = 1; i < data.size(); ++i)
        cuts.append(i);
    RpcFrameDecoder decoder(order, TestMaxBody);
    QCOMPARE(decodeChunks(decoder, data, cuts), messages);
}

void tst_RpcWire::randomChunks_data()
{
    QTest::addColumn<RpcConfig::ByteOrder>("order");
    QTest::addColumn<QList<qsizetype>>("cuts");
    const qsizetype total = encodeAll(sampleMessages(), RpcConfig::LittleEndian).size();
    QRandomGenerator rng(20261124); // fixed seed: reproducible rows
    for (int row = 0; row < 40; ++row) {
        QList<qsizetype> cuts;
        qsizetype pos = 0;
        const int maxChunk = row % 2 ? 40 : 3000;
        for (;;) {
            pos += 1 + qsizetype(rng.bounded(maxChunk));
            if (pos >= total)
                break;
            cuts.append(pos);
        }
        const auto order = row % 3 == 0 ? RpcConfig::BigEndian : RpcConfig::LittleEndian;
        QTest::addRow("seed row %d (%lld chunks)", row, qlonglong(cuts.size() + 1))
                << order << cuts;
    }
}

void tst_RpcWire::randomChunks()
{
    QFETCH(RpcConfig::ByteOrder, order);
    QFETCH(QList<qsizetype>, cuts);
    const QList<RpcMessage> messages = sampleMessages();
    RpcFrameDecoder decoder(order, TestMaxBody);
    QCOMPARE(decodeChunks(decoder, encodeAll(messages, order), cuts), messages);
}

void tst_RpcWire::writeBufferCommit_data()
{
    QTest::addColumn<RpcConfig::ByteOrder>("order");
    QTest::addColumn<qsizetype>("chunk");
    for (qsizetype chunk :
         {qsizetype(1), qsizetype(5), qsizetype(16), qsizetype(1000), qsizetype(100000)}) {
        QTest::addRow("le chunk %lld", qlonglong(chunk)) << RpcConfig::LittleEndian << chunk;
        QTest::addRow("be chunk %lld", qlonglong(chunk)) << RpcConfig::BigEndian << chunk;
    }
}

void tst_RpcWire::writeBufferCommit()
{
    QFETCH(RpcConfig::ByteOrder, order);
    QFETCH(qsizetype, chunk);
    const QList<RpcMessage> messages = sampleMessages();
    const QByteArray data = encodeAll(messages, order);

    RpcFrameDecoder decoder(order, TestMaxBody);
    QList<RpcMessage> decoded;
    qsizetype pos = 0;
    while (pos < data.size()) {
        const RpcFrameDecoder::Buffer buffer = decoder.writeBuffer();
        QVERIFY(buffer.data);
        QVERIFY(buffer.size > 0);
        // Never more than the current frame still wants: the prefix first
        // (16 bytes), then at most the announced body.
        QVERIFY(buffer.size <= qsizetype(TestMaxBody));
        const qsizetype n = std::min({buffer.size, chunk, data.size() - pos});
        std::memcpy(buffer.data, data.constData() + pos, size_t(n));
        pos += n;
        const RpcFrameDecoder::State state = decoder.commit(n);
        QCOMPARE(state, decoder.state());
        QVERIFY(state != RpcFrameDecoder::Failed);
        if (state == RpcFrameDecoder::MessageReady) {
            QCOMPARE(decoder.bufferedBytes(), 0);
            decoded.append(decoder.takeMessage());
        } else {
            // commit(0) changes nothing.
            const qsizetype before = decoder.bufferedBytes();
            QCOMPARE(decoder.commit(0), RpcFrameDecoder::NeedMore);
            QCOMPARE(decoder.bufferedBytes(), before);
        }
    }
    QCOMPARE(decoded, messages);
}

void tst_RpcWire::malformed_data()
{
    QTest::addColumn<RpcConfig::ByteOrder>("order");
    QTest::addColumn<quint32>("length");
    QTest::addColumn<quint32>("type");
    QTest::addColumn<RpcError>("error");
    // Where the failure is reported: a bad length after the 4-byte prefix,
    // a bad type only once the 16 bytes of prefix and header are in.
    QTest::addColumn<qsizetype>("failAt");
    for (auto order : {RpcConfig::LittleEndian, RpcConfig::BigEndian}) {
        const char *o = order == RpcConfig::LittleEndian ? "le" : "be";
        QTest::addRow("%s length 0", o)
                << order << 0u << 0u << RpcError::FrameTooShort << qsizetype(4);
        QTest::addRow("%s length 11", o)
                << order << 11u << 0u << RpcError::FrameTooShort << qsizetype(4);
        QTest::addRow("%s type 5", o)
                << order << 12u << 5u << RpcError::InvalidMessageType << qsizetype(16);
        QTest::addRow("%s type max", o)
                << order << 12u << 0xffffffffu << RpcError::InvalidMessageType << qsizetype(16);
        QTest::addRow("%s body max+1", o) << order << 12u + TestMaxBody + 1 << 0u
                                          << RpcError::MessageTooLarge << qsizetype(4);
        QTest::addRow("%s length 0xffffffff", o)
                << order << 0xffffffffu << 1u << RpcError::MessageTooLarge << qsizetype(4);
        // Both wrong: the length is judged first, before the type has arrived.
        QTest::addRow("%s length 11 and type 5", o)
                << order << 11u << 5u << RpcError::FrameTooShort << qsizetype(4);
        QTest::addRow("%s body max+1 and type 5", o) << order << 12u + TestMaxBody + 1 << 5u
                                                     << RpcError::MessageTooLarge << qsizetype(4);
    }
}

void tst_RpcWire::malformed()
{
    QFETCH(RpcConfig::ByteOrder, order);
    QFETCH(quint32, length);
    QFETCH(quint32, type);
    QFETCH(RpcError, error);
    QFETCH(qsizetype, failAt);

    const QByteArray bytes = prefix(length, type, 1, 2, order) + QByteArray(64, 'z');
    // Every split of the 16-byte prefix ends in the same failure, reported by
    // the feed() that brings in byte failAt, which consumes nothing after it.
    for (qsizetype cut = 0; cut <= 16; ++cut) {
        RpcFrameDecoder decoder(order, TestMaxBody);
        QCOMPARE(decoder.feed(bytes.constData(), cut), qMin(cut, failAt));
        if (cut < failAt) {
            QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
            const qsizetype consumed = decoder.feed(bytes.constData() + cut, bytes.size() - cut);
            QCOMPARE(consumed, failAt - cut); // nothing after the bad field is taken
        }
        QCOMPARE(decoder.state(), RpcFrameDecoder::Failed);
        QCOMPARE(decoder.error(), error);
        QCOMPARE(decoder.bufferedBytes(), failAt);
        QVERIFY(!decoder.errorString().isEmpty());
        // A failed decoder takes nothing more.
        QCOMPARE(decoder.feed(bytes.constData(), bytes.size()), 0);
        QCOMPARE(decoder.state(), RpcFrameDecoder::Failed);
    }

    // The same through writeBuffer()/commit(), with the chunk sizes a
    // transport reading from a socket sees: the commit that completes the
    // bad field fails, whatever else came with it.
    for (qsizetype chunk = 1; chunk <= 16; ++chunk) {
        RpcFrameDecoder decoder(order, TestMaxBody);
        qsizetype pos = 0;
        RpcFrameDecoder::State state = RpcFrameDecoder::NeedMore;
        while (state == RpcFrameDecoder::NeedMore) {
            const RpcFrameDecoder::Buffer buffer = decoder.writeBuffer();
            QVERIFY(buffer.size <= 16 - pos);
            const qsizetype n = qMin(buffer.size, chunk);
            std::memcpy(buffer.data, bytes.constData() + pos, size_t(n));
            pos += n;
            state = decoder.commit(n);
        }
        QCOMPARE(state, RpcFrameDecoder::Failed);
        QCOMPARE(decoder.error(), error);
        // Failed in the first commit that reached failAt, not later.
        QVERIFY2(pos >= failAt && pos - chunk < failAt,
                 qPrintable(QStringLiteral("chunk %1 failed at byte %2").arg(chunk).arg(pos)));
    }
}

void tst_RpcWire::badLengthPrefixAlone_data()
{
    QTest::addColumn<RpcConfig::ByteOrder>("order");
    QTest::addColumn<quint32>("length");
    QTest::addColumn<RpcError>("error");
    for (auto order : {RpcConfig::LittleEndian, RpcConfig::BigEndian}) {
        const char *o = order == RpcConfig::LittleEndian ? "le" : "be";
        QTest::addRow("%s length 0", o) << order << 0u << RpcError::FrameTooShort;
        QTest::addRow("%s length 11", o) << order << 11u << RpcError::FrameTooShort;
        QTest::addRow("%s body max+1", o)
                << order << 12u + TestMaxBody + 1 << RpcError::MessageTooLarge;
        QTest::addRow("%s length 0xffffffff", o)
                << order << 0xffffffffu << RpcError::MessageTooLarge;
        // The bounds themselves are fine: the decoder waits for the header.
        QTest::addRow("%s length 12", o) << order << 12u << RpcError::NoError;
        QTest::addRow("%s body max", o) << order << 12u + TestMaxBody << RpcError::NoError;
    }
}

void tst_RpcWire::badLengthPrefixAlone()
{
    // A hostile peer that sends nothing but a bad 4-byte length prefix is
    // caught at once: no header has to follow for the error to be reported.
    QFETCH(RpcConfig::ByteOrder, order);
    QFETCH(quint32, length);
    QFETCH(RpcError, error);
    char bytes[LengthPrefixSize];
    writeU32(bytes, length, order);
    const RpcFrameDecoder::State expected
            = error == RpcError::NoError ? RpcFrameDecoder::NeedMore : RpcFrameDecoder::Failed;

    // feed(), all 4 bytes at once.
    RpcFrameDecoder fed(order, TestMaxBody);
    QCOMPARE(fed.feed(bytes, LengthPrefixSize), LengthPrefixSize);
    QCOMPARE(fed.state(), expected);
    QCOMPARE(fed.error(), error);
    QCOMPARE(fed.bufferedBytes(), LengthPrefixSize);

    // writeBuffer()/commit(), all 4 bytes at once: the way the stream
    // transport reads when the peer has sent just these 4.
    RpcFrameDecoder committed(order, TestMaxBody);
    RpcFrameDecoder::Buffer buffer = committed.writeBuffer();
    QCOMPARE(buffer.size, LengthPrefixSize + HeaderSize); // no body buffer offered yet
    std::memcpy(buffer.data, bytes, sizeof(bytes));
    QCOMPARE(committed.commit(LengthPrefixSize), expected);
    QCOMPARE(committed.error(), error);

    // One byte at a time: the fourth byte decides.
    RpcFrameDecoder byByte(order, TestMaxBody);
    for (qsizetype i = 0; i < LengthPrefixSize; ++i) {
        buffer = byByte.writeBuffer();
        QCOMPARE(buffer.size, LengthPrefixSize + HeaderSize - i);
        buffer.data[0] = bytes[i];
        QCOMPARE(byByte.commit(1), i + 1 < LengthPrefixSize ? RpcFrameDecoder::NeedMore : expected);
    }
    QCOMPARE(byByte.error(), error);
    QCOMPARE(byByte.bufferedBytes(), LengthPrefixSize);
    if (error != RpcError::NoError) {
        QVERIFY2(byByte.errorString().contains(
                         QString::number(error == RpcError::FrameTooShort ? length : length - 12)),
                 qPrintable(byByte.errorString()));
    }
}

void tst_RpcWire::hugeLengthAllocatesNothing()
{
    // A hostile length is rejected from its 4 bytes: nothing beyond them is
    // buffered, and the decoder never offers a write buffer larger than the
    // configured maximum.
    RpcFrameDecoder decoder(RpcConfig::LittleEndian, TestMaxBody);
    const QByteArray header = prefix(0xffffffffu, 0, 1, 1);
    for (qsizetype i = 0; i < 3; ++i) {
        const RpcFrameDecoder::Buffer buffer = decoder.writeBuffer();
        QCOMPARE(buffer.size, 16 - i);
        buffer.data[0] = header[i];
        QCOMPARE(decoder.commit(1), RpcFrameDecoder::NeedMore);
        QCOMPARE(decoder.bufferedBytes(), i + 1);
    }
    decoder.writeBuffer().data[0] = header[3];
    QCOMPARE(decoder.commit(1), RpcFrameDecoder::Failed);
    QCOMPARE(decoder.error(), RpcError::MessageTooLarge);
    QCOMPARE(decoder.bufferedBytes(), 4);
    QVERIFY2(decoder.errorString().contains(QLatin1String("4294967283")),
             qPrintable(decoder.errorString()));

    // The largest accepted body gets a buffer of exactly its size.
    RpcFrameDecoder ok(RpcConfig::LittleEndian, TestMaxBody);
    const QByteArray okHeader = prefix(12 + TestMaxBody, 0, 1, 1);
    QCOMPARE(ok.feed(okHeader.constData(), okHeader.size()), 16);
    QCOMPARE(ok.state(), RpcFrameDecoder::NeedMore);
    QCOMPARE(ok.writeBuffer().size, qsizetype(TestMaxBody));
    QCOMPARE(ok.bufferedBytes(), 16);
}

void tst_RpcWire::limitLoweredWithinHeader()
{
    // The length passed when its 4 bytes came in, then the limit was lowered
    // before the header was complete: the body is still never allocated
    // beyond the limit in force.
    const QByteArray frame = encodeStreamFrame(
            RpcMessage(RpcMessage::Request, 1, 1, QByteArray(50, 'a')), RpcConfig::LittleEndian);
    RpcFrameDecoder decoder(RpcConfig::LittleEndian, 100);
    QCOMPARE(decoder.feed(frame.constData(), 8), 8);
    QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
    decoder.setMaxBodySize(10);
    QCOMPARE(decoder.feed(frame.constData() + 8, frame.size() - 8), 8);
    QCOMPARE(decoder.state(), RpcFrameDecoder::Failed);
    QCOMPARE(decoder.error(), RpcError::MessageTooLarge);
    QCOMPARE(decoder.bufferedBytes(), 16);
}

void tst_RpcWire::exactlyAtLimit()
{
    for (quint32 maxBody : {0u, 1u, 100u, TestMaxBody}) {
        const RpcMessage atLimit(RpcMessage::Request, 3, 4, QByteArray(qsizetype(maxBody), 'a'));
        RpcFrameDecoder decoder(RpcConfig::LittleEndian, maxBody);
        const QByteArray frame = encodeStreamFrame(atLimit, RpcConfig::LittleEndian);
        QCOMPARE(decoder.feed(frame.constData(), frame.size()), frame.size());
        QCOMPARE(decoder.state(), RpcFrameDecoder::MessageReady);
        QCOMPARE(decoder.takeMessage(), atLimit);

        const RpcMessage over(RpcMessage::Request, 3, 4, QByteArray(qsizetype(maxBody) + 1, 'a'));
        const QByteArray overFrame = encodeStreamFrame(over, RpcConfig::LittleEndian);
        RpcFrameDecoder decoder2(RpcConfig::LittleEndian, maxBody);
        QCOMPARE(decoder2.feed(overFrame.constData(), overFrame.size()), 4);
        QCOMPARE(decoder2.state(), RpcFrameDecoder::Failed);
        QCOMPARE(decoder2.error(), RpcError::MessageTooLarge);
    }
}

void tst_RpcWire::trailingDataLeftUntilTaken()
{
    const RpcMessage first(RpcMessage::Request, 1, 1, QByteArrayLiteral("one"));
    const RpcMessage second(RpcMessage::Request, 2, 2);
    const RpcMessage third(RpcMessage::Stream, 0, 3, QByteArrayLiteral("three"));
    const QByteArray data = encodeStreamFrame(first, RpcConfig::LittleEndian)
            + encodeStreamFrame(second, RpcConfig::LittleEndian)
            + encodeStreamFrame(third, RpcConfig::LittleEndian);

    RpcFrameDecoder decoder;
    qsizetype pos = decoder.feed(data.constData(), data.size());
    QCOMPARE(pos, 19);
    QCOMPARE(decoder.state(), RpcFrameDecoder::MessageReady);
    // Still ready: feeding more consumes nothing until the message is taken.
    QCOMPARE(decoder.feed(data.constData() + pos, data.size() - pos), 0);
    QCOMPARE(decoder.state(), RpcFrameDecoder::MessageReady);
    QCOMPARE(decoder.takeMessage(), first);

    const qsizetype n2 = decoder.feed(data.constData() + pos, data.size() - pos);
    QCOMPARE(n2, 16); // the empty-body message is complete after its prefix
    pos += n2;
    QCOMPARE(decoder.state(), RpcFrameDecoder::MessageReady);
    QCOMPARE(decoder.takeMessage(), second);

    pos += decoder.feed(data.constData() + pos, data.size() - pos);
    QCOMPARE(pos, data.size());
    QCOMPARE(decoder.takeMessage(), third);
    QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
}

void tst_RpcWire::resetAfterFailure()
{
    RpcFrameDecoder decoder;
    const QByteArray bad = prefix(5, 0, 0, 0);
    decoder.feed(bad.constData(), bad.size());
    QCOMPARE(decoder.state(), RpcFrameDecoder::Failed);
    decoder.reset();
    QCOMPARE(decoder.state(), RpcFrameDecoder::NeedMore);
    QCOMPARE(decoder.error(), RpcError::NoError);
    QVERIFY(decoder.errorString().isEmpty());
    QCOMPARE(decoder.bufferedBytes(), 0);
    QCOMPARE(decoder.feed(echoLittle.constData(), echoLittle.size()), echoLittle.size());
    QCOMPARE(decoder.takeMessage(), echoRequest());

    // Byte order and limit can be changed between frames.
    decoder.setByteOrder(RpcConfig::BigEndian);
    decoder.setMaxBodySize(10);
    QCOMPARE(decoder.feed(echoBig.constData(), echoBig.size()), 4); // judged from the length
    QCOMPARE(decoder.error(), RpcError::MessageTooLarge);
}

void tst_RpcWire::parseDatagram_data()
{
    QTest::addColumn<QByteArray>("datagram");
    QTest::addColumn<quint32>("maxBody");
    QTest::addColumn<RpcError>("error");

    const QByteArray echo = echoLittle.mid(4);
    QTest::newRow("empty") << QByteArray() << 100u << RpcError::FrameTooShort;
    QTest::newRow("11 bytes") << echo.left(11) << 100u << RpcError::FrameTooShort;
    QTest::newRow("header only") << echo.left(12) << 0u << RpcError::NoError;
    QTest::newRow("echo") << echo << 11u << RpcError::NoError;
    QTest::newRow("too large") << echo << 10u << RpcError::MessageTooLarge;
    QTest::newRow("type 5") << QByteArray::fromHex("05000000 00000000 00000000") << 100u
                            << RpcError::InvalidMessageType;
    QTest::newRow("type max") << QByteArray::fromHex("ffffffff 00000000 00000000") << 100u
                              << RpcError::InvalidMessageType;
}

void tst_RpcWire::parseDatagram()
{
    QFETCH(QByteArray, datagram);
    QFETCH(quint32, maxBody);
    QFETCH(RpcError, error);
    const DatagramResult result = RpcWire::parseDatagram(datagram.constData(), datagram.size(),
                                                         RpcConfig::LittleEndian, maxBody);
    QCOMPARE(result.error, error);
    if (error == RpcError::NoError) {
        QCOMPARE(result.message.type(), RpcMessage::Request);
        QCOMPARE(result.message.requestId(), 21u);
        QCOMPARE(result.message.serviceId(), 0);
        QCOMPARE(result.message.body(), datagram.mid(12));
        QVERIFY(result.message.fileDescriptors().isEmpty());
    }
}

QTEST_GUILESS_MAIN(tst_RpcWire)
#include "tst_rpcwire.moc"

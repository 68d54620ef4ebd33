// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// A slow consumer: a producer process streams 1 GiB (stream messages with a
// sequence number in each body) into this process, which reads and pauses
// reading (RpcPeer::readingPaused) several times. The producer sends until
// RpcError::WriteBufferFull and resumes on RpcPeer::writeBufferDrained();
// each time the reader pauses, it asks the producer (on its standard input)
// to say "full" on its standard output once it is stopped, and resumes then: the back-pressure has gone all the way to the producer. Checked: every message arrives,
// in order, and both processes' memory (VmRSS sampled from /proc during the
// run, VmHWM at the end) stays bounded by a multiple of the high-water mark.
//
// The producer is this program, started with "--produce ADDRESS MIB BODY".
// FIZYRRPC_SLOWCONSUMER_MIB (default 1024) scales the amount; a sanitizer
// build defaults to 256 (it is slower, and its memory figures mean nothing).

#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcMessage>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include "rpctestsupport.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QSocketNotifier>
#include <QtCore/QEventLoop>
#include <QtCore/QTimer>
#include <QtCore/QtEndian>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <cstdio>
#include <unistd.h>
#include <utility>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr qint64 HighWater = RpcConfig::DefaultWriteBufferHighWaterMark; // 16 MiB
constexpr int Pauses = 4;
// Each side's resident memory stays below this many high-water marks (plus
// what it had before the run).
constexpr qint64 BoundMarks = 6;

qint64 defaultMiB()
{
    const int value = qEnvironmentVariableIntValue("FIZYRRPC_SLOWCONSUMER_MIB");
    if (value > 0)
        return value;
    return MemoryBoundsApply ? 1024 : 256;
}

qint64 processStatusKiB(qint64 pid, const char *field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

RpcConfig configFor(RpcAddress::Transport transport, quint32 body)
{
    RpcConfig config = RpcConfig::defaultsFor(transport);
    config.setMaxBodyReadSize(body);
    config.setMaxBodyWriteSize(body);
    return config;
}

// The producer: sends count streams of body bytes, pausing on
// WriteBufferFull until writeBufferDrained(); exits when the reader closes.
int produce(const QString &addressText, qint64 count, quint32 body)
{
    const RpcAddress address = RpcAddress::fromString(addressText);
    RpcPeer peer;
    peer.setConfig(configFor(address.transport(), body));
    peer.connectToServer(address);
    if (!peer.waitForConnected(DefaultTimeout)) {
        fprintf(stderr, "producer: %s\n", qPrintable(peer.errorString()));
        return 1;
    }
    QByteArray payload(qsizetype(body), 'p');
    qint64 next = 0;
    int exitCode = 0;
    int stops = 0;
    bool blocked = false;
    bool reportWanted = false;
    const auto report = [&] {
        fprintf(stdout, "full %lld\n", next);
        fflush(stdout);
    };
    const auto send = [&] {
        blocked = false;
        while (next < count) {
            qToLittleEndian(quint64(next), payload.data());
            if (!peer.sendStream(5, payload)) {
                if (peer.error() != RpcError::WriteBufferFull) {
                    fprintf(stderr, "producer: %s\n", qPrintable(peer.errorString()));
                    exitCode = 1;
                    QCoreApplication::quit();
                    return;
                }
                blocked = true;
                ++stops;
                if (std::exchange(reportWanted, false))
                    report();
                return; // writeBufferDrained() resumes
            }
            ++next;
        }
    };
    QObject::connect(&peer, &RpcPeer::writeBufferDrained, &peer, send);
    // The reader paused and asks, on standard input, to be told once this
    // side is stopped. (Not over the connection: while its write buffer is
    // full, a peer does not read.)
    QSocketNotifier input(0, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &input, [&] {
        char buffer[64];
        const ssize_t n = ::read(0, buffer, sizeof(buffer));
        if (n <= 0) {
            input.setEnabled(false);
            return;
        }
        for (ssize_t i = 0; i < n; ++i) {
            if (buffer[i] != '\n')
                continue;
            if (blocked)
                report();
            else
                reportWanted = true;
        }
    });
    QObject::connect(&peer, &RpcPeer::disconnected, &peer, [] { QCoreApplication::quit(); });
    send();
    QCoreApplication::exec();
    fprintf(stdout, "stopped %d times\n", stops);
    fflush(stdout);
    return exitCode;
}

} // namespace

class tst_SlowConsumer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void pausedReader();

private:
    QTemporaryDir m_dir;
};

void tst_SlowConsumer::pausedReader()
{
    QFETCH_GLOBAL(QString, scheme);
    const bool seqpacket = scheme == QLatin1String("seqpacket");
    // Seqpacket messages are datagrams: their size is bounded by the socket
    // buffer, so they stay smaller.
    const quint32 body = seqpacket ? 32 * 1024 : 64 * 1024;
    const qint64 totalBytes = defaultMiB() * 1024 * 1024;
    const qint64 count = totalBytes / body;

    RpcServer server;
    const QString listenAddress = addressFor(scheme, m_dir, QStringLiteral("slow"));
    server.setConfig(configFor(RpcAddress::fromString(listenAddress).transport(), body));
    QVERIFY(server.listen(listenAddress));

    QProcess producer;
    producer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    producer.start(QCoreApplication::applicationFilePath(),
                   {QStringLiteral("--produce"), server.serverAddress().toString(),
                    QString::number(count), QString::number(body)});
    QVERIFY2(producer.waitForStarted(DefaultTimeout), qPrintable(producer.errorString()));
    const qint64 producerPid = producer.processId();
    const qint64 ownBaseKiB = statusKiB("VmRSS");

    QSignalSpy newConnection(&server, &RpcServer::newConnection);
    QVERIFY(newConnection.wait(DefaultTimeout));
    RpcPeer *reader = server.nextPendingConnection();
    QVERIFY(reader);
    const qint64 producerBaseKiB = processStatusKiB(producerPid, "VmRSS");

    qint64 received = 0;
    bool inOrder = true;
    int pauses = 0;
    int fullWhilePaused = 0;
    int fullTotal = 0;
    qint64 ownMaxKiB = 0;
    qint64 producerMaxKiB = 0;
    const auto sample = [&] {
        ownMaxKiB = qMax(ownMaxKiB, statusKiB("VmRSS"));
        producerMaxKiB = qMax(producerMaxKiB, processStatusKiB(producerPid, "VmRSS"));
    };
    connect(reader, &RpcPeer::streamReceived, this, [&](const RpcMessage &message) {
        const QByteArray &bytes = message.body();
        if (bytes.size() != qsizetype(body)
            || qFromLittleEndian<quint64>(bytes.constData()) != quint64(received)) {
            inOrder = false;
        }
        ++received;
        if (received % 512 == 0)
            sample();
        // Pause at 1/5, 2/5, ... of the run.
        if (pauses < Pauses && received == count * (pauses + 1) / (Pauses + 1)) {
            ++pauses;
            sample();
            reader->setReadingPaused(true);
            producer.write("report\n");
        }
    });
    const auto readLines = [&] {
        while (producer.canReadLine()) {
            const QByteArray line = producer.readLine().trimmed();
            if (line.startsWith("full") && reader->isReadingPaused()) {
                // The producer is stopped: back-pressure reached it.
                ++fullWhilePaused;
                sample();
                reader->setReadingPaused(false);
            } else if (line.startsWith("stopped ")) {
                fullTotal = line.mid(8).split(' ').value(0).toInt();
            }
        }
    };
    connect(&producer, &QProcess::readyReadStandardOutput, this, readLines);

    QElapsedTimer timer;
    timer.start();
    const int timeout = int(qMax<qint64>(120000, totalBytes / (1024 * 1024) * 500));
    // A real event loop, not QTRY_* (whose qWait() sleeps between rounds
    // and would measure its own naps).
    QEventLoop loop;
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    connect(reader, &RpcPeer::streamReceived, &loop, [&] {
        if (received == count || !inOrder)
            loop.quit();
    });
    connect(reader, &RpcPeer::disconnected, &loop, &QEventLoop::quit);
    loop.exec();
    QVERIFY2(received == count || !inOrder,
             qPrintable(QStringLiteral("%1 of %2 messages within %3 ms")
                                .arg(received)
                                .arg(count)
                                .arg(timeout)));
    const qint64 elapsed = qMax<qint64>(1, timer.elapsed());
    sample();
    const qint64 ownPeakKiB = statusKiB("VmHWM");
    const qint64 producerPeakKiB = processStatusKiB(producerPid, "VmHWM");
    reader->disconnectFromServer();
    QVERIFY(producer.waitForFinished(DefaultTimeout));
    readLines();
    QCOMPARE(producer.exitStatus(), QProcess::NormalExit);
    QCOMPARE(producer.exitCode(), 0);

    QVERIFY(inOrder);
    QCOMPARE(received, count);
    QCOMPARE(pauses, Pauses);
    QCOMPARE(fullWhilePaused, Pauses);
    const double mib = double(count) * body / (1024.0 * 1024.0);
    qInfo("%s: %.0f MiB in %lld messages of %u bytes, %.0f MB/s; %d pauses, producer stopped "
          "%d times; reader VmRSS max %lld MiB (start %lld, VmHWM %lld); producer VmRSS max %lld "
          "MiB (start %lld, VmHWM %lld)",
          qPrintable(scheme), mib, count, body, double(count) * body / 1e6 / (elapsed / 1000.0),
          pauses, fullTotal, ownMaxKiB / 1024, ownBaseKiB / 1024, ownPeakKiB / 1024,
          producerMaxKiB / 1024, producerBaseKiB / 1024, producerPeakKiB / 1024);
    if (MemoryBoundsApply) {
        const qint64 boundKiB = BoundMarks * HighWater / 1024;
        QVERIFY2(ownMaxKiB - ownBaseKiB < boundKiB,
                 qPrintable(QStringLiteral("reader grew by %1 KiB").arg(ownMaxKiB - ownBaseKiB)));
        QVERIFY2(producerMaxKiB - producerBaseKiB < boundKiB,
                 qPrintable(QStringLiteral("producer grew by %1 KiB")
                                    .arg(producerMaxKiB - producerBaseKiB)));
        QVERIFY2(producerPeakKiB - producerBaseKiB < boundKiB,
                 qPrintable(QStringLiteral("producer peak %1 KiB").arg(producerPeakKiB)));
    }
}

int main(int argc, char **argv)
{
    if (argc == 5 && qstrcmp(argv[1], "--produce") == 0) {
        QCoreApplication app(argc, argv);
        return produce(QString::fromLocal8Bit(argv[2]), QByteArray(argv[3]).toLongLong(),
                       QByteArray(argv[4]).toUInt());
    }
    QCoreApplication app(argc, argv);
    tst_SlowConsumer test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_slowconsumer.moc"

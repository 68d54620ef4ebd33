// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Memory bounds against a client that sends requests and never reads the
// answers (issue 12 item 6). The servers are real processes: the tool's
// `fizyr-rpc serve` (which echoes service 1) and the example servers
// written like the README (which answer every request). The client sends
// up to 40,000 requests of the transport's maximum body size and stops when
// the server no longer takes data; then the server's peak resident memory
// (VmHWM in /proc/PID/status) must be far below what reading everything
// costs (the issue measured 445 MB for `serve` over TCP).

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcMessage>

#include "rpctestrawclient.h"
#include "rpctestsupport.h"
#include "wire/rpcwire_p.h"

#include <QtCore/QProcess>
#include <QtTest/QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr int Timeout = 20000;
constexpr int Requests = 40000;
// The client stops when the server has taken nothing for this long.
constexpr int StallMsecs = 3000;
constexpr qint64 BoundKiB = 96 * 1024;

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

} // namespace

class tst_FlowControl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void neverReadingClient_data();
    void neverReadingClient();

private:
    QTemporaryDir m_dir;
};

void tst_FlowControl::neverReadingClient_data()
{
    QTest::addColumn<bool>("tool");
    QTest::newRow("serve") << true;
    QTest::newRow("example") << false;
}

void tst_FlowControl::neverReadingClient()
{
    QFETCH_GLOBAL(QString, scheme);
    QFETCH(bool, tool);
    const QString address = addressFor(scheme, m_dir, QStringLiteral("flow"));
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    if (tool) {
        server.start(QStringLiteral(FIZYR_RPC_TOOL), {QStringLiteral("serve"), address});
    } else {
        const QString name = scheme == QLatin1String("tcp") ? QStringLiteral("tcp-server")
                : scheme == QLatin1String("unix")           ? QStringLiteral("unix-stream-server")
                                                  : QStringLiteral("unix-seqpacket-server");
        server.start(QStringLiteral(EXAMPLES_BIN_DIR "/%1/%1").arg(name), {address});
    }
    QVERIFY2(server.waitForStarted(Timeout), qPrintable(server.errorString()));
    QByteArray line;
    while (!line.contains('\n') && server.waitForReadyRead(Timeout))
        line += server.readLine();
    QVERIFY2(line.startsWith("listening on "), line.constData());
    const RpcAddress listening = RpcAddress::fromString(QString::fromUtf8(line.mid(13).trimmed()));
    QVERIFY2(listening.isValid(), line.constData());
    // The servers print what they receive: keep the pipe drained.
    connect(&server, &QProcess::readyReadStandardOutput, &server,
            [&server] { server.readAllStandardOutput(); });

    RawClient client;
    QVERIFY(client.open(listening));
    const QByteArray body(
            qsizetype(RpcConfig::defaultsFor(listening.transport()).maxBodyReadSize()), 'r');
    int sent = 0;
    for (; sent < Requests; ++sent) {
        const RpcMessage request(RpcMessage::Request, quint32(sent), 1, body);
        if (!client.write(client.encode(request), StallMsecs))
            break;
    }
    QCOMPARE(server.state(), QProcess::Running);
    const qint64 rss = processStatusKiB(server.processId(), "VmRSS");
    const qint64 peak = processStatusKiB(server.processId(), "VmHWM");
    qInfo("%s %s: %d requests of %lld bytes sent (%s), server VmRSS %lld KiB, VmHWM %lld KiB",
          qPrintable(scheme), tool ? "serve" : "example", sent, qint64(body.size()),
          sent < Requests ? "then the server stopped reading" : "all", rss, peak);
    server.kill();
    server.waitForFinished(Timeout);
    QVERIFY(peak > 0);
    if (MemoryBoundsApply)
        QVERIFY2(peak < BoundKiB, qPrintable(QStringLiteral("peak %1 KiB").arg(peak)));
}

QTEST_GUILESS_MAIN(tst_FlowControl)

#include "tst_flowcontrol.moc"

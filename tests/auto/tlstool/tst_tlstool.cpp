// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The fizyr-rpc tool over TLS and with the access options: an independent
// TLS client (Python's ssl module speaking the framing by hand) against
// `fizyr-rpc serve tls://...`, mutual TLS, a proxy that terminates TLS in
// front of a plain Unix service, and --allow-uid / --socket-mode.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace Fizyr;

constexpr int Timeout = 20000;

class tst_TlsTool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void pythonClientAgainstServe();
    void mutualTlsServe();
    void callOptions();
    void proxyTerminatesTls();
    void accessOptions();
    void usageErrors();
    void benchmarkSmoke();

private:
    QString file(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    QStringList serverTls() const
    {
        return {QStringLiteral("--tls-cert"), file("server.pem"), QStringLiteral("--tls-key"),
                file("server.key")};
    }
    // Starts the tool with args and waits for "listening on ADDRESS"; returns the address.
    QString startListening(QProcess &process, const QStringList &args);
    // Runs the tool or another program to the end; returns its exit code.
    int run(const QString &program, const QStringList &args, QByteArray *out = nullptr,
            QByteArray *err = nullptr);

    QTemporaryDir m_dir;
};

void tst_TlsTool::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(run(QStringLiteral("bash"), {QStringLiteral(MAKE_CERTS_SCRIPT), m_dir.path()}) == 0);
}

int tst_TlsTool::run(const QString &program, const QStringList &args, QByteArray *out,
                     QByteArray *err)
{
    QProcess process;
    process.start(program, args);
    // The event loop runs meanwhile (servers of this process answer).
    QSignalSpy finished(&process, &QProcess::finished);
    if (!finished.wait(Timeout * 2)) {
        process.kill();
        process.waitForFinished();
        return -1;
    }
    if (out)
        *out = process.readAllStandardOutput();
    const QByteArray errors = process.readAllStandardError();
    if (err)
        *err = errors;
    if (process.exitCode() != 0)
        qDebug() << program << args << "exited with" << process.exitCode() << errors;
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

QString tst_TlsTool::startListening(QProcess &process, const QStringList &args)
{
    process.start(QStringLiteral(FIZYR_RPC_TOOL), args);
    QByteArray output;
    const QRegularExpression listening(QStringLiteral("listening on (\\S+)"));
    QDeadlineTimer deadline(Timeout);
    while (!deadline.hasExpired() && process.state() != QProcess::NotRunning) {
        if (!process.canReadLine() && !process.waitForReadyRead(int(deadline.remainingTime())))
            continue;
        output += process.readLine();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(output));
        if (match.hasMatch())
            return match.captured(1);
    }
    qWarning() << "no listening line:" << output << process.readAllStandardError();
    return QString();
}

static void stop(QProcess &process)
{
    process.terminate();
    if (!process.waitForFinished(Timeout))
        process.kill();
}

void tst_TlsTool::pythonClientAgainstServe()
{
    QProcess serve;
    const QString address = startListening(
            serve,
            QStringList{QStringLiteral("serve"), QStringLiteral("tls://127.0.0.1:0")}
                    + serverTls());
    QVERIFY(address.startsWith(QStringLiteral("tls://127.0.0.1:")));
    const QString port = address.mid(address.lastIndexOf(QLatin1Char(':')) + 1);
    QByteArray out;
    QCOMPARE(run(QStringLiteral(PYTHON3),
                 {QStringLiteral(TLS_CLIENT_SCRIPT), QStringLiteral("127.0.0.1"), port,
                  file("ca.pem")},
                 &out),
             0);
    QVERIFY2(out.startsWith("ok TLSv1."), out.constData());
    // A Python client that does not trust the server's CA fails the handshake.
    QVERIFY(run(QStringLiteral(PYTHON3),
                {QStringLiteral(TLS_CLIENT_SCRIPT), QStringLiteral("127.0.0.1"), port,
                 file("other-ca.pem")})
            != 0);
    stop(serve);
    const QByteArray log = serve.readAllStandardOutput();
    QVERIFY2(log.contains("hello over tls"), log.constData());
}

void tst_TlsTool::mutualTlsServe()
{
    QProcess serve;
    const QString address = startListening(serve,
                                           QStringList{QStringLiteral("serve"),
                                                       QStringLiteral("tls://127.0.0.1:0"),
                                                       QStringLiteral("--tls-ca"), file("ca.pem")}
                                                   + serverTls());
    QVERIFY(!address.isEmpty());
    const QString port = address.mid(address.lastIndexOf(QLatin1Char(':')) + 1);
    // Without a client certificate: refused.
    QVERIFY(run(QStringLiteral(PYTHON3),
                {QStringLiteral(TLS_CLIENT_SCRIPT), QStringLiteral("127.0.0.1"), port,
                 file("ca.pem")})
            != 0);
    // With one: served.
    QByteArray out;
    QCOMPARE(run(QStringLiteral(PYTHON3),
                 {QStringLiteral(TLS_CLIENT_SCRIPT), QStringLiteral("127.0.0.1"), port,
                  file("ca.pem"), file("client.pem"), file("client.key")},
                 &out),
             0);
    QVERIFY2(out.startsWith("ok"), out.constData());
    // The tool's own call with --tls-cert/--tls-key.
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("call"), QStringLiteral("tls://localhost:") + port,
                  QStringLiteral("1"), QStringLiteral("\"mutual\""), QStringLiteral("--tls-ca"),
                  file("ca.pem"), QStringLiteral("--tls-cert"), file("client.pem"),
                  QStringLiteral("--tls-key"), file("client.key")},
                 &out),
             0);
    QVERIFY2(out.contains("mutual"), out.constData());
    stop(serve);
}

void tst_TlsTool::callOptions()
{
    QProcess serve;
    const QString address = startListening(
            serve,
            QStringList{QStringLiteral("serve"), QStringLiteral("tls://127.0.0.1:0")}
                    + serverTls());
    QVERIFY(!address.isEmpty());
    const QString port = address.mid(address.lastIndexOf(QLatin1Char(':')) + 1);
    const QString byName = QStringLiteral("tls://localhost:") + port;
    QByteArray out;
    QByteArray err;
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("call"), byName, QStringLiteral("1"), QStringLiteral("\"a\""),
                  QStringLiteral("--tls-ca"), file("ca.pem")},
                 &out),
             0);
    // Not trusted: a clear error.
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("call"), byName, QStringLiteral("1"), QStringLiteral("\"a\""),
                  QStringLiteral("--tls-ca"), file("other-ca.pem")},
                 &out, &err),
             2);
    QVERIFY2(err.contains("TLS handshake failed"), err.constData());
    // --tls-insecure: no verification.
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("stream"), byName, QStringLiteral("3"), QStringLiteral("\"s\""),
                  QStringLiteral("--tls-insecure")}),
             0);
    stop(serve);
}

void tst_TlsTool::proxyTerminatesTls()
{
    // A plain service on a Unix socket (as a Rust service would be)...
    RpcServer backend;
    const QString unixAddress = QStringLiteral("unix:") + file("backend.sock");
    QVERIFY(backend.listen(unixAddress));
    connect(&backend, &RpcServer::newConnection, &backend, [&backend] {
        while (RpcPeer *peer = backend.nextPendingConnection()) {
            connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
                request->sendResponse(3, "backend: " + request->body());
                request->deleteLater();
            });
        }
    });
    // ...behind a proxy that terminates TLS.
    QProcess proxy;
    const QString address = startListening(
            proxy,
            QStringList{QStringLiteral("proxy"), QStringLiteral("tls://127.0.0.1:0"), unixAddress}
                    + serverTls());
    QVERIFY(address.startsWith(QStringLiteral("tls://")));
    RpcPeer client;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates(QSslCertificate::fromPath(file("ca.pem")));
    client.setSslConfiguration(config);
    client.connectToServer(address);
    QVERIFY(client.waitForConnected(Timeout));
    std::unique_ptr<RpcRequest> request(client.sendRequest(9, "through tls"));
    QVERIFY(request->waitForFinished(Timeout));
    QVERIFY(request->hasResponse());
    QCOMPARE(request->response().serviceId(), 3);
    QCOMPARE(request->response().body(), QByteArray("backend: through tls"));
    stop(proxy);
}

void tst_TlsTool::accessOptions()
{
    const QString path = file("access.sock");
    QProcess serve;
    // Only a user id that is not ours may connect.
    const QString other = QString::number(::geteuid() + 4242);
    const QString address = startListening(
            serve,
            {QStringLiteral("serve"), QStringLiteral("unix:") + path, QStringLiteral("--allow-uid"),
             other, QStringLiteral("--socket-mode"), QStringLiteral("0640")});
    QVERIFY(!address.isEmpty());
    struct stat info = {};
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &info), 0);
    QCOMPARE(int(info.st_mode & 07777), 0640);
    QByteArray err;
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("call"), address, QStringLiteral("1"), QStringLiteral("\"x\""),
                  QStringLiteral("-t"), QStringLiteral("10")},
                 nullptr, &err),
             2);
    stop(serve);
    const QByteArray log = serve.readAllStandardError();
    QVERIFY2(log.contains("refused a connection from pid"), log.constData());
    QVERIFY2(log.contains(QByteArray("uid ") + QByteArray::number(::geteuid())), log.constData());
}

void tst_TlsTool::usageErrors()
{
    QByteArray err;
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("call"), QStringLiteral("tls://localhost:1"), QStringLiteral("1"),
                  QStringLiteral("--tls-ca"), file("missing.pem")},
                 nullptr, &err),
             2);
    QVERIFY2(err.contains("--tls-ca"), err.constData());
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("serve"), QStringLiteral("tls://127.0.0.1:0"),
                  QStringLiteral("--tls-cert"), file("server.pem")},
                 nullptr, &err),
             2);
    QVERIFY2(err.contains("--tls-cert and --tls-key go together"), err.constData());
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("serve"), QStringLiteral("unix:x"),
                  QStringLiteral("--socket-mode"), QStringLiteral("rw")},
                 nullptr, &err),
             2);
    QVERIFY2(err.contains("--socket-mode"), err.constData());
    // Listening on tls:// without a certificate says what is missing.
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_TOOL),
                 {QStringLiteral("serve"), QStringLiteral("tls://127.0.0.1:0")}, nullptr, &err),
             2);
    QVERIFY2(err.contains("certificate"), err.constData());
}

// The TLS scenarios of fizyr-rpc-bench run and report a TLS/TCP ratio.
void tst_TlsTool::benchmarkSmoke()
{
#ifdef FIZYR_RPC_BENCH
    QByteArray out;
    QCOMPARE(run(QStringLiteral(FIZYR_RPC_BENCH),
                 {QStringLiteral("--quick"), QStringLiteral("--transports"), QStringLiteral("tcp"),
                  QStringLiteral("--scenarios"),
                  QStringLiteral("tls-rtt,tls-pipelined,tls-bulk,tls-connections")},
                 &out),
             0);
    for (const char *scenario : {"tls-rtt", "tls-pipelined", "tls-bulk", "tls-connections"})
        QVERIFY2(out.contains(scenario), out.constData());
    QVERIFY2(out.contains("tls/tcp"), out.constData());
#else
    QSKIP("fizyr-rpc-bench is not built (FIZYRRPCQT_BUILD_BENCHMARKS=OFF)");
#endif
}

QTEST_GUILESS_MAIN(tst_TlsTool)

#include "tst_tlstool.moc"

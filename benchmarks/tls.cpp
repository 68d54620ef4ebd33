// fizyr-rpc-bench: the TLS scenarios (tls-rtt, tls-pipelined, tls-bulk,
// tls-connections): our library over tls:// next to plain tcp://.
#include "scenarios.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

#include <algorithm>
#include <numeric>

using namespace Fizyr;

namespace Bench {

// ---------------------------------------------------------------- TLS
//
// tls-rtt, tls-pipelined, tls-bulk and tls-connections: our library over
// tls:// (the "ours" column) next to our library over plain tcp:// (the
// "baseline" column) in the same run, so the ratio column is TLS / TCP. A
// self-signed certificate for 127.0.0.1, made with the openssl command,
// becomes Qt's default TLS configuration of this process (the servers'
// certificate, the clients' trusted CA) and of the --serve child of
// tls-connections (FIZYRRPCBENCH_TLS_DIR).

namespace {

constexpr char TlsDirVariable[] = "FIZYRRPCBENCH_TLS_DIR";

// Loads the certificate and key from dir into Qt's default TLS configuration.
bool loadTlsDefaults(const QString &dir)
{
    const QList<QSslCertificate> certs
            = QSslCertificate::fromPath(dir + QStringLiteral("/cert.pem"));
    QFile keyFile(dir + QStringLiteral("/key.pem"));
    if (certs.isEmpty() || !keyFile.open(QIODevice::ReadOnly))
        return false;
    const QSslKey key(&keyFile, QSsl::Ec);
    if (key.isNull())
        return false;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(certs.first());
    config.setPrivateKey(key);
    config.setCaCertificates(certs);
    QSslConfiguration::setDefaultConfiguration(config);
    return true;
}

} // namespace

// In the --serve child: the parent's certificate, if it runs TLS scenarios.
void loadTlsDefaultsFromEnvironment()
{
    if (qEnvironmentVariableIsSet(TlsDirVariable))
        loadTlsDefaults(qEnvironmentVariable(TlsDirVariable));
}

namespace {

void setUpTls(const QString &dir)
{
    static bool done = false;
    if (done)
        return;
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), dir + QStringLiteral("/key.pem"),
                   QStringLiteral("-out"), dir + QStringLiteral("/cert.pem"),
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1")});
    if (!openssl.waitForFinished(TimeoutMs) || openssl.exitCode() != 0)
        fail(QStringLiteral("tls scenarios: the openssl command failed: %1")
                     .arg(QString::fromLocal8Bit(openssl.readAllStandardError())));
    if (!loadTlsDefaults(dir))
        fail(QStringLiteral("tls scenarios: cannot load the certificate made by openssl"));
    qputenv(TlsDirVariable, QFile::encodeName(dir));
    done = true;
}

} // namespace

QList<Row> runTlsScenario(const Options &o, const QString &dir, const QString &scenario,
                          bool tlsFirst)
{
    setUpTls(dir);
    const QString name = scenario.mid(4); // after "tls-"
    const QString tn = QStringLiteral("tls/tcp");
    const auto measure = [&](const std::function<double(const QString &)> &one) {
        // Both servers first: TLS handshakes are part of connecting, not of the figure.
        if (tlsFirst) {
            const double tls = one(QStringLiteral("tls://127.0.0.1:0"));
            return std::make_pair(tls, one(QStringLiteral("tcp://127.0.0.1:0")));
        }
        const double tcp = one(QStringLiteral("tcp://127.0.0.1:0"));
        return std::make_pair(one(QStringLiteral("tls://127.0.0.1:0")), tcp);
    };
    if (name == QLatin1String("connections")) {
        // Connecting included: every peer does its TCP and TLS handshakes in the timed part.
        const int perPeer = o.quick ? 10 : 100;
        const auto [tls, tcp] = measure([&](const QString &address) {
            const ConnectionsResult r = oursConnections(address, o.connections, perPeer);
            return double(o.connections) * perPeer / r.seconds;
        });
        return {{scenario, tn, 64, QStringLiteral("throughput"), QStringLiteral("req/s"), tls,
                 tcp}};
    }
    int size = o.size;
    int count = o.count;
    if (name == QLatin1String("bulk")) {
        size = 1024 * 1024;
        count = std::max(2, count / 200);
    } else if (name == QLatin1String("rtt")) {
        count = std::max(10, count / 4);
    } else if (name != QLatin1String("pipelined")) {
        fail(QStringLiteral("unknown scenario %1").arg(scenario));
    }
    if (o.quick)
        count = std::max(2, std::min(count, 20));
    const auto run = [&](const QString &listen, const std::function<double(const QString &)> &f) {
        const RpcAddress parsed = RpcAddress::fromString(listen);
        ServerThread server(listen, configFor(parsed.transport(), size));
        return f(server.address());
    };
    if (name == QLatin1String("pipelined")) {
        const auto [tls, tcp] = measure([&](const QString &listen) {
            return run(listen, [&](const QString &address) {
                return count / oursPipelined(address, size, count, o.inFlight);
            });
        });
        return {{scenario, tn, size, QStringLiteral("rate"), QStringLiteral("req/s"), tls, tcp}};
    }
    std::vector<double> tlsRtts;
    std::vector<double> tcpRtts;
    measure([&](const QString &listen) {
        return run(listen, [&](const QString &address) {
            (address.startsWith(QLatin1String("tls")) ? tlsRtts : tcpRtts)
                    = oursRtt(address, size, count);
            return 0.0;
        });
    });
    if (name == QLatin1String("bulk")) {
        const double mb = 2.0 * double(size) * count / 1e6;
        const auto rate = [mb](const std::vector<double> &v) {
            return mb / (std::accumulate(v.begin(), v.end(), 0.0) / 1e6);
        };
        return {{scenario, tn, size, QStringLiteral("throughput"), QStringLiteral("MB/s"),
                 rate(tlsRtts), rate(tcpRtts)}};
    }
    const QString us = QStringLiteral("us");
    return {{scenario, tn, size, QStringLiteral("p50"), us, percentile(tlsRtts, 0.5),
             percentile(tcpRtts, 0.5)},
            {scenario, tn, size, QStringLiteral("p99"), us, percentile(tlsRtts, 0.99),
             percentile(tcpRtts, 0.99)},
            {scenario, tn, size, QStringLiteral("mean"), us, mean(tlsRtts), mean(tcpRtts)}};
}

} // namespace Bench

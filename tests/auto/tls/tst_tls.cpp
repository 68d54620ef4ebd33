// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// TLS over TCP (tls://): handshakes that succeed and every way one fails,
// mutual TLS, clients that do not speak TLS, and traffic over TLS.
// Certificates are created at run time (make-certs.sh, openssl command).

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QFile>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslSocket>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace Fizyr;

constexpr int Timeout = 20000;

class tst_Tls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void addressScheme();
    void goodHandshake();
    void trafficOverTls();
    void wrongCa();
    void expiredCertificate();
    void wrongHostName();
    void ignoreErrorsInSlot();
    void ignoreErrorsBeforeConnecting();
    void mutualTls();
    void mutualTlsMissingClientCertificate();
    void mutualTlsForeignClientCertificate();
    void plainClientToTlsServer();
    void tlsClientToPlainServer();
    void handshakeTimeout();
    void clientHandshakeTimeout();
    void deleteInSslErrors();
    void deleteInErrorOccurred();
    void minimumTls12();
    void listenWithoutCertificate();

private:
    QSslCertificate cert(const QString &name) const;
    QSslKey key(const QString &name) const;
    QSslConfiguration serverConfig(const QString &name = QStringLiteral("server")) const;
    QSslConfiguration clientConfig(const QString &ca = QStringLiteral("ca")) const;
    // A TLS server on 127.0.0.1 that answers every request with its body.
    std::unique_ptr<RpcServer> startServer(const QSslConfiguration &config);
    QString tlsAddress(const RpcServer &server) const;

    QTemporaryDir m_dir;
};

QSslCertificate tst_Tls::cert(const QString &name) const
{
    const QList<QSslCertificate> certs
            = QSslCertificate::fromPath(m_dir.filePath(name + QStringLiteral(".pem")));
    return certs.isEmpty() ? QSslCertificate() : certs.first();
}

QSslKey tst_Tls::key(const QString &name) const
{
    QFile file(m_dir.filePath(name + QStringLiteral(".key")));
    if (!file.open(QIODevice::ReadOnly))
        return QSslKey();
    return QSslKey(&file, QSsl::Ec);
}

QSslConfiguration tst_Tls::serverConfig(const QString &name) const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(cert(name));
    config.setPrivateKey(key(name));
    return config;
}

QSslConfiguration tst_Tls::clientConfig(const QString &ca) const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates({cert(ca)});
    return config;
}

std::unique_ptr<RpcServer> tst_Tls::startServer(const QSslConfiguration &config)
{
    auto server = std::make_unique<RpcServer>();
    server->setSslConfiguration(config);
    if (!server->listen(QStringLiteral("tls://127.0.0.1:0"))) {
        qWarning() << "listen failed:" << server->errorString();
        return nullptr;
    }
    RpcServer *s = server.get();
    connect(s, &RpcServer::newConnection, s, [s] {
        while (RpcPeer *peer = s->nextPendingConnection()) {
            connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
                request->sendResponse(0, request->body());
                request->deleteLater();
            });
        }
    });
    return server;
}

QString tst_Tls::tlsAddress(const RpcServer &server) const
{
    return QStringLiteral("tls://127.0.0.1:%1").arg(server.serverPort());
}

void tst_Tls::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QSslSocket::supportsSsl(), "this Qt has no TLS backend");
    QProcess make;
    make.start(QStringLiteral("bash"), {QStringLiteral(MAKE_CERTS_SCRIPT), m_dir.path()});
    QVERIFY(make.waitForFinished(60000));
    QVERIFY2(make.exitStatus() == QProcess::NormalExit && make.exitCode() == 0,
             make.readAllStandardError().constData());
    for (const char *name :
         {"ca", "other-ca", "server", "client", "other-client", "expired", "wronghost"}) {
        QVERIFY2(!cert(QString::fromLatin1(name)).isNull(), name);
    }
    QVERIFY(!key(QStringLiteral("server")).isNull());
}

void tst_Tls::addressScheme()
{
    const RpcAddress address = RpcAddress::fromString(QStringLiteral("tls://LocalHost:5000"));
    QCOMPARE(address.transport(), RpcAddress::Tls);
    QCOMPARE(address.toString(), QStringLiteral("tls://localhost:5000"));
}

void tst_Tls::goodHandshake()
{
    auto server = startServer(serverConfig());
    QVERIFY(server);
    QCOMPARE(server->serverAddress().transport(), RpcAddress::Tls);
    RpcPeer client;
    client.setSslConfiguration(clientConfig());
    QSignalSpy connected(&client, &RpcPeer::connected);
    QSignalSpy sslErrors(&client, &RpcPeer::sslErrors);
    QSignalSpy errors(&client, &RpcPeer::errorOccurred);
    client.connectToServer(tlsAddress(*server));
    QVERIFY(connected.wait(Timeout));
    QCOMPARE(sslErrors.size(), 0);
    QCOMPARE(errors.size(), 0);
    QVERIFY(client.isEncrypted());
    QCOMPARE(client.peerAddress().transport(), RpcAddress::Tls);
    const QList<QSslCertificate> chain = client.peerCertificateChain();
    QVERIFY(!chain.isEmpty());
    QCOMPARE(chain.first(), cert(QStringLiteral("server")));
    QVERIFY(client.sslConfiguration().sessionProtocol() >= QSsl::TlsV1_2);

    std::unique_ptr<RpcRequest> request(client.sendRequest(7, "over tls"));
    QVERIFY(request->waitForFinished(Timeout));
    QVERIFY(request->hasResponse());
    QCOMPARE(request->response().body(), QByteArray("over tls"));
}

void tst_Tls::trafficOverTls()
{
    RpcServer server;
    server.setSslConfiguration(serverConfig());
    QVERIFY(server.listen(QStringLiteral("tls://127.0.0.1:0")));
    RpcPeer client;
    client.setSslConfiguration(clientConfig());
    QSignalSpy newConnection(&server, &RpcServer::newConnection);
    client.connectToServer(tlsAddress(server));
    QVERIFY(client.waitForConnected(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> serverPeer(server.nextPendingConnection());
    QVERIFY(serverPeer->isEncrypted());
    QCOMPARE(serverPeer->peerCertificateChain().size(), 0); // no client certificate asked

    // Streams both ways.
    QSignalSpy serverStreams(serverPeer.get(), &RpcPeer::streamReceived);
    QSignalSpy clientStreams(&client, &RpcPeer::streamReceived);
    QVERIFY(client.sendStream(3, "to server"));
    QVERIFY(serverPeer->sendStream(4, "to client"));
    QTRY_COMPARE_WITH_TIMEOUT(serverStreams.size(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(clientStreams.size(), 1, Timeout);
    QCOMPARE(serverStreams.at(0).at(0).value<RpcMessage>().body(), QByteArray("to server"));
    QCOMPARE(clientStreams.at(0).at(0).value<RpcMessage>().body(), QByteArray("to client"));

    // A request with updates in both directions, then a large response.
    QPointer<RpcRequest> received;
    connect(serverPeer.get(), &RpcPeer::requestReceived, this,
            [&received](RpcRequest *request) { received = request; });
    std::unique_ptr<RpcRequest> request(client.sendRequest(9, "hello"));
    QSignalSpy clientUpdates(request.get(), &RpcRequest::updateReceived);
    QTRY_VERIFY_WITH_TIMEOUT(received, Timeout);
    QSignalSpy serverUpdates(received.data(), &RpcRequest::updateReceived);
    QVERIFY(received->sendUpdate(1, "progress"));
    QVERIFY(request->sendUpdate(2, "more"));
    QTRY_COMPARE_WITH_TIMEOUT(clientUpdates.size(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(serverUpdates.size(), 1, Timeout);
    const QByteArray big(8000, 'x');
    QVERIFY(received->sendResponse(0, big));
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->response().body(), big);
    delete received.data();

    // And the other way round: the server sends a request.
    connect(&client, &RpcPeer::requestReceived, this, [](RpcRequest *incoming) {
        incoming->sendResponse(5, incoming->body() + "!");
        incoming->deleteLater();
    });
    std::unique_ptr<RpcRequest> back(serverPeer->sendRequest(11, "ping"));
    QVERIFY(back->waitForFinished(Timeout));
    QCOMPARE(back->response().serviceId(), 5);
    QCOMPARE(back->response().body(), QByteArray("ping!"));

    QSignalSpy disconnected(serverPeer.get(), &RpcPeer::disconnected);
    client.disconnectFromServer();
    QVERIFY(disconnected.wait(Timeout));
}

// Connects a client with config to server and expects the handshake to fail
// with a message that contains expectedText.
static void expectHandshakeFailure(RpcPeer &client, const QString &address,
                                   const QString &expectedText)
{
    QSignalSpy connected(&client, &RpcPeer::connected);
    QSignalSpy errors(&client, &RpcPeer::errorOccurred);
    QSignalSpy sslErrors(&client, &RpcPeer::sslErrors);
    client.connectToServer(address);
    QVERIFY(errors.wait(Timeout));
    QCOMPARE(errors.first().first().value<RpcError>(), RpcError::TlsHandshakeFailed);
    QCOMPARE(client.state(), RpcPeer::UnconnectedState);
    QCOMPARE(connected.size(), 0);
    QVERIFY(!client.isEncrypted());
    QVERIFY2(client.errorString().contains(expectedText, Qt::CaseInsensitive),
             qPrintable(client.errorString()));
    QVERIFY2(client.errorString().contains(QStringLiteral("TLS handshake failed")),
             qPrintable(client.errorString()));
    QVERIFY(sslErrors.size() >= 1);
}

void tst_Tls::wrongCa()
{
    auto server = startServer(serverConfig());
    QVERIFY(server);
    QSignalSpy serverErrors(server.get(), &RpcServer::errorOccurred);
    RpcPeer client;
    client.setSslConfiguration(clientConfig(QStringLiteral("other-ca")));
    expectHandshakeFailure(client, tlsAddress(*server), QStringLiteral("issuer certificate"));
    if (QTest::currentTestFailed())
        return;
    // The server reports the failed handshake and goes on.
    QTRY_VERIFY_WITH_TIMEOUT(serverErrors.size() >= 1, Timeout);
    QCOMPARE(serverErrors.first().first().value<RpcError>(), RpcError::TlsHandshakeFailed);
    QVERIFY(server->errorString().contains(QStringLiteral("TLS handshake with tls://127.0.0.1:")));
    RpcPeer good;
    good.setSslConfiguration(clientConfig());
    good.connectToServer(tlsAddress(*server));
    QVERIFY(good.waitForConnected(Timeout));
}

void tst_Tls::expiredCertificate()
{
    auto server = startServer(serverConfig(QStringLiteral("expired")));
    QVERIFY(server);
    RpcPeer client;
    client.setSslConfiguration(clientConfig());
    expectHandshakeFailure(client, tlsAddress(*server), QStringLiteral("expired"));
}

void tst_Tls::wrongHostName()
{
    auto server = startServer(serverConfig(QStringLiteral("wronghost")));
    QVERIFY(server);
    RpcPeer client;
    client.setSslConfiguration(clientConfig());
    expectHandshakeFailure(client, tlsAddress(*server), QStringLiteral("host name"));
}

void tst_Tls::ignoreErrorsInSlot()
{
    auto server = startServer(serverConfig(QStringLiteral("wronghost")));
    QVERIFY(server);
    RpcPeer client;
    client.setSslConfiguration(clientConfig());
    QList<QSslError> seen;
    connect(&client, &RpcPeer::sslErrors, &client, [&](const QList<QSslError> &errors) {
        seen = errors;
        client.ignoreSslErrors();
    });
    client.connectToServer(tlsAddress(*server));
    QVERIFY(client.waitForConnected(Timeout));
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen.first().error(), QSslError::HostNameMismatch);
    QVERIFY(client.isEncrypted());
}

void tst_Tls::ignoreErrorsBeforeConnecting()
{
    auto server = startServer(serverConfig(QStringLiteral("wronghost")));
    QVERIFY(server);
    RpcPeer client;
    client.setSslConfiguration(clientConfig());
    client.ignoreSslErrors(
            {QSslError(QSslError::HostNameMismatch, cert(QStringLiteral("wronghost")))});
    client.connectToServer(tlsAddress(*server));
    QVERIFY(client.waitForConnected(Timeout));

    // An error that is not in the list still fails the handshake.
    auto expired = startServer(serverConfig(QStringLiteral("expired")));
    QVERIFY(expired);
    RpcPeer other;
    other.setSslConfiguration(clientConfig());
    other.ignoreSslErrors(
            {QSslError(QSslError::HostNameMismatch, cert(QStringLiteral("expired")))});
    expectHandshakeFailure(other, tlsAddress(*expired), QStringLiteral("expired"));
}

void tst_Tls::mutualTls()
{
    QSslConfiguration config = serverConfig();
    config.setCaCertificates({cert(QStringLiteral("ca"))});
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    RpcServer server;
    server.setSslConfiguration(config);
    QVERIFY(server.listen(QStringLiteral("tls://127.0.0.1:0")));

    QSslConfiguration clientSide = clientConfig();
    clientSide.setLocalCertificate(cert(QStringLiteral("client")));
    clientSide.setPrivateKey(key(QStringLiteral("client")));
    RpcPeer client;
    client.setSslConfiguration(clientSide);
    client.connectToServer(tlsAddress(server));
    QVERIFY(client.waitForConnected(Timeout));
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    std::unique_ptr<RpcPeer> serverPeer(server.nextPendingConnection());
    const QList<QSslCertificate> chain = serverPeer->peerCertificateChain();
    QVERIFY(!chain.isEmpty());
    QCOMPARE(chain.first().subjectInfo(QSslCertificate::CommonName),
             QStringList{QStringLiteral("test-client")});
}

// Under mutual TLS, a client the server refuses never gets a working
// connection: with TLS 1.3 the client finishes its side of the handshake
// before the server's verdict arrives, so it may see connected() and then
// the connection close (disconnected()); a request it sends meanwhile fails.
// The server reports the failed handshake and never hands the connection out.
static void expectRefusedClient(tst_Tls *, RpcServer &server, RpcPeer &client,
                                const QString &address)
{
    QSignalSpy serverErrors(&server, &RpcServer::errorOccurred);
    QSignalSpy newConnection(&server, &RpcServer::newConnection);
    QSignalSpy connected(&client, &RpcPeer::connected);
    QSignalSpy disconnected(&client, &RpcPeer::disconnected);
    QSignalSpy clientErrors(&client, &RpcPeer::errorOccurred);
    std::unique_ptr<RpcRequest> request;
    QObject::connect(&client, &RpcPeer::connected, &client,
                     [&] { request.reset(client.sendRequest(1, "refused")); });
    client.connectToServer(address);
    QTRY_VERIFY_WITH_TIMEOUT(serverErrors.size() >= 1, Timeout);
    QCOMPARE(serverErrors.first().first().value<RpcError>(), RpcError::TlsHandshakeFailed);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), RpcPeer::UnconnectedState, Timeout);
    if (connected.isEmpty()) {
        QVERIFY(clientErrors.size() >= 1);
    } else {
        QCOMPARE(disconnected.size(), 1);
        QVERIFY(request);
        QVERIFY(request->isFinished());
        QVERIFY(!request->hasResponse());
    }
    QCOMPARE(newConnection.size(), 0);
    QVERIFY(!server.hasPendingConnections());
}

void tst_Tls::mutualTlsMissingClientCertificate()
{
    QSslConfiguration config = serverConfig();
    config.setCaCertificates({cert(QStringLiteral("ca"))});
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    RpcServer server;
    server.setSslConfiguration(config);
    QVERIFY(server.listen(QStringLiteral("tls://127.0.0.1:0")));
    RpcPeer client;
    client.setSslConfiguration(clientConfig());
    expectRefusedClient(this, server, client, tlsAddress(server));
}

void tst_Tls::mutualTlsForeignClientCertificate()
{
    QSslConfiguration config = serverConfig();
    config.setCaCertificates({cert(QStringLiteral("ca"))});
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    RpcServer server;
    server.setSslConfiguration(config);
    QVERIFY(server.listen(QStringLiteral("tls://127.0.0.1:0")));
    QSslConfiguration clientSide = clientConfig();
    clientSide.setLocalCertificate(cert(QStringLiteral("other-client")));
    clientSide.setPrivateKey(key(QStringLiteral("other-client")));
    RpcPeer client;
    client.setSslConfiguration(clientSide);
    expectRefusedClient(this, server, client, tlsAddress(server));
}

void tst_Tls::plainClientToTlsServer()
{
    auto server = startServer(serverConfig());
    QVERIFY(server);
    // A TLS client that is already connected keeps working throughout.
    RpcPeer good;
    good.setSslConfiguration(clientConfig());
    good.connectToServer(tlsAddress(*server));
    QVERIFY(good.waitForConnected(Timeout));

    QSignalSpy serverErrors(server.get(), &RpcServer::errorOccurred);
    RpcPeer plain;
    plain.connectToServer(QStringLiteral("tcp://127.0.0.1:%1").arg(server->serverPort()));
    QVERIFY(plain.waitForConnected(Timeout)); // TCP itself connects
    std::unique_ptr<RpcRequest> lost(plain.sendRequest(1, "clear text"));
    QVERIFY(lost->waitForFinished(Timeout));
    QVERIFY(!lost->hasResponse());
    QTRY_COMPARE_WITH_TIMEOUT(plain.state(), RpcPeer::UnconnectedState, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(serverErrors.size() >= 1, Timeout);
    QCOMPARE(serverErrors.first().first().value<RpcError>(), RpcError::TlsHandshakeFailed);

    std::unique_ptr<RpcRequest> request(good.sendRequest(2, "still here"));
    QVERIFY(request->waitForFinished(Timeout));
    QCOMPARE(request->response().body(), QByteArray("still here"));
}

void tst_Tls::tlsClientToPlainServer()
{
    RpcServer server;
    QVERIFY(server.listen(QStringLiteral("tcp://127.0.0.1:0")));
    connect(&server, &RpcServer::newConnection, &server, [&server] {
        while (RpcPeer *peer = server.nextPendingConnection())
            connect(peer, &RpcPeer::disconnected, peer, &QObject::deleteLater);
    });
    RpcPeer client;
    client.setSslConfiguration(clientConfig());
    QSignalSpy errors(&client, &RpcPeer::errorOccurred);
    QSignalSpy connected(&client, &RpcPeer::connected);
    client.connectToServer(QStringLiteral("tls://127.0.0.1:%1").arg(server.serverPort()));
    QVERIFY(errors.wait(Timeout));
    QCOMPARE(errors.first().first().value<RpcError>(), RpcError::TlsHandshakeFailed);
    QVERIFY2(client.errorString().contains(QStringLiteral("TLS handshake failed")),
             qPrintable(client.errorString()));
    QCOMPARE(client.state(), RpcPeer::UnconnectedState);
    QCOMPARE(connected.size(), 0);
}

void tst_Tls::handshakeTimeout()
{
    RpcServer server;
    server.setSslConfiguration(serverConfig());
    server.setHandshakeTimeout(200);
    QCOMPARE(server.handshakeTimeout(), 200);
    QVERIFY(server.listen(QStringLiteral("tls://127.0.0.1:0")));
    // Connects and sends nothing: the server gives up on it.
    QTcpSocket silent;
    QSignalSpy disconnected(&silent, &QTcpSocket::disconnected);
    silent.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(silent.waitForConnected(Timeout));
    QVERIFY(disconnected.wait(Timeout));
    QVERIFY(!server.hasPendingConnections());
}

// A server that accepts the TCP connection and never answers the TLS
// handshake: the client's attempt ends with TlsHandshakeFailed after
// handshakeTimeout(), the peer back in UnconnectedState.
void tst_Tls::clientHandshakeTimeout()
{
    QTcpServer silentServer;
    QVERIFY(silentServer.listen(QHostAddress::LocalHost));
    RpcPeer client;
    QCOMPARE(client.handshakeTimeout(), 10000);
    client.setHandshakeTimeout(0);
    QCOMPARE(client.handshakeTimeout(), 1);
    client.setHandshakeTimeout(300);
    QCOMPARE(client.handshakeTimeout(), 300);
    client.setSslConfiguration(clientConfig());
    QSignalSpy errors(&client, &RpcPeer::errorOccurred);
    QSignalSpy connected(&client, &RpcPeer::connected);
    QList<RpcPeer::State> statesAtError;
    connect(&client, &RpcPeer::errorOccurred, &client,
            [&] { statesAtError.append(client.state()); });
    client.connectToServer(QStringLiteral("tls://127.0.0.1:%1").arg(silentServer.serverPort()));
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 1, Timeout);
    QCOMPARE(errors.first().first().value<RpcError>(), RpcError::TlsHandshakeFailed);
    QVERIFY2(client.errorString().contains(QLatin1String("no answer within 300 ms")),
             qPrintable(client.errorString()));
    QVERIFY(statesAtError.first() != RpcPeer::ConnectedState);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), RpcPeer::UnconnectedState, Timeout);
    QCOMPARE(connected.size(), 0);
}

void tst_Tls::deleteInSslErrors()
{
    auto server = startServer(serverConfig(QStringLiteral("wronghost")));
    QVERIFY(server);
    QPointer<RpcPeer> client = new RpcPeer;
    client->setSslConfiguration(clientConfig());
    bool called = false;
    connect(client, &RpcPeer::sslErrors, client, [&] {
        called = true;
        delete client.data();
    });
    client->connectToServer(tlsAddress(*server));
    QTRY_VERIFY_WITH_TIMEOUT(called, Timeout);
    QVERIFY(!client);
    // The server survives the abandoned handshake.
    RpcPeer other;
    other.setSslConfiguration(clientConfig());
    other.ignoreSslErrors(
            {QSslError(QSslError::HostNameMismatch, cert(QStringLiteral("wronghost")))});
    other.connectToServer(tlsAddress(*server));
    QVERIFY(other.waitForConnected(Timeout));
}

void tst_Tls::deleteInErrorOccurred()
{
    auto server = startServer(serverConfig(QStringLiteral("expired")));
    QVERIFY(server);
    QPointer<RpcPeer> client = new RpcPeer;
    client->setSslConfiguration(clientConfig());
    bool called = false;
    connect(client, &RpcPeer::errorOccurred, client, [&] {
        called = true;
        client->deleteLater();
    });
    client->connectToServer(tlsAddress(*server));
    QTRY_VERIFY_WITH_TIMEOUT(called, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(!client, Timeout);

    // And a server deleted from its own errorOccurred() (failed handshake).
    QPointer<RpcServer> doomed = startServer(serverConfig()).release();
    QVERIFY(doomed);
    connect(doomed, &RpcServer::errorOccurred, doomed, [&] { delete doomed.data(); });
    RpcPeer plain; // speaks the protocol without TLS
    plain.connectToServer(QStringLiteral("tcp://127.0.0.1:%1").arg(doomed->serverPort()));
    QVERIFY(plain.waitForConnected(Timeout));
    std::unique_ptr<RpcRequest> request(plain.sendRequest(1, "clear text"));
    QTRY_VERIFY_WITH_TIMEOUT(!doomed, Timeout);
}

void tst_Tls::minimumTls12()
{
    RpcPeer peer;
    QVERIFY(peer.sslConfiguration().protocol() == QSsl::TlsV1_2OrLater);
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(QSsl::AnyProtocol);
    peer.setSslConfiguration(config);
    QCOMPARE(peer.sslConfiguration().protocol(), QSsl::TlsV1_2OrLater);
    config.setProtocol(QSsl::TlsV1_3OrLater);
    peer.setSslConfiguration(config);
    QCOMPARE(peer.sslConfiguration().protocol(), QSsl::TlsV1_3OrLater);
}

void tst_Tls::listenWithoutCertificate()
{
    RpcServer server;
    QVERIFY(!server.listen(QStringLiteral("tls://127.0.0.1:0")));
    QCOMPARE(server.error(), RpcError::InvalidOperation);
    QVERIFY2(server.errorString().contains(QStringLiteral("certificate")),
             qPrintable(server.errorString()));
}

QTEST_GUILESS_MAIN(tst_Tls)

#include "tst_tls.moc"

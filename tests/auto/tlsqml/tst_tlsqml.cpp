// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The TLS properties of the QML RpcPeer and RpcServer: mutual TLS set up
// from QML alone, and a handshake failure reported through errorString.

#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

constexpr int Timeout = 20000;

class tst_TlsQml : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void mutualTlsFromQml();
    void untrustedServer();

private:
    std::unique_ptr<QObject> create(const QByteArray &qml);
    QByteArray file(const char *name) const
    {
        return QUrl::fromLocalFile(m_dir.filePath(QString::fromLatin1(name))).toEncoded();
    }

    QTemporaryDir m_dir;
    QQmlEngine m_engine;
};

void tst_TlsQml::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QProcess make;
    make.start(QStringLiteral("bash"), {QStringLiteral(MAKE_CERTS_SCRIPT), m_dir.path()});
    QVERIFY(make.waitForFinished(60000));
    QCOMPARE(make.exitCode(), 0);
    m_engine.addImportPath(QStringLiteral(FIZYRRPCQT_QML_IMPORT_DIR));
}

std::unique_ptr<QObject> tst_TlsQml::create(const QByteArray &qml)
{
    QQmlComponent component(&m_engine);
    component.setData(qml, QUrl());
    std::unique_ptr<QObject> object(component.create());
    if (!object)
        qWarning() << component.errors();
    return object;
}

void tst_TlsQml::mutualTlsFromQml()
{
    const QByteArray qml = "import QtQml\nimport Fizyr.Rpc\nQtObject {\n"
                           "  property RpcServer server: RpcServer {\n"
                           "    address: 'tls://127.0.0.1:0'\n"
                           "    tlsCertificateFile: '"
            + file("server.pem") + "'\n    tlsPrivateKeyFile: '" + file("server.key")
            + "'\n    tlsCaFile: '" + file("ca.pem")
            + "'\n    peerVerifyMode: RpcServer.VerifyPeer\n"
              "    listening: true\n  }\n"
              "  property RpcPeer peer: RpcPeer {\n"
              "    address: server.serverAddress\n"
              "    active: server.listening\n"
              "    tlsCaFile: '"
            + file("ca.pem") + "'\n    tlsCertificateFile: '" + file("client.pem")
            + "'\n    tlsPrivateKeyFile: '" + file("client.key") + "'\n  }\n}\n";
    std::unique_ptr<QObject> root = create(qml);
    QVERIFY(root);
    auto *server = root->property("server").value<QObject *>();
    auto *peer = root->property("peer").value<QObject *>();
    QVERIFY(server && peer);
    QVERIFY2(server->property("listening").toBool(),
             qPrintable(server->property("errorString").toString()));
    QCOMPARE(server->property("peerVerifyMode").toInt(), 2); // VerifyPeer
    QTRY_COMPARE_WITH_TIMEOUT(peer->property("state").toInt(), 2, Timeout); // Connected
    QTRY_COMPARE_WITH_TIMEOUT(server->property("peerCount").toInt(), 1, Timeout);

    // Every TLS property notifies.
    QSignalSpy changed(peer, SIGNAL(tlsChanged()));
    peer->setProperty("peerVerifyMode", 0); // VerifyNone
    peer->setProperty("tlsCaFile", QString());
    QCOMPARE(changed.size(), 2);
}

void tst_TlsQml::untrustedServer()
{
    const QByteArray qml = "import QtQml\nimport Fizyr.Rpc\nQtObject {\n"
                           "  property RpcServer server: RpcServer {\n"
                           "    address: 'tls://127.0.0.1:0'\n"
                           "    tlsCertificateFile: '"
            + file("server.pem") + "'\n    tlsPrivateKeyFile: '" + file("server.key")
            + "'\n    listening: true\n  }\n"
              "  property RpcPeer peer: RpcPeer {\n"
              "    address: server.serverAddress\n"
              "    active: server.listening\n"
              "    tlsCaFile: '"
            + file("other-ca.pem") + "'\n  }\n}\n";
    std::unique_ptr<QObject> root = create(qml);
    QVERIFY(root);
    auto *peer = root->property("peer").value<QObject *>();
    QVERIFY(peer);
    QTRY_VERIFY_WITH_TIMEOUT(peer->property("errorString")
                                     .toString()
                                     .contains(QStringLiteral("TLS handshake failed")),
                             Timeout);
    QVERIFY(peer->property("state").toInt() != 2);
}

QTEST_GUILESS_MAIN(tst_TlsQml)

#include "tst_tlsqml.moc"

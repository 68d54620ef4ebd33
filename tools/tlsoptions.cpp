// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "tlsoptions.h"

#include "commandline.h"

#include <FizyrRpcQt/RpcAccessPolicy>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QFile>
#include <QtNetwork/QSslCertificate>
#include <QtNetwork/QSslConfiguration>
#include <QtNetwork/QSslKey>
#include <QtNetwork/QSslSocket>

using namespace Fizyr;

namespace Tool {

namespace {

struct SecuritySettings
{
    bool tlsSet = false;
    QList<QSslCertificate> caCertificates;
    QList<QSslCertificate> chain; // own certificate first
    QSslKey key;
    bool insecure = false;
    RpcAccessPolicy policy;
    int socketMode = -1;
    qint64 socketGroup = -1;
};

SecuritySettings &settings()
{
    static SecuritySettings instance;
    return instance;
}

bool listens(const QString &command)
{
    return command == QLatin1String("serve") || command == QLatin1String("listen")
            || command == QLatin1String("proxy") || command == QLatin1String("replay");
}

QSslKey readKey(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read --tls-key %1: %2").arg(path, file.errorString());
        return QSslKey();
    }
    const QByteArray data = file.readAll();
    for (QSsl::EncodingFormat format : {QSsl::Pem, QSsl::Der}) {
        for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
            QSslKey key(data, algorithm, format);
            if (!key.isNull())
                return key;
        }
    }
    *error = QStringLiteral("--tls-key %1 is not an unencrypted RSA, EC or DSA private key (PEM "
                            "or DER)")
                     .arg(path);
    return QSslKey();
}

QList<QSslCertificate> readCertificates(const QString &option, const QString &path, QString *error)
{
    if (!QFile::exists(path)) {
        *error = QStringLiteral("cannot read %1 %2: no such file").arg(option, path);
        return {};
    }
    QList<QSslCertificate> certificates = QSslCertificate::fromPath(path, QSsl::Pem);
    if (certificates.isEmpty())
        certificates = QSslCertificate::fromPath(path, QSsl::Der);
    if (certificates.isEmpty())
        *error = QStringLiteral("%1 %2 holds no certificate (PEM or DER)").arg(option, path);
    return certificates;
}

std::optional<qint64> parseId(const QString &text)
{
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok, 10);
    if (!ok || value < 0 || value > 0xFFFFFFFELL)
        return std::nullopt;
    return qint64(value);
}

} // namespace

void addSecurityOptions(QCommandLineParser &parser, const QString &command)
{
    if (command == QLatin1String("describe"))
        return; // reads a file, connects nowhere
    const bool server = listens(command);
    parser.addOption(QCommandLineOption(
            QStringLiteral("tls-ca"),
            server ? QStringLiteral("tls:// addresses: trust the CA certificates in FILE (PEM) "
                                    "instead of the system's; when listening, also require "
                                    "clients to present a certificate these CAs issued "
                                    "(mutual TLS).")
                   : QStringLiteral("tls:// addresses: trust the CA certificates in FILE (PEM) "
                                    "instead of the system's."),
            QStringLiteral("FILE")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("tls-cert"),
            server ? QStringLiteral("tls:// addresses: this side's certificate (PEM, chain after "
                                    "it); required to listen on tls://, the client certificate "
                                    "when connecting.")
                   : QStringLiteral("tls:// addresses: the client certificate (PEM, chain after "
                                    "it), for servers that require one."),
            QStringLiteral("FILE")));
    parser.addOption(QCommandLineOption(QStringLiteral("tls-key"),
                                        QStringLiteral("The private key of --tls-cert (PEM or "
                                                       "DER, unencrypted)."),
                                        QStringLiteral("FILE")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("tls-insecure"),
            QStringLiteral("tls:// addresses, when connecting: do not verify the server's "
                           "certificate (encryption without authentication; for tests).")));
    if (!server)
        return;
    parser.addOption(QCommandLineOption(
            QStringLiteral("allow-uid"),
            QStringLiteral("Unix listeners: accept only processes of user id UID (repeat the "
                           "option or separate ids with commas; with --allow-gid: either). "
                           "Others are closed before anything is read."),
            QStringLiteral("UID")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("allow-gid"),
            QStringLiteral("Unix listeners: accept only processes whose primary group id is "
                           "GID (repeatable, comma-separated)."),
            QStringLiteral("GID")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("socket-mode"),
            QStringLiteral("Unix listeners: the permissions of the socket file, in octal (for "
                           "example 0660), applied without a moment in which the file is more "
                           "open."),
            QStringLiteral("MODE")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("socket-group"),
            QStringLiteral("Unix listeners: the group id of the socket file (mode 0660 unless "
                           "--socket-mode says otherwise)."),
            QStringLiteral("GID")));
}

std::optional<int> readSecurityOptions(const CommandLine &commandLine)
{
    // parser() is not const: the options were parsed already.
    QCommandLineParser &parser = const_cast<CommandLine &>(commandLine).parser();
    SecuritySettings &s = settings();
    s = SecuritySettings();
    if (commandLine.command() == QLatin1String("describe"))
        return std::nullopt; // no security options there
    QString error;
    if (parser.isSet(QStringLiteral("tls-ca"))) {
        s.caCertificates = readCertificates(QStringLiteral("--tls-ca"),
                                            parser.value(QStringLiteral("tls-ca")), &error);
        if (s.caCertificates.isEmpty())
            return commandLine.usageError(error);
    }
    const bool hasCert = parser.isSet(QStringLiteral("tls-cert"));
    const bool hasKey = parser.isSet(QStringLiteral("tls-key"));
    if (hasCert != hasKey)
        return commandLine.usageError(QStringLiteral("--tls-cert and --tls-key go together"));
    if (hasCert) {
        s.chain = readCertificates(QStringLiteral("--tls-cert"),
                                   parser.value(QStringLiteral("tls-cert")), &error);
        if (s.chain.isEmpty())
            return commandLine.usageError(error);
        s.key = readKey(parser.value(QStringLiteral("tls-key")), &error);
        if (s.key.isNull())
            return commandLine.usageError(error);
    }
    s.insecure = parser.isSet(QStringLiteral("tls-insecure"));
    s.tlsSet = !s.caCertificates.isEmpty() || hasCert || s.insecure;
    if (!listens(commandLine.command()))
        return std::nullopt;

    for (const char *name : {"allow-uid", "allow-gid"}) {
        const QString option = QString::fromLatin1(name);
        QList<qint64> ids;
        for (const QString &value : parser.values(option)) {
            for (const QString &part : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                const std::optional<qint64> id = parseId(part.trimmed());
                if (!id) {
                    return commandLine.usageError(
                            QStringLiteral("invalid --%1 \"%2\": expected a numeric id")
                                    .arg(option, part));
                }
                ids.append(*id);
            }
        }
        if (option == QLatin1String("allow-uid"))
            s.policy.setAllowedUserIds(ids);
        else
            s.policy.setAllowedGroupIds(ids);
    }
    if (parser.isSet(QStringLiteral("socket-mode"))) {
        const QString text = parser.value(QStringLiteral("socket-mode"));
        bool ok = false;
        const int mode = text.toInt(&ok, 8);
        if (!ok || mode < 0 || mode > 07777) {
            return commandLine.usageError(
                    QStringLiteral("invalid --socket-mode \"%1\": expected octal permissions "
                                   "such as 0660")
                            .arg(text));
        }
        s.socketMode = mode;
    }
    if (parser.isSet(QStringLiteral("socket-group"))) {
        const QString text = parser.value(QStringLiteral("socket-group"));
        const std::optional<qint64> id = parseId(text);
        if (!id) {
            return commandLine.usageError(
                    QStringLiteral("invalid --socket-group \"%1\": expected a numeric group id")
                            .arg(text));
        }
        s.socketGroup = *id;
    }
    return std::nullopt;
}

void applySecurityOptions(RpcPeer &peer)
{
    const SecuritySettings &s = settings();
    if (!s.tlsSet)
        return;
    QSslConfiguration config = peer.sslConfiguration();
    if (!s.caCertificates.isEmpty())
        config.setCaCertificates(s.caCertificates);
    if (!s.chain.isEmpty()) {
        config.setLocalCertificateChain(s.chain);
        config.setPrivateKey(s.key);
    }
    if (s.insecure)
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
    peer.setSslConfiguration(config);
}

void applySecurityOptions(RpcServer &server)
{
    const SecuritySettings &s = settings();
    QSslConfiguration config = server.sslConfiguration();
    if (!s.chain.isEmpty()) {
        config.setLocalCertificateChain(s.chain);
        config.setPrivateKey(s.key);
    }
    if (!s.caCertificates.isEmpty()) {
        // Mutual TLS: only clients with a certificate from these CAs.
        config.setCaCertificates(s.caCertificates);
        config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    server.setSslConfiguration(config);
    server.setAccessPolicy(s.policy);
    server.setSocketFileMode(s.socketMode);
    server.setSocketFileGroup(s.socketGroup);
}

} // namespace Tool

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLTLS_P_H
#define FIZYRRPCQT_RPCQMLTLS_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include <QtCore/qfile.h>
#include <QtCore/qobject.h>
#include <QtCore/qstring.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qsslcertificate.h>
#include <QtNetwork/qsslconfiguration.h>
#include <QtNetwork/qsslkey.h>
#include <QtNetwork/qsslsocket.h>
#include <QtQml/qqmlinfo.h>

namespace Fizyr::QmlTls {

// The TLS file properties of the QML RpcPeer and RpcServer (paths or file:
// URLs), turned into a QSslConfiguration on top of Qt's defaults. Files that
// cannot be read are reported with a QML warning on owner.
struct Files
{
    QString caFile;
    QString certificateFile;
    QString privateKeyFile;
    int peerVerifyMode = QSslSocket::AutoVerifyPeer;

    static QString localPath(const QString &path)
    {
        if (path.startsWith(QLatin1String("file:")))
            return QUrl(path).toLocalFile();
        return path;
    }

    QSslConfiguration configuration(const QObject *owner) const
    {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        if (!caFile.isEmpty()) {
            const QList<QSslCertificate> cas = QSslCertificate::fromPath(localPath(caFile));
            if (cas.isEmpty())
                qmlWarning(owner) << "tlsCaFile: no certificate in " << caFile;
            config.setCaCertificates(cas);
        }
        if (!certificateFile.isEmpty()) {
            const QList<QSslCertificate> chain
                    = QSslCertificate::fromPath(localPath(certificateFile));
            if (chain.isEmpty())
                qmlWarning(owner) << "tlsCertificateFile: no certificate in " << certificateFile;
            config.setLocalCertificateChain(chain);
        }
        if (!privateKeyFile.isEmpty()) {
            QFile file(localPath(privateKeyFile));
            QSslKey key;
            if (file.open(QIODevice::ReadOnly)) {
                const QByteArray data = file.readAll();
                for (QSsl::EncodingFormat format : {QSsl::Pem, QSsl::Der}) {
                    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
                        if (key.isNull())
                            key = QSslKey(data, algorithm, format);
                    }
                }
            }
            if (key.isNull())
                qmlWarning(owner) << "tlsPrivateKeyFile: no unencrypted private key in "
                                  << privateKeyFile;
            config.setPrivateKey(key);
        }
        config.setPeerVerifyMode(QSslSocket::PeerVerifyMode(peerVerifyMode));
        return config;
    }
};

} // namespace Fizyr::QmlTls

#endif // FIZYRRPCQT_RPCQMLTLS_P_H

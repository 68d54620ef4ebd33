// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCADDRESS_H
#define FIZYRRPCQT_RPCADDRESS_H

#include "rpcglobal.h"

#include <QtCore/qmetatype.h>
#include <QtCore/qshareddata.h>
#include <QtCore/qstring.h>

QT_BEGIN_NAMESPACE
class QDebug;
class QUrl;
QT_END_NAMESPACE

namespace Fizyr {
class RpcAddressPrivate;
} // namespace Fizyr

QT_DECLARE_QSDP_SPECIALIZATION_DTOR_WITH_EXPORT(Fizyr::RpcAddressPrivate, FIZYRRPCQT_EXPORT)

namespace Fizyr {

class FIZYRRPCQT_EXPORT RpcAddress
{
    Q_GADGET
    Q_PROPERTY(Transport transport READ transport CONSTANT)
    Q_PROPERTY(QString host READ host CONSTANT)
    Q_PROPERTY(quint16 port READ port CONSTANT)
    Q_PROPERTY(QString path READ path CONSTANT)
    Q_PROPERTY(bool valid READ isValid CONSTANT)

public:
    enum Transport {
        Invalid,
        Tcp,
        UnixStream,
        UnixSeqpacket,
        Tls,
    };
    Q_ENUM(Transport)

    RpcAddress();
    RpcAddress(const RpcAddress &other);
    RpcAddress(RpcAddress &&other) noexcept = default;
    RpcAddress &operator=(const RpcAddress &other);
    RpcAddress &operator=(RpcAddress &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~RpcAddress();

    void swap(RpcAddress &other) noexcept { d.swap(other.d); }

    static RpcAddress fromString(const QString &address, QString *errorString = nullptr);
    static RpcAddress fromUrl(const QUrl &url, QString *errorString = nullptr);
    static RpcAddress tcp(const QString &host, quint16 port);
    static RpcAddress tls(const QString &host, quint16 port);
    static RpcAddress unixStream(const QString &path);
    static RpcAddress unixSeqpacket(const QString &path);

    bool isValid() const;
    Transport transport() const;
    QString host() const;
    quint16 port() const;
    QString path() const;
    QString toString() const;
    QUrl toUrl() const;

    friend bool operator==(const RpcAddress &lhs, const RpcAddress &rhs) { return lhs.equals(rhs); }
    friend bool operator!=(const RpcAddress &lhs, const RpcAddress &rhs)
    {
        return !lhs.equals(rhs);
    }

private:
    bool equals(const RpcAddress &other) const;

    QSharedDataPointer<RpcAddressPrivate> d;
};

FIZYRRPCQT_EXPORT size_t qHash(const RpcAddress &address, size_t seed = 0) noexcept;

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQT_EXPORT QDebug operator<<(QDebug debug, const RpcAddress &address);
#endif

} // namespace Fizyr

Q_DECLARE_SHARED(Fizyr::RpcAddress)

#endif // FIZYRRPCQT_RPCADDRESS_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCADDRESS_H
#define FIZYRRPCQT_RPCADDRESS_H

#include "rpcglobal.h"

#include <QtCore/qmetatype.h>
#include <QtCore/qstring.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

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
    };
    Q_ENUM(Transport)

    RpcAddress() = default;

    static RpcAddress fromString(const QString &address, QString *errorString = nullptr);
    static RpcAddress tcp(const QString &host, quint16 port);
    static RpcAddress unixStream(const QString &path);
    static RpcAddress unixSeqpacket(const QString &path);

    bool isValid() const { return m_transport != Invalid; }
    Transport transport() const { return m_transport; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QString path() const { return m_path; }
    QString toString() const;

    friend bool operator==(const RpcAddress &lhs, const RpcAddress &rhs)
    {
        return lhs.m_transport == rhs.m_transport && lhs.m_host == rhs.m_host
                && lhs.m_port == rhs.m_port && lhs.m_path == rhs.m_path;
    }
    friend bool operator!=(const RpcAddress &lhs, const RpcAddress &rhs) { return !(lhs == rhs); }

private:
    Transport m_transport = Invalid;
    quint16 m_port = 0;
    QString m_host;
    QString m_path;
};

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQT_EXPORT QDebug operator<<(QDebug debug, const RpcAddress &address);
#endif

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCADDRESS_H

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCPEERCREDENTIALS_H
#define FIZYRRPCQT_RPCPEERCREDENTIALS_H

#include "rpcglobal.h"

#include <QtCore/qmetatype.h>
#include <QtCore/qshareddata.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace Fizyr {
class RpcPeerCredentialsPrivate;
} // namespace Fizyr

QT_DECLARE_QSDP_SPECIALIZATION_DTOR_WITH_EXPORT(Fizyr::RpcPeerCredentialsPrivate, FIZYRRPCQT_EXPORT)

namespace Fizyr {

class FIZYRRPCQT_EXPORT RpcPeerCredentials
{
    Q_GADGET
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    Q_PROPERTY(qint64 processId READ processId CONSTANT)
    Q_PROPERTY(qint64 userId READ userId CONSTANT)
    Q_PROPERTY(qint64 groupId READ groupId CONSTANT)

public:
    RpcPeerCredentials();
    RpcPeerCredentials(qint64 processId, qint64 userId, qint64 groupId);
    RpcPeerCredentials(const RpcPeerCredentials &other);
    RpcPeerCredentials(RpcPeerCredentials &&other) noexcept = default;
    RpcPeerCredentials &operator=(const RpcPeerCredentials &other);
    RpcPeerCredentials &operator=(RpcPeerCredentials &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~RpcPeerCredentials();

    void swap(RpcPeerCredentials &other) noexcept { d.swap(other.d); }

    static RpcPeerCredentials fromSocketDescriptor(qintptr socketDescriptor);

    bool isValid() const;
    qint64 processId() const;
    qint64 userId() const;
    qint64 groupId() const;

    friend bool operator==(const RpcPeerCredentials &lhs, const RpcPeerCredentials &rhs)
    {
        return lhs.equals(rhs);
    }
    friend bool operator!=(const RpcPeerCredentials &lhs, const RpcPeerCredentials &rhs)
    {
        return !lhs.equals(rhs);
    }

private:
    bool equals(const RpcPeerCredentials &other) const;

    QSharedDataPointer<RpcPeerCredentialsPrivate> d;
};

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQT_EXPORT QDebug operator<<(QDebug debug, const RpcPeerCredentials &credentials);
#endif

} // namespace Fizyr

Q_DECLARE_SHARED(Fizyr::RpcPeerCredentials)

#endif // FIZYRRPCQT_RPCPEERCREDENTIALS_H

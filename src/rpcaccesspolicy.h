// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCACCESSPOLICY_H
#define FIZYRRPCQT_RPCACCESSPOLICY_H

#include "rpcglobal.h"
#include "rpcpeercredentials.h"

#include <QtCore/qlist.h>
#include <QtCore/qshareddata.h>

#include <functional>

namespace Fizyr {
class RpcAccessPolicyPrivate;
} // namespace Fizyr

QT_DECLARE_QSDP_SPECIALIZATION_DTOR_WITH_EXPORT(Fizyr::RpcAccessPolicyPrivate, FIZYRRPCQT_EXPORT)

namespace Fizyr {

class FIZYRRPCQT_EXPORT RpcAccessPolicy
{
public:
    using Callback = std::function<bool(const RpcPeerCredentials &credentials)>;

    RpcAccessPolicy();
    RpcAccessPolicy(const RpcAccessPolicy &other);
    RpcAccessPolicy(RpcAccessPolicy &&other) noexcept = default;
    RpcAccessPolicy &operator=(const RpcAccessPolicy &other);
    RpcAccessPolicy &operator=(RpcAccessPolicy &&other) noexcept
    {
        swap(other);
        return *this;
    }
    ~RpcAccessPolicy();

    void swap(RpcAccessPolicy &other) noexcept { d.swap(other.d); }

    static RpcAccessPolicy sameUser();

    bool isRestricted() const;

    QList<qint64> allowedUserIds() const;
    void setAllowedUserIds(const QList<qint64> &userIds);
    QList<qint64> allowedGroupIds() const;
    void setAllowedGroupIds(const QList<qint64> &groupIds);
    bool allowsSameUser() const;
    void setAllowSameUser(bool allow);
    Callback callback() const;
    void setCallback(const Callback &callback);

    bool allows(const RpcPeerCredentials &credentials) const;

private:
    QSharedDataPointer<RpcAccessPolicyPrivate> d;
};

} // namespace Fizyr

Q_DECLARE_SHARED(Fizyr::RpcAccessPolicy)

#endif // FIZYRRPCQT_RPCACCESSPOLICY_H

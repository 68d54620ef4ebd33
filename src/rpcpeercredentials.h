// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCPEERCREDENTIALS_H
#define FIZYRRPCQT_RPCPEERCREDENTIALS_H

#include "rpcglobal.h"

#include <QtCore/qmetatype.h>

QT_BEGIN_NAMESPACE
class QDebug;
QT_END_NAMESPACE

namespace Fizyr {

class FIZYRRPCQT_EXPORT RpcPeerCredentials
{
    Q_GADGET
    Q_PROPERTY(bool valid READ isValid CONSTANT)
    Q_PROPERTY(qint64 processId READ processId CONSTANT)
    Q_PROPERTY(qint64 userId READ userId CONSTANT)
    Q_PROPERTY(qint64 groupId READ groupId CONSTANT)

public:
    RpcPeerCredentials() = default;
    RpcPeerCredentials(qint64 processId, qint64 userId, qint64 groupId)
        : m_pid(processId), m_uid(userId), m_gid(groupId)
    { }

    static RpcPeerCredentials fromSocketDescriptor(qintptr socketDescriptor);

    bool isValid() const { return m_pid >= 0; }
    qint64 processId() const { return m_pid; }
    qint64 userId() const { return m_uid; }
    qint64 groupId() const { return m_gid; }

    friend bool operator==(const RpcPeerCredentials &lhs, const RpcPeerCredentials &rhs)
    {
        return lhs.m_pid == rhs.m_pid && lhs.m_uid == rhs.m_uid && lhs.m_gid == rhs.m_gid;
    }
    friend bool operator!=(const RpcPeerCredentials &lhs, const RpcPeerCredentials &rhs)
    {
        return !(lhs == rhs);
    }

private:
    qint64 m_pid = -1;
    qint64 m_uid = -1;
    qint64 m_gid = -1;
};

#ifndef QT_NO_DEBUG_STREAM
FIZYRRPCQT_EXPORT QDebug operator<<(QDebug debug, const RpcPeerCredentials &credentials);
#endif

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCPEERCREDENTIALS_H

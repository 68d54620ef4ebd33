// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCADDRESS_P_H
#define FIZYRRPCQT_RPCADDRESS_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include "rpcaddress.h"

#include <QtCore/qshareddata.h>
#include <QtCore/qstring.h>

namespace Fizyr {

class RpcAddressPrivate : public QSharedData
{
public:
    RpcAddress::Transport transport = RpcAddress::Invalid;
    quint16 port = 0;
    QString host;
    QString path;
};

// Returns the host as QUrl normalizes it (lower case, canonical IPv6 and
// IPv4 forms), or a null string if QUrl does not take it as a host.
QString normalizedHost(const QString &host);

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCADDRESS_P_H

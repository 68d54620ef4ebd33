// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLINTERFACE_P_H
#define FIZYRRPCQT_RPCQMLINTERFACE_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It exists for the convenience of
// the implementation and may change from version to version without notice.
//
// We mean it.
//

#include <FizyrRpcQt/rpcinterface.h>

#include <QtCore/qset.h>
#include <QtCore/qstring.h>
#include <QtCore/qvariant.h>

namespace Fizyr {

// RpcInterfaceClient's descriptions of an interface for QML
// (rpcqmlinterfaceschema.cpp): services, updates and streams, and type
// schemas (path: the types being described, which stops at recursion).
QVariantMap describeType(const RpcTypeSchema &type, QSet<QString> *path);
QVariantMap describeUpdate(qint32 id, const QString &name, const QString &doc, bool hidden,
                           const RpcTypeSchema &type);
QVariantMap describeService(const RpcService &service);

} // namespace Fizyr

#endif // FIZYRRPCQT_RPCQMLINTERFACE_P_H

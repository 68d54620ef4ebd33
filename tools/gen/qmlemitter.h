// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCGEN_QMLEMITTER_H
#define FIZYRRPCGEN_QMLEMITTER_H

#include <FizyrRpcQt/rpcinterfacefile.h>

#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

// Writes the QML glue of one interface file (fizyr-rpc-gen --qml): for each
// interface, the QML types <I>Client, <I>Server, a call type per service and
// a request type per service, on top of the generated C++ (value types,
// <I>Client::rpcInterface()) and the public runtime API; for each enum type
// a QML namespace with its variants.
struct QmlEmitterOptions
{
    QString baseName; // "greeter": writes greeter_qml.h / greeter_qml.cpp
    QString cppHeaderName; // the generated C++ header, "greeter.h"
    QString cppNamespace; // optional namespace of the generated C++
};

struct QmlEmitterResult
{
    QString header;
    QString source;
    QStringList errors; // names the QML types cannot have; empty on success
};

QmlEmitterResult emitQml(const Fizyr::RpcInterfaceFile &file, const QmlEmitterOptions &options);

#endif // FIZYRRPCGEN_QMLEMITTER_H

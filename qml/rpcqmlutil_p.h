// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCQT_RPCQMLUTIL_P_H
#define FIZYRRPCQT_RPCQMLUTIL_P_H

//
//  W A R N I N G
//  -------------
//
// This file is not part of the public API. It may change without notice.
//

#include <FizyrRpcQt/rpcglobal.h>

#include <QtCore/qbytearray.h>
#include <QtQml/qjsvalue.h>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

namespace Fizyr {
namespace QmlUtil {

// JavaScript helpers, compiled on first use and kept by their owner (a peer)
// so that sending does not compile a script per message. Belongs to one
// engine.
struct Scripts
{
    QJSValue stringify; // JSON.stringify() that returns what it threw
    QJSValue deferred; // a new Promise with its resolve and reject
};

// Turns a body given from JavaScript into bytes: undefined and null give an
// empty body, a string its UTF-8, an ArrayBuffer, typed array or DataView its
// bytes, anything else its JSON.stringify() text. On a value that has no
// body (a function, a symbol, a cyclic object) it throws a TypeError into
// engine and returns false.
bool bodyFromJs(QJSEngine *engine, Scripts *scripts, const QJSValue &value, const char *function,
                QByteArray *body);

// A new pending Promise and the functions that settle it.
struct Deferred
{
    QJSValue promise;
    QJSValue resolve;
    QJSValue reject;
};
Deferred makeDeferred(QJSEngine *engine, Scripts *scripts);

// A JavaScript Error carrying the error code and, for error responses, the
// response message.
QJSValue makeError(QJSEngine *engine, RpcError error, const QString &text,
                   const QJSValue &response = QJSValue());

} // namespace QmlUtil
} // namespace Fizyr

#endif // FIZYRRPCQT_RPCQMLUTIL_P_H

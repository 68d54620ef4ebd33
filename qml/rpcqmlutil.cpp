// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcqmlutil_p.h"

#include <QtQml/qjsengine.h>

namespace Fizyr {
namespace QmlUtil {

static QByteArray arrayBufferBytes(const QJSValue &value)
{
    return value.toVariant().toByteArray();
}

bool bodyFromJs(QJSEngine *engine, Scripts *scripts, const QJSValue &value, const char *function,
                QByteArray *body)
{
    body->clear();
    if (value.isUndefined() || value.isNull())
        return true;
    if (value.isString()) {
        *body = value.toString().toUtf8();
        return true;
    }
    const QJSValue global = engine->globalObject();
    const QJSValue arrayBuffer = global.property(QStringLiteral("ArrayBuffer"));
    if (value.isObject()) {
        if (value.prototype().strictlyEquals(arrayBuffer.property(QStringLiteral("prototype")))) {
            *body = arrayBufferBytes(value);
            return true;
        }
        const QJSValue isView = arrayBuffer.property(QStringLiteral("isView"));
        if (isView.callWithInstance(arrayBuffer, {value}).toBool()) {
            // A typed array or DataView: the bytes it covers of its buffer.
            const QByteArray all = arrayBufferBytes(value.property(QStringLiteral("buffer")));
            const qsizetype offset = value.property(QStringLiteral("byteOffset")).toInt();
            const qsizetype length = value.property(QStringLiteral("byteLength")).toInt();
            *body = all.mid(offset, length);
            return true;
        }
    }
    if (!value.isCallable()) {
        // Whatever JSON.stringify() throws (an Error, a string, a number from a
        // toJSON()) is caught in JavaScript, so it cannot pass for the text.
        if (scripts->stringify.isUndefined()) {
            scripts->stringify = engine->evaluate(
                    QStringLiteral("(function(v) { try { return { text: JSON.stringify(v) }; } "
                                   "catch (e) { return { error: e }; } })"));
        }
        const QJSValue outcome = scripts->stringify.call({value});
        if (outcome.hasOwnProperty(QStringLiteral("error"))) {
            engine->throwError(QJSValue::TypeError,
                               QStringLiteral("%1: the body cannot be converted to JSON: %2")
                                       .arg(QLatin1String(function),
                                            outcome.property(QStringLiteral("error")).toString()));
            return false;
        }
        const QJSValue json = outcome.property(QStringLiteral("text"));
        if (json.isString()) {
            *body = json.toString().toUtf8();
            return true;
        }
    }
    engine->throwError(QJSValue::TypeError,
                       QStringLiteral("%1: a body is a string, an ArrayBuffer, a typed array or a "
                                      "value that JSON.stringify() accepts")
                               .arg(QLatin1String(function)));
    return false;
}

Deferred makeDeferred(QJSEngine *engine, Scripts *scripts)
{
    // Public API has no way to create a Promise from C++: let JavaScript do it.
    if (scripts->deferred.isUndefined()) {
        scripts->deferred = engine->evaluate(QStringLiteral(
                "(function() { var d = {}; d.promise = new Promise(function(resolve, reject) "
                "{ d.resolve = resolve; d.reject = reject; }); return d; })"));
    }
    const QJSValue deferred = scripts->deferred.call();
    return {deferred.property(QStringLiteral("promise")),
            deferred.property(QStringLiteral("resolve")),
            deferred.property(QStringLiteral("reject"))};
}

QJSValue makeError(QJSEngine *engine, RpcError error, const QString &text, const QJSValue &response)
{
    QJSValue object = engine->newErrorObject(QJSValue::GenericError, text);
    object.setProperty(QStringLiteral("code"), int(error));
    if (!response.isUndefined())
        object.setProperty(QStringLiteral("response"), response);
    return object;
}

} // namespace QmlUtil
} // namespace Fizyr

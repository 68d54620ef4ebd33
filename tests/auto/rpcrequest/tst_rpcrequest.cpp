// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcRequest as script code sees it: its signals and properties through
// the meta-object, in a real JavaScript engine, over every transport.

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtQml/QJSEngine>
#include <QtQml/QQmlEngine>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include "rpctestsupport.h"

using namespace Fizyr;
using namespace RpcTestSupport;

class tst_RpcRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { addTransportRows(); }
    void init();
    void cleanup() { m_pair.reset(); }
    void finishedIsASignalInJavaScript();
    void errorPropertiesNotifyInJavaScript();

private:
    PeerPair m_pair;
};

void tst_RpcRequest::init()
{
    QFETCH_GLOBAL(QString, scheme);
    QVERIFY(m_pair.start(scheme));
    connect(m_pair.serverPeer, &RpcPeer::requestReceived, this, [](RpcRequest *request) {
        if (request->serviceId() == 1)
            request->sendResponse(0, request->body());
        else
            request->sendErrorResponse(QStringLiteral("no"));
    });
}

// A property and a signal both named "finished" used to hide the signal:
// typeof request.finished was "boolean" and nothing could connect to it.
void tst_RpcRequest::finishedIsASignalInJavaScript()
{
    QJSEngine engine;
    RpcRequest *request = m_pair.client->sendRequest(1, "ping");
    QJSEngine::setObjectOwnership(request, QJSEngine::CppOwnership);
    engine.globalObject().setProperty(QStringLiteral("request"), engine.newQObject(request));
    QCOMPARE(engine.evaluate(QStringLiteral("typeof request.finished")).toString(),
             QStringLiteral("function"));
    const QJSValue connected = engine.evaluate(
            QStringLiteral("var seen = []; request.finished.connect(function() {"
                           "    seen.push(request.hasResponse, request.open, request.isFinished());"
                           "}); true"));
    QVERIFY2(!connected.isError(), qPrintable(connected.toString()));
    QTRY_COMPARE_WITH_TIMEOUT(engine.evaluate(QStringLiteral("seen.length")).toInt(), 3,
                              DefaultTimeout);
    QCOMPARE(engine.evaluate(QStringLiteral("seen.join(',')")).toString(),
             QStringLiteral("true,false,true"));
    delete request;
}

// error and errorString notify through errorChanged, so bindings and
// script code see every change.
void tst_RpcRequest::errorPropertiesNotifyInJavaScript()
{
    QJSEngine engine;
    RpcRequest *request = m_pair.client->sendRequest(2);
    QJSEngine::setObjectOwnership(request, QJSEngine::CppOwnership);
    engine.globalObject().setProperty(QStringLiteral("request"), engine.newQObject(request));
    const QJSValue connected = engine.evaluate(
            QStringLiteral("var texts = []; request.errorChanged.connect(function() {"
                           "    texts.push(request.errorString);"
                           "}); true"));
    QVERIFY2(!connected.isError(), qPrintable(connected.toString()));
    QSignalSpy finished(request, &RpcRequest::finished);
    QVERIFY(finished.wait(DefaultTimeout));
    QCOMPARE(engine.evaluate(QStringLiteral("texts.join('|')")).toString(), QStringLiteral("no"));
    QCOMPARE(request->error(), RpcError::RemoteError);
    delete request;
}

QTEST_GUILESS_MAIN(tst_RpcRequest)
#include "tst_rpcrequest.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcException: its own header, the QException interface, and catching it by
// type through a QFuture.

#include <FizyrRpcQt/RpcException>

#include <QtCore/qfuture.h>
#include <QtCore/qpromise.h>
#include <QtTest/qtest.h>

#include <memory>
#include <type_traits>

using namespace Fizyr;

class tst_RpcException : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accessors();
    void qexceptionInterface();
    void throughFuture();
};

void tst_RpcException::accessors()
{
    static_assert(std::is_base_of_v<QException, RpcException>);
    const RpcMessage response = RpcMessage::errorResponse(5, QStringLiteral("no such service"));
    const RpcException exception(RpcError::RemoteError, QStringLiteral("no such service \u00e9"),
                                 response);
    QCOMPARE(exception.error(), RpcError::RemoteError);
    QCOMPARE(exception.errorString(), QStringLiteral("no such service \u00e9"));
    QCOMPARE(exception.response(), response);
    QCOMPARE(QByteArray(exception.what()), QStringLiteral("no such service \u00e9").toUtf8());

    const RpcException timeout(RpcError::Timeout, QStringLiteral("timed out"));
    QCOMPARE(timeout.response(), RpcMessage());

    RpcException assigned = timeout;
    assigned = exception;
    QCOMPARE(assigned.error(), RpcError::RemoteError);
    QCOMPARE(QByteArray(assigned.what()), QByteArray(exception.what()));
}

void tst_RpcException::qexceptionInterface()
{
    const RpcException original(RpcError::Canceled, QStringLiteral("canceled"));
    const std::unique_ptr<QException> clone(original.clone());
    const auto *typed = dynamic_cast<const RpcException *>(clone.get());
    QVERIFY(typed);
    QCOMPARE(typed->error(), RpcError::Canceled);
    QCOMPARE(typed->errorString(), QStringLiteral("canceled"));

    bool caught = false;
    try {
        clone->raise();
    } catch (const RpcException &e) {
        caught = true;
        QCOMPARE(e.error(), RpcError::Canceled);
    }
    QVERIFY(caught);
}

void tst_RpcException::throughFuture()
{
    QPromise<RpcMessage> promise;
    QFuture<RpcMessage> future = promise.future();
    promise.start();
    promise.setException(RpcException(RpcError::ConnectionLost, QStringLiteral("lost")));
    promise.finish();
    bool caught = false;
    try {
        future.result();
    } catch (const RpcException &e) {
        caught = true;
        QCOMPARE(e.error(), RpcError::ConnectionLost);
        QCOMPARE(e.errorString(), QStringLiteral("lost"));
    }
    QVERIFY(caught);
}

QTEST_GUILESS_MAIN(tst_RpcException)
#include "tst_rpcexception.moc"

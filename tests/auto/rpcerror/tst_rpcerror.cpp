// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcError: every code has its own description, and the codes keep their ranges.

#include <FizyrRpcQt/rpcglobal.h>

#include <QtCore/QMetaEnum>
#include <QtCore/QSet>
#include <QtTest/QTest>

using namespace Fizyr;

class tst_RpcError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyCodeHasItsOwnDescription();
    void ranges();
};

void tst_RpcError::everyCodeHasItsOwnDescription()
{
    const QMetaEnum meta = QMetaEnum::fromType<RpcError>();
    QVERIFY(meta.keyCount() > 20);
    QSet<QString> seen;
    for (int i = 0; i < meta.keyCount(); ++i) {
        const QString text = rpcErrorString(RpcError(meta.value(i)));
        QVERIFY2(!text.isEmpty() && text != QLatin1String("Unknown error"), meta.key(i));
        QVERIFY2(!seen.contains(text), meta.key(i));
        seen.insert(text);
    }
    QCOMPARE(rpcErrorString(RpcError(12345)), QStringLiteral("Unknown error"));
}

void tst_RpcError::ranges()
{
    // Connection < 100 <= protocol < 200 <= local send < 300 <= request outcome.
    const QMetaEnum meta = QMetaEnum::fromType<RpcError>();
    for (int i = 0; i < meta.keyCount(); ++i) {
        const int value = meta.value(i);
        const QByteArray key = meta.key(i);
        if (key == "FrameTooShort" || key == "InvalidMessageType" || key == "MessageTooLarge"
            || key == "DuplicateRequestId" || key == "UnknownRequestId"
            || key == "TruncatedControlData" || key == "UnexpectedMessage")
            QVERIFY2(value >= 100 && value < 200, key);
        else if (key == "PayloadTooLarge" || key == "TooManyFileDescriptors"
                 || key == "WriteBufferFull" || key == "FileDescriptorsNotSupported"
                 || key == "RequestFinished" || key == "InvalidOperation"
                 || key == "RequestIdInUse")
            QVERIFY2(value >= 200 && value < 300, key);
        else if (key == "RemoteError" || key == "ConnectionLost" || key == "Timeout"
                 || key == "Canceled")
            QVERIFY2(value >= 300 && value < 400, key);
        else
            QVERIFY2(value >= 0 && value < 100, key);
    }
}

QTEST_GUILESS_MAIN(tst_RpcError)
#include "tst_rpcerror.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcError: every code has its own translatable description, and the values are stable.

#include <FizyrRpcQt/rpcglobal.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QMetaEnum>
#include <QtCore/QSet>
#include <QtCore/QTranslator>
#include <QtTest/QTest>

using namespace Fizyr;

class tst_RpcError : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyCodeHasItsOwnDescription();
    void stableValues_data();
    void stableValues();
    void removedValues();
    void translatable();
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

void tst_RpcError::stableValues_data()
{
    // The numeric values are part of the ABI (and of logs and QML code that
    // stored them): they never change, even though they are not meant to be
    // classified by range.
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<int>("value");
    const QList<QPair<const char *, int>> values = {
            {"NoError", 0},
            {"InvalidAddress", 1},
            {"UnsupportedTransport", 2},
            {"ConnectionRefused", 3},
            {"HostNotFound", 4},
            {"RemoteClosed", 5},
            {"SocketAccess", 6},
            {"SocketResource", 7},
            {"SocketTimeout", 8},
            {"AddressInUse", 9},
            {"NetworkFailure", 10},
            {"NotConnected", 11},
            {"UnknownSocketError", 12},
            {"TlsHandshakeFailed", 13},
            {"FrameTooShort", 100},
            {"InvalidMessageType", 101},
            {"MessageTooLarge", 102},
            {"DuplicateRequestId", 103},
            {"UnknownRequestId", 104},
            {"TruncatedControlData", 105},
            {"PayloadTooLarge", 200},
            {"TooManyFileDescriptors", 201},
            {"WriteBufferFull", 202},
            {"FileDescriptorsNotSupported", 203},
            {"RequestFinished", 204},
            {"InvalidOperation", 205},
            {"RequestIdInUse", 206},
            {"RemoteError", 300},
            {"ConnectionLost", 301},
            {"Timeout", 302},
            {"Canceled", 303},
            {"InvalidBody", 304},
            {"HeartbeatTimeout", 400},
    };
    for (const auto &[key, value] : values)
        QTest::newRow(key) << QByteArray(key) << value;
}

void tst_RpcError::stableValues()
{
    QFETCH(QByteArray, key);
    QFETCH(int, value);
    const QMetaEnum meta = QMetaEnum::fromType<RpcError>();
    bool ok = false;
    QCOMPARE(meta.keyToValue(key.constData(), &ok), value);
    QVERIFY(ok);
}

void tst_RpcError::removedValues()
{
    // UnexpectedMessage was never produced: it is gone, and the table above
    // lists every value there is.
    const QMetaEnum meta = QMetaEnum::fromType<RpcError>();
    bool ok = true;
    meta.keyToValue("UnexpectedMessage", &ok);
    QVERIFY(!ok);
    QCOMPARE(meta.keyCount(), 33);
}

namespace {
class MarkingTranslator : public QTranslator
{
public:
    QString translate(const char *context, const char *sourceText, const char *disambiguation,
                      int n) const override
    {
        Q_UNUSED(disambiguation);
        Q_UNUSED(n);
        if (qstrcmp(context, "Fizyr::RpcError") != 0)
            return QString();
        return QStringLiteral("<<") + QString::fromUtf8(sourceText) + QStringLiteral(">>");
    }
    bool isEmpty() const override { return false; }
};
} // namespace

void tst_RpcError::translatable()
{
    MarkingTranslator translator;
    QVERIFY(QCoreApplication::installTranslator(&translator));
    const QString timeout = rpcErrorString(RpcError::Timeout);
    const QString unknown = rpcErrorString(RpcError(12345));
    QCoreApplication::removeTranslator(&translator);
    QCOMPARE(timeout, QStringLiteral("<<Request timed out>>"));
    QCOMPARE(unknown, QStringLiteral("<<Unknown error>>"));
    // Without the translator, the English source text.
    QCOMPARE(rpcErrorString(RpcError::Timeout), QStringLiteral("Request timed out"));
}

QTEST_GUILESS_MAIN(tst_RpcError)
#include "tst_rpcerror.moc"

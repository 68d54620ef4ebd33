// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcConfig: per-transport defaults, setters, equality.

#include <FizyrRpcQt/RpcConfig>

#include <QtCore/qmetaobject.h>
#include <QtTest/qtest.h>

using namespace Fizyr;

class tst_RpcConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void constants();
    void defaultConstructed();
    void streamDefaults_data();
    void streamDefaults();
    void seqpacketDefaults();
    void setters();
    void equality();
    void gadget();
};

void tst_RpcConfig::constants()
{
    QCOMPARE(RpcConfig::DefaultStreamMaxBodySize, 8u * 1024u);
    QCOMPARE(RpcConfig::DefaultSeqpacketMaxBodySize, 4u * 1024u);
    QCOMPARE(RpcConfig::DefaultSeqpacketMaxFileDescriptors, 10);
}

void tst_RpcConfig::defaultConstructed()
{
    const RpcConfig config;
    QCOMPARE(config.byteOrder(), RpcConfig::LittleEndian);
    QCOMPARE(config.maxBodyReadSize(), 8u * 1024u);
    QCOMPARE(config.maxBodyWriteSize(), 8u * 1024u);
    QCOMPARE(config.maxFileDescriptorsRead(), 0);
    QCOMPARE(config.maxFileDescriptorsWrite(), 0);
    QCOMPARE(config.writeBufferHighWaterMark(), RpcConfig::DefaultWriteBufferHighWaterMark);
    QVERIFY(config.writeBufferHighWaterMark() > 0);
}

void tst_RpcConfig::streamDefaults_data()
{
    QTest::addColumn<RpcAddress::Transport>("transport");
    QTest::newRow("tcp") << RpcAddress::Tcp;
    QTest::newRow("unix") << RpcAddress::UnixStream;
    QTest::newRow("invalid") << RpcAddress::Invalid;
}

void tst_RpcConfig::streamDefaults()
{
    QFETCH(RpcAddress::Transport, transport);
    const RpcConfig config = RpcConfig::defaultsFor(transport);
    QCOMPARE(config.byteOrder(), RpcConfig::LittleEndian);
    QCOMPARE(config.maxBodyReadSize(), 8u * 1024u);
    QCOMPARE(config.maxBodyWriteSize(), 8u * 1024u);
    QCOMPARE(config.maxFileDescriptorsRead(), 0);
    QCOMPARE(config.maxFileDescriptorsWrite(), 0);
    QCOMPARE(config, RpcConfig());
}

void tst_RpcConfig::seqpacketDefaults()
{
    const RpcConfig config = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    QCOMPARE(config.byteOrder(), RpcConfig::NativeEndian);
    QCOMPARE(config.maxBodyReadSize(), 4u * 1024u);
    QCOMPARE(config.maxBodyWriteSize(), 4u * 1024u);
    QCOMPARE(config.maxFileDescriptorsRead(), 10);
    QCOMPARE(config.maxFileDescriptorsWrite(), 10);
    QCOMPARE(config.writeBufferHighWaterMark(), RpcConfig::DefaultWriteBufferHighWaterMark);
    QVERIFY(config != RpcConfig());
}

void tst_RpcConfig::setters()
{
    RpcConfig config;
    config.setByteOrder(RpcConfig::BigEndian);
    config.setMaxBodyReadSize(1);
    config.setMaxBodyWriteSize(0xffffffffu);
    config.setMaxFileDescriptorsRead(3);
    config.setMaxFileDescriptorsWrite(253);
    config.setWriteBufferHighWaterMark(0);
    QCOMPARE(config.byteOrder(), RpcConfig::BigEndian);
    QCOMPARE(config.maxBodyReadSize(), 1u);
    QCOMPARE(config.maxBodyWriteSize(), 0xffffffffu);
    QCOMPARE(config.maxFileDescriptorsRead(), 3);
    QCOMPARE(config.maxFileDescriptorsWrite(), 253);
    QCOMPARE(config.writeBufferHighWaterMark(), 0);
}

void tst_RpcConfig::equality()
{
    const RpcConfig base;
    QVERIFY(base == RpcConfig());
    QVERIFY(!(base != RpcConfig()));
    const auto differs = [&](auto change) {
        RpcConfig other;
        change(other);
        return other != base && !(other == base);
    };
    QVERIFY(differs([](RpcConfig &c) { c.setByteOrder(RpcConfig::NativeEndian); }));
    QVERIFY(differs([](RpcConfig &c) { c.setMaxBodyReadSize(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setMaxBodyWriteSize(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setMaxFileDescriptorsRead(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setMaxFileDescriptorsWrite(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setWriteBufferHighWaterMark(1); }));

    // Making a stream config look like the seqpacket defaults makes them equal.
    RpcConfig converted;
    converted.setByteOrder(RpcConfig::NativeEndian);
    converted.setMaxBodyReadSize(4096);
    converted.setMaxBodyWriteSize(4096);
    converted.setMaxFileDescriptorsRead(10);
    converted.setMaxFileDescriptorsWrite(10);
    QCOMPARE(converted, RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket));
}

void tst_RpcConfig::gadget()
{
    RpcConfig config;
    const QMetaObject &mo = RpcConfig::staticMetaObject;
    const QMetaProperty readSize = mo.property(mo.indexOfProperty("maxBodyReadSize"));
    QVERIFY(readSize.isValid());
    QVERIFY(readSize.writeOnGadget(&config, QVariant::fromValue(quint32(123))));
    QCOMPARE(config.maxBodyReadSize(), 123u);
    QCOMPARE(readSize.readOnGadget(&config).toUInt(), 123u);
    const QMetaProperty order = mo.property(mo.indexOfProperty("byteOrder"));
    QVERIFY(order.writeOnGadget(&config, QVariant::fromValue(RpcConfig::BigEndian)));
    QCOMPARE(config.byteOrder(), RpcConfig::BigEndian);
    QCOMPARE(QVariant::fromValue(config).value<RpcConfig>(), config);
}

QTEST_GUILESS_MAIN(tst_RpcConfig)
#include "tst_rpcconfig.moc"

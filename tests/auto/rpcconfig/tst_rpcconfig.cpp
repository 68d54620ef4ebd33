// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcConfig: per-transport defaults, setters and their ranges, equality, value semantics.

#include <FizyrRpcQt/RpcConfig>

#include <QtCore/qloggingcategory.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qregularexpression.h>
#include <QtTest/qtest.h>

#include <climits>
#include <limits>
#include <type_traits>

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
    void ranges_data();
    void ranges();
    void rangesThroughGadget();
    void invalidByteOrder();
    void warningCategory();
    void lowWaterMarkFollowsHighWaterMark();
    void equality();
    void valueSemantics();
    void debugOutput();
    void gadget();
};

namespace {

constexpr qint64 GiB = 1024 * 1024 * 1024;
constexpr qint64 MiB = 1024 * 1024;

void setByName(RpcConfig &config, const QByteArray &name, qint64 value)
{
    if (name == "maxBodyReadSize")
        config.setMaxBodyReadSize(quint32(value));
    else if (name == "maxBodyWriteSize")
        config.setMaxBodyWriteSize(quint32(value));
    else if (name == "maxFileDescriptorsRead")
        config.setMaxFileDescriptorsRead(int(value));
    else if (name == "maxFileDescriptorsWrite")
        config.setMaxFileDescriptorsWrite(int(value));
    else if (name == "writeBufferHighWaterMark")
        config.setWriteBufferHighWaterMark(value);
    else if (name == "writeBufferLowWaterMark")
        config.setWriteBufferLowWaterMark(value);
    else if (name == "maxOpenIncomingRequests")
        config.setMaxOpenIncomingRequests(int(value));
    else if (name == "keepAliveIdle")
        config.setKeepAliveIdle(int(value));
    else if (name == "keepAliveInterval")
        config.setKeepAliveInterval(int(value));
    else if (name == "keepAliveCount")
        config.setKeepAliveCount(int(value));
    else if (name == "heartbeatInterval")
        config.setHeartbeatInterval(int(value));
    else if (name == "heartbeatTimeout")
        config.setHeartbeatTimeout(int(value));
    else
        qFatal("unknown setting %s", name.constData());
}

qint64 getByName(const RpcConfig &config, const QByteArray &name)
{
    if (name == "maxBodyReadSize")
        return config.maxBodyReadSize();
    if (name == "maxBodyWriteSize")
        return config.maxBodyWriteSize();
    if (name == "maxFileDescriptorsRead")
        return config.maxFileDescriptorsRead();
    if (name == "maxFileDescriptorsWrite")
        return config.maxFileDescriptorsWrite();
    if (name == "writeBufferHighWaterMark")
        return config.writeBufferHighWaterMark();
    if (name == "writeBufferLowWaterMark")
        return config.writeBufferLowWaterMark();
    if (name == "maxOpenIncomingRequests")
        return config.maxOpenIncomingRequests();
    if (name == "keepAliveIdle")
        return config.keepAliveIdle();
    if (name == "keepAliveInterval")
        return config.keepAliveInterval();
    if (name == "keepAliveCount")
        return config.keepAliveCount();
    if (name == "heartbeatInterval")
        return config.heartbeatInterval();
    if (name == "heartbeatTimeout")
        return config.heartbeatTimeout();
    qFatal("unknown setting %s", name.constData());
    return 0;
}

QByteArray setterName(const QByteArray &property)
{
    return "set" + property.left(1).toUpper() + property.mid(1);
}

} // namespace

void tst_RpcConfig::constants()
{
    QCOMPARE(RpcConfig::DefaultStreamMaxBodySize, 8u * 1024u);
    QCOMPARE(RpcConfig::DefaultSeqpacketMaxBodySize, 4u * 1024u);
    QCOMPARE(RpcConfig::DefaultSeqpacketMaxFileDescriptors, 10);
    QCOMPARE(RpcConfig::DefaultWriteBufferHighWaterMark, 16 * MiB);
    QCOMPARE(RpcConfig::DefaultWriteBufferLowWaterMark, 4 * MiB);
    QCOMPARE(RpcConfig::DefaultMaxOpenIncomingRequests, 1024);
    QCOMPARE(qint64(RpcConfig::MaxBodySizeLimit), GiB);
    QCOMPARE(RpcConfig::MaxFileDescriptorsLimit, 253);
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
    QCOMPARE(config.writeBufferLowWaterMark(), RpcConfig::DefaultWriteBufferLowWaterMark);
    QCOMPARE(config.maxOpenIncomingRequests(), RpcConfig::DefaultMaxOpenIncomingRequests);
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
    QCOMPARE(config.writeBufferLowWaterMark(), RpcConfig::DefaultWriteBufferLowWaterMark);
    QCOMPARE(config.maxOpenIncomingRequests(), RpcConfig::DefaultMaxOpenIncomingRequests);
    QVERIFY(config != RpcConfig());
}

void tst_RpcConfig::setters()
{
    // Values inside the ranges are taken as they are, without a warning.
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    RpcConfig config;
    config.setByteOrder(RpcConfig::BigEndian);
    config.setMaxBodyReadSize(1);
    config.setMaxBodyWriteSize(RpcConfig::MaxBodySizeLimit);
    config.setMaxFileDescriptorsRead(3);
    config.setMaxFileDescriptorsWrite(253);
    config.setWriteBufferHighWaterMark(1000);
    config.setWriteBufferLowWaterMark(250);
    config.setMaxOpenIncomingRequests(7);
    QCOMPARE(config.byteOrder(), RpcConfig::BigEndian);
    QCOMPARE(config.maxBodyReadSize(), 1u);
    QCOMPARE(config.maxBodyWriteSize(), RpcConfig::MaxBodySizeLimit);
    QCOMPARE(config.maxFileDescriptorsRead(), 3);
    QCOMPARE(config.maxFileDescriptorsWrite(), 253);
    QCOMPARE(config.writeBufferHighWaterMark(), 1000);
    QCOMPARE(config.writeBufferLowWaterMark(), 250);
    QCOMPARE(config.maxOpenIncomingRequests(), 7);

    config.setWriteBufferHighWaterMark(0);
    config.setMaxOpenIncomingRequests(0);
    QCOMPARE(config.writeBufferHighWaterMark(), 0);
    QCOMPARE(config.maxOpenIncomingRequests(), 0);
}

void tst_RpcConfig::ranges_data()
{
    QTest::addColumn<QByteArray>("setting");
    QTest::addColumn<qint64>("value");
    QTest::addColumn<qint64>("expected");
    QTest::addColumn<QString>("range"); // empty: no warning

    const QString body = QStringLiteral("0..1073741824 (1 GiB)");
    for (const char *name : {"maxBodyReadSize", "maxBodyWriteSize"}) {
        QTest::addRow("%s UINT_MAX", name) << QByteArray(name) << qint64(UINT_MAX) << GiB << body;
        QTest::addRow("%s -1", name) << QByteArray(name) << qint64(quint32(-1)) << GiB << body;
        QTest::addRow("%s INT_MAX", name) << QByteArray(name) << qint64(INT_MAX) << GiB << body;
        QTest::addRow("%s 1 GiB + 1", name) << QByteArray(name) << GiB + 1 << GiB << body;
        QTest::addRow("%s 1 GiB", name) << QByteArray(name) << GiB << GiB << QString();
        QTest::addRow("%s 0", name) << QByteArray(name) << qint64(0) << qint64(0) << QString();
    }
    const QString fds = QStringLiteral("0..253");
    for (const char *name : {"maxFileDescriptorsRead", "maxFileDescriptorsWrite"}) {
        QTest::addRow("%s INT_MAX", name)
                << QByteArray(name) << qint64(INT_MAX) << qint64(253) << fds;
        QTest::addRow("%s 254", name) << QByteArray(name) << qint64(254) << qint64(253) << fds;
        QTest::addRow("%s 253", name)
                << QByteArray(name) << qint64(253) << qint64(253) << QString();
        QTest::addRow("%s 0", name) << QByteArray(name) << qint64(0) << qint64(0) << QString();
        QTest::addRow("%s -1", name) << QByteArray(name) << qint64(-1) << qint64(0) << fds;
        QTest::addRow("%s INT_MIN", name)
                << QByteArray(name) << qint64(INT_MIN) << qint64(0) << fds;
    }
    const QString high = QStringLiteral("0 (no limit) or more");
    const QByteArray highName("writeBufferHighWaterMark");
    // Negative values keep the current (default) bound instead of removing it.
    QTest::newRow("high-water mark -1") << highName << qint64(-1) << 16 * MiB << high;
    QTest::newRow("high-water mark INT64_MIN")
            << highName << std::numeric_limits<qint64>::min() << 16 * MiB << high;
    QTest::newRow("high-water mark INT64_MAX") << highName << std::numeric_limits<qint64>::max()
                                               << std::numeric_limits<qint64>::max() << QString();
    QTest::newRow("high-water mark UINT_MAX")
            << highName << qint64(UINT_MAX) << qint64(UINT_MAX) << QString();
    QTest::newRow("high-water mark 0") << highName << qint64(0) << qint64(0) << QString();

    const QString low = QStringLiteral("0..writeBufferHighWaterMark (16777216)");
    const QByteArray lowName("writeBufferLowWaterMark");
    QTest::newRow("low-water mark -1") << lowName << qint64(-1) << qint64(0) << low;
    QTest::newRow("low-water mark INT64_MIN")
            << lowName << std::numeric_limits<qint64>::min() << qint64(0) << low;
    QTest::newRow("low-water mark INT64_MAX")
            << lowName << std::numeric_limits<qint64>::max() << 16 * MiB << low;
    QTest::newRow("low-water mark above high") << lowName << 16 * MiB + 1 << 16 * MiB << low;
    QTest::newRow("low-water mark = high") << lowName << 16 * MiB << 16 * MiB << QString();
    QTest::newRow("low-water mark 0") << lowName << qint64(0) << qint64(0) << QString();

    const QString open = QStringLiteral("0 (no cap) or more");
    const QByteArray openName("maxOpenIncomingRequests");
    QTest::newRow("open requests -1") << openName << qint64(-1) << qint64(1024) << open;
    QTest::newRow("open requests INT_MIN") << openName << qint64(INT_MIN) << qint64(1024) << open;
    QTest::newRow("open requests INT_MAX")
            << openName << qint64(INT_MAX) << qint64(INT_MAX) << QString();
    QTest::newRow("open requests 0") << openName << qint64(0) << qint64(0) << QString();

    const QString seconds = QStringLiteral("1..32767");
    for (const char *name : {"keepAliveIdle", "keepAliveInterval"}) {
        QTest::addRow("%s 0", name) << QByteArray(name) << qint64(0) << qint64(1) << seconds;
        QTest::addRow("%s -1", name) << QByteArray(name) << qint64(-1) << qint64(1) << seconds;
        QTest::addRow("%s 1", name) << QByteArray(name) << qint64(1) << qint64(1) << QString();
        QTest::addRow("%s 32767", name)
                << QByteArray(name) << qint64(32767) << qint64(32767) << QString();
        QTest::addRow("%s 32768", name)
                << QByteArray(name) << qint64(32768) << qint64(32767) << seconds;
    }
    const QString probes = QStringLiteral("1..127");
    const QByteArray countName("keepAliveCount");
    QTest::newRow("keep-alive count 0") << countName << qint64(0) << qint64(1) << probes;
    QTest::newRow("keep-alive count 127") << countName << qint64(127) << qint64(127) << QString();
    QTest::newRow("keep-alive count 128") << countName << qint64(128) << qint64(127) << probes;
    const QByteArray intervalName("heartbeatInterval");
    QTest::newRow("heartbeat interval -1")
            << intervalName << qint64(-1) << qint64(0) << QStringLiteral("0 (off) or more");
    QTest::newRow("heartbeat interval 0") << intervalName << qint64(0) << qint64(0) << QString();
    QTest::newRow("heartbeat interval INT_MAX")
            << intervalName << qint64(INT_MAX) << qint64(INT_MAX) << QString();
    const QByteArray timeoutName("heartbeatTimeout");
    QTest::newRow("heartbeat timeout 0")
            << timeoutName << qint64(0) << qint64(1) << QStringLiteral("1 or more");
    QTest::newRow("heartbeat timeout 1") << timeoutName << qint64(1) << qint64(1) << QString();
}

void tst_RpcConfig::ranges()
{
    QFETCH(QByteArray, setting);
    QFETCH(qint64, value);
    QFETCH(qint64, expected);
    QFETCH(QString, range);

    RpcConfig config;
    if (range.isEmpty()) {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    } else {
        // The warning names the setter, the value as the setter received it and the range.
        qint64 received = value;
        if (setting.startsWith("maxBody"))
            received = qint64(quint32(value));
        else if (setting.startsWith("maxFile") || setting == "maxOpenIncomingRequests")
            received = qint64(int(value));
        const QString message = QStringLiteral("RpcConfig::%1(%2): out of range %3; using %4")
                                        .arg(QString::fromLatin1(setterName(setting)))
                                        .arg(received)
                                        .arg(range)
                                        .arg(expected);
        QTest::ignoreMessage(QtWarningMsg, qPrintable(message));
    }
    setByName(config, setting, value);
    QCOMPARE(getByName(config, setting), expected);
}

void tst_RpcConfig::rangesThroughGadget()
{
    // QML and QVariant-based code write through the properties: same checks.
    RpcConfig config;
    const QMetaObject &mo = RpcConfig::staticMetaObject;
    const QMetaProperty fds = mo.property(mo.indexOfProperty("maxFileDescriptorsRead"));
    QTest::ignoreMessage(QtWarningMsg,
                         "RpcConfig::setMaxFileDescriptorsRead(2147483647): out of range 0..253; "
                         "using 253");
    QVERIFY(fds.writeOnGadget(&config, QVariant::fromValue(INT_MAX)));
    QCOMPARE(config.maxFileDescriptorsRead(), 253);

    const QMetaProperty open = mo.property(mo.indexOfProperty("maxOpenIncomingRequests"));
    QTest::ignoreMessage(QtWarningMsg,
                         "RpcConfig::setMaxOpenIncomingRequests(-5): out of range 0 (no cap) or "
                         "more; using 1024");
    QVERIFY(open.writeOnGadget(&config, QVariant::fromValue(-5)));
    QCOMPARE(config.maxOpenIncomingRequests(), 1024);
}

void tst_RpcConfig::invalidByteOrder()
{
    RpcConfig config;
    config.setByteOrder(RpcConfig::BigEndian);
    QTest::ignoreMessage(QtWarningMsg,
                         "RpcConfig::setByteOrder(42): not a byte order (LittleEndian, BigEndian "
                         "or NativeEndian); ignored");
    config.setByteOrder(RpcConfig::ByteOrder(42));
    QCOMPARE(config.byteOrder(), RpcConfig::BigEndian);

    config.setKeepAlive(RpcConfig::KeepAliveOff);
    QTest::ignoreMessage(QtWarningMsg,
                         "RpcConfig::setKeepAlive(7): not a keep-alive mode (KeepAliveAuto, "
                         "KeepAliveOn or KeepAliveOff); ignored");
    config.setKeepAlive(RpcConfig::KeepAliveMode(7));
    QCOMPARE(config.keepAlive(), RpcConfig::KeepAliveOff);
}

void tst_RpcConfig::warningCategory()
{
    // The warnings go to the "fizyr.rpc.config" category, so they can be silenced.
    QLoggingCategory::setFilterRules(QStringLiteral("fizyr.rpc.config.warning=false"));
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    RpcConfig config;
    config.setMaxFileDescriptorsWrite(-1);
    QLoggingCategory::setFilterRules(QString());
    QCOMPARE(config.maxFileDescriptorsWrite(), 0);
}

void tst_RpcConfig::lowWaterMarkFollowsHighWaterMark()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    RpcConfig config;
    // Lowering the high-water mark below the low-water mark caps it, without a warning ...
    config.setWriteBufferHighWaterMark(1 * MiB);
    QCOMPARE(config.writeBufferLowWaterMark(), 1 * MiB);
    // ... and raising it again restores the low-water mark that was set.
    config.setWriteBufferHighWaterMark(RpcConfig::DefaultWriteBufferHighWaterMark);
    QCOMPARE(config.writeBufferLowWaterMark(), RpcConfig::DefaultWriteBufferLowWaterMark);
    QCOMPARE(config, RpcConfig());

    // Without a high-water mark any low-water mark is accepted (and has no effect).
    config.setWriteBufferHighWaterMark(0);
    config.setWriteBufferLowWaterMark(64 * MiB);
    QCOMPARE(config.writeBufferLowWaterMark(), 64 * MiB);
    config.setWriteBufferHighWaterMark(32 * MiB);
    QCOMPARE(config.writeBufferLowWaterMark(), 32 * MiB);
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
    QVERIFY(differs([](RpcConfig &c) { c.setWriteBufferLowWaterMark(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setMaxOpenIncomingRequests(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setKeepAlive(RpcConfig::KeepAliveOff); }));
    QVERIFY(differs([](RpcConfig &c) { c.setKeepAliveIdle(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setKeepAliveInterval(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setKeepAliveCount(1); }));
    QVERIFY(differs([](RpcConfig &c) { c.setHeartbeatServiceId(7); }));
    QVERIFY(differs([](RpcConfig &c) { c.setHeartbeatInterval(1000); }));
    QVERIFY(differs([](RpcConfig &c) { c.setHeartbeatTimeout(1); }));

    // Making a stream config look like the seqpacket defaults makes them equal.
    RpcConfig converted;
    converted.setByteOrder(RpcConfig::NativeEndian);
    converted.setMaxBodyReadSize(4096);
    converted.setMaxBodyWriteSize(4096);
    converted.setMaxFileDescriptorsRead(10);
    converted.setMaxFileDescriptorsWrite(10);
    QCOMPARE(converted, RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket));

    // Equality compares the low-water mark as it reads.
    RpcConfig a;
    RpcConfig b;
    a.setWriteBufferHighWaterMark(1000);
    b.setWriteBufferHighWaterMark(1000);
    b.setWriteBufferLowWaterMark(1000);
    QCOMPARE(a.writeBufferLowWaterMark(), b.writeBufferLowWaterMark());
    QCOMPARE(a, b);
}

void tst_RpcConfig::valueSemantics()
{
    static_assert(std::is_nothrow_move_constructible_v<RpcConfig>);
    static_assert(std::is_nothrow_move_assignable_v<RpcConfig>);
    static_assert(noexcept(std::declval<RpcConfig &>().swap(std::declval<RpcConfig &>())));
    static_assert(QTypeInfo<RpcConfig>::isRelocatable);

    RpcConfig original;
    original.setMaxBodyReadSize(100);
    RpcConfig copy = original;
    QCOMPARE(copy, original);
    // Changing a copy detaches it: the original keeps its value.
    copy.setMaxBodyReadSize(200);
    QCOMPARE(original.maxBodyReadSize(), 100u);
    QCOMPARE(copy.maxBodyReadSize(), 200u);

    copy.swap(original);
    QCOMPARE(original.maxBodyReadSize(), 200u);
    QCOMPARE(copy.maxBodyReadSize(), 100u);

    RpcConfig moved = std::move(copy);
    QCOMPARE(moved.maxBodyReadSize(), 100u);
    copy = original; // a moved-from object can be assigned to
    QCOMPARE(copy.maxBodyReadSize(), 200u);
    moved = RpcConfig();
    QCOMPARE(moved, RpcConfig());

    QList<RpcConfig> list{original, moved, copy};
    list.removeFirst();
    QCOMPARE(list.at(0), RpcConfig());
    QCOMPARE(list.at(1).maxBodyReadSize(), 200u);
}

void tst_RpcConfig::debugOutput()
{
    QString text;
    QDebug(&text) << RpcConfig();
    QVERIFY2(text.startsWith(
                     QStringLiteral("RpcConfig(Fizyr::RpcConfig::LittleEndian, maxBodyRead=8192")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("highWaterMark=16777216")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("lowWaterMark=4194304")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("maxOpenIncomingRequests=1024")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Fizyr::RpcConfig::KeepAliveAuto, keepAliveIdle=60, "
                                          "keepAliveInterval=10, keepAliveCount=6")),
             qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(
                     "heartbeatServiceId=0, heartbeatInterval=0, heartbeatTimeout=10000)")),
             qPrintable(text));
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

    // Every setting is a read/write property, including the flow-control ones.
    for (const char *name :
         {"byteOrder", "maxBodyReadSize", "maxBodyWriteSize", "maxFileDescriptorsRead",
          "maxFileDescriptorsWrite", "writeBufferHighWaterMark", "writeBufferLowWaterMark",
          "maxOpenIncomingRequests", "keepAlive", "keepAliveIdle", "keepAliveInterval",
          "keepAliveCount", "heartbeatServiceId", "heartbeatInterval", "heartbeatTimeout"}) {
        const QMetaProperty property = mo.property(mo.indexOfProperty(name));
        QVERIFY2(property.isValid() && property.isReadable() && property.isWritable(), name);
    }
    const QMetaProperty low = mo.property(mo.indexOfProperty("writeBufferLowWaterMark"));
    QVERIFY(low.writeOnGadget(&config, QVariant::fromValue(qint64(1234))));
    QCOMPARE(config.writeBufferLowWaterMark(), 1234);
    const QMetaProperty open = mo.property(mo.indexOfProperty("maxOpenIncomingRequests"));
    QVERIFY(open.writeOnGadget(&config, QVariant::fromValue(17)));
    QCOMPARE(config.maxOpenIncomingRequests(), 17);
    QCOMPARE(open.readOnGadget(&config).toInt(), 17);
    const QMetaProperty keepAlive = mo.property(mo.indexOfProperty("keepAlive"));
    QVERIFY(keepAlive.writeOnGadget(&config, QVariant::fromValue(RpcConfig::KeepAliveOn)));
    QCOMPARE(config.keepAlive(), RpcConfig::KeepAliveOn);

    QCOMPARE(QVariant::fromValue(config).value<RpcConfig>(), config);
}

QTEST_GUILESS_MAIN(tst_RpcConfig)
#include "tst_rpcconfig.moc"

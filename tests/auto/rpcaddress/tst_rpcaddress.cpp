// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcAddress: parsing, errors, round trips.

#include <FizyrRpcQt/RpcAddress>

#include <QtCore/qmetaobject.h>
#include <QtTest/qtest.h>

using namespace Fizyr;

class tst_RpcAddress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void errors_data();
    void errors();
    void factories();
    void invalidAddress();
    void equality();
    void gadget();
};

void tst_RpcAddress::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<RpcAddress::Transport>("transport");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("tcp ipv4") << "tcp://127.0.0.1:5000" << RpcAddress::Tcp << "127.0.0.1" << 5000
                              << QString() << "tcp://127.0.0.1:5000";
    QTest::newRow("tcp name") << "tcp://localhost:1" << RpcAddress::Tcp << "localhost" << 1
                              << QString() << "tcp://localhost:1";
    QTest::newRow("tcp port 0") << "tcp://127.0.0.1:0" << RpcAddress::Tcp << "127.0.0.1" << 0
                                << QString() << "tcp://127.0.0.1:0";
    QTest::newRow("tcp port max") << "tcp://h:65535" << RpcAddress::Tcp << "h" << 65535 << QString()
                                  << "tcp://h:65535";
    QTest::newRow("tcp ipv6") << "tcp://[::1]:5000" << RpcAddress::Tcp << "::1" << 5000 << QString()
                              << "tcp://[::1]:5000";
    QTest::newRow("tcp ipv6 long") << "tcp://[fe80::1:2]:80" << RpcAddress::Tcp << "fe80::1:2" << 80
                                   << QString() << "tcp://[fe80::1:2]:80";
    QTest::newRow("tcp trimmed") << "  tcp://a:2  " << RpcAddress::Tcp << "a" << 2 << QString()
                                 << "tcp://a:2";
    QTest::newRow("unix absolute")
            << "unix:/run/x.sock" << RpcAddress::UnixStream << QString() << 0 << "/run/x.sock"
            << "unix:/run/x.sock";
    QTest::newRow("unix relative")
            << "unix:name" << RpcAddress::UnixStream << QString() << 0 << "name"
            << "unix:name";
    QTest::newRow("unix url") << "unix:///tmp/s" << RpcAddress::UnixStream << QString() << 0
                              << "/tmp/s"
                              << "unix:/tmp/s";
    QTest::newRow("seqpacket") << "seqpacket:/tmp/q" << RpcAddress::UnixSeqpacket << QString() << 0
                               << "/tmp/q"
                               << "seqpacket:/tmp/q";
    QTest::newRow("seqpacket url")
            << "seqpacket:///tmp/q" << RpcAddress::UnixSeqpacket << QString() << 0 << "/tmp/q"
            << "seqpacket:/tmp/q";
    QTest::newRow("seqpacket rel")
            << "seqpacket:sock" << RpcAddress::UnixSeqpacket << QString() << 0 << "sock"
            << "seqpacket:sock";
}

void tst_RpcAddress::parse()
{
    QFETCH(QString, text);
    QFETCH(RpcAddress::Transport, transport);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, path);
    QFETCH(QString, canonical);

    QString error = QStringLiteral("untouched");
    const RpcAddress address = RpcAddress::fromString(text, &error);
    QVERIFY2(address.isValid(), qPrintable(error));
    QCOMPARE(address.transport(), transport);
    QCOMPARE(address.host(), host);
    QCOMPARE(int(address.port()), port);
    QCOMPARE(address.path(), path);
    QCOMPARE(address.toString(), canonical);
    // toString() round trips.
    QCOMPARE(RpcAddress::fromString(address.toString()), address);
    QCOMPARE(RpcAddress::fromString(canonical).toString(), canonical);
    // Parsing without an error string pointer works too.
    QVERIFY(RpcAddress::fromString(text).isValid());
}

void tst_RpcAddress::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expectedInError");

    QTest::newRow("empty") << ""
                           << "invalid address";
    QTest::newRow("garbage") << "garbage"
                             << "invalid address";
    QTest::newRow("spaces") << "   "
                            << "invalid address";
    QTest::newRow("unknown scheme") << "http://x:1"
                                    << "unknown address scheme \"http\"";
    QTest::newRow("udp") << "udp://127.0.0.1:5"
                         << "unknown address scheme \"udp\"";
    QTest::newRow("missing port") << "tcp://localhost"
                                  << "expected tcp://host:port";
    QTest::newRow("empty port") << "tcp://localhost:"
                                << "port must be 0 to 65535";
    QTest::newRow("port too big") << "tcp://localhost:65536"
                                  << "port must be 0 to 65535";
    QTest::newRow("port huge") << "tcp://localhost:99999999999"
                               << "port must be 0 to 65535";
    QTest::newRow("port negative") << "tcp://localhost:-1"
                                   << "port must be 0 to 65535";
    QTest::newRow("port text") << "tcp://localhost:http"
                               << "port must be 0 to 65535";
    QTest::newRow("missing host") << "tcp://:5000"
                                  << "missing host";
    QTest::newRow("ipv6 unclosed") << "tcp://[::1:5000"
                                   << "expected tcp://[ipv6]:port";
    QTest::newRow("ipv6 no port") << "tcp://[::1]"
                                  << "expected tcp://[ipv6]:port";
    QTest::newRow("ipv6 empty") << "tcp://[]:5"
                                << "missing host";
    QTest::newRow("unix empty") << "unix:"
                                << "missing socket path";
    QTest::newRow("unix url empty") << "unix://"
                                    << "missing socket path";
    QTest::newRow("seqpacket empty") << "seqpacket:"
                                     << "missing socket path";
}

void tst_RpcAddress::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, expectedInError);
    QString error;
    const RpcAddress address = RpcAddress::fromString(text, &error);
    QVERIFY(!address.isValid());
    QCOMPARE(address.transport(), RpcAddress::Invalid);
    QCOMPARE(address, RpcAddress());
    QVERIFY2(error.contains(expectedInError), qPrintable(error));
    // No crash without an error pointer.
    QVERIFY(!RpcAddress::fromString(text).isValid());
}

void tst_RpcAddress::factories()
{
    const RpcAddress tcp = RpcAddress::tcp(QStringLiteral("::1"), 7);
    QCOMPARE(tcp.transport(), RpcAddress::Tcp);
    QCOMPARE(tcp.toString(), QStringLiteral("tcp://[::1]:7"));
    QCOMPARE(RpcAddress::fromString(tcp.toString()), tcp);

    const RpcAddress unixAddress = RpcAddress::unixStream(QStringLiteral("/a/b"));
    QCOMPARE(unixAddress.transport(), RpcAddress::UnixStream);
    QCOMPARE(unixAddress.toString(), QStringLiteral("unix:/a/b"));
    QCOMPARE(RpcAddress::fromString(unixAddress.toString()), unixAddress);

    const RpcAddress seq = RpcAddress::unixSeqpacket(QStringLiteral("/c"));
    QCOMPARE(seq.transport(), RpcAddress::UnixSeqpacket);
    QCOMPARE(seq.toString(), QStringLiteral("seqpacket:/c"));
    QCOMPARE(RpcAddress::fromString(seq.toString()), seq);
}

void tst_RpcAddress::invalidAddress()
{
    const RpcAddress address;
    QVERIFY(!address.isValid());
    QCOMPARE(address.transport(), RpcAddress::Invalid);
    QVERIFY(address.toString().isEmpty());
    QVERIFY(address.host().isEmpty());
    QCOMPARE(address.port(), quint16(0));
    QVERIFY(address.path().isEmpty());
}

void tst_RpcAddress::equality()
{
    QVERIFY(RpcAddress::fromString(QStringLiteral("tcp://a:1"))
            == RpcAddress::tcp(QStringLiteral("a"), 1));
    QVERIFY(RpcAddress::fromString(QStringLiteral("tcp://a:1"))
            != RpcAddress::tcp(QStringLiteral("a"), 2));
    QVERIFY(RpcAddress::fromString(QStringLiteral("unix:/x"))
            != RpcAddress::fromString(QStringLiteral("seqpacket:/x")));
    QVERIFY(RpcAddress::fromString(QStringLiteral("unix:///x"))
            == RpcAddress::fromString(QStringLiteral("unix:/x")));
}

void tst_RpcAddress::gadget()
{
    const RpcAddress address = RpcAddress::tcp(QStringLiteral("h"), 9);
    const QMetaObject &mo = RpcAddress::staticMetaObject;
    QCOMPARE(mo.property(mo.indexOfProperty("host")).readOnGadget(&address).toString(),
             QStringLiteral("h"));
    QCOMPARE(mo.property(mo.indexOfProperty("port")).readOnGadget(&address).toUInt(), 9u);
    QCOMPARE(mo.property(mo.indexOfProperty("valid")).readOnGadget(&address).toBool(), true);
    QCOMPARE(mo.property(mo.indexOfProperty("transport"))
                     .readOnGadget(&address)
                     .value<RpcAddress::Transport>(),
             RpcAddress::Tcp);
    const QVariant variant = QVariant::fromValue(address);
    QCOMPARE(variant.value<RpcAddress>(), address);
}

QTEST_GUILESS_MAIN(tst_RpcAddress)
#include "tst_rpcaddress.moc"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcAddress: parsing, errors, round trips through strings and URLs, value semantics.

#include <FizyrRpcQt/RpcAddress>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qhash.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qset.h>
#include <QtCore/qtranslator.h>
#include <QtCore/qurl.h>
#include <QtTest/qtest.h>

#include <type_traits>

using namespace Fizyr;

class tst_RpcAddress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void errors_data();
    void errors();
    void fromUrl_data();
    void fromUrl();
    void urlErrors_data();
    void urlErrors();
    void specialPaths_data();
    void specialPaths();
    void factories();
    void invalidAddress();
    void equality();
    void usableWithQHash();
    void valueSemantics();
    void translatableErrors();
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
    QTest::newRow("tcp dotted name")
            << "tcp://rpc.example.com:80" << RpcAddress::Tcp << "rpc.example.com" << 80 << QString()
            << "tcp://rpc.example.com:80";
    QTest::newRow("tcp name case") << "TCP://LocalHost:7" << RpcAddress::Tcp << "localhost" << 7
                                   << QString() << "tcp://localhost:7";
    QTest::newRow("tcp port 0") << "tcp://127.0.0.1:0" << RpcAddress::Tcp << "127.0.0.1" << 0
                                << QString() << "tcp://127.0.0.1:0";
    QTest::newRow("tcp port max") << "tcp://h:65535" << RpcAddress::Tcp << "h" << 65535 << QString()
                                  << "tcp://h:65535";
    QTest::newRow("tcp port zeros")
            << "tcp://h:0000000080" << RpcAddress::Tcp << "h" << 80 << QString() << "tcp://h:80";
    QTest::newRow("tcp ipv6") << "tcp://[::1]:5000" << RpcAddress::Tcp << "::1" << 5000 << QString()
                              << "tcp://[::1]:5000";
    QTest::newRow("tcp ipv6 any") << "tcp://[::]:5000" << RpcAddress::Tcp << "::" << 5000
                                  << QString() << "tcp://[::]:5000";
    QTest::newRow("tcp ipv6 long") << "tcp://[fe80::1:2]:80" << RpcAddress::Tcp << "fe80::1:2" << 80
                                   << QString() << "tcp://[fe80::1:2]:80";
    QTest::newRow("tcp ipv6 canonical") << "tcp://[FE80:0:0::1]:80" << RpcAddress::Tcp << "fe80::1"
                                        << 80 << QString() << "tcp://[fe80::1]:80";
    QTest::newRow("tcp trimmed") << "  tcp://a:2  " << RpcAddress::Tcp << "a" << 2 << QString()
                                 << "tcp://a:2";
    QTest::newRow("tls name") << "tls://rpc.example.com:443" << RpcAddress::Tls << "rpc.example.com"
                              << 443 << QString() << "tls://rpc.example.com:443";
    QTest::newRow("tls case") << "TLS://LocalHost:7" << RpcAddress::Tls << "localhost" << 7
                              << QString() << "tls://localhost:7";
    QTest::newRow("tls ipv6") << "tls://[::1]:5000" << RpcAddress::Tls << "::1" << 5000 << QString()
                              << "tls://[::1]:5000";
    QTest::newRow("unix abstract")
            << "unix:@name" << RpcAddress::UnixStream << QString() << 0 << "@name"
            << "unix:@name";
    QTest::newRow("seqpacket abstract")
            << "seqpacket:@svc" << RpcAddress::UnixSeqpacket << QString() << 0 << "@svc"
            << "seqpacket:@svc";
    QTest::newRow("unix absolute")
            << "unix:/run/x.sock" << RpcAddress::UnixStream << QString() << 0 << "/run/x.sock"
            << "unix:/run/x.sock";
    QTest::newRow("unix relative")
            << "unix:name" << RpcAddress::UnixStream << QString() << 0 << "name"
            << "unix:name";
    QTest::newRow("unix relative dirs")
            << "unix:tmp/x" << RpcAddress::UnixStream << QString() << 0 << "tmp/x"
            << "unix:tmp/x";
    QTest::newRow("unix url") << "unix:///tmp/s" << RpcAddress::UnixStream << QString() << 0
                              << "/tmp/s"
                              << "unix:/tmp/s";
    QTest::newRow("unix scheme case")
            << "Unix:/tmp/s" << RpcAddress::UnixStream << QString() << 0 << "/tmp/s"
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
    QCOMPARE(error, QStringLiteral("untouched"));
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

    // toUrl() round trips, and the URL reads as the canonical string.
    const QUrl url = address.toUrl();
    QVERIFY2(url.isValid(), qPrintable(url.errorString()));
    QCOMPARE(url.toString(), canonical);
    QString urlError;
    QCOMPARE(RpcAddress::fromUrl(url, &urlError), address);
    QVERIFY2(urlError.isEmpty(), qPrintable(urlError));
    // The canonical string parsed by QUrl means the same address.
    QCOMPARE(RpcAddress::fromUrl(QUrl(canonical)), address);
    QCOMPARE(RpcAddress::fromUrl(QUrl(text.trimmed())), address);
}

void tst_RpcAddress::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expectedInError");

    const QString port = QStringLiteral("the port must be a number from 0 to 65535");
    const QString bracket = QStringLiteral("an IPv6 address must be in brackets");
    const QString noPath
            = QStringLiteral("expected tcp://host:port without a path, query or fragment");

    QTest::newRow("empty") << ""
                           << "invalid address \"\": use tcp://host:port, tls://host:port, "
                              "unix:/path or seqpacket:/path";
    QTest::newRow("garbage") << "garbage"
                             << "invalid address \"garbage\": use tcp://host:port";
    QTest::newRow("spaces") << "   "
                            << "invalid address";
    QTest::newRow("colon first") << ":5"
                                 << "invalid address \":5\"";
    QTest::newRow("unknown scheme") << "http://x:1"
                                    << "unknown address scheme \"http\" in \"http://x:1\": use "
                                       "tcp://, tls://, unix: or seqpacket:";
    QTest::newRow("udp") << "udp://127.0.0.1:5"
                         << "unknown address scheme \"udp\"";
    QTest::newRow("tcp no slashes") << "tcp:localhost:5"
                                    << "invalid TCP address \"tcp:localhost:5\": expected "
                                       "tcp://host:port";
    QTest::newRow("missing port") << "tcp://localhost"
                                  << "expected tcp://host:port";
    QTest::newRow("tls no slashes") << "tls:localhost:5"
                                    << "invalid TLS address \"tls:localhost:5\": expected "
                                       "tls://host:port";
    QTest::newRow("tls missing port") << "tls://localhost"
                                      << "expected tls://host:port";
    QTest::newRow("tls path") << "tls://h:5/x"
                              << "expected tls://host:port without a path, query or fragment";
    QTest::newRow("tls user") << "tls://u@h:5"
                              << "user information (\"user@\") is not allowed; expected "
                                 "tls://host:port";
    QTest::newRow("empty port") << "tcp://localhost:" << port;
    QTest::newRow("port too big") << "tcp://localhost:65536" << port;
    QTest::newRow("port huge") << "tcp://localhost:99999999999" << port;
    QTest::newRow("port negative") << "tcp://localhost:-1" << port;
    QTest::newRow("port plus") << "tcp://localhost:+5" << port;
    QTest::newRow("port space") << "tcp://localhost: 5" << port;
    QTest::newRow("port text") << "tcp://localhost:http" << port;
    QTest::newRow("port hex") << "tcp://localhost:0x10" << port;
    QTest::newRow("missing host") << "tcp://:5000"
                                  << "invalid TCP address \"tcp://:5000\": missing host";
    QTest::newRow("user info") << "tcp://user@host:5"
                               << "invalid TCP address \"tcp://user@host:5\": user information "
                                  "(\"user@\") is not allowed; expected tcp://host:port";
    QTest::newRow("user password") << "tcp://user:secret@host:5"
                                   << "user information (\"user@\") is not allowed";
    QTest::newRow("empty user info") << "tcp://@host:5"
                                     << "user information (\"user@\") is not allowed";
    QTest::newRow("ipv6 unbracketed") << "tcp://a:b:5"
                                      << "invalid TCP address \"tcp://a:b:5\": an IPv6 address "
                                         "must be in brackets, as in tcp://[::1]:5000";
    QTest::newRow("ipv6 loopback unbracketed") << "tcp://::1:5" << bracket;
    QTest::newRow("ipv6 unbracketed no port") << "tcp://::1" << bracket;
    QTest::newRow("trailing slash") << "tcp://h:5/"
                                    << "invalid TCP address \"tcp://h:5/\": unexpected \"/\" "
                                       "after the port; "
                    + noPath;
    QTest::newRow("trailing path") << "tcp://h:5/service"
                                   << "unexpected \"/service\" after the port; " + noPath;
    QTest::newRow("path before port") << "tcp://h/x:5"
                                      << "unexpected \"/x:5\" after the port; " + noPath;
    QTest::newRow("query") << "tcp://h:5?timeout=1"
                           << "unexpected \"?timeout=1\" after the port; " + noPath;
    QTest::newRow("fragment") << "tcp://h:5#x"
                              << "unexpected \"#x\" after the port; " + noPath;
    QTest::newRow("ipv6 path") << "tcp://[::1]:5/x"
                               << "unexpected \"/x\" after the port; " + noPath;
    QTest::newRow("ipv6 unclosed") << "tcp://[::1:5000"
                                   << "expected tcp://[ipv6]:port";
    QTest::newRow("ipv6 no port") << "tcp://[::1]"
                                  << "expected tcp://[ipv6]:port";
    QTest::newRow("ipv6 no colon") << "tcp://[::1]5"
                                   << "expected tcp://[ipv6]:port";
    QTest::newRow("ipv6 empty") << "tcp://[]:5"
                                << "missing host";
    QTest::newRow("ipv4 in brackets")
            << "tcp://[127.0.0.1]:5"
            << "\"127.0.0.1\" is not an IPv6 address; brackets are for IPv6 addresses only";
    QTest::newRow("name in brackets") << "tcp://[host]:5"
                                      << "\"host\" is not an IPv6 address";
    QTest::newRow("ipv6 zone") << "tcp://[fe80::1%eth0]:5"
                               << "\"fe80::1%eth0\" is not an IPv6 address";
    QTest::newRow("bad ipv6") << "tcp://[1:2:3:4:5:6:7:8:9]:5"
                              << "is not an IPv6 address";
    QTest::newRow("space in host") << "tcp://my host:5"
                                   << "invalid TCP address \"tcp://my host:5\": \"my host\" is "
                                      "not a valid host name";
    QTest::newRow("percent in host") << "tcp://a%2eb:5"
                                     << "\"a%2eb\" is not a valid host name";
    QTest::newRow("bracket in host") << "tcp://a]:5"
                                     << "\"a]\" is not a valid host name";
    QTest::newRow("unix host") << "unix://tmp/x"
                               << "invalid address \"unix://tmp/x\": a unix address has no host "
                                  "(\"tmp\"); expected unix:/absolute/path, unix:relative/path or "
                                  "unix:///absolute/path";
    QTest::newRow("unix localhost") << "unix://localhost/tmp/x"
                                    << "a unix address has no host (\"localhost\")";
    QTest::newRow("unix host only") << "unix://name"
                                    << "a unix address has no host (\"name\")";
    QTest::newRow("seqpacket host") << "seqpacket://run/x"
                                    << "a seqpacket address has no host (\"run\"); expected "
                                       "seqpacket:/absolute/path";
    QTest::newRow("unix empty") << "unix:"
                                << "invalid address \"unix:\": missing socket path";
    QTest::newRow("unix url empty") << "unix://"
                                    << "missing socket path";
    QTest::newRow("seqpacket empty") << "seqpacket:"
                                     << "missing socket path";
    QTest::newRow("seqpacket url empty") << "seqpacket://"
                                         << "missing socket path";
    QTest::newRow("unix nul") << QStringLiteral("unix:/tmp/a") + QChar(0) + QStringLiteral("b")
                              << "the socket path contains a NUL character";
}

void tst_RpcAddress::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, expectedInError);
    QString error;
    const RpcAddress address = RpcAddress::fromString(text, &error);
    QVERIFY2(!address.isValid(), qPrintable(address.toString()));
    QCOMPARE(address.transport(), RpcAddress::Invalid);
    QCOMPARE(address, RpcAddress());
    QVERIFY2(error.contains(expectedInError), qPrintable(error));
    // No crash without an error pointer.
    QVERIFY(!RpcAddress::fromString(text).isValid());
    // Nor does the same text pass as a URL (except where QUrl percent-decodes
    // the host, which the string form does not).
    if (qstrcmp(QTest::currentDataTag(), "percent in host") != 0)
        QVERIFY(!RpcAddress::fromUrl(QUrl(text.trimmed())).isValid());
}

void tst_RpcAddress::fromUrl_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("canonical");

    QTest::newRow("tcp") << QUrl(QStringLiteral("tcp://127.0.0.1:5000"))
                         << QStringLiteral("tcp://127.0.0.1:5000");
    QTest::newRow("tcp ipv6") << QUrl(QStringLiteral("tcp://[::1]:5000"))
                              << QStringLiteral("tcp://[::1]:5000");
    QTest::newRow("tcp upper case")
            << QUrl(QStringLiteral("TCP://Example.COM:1")) << QStringLiteral("tcp://example.com:1");
    QTest::newRow("unix") << QUrl(QStringLiteral("unix:/run/a.sock"))
                          << QStringLiteral("unix:/run/a.sock");
    QTest::newRow("unix relative")
            << QUrl(QStringLiteral("unix:name")) << QStringLiteral("unix:name");
    QTest::newRow("unix empty authority")
            << QUrl(QStringLiteral("unix:///run/a.sock")) << QStringLiteral("unix:/run/a.sock");
    QTest::newRow("unix encoded") << QUrl(QStringLiteral("unix:/tmp/a%20b%3F%23"))
                                  << QStringLiteral("unix:/tmp/a b?#");
    QTest::newRow("seqpacket") << QUrl(QStringLiteral("seqpacket:/run/q"))
                               << QStringLiteral("seqpacket:/run/q");
    QTest::newRow("tls") << QUrl(QStringLiteral("tls://127.0.0.1:5000"))
                         << QStringLiteral("tls://127.0.0.1:5000");
    QTest::newRow("tls ipv6 upper case")
            << QUrl(QStringLiteral("TLS://[::1]:1")) << QStringLiteral("tls://[::1]:1");
    QTest::newRow("unix abstract")
            << QUrl(QStringLiteral("unix:@name")) << QStringLiteral("unix:@name");

    QUrl built;
    built.setScheme(QStringLiteral("tcp"));
    built.setHost(QStringLiteral("::1"));
    built.setPort(9);
    QTest::newRow("tcp built") << built << QStringLiteral("tcp://[::1]:9");
    QUrl file;
    file.setScheme(QStringLiteral("seqpacket"));
    file.setPath(QStringLiteral("/tmp/with space"));
    QTest::newRow("seqpacket built") << file << QStringLiteral("seqpacket:/tmp/with space");
}

void tst_RpcAddress::fromUrl()
{
    QFETCH(QUrl, url);
    QFETCH(QString, canonical);
    QString error;
    const RpcAddress address = RpcAddress::fromUrl(url, &error);
    QVERIFY2(address.isValid(), qPrintable(error));
    QCOMPARE(address.toString(), canonical);
    QCOMPARE(address, RpcAddress::fromString(canonical));
    QCOMPARE(RpcAddress::fromUrl(address.toUrl()), address);
}

void tst_RpcAddress::urlErrors_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("expectedInError");

    const auto url = [](const char *text) {
        return QUrl(QString::fromLatin1(text));
    };
    QTest::newRow("empty") << QUrl()
                           << "invalid address URL: the URL is empty; expected "
                              "tcp://host:port, tls://host:port, unix:/path or seqpacket:/path";
    QTest::newRow("no scheme") << url("/tmp/x")
                               << "invalid address URL \"/tmp/x\": missing scheme; expected "
                                  "tcp://host:port";
    QTest::newRow("unknown scheme")
            << url("http://h:1") << "unknown address scheme \"http\" in \"http://h:1\"";
    QTest::newRow("invalid url") << url("tcp://a:b:5") << "invalid address URL \"\": ";
    QTest::newRow("tcp user") << url("tcp://user@h:5")
                              << "invalid TCP address URL \"tcp://user@h:5\": user information "
                                 "(\"user@\") is not allowed";
    QTest::newRow("tcp missing port") << url("tcp://h") << "missing port; expected tcp://host:port";
    QTest::newRow("tls missing port") << url("tls://h") << "missing port; expected tls://host:port";
    QTest::newRow("tls path") << url("tls://h:1/p")
                              << "invalid TLS address URL \"tls://h:1/p\": expected "
                                 "tls://host:port without a path";
    QTest::newRow("tcp missing host") << url("tcp://:5") << "missing host";
    QTest::newRow("tcp path") << url("tcp://h:5/x")
                              << "expected tcp://host:port without a path, query or fragment";
    QTest::newRow("tcp query") << url("tcp://h:5?q") << "an address has no query or fragment";
    QTest::newRow("tcp fragment") << url("tcp://h:5#f") << "an address has no query or fragment";
    QTest::newRow("unix host") << url("unix://tmp/x")
                               << "invalid address URL \"unix://tmp/x\": a unix address has no "
                                  "host (\"tmp\")";
    QTest::newRow("unix port") << url("unix://:5/x") << "a unix address has no host (\":5\")";
    QTest::newRow("unix query") << url("unix:/x?q") << "an address has no query or fragment";
    QTest::newRow("seqpacket fragment")
            << url("seqpacket:/x#f") << "an address has no query or fragment";
    QTest::newRow("unix empty") << url("unix:") << "missing socket path";
}

void tst_RpcAddress::urlErrors()
{
    QFETCH(QUrl, url);
    QFETCH(QString, expectedInError);
    QString error;
    const RpcAddress address = RpcAddress::fromUrl(url, &error);
    QVERIFY2(!address.isValid(), qPrintable(address.toString()));
    QCOMPARE(address, RpcAddress());
    QVERIFY2(error.contains(expectedInError), qPrintable(error));
    QVERIFY(!RpcAddress::fromUrl(url).isValid());
}

void tst_RpcAddress::specialPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("space") << QStringLiteral("/tmp/a b");
    QTest::newRow("query and fragment characters") << QStringLiteral("/tmp/a?b#c");
    QTest::newRow("percent") << QStringLiteral("/tmp/100%25");
    QTest::newRow("colon") << QStringLiteral("/tmp/a:b");
    QTest::newRow("relative colon") << QStringLiteral("a:b");
    QTest::newRow("double slash") << QStringLiteral("//tmp/x");
    QTest::newRow("unicode") << QStringLiteral("/tmp/\u00e9\u4e2d");
    QTest::newRow("root") << QStringLiteral("/");
}

void tst_RpcAddress::specialPaths()
{
    // Every path survives both round trips; the string form takes it literally.
    QFETCH(QString, path);
    for (const RpcAddress &address :
         {RpcAddress::unixStream(path), RpcAddress::unixSeqpacket(path)}) {
        QVERIFY(address.isValid());
        QCOMPARE(address.path(), path);
        QString error;
        QCOMPARE(RpcAddress::fromString(address.toString(), &error), address);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QUrl url = address.toUrl();
        QVERIFY2(url.isValid(), qPrintable(url.errorString()));
        QCOMPARE(RpcAddress::fromUrl(url, &error), address);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // Through the URL's text as well.
        QCOMPARE(RpcAddress::fromUrl(QUrl(url.toString(QUrl::FullyEncoded))), address);
    }
}

void tst_RpcAddress::factories()
{
    const RpcAddress tcp = RpcAddress::tcp(QStringLiteral("::1"), 7);
    QCOMPARE(tcp.transport(), RpcAddress::Tcp);
    QCOMPARE(tcp.toString(), QStringLiteral("tcp://[::1]:7"));
    QCOMPARE(RpcAddress::fromString(tcp.toString()), tcp);
    QCOMPARE(RpcAddress::fromUrl(tcp.toUrl()), tcp);

    // Host names are normalized as QUrl does, so equal addresses compare equal.
    QCOMPARE(RpcAddress::tcp(QStringLiteral("LocalHost"), 1).host(), QStringLiteral("localhost"));
    QCOMPARE(RpcAddress::tcp(QStringLiteral("LocalHost"), 1),
             RpcAddress::fromString(QStringLiteral("tcp://localhost:1")));
    QCOMPARE(RpcAddress::tcp(QStringLiteral("0:0::1"), 1).host(), QStringLiteral("::1"));
    QVERIFY(!RpcAddress::tcp(QString(), 1).isValid());

    const RpcAddress tls = RpcAddress::tls(QStringLiteral("Example.com"), 443);
    QCOMPARE(tls.transport(), RpcAddress::Tls);
    QCOMPARE(tls.host(), QStringLiteral("example.com"));
    QCOMPARE(tls.toString(), QStringLiteral("tls://example.com:443"));
    QCOMPARE(tls.toUrl(), QUrl(QStringLiteral("tls://example.com:443")));
    QCOMPARE(RpcAddress::fromString(tls.toString()), tls);
    QCOMPARE(RpcAddress::fromUrl(tls.toUrl()), tls);
    QVERIFY(tls != RpcAddress::tcp(QStringLiteral("example.com"), 443));
    QVERIFY(!RpcAddress::tls(QString(), 1).isValid());

    const RpcAddress unixAddress = RpcAddress::unixStream(QStringLiteral("/a/b"));
    QCOMPARE(unixAddress.transport(), RpcAddress::UnixStream);
    QCOMPARE(unixAddress.toString(), QStringLiteral("unix:/a/b"));
    QCOMPARE(RpcAddress::fromString(unixAddress.toString()), unixAddress);
    QCOMPARE(unixAddress.toUrl(), QUrl(QStringLiteral("unix:/a/b")));
    QVERIFY(!RpcAddress::unixStream(QString()).isValid());

    const RpcAddress seq = RpcAddress::unixSeqpacket(QStringLiteral("/c"));
    QCOMPARE(seq.transport(), RpcAddress::UnixSeqpacket);
    QCOMPARE(seq.toString(), QStringLiteral("seqpacket:/c"));
    QCOMPARE(RpcAddress::fromString(seq.toString()), seq);
    QCOMPARE(seq.toUrl(), QUrl(QStringLiteral("seqpacket:/c")));
    QVERIFY(!RpcAddress::unixSeqpacket(QString()).isValid());
}

void tst_RpcAddress::invalidAddress()
{
    const RpcAddress address;
    QVERIFY(!address.isValid());
    QCOMPARE(address.transport(), RpcAddress::Invalid);
    QVERIFY(address.toString().isEmpty());
    QVERIFY(address.toUrl().isEmpty());
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
    QVERIFY(RpcAddress::fromString(QStringLiteral("tcp://a:1"))
            != RpcAddress::tcp(QStringLiteral("b"), 1));
    QVERIFY(RpcAddress::fromString(QStringLiteral("unix:/x"))
            != RpcAddress::fromString(QStringLiteral("seqpacket:/x")));
    QVERIFY(RpcAddress::fromString(QStringLiteral("unix:/x"))
            != RpcAddress::fromString(QStringLiteral("unix:/y")));
    QVERIFY(RpcAddress::fromString(QStringLiteral("unix:///x"))
            == RpcAddress::fromString(QStringLiteral("unix:/x")));
    QVERIFY(RpcAddress() == RpcAddress());
}

void tst_RpcAddress::usableWithQHash()
{
    const RpcAddress a = RpcAddress::fromString(QStringLiteral("tcp://[::1]:5000"));
    const RpcAddress sameAsA = RpcAddress::fromUrl(QUrl(QStringLiteral("tcp://[0::1]:5000")));
    const RpcAddress b = RpcAddress::fromString(QStringLiteral("unix:/run/b"));
    const RpcAddress c = RpcAddress::fromString(QStringLiteral("seqpacket:/run/b"));
    QCOMPARE(a, sameAsA);
    QCOMPARE(qHash(a), qHash(sameAsA));
    QCOMPARE(qHash(a, 42), qHash(sameAsA, 42));

    QHash<RpcAddress, int> hash;
    hash.insert(a, 1);
    hash.insert(b, 2);
    hash.insert(c, 3);
    hash.insert(sameAsA, 4);
    QCOMPARE(hash.size(), 3);
    QCOMPARE(hash.value(a), 4);
    QCOMPARE(hash.value(RpcAddress::unixStream(QStringLiteral("/run/b"))), 2);
    QCOMPARE(hash.value(RpcAddress::unixSeqpacket(QStringLiteral("/run/b"))), 3);
    QVERIFY(!hash.contains(RpcAddress::tcp(QStringLiteral("::1"), 5001)));

    QSet<RpcAddress> set{a, b, c, sameAsA, RpcAddress(), RpcAddress()};
    QCOMPARE(set.size(), 4);
    QVERIFY(set.contains(RpcAddress()));
    QVERIFY(set.contains(RpcAddress::fromString(QStringLiteral("unix:///run/b"))));
}

void tst_RpcAddress::valueSemantics()
{
    static_assert(std::is_nothrow_move_constructible_v<RpcAddress>);
    static_assert(std::is_nothrow_move_assignable_v<RpcAddress>);
    static_assert(noexcept(std::declval<RpcAddress &>().swap(std::declval<RpcAddress &>())));
    static_assert(QTypeInfo<RpcAddress>::isRelocatable);

    RpcAddress a = RpcAddress::fromString(QStringLiteral("tcp://h:1"));
    RpcAddress b = RpcAddress::fromString(QStringLiteral("unix:/b"));
    const RpcAddress copyOfA = a;
    QCOMPARE(copyOfA, a);
    a.swap(b);
    QCOMPARE(a.toString(), QStringLiteral("unix:/b"));
    QCOMPARE(b, copyOfA);
    RpcAddress moved = std::move(b);
    QCOMPARE(moved, copyOfA);
    b = a; // a moved-from object can be assigned to
    QCOMPARE(b.toString(), QStringLiteral("unix:/b"));
    moved = RpcAddress();
    QVERIFY(!moved.isValid());
    QCOMPARE(copyOfA.toString(), QStringLiteral("tcp://h:1"));

    QString debugText;
    QDebug(&debugText) << copyOfA;
    QVERIFY2(debugText.contains(QStringLiteral("RpcAddress(\"tcp://h:1\")")),
             qPrintable(debugText));
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
        if (qstrcmp(context, "Fizyr::RpcAddress") != 0)
            return QString();
        return QStringLiteral("<<") + QString::fromUtf8(sourceText) + QStringLiteral(">>");
    }
    bool isEmpty() const override { return false; }
};
} // namespace

void tst_RpcAddress::translatableErrors()
{
    MarkingTranslator translator;
    QVERIFY(QCoreApplication::installTranslator(&translator));
    QString error;
    QVERIFY(!RpcAddress::fromString(QStringLiteral("unix:"), &error).isValid());
    QCoreApplication::removeTranslator(&translator);
    QCOMPARE(error, QStringLiteral("<<invalid address \"unix:\": missing socket path>>"));
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

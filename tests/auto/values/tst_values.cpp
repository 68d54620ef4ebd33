// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Value types: RpcMessage, RpcAddress, RpcConfig, RpcFileDescriptor, RpcError.

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcFileDescriptor>
#include <FizyrRpcQt/RpcMessage>

#include <QtCore/QDir>
#include <QtCore/QMetaEnum>
#include <QtCore/QSet>
#include <QtTest/QTest>

#include <fcntl.h>
#include <unistd.h>

using namespace Fizyr;

namespace {

int openFdCount()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

bool isOpen(int fd)
{
    return ::fcntl(fd, F_GETFD) != -1;
}

} // namespace

class tst_Values : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void messageBasics();
    void messageCopyOnWrite();
    void messageErrors();
    void messageInContainersAndVariants();
    void messageDebug();
    void addressParsing_data();
    void addressParsing();
    void addressErrors_data();
    void addressErrors();
    void configDefaults();
    void errorStrings();
    void fileDescriptorOwnership();
    void fileDescriptorRelease();
    void fileDescriptorInMessage();
};

void tst_Values::messageBasics()
{
    const RpcMessage empty;
    QCOMPARE(empty.type(), RpcMessage::Request);
    QCOMPARE(empty.requestId(), 0u);
    QCOMPARE(empty.serviceId(), 0);
    QVERIFY(empty.body().isEmpty());
    QVERIFY(empty.fileDescriptors().isEmpty());

    RpcMessage message(RpcMessage::ResponderUpdate, 9, -4, "body");
    QCOMPARE(message.type(), RpcMessage::ResponderUpdate);
    QCOMPARE(message.requestId(), 9u);
    QCOMPARE(message.serviceId(), -4);
    QCOMPARE(message.body(), QByteArray("body"));
    message.setType(RpcMessage::Stream);
    message.setRequestId(1);
    message.setServiceId(2);
    message.setBody("other");
    QCOMPARE(message, RpcMessage(RpcMessage::Stream, 1, 2, "other"));
    QVERIFY(message != RpcMessage(RpcMessage::Stream, 1, 2, "different"));

    // Moves leave a valid target; swap exchanges.
    RpcMessage moved = std::move(message);
    QCOMPARE(moved.body(), QByteArray("other"));
    RpcMessage a(RpcMessage::Request, 1, 1), b(RpcMessage::Response, 2, 2);
    a.swap(b);
    QCOMPARE(a.requestId(), 2u);
    QCOMPARE(b.requestId(), 1u);
}

void tst_Values::messageCopyOnWrite()
{
    RpcMessage original(RpcMessage::Request, 1, 1, "original");
    RpcMessage copy = original;
    QCOMPARE(copy, original);
    copy.setBody("changed");
    QCOMPARE(original.body(), QByteArray("original"));
    QCOMPARE(copy.body(), QByteArray("changed"));
}

void tst_Values::messageErrors()
{
    const RpcMessage textError = RpcMessage::errorResponse(5, QStringLiteral("kaputt ✗"));
    QCOMPARE(textError.type(), RpcMessage::Response);
    QCOMPARE(textError.requestId(), 5u);
    QCOMPARE(textError.serviceId(), -1);
    QCOMPARE(textError.body(), QStringLiteral("kaputt ✗").toUtf8());
    QVERIFY(textError.isError());
    QCOMPARE(textError.errorText(), QStringLiteral("kaputt ✗"));

    const RpcMessage codeError(RpcMessage::Response, 1, -42, "opaque");
    QVERIFY(codeError.isError());
    QVERIFY(codeError.errorText().contains(QLatin1String("-42")));

    const RpcMessage success(RpcMessage::Response, 1, 0, "fine");
    QVERIFY(!success.isError());
    QVERIFY(success.errorText().isEmpty());
    // Negative service ids mean errors only for responses.
    QVERIFY(!RpcMessage(RpcMessage::Stream, 0, -1, "x").isError());
    QVERIFY(!RpcMessage(RpcMessage::ResponderUpdate, 0, -1, "x").isError());
}

void tst_Values::messageInContainersAndVariants()
{
    QSet<RpcMessage> set;
    set.insert(RpcMessage(RpcMessage::Stream, 0, 1, "a"));
    set.insert(RpcMessage(RpcMessage::Stream, 0, 1, "a"));
    set.insert(RpcMessage(RpcMessage::Stream, 0, 1, "b"));
    QCOMPARE(set.size(), 2);

    const RpcMessage message(RpcMessage::Response, 3, -1, "why");
    const QVariant variant = QVariant::fromValue(message);
    QCOMPARE(variant.value<RpcMessage>(), message);
    // Readable as a gadget (as QML reads it).
    const QMetaObject &meta = RpcMessage::staticMetaObject;
    auto read = [&](const char *name) {
        return meta.property(meta.indexOfProperty(name)).readOnGadget(&message);
    };
    QCOMPARE(read("requestId").toUInt(), 3u);
    QCOMPARE(read("serviceId").toInt(), -1);
    QCOMPARE(read("body").toByteArray(), QByteArray("why"));
    QCOMPARE(read("isError").toBool(), true);
    QCOMPARE(read("errorText").toString(), QStringLiteral("why"));
}

void tst_Values::messageDebug()
{
    QString text;
    QDebug(&text) << RpcMessage(RpcMessage::Stream, 7, 3, "secret payload");
    QVERIFY2(text.contains(QLatin1String("Stream")), qPrintable(text));
    QVERIFY(text.contains(QLatin1String("requestId=7")));
    QVERIFY(text.contains(QLatin1String("serviceId=3")));
    QVERIFY(text.contains(QLatin1String("14 bytes")));
    QVERIFY(!text.contains(QLatin1String("secret"))); // payload bytes are never logged
}

void tst_Values::addressParsing_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("transport");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("tcp") << "tcp://127.0.0.1:12345" << int(RpcAddress::Tcp) << "127.0.0.1" << 12345
                         << ""
                         << "tcp://127.0.0.1:12345";
    QTest::newRow("tcp-name") << "tcp://localhost:0" << int(RpcAddress::Tcp) << "localhost" << 0
                              << ""
                              << "tcp://localhost:0";
    QTest::newRow("tcp-ipv6") << "tcp://[::1]:5000" << int(RpcAddress::Tcp) << "::1" << 5000 << ""
                              << "tcp://[::1]:5000";
    QTest::newRow("unix") << "unix:/tmp/x.sock" << int(RpcAddress::UnixStream) << "" << 0
                          << "/tmp/x.sock"
                          << "unix:/tmp/x.sock";
    QTest::newRow("unix-url") << "unix:///tmp/x.sock" << int(RpcAddress::UnixStream) << "" << 0
                              << "/tmp/x.sock"
                              << "unix:/tmp/x.sock";
    QTest::newRow("unix-name") << "unix:name" << int(RpcAddress::UnixStream) << "" << 0 << "name"
                               << "unix:name";
    QTest::newRow("seqpacket") << "seqpacket:/run/x.sock" << int(RpcAddress::UnixSeqpacket) << ""
                               << 0 << "/run/x.sock"
                               << "seqpacket:/run/x.sock";
    QTest::newRow("spaces") << "  tcp://h:1 " << int(RpcAddress::Tcp) << "h" << 1 << ""
                            << "tcp://h:1";
}

void tst_Values::addressParsing()
{
    QFETCH(QString, text);
    QFETCH(int, transport);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, path);
    QFETCH(QString, canonical);
    QString error;
    const RpcAddress address = RpcAddress::fromString(text, &error);
    QVERIFY2(address.isValid(), qPrintable(error));
    QCOMPARE(int(address.transport()), transport);
    QCOMPARE(address.host(), host);
    QCOMPARE(int(address.port()), port);
    QCOMPARE(address.path(), path);
    QCOMPARE(address.toString(), canonical);
    QCOMPARE(RpcAddress::fromString(address.toString()), address);
}

void tst_Values::addressErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("empty") << ""
                           << "invalid address";
    QTest::newRow("scheme") << "http://x:1"
                            << "unknown address scheme \"http\"";
    QTest::newRow("no-port") << "tcp://host"
                             << "tcp://host:port";
    QTest::newRow("bad-port") << "tcp://host:http"
                              << "port";
    QTest::newRow("port-range") << "tcp://host:65536"
                                << "port";
    QTest::newRow("no-host") << "tcp://:80"
                             << "missing host";
    QTest::newRow("ipv6-unclosed") << "tcp://[::1:80"
                                   << "ipv6";
    QTest::newRow("no-path") << "unix:"
                             << "missing socket path";
    QTest::newRow("no-seqpacket-path") << "seqpacket:"
                                       << "missing socket path";
    QTest::newRow("garbage") << "hello"
                             << "invalid address";
}

void tst_Values::addressErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, mentions);
    QString error;
    const RpcAddress address = RpcAddress::fromString(text, &error);
    QVERIFY(!address.isValid());
    QCOMPARE(address.transport(), RpcAddress::Invalid);
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(address.toString().isEmpty());
}

void tst_Values::configDefaults()
{
    const RpcConfig stream;
    QCOMPARE(stream.byteOrder(), RpcConfig::LittleEndian);
    QCOMPARE(stream.maxBodyReadSize(), 8192u);
    QCOMPARE(stream.maxBodyWriteSize(), 8192u);
    QCOMPARE(stream.maxFileDescriptorsRead(), 0);
    QCOMPARE(stream.maxFileDescriptorsWrite(), 0);
    QVERIFY(stream.writeBufferHighWaterMark() > 0);
    QCOMPARE(RpcConfig::defaultsFor(RpcAddress::Tcp), stream);
    QCOMPARE(RpcConfig::defaultsFor(RpcAddress::UnixStream), stream);

    const RpcConfig seqpacket = RpcConfig::defaultsFor(RpcAddress::UnixSeqpacket);
    QCOMPARE(seqpacket.byteOrder(), RpcConfig::NativeEndian);
    QCOMPARE(seqpacket.maxBodyReadSize(), 4096u);
    QCOMPARE(seqpacket.maxBodyWriteSize(), 4096u);
    QCOMPARE(seqpacket.maxFileDescriptorsRead(), 10);
    QCOMPARE(seqpacket.maxFileDescriptorsWrite(), 10);

    RpcConfig changed = stream;
    changed.setByteOrder(RpcConfig::BigEndian);
    changed.setMaxBodyReadSize(1);
    QVERIFY(changed != stream);
    QCOMPARE(changed.byteOrder(), RpcConfig::BigEndian);
}

void tst_Values::errorStrings()
{
    const QMetaEnum meta = QMetaEnum::fromType<RpcError>();
    QSet<QString> seen;
    for (int i = 0; i < meta.keyCount(); ++i) {
        const QString text = rpcErrorString(RpcError(meta.value(i)));
        QVERIFY2(!text.isEmpty() && text != QLatin1String("Unknown error"), meta.key(i));
        QVERIFY2(!seen.contains(text), meta.key(i));
        seen.insert(text);
    }
    // Ranges: connection < 100 <= protocol < 200 <= local send < 300 <= request outcome.
    QCOMPARE(int(RpcError::FrameTooShort), 100);
    QCOMPARE(int(RpcError::PayloadTooLarge), 200);
    QCOMPARE(int(RpcError::RemoteError), 300);
}

void tst_Values::fileDescriptorOwnership()
{
    const int before = openFdCount();
    int pipeFds[2];
    QCOMPARE(::pipe2(pipeFds, O_CLOEXEC), 0);
    int held = -1;
    {
        RpcFileDescriptor handle(pipeFds[0]); // duplicates; we keep ours
        QVERIFY(handle.isValid());
        held = handle.fileDescriptor();
        QVERIFY(held != pipeFds[0]);
        QVERIFY(::fcntl(held, F_GETFD) & FD_CLOEXEC);
        RpcFileDescriptor copy = handle; // shares, no new descriptor
        QCOMPARE(copy.fileDescriptor(), held);
        QCOMPARE(copy, handle);
        handle.reset();
        QVERIFY(!handle.isValid());
        QVERIFY(isOpen(held)); // the copy still holds it
    }
    QVERIFY(!isOpen(held)); // closed with the last handle
    QVERIFY(isOpen(pipeFds[0]));
    ::close(pipeFds[0]);
    ::close(pipeFds[1]);

    const RpcFileDescriptor invalid;
    QVERIFY(!invalid.isValid());
    QCOMPARE(invalid.fileDescriptor(), -1);
    QCOMPARE(invalid.dup(), -1);
    QVERIFY(!RpcFileDescriptor(-1).isValid());
    QVERIFY(!RpcFileDescriptor::fromOwned(-1).isValid());
    QCOMPARE(openFdCount(), before);
}

void tst_Values::fileDescriptorRelease()
{
    const int before = openFdCount();
    int pipeFds[2];
    QCOMPARE(::pipe(pipeFds), 0);
    ::close(pipeFds[1]);
    RpcFileDescriptor owned = RpcFileDescriptor::fromOwned(pipeFds[0]); // no duplicate
    QCOMPARE(owned.fileDescriptor(), pipeFds[0]);
    const int duplicate = owned.dup();
    QVERIFY(duplicate >= 0 && duplicate != pipeFds[0]);
    const int released = owned.release();
    QCOMPARE(released, pipeFds[0]);
    QVERIFY(!owned.isValid());
    QVERIFY(isOpen(released)); // ours now
    ::close(released);
    ::close(duplicate);
    QCOMPARE(openFdCount(), before);
}

void tst_Values::fileDescriptorInMessage()
{
    const int before = openFdCount();
    {
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        RpcMessage message(RpcMessage::Stream, 0, 1, "x",
                           {RpcFileDescriptor::fromOwned(pipeFds[0]),
                            RpcFileDescriptor::fromOwned(pipeFds[1])});
        const RpcMessage copy = message;
        QCOMPARE(copy.fileDescriptors().size(), 2);
        QCOMPARE(copy.fileDescriptors().at(0).fileDescriptor(), pipeFds[0]);
        QVERIFY(copy == message);
    }
    QCOMPARE(openFdCount(), before);
}

QTEST_GUILESS_MAIN(tst_Values)
#include "tst_values.moc"

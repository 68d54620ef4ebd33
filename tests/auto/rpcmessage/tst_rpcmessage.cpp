// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcMessage: value semantics, error responses, hashing, debug output and
// meta-type integration.

#include <FizyrRpcQt/RpcMessage>

#include <QtCore/qhash.h>
#include <QtCore/qmetaobject.h>
#include <QtCore/qset.h>
#include <QtCore/qthread.h>
#include <QtCore/qvariant.h>
#include <QtTest/qsignalspy.h>
#include <QtTest/qtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <limits>

using namespace Fizyr;

class MessageEmitter : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void message(const Fizyr::RpcMessage &message);
};

class MessageReceiver : public QObject
{
    Q_OBJECT
public:
    RpcMessage received;
    QThread *receivedIn = nullptr;
    void onMessage(const Fizyr::RpcMessage &message)
    {
        received = message;
        receivedIn = QThread::currentThread();
    }
};

class tst_RpcMessage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultConstructed();
    void construction();
    void setters();
    void copyOnWrite();
    void moveAndSwap();
    void defaultWithoutStorage();
    void errorResponses_data();
    void errorResponses();
    void errorResponseHelper();
    void equality();
    void hashing();
    void typeNames_data();
    void typeNames();
    void debugOutput();
    void gadgetProperties();
    void variant();
    void queuedSignal();
};

void tst_RpcMessage::defaultConstructed()
{
    const RpcMessage message;
    QCOMPARE(message.type(), RpcMessage::Request);
    QCOMPARE(message.requestId(), 0u);
    QCOMPARE(message.serviceId(), 0);
    QVERIFY(message.body().isEmpty());
    QVERIFY(message.fileDescriptors().isEmpty());
    QVERIFY(!message.isError());
    QVERIFY(message.errorText().isEmpty());
    QCOMPARE(message, RpcMessage());
}

void tst_RpcMessage::construction()
{
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    const RpcFileDescriptor fd = RpcFileDescriptor::fromOwned(fds[0]);
    ::close(fds[1]);

    const RpcMessage message(RpcMessage::ResponderUpdate, 0xffffffffu, -42,
                             QByteArrayLiteral("body"), {fd});
    QCOMPARE(message.type(), RpcMessage::ResponderUpdate);
    QCOMPARE(message.requestId(), 0xffffffffu);
    QCOMPARE(message.serviceId(), -42);
    QCOMPARE(message.body(), QByteArray("body"));
    QCOMPARE(message.fileDescriptors().size(), 1);
    QCOMPARE(message.fileDescriptors().first(), fd); // shared, not duplicated
    QCOMPARE(message.fileDescriptors().first().fileDescriptor(), fds[0]);
    QVERIFY(!message.isError()); // only responses are errors
}

void tst_RpcMessage::setters()
{
    RpcMessage message;
    message.setType(RpcMessage::Stream);
    message.setRequestId(77);
    message.setServiceId(-5);
    message.setBody(QByteArrayLiteral("payload"));
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    message.setFileDescriptors(
            {RpcFileDescriptor::fromOwned(fds[0]), RpcFileDescriptor::fromOwned(fds[1])});
    QCOMPARE(message.type(), RpcMessage::Stream);
    QCOMPARE(message.requestId(), 77u);
    QCOMPARE(message.serviceId(), -5);
    QCOMPARE(message.body(), QByteArray("payload"));
    QCOMPARE(message.fileDescriptors().size(), 2);
    QCOMPARE(message.fileDescriptors().at(1).fileDescriptor(), fds[1]);
    message.setFileDescriptors({});
    QVERIFY(message.fileDescriptors().isEmpty());
    // The last handles went away with the list: both ends are closed.
    QCOMPARE(::fcntl(fds[0], F_GETFD), -1);
    QCOMPARE(::fcntl(fds[1], F_GETFD), -1);
}

void tst_RpcMessage::copyOnWrite()
{
    const RpcMessage original(RpcMessage::Request, 1, 2, QByteArrayLiteral("a"));
    RpcMessage copy = original;
    QCOMPARE(copy, original);

    copy.setType(RpcMessage::Response);
    QCOMPARE(original.type(), RpcMessage::Request);
    copy = original;
    copy.setRequestId(9);
    QCOMPARE(original.requestId(), 1u);
    copy = original;
    copy.setServiceId(-1);
    QCOMPARE(original.serviceId(), 2);
    copy = original;
    copy.setBody(QByteArrayLiteral("b"));
    QCOMPARE(original.body(), QByteArray("a"));
    copy = original;
    copy.setFileDescriptors({RpcFileDescriptor(0)});
    QVERIFY(original.fileDescriptors().isEmpty());
    QCOMPARE(copy.fileDescriptors().size(), 1);

    RpcMessage assigned;
    assigned = copy;
    QCOMPARE(assigned, copy);
    assigned.setBody(QByteArrayLiteral("c"));
    QCOMPARE(assigned.body(), QByteArray("c"));
    QCOMPARE(copy.body(), QByteArray("a"));
}

void tst_RpcMessage::moveAndSwap()
{
    RpcMessage a(RpcMessage::Request, 1, 1, QByteArrayLiteral("a"));
    RpcMessage b(RpcMessage::Stream, 2, 2, QByteArrayLiteral("b"));
    a.swap(b);
    QCOMPARE(a.body(), QByteArray("b"));
    QCOMPARE(b.body(), QByteArray("a"));
    RpcMessage moved(std::move(a));
    QCOMPARE(moved.type(), RpcMessage::Stream);
    RpcMessage target;
    target = std::move(moved);
    QCOMPARE(target.requestId(), 2u);
}

// A default message (and a moved-from one) holds no private until a setter
// writes: it reads as a request with ids 0 and no body, compares and hashes
// as one built with those values, and a setter on it or on a copy of it
// changes only that message.
void tst_RpcMessage::defaultWithoutStorage()
{
    const RpcMessage empty;
    const RpcMessage explicitEmpty(RpcMessage::Request, 0, 0);
    QCOMPARE(empty, explicitEmpty);
    QCOMPARE(explicitEmpty, empty);
    QCOMPARE(qHash(empty, 7), qHash(explicitEmpty, 7));
    QVERIFY(empty != RpcMessage(RpcMessage::Request, 0, 0, QByteArrayLiteral("x")));
    QVERIFY(RpcMessage(RpcMessage::Response, 0, 0) != empty);

    RpcMessage copy = empty;
    copy.setServiceId(-1);
    copy.setType(RpcMessage::Response);
    QVERIFY(copy.isError());
    QCOMPARE(empty.serviceId(), 0);
    QCOMPARE(empty.type(), RpcMessage::Request);
    QVERIFY(!empty.isError());

    RpcMessage source(RpcMessage::Stream, 3, 4, QByteArrayLiteral("s"));
    RpcMessage target(std::move(source));
    // NOLINTNEXTLINE(bugprone-use-after-move): the moved-from state is what is tested
    QCOMPARE(source, RpcMessage());
    source.setBody(QByteArrayLiteral("again"));
    QCOMPARE(source.body(), QByteArray("again"));
    QCOMPARE(source.type(), RpcMessage::Request);
    QCOMPARE(target.body(), QByteArray("s"));

    RpcMessage fds;
    fds.setFileDescriptors({RpcFileDescriptor(0)});
    QVERIFY(fds != empty);
    QVERIFY(empty != fds);
    QCOMPARE(fds.fileDescriptors().size(), 1);
    QVERIFY(empty.fileDescriptors().isEmpty());
}

void tst_RpcMessage::errorResponses_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<qint32>("serviceId");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("isError");
    QTest::addColumn<QString>("errorText");

    const QString umlauts = QStringLiteral("Gr\u00fc\u00dfe \u2713 fehlgeschlagen");
    QTest::newRow("-1 utf8") << int(RpcMessage::Response) << -1 << umlauts.toUtf8() << true
                             << umlauts;
    QTest::newRow("-1 empty") << int(RpcMessage::Response) << -1 << QByteArray() << true
                              << QString();
    QTest::newRow("-2") << int(RpcMessage::Response) << -2 << QByteArray("ignored") << true
                        << QStringLiteral("error response with code -2");
    QTest::newRow("min") << int(RpcMessage::Response) << std::numeric_limits<qint32>::min()
                         << QByteArray() << true
                         << QStringLiteral("error response with code -2147483648");
    QTest::newRow("ok response") << int(RpcMessage::Response) << 0 << QByteArray("fine") << false
                                 << QString();
    QTest::newRow("ok response 5")
            << int(RpcMessage::Response) << 5 << QByteArray() << false << QString();
    QTest::newRow("request -1") << int(RpcMessage::Request) << -1 << QByteArray("x") << false
                                << QString();
    QTest::newRow("update -1") << int(RpcMessage::ResponderUpdate) << -1 << QByteArray("x") << false
                               << QString();
    QTest::newRow("stream -1") << int(RpcMessage::Stream) << -1 << QByteArray("x") << false
                               << QString();
}

void tst_RpcMessage::errorResponses()
{
    QFETCH(int, type);
    QFETCH(qint32, serviceId);
    QFETCH(QByteArray, body);
    QFETCH(bool, isError);
    QFETCH(QString, errorText);
    const RpcMessage message(RpcMessage::Type(type), 3, serviceId, body);
    QCOMPARE(message.isError(), isError);
    QCOMPARE(message.errorText(), errorText);
}

void tst_RpcMessage::errorResponseHelper()
{
    const QString text = QStringLiteral("unexpected request for service 7 \u00e9");
    const RpcMessage message = RpcMessage::errorResponse(12, text);
    QCOMPARE(message.type(), RpcMessage::Response);
    QCOMPARE(message.requestId(), 12u);
    QCOMPARE(message.serviceId(), -1);
    QCOMPARE(message.body(), text.toUtf8());
    QVERIFY(message.fileDescriptors().isEmpty());
    QVERIFY(message.isError());
    QCOMPARE(message.errorText(), text);
}

void tst_RpcMessage::equality()
{
    const RpcMessage base(RpcMessage::Request, 1, 2, QByteArrayLiteral("x"));
    QVERIFY(base == RpcMessage(RpcMessage::Request, 1, 2, QByteArrayLiteral("x")));
    QVERIFY(!(base != RpcMessage(RpcMessage::Request, 1, 2, QByteArrayLiteral("x"))));
    QVERIFY(base != RpcMessage(RpcMessage::Response, 1, 2, QByteArrayLiteral("x")));
    QVERIFY(base != RpcMessage(RpcMessage::Request, 3, 2, QByteArrayLiteral("x")));
    QVERIFY(base != RpcMessage(RpcMessage::Request, 1, -2, QByteArrayLiteral("x")));
    QVERIFY(base != RpcMessage(RpcMessage::Request, 1, 2, QByteArrayLiteral("y")));

    // Descriptors take part: the same handle compares equal, another one not.
    const RpcFileDescriptor fd(0);
    QVERIFY(fd.isValid());
    const RpcMessage withFd(RpcMessage::Request, 1, 2, QByteArrayLiteral("x"), {fd});
    QVERIFY(withFd != base);
    QVERIFY(withFd == RpcMessage(RpcMessage::Request, 1, 2, QByteArrayLiteral("x"), {fd}));
    QVERIFY(withFd
            != RpcMessage(RpcMessage::Request, 1, 2, QByteArrayLiteral("x"),
                          {RpcFileDescriptor(0)}));
}

void tst_RpcMessage::hashing()
{
    const RpcMessage a(RpcMessage::Request, 1, 2, QByteArrayLiteral("x"));
    const RpcMessage aCopy(RpcMessage::Request, 1, 2, QByteArrayLiteral("x"));
    const RpcMessage b(RpcMessage::Request, 1, 2, QByteArrayLiteral("y"));
    QCOMPARE(qHash(a), qHash(aCopy));
    QCOMPARE(qHash(a, 99), qHash(aCopy, 99));

    QSet<RpcMessage> set{a, aCopy, b};
    QCOMPARE(set.size(), 2);
    QVERIFY(set.contains(RpcMessage(RpcMessage::Request, 1, 2, QByteArrayLiteral("y"))));

    QHash<RpcMessage, int> hash;
    hash.insert(a, 1);
    hash.insert(b, 2);
    hash.insert(aCopy, 3);
    QCOMPARE(hash.size(), 2);
    QCOMPARE(hash.value(a), 3);
    QCOMPARE(hash.value(b), 2);
}

static QStringList capturedMessages;
static void captureHandler(QtMsgType, const QMessageLogContext &, const QString &text)
{
    capturedMessages.append(text);
}

void tst_RpcMessage::typeNames_data()
{
    QTest::addColumn<RpcMessage::Type>("type");
    QTest::addColumn<QString>("name");
    QTest::newRow("request") << RpcMessage::Request << QStringLiteral("request");
    QTest::newRow("response") << RpcMessage::Response << QStringLiteral("response");
    QTest::newRow("requester update")
            << RpcMessage::RequesterUpdate << QStringLiteral("requester-update");
    QTest::newRow("responder update")
            << RpcMessage::ResponderUpdate << QStringLiteral("responder-update");
    QTest::newRow("stream") << RpcMessage::Stream << QStringLiteral("stream");
    QTest::newRow("out of range") << RpcMessage::Type(5) << QStringLiteral("unknown");
    QTest::newRow("max") << RpcMessage::Type(std::numeric_limits<quint32>::max())
                         << QStringLiteral("unknown");
}

void tst_RpcMessage::typeNames()
{
    // The one spelling of message types shared by the tool, the QML module and the logs.
    QFETCH(RpcMessage::Type, type);
    QFETCH(QString, name);
    QCOMPARE(RpcMessage::typeName(type), name);
}

void tst_RpcMessage::debugOutput()
{
    capturedMessages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureHandler);
    qDebug() << RpcMessage(RpcMessage::Response, 4, -1, QByteArrayLiteral("secret"));
    qDebug() << RpcMessage(RpcMessage::Stream, 0, 9, QByteArray(), {RpcFileDescriptor(0)});
    qInstallMessageHandler(previous);

    QCOMPARE(capturedMessages.size(), 2);
    const QString first = capturedMessages.at(0);
    QVERIFY2(first.startsWith(QLatin1String("RpcMessage(")), qPrintable(first));
    QVERIFY2(first.contains(QLatin1String("Response")), qPrintable(first));
    QVERIFY2(first.contains(QLatin1String("requestId=4")), qPrintable(first));
    QVERIFY2(first.contains(QLatin1String("serviceId=-1")), qPrintable(first));
    QVERIFY2(first.contains(QLatin1String("body=6 bytes")), qPrintable(first));
    QVERIFY2(!first.contains(QLatin1String("secret")), qPrintable(first)); // body not printed
    QVERIFY2(!first.contains(QLatin1String("fds")), qPrintable(first));
    const QString second = capturedMessages.at(1);
    QVERIFY2(second.contains(QLatin1String("Stream")), qPrintable(second));
    QVERIFY2(second.contains(QLatin1String("fds=1")), qPrintable(second));
}

void tst_RpcMessage::gadgetProperties()
{
    const RpcMessage message = RpcMessage::errorResponse(8, QStringLiteral("bad"));
    const QMetaObject &mo = RpcMessage::staticMetaObject;
    const auto read = [&](const char *name) {
        const int index = mo.indexOfProperty(name);
        [&] {
            QVERIFY2(index >= 0, name);
        }();
        return index >= 0 ? mo.property(index).readOnGadget(&message) : QVariant();
    };
    QCOMPARE(read("type").value<RpcMessage::Type>(), RpcMessage::Response);
    QCOMPARE(read("requestId").toUInt(), 8u);
    QCOMPARE(read("serviceId").toInt(), -1);
    QCOMPARE(read("body").toByteArray(), QByteArray("bad"));
    QCOMPARE(read("isError").toBool(), true);
    QCOMPARE(read("errorText").toString(), QStringLiteral("bad"));

    const QMetaEnum typeEnum = QMetaEnum::fromType<RpcMessage::Type>();
    QCOMPARE(QByteArray(typeEnum.valueToKey(RpcMessage::RequesterUpdate)),
             QByteArray("RequesterUpdate"));

    // Through the meta type as well.
    const QMetaType type = QMetaType::fromType<RpcMessage>();
    QVERIFY(type.isValid());
    QCOMPARE(type.metaObject(), &RpcMessage::staticMetaObject);
}

void tst_RpcMessage::variant()
{
    const RpcMessage message(RpcMessage::Request, 5, 6, QByteArrayLiteral("v"));
    const QVariant variant = QVariant::fromValue(message);
    QCOMPARE(variant.metaType(), QMetaType::fromType<RpcMessage>());
    QVERIFY(variant.canConvert<RpcMessage>());
    QCOMPARE(variant.value<RpcMessage>(), message);
    QCOMPARE(variant, QVariant::fromValue(RpcMessage(message))); // equality via QMetaType
    QVERIFY(variant != QVariant::fromValue(RpcMessage()));
}

void tst_RpcMessage::queuedSignal()
{
    MessageEmitter emitter;
    MessageReceiver receiver;
    QThread thread;
    receiver.moveToThread(&thread);
    thread.start();
    connect(&emitter, &MessageEmitter::message, &receiver, &MessageReceiver::onMessage,
            Qt::QueuedConnection);
    QSignalSpy spy(&emitter, &MessageEmitter::message);
    const RpcMessage message(RpcMessage::Stream, 0, 3, QByteArrayLiteral("queued"));
    Q_EMIT emitter.message(message);
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.at(0).at(0).value<RpcMessage>(), message);
    // Events are delivered in order: once this blocking call returns, the
    // queued signal has been handled in the receiver's thread.
    QVERIFY(QMetaObject::invokeMethod(
            &receiver, [] {}, Qt::BlockingQueuedConnection));
    thread.quit();
    QVERIFY(thread.wait(10000));
    QCOMPARE(receiver.received, message);
    QCOMPARE(receiver.receivedIn, &thread);
}

QTEST_GUILESS_MAIN(tst_RpcMessage)
#include "tst_rpcmessage.moc"

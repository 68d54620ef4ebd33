// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Two peers that both send much more than their write-buffer high-water mark
// at the same time, each as a well-behaved producer (send until
// WriteBufferFull, go on at writeBufferDrained()), must both get everything
// through: the read-side flow control must not make them wait for each other
// for ever. With stream messages, and with requests that the other side
// answers with a short response.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcMessage>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtTest/QTest>

using namespace Fizyr;
using namespace RpcTestSupport;

namespace {

constexpr qint64 HighWaterMark = 1024 * 1024;
constexpr qint64 LowWaterMark = 256 * 1024;
constexpr qsizetype Chunk = 16 * 1024;
// Eight high-water marks each way.
constexpr int Messages = int(8 * HighWaterMark / Chunk);
constexpr qint32 DataService = 7;

RpcConfig configFor(const QString &scheme)
{
    RpcConfig config = RpcConfig::defaultsFor(transportFor(scheme));
    config.setMaxBodyReadSize(Chunk);
    config.setMaxBodyWriteSize(Chunk);
    config.setWriteBufferHighWaterMark(HighWaterMark);
    config.setWriteBufferLowWaterMark(LowWaterMark);
    return config;
}

// A body that carries its sequence number and the sender's tag in every byte
// pattern, so that a lost, repeated or reordered message shows.
QByteArray bodyFor(int sequence, char tag)
{
    QByteArray body(Chunk, tag);
    const QByteArray number = QByteArray::number(sequence);
    body.replace(0, number.size(), number);
    body[number.size()] = ':';
    return body;
}

// Sends Messages messages to its peer as fast as the write buffer takes
// them, and checks what the other side sends to it.
class Producer : public QObject
{
    Q_OBJECT

public:
    Producer(RpcPeer *peer, bool requests, char tag, char otherTag)
        : m_peer(peer), m_requests(requests), m_tag(tag), m_otherTag(otherTag)
    {
        connect(peer, &RpcPeer::writeBufferDrained, this, &Producer::sendMore);
        connect(peer, &RpcPeer::streamReceived, this,
                [this](const RpcMessage &message) { check(message.body()); });
        connect(peer, &RpcPeer::requestReceived, this, [this](RpcRequest *request) {
            check(request->requestMessage().body());
            if (!request->sendResponse(DataService, QByteArrayLiteral("ok")))
                fail(QStringLiteral("response refused: %1").arg(request->errorString()));
            request->deleteLater();
        });
    }

    void sendMore()
    {
        while (m_sent < Messages) {
            const QByteArray body = bodyFor(m_sent, m_tag);
            if (m_requests) {
                // A request that does not fit finishes later with
                // WriteBufferFull, so a producer of requests looks first.
                if (m_peer->bytesToWrite() + 2 * Chunk > HighWaterMark)
                    return; // writeBufferDrained() calls sendMore() again
                RpcRequest *request = m_peer->sendRequest(DataService, body);
                connect(request, &RpcRequest::finished, this, [this, request] {
                    if (request->error() != RpcError::NoError
                        || request->response().body() != QByteArrayLiteral("ok"))
                        fail(QStringLiteral("request failed: %1").arg(request->errorString()));
                    ++m_answered;
                    request->deleteLater();
                });
            } else if (!m_peer->sendStream(DataService, body)) {
                if (m_peer->error() == RpcError::WriteBufferFull)
                    return;
                fail(QStringLiteral("stream refused: %1").arg(int(m_peer->error())));
                return;
            }
            ++m_sent;
        }
    }

    bool done() const
    {
        return m_received == Messages && m_sent == Messages
                && (!m_requests || m_answered == Messages);
    }
    QString progress() const
    {
        return QStringLiteral("sent %1, answered %2, received %3 of %4; %5")
                .arg(m_sent)
                .arg(m_answered)
                .arg(m_received)
                .arg(Messages)
                .arg(m_failure.isEmpty() ? QStringLiteral("no failure") : m_failure);
    }
    QString failure() const { return m_failure; }

private:
    void check(const QByteArray &body)
    {
        if (body != bodyFor(m_received, m_otherTag))
            fail(QStringLiteral("message %1 arrived wrong").arg(m_received));
        ++m_received;
    }
    void fail(const QString &text)
    {
        if (m_failure.isEmpty())
            m_failure = text;
    }

    QPointer<RpcPeer> m_peer;
    bool m_requests;
    char m_tag;
    char m_otherTag;
    int m_sent = 0;
    int m_answered = 0;
    int m_received = 0;
    QString m_failure;
};

} // namespace

class tst_TwoWayFlow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bothSendMoreThanTheMark_data();
    void bothSendMoreThanTheMark();
};

void tst_TwoWayFlow::bothSendMoreThanTheMark_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<bool>("requests");
    QStringList schemes{QStringLiteral("tcp"), QStringLiteral("unix")};
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    schemes.append(QStringLiteral("seqpacket"));
#endif
    for (const QString &scheme : schemes) {
        const QByteArray name
                = (scheme == QLatin1String("unix") ? QStringLiteral("local") : scheme).toLatin1();
        QTest::newRow((name + "-streams").constData()) << scheme << false;
        QTest::newRow((name + "-requests").constData()) << scheme << true;
    }
}

void tst_TwoWayFlow::bothSendMoreThanTheMark()
{
    QFETCH(QString, scheme);
    QFETCH(bool, requests);

    PeerPair pair;
    pair.config = configFor(scheme);
    QVERIFY(pair.start(scheme));

    Producer client(pair.client.get(), requests, 'c', 's');
    Producer server(pair.serverPeer, requests, 's', 'c');
    client.sendMore();
    server.sendMore();

    QTRY_VERIFY2_WITH_TIMEOUT(client.done() && server.done(),
                              qPrintable(QStringLiteral("client: %1; server: %2")
                                                 .arg(client.progress(), server.progress())),
                              30000);
    QVERIFY2(client.failure().isEmpty(), qPrintable(client.progress()));
    QVERIFY2(server.failure().isEmpty(), qPrintable(server.progress()));
    QCOMPARE(pair.client->state(), RpcPeer::ConnectedState);
    QCOMPARE(pair.serverPeer->state(), RpcPeer::ConnectedState);
}

QTEST_GUILESS_MAIN(tst_TwoWayFlow)
#include "tst_twowayflow.moc"

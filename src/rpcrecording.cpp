// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcrecording_p.h"

#include "rpcpeer.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qdatetime.h>
#include <QtCore/qfile.h>
#include <QtCore/qhash.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qstringconverter.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace Fizyr {
namespace RpcRecording {

namespace {

// The size a recording stops at (FIZYR_RPC_RECORD_MAX_SIZE bytes, default
// 100 MiB): a hook left on for a day does not fill the disk.
constexpr qint64 DefaultMaxSize = 100 * 1024 * 1024;

enum State { Unknown, Off, On };
std::atomic<int> state{Unknown};

struct Recording
{
    std::mutex mutex;
    QFile file;
    qint64 maxSize = DefaultMaxSize;
    qint64 written = 0;
    bool full = false;
    QHash<const RpcPeer *, int> connections;
    int lastConnection = 0;
    qint64 start = 0;
};

Recording &recording()
{
    static Recording instance;
    return instance;
}

qint64 nowMicroseconds()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
}

void initialize()
{
    static std::once_flag once;
    std::call_once(once, [] {
        QString path = qEnvironmentVariable("FIZYR_RPC_RECORD");
        if (path.isEmpty()) {
            state = Off;
            return;
        }
        path.replace(QLatin1String("%p"), QString::number(QCoreApplication::applicationPid()));
        Recording &r = recording();
        bool ok = false;
        const qint64 max = qEnvironmentVariable("FIZYR_RPC_RECORD_MAX_SIZE").toLongLong(&ok);
        if (ok && max > 0)
            r.maxSize = max;
        r.file.setFileName(path);
        if (!r.file.open(QIODevice::WriteOnly | QIODevice::Append)) {
            qWarning("fizyr-rpc: FIZYR_RPC_RECORD: cannot write \"%s\": %s", qPrintable(path),
                     qPrintable(r.file.errorString()));
            state = Off;
            return;
        }
        r.start = nowMicroseconds();
        state = On;
    });
}

} // namespace

bool isEnabled()
{
    int s = state.load(std::memory_order_relaxed);
    if (s == Unknown) {
        initialize();
        s = state.load();
    }
    return s == On;
}

void record(const RpcPeer *peer, Direction direction, const RpcMessage &message)
{
    if (!isEnabled())
        return;
    Recording &r = recording();
    const qint64 time = nowMicroseconds();
    std::lock_guard lock(r.mutex);
    if (r.full)
        return;
    int &connection = r.connections[peer];
    if (connection == 0)
        connection = ++r.lastConnection;
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(time / 1000, Qt::UTC);
    const QString stamp = when.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"))
            + QStringLiteral("%1Z").arg(time % 1000, 3, 10, QLatin1Char('0'));
    QJsonObject line{{QStringLiteral("time"), stamp},
                     {QStringLiteral("elapsed"), double(time - r.start) / 1e6},
                     {QStringLiteral("connection"), connection},
                     {QStringLiteral("peer"), peer->peerAddress().toString()},
                     {QStringLiteral("direction"),
                      direction == Sent ? QStringLiteral("sent") : QStringLiteral("received")},
                     {QStringLiteral("type"), RpcMessage::typeName(message.type())},
                     {QStringLiteral("request_id"), qint64(message.requestId())},
                     {QStringLiteral("service_id"), message.serviceId()},
                     {QStringLiteral("fds"), int(message.fileDescriptors().size())}};
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder(message.body());
    if (!decoder.hasError())
        line.insert(QStringLiteral("body"), text);
    else
        line.insert(QStringLiteral("body_base64"), QString::fromLatin1(message.body().toBase64()));
    QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    if (r.written + bytes.size() > r.maxSize) {
        r.full = true;
        bytes = QByteArrayLiteral("{\"event\":\"size limit reached\"}\n");
    }
    r.file.write(bytes);
    r.file.flush();
    r.written += bytes.size();
}

} // namespace RpcRecording
} // namespace Fizyr

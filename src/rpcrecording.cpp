// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcrecording_p.h"

#include "rpcaddress.h"
#include "rpcpeer.h"
#include "rpcpeer_p.h"

#include <QtCore/qbytearray.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qfile.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qhash.h>
#include <QtCore/qjsondocument.h>
#include <QtCore/qjsonobject.h>
#include <QtCore/qlocale.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

namespace Fizyr {
namespace RpcRecording {

std::atomic<int> state{Unknown};

namespace {

// The defaults of the limits (doc/tool/record.md): a hook left on for a day
// keeps at most MaxFiles files of MaxSize bytes.
constexpr qint64 DefaultMaxSize = 100 * 1024 * 1024; // FIZYR_RPC_RECORD_MAX_SIZE
constexpr qint64 DefaultMaxMessages = 0; // FIZYR_RPC_RECORD_MAX_MESSAGES, 0: no limit
constexpr int DefaultMaxFiles = 5; // FIZYR_RPC_RECORD_MAX_FILES
constexpr qint64 DefaultBuffer = 8 * 1024 * 1024; // FIZYR_RPC_RECORD_BUFFER
// The writer gathers messages for this long before it writes and flushes
// them (sooner when half the buffer is used).
constexpr std::chrono::milliseconds FlushInterval{200};

qint64 nowMicroseconds()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
}

qint64 environmentNumber(const char *name, qint64 fallback)
{
    bool ok = false;
    const qint64 value = qEnvironmentVariable(name).toLongLong(&ok);
    return ok && value >= 0 ? value : fallback;
}

// Appends utf8 (valid UTF-8) as a JSON string: quote, backslash and C0
// controls escaped as QJsonDocument does, and DEL, the C1 controls and the
// bidi and line-separator characters as \uXXXX (as the tool's recordings).
// Byte by byte: a line costs a few thousand instructions, not the tens of
// thousands of QJsonObject and QJsonDocument.
void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    const auto escape = [&out](uint code) {
        char u[6] = {'\\',
                     'u',
                     hex[(code >> 12) & 15],
                     hex[(code >> 8) & 15],
                     hex[(code >> 4) & 15],
                     hex[code & 15]};
        out.append(u, 6);
    };
    out.append('"');
    const qsizetype n = utf8.size();
    const auto *p = reinterpret_cast<const uchar *>(utf8.data());
    qsizetype plain = 0; // start of the bytes not copied yet
    for (qsizetype i = 0; i < n; ++i) {
        const uchar c = p[i];
        uint code = 0;
        int length = 1;
        if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
            code = c;
        } else if (c == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
            code = p[i + 1];
            length = 2;
        } else if (c == 0xd8 && i + 1 < n && p[i + 1] == 0x9c) {
            code = 0x061c;
            length = 2;
        } else if (c == 0xe2 && i + 2 < n && p[i + 1] == 0x80
                   && (p[i + 2] == 0x8e || p[i + 2] == 0x8f
                       || (p[i + 2] >= 0xa8 && p[i + 2] <= 0xae))) {
            code = 0x2000 + (p[i + 2] - 0x80);
            length = 3;
        } else if (c == 0xe2 && i + 2 < n && p[i + 1] == 0x81 && p[i + 2] >= 0xa6
                   && p[i + 2] <= 0xa9) {
            code = 0x2040 + (p[i + 2] - 0x80);
            length = 3;
        } else {
            continue;
        }
        out.append(utf8.data() + plain, i - plain);
        switch (code) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\b':
            out.append("\\b", 2);
            break;
        case '\f':
            out.append("\\f", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        default:
            escape(code);
        }
        i += length - 1;
        plain = i + 1;
    }
    out.append(utf8.data() + plain, n - plain);
    out.append('"');
}

// What a peer's thread queues: the encoding happens on the writer thread.
struct Item
{
    qint64 time;
    int connection;
    bool client; // the recording process connected (connectToServer())
    Direction direction;
    RpcAddress peer;
    RpcMessage message; // without its descriptors
    int fds;
};

class Recording
{
public:
    ~Recording() { stop(); }

    bool start();
    void push(const RpcPeer *peer, Direction direction, const RpcMessage &message);
    void stop();

private:
    void run();
    void write(const Item &item);
    void writeLine(const QByteArray &line, bool isMessage);
    void rotate();
    bool openFile(QIODevice::OpenMode mode);
    QString rotatedName(int index) const;

    // settings, fixed after start()
    QString path;
    qint64 maxSize = DefaultMaxSize;
    qint64 maxMessages = DefaultMaxMessages;
    int maxFiles = DefaultMaxFiles;
    qint64 bufferSize = DefaultBuffer;

    // shared, under mutex
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<Item> queue;
    qint64 queued = 0; // bytes, estimated
    bool stopping = false;
    quint64 droppedSinceReport = 0;
    quint64 dropped = 0;
    struct Connection
    {
        int number = 0;
        bool client = false;
    };
    QHash<const RpcPeer *, Connection> connections;
    int lastConnection = 0;
    std::thread thread;

    // writer thread only (and stop(), after the join)
    QFile file;
    qint64 fileSize = 0;
    qint64 fileMessages = 0;
    qint64 start_ = 0;
    QString writeError;
};

Recording &recording()
{
    static Recording instance;
    return instance;
}

QString Recording::rotatedName(int index) const
{
    if (index == 0)
        return path;
    // app-123.jsonl -> app-123.1.jsonl
    const QString suffix = QFileInfo(path).suffix();
    if (suffix.isEmpty())
        return path + QLatin1Char('.') + QString::number(index);
    return path.left(path.size() - suffix.size()) + QString::number(index) + QLatin1Char('.')
            + suffix;
}

bool Recording::openFile(QIODevice::OpenMode mode)
{
    file.setFileName(path);
    if (!file.open(QIODevice::WriteOnly | mode))
        return false;
    fileSize = file.size();
    fileMessages = 0;
    return true;
}

bool Recording::start()
{
    path = qEnvironmentVariable("FIZYR_RPC_RECORD");
    if (path.isEmpty())
        return false;
    path.replace(QLatin1String("%p"), QString::number(QCoreApplication::applicationPid()));
    maxSize = environmentNumber("FIZYR_RPC_RECORD_MAX_SIZE", DefaultMaxSize);
    maxMessages = environmentNumber("FIZYR_RPC_RECORD_MAX_MESSAGES", DefaultMaxMessages);
    maxFiles = int(qBound(qint64(1),
                          environmentNumber("FIZYR_RPC_RECORD_MAX_FILES", DefaultMaxFiles),
                          qint64(1000)));
    bufferSize = environmentNumber("FIZYR_RPC_RECORD_BUFFER", DefaultBuffer);
    // The first file is opened here, so that an unwritable one turns the
    // hook off at once, with a warning.
    if (!openFile(QIODevice::Append)) {
        qWarning("fizyr-rpc: FIZYR_RPC_RECORD: cannot write \"%s\": %s", qPrintable(path),
                 qPrintable(file.errorString()));
        return false;
    }
    start_ = nowMicroseconds();
    thread = std::thread([this] { run(); });
    return true;
}

void Recording::push(const RpcPeer *peer, Direction direction, const RpcMessage &message)
{
    Item item{nowMicroseconds(),
              0,
              false,
              direction,
              peer->peerAddress(),
              RpcMessage(message.type(), message.requestId(), message.serviceId(), message.body()),
              int(message.fileDescriptors().size())};
    // The body is shared with the message, not copied: what the queue holds
    // is about the body and the line around it.
    const qint64 estimate = 256 + message.body().size();
    bool notify = false;
    {
        std::lock_guard lock(mutex);
        if (stopping)
            return;
        if (queued + estimate > bufferSize && !queue.empty()) {
            ++dropped;
            ++droppedSinceReport;
            return;
        }
        Connection &connection = connections[peer];
        if (connection.number == 0) {
            connection.number = ++lastConnection;
            // A peer that called connectToServer() is the client of its
            // connection; one accepted by a server (or given a device), the
            // server.
            connection.client
                    = RpcPeerPrivate::get(const_cast<RpcPeer *>(peer))->connectAttempt > 0;
        }
        item.connection = connection.number;
        item.client = connection.client;
        // Wake the writer when its wait starts (an empty queue) and when
        // half the buffer is used; otherwise it wakes on its own after
        // FlushInterval.
        notify = queue.empty() || (queued < bufferSize / 2 && queued + estimate >= bufferSize / 2);
        queued += estimate;
        queue.push_back(std::move(item));
    }
    if (notify)
        wake.notify_one();
}

void Recording::run()
{
    std::vector<Item> batch;
    std::unique_lock lock(mutex);
    for (;;) {
        wake.wait(lock, [this] { return stopping || !queue.empty(); });
        // Gather for a while: one write and one flush for many messages.
        wake.wait_for(lock, FlushInterval, [this] { return stopping || queued >= bufferSize / 2; });
        batch.swap(queue);
        queued = 0;
        const quint64 lost = droppedSinceReport;
        droppedSinceReport = 0;
        const bool last = stopping;
        lock.unlock();
        for (const Item &item : batch)
            write(item);
        batch.clear();
        if (lost > 0) {
            writeLine(
                    QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("dropped")},
                                              {QStringLiteral("messages"), qint64(lost)}})
                                    .toJson(QJsonDocument::Compact)
                            + '\n',
                    false);
        }
        file.flush();
        lock.lock();
        if (last && queue.empty())
            break;
    }
}

void Recording::write(const Item &item)
{
    const RpcMessage &message = item.message;
    const QByteArray &body = message.body();
    // UTC with microseconds; gmtime_r rather than QDateTime, which costs
    // tens of thousands of instructions per line.
    const time_t seconds = time_t(item.time / 1000000);
    struct tm utc = {};
    gmtime_r(&seconds, &utc);
    char stamp[64];
    const int stampLength
            = std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                            utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                            utc.tm_min, utc.tm_sec, static_cast<long long>(item.time % 1000000));
    // The keys in sorted order, as QJsonObject would write them.
    QByteArray line;
    line.reserve(256 + body.size() + body.size() / 2);
    if (body.isValidUtf8()) {
        line.append("{\"body\":");
        appendJsonString(line, body);
    } else {
        line.append("{\"body_base64\":\"");
        line.append(body.toBase64());
        line.append('"');
    }
    line.append(",\"connection\":");
    line.append(QByteArray::number(item.connection));
    line.append(item.direction == Sent ? ",\"direction\":\"sent\"" : ",\"direction\":\"received\"");
    line.append(",\"elapsed\":");
    line.append(QByteArray::number(double(item.time - start_) / 1e6, 'g',
                                   QLocale::FloatingPointShortest));
    line.append(",\"fds\":");
    line.append(QByteArray::number(item.fds));
    line.append(",\"peer\":");
    appendJsonString(line, item.peer.toString().toUtf8());
    line.append(",\"request_id\":");
    line.append(QByteArray::number(message.requestId()));
    line.append(item.client ? ",\"role\":\"client\"" : ",\"role\":\"server\"");
    line.append(",\"service_id\":");
    line.append(QByteArray::number(message.serviceId()));
    line.append(",\"time\":\"");
    line.append(stamp, stampLength);
    line.append("\",\"type\":\"");
    line.append(RpcMessage::typeName(message.type()).toLatin1());
    line.append("\"}\n");
    writeLine(line, true);
}

void Recording::writeLine(const QByteArray &line, bool isMessage)
{
    // A file holds one line at least, whatever its size.
    if (fileSize > 0
        && ((maxSize > 0 && fileSize + line.size() > maxSize)
            || (isMessage && maxMessages > 0 && fileMessages >= maxMessages))) {
        rotate();
    }
    if (!file.isOpen())
        return;
    if (file.write(line) != line.size() && writeError.isEmpty())
        writeError = file.errorString();
    fileSize += line.size();
    if (isMessage)
        ++fileMessages;
}

void Recording::rotate()
{
    file.close();
    QFile::remove(rotatedName(maxFiles - 1));
    for (int i = maxFiles - 2; i >= 0; --i)
        QFile::rename(rotatedName(i), rotatedName(i + 1));
    if (!openFile(QIODevice::Truncate) && writeError.isEmpty())
        writeError = file.errorString();
}

void Recording::stop()
{
    {
        std::lock_guard lock(mutex);
        if (!thread.joinable())
            return;
        stopping = true;
    }
    wake.notify_one();
    thread.join();
    file.close();
    // At exit: Qt's message handler may be gone already.
    if (dropped > 0) {
        std::fprintf(stderr,
                     "fizyr-rpc: FIZYR_RPC_RECORD: %llu messages dropped: the recording of "
                     "\"%s\" did not keep up\n",
                     static_cast<unsigned long long>(dropped), qPrintable(path));
    }
    if (!writeError.isEmpty()) {
        std::fprintf(stderr, "fizyr-rpc: FIZYR_RPC_RECORD: write error on \"%s\": %s\n",
                     qPrintable(path), qPrintable(writeError));
    }
}

void initialize()
{
    static std::once_flag once;
    std::call_once(once, [] { state = recording().start() ? On : Off; });
}

} // namespace

void recordSlow(const RpcPeer *peer, Direction direction, const RpcMessage &message)
{
    if (state.load(std::memory_order_acquire) == Unknown)
        initialize();
    if (state.load(std::memory_order_acquire) != On)
        return;
    recording().push(peer, direction, message);
}

} // namespace RpcRecording
} // namespace Fizyr

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "recorder.h"
#include "recorder_p.h"

#include "interfaceoptions.h"
#include "output.h"

#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSysInfo>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

using namespace Fizyr;

namespace Tool {

namespace {

qint64 nowMicroseconds()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
}

// A host on the wire: IPv4-mapped IPv6 as IPv4, anything else that is not
// an address (a name, "any") as the loopback of the other end's family.
QHostAddress wireHost(const QHostAddress &host, const QHostAddress &other)
{
    bool ok = false;
    const quint32 v4 = host.toIPv4Address(&ok);
    if (ok)
        return QHostAddress(v4);
    if (!host.isNull() && host != QHostAddress::AnyIPv6 && host != QHostAddress::Any)
        return host;
    return other.protocol() == QAbstractSocket::IPv6Protocol
            ? QHostAddress(QHostAddress::LocalHostIPv6)
            : QHostAddress(QHostAddress::LocalHost);
}

} // namespace

QString transportName(RpcAddress::Transport transport)
{
    switch (transport) {
    case RpcAddress::Tcp:
        return QStringLiteral("tcp");
    case RpcAddress::UnixStream:
        return QStringLiteral("unix");
    case RpcAddress::UnixSeqpacket:
        return QStringLiteral("seqpacket");
    default:
        return QStringLiteral("invalid");
    }
}

QString directionName(RecordDirection direction)
{
    return direction == RecordDirection::ToServer ? QStringLiteral("client->server")
                                                  : QStringLiteral("server->client");
}

RecordedConnection describeConnection(int number, const RpcAddress &listenAddress,
                                      const RpcAddress &peerAddress, const RpcConfig &config)
{
    RecordedConnection c;
    c.number = number;
    c.transport = listenAddress.transport();
    switch (config.byteOrder()) {
    case RpcConfig::BigEndian:
        c.bigEndian = true;
        break;
    case RpcConfig::LittleEndian:
        c.bigEndian = false;
        break;
    case RpcConfig::NativeEndian:
        c.bigEndian = QSysInfo::ByteOrder == QSysInfo::BigEndian;
        break;
    }
    c.description = listenAddress.toString();
    if (c.transport == RpcAddress::Tcp) {
        const QHostAddress client(peerAddress.host());
        const QHostAddress server(listenAddress.host());
        c.clientHost = wireHost(client, server);
        c.serverHost = wireHost(server, c.clientHost);
        if (c.clientHost.protocol() != c.serverHost.protocol())
            c.serverHost = wireHost(QHostAddress(), c.clientHost);
        c.clientPort = peerAddress.port();
        c.serverPort = listenAddress.port();
        c.description += QStringLiteral(" from ") + peerAddress.toString();
    }
    return c;
}

// ---- the writer thread and its bounded queue

constexpr std::chrono::milliseconds GatherTime{50};

class RecorderPrivate
{
public:
    QString path;
    Recorder::Format format;
    RecorderLimits limits;
    std::unique_ptr<Encoder> encoder; // used by the writer thread only
    const InterfaceOptions *interface = nullptr; // JSON Lines: decode on the event loop
    QByteArray header;

    std::mutex mutex;
    std::condition_variable wake;
    // What the event loop queues; the writer thread encodes it.
    struct Item
    {
        enum Kind { Opened, Closed, Message } kind;
        qint64 time;
        int connection;
        RecordedConnection opened = {}; // Opened
        RecordDirection direction = RecordDirection::ToServer; // Message
        RpcMessage message = {}; // Message, without descriptors
        int fds = 0;
        std::optional<DecodedBody> decoded = {};
        qint64 estimate = 0; // bytes it takes, roughly, for --record-buffer

        bool isMessage() const { return kind == Message; }
    };
    std::deque<Item> queue;
    qint64 queued = 0; // bytes in queue
    bool stopping = false;
    std::atomic<quint64> dropped{0};
    std::thread thread;

    // writer thread only (read after join)
    QFile file;
    qint64 fileSize = 0;
    qint64 fileMessages = 0;
    quint64 written = 0;
    int files = 0;
    QString writeError;

    QString rotatedName(int index) const
    {
        if (index == 0)
            return path;
        const QFileInfo info(path);
        const QString suffix = info.completeSuffix();
        QString base = path.left(path.size() - suffix.size());
        return base + QString::number(index) + QLatin1Char('.') + suffix;
    }

    bool openFile(QString *errorText)
    {
        file.setFileName(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            *errorText = QStringLiteral("cannot write the recording \"%1\": %2")
                                 .arg(path, file.errorString());
            return false;
        }
        file.write(header);
        fileSize = header.size();
        fileMessages = 0;
        ++files;
        return true;
    }

    void rotate()
    {
        file.close();
        const int keep = qMax(1, limits.maxFiles);
        QFile::remove(rotatedName(keep - 1));
        for (int i = keep - 2; i >= 0; --i)
            QFile::rename(rotatedName(i), rotatedName(i + 1));
        QString error;
        if (!openFile(&error) && writeError.isEmpty())
            writeError = error;
    }

    void write(const Item &item)
    {
        QByteArray bytes;
        switch (item.kind) {
        case Item::Opened:
            bytes = encoder->opened(item.time, item.opened);
            break;
        case Item::Closed:
            bytes = encoder->closed(item.time, item.connection);
            break;
        case Item::Message:
            bytes = encoder->message(item.time, item.connection, item.direction, item.message,
                                     item.fds, item.decoded ? &*item.decoded : nullptr);
            break;
        }
        if (bytes.isEmpty())
            return;
        // A file holds one item at least, whatever its size.
        if (fileSize > header.size()
            && ((limits.maxSize > 0 && fileSize + bytes.size() > limits.maxSize)
                || (item.isMessage() && limits.maxMessages > 0
                    && fileMessages >= limits.maxMessages))) {
            rotate();
        }
        if (!file.isOpen())
            return;
        if (file.write(bytes) != bytes.size() && writeError.isEmpty())
            writeError = file.errorString();
        fileSize += bytes.size();
        if (item.isMessage()) {
            ++fileMessages;
            ++written;
        }
    }

    void run()
    {
        std::unique_lock lock(mutex);
        for (;;) {
            wake.wait(lock, [this] { return stopping || !queue.empty(); });
            if (queue.empty() && stopping)
                break;
            // Gather for a moment: one wake-up, write and flush for many
            // messages rather than one each (sooner when a quarter of the
            // buffer is used).
            wake.wait_for(lock, GatherTime,
                          [this] { return stopping || queued >= limits.bufferSize / 4; });
            std::deque<Item> batch;
            batch.swap(queue);
            queued = 0;
            lock.unlock();
            for (const Item &item : batch)
                write(item);
            file.flush();
            lock.lock();
        }
        file.close();
    }

    void push(Item item)
    {
        bool notify = false;
        {
            std::lock_guard lock(mutex);
            if (stopping)
                return;
            // Connection events are small and keep the file coherent: they
            // go in even over the limit.
            if (item.isMessage() && queued + item.estimate > limits.bufferSize) {
                ++dropped;
                return;
            }
            // The writer waits for an empty queue to fill, then for a
            // quarter of the buffer or GatherTime: it needs no other wake-up.
            const qint64 quarter = limits.bufferSize / 4;
            notify = queue.empty() || (queued < quarter && queued + item.estimate >= quarter);
            queued += item.estimate;
            queue.push_back(std::move(item));
        }
        if (notify)
            wake.notify_one();
    }
};

Recorder::Recorder(const QString &path, Format format, const RecorderLimits &limits,
                   const InterfaceOptions *interface)
    : d(new RecorderPrivate)
{
    d->path = path;
    d->format = format;
    d->limits = limits;
    if (format == Pcapng) {
        d->encoder = createPcapngEncoder();
    } else {
        d->encoder = createJsonLinesEncoder();
        d->interface = interface && interface->isActive() ? interface : nullptr;
    }
    d->header = d->encoder->fileHeader();
}

Recorder::~Recorder()
{
    finish();
}

bool Recorder::start(QString *errorText)
{
    if (!d->openFile(errorText))
        return false;
    d->thread = std::thread([this] { d->run(); });
    return true;
}

void Recorder::connectionOpened(const RecordedConnection &connection)
{
    RecorderPrivate::Item item{RecorderPrivate::Item::Opened, nowMicroseconds(), connection.number};
    item.opened = connection;
    item.estimate = 256;
    d->push(std::move(item));
}

void Recorder::connectionClosed(int connection)
{
    RecorderPrivate::Item item{RecorderPrivate::Item::Closed, nowMicroseconds(), connection};
    item.estimate = 256;
    d->push(std::move(item));
}

void Recorder::message(int connection, RecordDirection direction, const RpcMessage &message,
                       qint32 requestServiceId)
{
    RecorderPrivate::Item item{RecorderPrivate::Item::Message, nowMicroseconds(), connection};
    item.direction = direction;
    // Not the descriptors: they are closed when the traffic is done with
    // them, not when the writer is.
    item.message
            = RpcMessage(message.type(), message.requestId(), message.serviceId(), message.body());
    item.fds = int(message.fileDescriptors().size());
    if (d->interface)
        item.decoded = d->interface->decode(message, requestServiceId);
    // pcapng: block, IP and TCP headers; JSON Lines: base64 at worst
    item.estimate = 160 + message.body().size() * (d->format == JsonLines ? 2 : 1);
    d->push(std::move(item));
}

quint64 Recorder::dropped() const
{
    return d->dropped;
}

QString Recorder::finish()
{
    if (!d->thread.joinable())
        return {};
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
    }
    d->wake.notify_one();
    d->thread.join();
    QString text = QStringLiteral("recorded %1 messages to %2").arg(d->written).arg(d->path);
    if (d->files > 1)
        text += QStringLiteral(" (%1 files, rotated)").arg(d->files);
    if (d->dropped > 0) {
        text += QStringLiteral("; %1 messages dropped: the recording did not keep up")
                        .arg(quint64(d->dropped));
    }
    if (!d->writeError.isEmpty())
        text += QStringLiteral("; write error: ") + d->writeError;
    return text;
}

void reportRecording(const CommandLine &commandLine, Recorder &recorder)
{
    const QString summary = recorder.finish();
    if (recorder.dropped() > 0)
        printWarning(commandLine.command(), summary);
    else
        printError(commandLine.command(), summary);
}

namespace {

std::optional<qint64> parseSize(const QString &text)
{
    static const QList<std::pair<QString, qint64>> units{{QStringLiteral("K"), 1024},
                                                         {QStringLiteral("M"), 1024 * 1024},
                                                         {QStringLiteral("G"), 1024 * 1024 * 1024}};
    QString number = text.trimmed();
    qint64 factor = 1;
    for (const auto &[unit, value] : units) {
        if (number.endsWith(unit, Qt::CaseInsensitive)) {
            number.chop(1);
            factor = value;
            break;
        }
    }
    bool ok = false;
    const qint64 value = number.toLongLong(&ok);
    if (!ok || value < 0)
        return std::nullopt;
    return value * factor;
}

} // namespace

void Recorder::addOptions(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(
            QStringLiteral("record"),
            QStringLiteral("Record every message both ways to FILE: pcapng (Wireshark, "
                           "tshark; see tools/wireshark/fizyr-rpc.lua) if the name ends in "
                           ".pcapng, JSON Lines if it ends in .jsonl."),
            QStringLiteral("FILE")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("record-max-size"),
            QStringLiteral("Start a new recording file when the current one would grow past "
                           "SIZE bytes (suffix K, M or G allowed; 0: no limit)."),
            QStringLiteral("SIZE"), QStringLiteral("0")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("record-max-messages"),
            QStringLiteral("Start a new recording file after N messages (0: no limit)."),
            QStringLiteral("N"), QStringLiteral("0")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("record-max-files"),
            QStringLiteral("When rotating, keep N files: FILE is the newest, then "
                           "NAME.1.EXT, NAME.2.EXT, ...; older ones are deleted."),
            QStringLiteral("N"), QStringLiteral("10")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("record-buffer"),
            QStringLiteral("Queue at most SIZE bytes for the file writer; messages beyond it "
                           "are dropped and counted (reported at exit)."),
            QStringLiteral("SIZE"), QStringLiteral("16M")));
}

std::unique_ptr<Recorder> Recorder::fromOptions(CommandLine &commandLine,
                                                const InterfaceOptions *interface, bool *ok,
                                                int *exitCode)
{
    *ok = true;
    QCommandLineParser &parser = commandLine.parser();
    if (!parser.isSet(QStringLiteral("record"))) {
        for (const char *name :
             {"record-max-size", "record-max-messages", "record-max-files", "record-buffer"}) {
            if (parser.isSet(QLatin1String(name))) {
                *ok = false;
                *exitCode = commandLine.usageError(
                        QStringLiteral("--%1 needs --record").arg(QLatin1String(name)));
                return nullptr;
            }
        }
        return nullptr;
    }
    const QString path = parser.value(QStringLiteral("record"));
    Format format;
    if (path.endsWith(QStringLiteral(".pcapng"))) {
        format = Pcapng;
    } else if (path.endsWith(QStringLiteral(".jsonl"))) {
        format = JsonLines;
    } else {
        *ok = false;
        *exitCode = commandLine.usageError(
                QStringLiteral("--record \"%1\": the name must end in .pcapng or .jsonl")
                        .arg(path));
        return nullptr;
    }
    RecorderLimits limits;
    for (const auto &[name, target] :
         {std::pair{QStringLiteral("record-max-size"), &limits.maxSize},
          std::pair{QStringLiteral("record-max-messages"), &limits.maxMessages},
          std::pair{QStringLiteral("record-buffer"), &limits.bufferSize}}) {
        const std::optional<qint64> value = parseSize(parser.value(name));
        if (!value) {
            *ok = false;
            *exitCode = commandLine.usageError(
                    QStringLiteral("invalid --%1 \"%2\"").arg(name, parser.value(name)));
            return nullptr;
        }
        *target = *value;
    }
    bool numberOk = false;
    limits.maxFiles = parser.value(QStringLiteral("record-max-files")).toInt(&numberOk);
    if (!numberOk || limits.maxFiles < 1) {
        *ok = false;
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --record-max-files \"%1\": expected 1 or more")
                        .arg(parser.value(QStringLiteral("record-max-files"))));
        return nullptr;
    }
    auto recorder = std::make_unique<Recorder>(path, format, limits, interface);
    QString error;
    if (!recorder->start(&error)) {
        *ok = false;
        *exitCode = commandLine.failure(error);
        return nullptr;
    }
    return recorder;
}

} // namespace Tool

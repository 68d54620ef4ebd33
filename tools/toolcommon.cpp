// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "toolcommon.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QSocketNotifier>
#include <QtCore/QStringDecoder>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <limits>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Fizyr;

namespace Tool {

void writeOut(const QByteArray &bytes)
{
    if (!bytes.isEmpty())
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeLine(const QString &line)
{
    writeOut(line.toUtf8() + '\n');
}

void printError(const QString &command, const QString &text)
{
    const QString prefix = command.isEmpty()
            ? QStringLiteral("fizyr-rpc: ")
            : QStringLiteral("fizyr-rpc ") + command + QStringLiteral(": ");
    const QByteArray line = (prefix + text).toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

// ---------------------------------------------------------------------------

// Qt does not wrap the description: wrap each paragraph at 79 columns.
static QString wrapped(const QString &text)
{
    QStringList lines;
    for (const QString &paragraph : text.split(QLatin1Char('\n'))) {
        QString line;
        for (const QString &word : paragraph.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && line.size() + 1 + word.size() > 79) {
                lines.append(line);
                line.clear();
            }
            line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
        }
        lines.append(line);
    }
    return lines.join(QLatin1Char('\n'));
}

CommandLine::CommandLine(const QString &command, const QString &arguments,
                         const QString &description)
    : m_command(command), m_arguments(arguments),
      m_help(QStringList{QStringLiteral("h"), QStringLiteral("help")},
             QStringLiteral("Show this help and exit."))
{
    m_parser.setApplicationDescription(wrapped(description));
    m_parser.addOption(m_help);
}

std::optional<int> CommandLine::parse(const QStringList &args, int minPositional, int maxPositional)
{
    QStringList full{QStringLiteral("fizyr-rpc ") + m_command};
    full += args;
    if (!m_parser.parse(full)) {
        QString text = m_parser.errorText();
        // "-5" looks like an option; say how to pass a negative number.
        for (const QString &arg : args) {
            bool number = false;
            if (arg.startsWith(QLatin1Char('-')))
                arg.mid(1).toLongLong(&number);
            if (number) {
                text += QStringLiteral(" (negative numbers go after \"--\": ... -- %1 ...)")
                                .arg(arg);
                break;
            }
        }
        return usageError(text);
    }
    if (m_parser.isSet(m_help)) {
        writeOut(helpText().toUtf8());
        return ExitSuccess;
    }
    const QStringList positional = m_parser.positionalArguments();
    if (positional.size() < minPositional)
        return usageError(QStringLiteral("missing arguments; usage: fizyr-rpc %1 [options] %2")
                                  .arg(m_command, m_arguments));
    if (maxPositional >= 0 && positional.size() > maxPositional)
        return usageError(
                QStringLiteral("unexpected argument \"%1\"").arg(positional.at(maxPositional)));
    return std::nullopt;
}

int CommandLine::usageError(const QString &text) const
{
    printError(m_command, text + QStringLiteral(" (see fizyr-rpc %1 --help)").arg(m_command));
    return ExitFailure;
}

int CommandLine::failure(const QString &text) const
{
    printError(m_command, text);
    return ExitFailure;
}

QString CommandLine::helpText() const
{
    // Qt's first line names argv[0]; name the subcommand instead.
    QString text = m_parser.helpText();
    const qsizetype newline = text.indexOf(QLatin1Char('\n'));
    const QString usage
            = QStringLiteral("Usage: fizyr-rpc %1 [options] %2").arg(m_command, m_arguments);
    if (newline < 0)
        return usage + QLatin1Char('\n');
    return usage + text.mid(newline);
}

// ---------------------------------------------------------------------------

RpcAddress parseAddress(const QString &text, QString *errorText)
{
    QString reason;
    const RpcAddress address = RpcAddress::fromString(text, &reason);
    if (!address.isValid()) {
        *errorText = reason.isEmpty() ? QStringLiteral("invalid address \"%1\"").arg(text) : reason;
    }
    return address;
}

std::optional<qint32> parseServiceId(const QString &text, QString *errorText)
{
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok, 10);
    if (!ok || value < std::numeric_limits<qint32>::min()
        || value > std::numeric_limits<qint32>::max()) {
        *errorText = QStringLiteral("invalid service id \"%1\": expected an integer from "
                                    "-2147483648 to 2147483647")
                             .arg(text);
        return std::nullopt;
    }
    return qint32(value);
}

std::optional<QByteArray> readFile(const QString &path, QString *errorText)
{
    QFile file;
    bool opened;
    if (path == QLatin1String("-"))
        opened = file.open(stdin, QIODevice::ReadOnly);
    else {
        file.setFileName(path);
        opened = file.open(QIODevice::ReadOnly);
    }
    if (!opened) {
        *errorText = QStringLiteral("cannot read \"%1\": %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QByteArray content = file.readAll();
    if (file.error() != QFileDevice::NoError) {
        *errorText = QStringLiteral("cannot read \"%1\": %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return content;
}

std::optional<RpcFileDescriptor> openFileDescriptor(const QString &path, QString *errorText)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *errorText = QStringLiteral("cannot open \"%1\": %2")
                             .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return std::nullopt;
    }
    return RpcFileDescriptor::fromOwned(fd);
}

void addTimeoutOption(QCommandLineParser &parser, const QString &description)
{
    parser.addOption(QCommandLineOption(QStringList{QStringLiteral("t"), QStringLiteral("timeout")},
                                        description, QStringLiteral("SECONDS"),
                                        QStringLiteral("30")));
}

std::optional<int> timeoutFromOptions(CommandLine &commandLine, int *exitCode)
{
    const QString text = commandLine.parser().value(QStringLiteral("timeout"));
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || seconds < 0 || seconds > 24 * 3600 * 24) {
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --timeout \"%1\": expected seconds (0: no limit)")
                        .arg(text));
        return std::nullopt;
    }
    if (seconds == 0)
        return -1;
    return qMax(1, int(seconds * 1000));
}

QString connectErrorText(const RpcPeer &peer, const QString &address)
{
    if (peer.error() == RpcError::NoError || peer.error() == RpcError::RemoteClosed) {
        // Connected, then closed by the other side before it could be used.
        return QStringLiteral("cannot connect to %1: the connection was closed right away")
                .arg(address);
    }
    // Some transports already say "cannot connect to PATH: reason".
    QString reason = peer.errorString();
    const QLatin1String prefix("cannot connect to ");
    const qsizetype colon = reason.indexOf(QLatin1String(": "));
    if (reason.startsWith(prefix) && colon > 0)
        reason = reason.mid(colon + 2);
    return QStringLiteral("cannot connect to %1: %2").arg(address, reason);
}

QString listenErrorText(const RpcServer &server, const RpcAddress &address)
{
    QString reason = server.errorString();
    // QLocalServer says "QLocalServer::listen: Name error"; the seqpacket
    // listener repeats "cannot listen on PATH: ".
    for (const QLatin1String prefix :
         {QLatin1String("QLocalServer::listen: "), QLatin1String("cannot listen on ")}) {
        if (!reason.startsWith(prefix))
            continue;
        reason = reason.mid(prefix.size());
        if (prefix == QLatin1String("cannot listen on ")) {
            const qsizetype colon = reason.indexOf(QLatin1String(": "));
            reason = colon >= 0 ? reason.mid(colon + 2) : reason;
        }
    }
    if (address.transport() == RpcAddress::UnixStream
        || address.transport() == RpcAddress::UnixSeqpacket) {
        // Qt's "Name error" covers a missing directory and a path too long
        // for a socket address: say which.
        QString path = address.path();
        if (address.transport() == RpcAddress::UnixStream && !path.startsWith(QLatin1Char('/')))
            path = QDir::tempPath() + QLatin1Char('/') + path;
        const QString directory = QFileInfo(path).absolutePath();
        if (!QFileInfo(directory).isDir())
            return QStringLiteral("no such directory %1").arg(directory);
        if (QFile::encodeName(path).size() >= qsizetype(sizeof(sockaddr_un::sun_path)))
            return QStringLiteral("socket path too long (at most %1 bytes): %2")
                    .arg(sizeof(sockaddr_un::sun_path) - 1)
                    .arg(path);
    }
    return reason;
}

bool connectPeer(RpcPeer &peer, const QString &address, int msecs, QString *errorText)
{
    peer.connectToServer(address);
    if (peer.waitForConnected(msecs))
        return true;
    if (peer.state() == RpcPeer::ConnectingState) {
        peer.abort();
        *errorText = QStringLiteral("cannot connect to %1: timed out").arg(address);
    } else {
        *errorText = connectErrorText(peer, address);
    }
    return false;
}

int remainingMsecs(const QDeadlineTimer &deadline)
{
    if (deadline.isForever())
        return -1;
    return int(qMax<qint64>(1, deadline.remainingTime()));
}

// ---------------------------------------------------------------------------

// Shared by call and stream: the body from BODY (third positional argument),
// "-" (stdin) or --file. Returns nothing after an error (exitCode set).
std::optional<QByteArray> bodyFromArguments(CommandLine &commandLine, int *exitCode)
{
    const QCommandLineParser &parser = commandLine.parser();
    const QStringList positional = parser.positionalArguments();
    const bool hasFile = parser.isSet(QStringLiteral("file"));
    if (hasFile && positional.size() > 2) {
        *exitCode = commandLine.usageError(QStringLiteral("give the body either as BODY or "
                                                          "with --file, not both"));
        return std::nullopt;
    }
    QString path;
    if (hasFile)
        path = parser.value(QStringLiteral("file"));
    else if (positional.size() > 2 && positional.at(2) == QLatin1String("-"))
        path = QStringLiteral("-");
    else
        return positional.size() > 2 ? positional.at(2).toUtf8() : QByteArray();
    QString error;
    std::optional<QByteArray> body = readFile(path, &error);
    if (!body)
        *exitCode = commandLine.failure(error);
    return body;
}

// Shared by call and stream: the files of --fd, which needs a seqpacket address.
std::optional<QList<RpcFileDescriptor>> fdsFromArguments(CommandLine &commandLine,
                                                         const RpcAddress &address, int *exitCode)
{
    const QStringList paths = commandLine.parser().values(QStringLiteral("fd"));
    if (paths.isEmpty())
        return QList<RpcFileDescriptor>();
    if (address.transport() != RpcAddress::UnixSeqpacket) {
        *exitCode = commandLine.usageError(
                QStringLiteral("--fd needs a seqpacket: address (only Unix seqpacket sockets "
                               "carry file descriptors)"));
        return std::nullopt;
    }
    QList<RpcFileDescriptor> fds;
    for (const QString &path : paths) {
        QString error;
        const std::optional<RpcFileDescriptor> fd = openFileDescriptor(path, &error);
        if (!fd) {
            *exitCode = commandLine.failure(error);
            return std::nullopt;
        }
        fds.append(*fd);
    }
    return fds;
}

void addBodyOptions(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(
            QStringList{QStringLiteral("f"), QStringLiteral("file")},
            QStringLiteral("Read the body from FILE (\"-\": stdin) instead of BODY."),
            QStringLiteral("FILE")));
    parser.addOption(QCommandLineOption(
            QStringLiteral("fd"),
            QStringLiteral("Open FILE read-only and attach its descriptor (seqpacket only; "
                           "repeatable)."),
            QStringLiteral("FILE")));
}

// ---------------------------------------------------------------------------

Printer::Printer(Format format, int preview) : m_format(format), m_preview(preview) { }

QString Printer::typeName(RpcMessage::Type type)
{
    switch (type) {
    case RpcMessage::Request:
        return QStringLiteral("request");
    case RpcMessage::Response:
        return QStringLiteral("response");
    case RpcMessage::RequesterUpdate:
        return QStringLiteral("requester-update");
    case RpcMessage::ResponderUpdate:
        return QStringLiteral("responder-update");
    case RpcMessage::Stream:
        return QStringLiteral("stream");
    }
    return QStringLiteral("unknown");
}

static bool isPrintable(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        // C0 and C1 controls (a terminal would act on them), except the
        // three that are shown escaped.
        if ((u < 0x20 && u != u'\n' && u != u'\r' && u != u'\t') || (u >= 0x7f && u <= 0x9f))
            return false;
    }
    return true;
}

static std::optional<QString> decodeUtf8(const QByteArray &body)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(body);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

static QString quoted(const QString &text)
{
    QString result;
    result.reserve(text.size() + 2);
    result += QLatin1Char('"');
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'"':
            result += QLatin1String("\\\"");
            break;
        case u'\\':
            result += QLatin1String("\\\\");
            break;
        case u'\n':
            result += QLatin1String("\\n");
            break;
        case u'\r':
            result += QLatin1String("\\r");
            break;
        case u'\t':
            result += QLatin1String("\\t");
            break;
        default:
            result += c;
        }
    }
    result += QLatin1Char('"');
    return result;
}

QString Printer::bodyPreview(const QByteArray &body) const
{
    const std::optional<QString> text = decodeUtf8(body);
    if (text && isPrintable(*text)) {
        qsizetype length = text->size();
        if (m_preview > 0 && length > m_preview) {
            length = m_preview;
            if (text->at(length - 1).isHighSurrogate())
                --length;
            return quoted(text->left(length)) + QStringLiteral("...");
        }
        return quoted(*text);
    }
    // Hex in groups of four bytes, at most a quarter as many bytes as
    // characters of text.
    qsizetype bytes = body.size();
    const bool truncated = m_preview > 0 && bytes > m_preview / 4;
    if (truncated)
        bytes = qMax(1, m_preview / 4);
    QString hex = QStringLiteral("hex ");
    for (qsizetype i = 0; i < bytes; i += 4) {
        if (i > 0)
            hex += QLatin1Char(' ');
        hex += QString::fromLatin1(body.mid(i, qMin<qsizetype>(4, bytes - i)).toHex());
    }
    if (truncated)
        hex += QStringLiteral("...");
    return hex;
}

QString Printer::describe(const RpcMessage &message) const
{
    QString line = typeName(message.type());
    if (message.type() != RpcMessage::Stream)
        line += QStringLiteral(" #") + QString::number(message.requestId());
    const QByteArray body = message.body();
    line += QStringLiteral(" service ") + QString::number(message.serviceId())
            + QStringLiteral(", ") + QString::number(body.size())
            + (body.size() == 1 ? QStringLiteral(" byte") : QStringLiteral(" bytes"));
    const qsizetype fds = message.fileDescriptors().size();
    if (fds > 0)
        line += QStringLiteral(", ") + QString::number(fds)
                + (fds == 1 ? QStringLiteral(" fd") : QStringLiteral(" fds"));
    if (!body.isEmpty())
        line += QStringLiteral(": ") + bodyPreview(body);
    return line;
}

QJsonObject Printer::toJson(const RpcMessage &message)
{
    QJsonObject object;
    object.insert(QStringLiteral("type"), typeName(message.type()));
    if (message.type() != RpcMessage::Stream)
        object.insert(QStringLiteral("request_id"), qint64(message.requestId()));
    object.insert(QStringLiteral("service_id"), message.serviceId());
    const QByteArray body = message.body();
    object.insert(QStringLiteral("size"), qint64(body.size()));
    object.insert(QStringLiteral("fds"), qint64(message.fileDescriptors().size()));
    if (const std::optional<QString> text = decodeUtf8(body))
        object.insert(QStringLiteral("body"), *text);
    object.insert(QStringLiteral("body_base64"), QString::fromLatin1(body.toBase64()));
    if (message.isError())
        object.insert(QStringLiteral("error"), message.errorText());
    return object;
}

void Printer::message(const RpcMessage &message, const QString &label, const QJsonObject &extra,
                      const QString &suffix) const
{
    switch (m_format) {
    case Format::Human:
        writeLine((label.isEmpty() ? QString() : label + QLatin1Char(' ')) + describe(message)
                  + suffix);
        break;
    case Format::Json: {
        QJsonObject object = toJson(message);
        for (auto it = extra.begin(); it != extra.end(); ++it)
            object.insert(it.key(), it.value());
        writeOut(QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
        break;
    }
    case Format::Raw:
        break;
    }
}

void Printer::event(const QString &humanLine, const QJsonObject &json) const
{
    switch (m_format) {
    case Format::Human:
        writeLine(humanLine);
        break;
    case Format::Json:
        writeOut(QJsonDocument(json).toJson(QJsonDocument::Compact) + '\n');
        break;
    case Format::Raw:
        break;
    }
}

void addOutputOptions(QCommandLineParser &parser, bool withRaw)
{
    parser.addOption(QCommandLineOption(
            QStringLiteral("json"),
            QStringLiteral("Print one JSON object per line (per message or event).")));
    if (withRaw) {
        parser.addOption(QCommandLineOption(
                QStringLiteral("raw"),
                QStringLiteral("Write only the response body bytes to stdout.")));
    }
    parser.addOption(QCommandLineOption(
            QStringLiteral("preview"),
            QStringLiteral("Human output: show at most N characters of a text body, or N/4 "
                           "bytes of a binary one in hex; 0 shows whole bodies. Default: 200."),
            QStringLiteral("N"), QStringLiteral("200")));
}

std::optional<Printer> printerFromOptions(CommandLine &commandLine, bool withRaw, int *exitCode)
{
    QCommandLineParser &parser = commandLine.parser();
    const bool json = parser.isSet(QStringLiteral("json"));
    const bool raw = withRaw && parser.isSet(QStringLiteral("raw"));
    if (json && raw) {
        *exitCode = commandLine.usageError(QStringLiteral("--json and --raw exclude each other"));
        return std::nullopt;
    }
    bool ok = false;
    const int preview = parser.value(QStringLiteral("preview")).toInt(&ok);
    if (!ok || preview < 0) {
        *exitCode = commandLine.usageError(
                QStringLiteral("invalid --preview \"%1\": expected a number of characters")
                        .arg(parser.value(QStringLiteral("preview"))));
        return std::nullopt;
    }
    return Printer(json ? Format::Json : raw ? Format::Raw : Format::Human, preview);
}

// ---------------------------------------------------------------------------

static int signalSockets[2] = {-1, -1};

extern "C" void fizyrRpcToolSignalHandler(int signal)
{
    const int savedErrno = errno;
    const unsigned char byte = static_cast<unsigned char>(signal);
    const ssize_t written = ::write(signalSockets[1], &byte, 1);
    (void)written;
    errno = savedErrno;
}

void onTerminationSignal(std::function<void(int signal)> handler)
{
    if (signalSockets[0] < 0
        && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, signalSockets)
                != 0) {
        return;
    }
    auto *notifier = new QSocketNotifier(qintptr(signalSockets[0]), QSocketNotifier::Read,
                                         QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, notifier, [handler] {
        unsigned char byte = 0;
        while (::read(signalSockets[0], &byte, 1) == 1)
            handler(int(byte));
    });
    struct sigaction action = {};
    action.sa_handler = fizyrRpcToolSignalHandler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

std::optional<MessageArguments> messageFromArguments(CommandLine &commandLine, int *exitCode)
{
    const QStringList positional = commandLine.parser().positionalArguments();
    QString error;
    MessageArguments message;
    message.address = parseAddress(positional.at(0), &error);
    if (!message.address.isValid()) {
        *exitCode = commandLine.failure(error);
        return std::nullopt;
    }
    const std::optional<qint32> service = parseServiceId(positional.at(1), &error);
    if (!service) {
        *exitCode = commandLine.failure(error);
        return std::nullopt;
    }
    message.serviceId = *service;
    std::optional<QList<Fizyr::RpcFileDescriptor>> fds
            = fdsFromArguments(commandLine, message.address, exitCode);
    if (!fds)
        return std::nullopt;
    message.fileDescriptors = std::move(*fds);
    std::optional<QByteArray> body = bodyFromArguments(commandLine, exitCode);
    if (!body)
        return std::nullopt;
    message.body = std::move(*body);
    return message;
}

void describeRemote(const Fizyr::RpcPeer *peer, QString *line, QJsonObject *json)
{
    const Fizyr::RpcAddress address = peer->peerAddress();
    if (address.transport() == Fizyr::RpcAddress::Tcp) { // Unix sockets: the pid tells more
        *line += QStringLiteral(" from ") + address.toString();
        json->insert(QStringLiteral("peer"), address.toString());
    }
    const Fizyr::RpcPeerCredentials credentials = peer->peerCredentials();
    if (credentials.isValid()) {
        *line += QStringLiteral(" (pid %1, uid %2)")
                         .arg(credentials.processId())
                         .arg(credentials.userId());
        json->insert(QStringLiteral("pid"), credentials.processId());
        json->insert(QStringLiteral("uid"), credentials.userId());
    }
}

} // namespace Tool

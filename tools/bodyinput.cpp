// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "bodyinput.h"
#include "connection.h"
#include "interfaceoptions.h"

#include <FizyrRpcQt/RpcConfig>

#include <QtCore/QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace Fizyr;

namespace Tool {

static QString sourceName(const QString &path)
{
    return path == QLatin1String("-") ? QStringLiteral("stdin")
                                      : QStringLiteral("\"%1\"").arg(path);
}

std::optional<QByteArray> readFile(const QString &path, qint64 limit, QString *errorText)
{
    QFile file;
    bool opened;
    if (path == QLatin1String("-")) {
        opened = file.open(stdin, QIODevice::ReadOnly | QIODevice::Unbuffered);
    } else {
        file.setFileName(path);
        opened = file.open(QIODevice::ReadOnly | QIODevice::Unbuffered);
    }
    if (!opened) {
        *errorText = QStringLiteral("cannot read \"%1\": %2").arg(path, file.errorString());
        return std::nullopt;
    }
    // Never more than one byte past the limit: stdin may be endless.
    QByteArray content;
    constexpr qint64 chunk = 64 * 1024;
    while (content.size() <= limit) {
        const qint64 want = qMin(chunk, limit + 1 - content.size());
        const qsizetype before = content.size();
        content.resize(before + want);
        const qint64 got = file.read(content.data() + before, want);
        if (got < 0) {
            *errorText = QStringLiteral("cannot read \"%1\": %2").arg(path, file.errorString());
            return std::nullopt;
        }
        content.resize(before + got);
        if (got == 0)
            break; // end of file
    }
    if (content.size() > limit) {
        *errorText = QStringLiteral("cannot send the body from %1: more than %2 bytes, the body "
                                    "limit of this transport")
                             .arg(sourceName(path))
                             .arg(limit);
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

// The body from BODY (third positional argument), "-" (stdin) or --file.
// Returns nothing after an error (exitCode set).
static std::optional<QByteArray> bodyFromArguments(CommandLine &commandLine,
                                                   const RpcAddress &address, int *exitCode)
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
    // The peer connects with the defaults of the transport.
    const qint64 limit = RpcConfig::defaultsFor(address.transport()).maxBodyWriteSize();
    QString error;
    std::optional<QByteArray> body = readFile(path, limit, &error);
    if (!body)
        *exitCode = commandLine.failure(error);
    return body;
}

// The files of --fd, which needs a seqpacket address.
static std::optional<QList<RpcFileDescriptor>> fdsFromArguments(CommandLine &commandLine,
                                                                const RpcAddress &address,
                                                                int *exitCode)
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

std::optional<MessageArguments> messageFromArguments(CommandLine &commandLine, int *exitCode,
                                                     const InterfaceOptions *interface,
                                                     MessageKind kind)
{
    const QStringList positional = commandLine.parser().positionalArguments();
    QString error;
    MessageArguments message;
    message.address = parseAddress(positional.at(0), &error);
    if (!message.address.isValid()) {
        *exitCode = commandLine.failure(error);
        return std::nullopt;
    }
    RpcTypeSchema bodyType;
    if (interface && interface->isActive()) {
        if (kind == MessageKind::Request) {
            const std::optional<RpcService> service = interface->service(positional.at(1), &error);
            if (!service) {
                *exitCode = commandLine.failure(error);
                return std::nullopt;
            }
            message.serviceId = service->id();
            message.name = service->name();
            bodyType = service->requestType();
        } else {
            const std::optional<RpcStream> stream = interface->stream(positional.at(1), &error);
            if (!stream) {
                *exitCode = commandLine.failure(error);
                return std::nullopt;
            }
            message.serviceId = stream->id();
            message.name = stream->name();
            bodyType = stream->bodyType();
        }
        if (bodyType.kind() != RpcTypeSchema::Unit && positional.size() < 3
            && !commandLine.parser().isSet(QStringLiteral("file"))) {
            *exitCode = commandLine.usageError(QStringLiteral("missing BODY: %1 takes a %2 as JSON")
                                                       .arg(message.name, bodyType.rustName()));
            return std::nullopt;
        }
    } else {
        const std::optional<qint32> service = parseServiceId(positional.at(1), &error);
        if (!service) {
            *exitCode = commandLine.failure(error);
            return std::nullopt;
        }
        message.serviceId = *service;
    }
    std::optional<QList<RpcFileDescriptor>> fds
            = fdsFromArguments(commandLine, message.address, exitCode);
    if (!fds)
        return std::nullopt;
    message.fileDescriptors = std::move(*fds);
    std::optional<QByteArray> body = bodyFromArguments(commandLine, message.address, exitCode);
    if (!body)
        return std::nullopt;
    message.body = std::move(*body);
    if (bodyType.isValid()) {
        const std::optional<QByteArray> encoded
                = interface->encodeJson(bodyType, message.body, message.name, &error);
        if (!encoded) {
            *exitCode = commandLine.failure(error);
            return std::nullopt;
        }
        message.body = *encoded;
    }
    return message;
}

} // namespace Tool

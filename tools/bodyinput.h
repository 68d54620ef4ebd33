// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// What call and stream send: ADDRESS SERVICE [BODY], the body from BODY,
// stdin or --file (read no further than the transport's body limit), and
// the descriptors of --fd.

#ifndef FIZYRRPC_BODYINPUT_H
#define FIZYRRPC_BODYINPUT_H

#include "commandline.h"

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcFileDescriptor>

#include <QtCore/QByteArray>
#include <QtCore/QList>

#include <optional>

namespace Tool {

class InterfaceOptions;

// The contents of path, or of stdin for "-". Reads at most limit + 1 bytes:
// more than limit is an error (errorText says so), whatever the size of the
// rest.
std::optional<QByteArray> readFile(const QString &path, qint64 limit, QString *errorText);

// Opens path read-only and returns an owning handle, for --fd.
std::optional<Fizyr::RpcFileDescriptor> openFileDescriptor(const QString &path, QString *errorText);

// Adds --file and --fd.
void addBodyOptions(QCommandLineParser &parser);

// What call and stream send.
struct MessageArguments
{
    Fizyr::RpcAddress address;
    qint32 serviceId = 0;
    QString name; // with --interface: the service or stream name
    QList<Fizyr::RpcFileDescriptor> fileDescriptors;
    QByteArray body;
};
// ADDRESS SERVICE [BODY] with --file and --fd. On failure, prints why and
// returns nothing with exitCode set. With an active interface, SERVICE is a
// service name or id (a stream's for stream) and BODY is JSON, encoded by
// the schema.
enum class MessageKind { Request, Stream };
std::optional<MessageArguments> messageFromArguments(CommandLine &commandLine, int *exitCode,
                                                     const InterfaceOptions *interface = nullptr,
                                                     MessageKind kind = MessageKind::Request);

} // namespace Tool

#endif // FIZYRRPC_BODYINPUT_H

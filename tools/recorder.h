// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// --record FILE: what proxy and listen see, written to a pcapng file
// (Wireshark, tshark) or a JSON Lines file (scripts, replay), chosen by the
// file name. A writer thread does the file work; the event loop only encodes
// and queues, and a full queue drops messages with a counted loss instead of
// growing memory. Size and message-count limits rotate the file.
// The formats are described in doc/tool/record.md.

#ifndef FIZYRRPC_RECORDER_H
#define FIZYRRPC_RECORDER_H

#include "commandline.h"

#include <FizyrRpcQt/RpcAddress>
#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcMessage>

#include <QtCore/QCommandLineParser>
#include <QtCore/QString>
#include <QtNetwork/QHostAddress>

#include <memory>
#include <optional>

namespace Tool {

class InterfaceOptions;

// Which way a message went on the recorded connection: from the side that
// connected (the client) to the side that accepted (the server: listen, or
// the proxy's target), or back.
enum class RecordDirection {
    ToServer,
    ToClient,
};

// One recorded connection, as the accepting side sees it.
struct RecordedConnection
{
    int number = 0;
    Fizyr::RpcAddress::Transport transport = Fizyr::RpcAddress::Tcp;
    bool bigEndian = false; // the header byte order on this connection
    QHostAddress clientHost; // TCP: the two ends
    quint16 clientPort = 0;
    QHostAddress serverHost;
    quint16 serverPort = 0;
    QString description; // the listening address, and who connected
};

struct RecorderLimits
{
    qint64 maxSize = 0; // bytes per file, 0: no limit
    qint64 maxMessages = 0; // messages per file, 0: no limit
    int maxFiles = 10; // files kept when rotating (the current one included)
    qint64 bufferSize = 16 * 1024 * 1024; // bytes queued for the writer at most
};

class RecorderPrivate;

class Recorder
{
public:
    enum Format { Pcapng, JsonLines };

    // Adds --record, --record-max-size, --record-max-messages,
    // --record-max-files and --record-buffer.
    static void addOptions(QCommandLineParser &parser);
    // Reads them back. *ok is false after a usage error or an unopenable
    // file (printed, exitCode set); no recorder without --record.
    static std::unique_ptr<Recorder> fromOptions(CommandLine &commandLine,
                                                 const InterfaceOptions *interface, bool *ok,
                                                 int *exitCode);

    Recorder(const QString &path, Format format, const RecorderLimits &limits,
             const InterfaceOptions *interface);
    ~Recorder(); // writes what is queued, closes the file
    Recorder(const Recorder &) = delete;
    Recorder &operator=(const Recorder &) = delete;

    // Opens the first file; false with errorText on failure.
    bool start(QString *errorText);

    // A connection and its end, and every message in between.
    // requestServiceId: the service of the request an update or response
    // belongs to (for --interface decoding).
    void connectionOpened(const RecordedConnection &connection);
    void connectionClosed(int connection);
    void message(int connection, RecordDirection direction, const Fizyr::RpcMessage &message,
                 qint32 requestServiceId = 0);

    // Stops the writer after what is queued, and returns a one-line summary
    // ("recorded N messages to FILE", with the losses if any).
    QString finish();
    quint64 dropped() const;

private:
    std::unique_ptr<RecorderPrivate> d;
};

// Stops the recorder and prints its summary on stderr ("fizyr-rpc COMMAND:
// recorded N messages to FILE"; a warning when messages were dropped).
void reportRecording(const CommandLine &commandLine, Recorder &recorder);

// The connection description for a peer accepted by a server listening on
// listenAddress.
RecordedConnection describeConnection(int number, const Fizyr::RpcAddress &listenAddress,
                                      const Fizyr::RpcAddress &peerAddress,
                                      const Fizyr::RpcConfig &config);

} // namespace Tool

#endif // FIZYRRPC_RECORDER_H

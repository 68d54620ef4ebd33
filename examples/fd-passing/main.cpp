// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// File-descriptor passing over a Unix seqpacket socket.
//
// The client writes a text into an anonymous file (memfd) and sends the file
// descriptor along with a request. The server reads the text through the
// received descriptor, and answers with it in upper case, in a new memfd
// attached to the response. Server and client run in one process here, but
// talk over a real socket.
//
// Usage: fd-passing [seqpacket:/path/to/socket]   (default: a temporary path)

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTextStream>

#include <sys/mman.h>
#include <unistd.h>

using namespace Fizyr;

static QTextStream out(stdout);

// A new anonymous file holding content; the handle owns its descriptor.
static RpcFileDescriptor fileWith(const QByteArray &content)
{
    const int fd = ::memfd_create("fizyr-rpc-example", MFD_CLOEXEC);
    if (fd < 0 || ::write(fd, content.constData(), size_t(content.size())) != content.size()) {
        if (fd >= 0)
            ::close(fd);
        return RpcFileDescriptor();
    }
    return RpcFileDescriptor::fromOwned(fd);
}

// Everything in the file behind fd, read from the start.
static QByteArray readAll(const RpcFileDescriptor &fd)
{
    QByteArray content;
    char buffer[4096];
    off_t offset = 0;
    ssize_t n;
    while ((n = ::pread(fd.fileDescriptor(), buffer, sizeof(buffer), offset)) > 0) {
        content.append(buffer, n);
        offset += n;
    }
    return content;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const QString address = argc > 1
            ? QString::fromLocal8Bit(argv[1])
            : QStringLiteral("seqpacket:") + dir.filePath(QStringLiteral("fd.sock"));

    RpcServer server;
    if (!server.listen(address)) {
        QTextStream(stderr) << "cannot listen on " << address << ": " << server.errorString()
                            << Qt::endl;
        return 1;
    }
    QObject::connect(&server, &RpcServer::newConnection, &server, [&server] {
        RpcPeer *peer = server.nextPendingConnection();
        peer->setAutoDeleteRequests(true);
        QObject::connect(peer, &RpcPeer::requestReceived, peer, [](RpcRequest *request) {
            const QList<RpcFileDescriptor> fds = request->requestMessage().fileDescriptors();
            if (fds.size() != 1) {
                request->sendErrorResponse(QStringLiteral("expected one file descriptor"));
                return;
            }
            const QByteArray text = readAll(fds.first());
            out << "server: read \"" << text << "\" through descriptor "
                << fds.first().fileDescriptor() << Qt::endl;
            request->sendResponse(0, "here is your text in upper case", {fileWith(text.toUpper())});
        });
    });

    RpcPeer client;
    client.connectToServer(server.serverAddress().toString());
    if (!client.waitForConnected(10000)) {
        QTextStream(stderr) << "cannot connect: " << client.errorString() << Qt::endl;
        return 1;
    }
    const QByteArray text = "Hello through a file descriptor!";
    out << "client: sends a memfd holding \"" << text << "\"" << Qt::endl;
    RpcRequest *request = client.sendRequest(1, "please shout", {fileWith(text)});
    QObject::connect(request, &RpcRequest::finished, &app, [request] {
        const QList<RpcFileDescriptor> fds = request->response().fileDescriptors();
        if (request->error() != RpcError::NoError || fds.size() != 1) {
            QTextStream(stderr) << "request failed: " << request->errorString() << Qt::endl;
            QCoreApplication::exit(1);
            return;
        }
        out << "client: got \"" << request->response().body() << "\" and read \""
            << readAll(fds.first()) << "\" through the received descriptor" << Qt::endl;
        QCoreApplication::exit(0);
    });
    return app.exec();
}

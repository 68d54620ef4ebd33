// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// Runs the fizyr-rpc tool as a separate process (QProcess) on every
// transport: call and stream against a server in this process, serve and
// listen against clients in this process and against the tool's own call,
// and proxy between clients and servers of both kinds. Checks exit codes,
// human and JSON output, and what arrives on the far side.
//
// Each test has its own data function listing the transports it applies to:
// all three, only seqpacket for file descriptors, none for the transport
// independent ones. Nothing is skipped. Waits are on signals or output,
// never on fixed sleeps.

#include "rpctestsupport.h"

#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcRequest>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTemporaryDir>
#include <QtCore/QtEndian>
#include <QtNetwork/QLocalServer>
#include <QtNetwork/QLocalSocket>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <functional>
#include <memory>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Fizyr;

// Emits changed() whenever a TestServer records something, so that tests
// wait on a signal instead of polling.
class Notifier : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void changed();
};

namespace {

constexpr int Timeout = 30000;

const QString toolPath()
{
    return QStringLiteral(FIZYR_RPC_TOOL);
}

// A finished run of the tool.
struct Result
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs the tool to its end while this process's event loop keeps running,
// so servers in this process can answer it.
Result runProgram(const QString &program, const QStringList &args,
                  const QByteArray &input = QByteArray())
{
    QProcess process;
    QSignalSpy finishedSpy(&process, &QProcess::finished);
    process.start(program, args);
    Result result;
    if (!process.waitForStarted(Timeout))
        return result;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (finishedSpy.isEmpty())
        finishedSpy.wait(Timeout);
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(Timeout);
        return result;
    }
    result.finished = process.exitStatus() == QProcess::NormalExit;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

Result run(const QStringList &args, const QByteArray &input = QByteArray())
{
    return runProgram(toolPath(), args, input);
}

QString describe(const Result &result)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
            .arg(result.exitCode)
            .arg(QString::fromUtf8(result.out), QString::fromUtf8(result.err));
}

// One JSON object per line.
QList<QJsonObject> jsonLines(const QByteArray &output)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : output.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return {}; // every line must be an object
        objects.append(document.object());
    }
    return objects;
}

QList<QJsonObject> ofType(const QList<QJsonObject> &objects, const QString &type)
{
    QList<QJsonObject> result;
    for (const QJsonObject &object : objects) {
        if (object.value(QStringLiteral("type")).toString() == type)
            result.append(object);
    }
    return result;
}

// The first character in output that a terminal would act on (C0 controls
// other than the newline that ends each line, DEL, C1 controls, U+2028,
// U+2029, bidi formatting characters), as "U+XXXX"; empty if there is none.
QString unsafeCharacter(const QByteArray &output)
{
    for (const QChar c : QString::fromUtf8(output)) {
        const char16_t u = c.unicode();
        if (u == u'\n')
            continue;
        if (u < 0x20 || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029 || u == 0x061c
            || u == 0x200e || u == 0x200f || (u >= 0x202a && u <= 0x202e)
            || (u >= 0x2066 && u <= 0x2069)) {
            return QStringLiteral("U+%1").arg(uint(u), 4, 16, QLatin1Char('0'));
        }
    }
    return QString();
}

// The number of open descriptors of process pid.
int openFdCount(qint64 pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid))
                       .entryList(QDir::Files | QDir::System)
                       .size());
}

// A long-running tool process: serve, listen or proxy.
class ToolProcess
{
public:
    ~ToolProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(Timeout);
        }
    }

    bool start(const QStringList &args)
    {
        m_process.start(toolPath(), args);
        return m_process.waitForStarted(Timeout);
    }

    // Waits until stdout (from the start) contains needle.
    bool waitForOutput(const QByteArray &needle)
    {
        QSignalSpy readySpy(&m_process, &QProcess::readyReadStandardOutput);
        QDeadlineTimer deadline(Timeout);
        for (;;) {
            m_out += m_process.readAllStandardOutput();
            if (m_out.contains(needle))
                return true;
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return false;
            readySpy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

    // The address from the "listening on ADDRESS" line.
    QString listeningAddress()
    {
        if (!waitForOutput("listening on "))
            return QString();
        const qsizetype start = m_out.indexOf("listening on ") + 13;
        const qsizetype end = m_out.indexOf('\n', start);
        if (end < 0)
            return QString();
        return QString::fromUtf8(m_out.mid(start, end - start)).trimmed();
    }

    // Sends signal, waits for the exit; returns the exit code or -1.
    int stop(int signal = SIGTERM)
    {
        QSignalSpy finishedSpy(&m_process, &QProcess::finished);
        if (m_process.state() == QProcess::NotRunning)
            return -1;
        ::kill(pid_t(m_process.processId()), signal);
        if (finishedSpy.isEmpty() && !finishedSpy.wait(Timeout))
            return -1;
        m_out += m_process.readAllStandardOutput();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

    QByteArray output()
    {
        m_out += m_process.readAllStandardOutput();
        return m_out;
    }
    QByteArray errors() { return m_process.readAllStandardError(); }
    QProcess &process() { return m_process; }

private:
    QProcess m_process;
    QByteArray m_out;
};

// Everything in the file behind fd, from the start.
QByteArray readFd(int fd)
{
    QByteArray content;
    char buffer[4096];
    off_t offset = 0;
    ssize_t n;
    while ((n = ::pread(fd, buffer, sizeof(buffer), offset)) > 0) {
        content.append(buffer, n);
        offset += n;
    }
    return content;
}

// A server in this process with one behaviour per service id:
//   1  responder update (5, "working"), then response 0 "pong:" + body
//   2  error response "service 2 is broken"
//   3  echoes each requester update back as a responder update; answers
//      after two with status 0 and the update bodies joined by '+'
//   4  never answers (kept open)
//   5  closes the connection
//   6  answers with the contents of the received file descriptors, and
//      sends the descriptors back with the response
//   7  error response whose text is the request body
// Accepted connections and their ends are recorded too (peers).
// Streams are recorded and answered with a stream "echo:" + body, kind + 100.
class TestServer
{
public:
    bool listen(const QString &address)
    {
        QObject::connect(&server, &RpcServer::newConnection, &server, [this] {
            while (RpcPeer *peer = server.nextPendingConnection())
                accept(peer);
        });
        return server.listen(address);
    }

    QString address() const { return server.serverAddress().toString(); }

    // Runs the event loop until condition holds (checked after every
    // message this server records); false after Timeout.
    bool waitFor(const std::function<bool()> &condition)
    {
        QSignalSpy changedSpy(&events, &Notifier::changed);
        const QDeadlineTimer deadline(Timeout);
        while (!condition()) {
            if (deadline.hasExpired())
                return false;
            changedSpy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
        return true;
    }

    Notifier events;
    RpcServer server;
    QList<RpcMessage> requests;
    QList<RpcMessage> requesterUpdates;
    QList<RpcMessage> streams;
    QList<QPointer<RpcPeer>> peers;
    QList<QPointer<RpcRequest>> unanswered;

    // Accepted connections that are still open.
    int connectedPeers() const
    {
        int count = 0;
        for (const QPointer<RpcPeer> &peer : peers)
            count += peer && peer->state() == RpcPeer::ConnectedState ? 1 : 0;
        return count;
    }
    QByteArray fdContent;

private:
    void accept(RpcPeer *peer)
    {
        peers.append(peer);
        Q_EMIT events.changed();
        QObject::connect(peer, &RpcPeer::disconnected, &events,
                         [this] { Q_EMIT events.changed(); });
        peer->setAutoDeleteRequests(true);
        QObject::connect(peer, &RpcPeer::streamReceived, peer,
                         [this, peer](const RpcMessage &message) {
                             streams.append(message);
                             Q_EMIT events.changed();
                             peer->sendStream(message.serviceId() + 100, "echo:" + message.body());
                         });
        QObject::connect(peer, &RpcPeer::requestReceived, peer,
                         [this, peer](RpcRequest *request) { handle(peer, request); });
    }

    void handle(RpcPeer *peer, RpcRequest *request)
    {
        requests.append(request->requestMessage());
        Q_EMIT events.changed();
        switch (request->serviceId()) {
        case 1:
            request->sendUpdate(5, "working");
            request->sendResponse(0, "pong:" + request->body());
            break;
        case 2:
            request->sendErrorResponse(QStringLiteral("service 2 is broken"));
            break;
        case 3: {
            auto bodies = std::make_shared<QList<QByteArray>>();
            QObject::connect(request, &RpcRequest::updateReceived, request,
                             [this, request, bodies](const RpcMessage &update) {
                                 requesterUpdates.append(update);
                                 Q_EMIT events.changed();
                                 request->sendUpdate(update.serviceId(), update.body());
                                 bodies->append(update.body());
                                 if (bodies->size() == 2)
                                     request->sendResponse(0, bodies->join('+'));
                             });
            break;
        }
        case 4:
            unanswered.append(request);
            break;
        case 5:
            peer->abort();
            break;
        case 6: {
            QByteArray content;
            for (const RpcFileDescriptor &fd : request->requestMessage().fileDescriptors())
                content += readFd(fd.fileDescriptor());
            fdContent = content;
            request->sendResponse(0, content, request->requestMessage().fileDescriptors());
            break;
        }
        case 7:
            request->sendErrorResponse(QString::fromUtf8(request->body()));
            break;
        default:
            request->sendErrorResponse(QStringLiteral("no such service"));
        }
    }
};

// A server that bypasses the library: it answers the first request on each
// connection with a scripted sequence of messages, written as raw frames.
// On a stream the frame has its little-endian length prefix; on seqpacket
// it is one datagram in native byte order.
class RawServer
{
public:
    enum Script {
        // A message of type 7 (which does not exist), header only, then the
        // response: a fatal protocol error on a stream, a dropped datagram
        // on seqpacket.
        BadType,
        // A responder update for a request id that is not open (a protocol
        // error every transport survives), then the response.
        StrayUpdate,
    };

    explicit RawServer(Script script = BadType) : m_script(script) { }

    ~RawServer()
    {
        m_context.reset(); // the notifiers, before their descriptors
        for (const int fd : std::as_const(m_fds))
            ::close(fd);
    }

    bool listen(const QString &address)
    {
        if (address.startsWith(QLatin1String("tcp://"))) {
            if (!m_tcp.listen(QHostAddress::LocalHost, 0))
                return false;
            m_address = QStringLiteral("tcp://127.0.0.1:%1").arg(m_tcp.serverPort());
            QObject::connect(&m_tcp, &QTcpServer::newConnection, &m_tcp, [this] {
                while (QTcpSocket *socket = m_tcp.nextPendingConnection())
                    answerOnRead(socket);
            });
            return true;
        }
        if (address.startsWith(QLatin1String("unix:"))) {
            if (!m_local.listen(address.mid(5)))
                return false;
            m_address = address;
            QObject::connect(&m_local, &QLocalServer::newConnection, &m_local, [this] {
                while (QLocalSocket *socket = m_local.nextPendingConnection())
                    answerOnRead(socket);
            });
            return true;
        }
        const QByteArray path = QFile::encodeName(address.mid(QStringLiteral("seqpacket:").size()));
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        if (path.size() >= qsizetype(sizeof(addr.sun_path)))
            return false;
        std::memcpy(addr.sun_path, path.constData(), size_t(path.size()));
        const int listenFd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (listenFd < 0)
            return false;
        m_fds.append(listenFd);
        if (::bind(listenFd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0
            || ::listen(listenFd, 8) != 0) {
            return false;
        }
        m_address = address;
        auto *acceptor = new QSocketNotifier(listenFd, QSocketNotifier::Read, m_context.get());
        QObject::connect(acceptor, &QSocketNotifier::activated, m_context.get(), [this, listenFd] {
            const int fd = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd < 0)
                return;
            m_fds.append(fd);
            auto *reader = new QSocketNotifier(fd, QSocketNotifier::Read, m_context.get());
            QObject::connect(reader, &QSocketNotifier::activated, m_context.get(),
                             [this, fd, reader] {
                                 char buffer[65536];
                                 const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
                                 if (n <= 0) {
                                     reader->setEnabled(false); // closed
                                     return;
                                 }
                                 if (reader->property("answered").toBool() || n < 12)
                                     return;
                                 reader->setProperty("answered", true);
                                 quint32 requestId;
                                 std::memcpy(&requestId, buffer + 4, sizeof(requestId));
                                 bool sent = true;
                                 for (const Message &message : messages(requestId)) {
                                     QByteArray datagram(12, '\0');
                                     std::memcpy(datagram.data(), &message.type, 4);
                                     std::memcpy(datagram.data() + 4, &message.requestId, 4);
                                     std::memcpy(datagram.data() + 8, &message.serviceId, 4);
                                     datagram += message.body;
                                     sent = sent
                                             && ::send(fd, datagram.constData(),
                                                       size_t(datagram.size()), MSG_NOSIGNAL)
                                                     == datagram.size();
                                 }
                                 if (sent)
                                     ++answered;
                             });
        });
        return true;
    }

    QString address() const { return m_address; }

    int answered = 0; // connections that got the scripted messages

private:
    struct Message
    {
        quint32 type;
        quint32 requestId;
        qint32 serviceId;
        QByteArray body;
    };

    QList<Message> messages(quint32 requestId) const
    {
        if (m_script == BadType)
            return {{7, 0, 0, {}}, {1, requestId, 0, "late"}};
        return {{3, requestId + 1000, 5, "stray"}, {1, requestId, 0, "done"}};
    }

    template<typename Socket>
    void answerOnRead(Socket *socket)
    {
        QObject::connect(socket, &Socket::readyRead, socket, [this, socket] {
            if (socket->property("answered").toBool()) {
                socket->readAll();
                return;
            }
            if (socket->bytesAvailable() < 12)
                return; // length prefix and the first two header words
            const QByteArray start = socket->read(12);
            socket->readAll();
            socket->setProperty("answered", true);
            for (const Message &message :
                 messages(qFromLittleEndian<quint32>(start.constData() + 8))) {
                QByteArray frame(16, '\0');
                qToLittleEndian<quint32>(quint32(12 + message.body.size()), frame.data());
                qToLittleEndian<quint32>(message.type, frame.data() + 4);
                qToLittleEndian<quint32>(message.requestId, frame.data() + 8);
                qToLittleEndian<qint32>(message.serviceId, frame.data() + 12);
                socket->write(frame + message.body);
            }
            ++answered;
        });
    }

    Script m_script;
    QTcpServer m_tcp;
    QLocalServer m_local;
    std::unique_ptr<QObject> m_context = std::make_unique<QObject>();
    QList<int> m_fds;
    QString m_address;
};

// A memfd holding content, for --fd; closed by the destructor.
class MemFd
{
public:
    explicit MemFd(const QByteArray &content)
    {
        m_fd = ::memfd_create("tst_tool", MFD_CLOEXEC);
        if (m_fd >= 0
            && ::write(m_fd, content.constData(), size_t(content.size())) != content.size()) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~MemFd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool isValid() const { return m_fd >= 0; }
    int fileDescriptor() const { return m_fd; }
    // A path another process can open to reach the same file.
    QString path() const
    {
        return QStringLiteral("/proc/%1/fd/%2").arg(QCoreApplication::applicationPid()).arg(m_fd);
    }

private:
    int m_fd = -1;
};

} // namespace

class tst_Tool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // Transport independent: no rows.
    void help();
    void usageErrors_data();
    void usageErrors();

    // One row per transport, or only the seqpacket row where file
    // descriptors are the point.
    void unreachable_data() { addTransportRows(); }
    void unreachable();

    void callSuccess_data() { addTransportRows(); }
    void callSuccess();
    void callErrorResponse_data() { addTransportRows(); }
    void callErrorResponse();
    void callJson_data() { addTransportRows(); }
    void callJson();
    void callRaw_data() { addTransportRows(); }
    void callRaw();
    void callBodyFromStdinAndFile_data() { addTransportRows(); }
    void callBodyFromStdinAndFile();
    void callUpdates_data() { addTransportRows(); }
    void callUpdates();
    void callTimeout_data() { addTransportRows(); }
    void callTimeout();
    void callConnectionLost_data() { addTransportRows(); }
    void callConnectionLost();
    void callProtocolError_data() { addTransportRows(); }
    void callProtocolError();
    void callSurvivesProtocolError_data() { addTransportRows(); }
    void callSurvivesProtocolError();
    void callHostileTexts_data();
    void callHostileTexts();
    void callStdinLimit_data() { addTransportRows(); }
    void callStdinLimit();
    void callFileDescriptors_data() { addSeqpacketRow(); }
    void callFileDescriptors();

    void stream_data() { addTransportRows(); }
    void stream();
    void streamFileDescriptors_data() { addSeqpacketRow(); }
    void streamFileDescriptors();

    void serve_data() { addTransportRows(); }
    void serve();
    void serveUpdatesAndWait_data() { addTransportRows(); }
    void serveUpdatesAndWait();
    void serveJsonAndClients_data() { addTransportRows(); }
    void serveJsonAndClients();
    void serveFileDescriptors_data() { addSeqpacketRow(); }
    void serveFileDescriptors();
    void serveAddressInUse_data() { addTransportRows(); }
    void serveAddressInUse();

    void listen_data() { addTransportRows(); }
    void listen();
    void listenEcho_data() { addTransportRows(); }
    void listenEcho();

    void proxy_data() { addTransportRows(); }
    void proxy();
    void proxyToolChain_data() { addTransportRows(); }
    void proxyToolChain();
    void proxyFileDescriptors_data() { addSeqpacketRow(); }
    void proxyFileDescriptors();
    void proxyTargetDown_data() { addTransportRows(); }
    void proxyTargetDown();
    void proxyClientClosesEarly_data() { addTransportRows(); }
    void proxyClientClosesEarly();

    void benchWrongEchoSize_data() { addTransportRows(); }
    void benchWrongEchoSize();

private:
    static void addTransportRows() { RpcTestSupport::addTransportRows(); }
    static void addSeqpacketRow()
    {
        QTest::addColumn<QString>("scheme");
#ifdef FIZYRRPCQT_TEST_SEQPACKET
        QTest::newRow("seqpacket") << QStringLiteral("seqpacket");
#else
        QSKIP("built without the seqpacket transport (FIZYRRPCQT_SEQPACKET=OFF)");
#endif
    }
    QString address(const QString &name) const;
    QString scheme() const;
    std::unique_ptr<TestServer> startServer();

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_Tool::init()
{
    m_dir.reset(new QTemporaryDir);
    QVERIFY(m_dir->isValid());
}

void tst_Tool::cleanup()
{
    m_dir.reset();
}

QString tst_Tool::scheme() const
{
    QFETCH(QString, scheme);
    return scheme;
}

QString tst_Tool::address(const QString &name) const
{
    return RpcTestSupport::addressFor(scheme(), *m_dir, name);
}

std::unique_ptr<TestServer> tst_Tool::startServer()
{
    auto server = std::make_unique<TestServer>();
    if (!server->listen(address(QStringLiteral("server"))))
        return nullptr;
    return server;
}

// ---------------------------------------------------------------------------

void tst_Tool::help()
{
    const Result top = run({QStringLiteral("--help")});
    QVERIFY2(top.finished && top.exitCode == 0, qPrintable(describe(top)));
    for (const char *command : {"call", "stream", "serve", "listen", "proxy"}) {
        QVERIFY(top.out.contains(command));
        const Result help = run({QLatin1String(command), QStringLiteral("--help")});
        QVERIFY2(help.finished && help.exitCode == 0, qPrintable(describe(help)));
        QVERIFY2(help.out.startsWith("Usage: fizyr-rpc " + QByteArray(command)),
                 help.out.constData());
        QVERIFY(help.err.isEmpty());
        const Result viaHelp = run({QStringLiteral("help"), QLatin1String(command)});
        QCOMPARE(viaHelp.out, help.out);
    }
    const Result version = run({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith("fizyr-rpc "));
}

void tst_Tool::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("message");
    const QString server = QStringLiteral("tcp://127.0.0.1:1");
    QTest::newRow("no command") << QStringList() << QByteArray("missing command");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")}
                                     << QByteArray("unknown command \"frobnicate\"");
    QTest::newRow("unknown option")
            << QStringList{QStringLiteral("call"), QStringLiteral("--bogus"), server,
                           QStringLiteral("1")}
            << QByteArray("bogus");
    QTest::newRow("missing arguments")
            << QStringList{QStringLiteral("call"), server} << QByteArray("missing arguments");
    QTest::newRow("too many arguments")
            << QStringList{QStringLiteral("stream"), server, QStringLiteral("1"),
                           QStringLiteral("a"), QStringLiteral("b")}
            << QByteArray("unexpected argument \"b\"");
    QTest::newRow("unknown scheme")
            << QStringList{QStringLiteral("call"), QStringLiteral("http://example/"),
                           QStringLiteral("1")}
            << QByteArray("unknown address scheme");
    QTest::newRow("bad tcp address")
            << QStringList{QStringLiteral("call"), QStringLiteral("tcp://127.0.0.1:99999"),
                           QStringLiteral("1")}
            << QByteArray("port");
    QTest::newRow("service too large")
            << QStringList{QStringLiteral("call"), server, QStringLiteral("2147483648")}
            << QByteArray("invalid service id \"2147483648\"");
    QTest::newRow("service not a number")
            << QStringList{QStringLiteral("stream"), server, QStringLiteral("one")}
            << QByteArray("invalid service id \"one\"");
    QTest::newRow("bad update") << QStringList{QStringLiteral("call"), server, QStringLiteral("1"),
                                               QStringLiteral("--update"),
                                               QStringLiteral("nocolon")}
                                << QByteArray("expected SERVICE:BODY");
    QTest::newRow("bad timeout") << QStringList{QStringLiteral("call"), server, QStringLiteral("1"),
                                                QStringLiteral("--timeout"), QStringLiteral("soon")}
                                 << QByteArray("invalid --timeout");
    for (const char *value : {"nan", "-nan", "inf", "infinity", "-1", "1e12", "2073601"}) {
        QTest::addRow("timeout %s", value)
                << QStringList{QStringLiteral("call"), server, QStringLiteral("1"),
                               QStringLiteral("--timeout=") + QLatin1String(value)}
                << QByteArray("invalid --timeout \"") + value
                        + "\": expected a number of seconds from 0 (no limit) to 2073600";
    }
    QTest::newRow("stream timeout nan")
            << QStringList{QStringLiteral("stream"), server, QStringLiteral("1"),
                           QStringLiteral("-t"), QStringLiteral("nan")}
            << QByteArray("invalid --timeout \"nan\"");
    QTest::newRow("unreadable file")
            << QStringList{QStringLiteral("call"), server, QStringLiteral("1"),
                           QStringLiteral("--file"), QStringLiteral("/nonexistent/body")}
            << QByteArray("cannot read \"/nonexistent/body\"");
    QTest::newRow("body twice") << QStringList{QStringLiteral("call"),
                                               server,
                                               QStringLiteral("1"),
                                               QStringLiteral("body"),
                                               QStringLiteral("--file"),
                                               QStringLiteral("/dev/null")}
                                << QByteArray("not both");
    QTest::newRow("fd on tcp") << QStringList{QStringLiteral("call"), server, QStringLiteral("1"),
                                              QStringLiteral("--fd"), QStringLiteral("/dev/null")}
                               << QByteArray("--fd needs a seqpacket: address");
    QTest::newRow("unopenable fd")
            << QStringList{QStringLiteral("call"), QStringLiteral("seqpacket:/nonexistent/s"),
                           QStringLiteral("1"), QStringLiteral("--fd"),
                           QStringLiteral("/nonexistent/fd")}
            << QByteArray("cannot open \"/nonexistent/fd\"");
    QTest::newRow("json and raw") << QStringList{QStringLiteral("call"), server,
                                                 QStringLiteral("1"), QStringLiteral("--json"),
                                                 QStringLiteral("--raw")}
                                  << QByteArray("exclude each other");
    QTest::newRow("serve bad address")
            << QStringList{QStringLiteral("serve"), QStringLiteral("udp://x")}
            << QByteArray("unknown address scheme");
    QTest::newRow("serve bad count")
            << QStringList{QStringLiteral("serve"), QStringLiteral("tcp://127.0.0.1:0"),
                           QStringLiteral("--updates"), QStringLiteral("-3")}
            << QByteArray("invalid --updates");
    QTest::newRow("listen cannot bind")
            << QStringList{QStringLiteral("listen"), QStringLiteral("unix:/nonexistent/dir/s")}
            << QByteArray("cannot listen on unix:/nonexistent/dir/s");
    QTest::newRow("unknown scheme, issue example")
            << QStringList{QStringLiteral("call"), QStringLiteral("bogus://x"), QStringLiteral("1")}
            << QByteArray("unknown address scheme \"bogus\"");
    QTest::newRow("service far out of range")
            << QStringList{QStringLiteral("call"), server, QStringLiteral("99999999999")}
            << QByteArray("invalid service id \"99999999999\"");
    QTest::newRow("update service out of range")
            << QStringList{QStringLiteral("call"), server, QStringLiteral("1"),
                           QStringLiteral("--update"), QStringLiteral("99999999999:x")}
            << QByteArray("--update: invalid service id");
    QTest::newRow("stream unreadable file")
            << QStringList{QStringLiteral("stream"), server, QStringLiteral("1"),
                           QStringLiteral("--file"), QStringLiteral("/nonexistent")}
            << QByteArray("cannot read \"/nonexistent\": No such file or directory");
    QTest::newRow("stream fd on unix")
            << QStringList{QStringLiteral("stream"), QStringLiteral("unix:/nonexistent/s"),
                           QStringLiteral("1"), QStringLiteral("--fd"), QStringLiteral("/dev/null")}
            << QByteArray("--fd needs a seqpacket: address");
    QTest::newRow("negative service without --")
            << QStringList{QStringLiteral("call"), server, QStringLiteral("-5")}
            << QByteArray("negative numbers go after \"--\"");
    QTest::newRow("serve no such directory")
            << QStringList{QStringLiteral("serve"), QStringLiteral("unix:/nonexistent/dir/s")}
            << QByteArray("(no such directory /nonexistent/dir)");
    QTest::newRow("serve seqpacket no such directory")
            << QStringList{QStringLiteral("serve"), QStringLiteral("seqpacket:/nonexistent/dir/s")}
            << QByteArray("(no such directory /nonexistent/dir)");
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    QTest::newRow("proxy cannot listen")
            << QStringList{QStringLiteral("proxy"), QStringLiteral("seqpacket:/nonexistent/dir/s"),
                           server}
            << QByteArray("cannot listen on seqpacket:/nonexistent/dir/s: ");
#endif
    QTest::newRow("proxy bad target")
            << QStringList{QStringLiteral("proxy"), QStringLiteral("tcp://127.0.0.1:0"),
                           QStringLiteral("nowhere")}
            << QByteArray("nowhere");
}

// Bad input: one line on stderr, exit code 2, nothing on stdout.
void tst_Tool::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, message);
    const Result result = run(args);
    const QByteArray context = describe(result).toUtf8();
    QVERIFY2(result.finished && result.exitCode == 2, context.constData());
    QVERIFY2(result.err.contains(message), context.constData());
    QVERIFY2(result.err.count('\n') == 1, context.constData());
    QVERIFY2(result.err.startsWith("fizyr-rpc"), context.constData());
    QVERIFY2(result.out.isEmpty(), context.constData());
}

// Nobody listening: call and stream fail with exit code 2 and one line.
void tst_Tool::unreachable()
{
    QString target = address(QStringLiteral("nobody"));
    if (scheme() == QLatin1String("tcp")) {
        // A port that was free a moment ago.
        RpcServer probe;
        QVERIFY(probe.listen(target));
        target = probe.serverAddress().toString();
        probe.close();
    }
    for (const QString &command : {QStringLiteral("call"), QStringLiteral("stream")}) {
        const Result result = run({command, target, QStringLiteral("1"), QStringLiteral("x")});
        QVERIFY2(result.finished && result.exitCode == 2, qPrintable(describe(result)));
        QVERIFY2(result.err.contains("cannot connect to " + target.toUtf8()),
                 qPrintable(describe(result)));
        // Said once: the tool prints the library's text as it is.
        QCOMPARE(result.err.count("cannot connect to"), 1);
        QCOMPARE(result.err.count('\n'), 1);
        QVERIFY(result.out.isEmpty());
    }
}

// ---------------------------------------------------------------------------

void tst_Tool::callSuccess()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                               QStringLiteral("ping")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY(result.err.isEmpty());
    const QList<QByteArray> lines = result.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines.at(0).startsWith("responder-update #")
                     && lines.at(0).endsWith(" service 5, 7 bytes: \"working\""),
             lines.at(0).constData());
    QVERIFY2(lines.at(1).startsWith("response #")
                     && lines.at(1).endsWith(" service 0, 9 bytes: \"pong:ping\""),
             lines.at(1).constData());
    QCOMPARE(server->requests.size(), 1);
    QCOMPARE(server->requests.first().serviceId(), 1);
    QCOMPARE(server->requests.first().body(), QByteArray("ping"));
}

void tst_Tool::callErrorResponse()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("2")});
    QVERIFY2(result.finished && result.exitCode == 1, qPrintable(describe(result)));
    QCOMPARE(result.err, QByteArray("fizyr-rpc call: error response: service 2 is broken\n"));
    QVERIFY2(result.out.contains("response #") && result.out.contains("service -1"),
             result.out.constData());

    // --raw: nothing on stdout for an error response.
    const Result raw = run({QStringLiteral("call"), server->address(), QStringLiteral("2"),
                            QStringLiteral("--raw")});
    QCOMPARE(raw.exitCode, 1);
    QVERIFY(raw.out.isEmpty());
    QVERIFY(raw.err.contains("service 2 is broken"));
}

void tst_Tool::callJson()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const QByteArray binary("\x00\x01\xfe\xff", 4);
    const Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                               QStringLiteral("-"), QStringLiteral("--json")},
                              binary);
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    const QList<QJsonObject> objects = jsonLines(result.out);
    QCOMPARE(objects.size(), 2);
    const QJsonObject update = objects.at(0);
    QCOMPARE(update.value(QStringLiteral("type")).toString(), QStringLiteral("responder-update"));
    QCOMPARE(update.value(QStringLiteral("service_id")).toInt(), 5);
    QCOMPARE(update.value(QStringLiteral("body")).toString(), QStringLiteral("working"));
    QCOMPARE(update.value(QStringLiteral("size")).toInt(), 7);
    QCOMPARE(update.value(QStringLiteral("fds")).toInt(), 0);
    const QJsonObject response = objects.at(1);
    QCOMPARE(response.value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(response.value(QStringLiteral("service_id")).toInt(), 0);
    QCOMPARE(response.value(QStringLiteral("request_id")).toInteger(),
             qint64(server->requests.first().requestId()));
    QCOMPARE(update.value(QStringLiteral("request_id")),
             response.value(QStringLiteral("request_id")));
    // Not UTF-8: no "body", but the exact bytes in base64.
    QVERIFY(!response.contains(QStringLiteral("body")));
    QCOMPARE(QByteArray::fromBase64(
                     response.value(QStringLiteral("body_base64")).toString().toLatin1()),
             QByteArray("pong:") + binary);
    QCOMPARE(server->requests.first().body(), binary);

    // An error response in JSON carries its text.
    const Result error = run({QStringLiteral("call"), server->address(), QStringLiteral("2"),
                              QStringLiteral("--json")});
    QCOMPARE(error.exitCode, 1);
    const QList<QJsonObject> errorObjects = jsonLines(error.out);
    QCOMPARE(errorObjects.size(), 1);
    QCOMPARE(errorObjects.first().value(QStringLiteral("service_id")).toInt(), -1);
    QCOMPARE(errorObjects.first().value(QStringLiteral("error")).toString(),
             QStringLiteral("service 2 is broken"));
}

void tst_Tool::callRaw()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                               QStringLiteral("line one\nline two"), QStringLiteral("--raw")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out, QByteArray("pong:line one\nline two"));
    QVERIFY(result.err.isEmpty());
}

void tst_Tool::callBodyFromStdinAndFile()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const QString path = m_dir->filePath(QStringLiteral("body.bin"));
    QByteArray content(3000, 'x');
    content[0] = '\0';
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                         QStringLiteral("--file"), path, QStringLiteral("--raw")});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out, "pong:" + content);

    result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                  QStringLiteral("-f"), QStringLiteral("-"), QStringLiteral("--raw")},
                 "from stdin");
    QCOMPARE(result.out, QByteArray("pong:from stdin"));
    result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                  QStringLiteral("-"), QStringLiteral("--raw")},
                 "dash");
    QCOMPARE(result.out, QByteArray("pong:dash"));
    // Human output shows a binary body as hex.
    result = run(
            {QStringLiteral("call"), server->address(), QStringLiteral("1"), QStringLiteral("-")},
            QByteArray("\x01\x02", 2));
    QVERIFY2(result.out.contains("7 bytes: hex 706f6e67 3a0102"), result.out.constData());
    // So is valid UTF-8 with a C1 control (U+009B, a terminal's CSI).
    result = run(
            {QStringLiteral("call"), server->address(), QStringLiteral("1"), QStringLiteral("-")},
            "\xc2\x9b"
            "2J");
    QVERIFY2(result.out.contains("9 bytes: hex 706f6e67 3ac29b32 4a"), result.out.constData());
    QCOMPARE(server->requests.size(), 5);

    // A body over the transport's limit is refused before anything is sent:
    // from stdin (read no further than the limit), from a file, as BODY (the
    // library refuses it).
    const qint64 limit = scheme() == QLatin1String("seqpacket") ? 4096 : 8192;
    const QByteArray tooLarge(limit + 1, 'b');
    result = run(
            {QStringLiteral("call"), server->address(), QStringLiteral("1"), QStringLiteral("-")},
            tooLarge);
    QVERIFY2(result.finished && result.exitCode == 2, qPrintable(describe(result)));
    QCOMPARE(result.err,
             "fizyr-rpc call: cannot send the body from stdin: more than "
                     + QByteArray::number(limit) + " bytes, the body limit of this transport\n");
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(tooLarge);
    }
    result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                  QStringLiteral("--file"), path});
    QVERIFY2(result.finished && result.exitCode == 2, qPrintable(describe(result)));
    QVERIFY2(result.err.startsWith("fizyr-rpc call: cannot send the body from \"" + path.toUtf8()
                                   + "\": more than "),
             result.err.constData());
    // Exactly at the limit: sent.
    result = run(
            {QStringLiteral("call"), server->address(), QStringLiteral("7"), QStringLiteral("-")},
            QByteArray(limit, 'c'));
    QVERIFY2(result.finished && result.exitCode == 1, qPrintable(describe(result)));
    QCOMPARE(server->requests.size(), 6);
    result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                  QString::fromLatin1(tooLarge)});
    QVERIFY2(result.finished && result.exitCode == 2, qPrintable(describe(result)));
    QVERIFY2(result.err.startsWith("fizyr-rpc call: cannot send the request: "),
             result.err.constData());
    QCOMPARE(result.err.count('\n'), 1);
    QCOMPARE(server->requests.size(), 6);
}

// Requester updates reach the server in order; the responder updates and the
// response come back.
void tst_Tool::callUpdates()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("3"),
                               QStringLiteral("go"), QStringLiteral("--update"),
                               QStringLiteral("7:first"), QStringLiteral("-u"),
                               QStringLiteral("8:second:with:colons"), QStringLiteral("--json")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(server->requesterUpdates.size(), 2);
    QCOMPARE(server->requesterUpdates.at(0).serviceId(), 7);
    QCOMPARE(server->requesterUpdates.at(0).body(), QByteArray("first"));
    QCOMPARE(server->requesterUpdates.at(1).serviceId(), 8);
    QCOMPARE(server->requesterUpdates.at(1).body(), QByteArray("second:with:colons"));
    const QList<QJsonObject> objects = jsonLines(result.out);
    QCOMPARE(objects.size(), 3);
    QCOMPARE(ofType(objects, QStringLiteral("responder-update")).size(), 2);
    QCOMPARE(objects.at(1).value(QStringLiteral("service_id")).toInt(), 8);
    QCOMPARE(objects.at(2).value(QStringLiteral("body")).toString(),
             QStringLiteral("first+second:with:colons"));
}

void tst_Tool::callTimeout()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("4"),
                               QStringLiteral("--timeout"), QStringLiteral("0.3")});
    QVERIFY2(result.finished && result.exitCode == 2, qPrintable(describe(result)));
    QCOMPARE(result.err, QByteArray("fizyr-rpc call: timed out waiting for the response\n"));
    QCOMPARE(server->unanswered.size(), 1);
}

void tst_Tool::callConnectionLost()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("5")});
    QVERIFY2(result.finished && result.exitCode == 2, qPrintable(describe(result)));
    // The close is seen either as such or as a reset, depending on timing.
    QVERIFY2(result.err == "fizyr-rpc call: the connection closed before the response\n"
                     || result.err.startsWith("fizyr-rpc call: connection error: "),
             result.err.constData());
    QCOMPARE(result.err.count('\n'), 1);
    QVERIFY(result.out.isEmpty());
}

// A server that answers the request with a message of type 7, which does not
// exist, then with the response. A stream transport cannot resync after it:
// the connection closes, the call fails with one line and exit code 2. On
// seqpacket the datagram is dropped and the connection survives: a warning,
// then the response (exit code 0).
void tst_Tool::callProtocolError()
{
    RawServer raw(RawServer::BadType);
    QVERIFY(raw.listen(address(QStringLiteral("raw"))));
    const Result result = run({QStringLiteral("call"), raw.address(), QStringLiteral("1")});
    QCOMPARE(raw.answered, 1);
    QVERIFY2(result.err.count('\n') == 1, qPrintable(describe(result)));
    QVERIFY2(result.err.contains("invalid message type"), qPrintable(describe(result)));
    if (scheme() == QLatin1String("seqpacket")) {
        QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
        QVERIFY2(result.err.startsWith("fizyr-rpc call: warning: "), result.err.constData());
        QVERIFY2(result.out.startsWith("response #") && result.out.endsWith(": \"late\"\n"),
                 result.out.constData());
    } else {
        QVERIFY2(result.finished && result.exitCode == 2, qPrintable(describe(result)));
        QVERIFY2(result.err.startsWith("fizyr-rpc call: connection error: "),
                 result.err.constData());
        QVERIFY(result.out.isEmpty());
    }
}

// An update for a request id that is not open: the library reports it and
// the connection survives. call prints a warning and goes on; the exit code
// follows the response (issue 11, bug 4: it printed the response, then
// exited with 2).
void tst_Tool::callSurvivesProtocolError()
{
    RawServer raw(RawServer::StrayUpdate);
    QVERIFY(raw.listen(address(QStringLiteral("raw"))));
    for (const QString &format : {QStringLiteral("--preview=200"), QStringLiteral("--json")}) {
        const Result result = run({QStringLiteral("call"), raw.address(), QStringLiteral("1"),
                                   QStringLiteral("ping"), format});
        QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
        QVERIFY2(result.err.startsWith("fizyr-rpc call: warning: ")
                         && result.err.contains("unknown request id"),
                 result.err.constData());
        QCOMPARE(result.err.count('\n'), 1);
        QCOMPARE(result.out.count('\n'), 1);
        if (format == QLatin1String("--json")) {
            const QList<QJsonObject> objects = jsonLines(result.out);
            QCOMPARE(objects.size(), 1);
            QCOMPARE(objects.first().value(QStringLiteral("body")).toString(),
                     QStringLiteral("done"));
        } else {
            QVERIFY2(result.out.startsWith("response #")
                             && result.out.endsWith(" service 0, 4 bytes: \"done\"\n"),
                     result.out.constData());
        }
    }
    QCOMPARE(raw.answered, 2);
}

// Texts from the other side that would drive a terminal: an error
// response's text on stderr, the same in --json, and a body in human and
// JSON output. Everything comes out escaped, one line per failure, and
// --json keeps the exact text.
void tst_Tool::callHostileTexts_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("escaped"); // as stderr shows it
    const struct
    {
        const char *name;
        QByteArray text;
        QByteArray escaped;
    } texts[] = {
            {"newline forges a line", "broken\nfizyr-rpc call: forged",
             "broken\\nfizyr-rpc call: forged"},
            {"carriage return", "ok\rfizyr-rpc call: overwritten",
             "ok\\rfizyr-rpc call: overwritten"},
            {"OSC sets the title", "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"},
            {"CSI clears the screen", "\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"},
            {"C1 CSI",
             "\xc2\x9b"
             "2J",
             "\\x9b2J"},
            {"DEL",
             "a\x7f"
             "b",
             "a\\x7fb"},
            {"NUL, bell and tab", QByteArray("a\0b\x07\tc", 6), "a\\x00b\\x07\\tc"},
            {"line separator",
             "a\xe2\x80\xa8"
             "b",
             "a\\u2028b"},
            {"paragraph separator",
             "a\xe2\x80\xa9"
             "b",
             "a\\u2029b"},
            {"right-to-left override",
             "\xe2\x80\xae"
             "txt.exe",
             "\\u202etxt.exe"},
            {"bidi isolate",
             "\xe2\x81\xa6"
             "x\xe2\x81\xa9",
             "\\u2066x\\u2069"},
            {"harmless text", "caf\xc3\xa9 \\ \"quoted\"", "caf\xc3\xa9 \\ \"quoted\""},
    };
    const QList<const char *> schemes = {"tcp", "unix",
#ifdef FIZYRRPCQT_TEST_SEQPACKET
                                         "seqpacket"
#endif
    };
    for (const char *scheme : schemes) {
        for (const auto &text : texts) {
            QTest::addRow("%s: %s", scheme, text.name)
                    << QString::fromLatin1(scheme) << text.text << text.escaped;
        }
    }
}

void tst_Tool::callHostileTexts()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, escaped);
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);

    // The error response's text on stderr: one line, escaped.
    Result result = run(
            {QStringLiteral("call"), server->address(), QStringLiteral("7"), QStringLiteral("-")},
            text);
    QVERIFY2(result.finished && result.exitCode == 1, qPrintable(describe(result)));
    QCOMPARE(result.err, "fizyr-rpc call: error response: " + escaped + '\n');
    QVERIFY2(unsafeCharacter(result.out).isEmpty(), result.out.constData());
    QCOMPARE(result.out.count('\n'), 1);

    // --json: the exact text, with nothing a terminal acts on in the line.
    result = run({QStringLiteral("call"), server->address(), QStringLiteral("7"),
                  QStringLiteral("-"), QStringLiteral("--json")},
                 text);
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err, "fizyr-rpc call: error response: " + escaped + '\n');
    QVERIFY2(unsafeCharacter(result.out).isEmpty(), qPrintable(unsafeCharacter(result.out)));
    QList<QJsonObject> objects = jsonLines(result.out);
    QCOMPARE(objects.size(), 1);
    QCOMPARE(objects.first().value(QStringLiteral("error")).toString(), QString::fromUtf8(text));

    // A body, as text or hex, in human output and JSON.
    result = run(
            {QStringLiteral("call"), server->address(), QStringLiteral("1"), QStringLiteral("-")},
            text);
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY2(unsafeCharacter(result.out).isEmpty(), qPrintable(unsafeCharacter(result.out)));
    QCOMPARE(result.out.count('\n'), 2); // the update and the response
    result = run({QStringLiteral("call"), server->address(), QStringLiteral("1"),
                  QStringLiteral("-"), QStringLiteral("--json")},
                 text);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(unsafeCharacter(result.out).isEmpty(), qPrintable(unsafeCharacter(result.out)));
    objects = jsonLines(result.out);
    QCOMPARE(objects.size(), 2);
    QCOMPARE(objects.last().value(QStringLiteral("body")).toString(),
             QStringLiteral("pong:") + QString::fromUtf8(text));
}

// An endless stdin is read no further than the transport's body limit (plus
// one byte): the call fails at once instead of reading everything first
// (issue 12, item 10: 300 MB were read for a 4 KiB limit).
void tst_Tool::callStdinLimit()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    int pipeFds[2];
    QVERIFY(::pipe2(pipeFds, O_CLOEXEC) == 0);
    auto closeFds = qScopeGuard([&] {
        for (const int fd : pipeFds) {
            if (fd >= 0)
                ::close(fd);
        }
    });
    // Writes to the pipe fail with EPIPE instead of killing this process
    // once the tool has exited.
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous = {};
    QVERIFY(::sigaction(SIGPIPE, &ignore, &previous) == 0);
    auto restore = qScopeGuard([&] { ::sigaction(SIGPIPE, &previous, nullptr); });

    QProcess process;
    process.setStandardInputFile(QStringLiteral("/proc/%1/fd/%2")
                                         .arg(QCoreApplication::applicationPid())
                                         .arg(pipeFds[0]));
    process.start(
            toolPath(),
            {QStringLiteral("call"), server->address(), QStringLiteral("1"), QStringLiteral("-")});
    QVERIFY(process.waitForStarted(Timeout));
    ::close(pipeFds[0]); // the tool holds the only read end now
    pipeFds[0] = -1;
    QVERIFY(::fcntl(pipeFds[1], F_SETFL, O_NONBLOCK) == 0);

    // Offer 64 MiB; count what the tool took before it closed its end.
    constexpr qint64 offered = 64 * 1024 * 1024;
    const QByteArray chunk(64 * 1024, 'z');
    qint64 written = 0;
    while (written < offered) {
        const ssize_t n = ::write(pipeFds[1], chunk.constData(), size_t(chunk.size()));
        if (n > 0) {
            written += n;
            continue;
        }
        if (n < 0 && errno == EPIPE)
            break; // the tool is gone
        QVERIFY2(n < 0 && errno == EAGAIN, std::strerror(errno));
        pollfd writable = {pipeFds[1], POLLOUT, 0};
        QVERIFY2(::poll(&writable, 1, Timeout) == 1, "the tool neither reads nor exits");
    }
    ::close(pipeFds[1]);
    pipeFds[1] = -1;
    QVERIFY(process.waitForFinished(Timeout));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitCode(), 2);
    QVERIFY2(err.startsWith("fizyr-rpc call: cannot send the body from stdin: more than "), err);
    // What the tool read (the limit plus one byte) and what the pipe holds.
    QVERIFY2(written < 4 * 1024 * 1024, QByteArray::number(written));
    QVERIFY(server->requests.isEmpty());
}

// --fd: the server reads the content through the received descriptors.
void tst_Tool::callFileDescriptors()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    MemFd first("memfd content;");
    MemFd second(" second file");
    QVERIFY(first.isValid() && second.isValid());
    const Result result = run({QStringLiteral("call"), server->address(), QStringLiteral("6"),
                               QStringLiteral("--fd"), first.path(), QStringLiteral("--fd"),
                               second.path(), QStringLiteral("--raw")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(server->requests.first().fileDescriptors().size(), 2);
    QCOMPARE(server->fdContent, QByteArray("memfd content; second file"));
    QCOMPARE(result.out, QByteArray("memfd content; second file"));
}

// ---------------------------------------------------------------------------

void tst_Tool::stream()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const Result result = run({QStringLiteral("stream"), server->address(), QStringLiteral("42"),
                               QStringLiteral("tick")});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY(result.out.isEmpty());
    QVERIFY(result.err.isEmpty());
    QVERIFY(server->waitFor([&] { return server->streams.size() == 1; }));
    QCOMPARE(server->streams.first().serviceId(), 42);
    QCOMPARE(server->streams.first().body(), QByteArray("tick"));

    const Result fromStdin = run({QStringLiteral("stream"), server->address(), QStringLiteral("43"),
                                  QStringLiteral("-")},
                                 "piped");
    QCOMPARE(fromStdin.exitCode, 0);
    QVERIFY(server->waitFor([&] { return server->streams.size() == 2; }));
    QCOMPARE(server->streams.at(1).body(), QByteArray("piped"));
}

// stream --fd: the server reads the files through the received descriptors.
void tst_Tool::streamFileDescriptors()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    MemFd first("first;");
    MemFd second("second");
    QVERIFY(first.isValid() && second.isValid());
    const Result result = run({QStringLiteral("stream"), server->address(), QStringLiteral("8"),
                               QStringLiteral("files"), QStringLiteral("--fd"), first.path(),
                               QStringLiteral("--fd"), second.path()});
    QVERIFY2(result.finished && result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY(server->waitFor([&] { return !server->streams.isEmpty(); }));
    const RpcMessage message = server->streams.first();
    QCOMPARE(message.serviceId(), 8);
    QCOMPARE(message.body(), QByteArray("files"));
    QCOMPARE(message.fileDescriptors().size(), 2);
    QCOMPARE(readFd(message.fileDescriptors().at(0).fileDescriptor()), QByteArray("first;"));
    QCOMPARE(readFd(message.fileDescriptors().at(1).fileDescriptor()), QByteArray("second"));
}

// ---------------------------------------------------------------------------

// serve against the tool's own call: every exit code, and a clean SIGTERM.
void tst_Tool::serve()
{
    ToolProcess serve;
    QVERIFY(serve.start({QStringLiteral("serve"), address(QStringLiteral("serve"))}));
    const QString serveAddress = serve.listeningAddress();
    QVERIFY2(!serveAddress.isEmpty(), serve.errors().constData());
    if (scheme() == QLatin1String("tcp"))
        QVERIFY2(!serveAddress.endsWith(QLatin1String(":0")), qPrintable(serveAddress));
    else
        QCOMPARE(serveAddress, address(QStringLiteral("serve")));

    Result result = run({QStringLiteral("call"), serveAddress, QStringLiteral("1"),
                         QStringLiteral("echo me"), QStringLiteral("--raw")});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out, QByteArray("echo me"));

    result = run({QStringLiteral("call"), serveAddress, QStringLiteral("9"), QStringLiteral("x")});
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.err, QByteArray("fizyr-rpc call: error response: unknown service 9\n"));

    result = run({QStringLiteral("stream"), serveAddress, QStringLiteral("3"),
                  QStringLiteral("streamed")});
    QCOMPARE(result.exitCode, 0);

    QVERIFY(serve.waitForOutput("stream service 3, 8 bytes: \"streamed\""));
    const QByteArray output = serve.output();
    QVERIFY2(output.contains("request #") && output.contains("service 1, 7 bytes: \"echo me\""),
             output.constData());
    QVERIFY(output.contains("service 9, 1 byte: \"x\""));
    QVERIFY(output.contains("[1] connected"));

    QCOMPARE(serve.stop(SIGTERM), 0);
    if (scheme() != QLatin1String("tcp")) {
        const QString path = serveAddress.mid(serveAddress.indexOf(QLatin1Char(':')) + 1);
        QVERIFY2(!QFile::exists(path), qPrintable(path));
    }
}

void tst_Tool::serveUpdatesAndWait()
{
    ToolProcess serve;
    QVERIFY(serve.start({QStringLiteral("serve"), address(QStringLiteral("serve")),
                         QStringLiteral("--updates"), QStringLiteral("2"),
                         QStringLiteral("--wait-updates"), QStringLiteral("1")}));
    const QString serveAddress = serve.listeningAddress();
    QVERIFY(!serveAddress.isEmpty());
    const Result result = run({QStringLiteral("call"), serveAddress, QStringLiteral("1"),
                               QStringLiteral("body"), QStringLiteral("--update"),
                               QStringLiteral("77:requester says"), QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    const QList<QJsonObject> objects = jsonLines(result.out);
    QCOMPARE(objects.size(), 4);
    QCOMPARE(objects.at(0).value(QStringLiteral("body")).toString(),
             QStringLiteral("update 1 of 2"));
    QCOMPARE(objects.at(1).value(QStringLiteral("body")).toString(),
             QStringLiteral("update 2 of 2"));
    // The requester update, echoed.
    QCOMPARE(objects.at(2).value(QStringLiteral("type")).toString(),
             QStringLiteral("responder-update"));
    QCOMPARE(objects.at(2).value(QStringLiteral("service_id")).toInt(), 77);
    QCOMPARE(objects.at(2).value(QStringLiteral("body")).toString(),
             QStringLiteral("requester says"));
    QCOMPARE(objects.at(3).value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(objects.at(3).value(QStringLiteral("body")).toString(), QStringLiteral("body"));
    QVERIFY(serve.waitForOutput("requester-update #"));
    QCOMPARE(serve.stop(SIGINT), 0);
}

// serve --json with clients in this process: stream echo, events as JSON.
void tst_Tool::serveJsonAndClients()
{
    ToolProcess serve;
    QVERIFY(serve.start(
            {QStringLiteral("serve"), address(QStringLiteral("serve")), QStringLiteral("--json")}));
    QVERIFY(serve.waitForOutput("\n"));
    const QList<QJsonObject> first = jsonLines(serve.output());
    QCOMPARE(first.size(), 1);
    QCOMPARE(first.first().value(QStringLiteral("type")).toString(), QStringLiteral("listening"));
    const QString serveAddress = first.first().value(QStringLiteral("address")).toString();

    RpcPeer client;
    client.setAutoDeleteRequests(true);
    QSignalSpy streamSpy(&client, &RpcPeer::streamReceived);
    client.connectToServer(serveAddress);
    QVERIFY(client.waitForConnected(Timeout));
    QVERIFY(client.sendStream(12, "round trip"));
    QVERIFY(streamSpy.wait(Timeout));
    const RpcMessage echoed = streamSpy.first().first().value<RpcMessage>();
    QCOMPARE(echoed.serviceId(), 12);
    QCOMPARE(echoed.body(), QByteArray("round trip"));

    RpcRequest *request = client.sendRequest(1, "hello");
    QSignalSpy finishedSpy(request, &RpcRequest::finished);
    QVERIFY(finishedSpy.wait(Timeout));
    QCOMPARE(request->response().serviceId(), 0);
    QCOMPARE(request->response().body(), QByteArray("hello"));

    client.disconnectFromServer();
    QVERIFY(serve.waitForOutput("\"disconnected\""));
    QCOMPARE(serve.stop(), 0);
    const QList<QJsonObject> objects = jsonLines(serve.output());
    QVERIFY2(!objects.isEmpty(), serve.output().constData());
    QCOMPARE(ofType(objects, QStringLiteral("connected")).size(), 1);
    const QList<QJsonObject> streams = ofType(objects, QStringLiteral("stream"));
    QCOMPARE(streams.size(), 1);
    QCOMPARE(streams.first().value(QStringLiteral("connection")).toInt(), 1);
    QCOMPARE(streams.first().value(QStringLiteral("body")).toString(),
             QStringLiteral("round trip"));
    QVERIFY(!streams.first().contains(QStringLiteral("request_id")));
    const QList<QJsonObject> requests = ofType(objects, QStringLiteral("request"));
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests.first().value(QStringLiteral("service_id")).toInt(), 1);
}

// serve echoes descriptors: with the response of service 1 to the tool's
// call, and with an echoed stream message to a client in this process.
void tst_Tool::serveFileDescriptors()
{
    ToolProcess serve;
    QVERIFY(serve.start({QStringLiteral("serve"), address(QStringLiteral("serve"))}));
    const QString serveAddress = serve.listeningAddress();
    QVERIFY(!serveAddress.isEmpty());
    MemFd memfd("served");
    QVERIFY(memfd.isValid());
    const Result result = run({QStringLiteral("call"), serveAddress, QStringLiteral("1"),
                               QStringLiteral("fd"), QStringLiteral("--fd"), memfd.path(),
                               QStringLiteral("--fd"), memfd.path(), QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    const QList<QJsonObject> objects = jsonLines(result.out);
    QCOMPARE(objects.size(), 1);
    QCOMPARE(objects.first().value(QStringLiteral("type")).toString(), QStringLiteral("response"));
    QCOMPARE(objects.first().value(QStringLiteral("fds")).toInt(), 2);

    RpcPeer client;
    QSignalSpy streamSpy(&client, &RpcPeer::streamReceived);
    client.connectToServer(serveAddress);
    QVERIFY(client.waitForConnected(Timeout));
    QVERIFY(client.sendStream(4, "with fd",
                              {RpcFileDescriptor::fromOwned(::dup(memfd.fileDescriptor()))}));
    QVERIFY(streamSpy.wait(Timeout));
    const RpcMessage echoed = streamSpy.first().first().value<RpcMessage>();
    QCOMPARE(echoed.serviceId(), 4);
    QCOMPARE(echoed.fileDescriptors().size(), 1);
    QCOMPARE(readFd(echoed.fileDescriptors().first().fileDescriptor()), QByteArray("served"));
    QVERIFY(serve.waitForOutput("stream service 4, 7 bytes, 1 fd: \"with fd\""));
    QVERIFY(serve.output().contains(" service 1, 2 bytes, 2 fds: \"fd\""));
    QCOMPARE(serve.stop(), 0);
}

void tst_Tool::serveAddressInUse()
{
    ToolProcess serve;
    QVERIFY(serve.start({QStringLiteral("serve"), address(QStringLiteral("serve"))}));
    const QString serveAddress = serve.listeningAddress();
    QVERIFY(!serveAddress.isEmpty());
    const Result second = run({QStringLiteral("serve"), serveAddress});
    QVERIFY2(second.finished && second.exitCode == 2, qPrintable(describe(second)));
    QVERIFY2(second.err.startsWith("fizyr-rpc serve: cannot listen on "), second.err.constData());
    QCOMPARE(second.err.count('\n'), 1);
    QCOMPARE(serve.stop(), 0);
}

// ---------------------------------------------------------------------------

void tst_Tool::listen()
{
    ToolProcess listen;
    QVERIFY(listen.start({QStringLiteral("listen"), address(QStringLiteral("listen"))}));
    const QString listenAddress = listen.listeningAddress();
    QVERIFY(!listenAddress.isEmpty());

    RpcPeer client;
    client.setAutoDeleteRequests(true);
    client.connectToServer(listenAddress);
    QVERIFY(client.waitForConnected(Timeout));
    QVERIFY(client.sendStream(21, "looked at"));
    RpcRequest *request = client.sendRequest(31, "rejected");
    QSignalSpy finishedSpy(request, &RpcRequest::finished);
    QVERIFY(finishedSpy.wait(Timeout));
    QCOMPARE(request->error(), RpcError::RemoteError);
    QCOMPARE(request->response().errorText(), QStringLiteral("unexpected request for service 31"));
    QVERIFY(listen.waitForOutput("service 31, 8 bytes: \"rejected\""));
    QVERIFY(listen.output().contains("[1] stream service 21, 9 bytes: \"looked at\""));

    // The tool's own call gets exit code 1 from listen.
    const Result result = run({QStringLiteral("call"), listenAddress, QStringLiteral("1")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY(listen.waitForOutput("[2] request #"));

    QCOMPARE(listen.stop(SIGINT), 0);
    if (scheme() != QLatin1String("tcp"))
        QVERIFY(!QFile::exists(listenAddress.mid(listenAddress.indexOf(QLatin1Char(':')) + 1)));
}

void tst_Tool::listenEcho()
{
    ToolProcess listen;
    QVERIFY(listen.start({QStringLiteral("listen"), address(QStringLiteral("listen")),
                          QStringLiteral("--echo"), QStringLiteral("--json")}));
    QVERIFY(listen.waitForOutput("\n"));
    const QString listenAddress
            = jsonLines(listen.output()).value(0).value(QStringLiteral("address")).toString();
    QVERIFY(!listenAddress.isEmpty());
    const Result result = run({QStringLiteral("call"), listenAddress, QStringLiteral("1234"),
                               QStringLiteral("anything"), QStringLiteral("--raw")});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out, QByteArray("anything"));
    QVERIFY(listen.waitForOutput("\"disconnected\""));
    const QList<QJsonObject> requests
            = ofType(jsonLines(listen.output()), QStringLiteral("request"));
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests.first().value(QStringLiteral("service_id")).toInt(), 1234);
    QCOMPARE(requests.first().value(QStringLiteral("body")).toString(), QStringLiteral("anything"));
    QCOMPARE(listen.stop(), 0);
}

// ---------------------------------------------------------------------------

// A client and a server in this process, the tool's proxy between them: a
// request with updates both ways, streams both ways, a request from the
// server side, and the close of one side reaching the other.
void tst_Tool::proxy()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    ToolProcess proxy;
    QVERIFY(proxy.start({QStringLiteral("proxy"), address(QStringLiteral("proxy")),
                         server->address(), QStringLiteral("--json")}));
    QVERIFY(proxy.waitForOutput("\n"));
    const QString proxyAddress
            = jsonLines(proxy.output()).value(0).value(QStringLiteral("address")).toString();
    QVERIFY2(!proxyAddress.isEmpty(), proxy.output().constData());

    RpcPeer client;
    client.setAutoDeleteRequests(true);
    QSignalSpy clientStreams(&client, &RpcPeer::streamReceived);
    QObject::connect(&client, &RpcPeer::requestReceived, &client, [](RpcRequest *request) {
        request->sendUpdate(61, "client working");
        request->sendResponse(0, "client answer to " + request->body());
    });
    client.connectToServer(proxyAddress);
    QVERIFY(client.waitForConnected(Timeout));

    // Request with requester updates (forwarded) and responder updates (echoed back).
    // An id the target's side would not pick by itself: it must pass unchanged.
    RpcRequest *request = client.sendRequestWithId(4242, 3, "start");
    QSignalSpy updateSpy(request, &RpcRequest::updateReceived);
    QSignalSpy finishedSpy(request, &RpcRequest::finished);
    QVERIFY(request->sendUpdate(7, "one"));
    QVERIFY(request->sendUpdate(8, "two"));
    QVERIFY(finishedSpy.wait(Timeout));
    QCOMPARE(request->error(), RpcError::NoError);
    QCOMPARE(request->response().body(), QByteArray("one+two"));
    QCOMPARE(updateSpy.size(), 2);
    QCOMPARE(updateSpy.at(0).first().value<RpcMessage>().serviceId(), 7);
    QCOMPARE(updateSpy.at(1).first().value<RpcMessage>().body(), QByteArray("two"));
    QCOMPARE(server->requests.size(), 1);
    QCOMPARE(server->requests.first().body(), QByteArray("start"));
    QCOMPARE(server->requests.first().requestId(), 4242u);
    QCOMPARE(server->requesterUpdates.size(), 2);

    // An error response passes unchanged.
    RpcRequest *failing = client.sendRequest(2);
    QSignalSpy failingSpy(failing, &RpcRequest::finished);
    QVERIFY(failingSpy.wait(Timeout));
    QCOMPARE(failing->response().serviceId(), -1);
    QCOMPARE(failing->response().errorText(), QStringLiteral("service 2 is broken"));

    // Streams both ways (the server answers each with an echo stream).
    QVERIFY(client.sendStream(9, "hi"));
    QVERIFY(clientStreams.wait(Timeout));
    QCOMPARE(server->streams.size(), 1);
    QCOMPARE(server->streams.first().serviceId(), 9);
    QCOMPARE(clientStreams.first().first().value<RpcMessage>().serviceId(), 109);
    QCOMPARE(clientStreams.first().first().value<RpcMessage>().body(), QByteArray("echo:hi"));

    // A request from the server side, with a responder update.
    QCOMPARE(server->peers.size(), 1);
    RpcPeer *serverPeer = server->peers.first();
    QVERIFY(serverPeer);
    RpcRequest *reverse = serverPeer->sendRequest(44, "question");
    QSignalSpy reverseUpdates(reverse, &RpcRequest::updateReceived);
    QSignalSpy reverseSpy(reverse, &RpcRequest::finished);
    QVERIFY(reverseSpy.wait(Timeout));
    QCOMPARE(reverse->response().body(), QByteArray("client answer to question"));
    QCOMPARE(reverseUpdates.size(), 1);
    QCOMPARE(reverseUpdates.first().first().value<RpcMessage>().body(),
             QByteArray("client working"));

    // Closing the client closes the proxy's connection to the server.
    QSignalSpy serverDisconnected(serverPeer, &RpcPeer::disconnected);
    client.disconnectFromServer();
    QVERIFY(serverDisconnected.wait(Timeout));
    QVERIFY(proxy.waitForOutput("\"side\":\"target\""));

    // What the proxy printed.
    QCOMPARE(proxy.stop(), 0);
    const QList<QJsonObject> objects = jsonLines(proxy.output());
    QVERIFY2(!objects.isEmpty(), proxy.output().constData());
    const QList<QJsonObject> requests = ofType(objects, QStringLiteral("request"));
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests.at(0).value(QStringLiteral("direction")).toString(),
             QStringLiteral("client->target"));
    QCOMPARE(requests.at(0).value(QStringLiteral("service_id")).toInt(), 3);
    QCOMPARE(requests.at(0).value(QStringLiteral("body")).toString(), QStringLiteral("start"));
    QCOMPARE(requests.at(0).value(QStringLiteral("request_id")).toInteger(), 4242);
    QCOMPARE(requests.at(0).value(QStringLiteral("forwarded_request_id")).toInteger(), 4242);
    QCOMPARE(requests.at(2).value(QStringLiteral("direction")).toString(),
             QStringLiteral("target->client"));
    QCOMPARE(requests.at(2).value(QStringLiteral("service_id")).toInt(), 44);
    const QList<QJsonObject> requesterUpdates = ofType(objects, QStringLiteral("requester-update"));
    QCOMPARE(requesterUpdates.size(), 2);
    QCOMPARE(requesterUpdates.at(0).value(QStringLiteral("direction")).toString(),
             QStringLiteral("client->target"));
    const QList<QJsonObject> responderUpdates = ofType(objects, QStringLiteral("responder-update"));
    QCOMPARE(responderUpdates.size(), 3);
    QCOMPARE(responderUpdates.at(0).value(QStringLiteral("direction")).toString(),
             QStringLiteral("target->client"));
    QCOMPARE(responderUpdates.at(2).value(QStringLiteral("direction")).toString(),
             QStringLiteral("client->target"));
    const QList<QJsonObject> responses = ofType(objects, QStringLiteral("response"));
    QCOMPARE(responses.size(), 3);
    QCOMPARE(responses.at(1).value(QStringLiteral("error")).toString(),
             QStringLiteral("service 2 is broken"));
    const QList<QJsonObject> streams = ofType(objects, QStringLiteral("stream"));
    QCOMPARE(streams.size(), 2);
    QCOMPARE(streams.at(0).value(QStringLiteral("direction")).toString(),
             QStringLiteral("client->target"));
    QCOMPARE(streams.at(1).value(QStringLiteral("direction")).toString(),
             QStringLiteral("target->client"));
    QCOMPARE(streams.at(1).value(QStringLiteral("size")).toInt(), 7);
    QCOMPARE(ofType(objects, QStringLiteral("disconnected")).size(), 2);
}

// Only the tool: call -> proxy (this row's transport) -> serve (another
// transport), human output; the target going away closes the client side.
void tst_Tool::proxyToolChain()
{
#ifdef FIZYRRPCQT_TEST_SEQPACKET
    const QString targetScheme = scheme() == QLatin1String("seqpacket")
            ? QStringLiteral("tcp")
            : QStringLiteral("seqpacket");
#else
    const QString targetScheme
            = scheme() == QLatin1String("tcp") ? QStringLiteral("unix") : QStringLiteral("tcp");
#endif
    ToolProcess serve;
    QVERIFY(serve.start({QStringLiteral("serve"),
                         RpcTestSupport::addressFor(targetScheme, *m_dir, QStringLiteral("target")),
                         QStringLiteral("--wait-updates"), QStringLiteral("1")}));
    const QString serveAddress = serve.listeningAddress();
    QVERIFY(!serveAddress.isEmpty());
    ToolProcess proxy;
    QVERIFY(proxy.start({QStringLiteral("proxy"), address(QStringLiteral("proxy")), serveAddress}));
    const QString proxyAddress = proxy.listeningAddress();
    QVERIFY(!proxyAddress.isEmpty());

    Result result
            = run({QStringLiteral("call"), proxyAddress, QStringLiteral("1"),
                   QStringLiteral("through"), QStringLiteral("--update"), QStringLiteral("2:upd")});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    QVERIFY2(result.out.contains("responder-update #")
                     && result.out.contains("service 2, 3 bytes: \"upd\""),
             result.out.constData());
    QVERIFY(result.out.contains("service 0, 7 bytes: \"through\""));

    result = run({QStringLiteral("call"), proxyAddress, QStringLiteral("5"), QStringLiteral("-u"),
                  QStringLiteral("0:")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY(result.err.contains("unknown service 5"));

    QVERIFY(proxy.waitForOutput("[2] target disconnected"));
    const QByteArray output = proxy.output();
    for (const char *line :
         {"[1] client connected", "[1] client -> target request #",
          "[1] client -> target requester-update #", "[1] target -> client responder-update #",
          "[1] target -> client response #", "[1] client disconnected",
          "[1] target disconnected"}) {
        QVERIFY2(output.contains(line),
                 qPrintable(QLatin1String(line) + QLatin1Char('\n') + QString::fromUtf8(output)));
    }
    QVERIFY(output.contains("service 1, 7 bytes: \"through\" [forwarded as #"));

    // A client left open is closed when the target goes away.
    RpcPeer client;
    QSignalSpy disconnectedSpy(&client, &RpcPeer::disconnected);
    client.connectToServer(proxyAddress);
    QVERIFY(client.waitForConnected(Timeout));
    QVERIFY(proxy.waitForOutput("[3] client connected"));
    QCOMPARE(serve.stop(), 0);
    // (It may have come while stop() waited.)
    QVERIFY(!disconnectedSpy.isEmpty() || disconnectedSpy.wait(Timeout));
    QCOMPARE(proxy.stop(SIGINT), 0);
}

// call --fd through the proxy (seqpacket on both sides): the server reads
// the memfd's content through the descriptor that crossed two connections.
void tst_Tool::proxyFileDescriptors()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    ToolProcess proxy;
    QVERIFY(proxy.start(
            {QStringLiteral("proxy"), address(QStringLiteral("proxy")), server->address()}));
    const QString proxyAddress = proxy.listeningAddress();
    QVERIFY(!proxyAddress.isEmpty());
    MemFd memfd("content behind a descriptor");
    QVERIFY(memfd.isValid());
    const Result result = run({QStringLiteral("call"), proxyAddress, QStringLiteral("6"),
                               QStringLiteral("--fd"), memfd.path(), QStringLiteral("--json")});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(server->requests.size(), 1);
    QCOMPARE(server->requests.first().fileDescriptors().size(), 1);
    QCOMPARE(server->fdContent, QByteArray("content behind a descriptor"));
    // The server sent the descriptor back with the response, through the proxy.
    const QList<QJsonObject> objects = jsonLines(result.out);
    QCOMPARE(objects.size(), 1);
    QCOMPARE(objects.first().value(QStringLiteral("body")).toString(),
             QStringLiteral("content behind a descriptor"));
    QCOMPARE(objects.first().value(QStringLiteral("fds")).toInt(), 1);
    QVERIFY(proxy.waitForOutput("[1] target disconnected"));
    QVERIFY2(proxy.output().contains("[1] client -> target request #")
                     && proxy.output().contains(" service 6, 0 bytes, 1 fd [forwarded as #"),
             proxy.output().constData());
    QVERIFY2(proxy.output().contains("[1] target -> client response #"),
             proxy.output().constData());
    QVERIFY(proxy.output().contains(" service 0, 27 bytes, 1 fd: \"content behind"));

    // A stream message with descriptors.
    const Result streamed
            = run({QStringLiteral("stream"), proxyAddress, QStringLiteral("7"),
                   QStringLiteral("--fd"), memfd.path(), QStringLiteral("--fd"), memfd.path()});
    QVERIFY2(streamed.exitCode == 0, qPrintable(describe(streamed)));
    QVERIFY(server->waitFor([&] { return !server->streams.isEmpty(); }));
    QCOMPARE(server->streams.first().fileDescriptors().size(), 2);
    QCOMPARE(readFd(server->streams.first().fileDescriptors().at(1).fileDescriptor()),
             QByteArray("content behind a descriptor"));
    QVERIFY(proxy.waitForOutput("[2] client -> target stream service 7, 0 bytes, 2 fds"));
    QCOMPARE(proxy.stop(), 0);

    // Towards TCP, descriptors cannot pass: the client gets an error
    // response from the proxy, the server nothing.
    auto tcpServer = std::make_unique<TestServer>();
    QVERIFY(tcpServer->listen(QStringLiteral("tcp://127.0.0.1:0")));
    ToolProcess tcpProxy;
    QVERIFY(tcpProxy.start(
            {QStringLiteral("proxy"), address(QStringLiteral("proxy2")), tcpServer->address()}));
    const QString tcpProxyAddress = tcpProxy.listeningAddress();
    QVERIFY(!tcpProxyAddress.isEmpty());
    const Result refused = run({QStringLiteral("call"), tcpProxyAddress, QStringLiteral("6"),
                                QStringLiteral("--fd"), memfd.path()});
    QVERIFY2(refused.exitCode == 1, qPrintable(describe(refused)));
    QVERIFY2(refused.err.startsWith("fizyr-rpc call: error response: proxy: "),
             refused.err.constData());
    QVERIFY(tcpServer->requests.isEmpty());
    QCOMPARE(tcpProxy.stop(), 0);
}

// Nothing at the target: the client's connection is closed, the proxy says
// why on stderr and keeps running.
void tst_Tool::proxyTargetDown()
{
    QString target = address(QStringLiteral("nobody"));
    if (scheme() == QLatin1String("tcp")) {
        RpcServer probe;
        QVERIFY(probe.listen(target));
        target = probe.serverAddress().toString();
        probe.close();
    }
    ToolProcess proxy;
    QVERIFY(proxy.start({QStringLiteral("proxy"), address(QStringLiteral("proxy")), target}));
    const QString proxyAddress = proxy.listeningAddress();
    QVERIFY(!proxyAddress.isEmpty());
    for (int i = 0; i < 2; ++i) {
        const Result result = run({QStringLiteral("call"), proxyAddress, QStringLiteral("1")});
        QVERIFY2(result.finished && result.exitCode == 2, qPrintable(describe(result)));
        QCOMPARE(result.err.count('\n'), 1);
    }
    QCOMPARE(proxy.process().state(), QProcess::Running);
    QCOMPARE(proxy.stop(), 0);
    const QByteArray errors = proxy.errors();
    QCOMPARE(errors.count("fizyr-rpc proxy: cannot connect to " + target.toUtf8()), 2);
}

// Clients that connect and close at once, before the proxy's connection to
// the target is up: each of those connections is closed again, and the
// proxy is back to the descriptors it had (issue 12, item 8: 19 of 20 stayed
// open).
void tst_Tool::proxyClientClosesEarly()
{
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    ToolProcess proxy;
    QVERIFY(proxy.start(
            {QStringLiteral("proxy"), address(QStringLiteral("proxy")), server->address()}));
    const QString proxyAddress = proxy.listeningAddress();
    QVERIFY(!proxyAddress.isEmpty());
    const qint64 pid = proxy.process().processId();
    const int before = openFdCount(pid);

    constexpr int probes = 20;
    for (int i = 0; i < probes; ++i) {
        RpcPeer probe;
        probe.connectToServer(proxyAddress);
        QVERIFY(probe.waitForConnected(Timeout));
        probe.abort();
    }
    // One connection to the target per probe, and every one closed again.
    QVERIFY2(server->waitFor([&] {
        return server->peers.size() == probes && server->connectedPeers() == 0;
    }),
             qPrintable(QStringLiteral("%1 connections to the target, %2 still open")
                                .arg(server->peers.size())
                                .arg(server->connectedPeers())));
    QTRY_COMPARE_WITH_TIMEOUT(openFdCount(pid), before, Timeout);

    // The proxy still works.
    const Result result = run({QStringLiteral("call"), proxyAddress, QStringLiteral("1"),
                               QStringLiteral("after"), QStringLiteral("--raw")});
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)));
    QCOMPARE(result.out, QByteArray("pong:after"));
    QCOMPARE(proxy.stop(), 0);
}

// fizyr-rpc-bench against a server whose echo has the wrong size (the test
// server answers service 1 with "pong:" + body): a benchmark error with a
// message and exit code 1, not an exception thrown out of a slot.
void tst_Tool::benchWrongEchoSize()
{
#ifndef FIZYR_RPC_BENCH
    QSKIP("built without fizyr-rpc-bench (FIZYRRPCQT_BUILD_BENCHMARKS=OFF)");
#else
    std::unique_ptr<TestServer> server = startServer();
    QVERIFY(server);
    const Result result
            = runProgram(QStringLiteral(FIZYR_RPC_BENCH),
                         {QStringLiteral("--connect"), server->address(), QStringLiteral("--quick"),
                          QStringLiteral("--scenarios"), QStringLiteral("rtt"),
                          QStringLiteral("--size"), QStringLiteral("16")});
    QVERIFY2(result.finished && result.exitCode == 1, qPrintable(describe(result)));
    QCOMPARE(result.err,
             QByteArray("fizyr-rpc-bench: echo size mismatch: sent 16 bytes, got 21 back\n"));
    QVERIFY(!server->requests.isEmpty());
#endif
}

QTEST_GUILESS_MAIN(tst_Tool)
#include "tst_tool.moc"

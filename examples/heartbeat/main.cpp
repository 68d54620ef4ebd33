// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// An application heartbeat with the Sensor interface of heartbeat.rpc, which
// declares a `ping` service (id 99) for it.
//
// heartbeat serve ADDRESS [HANG_AFTER]
//     Serves Sensor on ADDRESS. After HANG_AFTER pings (default: never) it
//     stops answering them, like a server whose process hangs: the
//     connection stays open and the kernel still answers TCP keep-alive
//     probes, so only the heartbeat notices.
// heartbeat watch ADDRESS
//     Connects with a heartbeat (a ping every 200 ms, 1 s to answer), reads
//     the sensor once and waits. When a ping goes unanswered the library
//     closes the connection with RpcError::HeartbeatTimeout; the program
//     prints why and exits with 0 (1 on any other outcome).

#include "heartbeat.h"

#include <FizyrRpcQt/RpcConfig>
#include <FizyrRpcQt/RpcPeer>
#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QTextStream>

namespace {

// The id of `service 99 ping` in heartbeat.rpc.
constexpr qint32 PingServiceId = 99;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

int serve(const QString &address, int hangAfter)
{
    Fizyr::RpcServer server;
    if (!server.listen(address)) {
        QTextStream(stderr) << "heartbeat: cannot listen on " << address << ": "
                            << server.errorString() << Qt::endl;
        return 1;
    }
    SensorServer sensor(&server);
    QObject::connect(&sensor, &SensorServer::readRequested, &sensor,
                     [](SensorReadRequest *request) { request->respond(Reading{21.5}); });
    int pings = 0;
    QObject::connect(&sensor, &SensorServer::pingRequested, &sensor,
                     [&pings, hangAfter](SensorPingRequest *request) {
                         ++pings;
                         if (hangAfter >= 0 && pings > hangAfter) {
                             // Hanging: the request stays open, unanswered.
                             if (pings == hangAfter + 1)
                                 out() << "not answering pings any more" << Qt::endl;
                             return;
                         }
                         request->respond();
                     });
    out() << "listening on " << server.serverAddress().toString() << Qt::endl;
    return QCoreApplication::exec();
}

int watch(const QString &address)
{
    Fizyr::RpcPeer peer;
    // The transport's defaults, plus the heartbeat.
    Fizyr::RpcConfig config
            = Fizyr::RpcConfig::defaultsFor(Fizyr::RpcAddress::fromString(address).transport());
    config.setHeartbeatServiceId(PingServiceId);
    config.setHeartbeatInterval(200); // milliseconds
    config.setHeartbeatTimeout(1000);
    peer.setConfig(config);
    SensorClient sensor(&peer);

    QObject::connect(&peer, &Fizyr::RpcPeer::connected, &peer, [&sensor] {
        out() << "connected" << Qt::endl;
        SensorReadCall *call = sensor.read();
        QObject::connect(call, &SensorReadCall::finished, call, [call] {
            call->deleteLater();
            if (call->error() == Fizyr::RpcError::NoError)
                out() << "reading: " << call->response().celsius << " C" << Qt::endl;
        });
    });
    QObject::connect(&peer, &Fizyr::RpcPeer::errorOccurred, &peer, [&peer](Fizyr::RpcError error) {
        if (peer.state() == Fizyr::RpcPeer::ConnectedState)
            return; // the connection survived it
        if (error == Fizyr::RpcError::HeartbeatTimeout) {
            out() << "connection closed: " << peer.errorString() << Qt::endl;
            QCoreApplication::exit(0);
        } else {
            QTextStream(stderr) << "heartbeat: " << peer.errorString() << Qt::endl;
            QCoreApplication::exit(1);
        }
    });
    QObject::connect(&peer, &Fizyr::RpcPeer::disconnected, &peer, [&peer] {
        if (peer.error() != Fizyr::RpcError::HeartbeatTimeout)
            QCoreApplication::exit(1);
    });
    peer.connectToServer(address);
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() >= 3 && args.at(1) == QLatin1String("serve"))
        return serve(args.at(2), args.size() > 3 ? args.at(3).toInt() : -1);
    if (args.size() == 3 && args.at(1) == QLatin1String("watch"))
        return watch(args.at(2));
    QTextStream(stderr) << "usage: heartbeat serve ADDRESS [HANG_AFTER]\n"
                           "       heartbeat watch ADDRESS"
                        << Qt::endl;
    return 2;
}

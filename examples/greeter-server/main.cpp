// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// greeter-server [ADDRESS]: serves the Greeter interface of ../greeter/greeter.rpc on
// ADDRESS (default tcp://127.0.0.1:12346) with the classes fizyr-rpc-gen
// generated from it.
//
// greet sends one progress update per greeting, 50 ms apart, then responds
// with the greetings; times over 100 gets an error response, and a cancel
// update the error response "cancelled". ping responds at once. Log stream
// lines are printed.

#include "greeter.h"

#include <FizyrRpcQt/RpcServer>

#include <QtCore/QCoreApplication>
#include <QtCore/QMetaEnum>
#include <QtCore/QTextStream>
#include <QtCore/QTimer>

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QString greeting(const GreetRequest &request)
{
    const QString hello = QStringLiteral("Hello, %1!").arg(request.name);
    if (!request.style)
        return hello;
    switch (request.style->kind) {
    case Style::Plain:
        return hello;
    case Style::Shouting:
        return hello.toUpper();
    case Style::Custom:
        return QStringLiteral("%1, %2!").arg(request.style->custom, request.name);
    }
    return hello;
}

void greet(GreeterGreetRequest *request)
{
    const GreetRequest body = request->body();
    if (body.times > 100) {
        request->respondError(QStringLiteral("times must be at most 100, got %1").arg(body.times));
        return;
    }
    // The timer is a child of the request, so it stops when the request is
    // answered or its connection goes away.
    auto *timer = new QTimer(request);
    timer->setInterval(50);
    auto greetings = std::make_shared<QStringList>();
    auto step = [request, timer, greetings, body] {
        if (quint32(greetings->size()) >= body.times) {
            timer->stop();
            request->respond(GreetResponse{*greetings});
            return;
        }
        greetings->append(greeting(body));
        request->sendProgress(Progress{quint32(greetings->size()), body.times});
        if (quint32(greetings->size()) >= body.times) {
            timer->stop();
            request->respond(GreetResponse{*greetings});
        }
    };
    QObject::connect(timer, &QTimer::timeout, request, step);
    QObject::connect(request, &GreeterGreetRequest::cancelRequested, request, [request, timer] {
        timer->stop();
        request->respondError(QStringLiteral("cancelled"));
    });
    step();
    if (request->isOpen())
        timer->start();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString address = args.size() > 1 ? args.at(1) : QStringLiteral("tcp://127.0.0.1:12346");

    Fizyr::RpcServer server;
    if (!server.listen(address)) {
        QTextStream(stderr) << "greeter-server: cannot listen on " << address << ": "
                            << server.errorString() << Qt::endl;
        return 1;
    }

    GreeterServer greeter(&server);
    QObject::connect(&greeter, &GreeterServer::greetRequested, &greeter, &greet);
    QObject::connect(&greeter, &GreeterServer::pingRequested, &greeter,
                     [](GreeterPingRequest *request) { request->respond(); });
    QObject::connect(&greeter, &GreeterServer::logReceived, &greeter,
                     [](const LogLine &line, Fizyr::RpcPeer *) {
                         out() << "log "
                               << QMetaEnum::fromType<Level::Kind>().valueToKey(line.level.kind)
                               << ": " << line.text << Qt::endl;
                     });
    QObject::connect(
            &greeter, &GreeterServer::invalidBodyReceived, &greeter,
            [](const QString &errorString, Fizyr::RpcPeer *) { out() << errorString << Qt::endl; });

    out() << "listening on " << server.serverAddress().toString() << Qt::endl;
    return app.exec();
}

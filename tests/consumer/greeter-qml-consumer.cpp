// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The QML module of a typed interface, built from the installed package with
// fizyr_rpc_add_interface(... QML_URI Greeter): the types register, and a
// malformed call rejects naming the field. Exits with 0 on success.

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdebug.h>
#include <QtQml/qqmlcomponent.h>
#include <QtQml/qqmlengine.h>

#include <memory>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QQmlEngine engine;
    QObject::connect(&engine, &QQmlEngine::exit, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    QQmlComponent component(&engine);
    component.setData(R"QML(
import QtQml
import Greeter
QtObject {
    property GreeterClient client: GreeterClient { }
    property GreeterServer server: GreeterServer { }
    Component.onCompleted: client.greet({ name: "Ada", times: "two" }).then(() => Qt.exit(1), error => {
        console.log("rejected:", error.message)
        Qt.exit(error.message.indexOf("times") >= 0 && Level.Warning === 2 ? 0 : 1)
    })
}
)QML",
                      QUrl());
    std::unique_ptr<QObject> root(component.create());
    if (!root) {
        qWarning().noquote() << component.errorString();
        return 2;
    }
    return app.exec();
}

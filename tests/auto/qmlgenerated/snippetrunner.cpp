// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// qmlgen-snippet-runner FILE (also built as qmlgen-namespace-runner): runs a
// QML file, like Qt's qml tool, in a program that has the QML module of an
// interface built in (fizyr_rpc_add_interface(... QML_URI ...): Greeter for
// the snippet of doc/qml.md, Kitchen in a C++ namespace for the namespace
// check). Exits with the code of Qt.exit(), or 2 if the file does not load.

#include <QtCore/qcoreapplication.h>
#include <QtCore/qdebug.h>
#include <QtCore/qurl.h>
#include <QtQml/qqmlcomponent.h>
#include <QtQml/qqmlengine.h>

#include <memory>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        qWarning("usage: qmlgen-snippet-runner FILE");
        return 2;
    }
    QQmlEngine engine;
    QObject::connect(&engine, &QQmlEngine::exit, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    QQmlComponent component(&engine, QUrl::fromLocalFile(QString::fromLocal8Bit(argv[1])));
    std::unique_ptr<QObject> root(component.create());
    if (!root) {
        qWarning().noquote() << component.errorString();
        return 2;
    }
    return app.exec();
}

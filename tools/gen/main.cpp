// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc-gen: reads an interface file (*.rpc) and writes a C++ header and
// source with its value types and its typed clients and servers. Errors are
// reported as `file:line:column: message`; on any error nothing is written
// and the exit code is 1 (2 for a bad command line).

#include "generator.h"
#include "qmlemitter.h"

#include <QtCore/qcommandlineparser.h>
#include <QtCore/qcoreapplication.h>
#include <QtCore/qdir.h>
#include <QtCore/qfileinfo.h>
#include <QtCore/qsavefile.h>
#include <QtCore/qtextstream.h>

#include <cstdio>

namespace {

void printError(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stderr);
    std::fputc('\n', stderr);
}

bool writeFile(const QString &path, const QByteArray &content, QString *errorString)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()
        || !file.commit()) {
        *errorString = QStringLiteral("%1: cannot write: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

QString depfileEscape(const QString &path)
{
    QString out = path;
    out.replace(QLatin1Char(' '), QLatin1String("\\ "));
    return out;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fizyr-rpc-gen"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FIZYRRPCQT_GEN_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Generates typed C++ value types, clients and "
                                                    "servers from a Fizyr RPC interface file."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"),
                                 QStringLiteral("The interface file (*.rpc)."));
    const QCommandLineOption outputDir(
            {QStringLiteral("o"), QStringLiteral("output-dir")},
            QStringLiteral("Write <name>.h and <name>.cpp into <dir> (default: .)."),
            QStringLiteral("dir"), QStringLiteral("."));
    const QCommandLineOption baseName(
            QStringLiteral("name"),
            QStringLiteral("Base name of the output files (default: the input's)."),
            QStringLiteral("name"));
    const QCommandLineOption nameSpace(
            QStringLiteral("namespace"),
            QStringLiteral("Put the generated code into this C++ namespace."),
            QStringLiteral("namespace"));
    const QCommandLineOption depfile(
            QStringLiteral("depfile"),
            QStringLiteral("Write a Makefile-style dependency file (imports) to <file>."),
            QStringLiteral("file"));
    const QCommandLineOption qml(
            QStringLiteral("qml"),
            QStringLiteral("Also write <name>_qml.h and <name>_qml.cpp: the QML types of the "
                           "interfaces."));
    parser.addOptions({outputDir, baseName, nameSpace, depfile, qml});
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        printError(QStringLiteral("fizyr-rpc-gen: expected one interface file; see --help"));
        return 2;
    }
    const QString input = positional.first();
    const Fizyr::RpcInterfaceFile file = Fizyr::RpcInterfaceFile::fromFile(input);
    if (!file.isValid()) {
        printError(file.errorString());
        return 1;
    }
    QStringList dependencies;
    QString error;
    const QString text = flattenInterfaceText(input, &dependencies, &error);
    if (text.isNull()) {
        printError(error);
        return 1;
    }

    const QString name
            = parser.isSet(baseName) ? parser.value(baseName) : QFileInfo(input).completeBaseName();
    GeneratorOptions options;
    options.inputPath = input;
    options.headerName = name + QStringLiteral(".h");
    options.cppNamespace = parser.value(nameSpace);
    const GeneratorResult result = generate(file, text, options);
    if (!result.errors.isEmpty()) {
        for (const QString &e : result.errors)
            printError(e);
        return 1;
    }

    QmlEmitterResult glue;
    if (parser.isSet(qml)) {
        glue = emitQml(file, {name, options.headerName, options.cppNamespace});
        if (!glue.errors.isEmpty()) {
            for (const QString &e : glue.errors)
                printError(e);
            return 1;
        }
    }

    const QDir dir(parser.value(outputDir));
    if (!dir.exists() && !QDir().mkpath(dir.path())) {
        printError(QStringLiteral("%1: cannot create the directory").arg(dir.path()));
        return 1;
    }
    const QString headerPath = dir.filePath(options.headerName);
    const QString sourcePath = dir.filePath(name + QStringLiteral(".cpp"));
    if (!writeFile(headerPath, result.header.toUtf8(), &error)
        || !writeFile(sourcePath, result.source.toUtf8(), &error)) {
        printError(error);
        QFile::remove(headerPath);
        QFile::remove(sourcePath);
        return 1;
    }
    if (parser.isSet(qml)) {
        const QString qmlHeader = dir.filePath(name + QStringLiteral("_qml.h"));
        const QString qmlSource = dir.filePath(name + QStringLiteral("_qml.cpp"));
        if (!writeFile(qmlHeader, glue.header.toUtf8(), &error)
            || !writeFile(qmlSource, glue.source.toUtf8(), &error)) {
            printError(error);
            return 1;
        }
    }
    if (parser.isSet(depfile)) {
        QString content = depfileEscape(QFileInfo(headerPath).absoluteFilePath()) + QLatin1Char(' ')
                + depfileEscape(QFileInfo(sourcePath).absoluteFilePath()) + QLatin1Char(':');
        content += QLatin1Char(' ') + depfileEscape(QFileInfo(input).absoluteFilePath());
        for (const QString &dependency : std::as_const(dependencies))
            content += QLatin1Char(' ') + depfileEscape(dependency);
        content += QLatin1Char('\n');
        if (!writeFile(parser.value(depfile), content.toUtf8(), &error)) {
            printError(error);
            return 1;
        }
    }
    return 0;
}

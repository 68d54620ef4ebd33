// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#ifndef FIZYRRPCGEN_GENERATOR_H
#define FIZYRRPCGEN_GENERATOR_H

#include <FizyrRpcQt/rpcinterfacefile.h>

#include <QtCore/qstring.h>
#include <QtCore/qstringlist.h>

// Turns one parsed interface file into a C++ header and source.
struct GeneratorOptions
{
    QString inputPath; // as given on the command line
    QString headerName; // file name of the header, e.g. "greeter.h"
    QString cppNamespace; // optional namespace for everything generated
};

struct GeneratorResult
{
    QString header;
    QString source;
    QStringList errors; // empty on success
};

// Reads the file and its imports into one text with the imports inlined, so
// the generated code can parse its own copy at run time. Collects the
// imported paths in *dependencies.
QString flattenInterfaceText(const QString &path, QStringList *dependencies, QString *errorString);

GeneratorResult generate(const Fizyr::RpcInterfaceFile &file, const QString &embeddedText,
                         const GeneratorOptions &options);

#endif // FIZYRRPCGEN_GENERATOR_H

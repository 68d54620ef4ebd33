// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpcinterfacefile.h"

#include "rpcinterfacemodel_p.h"
#include "rpcinterfaceparser_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qfile.h>

namespace Fizyr {

using namespace RpcInterfaceModel;

/*!
    \class Fizyr::RpcInterfaceError
    \inmodule FizyrRpcQt
    \brief A syntax or validation error in an interface file, with its position.

    toString() gives the compiler-style \c{file:line:column: message} that
    IDEs link to the position. Lines and columns count from 1; columns count
    UTF-16 code units (characters, for text in the Basic Multilingual Plane).
*/

/*!
    \fn Fizyr::RpcInterfaceError::RpcInterfaceError()
    Constructs an empty error.
*/

/*!
    Constructs an error with \a message at \a line and \a column of \a fileName.
*/
RpcInterfaceError::RpcInterfaceError(const QString &fileName, int line, int column,
                                     const QString &message)
    : m_fileName(fileName), m_line(line), m_column(column), m_message(message)
{ }

/*!
    \fn QString Fizyr::RpcInterfaceError::fileName() const
    Returns the name of the file with the error, as given to
    RpcInterfaceFile::parse() or resolved for an imported file.
*/

/*!
    \fn int Fizyr::RpcInterfaceError::line() const
    Returns the line of the error, from 1.
*/

/*!
    \fn int Fizyr::RpcInterfaceError::column() const
    Returns the column of the error, from 1.
*/

/*!
    \fn QString Fizyr::RpcInterfaceError::message() const
    Returns the message, without the position.
*/

/*!
    \fn bool Fizyr::RpcInterfaceError::operator==(const Fizyr::RpcInterfaceError &lhs, const Fizyr::RpcInterfaceError &rhs)
    Returns \c true if \a lhs and \a rhs have the same position and message.
*/

/*!
    \fn bool Fizyr::RpcInterfaceError::operator!=(const Fizyr::RpcInterfaceError &lhs, const Fizyr::RpcInterfaceError &rhs)
    Returns \c true if \a lhs and \a rhs differ.
*/

/*! Returns \c{file:line:column: message}. */
QString RpcInterfaceError::toString() const
{
    return m_fileName + QLatin1Char(':') + QString::number(m_line) + QLatin1Char(':')
            + QString::number(m_column) + QLatin1String(": ") + m_message;
}

/*!
    \class Fizyr::RpcInterfaceFile
    \inmodule FizyrRpcQt
    \brief The parsed model of an interface file (\c{*.rpc}): its interfaces
    and type definitions, or its errors.

    An interface file holds the body of Rust \c{fizyr_rpc::interface!}
    invocations and the serde-derived struct and enum definitions of their
    body types; doc/interfaces.md describes the language. parse() and
    fromFile() read a file and the files it imports; the result is valid if
    there were no errors. Every error carries its position (errors()).

    RpcInterfaceFile is an immutable, implicitly shared value: copies and
    every RpcInterface, RpcService or RpcTypeSchema taken from it share one
    model, which lives as long as any of them. It may be used from any
    thread.
*/

/*! Constructs an invalid file with no interfaces and no errors. */
RpcInterfaceFile::RpcInterfaceFile() = default;

RpcInterfaceFile::RpcInterfaceFile(const QSharedPointer<const Model> &model) : m_model(model) { }

/*!
    Parses \a text as the interface file \a fileName. The name is used in
    error messages and to resolve \c{import "other.rpc";} lines, relative
    to the directory of \a fileName (or the current directory if it is
    empty). Nothing is read from \a fileName itself.
*/
RpcInterfaceFile RpcInterfaceFile::parse(const QString &text, const QString &fileName)
{
    return RpcInterfaceFile(parseInterfaceText(text, fileName));
}

/*!
    Reads and parses the interface file at \a path (UTF-8). If the file
    cannot be read, the result holds one error at line 1, column 1.
*/
RpcInterfaceFile RpcInterfaceFile::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        auto model = QSharedPointer<Model>::create();
        model->fileName = path;
        model->errors.append(RpcInterfaceError(
                path, 1, 1,
                QCoreApplication::translate("Fizyr::RpcInterfaceFile", "cannot open file: %1")
                        .arg(file.errorString())));
        return RpcInterfaceFile(model);
    }
    return parse(QString::fromUtf8(file.readAll()), path);
}

/*!
    \property Fizyr::RpcInterfaceFile::valid
    \brief Whether the file was parsed without errors; read with isValid().
*/

/*! Returns \c true if the file was parsed without errors. */
bool RpcInterfaceFile::isValid() const
{
    return m_model && m_model->errors.isEmpty();
}

/*! Returns the file name given to parse() or fromFile(). */
QString RpcInterfaceFile::fileName() const
{
    return m_model ? m_model->fileName : QString();
}

/*!
    Returns every error found, in file order: the first syntax error of each
    file, or, if the syntax is right, every validation error.
*/
QList<RpcInterfaceError> RpcInterfaceFile::errors() const
{
    return m_model ? m_model->errors : QList<RpcInterfaceError>();
}

/*! Returns the errors as \c{file:line:column: message} lines, or an empty string. */
QString RpcInterfaceFile::errorString() const
{
    QStringList lines;
    for (const RpcInterfaceError &e : errors())
        lines.append(e.toString());
    return lines.join(QLatin1Char('\n'));
}

/*!
    Returns the interfaces of the file and of the files it imports, in the
    order they were read (the file's own first). Empty if the file is not
    valid.
*/
QList<RpcInterface> RpcInterfaceFile::interfaces() const
{
    QList<RpcInterface> result;
    if (!isValid())
        return result;
    for (const InterfaceDef &def : m_model->interfaces)
        result.append(RpcInterface(m_model, &def));
    return result;
}

/*! Returns the interface called \a name, or an invalid interface. */
RpcInterface RpcInterfaceFile::interfaceByName(const QString &name) const
{
    if (isValid()) {
        for (const InterfaceDef &def : m_model->interfaces) {
            if (def.name == name)
                return RpcInterface(m_model, &def);
        }
    }
    return RpcInterface();
}

/*! Returns the struct and enum definitions of the file and its imports. */
QList<RpcTypeSchema> RpcInterfaceFile::types() const
{
    QList<RpcTypeSchema> result;
    if (!isValid())
        return result;
    for (const TypeDef &def : m_model->types)
        result.append(RpcTypeSchema(m_model, def.self));
    return result;
}

/*! Returns the struct or enum definition called \a name, or an invalid schema. */
RpcTypeSchema RpcInterfaceFile::type(const QString &name) const
{
    if (!isValid())
        return RpcTypeSchema();
    const TypeDef *def = m_model->typesByName.value(name);
    return def ? RpcTypeSchema(m_model, def->self) : RpcTypeSchema();
}

/*!
    Parses the Rust type expression \a rustType (for example
    \c{Vec<Option<Point>>}) in the context of the file's type definitions.
    Returns an invalid schema and sets \a errorString if it does not parse
    or names an unknown type. Works on an empty, default-constructed file
    for types without named types.
*/
RpcTypeSchema RpcInterfaceFile::typeSchema(const QString &rustType, QString *errorString) const
{
    auto model = QSharedPointer<Model>::create();
    static const Model empty;
    const Model &base = m_model ? *m_model : empty;
    model->parent = m_model;
    QString error;
    const TypeNode *node = parseTypeExpression(model.data(), base, rustType, &error);
    if (!node) {
        if (errorString)
            *errorString = error;
        return RpcTypeSchema();
    }
    return RpcTypeSchema(model, node);
}

} // namespace Fizyr

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// fizyr-rpc-gen as a program: bad files are reported as file:line:column:
// message with a non-zero exit code and nothing written; good files give a
// header and a source with the banner, and a depfile listing the imports.

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

class tst_GeneratorErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void badFiles_data();
    void badFiles();
    void goodFile();
    void badCommandLine();

private:
    struct Result
    {
        int exitCode = -1;
        QString stdErr;
    };
    Result run(const QStringList &args)
    {
        QProcess process;
        process.start(QStringLiteral(FIZYR_RPC_GEN), args);
        if (!process.waitForFinished(60000))
            return {};
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAllStandardError())};
    }
};

void tst_GeneratorErrors::badFiles_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown type") << QStringLiteral(
            "interface I {\n    service 1 a: Bee -> (),\n}\n")
                                  << QStringLiteral("bad.rpc:2:18: unknown type `Bee`");
    QTest::newRow("syntax") << QStringLiteral("interface I {\n    service 1 a (),\n}\n")
                            << QStringLiteral("bad.rpc:2:17: ");
    QTest::newRow("duplicate id") << QStringLiteral(
            "interface I {\n    service 1 a: () -> (),\n    service 1 b: () -> (),\n}\n")
                                  << QStringLiteral("bad.rpc:3:13: duplicate service id 1");
    QTest::newRow("unsupported attribute")
            << QStringLiteral("#[serde(tag = \"t\")]\nenum E { A }\n")
            << QStringLiteral("bad.rpc:1:");
    QTest::newRow("variant data class clash")
            << QStringLiteral("enum E { A(i32, i32) }\nstruct EA { x: i32 }\n")
            << QStringLiteral("the generated class `EA`");
    QTest::newRow("field named like a member function")
            << QStringLiteral("struct S { to_body: i32 }\n")
            << QStringLiteral("the field `to_body` of `S` gets the C++ name `toBody`");
}

void tst_GeneratorErrors::badFiles()
{
    QFETCH(QString, text);
    QFETCH(QString, error);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(QStringLiteral("bad.rpc")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.toUtf8());
    file.close();
    const QString out = dir.filePath(QStringLiteral("out"));
    QDir::setCurrent(dir.path());
    const Result result = run({QStringLiteral("-o"), out, QStringLiteral("bad.rpc")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.stdErr.contains(error), qPrintable(result.stdErr));
    // No partial output.
    QVERIFY(!QFile::exists(out + QStringLiteral("/bad.h")));
    QVERIFY(!QFile::exists(out + QStringLiteral("/bad.cpp")));
}

void tst_GeneratorErrors::goodFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString depfile = dir.filePath(QStringLiteral("types.d"));
    const Result result = run({QStringLiteral("-o"), dir.path(), QStringLiteral("--depfile"),
                               depfile, QStringLiteral("--namespace"), QStringLiteral("Kitchen"),
                               QStringLiteral(TYPES_RPC)});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.stdErr, QString());
    QFile header(dir.filePath(QStringLiteral("types.h")));
    QVERIFY(header.open(QIODevice::ReadOnly));
    const QByteArray h = header.readAll();
    QVERIFY(h.startsWith("// Generated from types.rpc by fizyr-rpc-gen, do not edit.\n"));
    QVERIFY(h.contains("namespace Kitchen {"));
    QVERIFY(h.contains("class KitchenClient : public QObject"));
    QVERIFY(QFile::exists(dir.filePath(QStringLiteral("types.cpp"))));
    QFile dep(depfile);
    QVERIFY(dep.open(QIODevice::ReadOnly));
    const QByteArray d = dep.readAll();
    QVERIFY2(d.contains("types.rpc") && d.contains("common.rpc"), d.constData());
}

void tst_GeneratorErrors::badCommandLine()
{
    QCOMPARE(run({}).exitCode, 2);
    const Result missing = run({QStringLiteral("/nonexistent/x.rpc")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.stdErr.startsWith(QStringLiteral("/nonexistent/x.rpc")),
             qPrintable(missing.stdErr));
}

QTEST_GUILESS_MAIN(tst_GeneratorErrors)
#include "tst_generatorerrors.moc"

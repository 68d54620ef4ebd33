// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include <QtCore/qtemporarydir.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQuickTest/quicktest.h>

// The module's build directory as an import path, a temporary directory for
// Unix socket files, and whether the seqpacket transport is built.
class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral(FIZYRRPCQT_QML_IMPORT_DIR));
        engine->rootContext()->setContextProperty(QStringLiteral("testTempDir"), m_dir.path());
#ifdef FIZYRRPCQT_TEST_SEQPACKET
        engine->rootContext()->setContextProperty(QStringLiteral("testHaveSeqpacket"), true);
#else
        engine->rootContext()->setContextProperty(QStringLiteral("testHaveSeqpacket"), false);
#endif
    }

private:
    QTemporaryDir m_dir;
};

QUICK_TEST_MAIN_WITH_SETUP(fizyrrpcheartbeat, Setup)

#include "tst_qmlheartbeat.moc"

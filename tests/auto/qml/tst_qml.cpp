// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include <QtCore/qtemporarydir.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQuickTest/quicktest.h>

// Counts the destruction of the objects it watches without keeping a
// reference to them, so tests can tell when the garbage collector deleted one.
class DestructionProbe : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int destroyedCount READ destroyedCount NOTIFY destroyedCountChanged)

public:
    int destroyedCount() const { return m_destroyed; }
    Q_INVOKABLE void watch(QObject *object)
    {
        connect(object, &QObject::destroyed, this, [this] {
            ++m_destroyed;
            Q_EMIT destroyedCountChanged();
        });
    }
    // The C++ class name of what \a object's property \a name holds, reached
    // through the meta-object only, as generated QML types do.
    Q_INVOKABLE QString objectClassOf(QObject *object, const QString &name) const
    {
        QObject *value = object->property(name.toUtf8().constData()).value<QObject *>();
        return value ? QString::fromLatin1(value->metaObject()->className()) : QString();
    }
    Q_INVOKABLE void reset()
    {
        m_destroyed = 0;
        Q_EMIT destroyedCountChanged();
    }

Q_SIGNALS:
    void destroyedCountChanged();

private:
    int m_destroyed = 0;
};

// Gives the QML tests the module's build directory as an import path and a
// fresh temporary directory for Unix socket files.
class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral(FIZYRRPCQT_QML_IMPORT_DIR));
        engine->rootContext()->setContextProperty(QStringLiteral("testTempDir"), m_dir.path());
        engine->rootContext()->setContextProperty(QStringLiteral("destructionProbe"), &m_probe);
#ifdef FIZYRRPCQT_TEST_SEQPACKET
        engine->rootContext()->setContextProperty(QStringLiteral("testHaveSeqpacket"), true);
#else
        engine->rootContext()->setContextProperty(QStringLiteral("testHaveSeqpacket"), false);
#endif
    }

private:
    QTemporaryDir m_dir;
    DestructionProbe m_probe;
};

QUICK_TEST_MAIN_WITH_SETUP(fizyrrpc, Setup)

#include "tst_qml.moc"

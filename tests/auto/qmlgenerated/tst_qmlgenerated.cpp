// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "greeter.h"

#include <QtCore/qtemporarydir.h>
#include <QtQml/qqmlcontext.h>
#include <QtQml/qqmlengine.h>
#include <QtQuickTest/quicktest.h>

// What the QML tests need from C++: generated gadgets to hand to QML, and a
// way to tell that an object was deleted without keeping a reference.
class Fixtures : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int destroyedCount READ destroyedCount NOTIFY destroyedCountChanged)

public:
    int destroyedCount() const { return m_destroyed; }

    // A GreetRequest gadget, as C++ code would give one to QML.
    Q_INVOKABLE QVariant greetRequest(const QString &name, int times, bool shouting) const
    {
        GreetRequest request;
        request.name = name;
        request.times = quint32(times);
        if (shouting)
            request.style = Style(Style::Shouting);
        return QVariant::fromValue(request);
    }
    // A JavaScript value turned into the generated gadget, as C++ code
    // receiving one from QML would do it.
    Q_INVOKABLE QString progressText(const QJSValue &value) const
    {
        const Progress progress = Progress::fromVariant(value.toVariant());
        return QStringLiteral("%1/%2").arg(progress.done).arg(progress.total);
    }
    Q_INVOKABLE void watch(QObject *object)
    {
        connect(object, &QObject::destroyed, this, [this] {
            ++m_destroyed;
            Q_EMIT destroyedCountChanged();
        });
    }

Q_SIGNALS:
    void destroyedCountChanged();

private:
    int m_destroyed = 0;
};

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->addImportPath(QStringLiteral(FIZYRRPCQT_QML_IMPORT_DIR));
        engine->rootContext()->setContextProperty(QStringLiteral("testTempDir"), m_dir.path());
        engine->rootContext()->setContextProperty(QStringLiteral("fixtures"), &m_fixtures);
#ifdef FIZYRRPCQT_TEST_SEQPACKET
        engine->rootContext()->setContextProperty(QStringLiteral("testHaveSeqpacket"), true);
#else
        engine->rootContext()->setContextProperty(QStringLiteral("testHaveSeqpacket"), false);
#endif
    }

private:
    QTemporaryDir m_dir;
    Fixtures m_fixtures;
};

QUICK_TEST_MAIN_WITH_SETUP(qmlgenerated, Setup)

#include "tst_qmlgenerated.moc"

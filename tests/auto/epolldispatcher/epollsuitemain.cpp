// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// The main() of an existing suite run under RpcEpollEventDispatcher: the
// suite's source is compiled with main renamed to fizyrrpcqt_suite_main (see
// CMakeLists.txt); this main() installs the dispatcher first, as an
// application does, and checks that the application object took it.

#include <FizyrRpcQt/RpcEpollEventDispatcher>

#include <QtCore/QCoreApplication>

int fizyrrpcqt_suite_main(int argc, char *argv[]);

namespace {

void checkDispatcher()
{
    if (!qobject_cast<Fizyr::RpcEpollEventDispatcher *>(QCoreApplication::eventDispatcher()))
        qFatal("the application does not run RpcEpollEventDispatcher");
}

} // namespace

Q_COREAPP_STARTUP_FUNCTION(checkDispatcher)

int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new Fizyr::RpcEpollEventDispatcher);
    return fizyrrpcqt_suite_main(argc, argv);
}

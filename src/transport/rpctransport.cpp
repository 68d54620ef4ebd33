// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

#include "rpctransport_p.h"

#include "rpcstreamtransport_p.h"
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
#    include "rpcseqpackettransport_p.h"
#endif

namespace Fizyr {

RpcTransport *RpcTransport::create(RpcAddress::Transport transport, QObject *parent,
                                   RpcError *error)
{
    *error = RpcError::NoError;
    switch (transport) {
    case RpcAddress::Tcp:
    case RpcAddress::UnixStream:
        return new RpcStreamTransport(parent);
    case RpcAddress::UnixSeqpacket:
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
        return new RpcSeqpacketTransport(parent);
#else
        *error = RpcError::UnsupportedTransport;
        return nullptr;
#endif
    case RpcAddress::Invalid:
        break;
    }
    *error = RpcError::InvalidAddress;
    return nullptr;
}

RpcTransport *RpcTransport::createForDevice(QIODevice *device, bool owned, const RpcConfig &config,
                                            QObject *parent)
{
    auto *transport = new RpcStreamTransport(parent);
    transport->setConfig(config);
    transport->setDevice(device, owned);
    return transport;
}

RpcTransport *RpcTransport::createForSeqpacketDescriptor(int fd, const RpcConfig &config,
                                                         QObject *parent, RpcError *error,
                                                         QString *errorString)
{
#ifdef FIZYRRPCQT_HAVE_SEQPACKET
    auto *transport = new RpcSeqpacketTransport(parent);
    transport->setConfig(config);
    if (transport->setSocketDescriptor(fd)) {
        *error = RpcError::NoError;
        return transport;
    }
    delete transport;
    *error = RpcError::InvalidOperation;
    *errorString = QStringLiteral("descriptor %1 is not a connected seqpacket socket").arg(fd);
    return nullptr;
#else
    Q_UNUSED(fd);
    Q_UNUSED(config);
    Q_UNUSED(parent);
    *error = RpcError::UnsupportedTransport;
    *errorString = QStringLiteral("the seqpacket transport is not available in this build");
    return nullptr;
#endif
}

void RpcTransport::dispose(RpcTransport *transport)
{
    if (!transport)
        return;
    transport->disconnect();
    transport->abort();
    if (transport->isBusy()) {
        transport->setParent(nullptr);
        transport->deleteLater();
    } else {
        delete transport;
    }
}

RpcError RpcTransport::checkOutgoing(const RpcMessage &message, bool fdsSupported) const
{
    if (quint64(message.body().size()) > m_config.maxBodyWriteSize())
        return RpcError::PayloadTooLarge;
    const qsizetype fdCount = message.fileDescriptors().size();
    if (fdCount > 0) {
        if (!fdsSupported)
            return RpcError::FileDescriptorsNotSupported;
        if (fdCount > m_config.maxFileDescriptorsWrite())
            return RpcError::TooManyFileDescriptors;
    }
    return RpcError::NoError;
}

} // namespace Fizyr

#include "moc_rpctransport_p.cpp"

// Copyright (C) 2026 The fizyr-rpc-qt authors
// SPDX-License-Identifier: BSD-2-Clause

// RpcAddress: parsing addresses from strings and URLs.

#include "rpcaddress_p.h"

#include <QtCore/qcoreapplication.h>
#include <QtCore/qurl.h>
#include <QtNetwork/qabstractsocket.h>
#include <QtNetwork/qhostaddress.h>

namespace Fizyr {

namespace {

// Translation context "Fizyr::RpcAddress" for the parser's messages.
struct AddressText
{
    Q_DECLARE_TR_FUNCTIONS(Fizyr::RpcAddress)
};

QString expectedForms()
{
    return AddressText::tr(
            "expected tcp://host:port, tls://host:port, unix:/path or seqpacket:/path");
}

bool isAllAsciiDigits(QStringView text)
{
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    }
    return !text.isEmpty();
}

} // namespace

/*!
    Parses \a address (see \l{Accepted grammar}). Returns an invalid address
    if it is not one of the accepted forms and then stores the reason, which
    says what was expected, in \a errorString, if that is not null.
*/
RpcAddress RpcAddress::fromString(const QString &address, QString *errorString)
{
    const QString text = address.trimmed();
    const auto fail = [&](const QString &why) {
        if (errorString)
            *errorString = why;
        return RpcAddress();
    };

    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon <= 0) {
        return fail(AddressText::tr("invalid address \"%1\": use tcp://host:port, tls://host:port, "
                                    "unix:/path or seqpacket:/path")
                            .arg(text));
    }
    const QString scheme = text.left(colon).toLower();
    const QStringView rest = QStringView(text).mid(colon + 1);

    if (scheme == QLatin1String("tcp") || scheme == QLatin1String("tls")) {
        const bool isTls = scheme == QLatin1String("tls");
        const auto failTcp = [&](const QString &why) {
            return fail(isTls ? AddressText::tr("invalid TLS address \"%1\": %2").arg(text, why)
                              : AddressText::tr("invalid TCP address \"%1\": %2").arg(text, why));
        };
        if (!rest.startsWith(QLatin1String("//")))
            return failTcp(AddressText::tr("expected %1://host:port").arg(scheme));
        QStringView authority = rest.mid(2);
        for (qsizetype i = 0; i < authority.size(); ++i) {
            const QChar c = authority.at(i);
            if (c == QLatin1Char('/') || c == QLatin1Char('?') || c == QLatin1Char('#')) {
                return failTcp(AddressText::tr("unexpected \"%1\" after the port; expected "
                                               "%2://host:port without a path, query or fragment")
                                       .arg(authority.mid(i), scheme));
            }
        }
        if (authority.contains(QLatin1Char('@'))) {
            return failTcp(AddressText::tr("user information (\"user@\") is not allowed; expected "
                                           "%1://host:port")
                                   .arg(scheme));
        }

        QStringView host;
        QStringView portText;
        if (authority.startsWith(QLatin1Char('['))) {
            const qsizetype close = authority.indexOf(QLatin1Char(']'));
            if (close < 0 || !authority.mid(close + 1).startsWith(QLatin1Char(':')))
                return failTcp(AddressText::tr("expected %1://[ipv6]:port").arg(scheme));
            host = authority.mid(1, close - 1);
            portText = authority.mid(close + 2);
            if (host.isEmpty())
                return failTcp(AddressText::tr("missing host"));
            QHostAddress ipv6;
            if (host.contains(QLatin1Char('%')) || !ipv6.setAddress(host.toString())
                || ipv6.protocol() != QAbstractSocket::IPv6Protocol) {
                return failTcp(AddressText::tr("\"%1\" is not an IPv6 address; brackets are for "
                                               "IPv6 addresses only, as in tcp://[::1]:5000")
                                       .arg(host));
            }
        } else {
            const qsizetype portColon = authority.lastIndexOf(QLatin1Char(':'));
            if (portColon < 0)
                return failTcp(AddressText::tr("expected %1://host:port").arg(scheme));
            host = authority.left(portColon);
            portText = authority.mid(portColon + 1);
            if (host.isEmpty())
                return failTcp(AddressText::tr("missing host"));
            if (host.contains(QLatin1Char(':'))) {
                return failTcp(AddressText::tr("an IPv6 address must be in brackets, as in "
                                               "tcp://[::1]:5000"));
            }
        }

        bool ok = false;
        const uint port = portText.toUInt(&ok);
        if (!isAllAsciiDigits(portText) || !ok || port > 65535)
            return failTcp(AddressText::tr("the port must be a number from 0 to 65535"));

        const QString normalized = host.contains(QLatin1Char('%'))
                        || host.contains(QLatin1Char('[')) || host.contains(QLatin1Char(']'))
                ? QString()
                : normalizedHost(host.toString());
        if (normalized.isEmpty())
            return failTcp(AddressText::tr("\"%1\" is not a valid host name").arg(host));

        RpcAddress result;
        result.d->transport = isTls ? Tls : Tcp;
        result.d->host = normalized;
        result.d->port = quint16(port);
        return result;
    }

    const bool isUnix = scheme == QLatin1String("unix");
    if (isUnix || scheme == QLatin1String("seqpacket")) {
        QStringView path = rest;
        if (path.startsWith(QLatin1String("//"))) {
            // The URL spelling with an empty authority: unix:///abs/path.
            const qsizetype slash = path.indexOf(QLatin1Char('/'), 2);
            const QStringView authority = slash < 0 ? path.mid(2) : path.mid(2, slash - 2);
            if (!authority.isEmpty()) {
                return fail(AddressText::tr("invalid address \"%1\": a %2 address has no host "
                                            "(\"%3\"); expected %2:/absolute/path, "
                                            "%2:relative/path or %2:///absolute/path")
                                    .arg(text, scheme, authority));
            }
            path = slash < 0 ? QStringView() : path.mid(slash);
        }
        if (path.isEmpty())
            return fail(AddressText::tr("invalid address \"%1\": missing socket path").arg(text));
        if (path.contains(QChar(0)))
            return fail(AddressText::tr("invalid address \"%1\": the socket path contains a NUL "
                                        "character")
                                .arg(text));
        RpcAddress result;
        result.d->transport = isUnix ? UnixStream : UnixSeqpacket;
        result.d->path = path.toString();
        return result;
    }

    return fail(AddressText::tr("unknown address scheme \"%1\" in \"%2\": use tcp://, tls://, "
                                "unix: or seqpacket:")
                        .arg(text.left(colon), text));
}

/*!
    Converts \a url to an address. Returns an invalid address if the URL is
    not one of the accepted forms (see \l{URLs}) and then stores the reason
    in \a errorString, if that is not null.

    \sa toUrl(), fromString()
*/
RpcAddress RpcAddress::fromUrl(const QUrl &url, QString *errorString)
{
    const QString text = url.toString();
    const auto fail = [&](const QString &why) {
        if (errorString)
            *errorString = why;
        return RpcAddress();
    };
    if (url.isEmpty())
        return fail(
                AddressText::tr("invalid address URL: the URL is empty; %1").arg(expectedForms()));
    if (!url.isValid()) {
        return fail(AddressText::tr("invalid address URL \"%1\": %2")
                            .arg(url.toString(), url.errorString()));
    }

    const QString scheme = url.scheme().toLower();
    if (scheme.isEmpty()) {
        return fail(AddressText::tr("invalid address URL \"%1\": missing scheme; %2")
                            .arg(text, expectedForms()));
    }
    if (url.hasQuery() || url.hasFragment()) {
        return fail(AddressText::tr("invalid address URL \"%1\": an address has no query or "
                                    "fragment; %2")
                            .arg(text, expectedForms()));
    }

    if (scheme == QLatin1String("tcp") || scheme == QLatin1String("tls")) {
        const bool isTls = scheme == QLatin1String("tls");
        const auto failTcp = [&](const QString &why) {
            return fail(
                    isTls ? AddressText::tr("invalid TLS address URL \"%1\": %2").arg(text, why)
                          : AddressText::tr("invalid TCP address URL \"%1\": %2").arg(text, why));
        };
        if (!url.userInfo().isEmpty() || url.authority().contains(QLatin1Char('@'))) {
            return failTcp(AddressText::tr("user information (\"user@\") is not allowed; expected "
                                           "%1://host:port")
                                   .arg(scheme));
        }
        if (!url.path().isEmpty()) {
            return failTcp(
                    AddressText::tr("expected %1://host:port without a path, query or fragment")
                            .arg(scheme));
        }
        const QString host = url.host();
        if (host.isEmpty())
            return failTcp(AddressText::tr("missing host"));
        if (url.port() < 0)
            return failTcp(AddressText::tr("missing port; expected %1://host:port").arg(scheme));
        const QString normalized
                = host.contains(QLatin1Char('[')) || host.contains(QLatin1Char('%'))
                ? QString()
                : normalizedHost(host);
        if (normalized.isEmpty())
            return failTcp(AddressText::tr("\"%1\" is not a valid host name").arg(host));
        RpcAddress result;
        result.d->transport = isTls ? Tls : Tcp;
        result.d->host = normalized;
        result.d->port = quint16(url.port());
        return result;
    }

    const bool isUnix = scheme == QLatin1String("unix");
    if (isUnix || scheme == QLatin1String("seqpacket")) {
        if (!url.authority().isEmpty()) {
            return fail(AddressText::tr("invalid address URL \"%1\": a %2 address has no host "
                                        "(\"%3\"); expected %2:/absolute/path, "
                                        "%2:relative/path or %2:///absolute/path")
                                .arg(text, scheme, url.authority()));
        }
        const QString path = url.path(QUrl::FullyDecoded);
        if (path.isEmpty()) {
            return fail(
                    AddressText::tr("invalid address URL \"%1\": missing socket path").arg(text));
        }
        if (path.contains(QChar(0))) {
            return fail(AddressText::tr("invalid address URL \"%1\": the socket path contains a "
                                        "NUL character")
                                .arg(text));
        }
        RpcAddress result;
        result.d->transport = isUnix ? UnixStream : UnixSeqpacket;
        result.d->path = path;
        return result;
    }

    return fail(AddressText::tr("unknown address scheme \"%1\" in \"%2\": use tcp://, tls://, "
                                "unix: or seqpacket:")
                        .arg(url.scheme(), text));
}

} // namespace Fizyr

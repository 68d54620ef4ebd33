#!/usr/bin/env python3
# A minimal Fizyr RPC client for the access-policy tests, run as another
# user: connects to a Unix stream or seqpacket socket ("@name" = abstract
# namespace), sends one request (service 5, body "hi") and prints what came
# back: "response <body>", "closed" (the server closed the connection) or
# "refused <reason>" (connect failed).
import socket
import struct
import sys

kind, address = sys.argv[1], sys.argv[2]
if address.startswith("@"):
    address = "\0" + address[1:]
sock_type = socket.SOCK_SEQPACKET if kind == "seqpacket" else socket.SOCK_STREAM
sock = socket.socket(socket.AF_UNIX, sock_type)
sock.settimeout(20)
try:
    sock.connect(address)
except OSError as error:
    print("refused", error.strerror)
    sys.exit(0)

body = b"hi"
header = struct.pack("<IIi", 0, 1, 5)
try:
    if kind == "seqpacket":
        sock.send(header + body)
        reply = sock.recv(65536)
    else:
        sock.sendall(struct.pack("<I", 12 + len(body)) + header + body)
        reply = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
            if len(reply) >= 4 and len(reply) >= 4 + struct.unpack("<I", reply[:4])[0]:
                reply = reply[4:]
                break
except OSError:
    reply = b""
if len(reply) < 12:
    print("closed")
else:
    print("response", reply[12:].decode())

#!/usr/bin/env python3
# Copyright (C) 2026 The fizyr-rpc-qt authors
# SPDX-License-Identifier: BSD-2-Clause
#
# launch.py KIND PATH FD PROGRAM ARGS...
#
# Plays the service manager: creates a listening socket (KIND tcp: on
# 127.0.0.1, any free port; unix or seqpacket: bound to PATH), puts it at
# descriptor FD, and executes PROGRAM with ARGS in this same process. With
# FD 3 it sets LISTEN_PID and LISTEN_FDS=1 as systemd's socket activation
# does.
import os
import socket
import sys

kind, path, fd, program = sys.argv[1:5]
args = sys.argv[5:]
if kind == "tcp":
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
elif kind == "unix":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.bind(path)
s.listen(16)
fd = int(fd)
if s.fileno() == fd:
    os.set_inheritable(fd, True)
    s.detach()
else:
    os.dup2(s.fileno(), fd, inheritable=True)
    s.close()
if fd == 3:
    os.environ["LISTEN_PID"] = str(os.getpid())
    os.environ["LISTEN_FDS"] = "1"
os.execv(program, [program] + args)

#!/usr/bin/env python3
"""journal_sink.py SOCKET OUT: a stand-in for journald's native socket.

Binds a datagram socket at SOCKET and appends each message (the journal
native protocol: KEY=value lines) to OUT, one JSON object per datagram,
until killed. Used by test_journal.sh inside a private mount namespace.
"""
import json
import socket
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
with open(sys.argv[2], "a", encoding="utf-8") as out:
    print("ready", flush=True)
    while True:
        data = sock.recv(1 << 20)
        fields = {}
        for line in data.decode("utf-8", "replace").split("\n"):
            if "=" in line:
                k, v = line.split("=", 1)
                fields[k] = v
        out.write(json.dumps(fields) + "\n")
        out.flush()

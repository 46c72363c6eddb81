#!/usr/bin/env python3
"""slow-link.py MS HOST PORT [LOG TAG]: an ssh ProxyCommand that connects to HOST:PORT and delays every byte
by MS milliseconds each way, so that the fleet benchmark's test hosts, on this machine's loopback,
answer as hosts a network away do (a round trip of 2 × MS). Only the connection of the ssh that
runs it is slowed: nothing else on the machine is (tc netem on lo would slow everyone's).

The delay is a propagation delay: bandwidth is not limited, and bytes keep their order.

With LOG and TAG, every chunk read is logged to LOG as one line `NS TAG u|d BYTES` (NS: CLOCK_MONOTONIC
in ns when it was read; u: from ssh towards the server, d: back), appended with O_APPEND so that
several links may share one file: bench.py counts a command's round trips from it (`turns`)."""

import collections
import os
import socket
import sys
import threading
import time


def relay(read, write, finish, delay, note=None):
    """Copies read() to write() `delay` seconds late; finish() after the end of the stream;
    note(len) for every chunk read."""
    queue = collections.deque()
    ready = threading.Condition()

    def writer():
        while True:
            with ready:
                while not queue:
                    ready.wait()
                due, data = queue.popleft()
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if not data:
                finish()
                return
            try:
                write(data)
            except OSError:
                os._exit(0)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    while True:
        try:
            data = read()
        except OSError:
            data = b""
        if note and data:
            note(len(data))
        with ready:
            queue.append((time.monotonic() + delay, data))
            ready.notify()
        if not data:
            return thread


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def main():
    if len(sys.argv) not in (4, 6):
        raise SystemExit("usage: slow-link.py MS HOST PORT [LOG TAG]")
    delay = float(sys.argv[1]) / 1000
    up = down = None
    if len(sys.argv) == 6:
        log = os.open(sys.argv[4], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        tag = sys.argv[5]
        up = lambda n: os.write(log, f"{time.monotonic_ns()} {tag} u {n}\n".encode())
        down = lambda n: os.write(log, f"{time.monotonic_ns()} {tag} d {n}\n".encode())
    sock = socket.create_connection((sys.argv[2], int(sys.argv[3])))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # server → ssh; the server's end of the stream ends us.
    threading.Thread(target=relay, args=(lambda: sock.recv(65536), lambda d: write_all(1, d), lambda: os._exit(0), delay, down),
                     daemon=True).start()
    # ssh → server; the end of ssh's output ends our half of the connection.
    relay(lambda: os.read(0, 65536), sock.sendall, lambda: sock.shutdown(socket.SHUT_WR), delay, up)
    threading.Event().wait()


if __name__ == "__main__":
    main()

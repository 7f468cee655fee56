#!/usr/bin/env python3
"""The Python baseline: what a straightforward pyzmq solution of the
assignment does with the same traffic as mc_server. A REP socket takes each
compact post, ["post2", "id channel user time kind", body], the post is kept in a list (as a dict of strings), published
on a PUB socket as [channel NUL, meta, body] and acknowledged as
["ok", n, n]: the hops and the work of the bare "relay" baseline, in pyzmq.

    python3 bench/servers/pyzmq_relay.py <ip> <post_port> <pub_port>

Port 0 picks a free port. Needs Debian's python3-zmq (bench/lib/python.ts).
"""
import signal
import sys

import zmq


def bind(sock, ip, port):
    if port == "0":
        sock.bind(f"tcp://{ip}:*")
    else:
        sock.bind(f"tcp://{ip}:{port}")
    return sock.getsockopt_string(zmq.LAST_ENDPOINT)


def main():
    ip, post_port, pub_port = (sys.argv[1:4] + ["127.0.0.1", "0", "0"][len(sys.argv[1:4]):])
    ctx = zmq.Context()
    rep = ctx.socket(zmq.REP)
    rep.linger = 0
    pub = ctx.socket(zmq.PUB)
    pub.linger = 0
    pub.sndhwm = 100_000
    post = bind(rep, ip, post_port)
    published = bind(pub, ip, pub_port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"pyzmq relay listening: posts on {post}, publishing on {published}", flush=True)
    kept = []
    n = 0
    while True:
        frames = rep.recv_multipart()
        n += 1
        _, meta, body = frames
        pid, channel, user, time, kind = meta.split(b" ")
        kept.append({"id": pid.decode(), "channel": channel.decode(), "user": user.decode(),
                     "time": time.decode(), "kind": kind.decode(), "body": body.decode()})
        meta = b"%s e %d %d %s %s %s" % (kind, n, n, pid, user, time)
        pub.send_multipart([channel + b"\0", meta, body])
        rep.send_multipart([b"ok", b"%d" % n, b"%d" % n])


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass

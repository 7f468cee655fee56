/**
 * The baselines: bare zeromq.js sockets, no chat logic (no validation,
 * numbering, store, rate limit or record printing), fed the same traffic
 * as mc_server. A REP socket takes requests and a PUB socket publishes.
 *
 *   node bench/servers/bare.js <ip> <post_port> <pub_port> <mode> [bytes]
 *
 *   echo           replies with the request's frames
 * Posts arrive compact, ["post2", "id channel user time kind", body], as
 * the real client sends them to mc_server.
 *
 *   relay          publishes [channel NUL, meta, body], then acks
 *   router-relay   the same through a ROUTER, as mc_server takes posts (so it
 *                  can answer out of order): what the socket alone costs
 *   keep           keeps each post as an object of strings, then acks
 *   canned <bytes> replies ["ok", <bytes> bytes] to anything
 *
 * Each awaits one send at a time, the straightforward way.
 */
import { Publisher, Reply, Router } from "zeromq";

const [ip = "127.0.0.1", postPort = "0", pubPort = "0", mode = "echo", size = "0"] = process.argv.slice(2);
if (!["echo", "relay", "router-relay", "keep", "canned"].includes(mode)) throw new Error(`unknown mode ${mode}`);
const router = mode === "router-relay";
/* A ROUTER's frames start with the sender's routing id and the REQ/DEALER's empty delimiter. */
const rep = router ? new Router({ linger: 0 }) : new Reply({ linger: 0 });
const pub = new Publisher({ linger: 0, sendHighWaterMark: 100_000 });
await rep.bind(`tcp://${ip}:${postPort}`);
await pub.bind(`tcp://${ip}:${pubPort}`);
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
process.stdout.write(`bare ${mode} listening: posts on ${rep.lastEndpoint}, publishing on ${pub.lastEndpoint}\n`);

let n = 0;
const kept: object[] = [];
const canned = ["ok", "x".repeat(Number(size))];

for await (const frames of rep) {
  n++;
  switch (mode) {
    case "echo":
      await rep.send(frames);
      break;
    case "relay":
    case "router-relay": {
      const envelope = router ? frames.slice(0, 2) : [];
      const [, meta, body] = router ? frames.slice(2) : frames;
      const [id, channel, user, time, kind] = meta!.toString().split(" ");
      await pub.send([`${channel}\0`, `${kind} e ${n} ${n} ${id} ${user} ${time}`, body!]);
      await rep.send([...envelope, "ok", String(n), String(n)]);
      break;
    }
    case "keep": {
      const [, meta, body] = frames.map((f) => f.toString());
      const [id, channel, user, time, kind] = meta!.split(" ");
      kept.push({ id, channel, user, time, kind, body });
      await rep.send(["ok", String(n), String(n)]);
      break;
    }
    case "canned":
      await rep.send(canned);
  }
}

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
 *   router-fast    router-relay with both sends handed to libzmq at once (not
 *                  awaited; sendTimeout 0, so they never wait): the fastest
 *                  zeromq.js relay we found, the binding's own ceiling
 *   keep           keeps each post as an object of strings, then acks
 *   canned <bytes> replies ["ok", <bytes> bytes] to anything
 *
 * Each but router-fast awaits one send at a time, the straightforward way.
 */
import { Publisher, Reply, Router } from "zeromq";

const [ip = "127.0.0.1", postPort = "0", pubPort = "0", mode = "echo", size = "0"] = process.argv.slice(2);
if (!["echo", "relay", "router-relay", "router-fast", "keep", "canned"].includes(mode)) throw new Error(`unknown mode ${mode}`);
const router = mode === "router-relay" || mode === "router-fast";
const fast = mode === "router-fast";
/* A ROUTER's frames start with the sender's routing id and the REQ/DEALER's empty delimiter. */
const rep = router ? new Router({ linger: 0, ...(fast ? { sendTimeout: 0 } : {}) }) : new Reply({ linger: 0 });
const pub = new Publisher({ linger: 0, sendHighWaterMark: 100_000, ...(fast ? { sendTimeout: 0 } : {}) });
/* With sendTimeout 0 a send completes or fails at once; a failure (a full queue) drops, as mc_server's do. */
const dropped = () => {};
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
    case "router-fast": {
      const [, meta, body] = frames.slice(2);
      const [id, channel, user, time, kind] = meta!.toString().split(" ");
      pub.send([`${channel}\0`, `${kind} e ${n} ${n} ${id} ${user} ${time}`, body!]).catch(dropped);
      rep.send([frames[0]!, frames[1]!, "ok", String(n), String(n)]).catch(dropped);
      break;
    }
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

/**
 * The baselines: bare zeromq.js sockets, no chat logic (no validation,
 * numbering, store, rate limit or record printing), fed the same traffic
 * as mc_server. A REP socket takes requests and a PUB socket publishes.
 *
 *   node bench/servers/bare.js echo            replies with the request's frames
 *   node bench/servers/bare.js relay           publishes [channel NUL, meta, body], then acks
 *   node bench/servers/bare.js keep            keeps each post as an object of strings, then acks
 *   node bench/servers/bare.js canned <bytes>  replies ["ok", <bytes> bytes] to anything
 *
 * Each awaits one send at a time, the straightforward way.
 */
import { Publisher, Reply } from "zeromq";

const [mode = "echo", size = "0"] = process.argv.slice(2);
const rep = new Reply({ linger: 0 });
const pub = new Publisher({ linger: 0, sendHighWaterMark: 100_000 });
await rep.bind("tcp://127.0.0.1:0");
await pub.bind("tcp://127.0.0.1:0");
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
process.stdout.write(`bare ${mode} listening: posts on ${rep.lastEndpoint}, publishing on ${pub.lastEndpoint}\n`);

const NUL = Buffer.of(0);
let n = 0;
const kept: object[] = [];
const canned = ["ok", "x".repeat(Number(size))];

for await (const frames of rep) {
  n++;
  switch (mode) {
    case "echo":
      await rep.send(frames);
      break;
    case "relay": {
      const [, id, channel, user, time, kind, body] = frames;
      await pub.send([Buffer.concat([channel!, NUL]), `${kind} e ${n} ${n} ${id} ${user} ${time}`, body!]);
      await rep.send(["ok", String(n), String(n)]);
      break;
    }
    case "keep": {
      const [, id, channel, user, time, kind, body] = frames.map((f) => f.toString());
      kept.push({ id, channel, user, time, kind, body });
      await rep.send(["ok", String(n), String(n)]);
      break;
    }
    default:
      await rep.send(canned);
  }
}

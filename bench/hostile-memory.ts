/**
 * Does malformed input cost the server memory? Sends 100,000 malformed
 * requests (every class the codec refuses, in turn) to a real mc_server
 * process over one DEALER, each answered with an error reply, and reports
 * the server's resident memory (VmRSS) before and after each round of them.
 * Linux only (/proc).
 *
 *   node bench/hostile-memory.js [count per round, 100000] [rounds, 3]
 *
 * Growth comes in steps, not per request: with --trace-gc on the server the
 * V8 heap in use stays flat while its young generation is resized, which
 * malformed requests (each throws a CodecError) trigger sooner than valid
 * ones. Over 1.2 million malformed requests RSS levelled off near 91 MB.
 */
import { Dealer } from "zeromq";
import { killAll, startServer } from "./lib/children.js";
import { cpuSeconds, rssBytes } from "./lib/proc-stats.js";
import { ALL } from "../shared/protocol/limits.js";

const COUNT = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 3);
/* Requests in flight: enough to keep the server busy, few enough to stay under libzmq's high-water marks. */
const WINDOW = 200;

const post = (channel: string | Buffer, user: string | Buffer, body: string | Buffer) =>
  ["post", "id-1", channel, user, "2026-01-31T22:00:00.000Z", "say", body];
/** One of each class of bad request: shape, JSON, fields, names, bodies, ALL as a target. */
const MALFORMED: (string | Buffer)[][] = [
  ["post", "id-1", "dev"],
  ["history"],
  ["shutdown", "{}"],
  ["who", "not json"],
  ["who", "[1,2,3]"],
  ["who", Buffer.from([0x7b, 0xff, 0x7d])],
  ["history", '{"channel":"dev","limit":99999}'],
  ["hello", '{"session":"s 1","user":"mallory","channels":["dev"]}'],
  ["hello", `{"session":"s1","user":"mallory","channels":${JSON.stringify(Array.from({ length: 65 }, (_, i) => `c${i}`))}}`],
  post(ALL, "mallory", "to everyone"),
  post("x".repeat(33), "mallory", "long channel"),
  post("dev", "", "no name"),
  post("dev", Buffer.from([0xc3, 0x28]), "bad UTF-8 name"),
  post("dev", "mallory", ""),
  post("dev", "mallory", "\x1b[2J"),
  post("dev", "mallory", Buffer.alloc(20_000, 0x61)),
  ["", ""],
];

const rssKb = (pid: number) => rssBytes(pid) / 1024;

/** Valid requests that change nothing, for the warm-up. */
const HARMLESS: string[][] = [["channels", "{}"], ["who", '{"channel":"dev"}'], ["history", '{"channel":"dev","limit":5}']];

/** Sends `count` requests from `requests` in turn, `WINDOW` at a time; resolves with the reply codes received. */
async function flood(dealer: Dealer, count: number, requests: (string | Buffer)[][]): Promise<Map<string, number>> {
  const codes = new Map<string, number>();
  let received = 0;
  const receiving = (async () => {
    while (received < count) {
      const [, status, code] = await dealer.receive();
      const key = `${status?.toString()} ${code?.toString()}`;
      codes.set(key, (codes.get(key) ?? 0) + 1);
      received++;
    }
  })();
  for (let sent = 0; sent < count; sent++) {
    while (sent - received >= WINDOW) await new Promise((r) => setImmediate(r));
    await dealer.send(["", ...requests[sent % requests.length]!]);
  }
  await receiving;
  return codes;
}

const watchdog = setTimeout(() => {
  process.stderr.write("hostile-memory: gave up after 5 minutes\n");
  killAll();
  process.exit(1);
}, 5 * 60_000);
const server = await startServer("part4/mc_server.js");
try {
  const pid = server.pid;
  const dealer = new Dealer({ linger: 0, receiveTimeout: 30_000 });
  dealer.connect(server.post);
  const boot = rssKb(pid);
  // Warm-up with valid requests: V8 sizes its heap and compiles the hot paths; what follows is the cost of bad input.
  await flood(dealer, COUNT, HARMLESS);
  const start = rssKb(pid);
  const rounds: { rss: number; cpu: number; ms: number; codes: Map<string, number> }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const cpu = cpuSeconds(pid);
    const t0 = performance.now();
    const codes = await flood(dealer, COUNT, MALFORMED);
    rounds.push({ rss: rssKb(pid), cpu: cpuSeconds(pid) - cpu, ms: performance.now() - t0, codes });
  }
  dealer.close();
  const mb = (kb: number) => (kb / 1024).toFixed(1);
  const signed = (kb: number) => `${kb >= 0 ? "+" : ""}${mb(kb)}`;
  console.log(`mc_server RSS: ${mb(boot)} MB at start, ${mb(start)} MB after ${COUNT.toLocaleString("en")} valid requests (warm-up)`);
  rounds.forEach((r, i) => {
    console.log(
      `after ${((i + 1) * COUNT).toLocaleString("en")} malformed requests: ${mb(r.rss)} MB (${signed(r.rss - start)} MB), ` +
      `${Math.round(COUNT / (r.ms / 1000)).toLocaleString("en")} requests/s, server CPU ${r.cpu.toFixed(1)} s`,
    );
  });
  console.log(`replies to each ${COUNT.toLocaleString("en")}: ${[...rounds[0]!.codes].map(([k, n]) => `${k} x${n}`).join(", ")}`);
} finally {
  clearTimeout(watchdog);
  await server.stop();
}

/**
 * Is a well-behaved client still served at full speed while another floods?
 * Measures one client's post round trips to a real mc_server (default
 * --rate 200 --burst 400) alone, then while a second process floods the
 * server with posts as fast as it can (all but its burst refused with
 * slow-down). The client posts 100 a second, inside its own budget.
 *
 *   node bench/hostile-flood.js [posts, 1000]
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Dealer } from "zeromq";
import { encodePost } from "../shared/protocol/index.js";
import { killAll, startServer } from "./lib/children.js";
const post = (id: string, user: string) =>
  encodePost({ id, channel: "bench", user, time: "2026-01-31T22:00:00.000Z", kind: "say", body: "hello" });

/** The flooder (a child process): posts with up to 256 unanswered, until killed; reports its reply codes on exit. */
async function flood(endpoint: string): Promise<void> {
  const d = new Dealer({ linger: 0 });
  d.connect(endpoint);
  const codes: Record<string, number> = {};
  let sent = 0;
  let received = 0;
  let wake = () => {};
  process.on("SIGTERM", () => {
    process.stdout.write(`${JSON.stringify({ sent, codes })}\n`);
    process.exit(0);
  });
  void (async () => {
    for (;;) {
      const [, status, code] = await d.receive();
      const key = status!.toString() === "ok" ? "ok" : code!.toString();
      codes[key] = (codes[key] ?? 0) + 1;
      received++;
      wake();
    }
  })();
  process.stdout.write("flooding\n");
  for (;;) {
    if (sent - received >= 256) await new Promise<void>((resolve) => (wake = resolve));
    await d.send(["", ...post(`f${sent++}`, "flood")]);
  }
}

/** Round trips (ms) of `count` posts, one every 10 ms, each waiting for its ack. */
async function roundTrips(endpoint: string, count: number, tag: string): Promise<number[]> {
  const d = new Dealer({ linger: 0, receiveTimeout: 10_000 });
  d.connect(endpoint);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await d.send(["", ...post(`${tag}${i}`, "amy")]);
    const [, status] = await d.receive();
    if (status!.toString() !== "ok") throw new Error(`amy's post ${i} was refused: ${status}`);
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, Math.max(0, 10 - (performance.now() - t0))));
  }
  d.close();
  return times.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2);

if (process.argv[2] === "--flood") {
  await flood(process.argv[3]!);
} else {
  const count = Number(process.argv[2] ?? 1000);
  let flooder: ReturnType<typeof spawn> | undefined;
  const watchdog = setTimeout(() => {
    killAll();
    flooder?.kill("SIGKILL");
    process.exit(1);
  }, 5 * 60_000);
  const server = await startServer("part4/mc_server.js");
  const endpoint = server.post;
  try {
    const alone = await roundTrips(endpoint, count, "a");
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--flood", endpoint], { stdio: ["ignore", "pipe", "inherit"] });
    flooder = child;
    let report = "";
    child.stdout!.setEncoding("utf8").on("data", (s: string) => (report += s));
    await new Promise<void>((resolve) => child.stdout!.on("data", () => report.includes("flooding") && resolve()));
    const flooded = await roundTrips(endpoint, count, "b");
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    const { sent, codes } = JSON.parse(report.split("\n")[1]!) as { sent: number; codes: Record<string, number> };
    console.log(`amy's post round trip, ${count} posts at 100/s: alone p50 ${pct(alone, 50)} ms, p99 ${pct(alone, 99)} ms; ` +
      `during the flood p50 ${pct(flooded, 50)} ms, p99 ${pct(flooded, 99)} ms; all acknowledged`);
    console.log(`flooder: ${sent.toLocaleString("en")} posts sent, replies ${JSON.stringify(codes)}`);
  } finally {
    clearTimeout(watchdog);
    flooder?.kill("SIGTERM");
    await server.stop();
  }
}

/**
 * Where a server's time goes under load: runs it with node --cpu-prof while
 * closed-loop REQ clients post to it, then prints the functions with the
 * most self time. Measure before optimising.
 *
 *   node bench/profile.js [--clients 16] [--seconds 5] [--bare] [-- extra server args]
 *   node bench/profile.js --fanout [--subscribers 1] [--messages 50000] [--bare]
 *
 * --fanout profiles the fan-out figure's traffic instead: one pipelined
 * poster and subscribers in their own processes (with --bare, the relay).
 *
 * The profile itself is left in a temporary directory (its path is printed)
 * for Chrome DevTools or speedscope.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "./fanout.js";
import { killAll, startServer, startWorker } from "./lib/children.js";
import { sleep } from "./lib/stats.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const args = process.argv.slice(2);
const value = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const dashes = args.indexOf("--");
const extra = dashes === -1 ? [] : args.slice(dashes + 1);
const clients = value("--clients", 16);
const seconds = value("--seconds", 5);
const bare = args.includes("--bare");
const fan = args.includes("--fanout");

const dir = mkdtempSync(join(tmpdir(), "mchat-profile-"));
const server = bare
  ? await startServer("bench/servers/bare.js", [fan ? "relay" : "echo"], ["--cpu-prof", "--cpu-prof-dir", dir])
  : await startServer("part4/mc_server.js", ["--rate", "0", ...extra], ["--cpu-prof", "--cpu-prof-dir", dir]);
const worker = startWorker();
const subscribers = fan ? Array.from({ length: value("--subscribers", 1) }, () => startWorker()) : [];
try {
  if (fan) {
    const messages = value("--messages", 50_000);
    const run = await once(server, worker, subscribers, { messages, highWaterMark: 100_000 });
    process.stdout.write(`${messages} posts to ${subscribers.length} subscribers: ${Math.round(run.total)} msgs/s in total, `
      + `server CPU ${run.cpuUsPerMessage.server.toFixed(1)} µs a message (profiling included)\n`);
  } else {
    await worker.call("loopStart", { endpoint: server.post, clients, channel: "bench" });
    await sleep(seconds * 1000);
    const mark = await worker.call<{ count: number }>("loopMark");
    await worker.call("loopStop");
    process.stdout.write(`${mark.count} posts in ${seconds} s with ${clients} clients\n`);
  }
} finally {
  await Promise.all([worker, ...subscribers].map((w) => w.stop()));
  await server.stop();
  killAll();
}

const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as { nodes: ProfileNode[]; samples: number[] };
const self = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(node_modules|shared|bench|part4)\//, "$1/")}:${lineNumber + 1}` : "";
  const key = `${functionName || "(anonymous)"} ${where}`;
  self.set(key, (self.get(key) ?? 0) + (node.hitCount ?? 0));
}
const total = profile.samples.length;
process.stdout.write(`profile: ${join(dir, file)} (${total} samples)\nself time:\n`);
for (const [key, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  process.stdout.write(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
}

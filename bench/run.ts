/**
 * npm run bench: every benchmark on loopback, mc_server (the real CLI
 * process, rate limit off with --rate 0) next to bare zeromq.js baselines
 * doing the same traffic in the same run. Prints a Markdown table and
 * writes the figures with the machine's description to bench/results.json.
 *
 *   node bench/run.js [--only throughput,latency,fanout,burst,pipe,memory,history,hostile,login,private,files,startup,cluster] [--out file.json]
 *
 * Bounded: every wait has a limit and the whole run stops itself after
 * fifteen minutes. `cluster` needs nats-server (Debian's package).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killAll, ROOT, runScript, startWorker } from "./lib/children.js";
import { describeMachine, load } from "./lib/machine.js";
import { table, type Figure } from "./lib/report.js";
import { throughput } from "./throughput.js";
import { latency } from "./latency.js";
import { fanout } from "./fanout.js";
import { burst } from "./burst.js";
import { longPipe } from "./long-pipe.js";
import { idleSubscribers, storedMessages } from "./memory.js";
import { history, timeHistory } from "./history.js";
import { login } from "./login.js";
import { privateMessages } from "./private.js";
import { files } from "./files.js";
import { startup } from "./startup.js";
import { clusterBench } from "./cluster.js";

const LIMIT_MS = 15 * 60_000;
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const only = flag("--only")?.split(",");
const wanted = (name: string) => !only || only.includes(name);
const out = flag("--out") ?? join(ROOT, "bench", "results.json");

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: stopped after ${LIMIT_MS / 60_000} minutes\n`);
  killAll();
  process.exit(1);
}, LIMIT_MS);
process.on("SIGINT", () => {
  killAll();
  process.exit(130);
});

const tmpDir = mkdtempSync(join(tmpdir(), "mchat-bench-"));
const started = Date.now();
const machine = describeMachine();
const loadStart = load();
const figures: Figure[] = [];
const details: Record<string, unknown> = {};
/* Half of mc_server's 16-client throughput when this run measured it. */
let loadRate = 10_000;
let hostile: string[] = [];
const step = (what: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s, load ${load()[0]}] ${what}\n`);

try {
  process.stderr.write(`bench on ${machine.cpu} (${machine.cores} cores), node ${machine.node}, load ${loadStart.join(" ")}\n`);
  if (wanted("throughput")) {
    step("post throughput");
    const t = await throughput({ clients: [1, 4, 16], warmupMs: 500, measureMs: 2000, rounds: 3, tmpDir });
    figures.push(...t.figures);
    details.throughput = t.runs;
    const best16 = Math.max(...(t.runs["memory-16"] ?? []).map((r) => r.rate));
    if (Number.isFinite(best16)) loadRate = Math.round(best16 / 2 / 100) * 100;
  }
  if (wanted("latency")) {
    step(`end-to-end latency, idle and under ${loadRate} posts/s`);
    const l = await latency({ loadRate, samples: 2000, rounds: 4, intervalMs: 1 });
    figures.push(...l.figures);
    details.latency = l.details;
  }
  if (wanted("fanout")) {
    step("fan-out to 1 and 10 subscribers");
    const f = await fanout({ subscribers: [1, 10], messages: 50_000, highWaterMark: 100_000, rounds: 3 });
    figures.push(...f.figures);
    details.fanout = f.details;
  }
  if (wanted("burst")) {
    step("burst: 8 mc_clients piping 2,000 lines each to an ALL client");
    const b = await burst();
    figures.push(...b.figures);
    details.burst = b.details;
  }
  if (wanted("pipe")) {
    step("a long pipe: one mc_client piping 100,000 lines, next to 10,000");
    const p = await longPipe();
    figures.push(...p.figures);
    details.pipe = p.details;
  }
  let historyInMemory: Awaited<ReturnType<typeof timeHistory>> | undefined;
  if (wanted("memory")) {
    step("memory per stored message (fills to 1,000,000), history in memory at 1,000,000");
    const m = await storedMessages({
      counts: [100_000, 1_000_000],
      whenFull: async (server) => {
        if (!wanted("history")) return;
        const worker = startWorker();
        try {
          historyInMemory = await timeHistory(server, worker);
        } finally {
          await worker.stop();
        }
      },
    });
    figures.push(...m.figures);
    details.memory = m.details;
    step("memory per idle subscriber (1,000)");
    const i = await idleSubscribers(1000);
    figures.push(...i.figures);
    details.idleSubscribers = i.details;
  }
  if (wanted("history")) {
    step("history from SQLite with 1,000,000 messages");
    const h = await history(historyInMemory, tmpDir, 1_000_000);
    figures.push(...h.figures);
    details.history = h.details;
  }
  if (wanted("login")) {
    step("logins: scrypt cost, logins a second, a post's round trip alone and during a wrong-password login flood");
    const l = await login({ loginMs: 4000, posts: 2000, intervalMs: 2, rounds: 2, floodConnections: 32 });
    figures.push(...l.figures);
    details.login = l.details;
  }
  if (wanted("private")) {
    step("private messages: round trip, throughput and memory per queued message, next to channel posts");
    const p = await privateMessages({ samples: 1000, intervalMs: 1, pairs: 8, measureMs: 2000, queued: 36_000 });
    figures.push(...p.figures);
    details.private = p.details;
  }
  if (wanted("files")) {
    step("files: a 100 MB upload and download next to a bare zeromq.js copy; chat round trips during the upload");
    const f = await files({ megabytes: 100, window: 8, posts: 500, intervalMs: 2, tmpDir });
    figures.push(...f.figures);
    details.files = f.details;
  }
  if (wanted("startup")) {
    step("client start: CPU of an mc_client that joins and leaves, next to node -e 0");
    const s = await startup({ runs: 7 });
    figures.push(...s.figures);
    details.startup = s.details;
  }
  if (wanted("cluster")) {
    step("cluster: 1, 2 and 3 servers on 3 NATS nodes next to one server in memory and with --store");
    const c = await clusterBench({ clients: 16, warmupMs: 500, measureMs: 2000, messages: 20_000, samples: 1000, tmpDir });
    figures.push(...c.figures);
    details.cluster = c.details;
  }
  if (wanted("hostile")) {
    step("hostile input: RSS under malformed requests (bench/hostile-memory.js)");
    hostile = await runScript("bench/hostile-memory.js", ["100000", "2"], 90_000);
    details.hostileMemory = hostile;
  }
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
} finally {
  killAll();
  rmSync(tmpDir, { recursive: true, force: true });
  clearTimeout(watchdog);
}

const result = {
  command: args.length ? `node bench/run.js ${args.join(" ")}` : "npm run bench",
  date: new Date(started).toISOString(),
  durationS: Math.round((Date.now() - started) / 1000),
  machine,
  loadAverage: { start: loadStart, end: load() },
  notes: [
    "mc_server runs as its CLI process (node part4/mc_server.js 127.0.0.1 0 0 --rate 0: per-client rate limit off); its stdout is piped to the bench, which drains and discards it.",
    "Baselines are bench/servers/bare.js: bare zeromq.js REP (+ PUB) sockets, one awaited send at a time, no chat logic.",
    "Ratios are mc_server / bare; for rates higher is better, for times and bytes lower is better.",
    "Throughput: best of 2 interleaved rounds of 2 s each. Latency: 2,000 samples per case, pooled over 4 rounds alternating the two servers.",
    "Memory per stored message: RSS growth from 50,000 stored messages (warm-up) to 100,000 and 1,000,000, divided by the messages added; both servers run with node --min-semi-space-size=16 --max-semi-space-size=16 (V8's default maximum young generation, fixed) so that its growth in steps is not charged to messages. History in memory is timed on that server.",
  ],
  figures,
  details,
};
const hostileText = hostile.length ? `\nMalformed input (bench/hostile-memory.js, no baseline):\n${hostile.map((l) => `    ${l}`).join("\n")}\n` : "";
process.stdout.write(`\n${table(figures)}\n${hostileText}\nLoad average at start ${loadStart.join(" ")}, at end ${result.loadAverage.end.join(" ")}; ${result.durationS} s.\n`);
if (process.exitCode !== 1) {
  /* Figures to a tenth are plenty; the raw doubles only clutter the file. */
  const rounded = (_: string, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v);
  writeFileSync(out, `${JSON.stringify(result, rounded, 2)}\n`);
  process.stderr.write(`wrote ${out}\n`);
}

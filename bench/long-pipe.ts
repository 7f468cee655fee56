/**
 * One mc_client piping a long input into a channel of its own (mc_server
 * --rate 0, nobody else there): 100,000 lines next to 10,000. A client
 * that keeps up costs the same per line however long the input, and holds
 * no more memory for the longer one: the input is read about as fast as
 * the server takes it (outbox.ts, room()), and the queue's shift() does not
 * grow with its length (shared/fifo.ts). Before both, 100,000 lines took
 * 11.4-11.7 s of CPU and 163-166 MB at the peak, 6.4-6.8 s and 103-105 MB
 * after (README, "A long pipe").
 *
 * The baseline column is the 10,000-line run, so the ratio says how far the
 * cost per line and the peak memory grow with the input.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startServer } from "./lib/children.js";
import { cpuSeconds } from "./lib/proc-stats.js";
import { figure, type Figure } from "./lib/report.js";

interface PipeRun {
  lines: number;
  /** CPU seconds of the client, user plus system, from its start to its exit (sampled every 20 ms; the last sample stands). */
  cpu: number;
  /** The client's peak resident memory (VmHWM), bytes. */
  peakBytes: number;
  /** Its own lines shown back to it, each once and in order. */
  shownInOrder: number;
  exitCode: number | null;
}

export async function longPipe(counts: [short: number, long: number] = [10_000, 100_000]): Promise<{ figures: Figure[]; details: object }> {
  const server = await startServer("part4/mc_server.js", ["--rate", "0"]);
  let runs: PipeRun[];
  try {
    runs = [];
    for (const lines of counts) runs.push(await pipe(server, lines));
  } finally {
    await server.stop();
  }
  const [short, long] = runs as [PipeRun, PipeRun];
  const section = `A long pipe (one mc_client piping ${long.lines.toLocaleString("en-US")} lines; baseline: the same client piping ${short.lines.toLocaleString("en-US")})`;
  return {
    figures: [
      figure({ section, name: "client CPU per line (its post and its line shown back)", unit: "us", chat: (long.cpu / long.lines) * 1e6, bare: (short.cpu / short.lines) * 1e6 }),
      figure({ section, name: "client peak memory (VmHWM)", unit: "B", chat: long.peakBytes, bare: short.peakBytes }),
      figure({ section, name: "lines not shown back once and in order, or a non-zero exit", unit: "count",
        chat: long.lines - long.shownInOrder + (long.exitCode === 0 ? 0 : 1), bare: short.lines - short.shownInOrder + (short.exitCode === 0 ? 0 : 1) }, { atMost: 0, on: "chat" }),
    ],
    details: { runs },
  };
}

async function pipe(server: { pid: number; post: string; pub: string }, lines: number): Promise<PipeRun> {
  const port = (endpoint: string) => endpoint.slice(endpoint.lastIndexOf(":") + 1);
  const client = spawn(process.execPath, [join(ROOT, "part4/mc_client.js"), "127.0.0.1", port(server.post), port(server.pub), `pipe${lines}`, "piper"], {
    cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["pipe", "pipe", "pipe"],
  });
  let cpu = 0;
  let peakBytes = 0;
  const sample = () => {
    try {
      cpu = cpuSeconds(client.pid!);
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${client.pid}/status`, "utf8"));
      if (m) peakBytes = Number(m[1]) * 1024;
    } catch {
      /* exited */
    }
  };
  const sampler = setInterval(sample, 20);
  let shownInOrder = 0;
  let partial = "";
  client.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const got = (partial + chunk).split("\n");
    partial = got.pop()!;
    for (const line of got) if (line.startsWith(`piper: line ${shownInOrder} (`)) shownInOrder++;
  });
  client.stderr.resume();
  /* Written as the pipe drains, as a producer on the other end of a shell pipe would. */
  void (async () => {
    for (let n = 0; n < lines; n += 1000) {
      const block = Array.from({ length: Math.min(1000, lines - n) }, (_, i) => `line ${n + i}\n`).join("");
      if (!client.stdin.write(block)) await new Promise((resolve) => client.stdin.once("drain", resolve));
    }
    client.stdin.end();
  })().catch(() => {});
  const timeout = setTimeout(() => client.kill("SIGKILL"), 300_000);
  const exitCode = await new Promise<number | null>((resolve) => client.on("exit", resolve));
  clearTimeout(timeout);
  clearInterval(sampler);
  return { lines, cpu, peakBytes, shownInOrder, exitCode };
}

/**
 * The burst of issue 4, with the real programs: an ALL client
 * (`mc_client ... ALL watcher`) is started first, then 8 `mc_client`s each
 * pipe 2,000 lines at once into 4 channels. The figure is how fast the
 * watcher prints all 16,000, and that each appears once, every sender's in
 * the order sent. The server runs with --rate 0: with the default limit
 * (200 a second after a burst of 400 per client) the run measures the
 * limit, about 8 s, not the chat.
 *
 * Baseline: the same traffic shape with bare sockets: 8 posting sockets,
 * each with as many posts in flight as a chat client keeps against a single
 * server (POST_WINDOW, the hello answer's window), through the bare
 * relay, to one counting SUB. The chat side carries whole clients (process start, Lazy
 * Pirate requester, feed, printing), so the ratio is what all of that costs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { once } from "./fanout.js";
import { ROOT, startServer, startWorker } from "./lib/children.js";
import { figure, type Figure } from "./lib/report.js";
import { cpuSeconds } from "./lib/proc-stats.js";
import { ALL, POST_WINDOW } from "../shared/protocol/limits.js";

const SENDERS = 8;
const LINES = 2000;

interface ChatBurst {
  seconds: number;
  shown: number;
  duplicates: number;
  outOfOrder: number;
  senderExitCodes: (number | null)[];
  /** CPU seconds (user + system, sampled from /proc every 20 ms until each exits): the busiest costs. */
  cpu: { senders: number[]; watcher: number; server: number };
}

export async function burst(): Promise<{ figures: Figure[]; details: object }> {
  const chat = await chatBurst();
  const server = await startServer("bench/servers/bare.js", ["relay"]);
  const poster = startWorker();
  const sub = startWorker();
  let bare;
  try {
    bare = await once(server, poster, [sub], { messages: SENDERS * LINES, highWaterMark: 100_000, sockets: SENDERS, window: POST_WINDOW });
  } finally {
    await Promise.all([server.stop(), poster.stop(), sub.stop()]);
  }
  const section = `Burst (${SENDERS} clients piping ${LINES.toLocaleString("en-US")} lines each, one ALL subscriber)`;
  const total = SENDERS * LINES;
  return {
    figures: [
      figure({ section, name: "messages shown by the ALL subscriber, per second", unit: "msgs/s", chat: chat.shown / chat.seconds, bare: bare.total }),
      figure({ section, name: "CPU of a sender, median (2,000 posts; 4,000 lines of its channel printed)", unit: "ms", chat: median(chat.cpu.senders) * 1000, bare: null }),
      figure({ section, name: "CPU of the ALL client (16,000 lines printed)", unit: "ms", chat: chat.cpu.watcher * 1000, bare: null }),
      figure({ section, name: "CPU of the server", unit: "ms", chat: chat.cpu.server * 1000, bare: null }),
      figure({ section, name: "missing, repeated or out of order", unit: "count", chat: total - chat.shown + chat.duplicates + chat.outOfOrder, bare: bare.lost + bare.gaps }, { atMost: 0, on: "chat" }),
    ],
    details: { chat, bare },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function chatBurst(): Promise<ChatBurst> {
  const server = await startServer("part4/mc_server.js", ["--rate", "0"]);
  const port = (endpoint: string) => endpoint.slice(endpoint.lastIndexOf(":") + 1);
  const client = (channel: string, name: string) => spawn(process.execPath,
    [join(ROOT, "part4/mc_client.js"), "127.0.0.1", port(server.post), port(server.pub), channel, name, "--history", "0"],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["pipe", "pipe", "pipe"] });
  const children: ChildProcess[] = [];
  try {
    const watcher = client(ALL, "watcher");
    children.push(watcher);
    await new Promise<void>((resolve, reject) => {
      watcher.stderr!.setEncoding("utf8").on("data", (s: string) => s.includes("connected to") && resolve());
      watcher.on("exit", () => reject(new Error("the ALL client exited before connecting")));
    });
    const next = new Map<string, number>();
    let shown = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let partial = "";
    const all = new Promise<void>((resolve) => watcher.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        const m = /^#\S+ (s\d+): line (\d+) \(/.exec(line);
        if (!m) continue;
        const expected = next.get(m[1]!) ?? 0;
        const n = Number(m[2]);
        if (n < expected) duplicates++;
        else {
          if (n > expected) outOfOrder++;
          next.set(m[1]!, n + 1);
          shown++;
        }
      }
      if (shown >= SENDERS * LINES) resolve();
    }));
    /* A sender's /proc entry goes with its exit: the last sample stands (at most 20 ms short). */
    const cpu = new Map<number, number>();
    const sample = () => {
      for (const pid of [server.pid, ...children.map((c) => c.pid!)]) {
        try {
          cpu.set(pid, cpuSeconds(pid));
        } catch {
          /* exited */
        }
      }
    };
    const sampler = setInterval(sample, 20);
    const t0 = performance.now();
    const senders = Array.from({ length: SENDERS }, (_, i) => {
      const c = client(`c${i % 4}`, `s${i}`);
      children.push(c);
      c.stdout!.resume();
      c.stderr!.resume();
      c.stdin!.end(Array.from({ length: LINES }, (_, n) => `line ${n}`).join("\n") + "\n");
      return new Promise<number | null>((resolve) => c.on("exit", resolve));
    });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("burst: not all messages shown within 120 s")), 120_000).unref());
    await Promise.race([all, timeout]);
    const seconds = (performance.now() - t0) / 1000;
    const senderExitCodes = await Promise.all(senders);
    sample();
    clearInterval(sampler);
    const of = (pid: number) => Math.round((cpu.get(pid) ?? NaN) * 100) / 100;
    return {
      seconds, shown, duplicates, outOfOrder, senderExitCodes,
      cpu: { senders: children.slice(1).map((c) => of(c.pid!)), watcher: of(watcher.pid!), server: of(server.pid) },
    };
  } finally {
    for (const c of children) c.kill("SIGKILL");
    await server.stop();
  }
}

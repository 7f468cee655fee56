/**
 * Test support: real CLI processes on loopback. A child's output is read
 * line by line; tests wait for the line they expect (readiness included)
 * instead of sleeping, and every child is killed when its test ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { TestContext } from "node:test";

/** The project root (compiled files sit beside their sources). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The longest any wait may take before the test fails; a bound against hangs, not a timing margin. */
export const PATIENCE_MS = 30_000;

export interface Proc {
  child: ChildProcess;
  /** Every stdout / stderr line so far. */
  out: string[];
  err: string[];
  /** Resolves with the first line (past or future) matching `pattern`. */
  line(pattern: RegExp, stream?: "out" | "err"): Promise<RegExpMatchArray>;
  /** Resolves once `count` lines of `stream` match `pattern`. */
  lines(pattern: RegExp, count: number, stream?: "out" | "err"): Promise<string[]>;
  /** Writes to stdin. */
  write(text: string): void;
  /** Ends stdin. */
  end(): void;
  /** Resolves with the exit code (signal name when killed). */
  exit: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

interface Waiter {
  pattern: RegExp;
  stream: "out" | "err";
  count: number;
  resolve: (lines: string[]) => void;
}

/**
 * Starts `node <script> ...args` from the project root, with stdin piped;
 * the child is killed (SIGKILL) when the test ends.
 */
export function run(t: TestContext, script: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return runCommand(t, process.execPath, [join(ROOT, script), ...args], { env, label: script });
}

/**
 * Starts any command from the project root, as run() does. With `group` it
 * leads a process group of its own (so a test can signal the group as a
 * terminal's Ctrl-C does), and the whole group is killed when the test ends.
 */
export function runCommand(
  t: TestContext,
  command: string,
  args: string[],
  { env = {}, label = command, group = false }: { env?: NodeJS.ProcessEnv; label?: string; group?: boolean } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: ROOT,
    /* node --test sets FORCE_COLOR for its children when run in a terminal; a client would obey it over NO_COLOR. */
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, TZ: "UTC", ...env },
    stdio: ["pipe", "pipe", "pipe"],
    detached: group,
  });
  const out: string[] = [];
  const err: string[] = [];
  let waiters: Waiter[] = [];
  const check = () => {
    waiters = waiters.filter((w) => {
      const hits = (w.stream === "out" ? out : err).filter((l) => w.pattern.test(l));
      if (hits.length < w.count) return true;
      w.resolve(hits);
      return false;
    });
  };
  const collect = (stream: NodeJS.ReadableStream, into: string[]) => {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      into.push(...parts);
      check();
    });
    stream.on("end", () => {
      if (partial) into.push(partial);
      partial = "";
      check();
    });
  };
  collect(child.stdout!, out);
  collect(child.stderr!, err);
  child.stdin!.on("error", () => {}); // the child may exit before reading everything
  // "close" comes after the stdio streams have ended, so all output is in by then.
  const exit = new Promise<number | string>((resolve) => child.on("close", (code, signal) => resolve(code ?? signal ?? -1)));
  const describe = () => `\n--- stdout of ${label}:\n${out.join("\n")}\n--- stderr:\n${err.join("\n")}`;
  t.after(() => {
    if (group) killGroup(child, "SIGKILL");
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    /* Whatever the test asserted, a child that died of an uncaught error fails it, with its whole output to read. */
    else if (err.some((l) => /^Node\.js v\d+\.\d+\.\d+$/.test(l))) throw new Error(`${label} crashed${describe()}`);
  });
  const lines = (pattern: RegExp, count: number, stream: "out" | "err" = "out") =>
    new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${count} lines matching ${pattern} on std${stream} within ${PATIENCE_MS} ms${describe()}`)), PATIENCE_MS);
      waiters.push({ pattern, stream, count, resolve: (l) => { clearTimeout(timer); resolve(l); } });
      check();
      void exit.then(() => setImmediate(() => {
        if (waiters.some((w) => w.pattern === pattern && w.stream === stream)) {
          clearTimeout(timer);
          reject(new Error(`${label} exited before ${count} lines matched ${pattern} on std${stream}${describe()}`));
        }
      }));
    });
  return {
    child, out, err, exit, lines,
    line: async (pattern, stream = "out") => (await lines(pattern, 1, stream))[0]!.match(pattern)!,
    write: (text) => child.stdin!.write(text),
    end: () => child.stdin!.end(),
    kill: (signal = "SIGTERM") => child.kill(signal),
  };
}

/** Signals every process of a child's group (one started with `group`), as a terminal does on Ctrl-C. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* the group is gone already */
  }
}

export interface ServerProc extends Proc {
  post: string;
  pub: string | undefined;
  postPort: string;
  pubPort: string;
  /** The file port's endpoint and port (part 4's mc_server); undefined and "" for servers without one. */
  files: string | undefined;
  filePort: string;
}

/** Starts a server script on free ports (port 0) and waits for its readiness line. */
export async function startServer(t: TestContext, script: string, extra: string[] = [], ports?: [string, string?]): Promise<ServerProc> {
  const withPub = !script.includes("post_server");
  const p = ports ?? (withPub ? ["0", "0"] : ["0"]);
  const proc = run(t, script, ["127.0.0.1", ...p.filter((x): x is string => x !== undefined), ...extra]);
  const m = await proc.line(/listening: posts on (tcp:\/\/[\d.]+:(\d+))(?:, publishing on (tcp:\/\/[\d.]+:(\d+)))?(?:, files on (tcp:\/\/[\d.]+:(\d+)))?/);
  return { ...proc, post: m[1]!, postPort: m[2]!, pub: m[3], pubPort: m[4] ?? "", files: m[5], filePort: m[6] ?? "" };
}

/**
 * Ports where nothing listens: a server is started on free ports and killed,
 * so a client can be pointed at a dead (or not yet started) server.
 */
export async function deadServer(t: TestContext, script: string): Promise<ServerProc> {
  const server = await startServer(t, script);
  server.kill("SIGKILL");
  await server.exit;
  return server;
}

/** Runs a CLI to completion with `input` on stdin; resolves with its code and output. */
export async function runToExit(t: TestContext, script: string, args: string[], input = "", env: NodeJS.ProcessEnv = {}) {
  const proc = run(t, script, args, env);
  proc.write(input);
  proc.end();
  const code = await proc.exit;
  await new Promise((r) => setImmediate(r));
  return { code, out: proc.out, err: proc.err, proc };
}

/** A time shown by the clients: HH:mm:ss (today) or with the date. */
export const TIME = String.raw`(?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}`;

/**
 * The bench's child processes: servers (the real mc_server CLI or a bare
 * baseline) and client workers driven over IPC. Every child is tracked and
 * killed when the bench ends, however it ends.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonWithZmq } from "./python.js";

/** The project root (compiled files sit beside their sources). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const live = new Set<ChildProcess>();

/** Kills every child still running. */
export function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
}

function track(child: ChildProcess): Promise<void> {
  live.add(child);
  return new Promise((resolve) => child.on("exit", () => {
    live.delete(child);
    resolve();
  }));
}

/** Sends SIGTERM and waits up to 5 s for the exit, then SIGKILL. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export interface Server {
  readonly pid: number;
  readonly post: string;
  readonly pub: string;
  /** Lines the server has written to stdout, which the bench drains and discards. */
  stdoutLines(): number;
  stop(): Promise<void>;
}

const READY = /listening: posts on (tcp:\/\/[\d.]+:\d+), publishing on (tcp:\/\/[\d.]+:\d+)/;

/** The Python baseline (bench/servers/pyzmq_relay.py), when a python3 with pyzmq is there. */
export const PYZMQ = "bench/servers/pyzmq_relay.py";

/**
 * Starts `node <script> 127.0.0.1 0 0 ...args` (a .py script with a python3
 * that has pyzmq) and resolves once it prints its readiness line. Its stdout
 * stays piped to the bench and is drained. `nodeArgs` go to node itself
 * (--cpu-prof when profiling).
 */
export function startServer(script: string, args: string[] = [], nodeArgs: string[] = []): Promise<Server> {
  const python = script.endsWith(".py") ? pythonWithZmq() : undefined;
  if (python === null) return Promise.reject(new Error(`${script}: no python3 with pyzmq`));
  const child = spawn(python ?? process.execPath, [...(python ? [] : nodeArgs), join(ROOT, script), "127.0.0.1", "0", "0", ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = track(child);
  let lines = 0;
  let errors = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (errors = (errors + s).slice(-2000)));
  return new Promise((resolve, reject) => {
    let head = "";
    let ready = false;
    const timer = setTimeout(() => fail("no readiness line within 20 s"), 20_000);
    const fail = (why: string) => {
      if (ready) return;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${script}: ${why}\n${head}${errors}`));
    };
    child.on("exit", () => fail("exited"));
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) lines++;
      if (ready) return;
      head += chunk;
      const m = READY.exec(head);
      if (!m) return;
      clearTimeout(timer);
      ready = true;
      resolve({
        pid: child.pid!,
        post: m[1]!,
        pub: m[2]!,
        stdoutLines: () => lines,
        stop: () => stopChild(child, exited),
      });
    });
  });
}

export interface Worker {
  readonly pid: number;
  /** Runs a task in the worker (see bench/worker.ts) and resolves with its result. */
  call<T>(task: string, args?: object, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/** Forks a client worker process (bench/worker.js). */
export function startWorker(): Worker {
  const child = fork(join(ROOT, "bench", "worker.js"), [], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = track(child);
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  child.on("message", (m: { id: number; result?: unknown; error?: string }) => {
    const call = calls.get(m.id);
    calls.delete(m.id);
    if (m.error !== undefined) call?.reject(new Error(m.error));
    else call?.resolve(m.result);
  });
  void exited.then(() => {
    for (const c of calls.values()) c.reject(new Error("the worker exited"));
  });
  return {
    pid: child.pid!,
    call<T>(task: string, args: object = {}, timeoutMs = 60_000) {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          calls.delete(id);
          reject(new Error(`worker task ${task} took over ${timeoutMs} ms`));
        }, timeoutMs);
        calls.set(id, {
          resolve: (v) => { clearTimeout(timer); resolve(v as T); },
          reject: (e) => { clearTimeout(timer); reject(e); },
        });
        child.send({ id, task, args });
      });
    },
    stop: () => stopChild(child, exited),
  };
}

/** Runs `node <script> ...args` to completion (killed after `timeoutMs`) and resolves with its stdout lines. */
export function runScript(script: string, args: string[], timeoutMs: number): Promise<string[]> {
  const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const exited = track(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (out += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (err = (err + s).slice(-2000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return exited.then(() => {
    clearTimeout(timer);
    if (child.exitCode !== 0) throw new Error(`${script} failed (${child.exitCode ?? child.signalCode}): ${err}`);
    return out.split("\n").filter(Boolean);
  });
}

/**
 * Starts chat servers for the directory when every server is full: a
 * command template (`--launch`) with {ip} and {cluster} filled in, run by
 * /bin/sh in a process group of its own, so that `ssh otherhost node ...`
 * works as well as a local `node part4/mc_server.js ...`. Each child's
 * output goes to the directory's stderr, every line prefixed with the
 * child's pid; a child that exits is reaped and said so; on close every
 * child still running gets SIGTERM (its group: the shell and the server),
 * and SIGKILL if it is still there a few seconds later.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { ROOT_DIR } from "../root.js";

/** The default template: a server on this host, on free ports, in the cluster. */
export const DEFAULT_LAUNCH = `node ${ROOT_DIR}/part4/mc_server.js {ip} 0 0 --cluster {cluster}`;
const KILL_MS = 3000;

export interface LauncherOptions {
  /** The command template, with {ip} and {cluster}. */
  template: string;
  ip: string;
  cluster: string;
  /** Where the directory's own lines go (launches, exits). */
  say: (line: string) => void;
  /** Where the children's output goes, prefixed. */
  childOutput: (line: string) => void;
}

/** A launched server process. */
export interface Child {
  readonly pid: number;
  readonly command: string;
  /** Resolves with the exit code (or the signal's name) once it has exited. */
  readonly exited: Promise<number | string>;
  /** The last line it wrote on stderr, for a sentence when it fails. */
  readonly lastError: string | undefined;
}

/** The command a template stands for. */
export function fillTemplate(template: string, ip: string, cluster: string): string {
  return template.replaceAll("{ip}", ip).replaceAll("{cluster}", cluster);
}

export class Launcher {
  private readonly children = new Map<number, ChildProcess>();

  constructor(private readonly o: LauncherOptions) {}

  /** Starts one server command; its registration is the caller's to wait for. */
  launch(): Child {
    const command = fillTemplate(this.o.template, this.o.ip, this.o.cluster);
    const child = spawn("/bin/sh", ["-c", command], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    const pid = child.pid ?? -1;
    let lastError: string | undefined;
    if (pid > 0) this.children.set(pid, child);
    this.o.say(`launching a chat server (pid ${pid}): ${command}`);
    createInterface({ input: child.stdout! }).on("line", (l) => this.o.childOutput(`[server ${pid}] ${l}`));
    createInterface({ input: child.stderr! }).on("line", (l) => {
      lastError = l;
      this.o.childOutput(`[server ${pid}] ${l}`);
    });
    const exited = new Promise<number | string>((resolve) => {
      child.on("error", (err) => {
        lastError = err.message;
        resolve(-1);
      });
      child.on("close", (code, signal) => {
        this.children.delete(pid);
        const how = code ?? signal ?? -1;
        this.o.say(`server process ${pid} exited (${typeof how === "number" ? `code ${how}` : how})`);
        resolve(how);
      });
    });
    return {
      pid, command, exited,
      get lastError() {
        return lastError;
      },
    };
  }

  /** Servers this launcher started that are still running. */
  get running(): number {
    return this.children.size;
  }

  /** Stops every child still running: SIGTERM to its group, SIGKILL after KILL_MS. */
  async close(): Promise<void> {
    const waits = [...this.children.entries()].map(([pid, child]) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("close", () => resolve());
      signal(pid, "SIGTERM");
      setTimeout(() => signal(pid, "SIGKILL"), KILL_MS).unref();
    }));
    await Promise.all(waits);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    /* gone already */
  }
}

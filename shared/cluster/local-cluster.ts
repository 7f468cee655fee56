/**
 * `npm run cluster`: the whole cluster on this machine, to try it. Three
 * NATS JetStream nodes (configurations and stores generated in a temporary
 * directory, nats-nodes.ts), the directory (part4/mc_directory.js) and one
 * chat server (part4/mc_server.js --cluster); the directory starts more
 * servers as users arrive. It prints how to connect and stops everything on
 * Ctrl-C, removing the temporary directory.
 *
 * Every process binds 127.0.0.1. On several hosts the same pieces run
 * apart: README, "A cluster on several hosts".
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatError } from "../errors.js";
import { ROOT_DIR } from "../root.js";
import { startNatsCluster, type NatsCluster } from "./nats-nodes.js";

const HOST = "127.0.0.1";

export interface LocalClusterOptions {
  /** The directory's port (0: any free port). */
  port: number;
  /** Users per server before the directory starts another. */
  usersPerServer: number;
  /** Seconds a server may stay without users before the directory stops it. */
  idle: number;
  /** Where each line of the pieces' output goes, prefixed with the piece's name. */
  print: (line: string) => void;
}

export interface LocalCluster {
  /** The directory's address, as clients take it: ip:port. */
  readonly directory: string;
  readonly nats: NatsCluster;
  stop(): Promise<void>;
}

/** A piece that did not come up: one sentence. */
export class ClusterStartError extends ChatError {}

/** Starts the nodes, the directory and one server; resolves once all are ready. */
export async function startLocalCluster(o: LocalClusterOptions): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), "chat-cluster-"));
  const children: ChildProcess[] = [];
  let nats: NatsCluster | undefined;
  const stop = async () => {
    await Promise.all(children.map((c) => ended(c, "SIGTERM")));
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    nats = await startNatsCluster(dir, 3);
    o.print(`NATS nodes: ${nats.urls} (stores in ${dir})`);
    const directory = await piece(children, o.print, "directory", [
      join(ROOT_DIR, "part4/mc_directory.js"), HOST, String(o.port), "--cluster", nats.urls,
      "--users-per-server", String(o.usersPerServer), "--idle", String(o.idle),
    ], /directory listening on tcp:\/\/([^\s,]+)/);
    await piece(children, o.print, "server", [join(ROOT_DIR, "part4/mc_server.js"), HOST, "0", "0", "--cluster", nats.urls], /listening: posts on/);
    return { directory: directory[1]!, nats, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Starts `node ...args`, echoes its lines, and resolves with the first line matching `ready`. */
function piece(children: ChildProcess[], print: (l: string) => void, name: string, args: string[], ready: RegExp): Promise<RegExpMatchArray> {
  const child = spawn(process.execPath, args, { cwd: ROOT_DIR, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let done = false;
    const take = (stream: NodeJS.ReadableStream) => {
      let partial = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const lines = (partial + chunk).split("\n");
        partial = lines.pop()!;
        for (const line of lines) {
          print(`[${name}] ${line}`);
          const m = done ? null : ready.exec(line);
          if (m) {
            done = true;
            resolve(m);
          }
        }
      });
    };
    take(child.stdout!);
    take(child.stderr!);
    child.once("error", (err) => reject(new ClusterStartError(`could not start the ${name}: ${err.message}`)));
    child.once("close", (code, signal) => {
      if (!done) reject(new ClusterStartError(`the ${name} exited (${code ?? signal}) before it was ready`));
    });
  });
}

/** Signals a child and resolves once it has exited. */
function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("close", () => resolve());
    child.kill(signal);
  });
}

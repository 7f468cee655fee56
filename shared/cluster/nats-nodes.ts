/**
 * Local NATS nodes: `nats-server` processes forming one JetStream cluster on
 * loopback, each with a generated configuration and a store directory of
 * its own under `dir`. `npm run cluster` and the cluster tests start them;
 * on several hosts each node's configuration names the others' route
 * addresses instead (README, "A cluster on several hosts").
 *
 * Readiness is read from the node's log, not waited for: a node is ready
 * when it says "Server is ready" and has heard of a JetStream metadata
 * leader (before that, creating a stream fails).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** One node's addresses. */
export interface NodePorts {
  client: number;
  route: number;
}

/** A running (or stopped) node. */
export interface NatsNode {
  readonly name: string;
  /** nats://127.0.0.1:<client port> */
  readonly url: string;
  readonly ports: NodePorts;
  /** Every line the node logged, across restarts. */
  readonly log: string[];
  /** Running now. */
  readonly running: boolean;
  /** kill -9 (or another signal); resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports and store; resolves when it is ready. */
  restart(): Promise<void>;
}

export interface NatsCluster {
  readonly nodes: readonly NatsNode[];
  /** Every node's client URL, comma-separated: what `--cluster` takes. */
  readonly urls: string;
  stop(): Promise<void>;
}

/** Why a node could not start: one sentence. */
export class NatsStartError extends Error {}

/** A port nothing listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The configuration of node `name` in a cluster whose route ports are `routes`. */
export function nodeConfig(name: string, ports: NodePorts, storeDir: string, routes: readonly number[]): string {
  return [
    `server_name: ${name}`,
    `listen: 127.0.0.1:${ports.client}`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)} }`,
    "cluster {",
    "  name: chat",
    `  listen: 127.0.0.1:${ports.route}`,
    `  routes: [${routes.map((p) => `nats-route://127.0.0.1:${p}`).join(", ")}]`,
    "}",
    "",
  ].join("\n");
}

const READY = /Server is ready/;
const LEADER = /metadata leader/;
/* Bounds against a node that never comes up, not timing margins: a start takes under a second. */
const START_MS = 60_000;
const STUCK_MS = 15_000;
const STARTS = 3;

/** A node that started but did not become ready in time. */
class NodeStuckError extends NatsStartError {}

/**
 * A node whose port was taken: freePort() found it free, but another process
 * bound it before the node did (other test files pick ports at the same time).
 */
class PortTakenError extends NatsStartError {}
const PORT_TAKEN = /address already in use/;

/**
 * Starts `count` nodes under `dir` (configurations and stores beside each
 * other) and resolves once every one is ready.
 */
export async function startNatsCluster(dir: string, count = 3, command = "nats-server"): Promise<NatsCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(dir, count, command);
    } catch (err) {
      /* Taken ports: new ones, and the stores the failed start began cleared. */
      if (!(err instanceof PortTakenError) || attempt >= STARTS) throw err;
      for (let i = 0; i < count; i++) rmSync(join(dir, `n${i + 1}`), { recursive: true, force: true });
    }
  }
}

/** One try of startNatsCluster, on ports free a moment ago. */
async function startOn(dir: string, count: number, command: string): Promise<NatsCluster> {
  const ports: NodePorts[] = [];
  for (let i = 0; i < count; i++) ports.push({ client: await freePort(), route: await freePort() });
  const routes = ports.map((p) => p.route);
  const nodes = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const store = join(dir, name);
    mkdirSync(store, { recursive: true });
    const conf = join(dir, `${name}.conf`);
    /* Routes to the others only (a route to itself is noise in its log). */
    writeFileSync(conf, nodeConfig(name, p, store, routes.filter((r) => r !== p.route)));
    return new Node(name, p, conf, command);
  });
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill("SIGKILL")));
    throw err;
  }
  return {
    nodes,
    urls: nodes.map((n) => n.url).join(","),
    async stop() {
      await Promise.all(nodes.map((n) => n.kill("SIGTERM")));
    },
  };
}

class Node implements NatsNode {
  readonly log: string[] = [];
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(readonly name: string, readonly ports: NodePorts, private readonly conf: string, private readonly command: string) {
    this.url = `nats://127.0.0.1:${ports.client}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts the node and waits for it to be ready. A node that has not heard
   * of a metadata leader within STUCK_MS is killed and started again, up to
   * STARTS times: under heavy load nats-server 2.9 sometimes settles its
   * duplicate routes into a state where it never learns the leader (its log
   * ends at "Waiting for routing to be established"), which a restart
   * clears.
   */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(attempt < STARTS ? STUCK_MS : START_MS);
      } catch (err) {
        if (!(err instanceof NodeStuckError) || attempt >= STARTS) throw err;
        await this.exited;
      }
    }
  }

  private startOnce(patienceMs: number): Promise<void> {
    const child = spawn(this.command, ["-c", this.conf], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
    const from = this.log.length;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      let leader = false;
      let settled = false;
      const timer = setTimeout(() => fail(`NATS node ${this.name} was not ready within ${patienceMs / 1000} s`, true), patienceMs);
      const fail = (sentence: string, stuck = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill("SIGKILL");
        const tail = this.log.slice(from).slice(-8).join("\n");
        const message = tail ? `${sentence}:\n${tail}` : sentence;
        reject(stuck ? new NodeStuckError(message) : new NatsStartError(message));
      };
      child.once("error", (err: NodeJS.ErrnoException) =>
        fail(err.code === "ENOENT" ? `${this.command} is not installed (Debian: apt-get install nats-server)` : `could not start ${this.command}: ${err.message}`));
      child.once("close", () => {
        if (settled) return;
        const taken = this.log.slice(from).some((line) => PORT_TAKEN.test(line));
        if (!taken) return fail(`NATS node ${this.name} exited while starting`);
        settled = true;
        clearTimeout(timer);
        reject(new PortTakenError(`NATS node ${this.name} could not listen: ${this.log.slice(from).find((line) => PORT_TAKEN.test(line))}`));
      });
      let partial = "";
      const take = (chunk: Buffer) => {
        const parts = (partial + chunk.toString("utf8")).split("\n");
        partial = parts.pop()!;
        for (const line of parts) {
          this.log.push(line);
          if (READY.test(line)) ready = true;
          if (LEADER.test(line)) leader = true;
        }
        if (ready && leader && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", take);
      child.stderr!.on("data", take);
    });
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.running) this.child!.kill(signal);
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.kill("SIGKILL");
    await this.start();
  }
}

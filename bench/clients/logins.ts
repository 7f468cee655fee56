/**
 * Login traffic for bench/login.ts: `connections` DEALER sockets in this
 * process, each sending a login as soon as the previous one is answered,
 * and waiting out a slow-down as a client does (so the server's hash queue
 * stays full: the most hashing work the server lets in).
 */
import { Dealer } from "zeromq";

export interface LoginCounts {
  ok: number;
  failed: number;
  locked: number;
  slowDown: number;
  other: number;
  ms: number;
}

export class LoginLoad {
  private running = true;
  private readonly started = performance.now();
  private readonly counts: LoginCounts = { ok: 0, failed: 0, locked: 0, slowDown: 0, other: 0, ms: 0 };
  private readonly loops: Promise<void>[] = [];
  private n = 0;

  /** `user(n)` names the n-th attempt's user: one account, or a new name each time (a password spray). */
  constructor(endpoint: string, connections: number, private readonly user: (n: number) => string, private readonly password: string) {
    for (let i = 0; i < connections; i++) this.loops.push(this.client(endpoint));
  }

  async stop(): Promise<LoginCounts> {
    this.running = false;
    await Promise.all(this.loops);
    return { ...this.counts, ms: performance.now() - this.started };
  }

  private async client(endpoint: string): Promise<void> {
    const socket = new Dealer({ linger: 0, receiveTimeout: 10_000 });
    socket.connect(endpoint);
    try {
      while (this.running) {
        await socket.send(["", "login", JSON.stringify({ user: this.user(this.n++), password: this.password })]);
        const [, status, code, , retry] = (await socket.receive()).map((f) => f.toString("latin1"));
        if (status === "ok") this.counts.ok++;
        else if (code === "auth-failed") this.counts.failed++;
        else if (code === "locked") this.counts.locked++;
        else if (code === "slow-down") {
          this.counts.slowDown++;
          await new Promise((resolve) => setTimeout(resolve, Number(retry)));
        } else this.counts.other++;
      }
    } catch {
      /* a receive timed out: the bench reports the counts so far */
    } finally {
      socket.close();
    }
  }
}

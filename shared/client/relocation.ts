/**
 * Failover for a client of the directory: when its server goes silent (the
 * feed misses three heartbeats), the client asks the directory for another
 * server, avoiding the silent one, and moves its endpoints there
 * (moving-endpoint.ts): every requester sends its request in flight again,
 * unchanged, to the new server (a post keeps its id, so the cluster stores
 * it once), and the SUB socket reconnects with its subscriptions, its gap
 * filled from history. A directory that cannot help is asked again every
 * few seconds while the server stays silent.
 */
import { describeError } from "../cli.js";
import { delay } from "../delay.js";
import type { Assignment } from "../protocol/ops/directory.js";
import type { MovingEndpoint } from "../transport/moving-endpoint.js";
import { askDirectory } from "./directory.js";
import type { Screen } from "./ui/screen-types.js";

/** After a directory that could not help, the next question this much later. */
const RETRY_MS = 3000;
/** A server moved to that is still silent after this long is given up too. */
const QUIET_MS = 5000;

export interface RelocationOptions {
  /** The directory's endpoint. */
  directory: string;
  /** The server the directory gave at start. */
  assignment: Assignment;
  post: MovingEndpoint;
  pub: MovingEndpoint;
  /** The name to ask for (the account's, once logged in). */
  user: () => string;
  screen: Pick<Screen, "notice" | "warning">;
  /** Heard after each move: say hello to the new server at once. */
  moved: () => void;
  /** Asks the directory; askDirectory by default (a test may answer instead). */
  ask?: typeof askDirectory;
}

export class Relocation {
  private server: string;
  private silent = false;
  private moving = false;
  private closed = false;
  private readonly stop = new AbortController();

  constructor(private readonly o: RelocationOptions) {
    this.server = o.assignment.server;
  }

  /** The server went silent: move, unless it speaks again first. */
  serverSilent(): void {
    this.silent = true;
    if (!this.moving) void this.move();
  }

  /** The server (this one or the new one) is heard again. */
  serverBack(): void {
    this.silent = false;
  }

  close(): void {
    this.closed = true;
    this.stop.abort();
  }

  private async move(): Promise<void> {
    this.moving = true;
    const ask = this.o.ask ?? askDirectory;
    try {
      while (this.silent && !this.closed) {
        const from = this.o.post.current;
        try {
          const a = await ask(this.o.directory, this.o.user(), this.server);
          if (this.closed || !this.silent) return;
          this.server = a.server;
          this.o.pub.move(a.pub);
          this.o.post.move(a.post);
          this.o.screen.notice(`server ${from} stopped answering; moved to ${a.post}`);
          this.o.moved();
          /* Not heard from the new one either within a while: ask again, avoiding it. */
          await delay(QUIET_MS, this.stop.signal).catch(() => undefined);
        } catch (err) {
          if (this.closed) return;
          this.o.screen.warning(`server ${from} stopped answering, and ${describeError(err)}; asking again in ${RETRY_MS / 1000} s`);
          await delay(RETRY_MS, this.stop.signal).catch(() => undefined);
        }
      }
    } finally {
      this.moving = false;
    }
  }
}

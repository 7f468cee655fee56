/**
 * Presence across the servers of one cluster: each server publishes the
 * hellos and byes its clients send it (after identity: the account's name,
 * never the token) on the core NATS subject NAMES.presenceSubject, tagged
 * with its server id; every other server applies them to its own
 * PresenceTable and announces the joins and leaves that follow on its own
 * PUB, as it does local ones. So /who, joins and leaves are the same on
 * every server, and each server forgets a remote session the way it forgets
 * a local one (no hello for the presence timeout).
 *
 *   message: JSON {"v":1,"from":<server id>,"op":"hello","hello":{session,user,channels,joined?}}
 *                 {"v":1,"from":<server id>,"op":"bye","session":...}
 *
 * Core NATS keeps nothing: a server cut off from NATS misses what was said
 * meanwhile, and its clients' hellos are not heard elsewhere. Presence is
 * soft state, refreshed by every client every few seconds, so the next hello
 * after the connection is back repairs it; a missed bye is repaired by the
 * presence timeout.
 */
import { randomBytes } from "node:crypto";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { NAMES } from "../../cluster/connection.js";
import type { PresenceEvent } from "../../protocol/index.js";
import { bye, hello, type ByeRequest, type HelloRequest } from "../../protocol/ops/presence.js";
import type { PresenceTable } from "../presence-table.js";

export interface PresenceBridgeOptions {
  nc: NatsConnection;
  presence: PresenceTable;
  /** Where the events a remote hello or bye causes go (the fan-out). */
  announce: (events: readonly PresenceEvent[]) => void;
  onError: (sentence: string) => void;
  subject?: string;
}

/** One server's end of the bridge. */
export class PresenceBridge {
  /** This server, in its messages: its own come back and are ignored. */
  readonly id = randomBytes(6).toString("hex");
  private readonly subject: string;
  private readonly sub: Subscription;
  private readonly loop: Promise<void>;

  constructor(private readonly o: PresenceBridgeOptions) {
    this.subject = o.subject ?? NAMES.presenceSubject;
    this.sub = o.nc.subscribe(this.subject);
    this.loop = this.receive();
  }

  /** Tells the other servers of a hello or bye this one answered. */
  forward(request: HelloRequest | ByeRequest): void {
    const body = request.op === "hello" ? { op: "hello", hello: request.hello } : { op: "bye", session: request.session };
    try {
      this.o.nc.publish(this.subject, JSON.stringify({ v: 1, from: this.id, ...body }));
    } catch (err) {
      /* Closed or draining: presence is refreshed by the next hello anyway. */
      this.o.onError(`could not forward presence to the cluster: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    if (!this.sub.isClosed()) this.sub.unsubscribe();
    await this.loop;
  }

  private async receive(): Promise<void> {
    for await (const m of this.sub) {
      let events: PresenceEvent[];
      try {
        const p = JSON.parse(m.string()) as { v?: unknown; from?: unknown; op?: unknown; hello?: unknown; session?: unknown };
        if (p.v !== 1 || p.from === this.id) continue;
        const now = Date.now();
        /* The wire's own checks: a message another server sent is still input. */
        if (p.op === "hello") events = this.o.presence.hello(hello.fromJson(p.hello as Record<string, unknown>).hello, now);
        else if (p.op === "bye") events = this.o.presence.bye(bye.fromJson({ session: p.session }).session);
        else continue;
      } catch (err) {
        this.o.onError(`ignored a presence message from the cluster: ${(err as Error).message}`);
        continue;
      }
      this.o.announce(events);
    }
  }
}

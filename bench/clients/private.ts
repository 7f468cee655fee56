/**
 * Private-message traffic for bench/private.ts: accounts set up over the
 * protocol, senders of `msg` requests, and inbox long polls that read (and
 * so acknowledge) what arrives, each on a DEALER of its own.
 */
import { Dealer } from "zeromq";

export interface BenchAccount {
  user: string;
  token: string;
}

/** One DEALER, one request at a time: sends [op, json] and resolves with [status, ...rest] (the delimiter stripped). */
export class Conn {
  private readonly socket: Dealer;

  constructor(endpoint: string, receiveTimeout = 30_000) {
    this.socket = new Dealer({ linger: 0, receiveTimeout });
    this.socket.connect(endpoint);
  }

  async ask(op: string, body: object): Promise<Buffer[]> {
    await this.socket.send(["", op, JSON.stringify(body)]);
    const [, ...reply] = await this.socket.receive();
    return reply;
  }

  /** Like ask, but throws on an error reply; resolves with the answer's JSON. */
  async ok<T = Record<string, unknown>>(op: string, body: object): Promise<T> {
    const [status, a, b] = await this.ask(op, body);
    if (status!.toString() !== "ok") throw new Error(`${op}: ${a} ${b}`);
    return JSON.parse(a!.toString()) as T;
  }

  close(): void {
    this.socket.close();
  }
}

/** Registers `user` (once) and logs it in; resolves with its token. */
export async function account(endpoint: string, user: string, password: string): Promise<BenchAccount> {
  const c = new Conn(endpoint);
  try {
    await c.ask("register", { user, password }); // name-taken on a second run is fine
    const { token } = await c.ok<{ token: string }>("login", { user, password });
    return { user, token };
  } finally {
    c.close();
  }
}

interface Item {
  m: number;
  type: string;
  from?: string;
  body?: string;
}

/**
 * An account's inbox read as a client reads it: a long poll held by the
 * server, then the next one after the last item, which acknowledges it.
 */
export class InboxReader {
  private running = true;
  private readonly conn: Conn;
  private readonly loop: Promise<void>;
  /** Resolves once the first (catch-up) answer is in: later polls are held. */
  readonly caughtUp: Promise<void>;
  private caught: () => void = () => {};

  constructor(endpoint: string, private readonly who: BenchAccount, private readonly onItem: (item: Item, at: number) => void) {
    this.conn = new Conn(endpoint);
    this.caughtUp = new Promise((resolve) => (this.caught = resolve));
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.conn.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    let after: number | undefined;
    try {
      while (this.running) {
        const a = await this.conn.ok<{ after: number; head: number; items: Item[] }>("inbox", {
          token: this.who.token, ...(after === undefined ? {} : { after }), waitMs: 2000,
        });
        const at = performance.now();
        for (const item of a.items) this.onItem(item, at);
        after = a.items.length > 0 ? a.items[a.items.length - 1]!.m : a.after;
        if (a.items.length === 0 || a.head === after) this.caught();
      }
    } catch {
      /* closed by stop() */
    }
  }
}

/**
 * Times `count` private messages from `from` to `to`, one at a time,
 * `intervalMs` apart: from just before the send to the arrival of the
 * recipient's inbox answer holding it, in µs; a message not there within a
 * second counts as lost.
 */
export async function probePrivate(endpoint: string, from: BenchAccount, to: BenchAccount, count: number, intervalMs: number) {
  let waiting: { body: string; arrived: (at: number) => void } | undefined;
  const reader = new InboxReader(endpoint, to, (item, at) => {
    if (waiting && item.type === "msg" && item.body === waiting.body) waiting.arrived(at);
  });
  const own = new InboxReader(endpoint, from, () => {}); // the sender's copies, read so its inbox never fills
  const sender = new Conn(endpoint);
  const samples: number[] = [];
  let lost = 0;
  try {
    await Promise.all([reader.caughtUp, own.caughtUp]);
    for (let i = 0; i < count; i++) {
      const body = `probe ${process.pid} ${i} ${"x".repeat(80)}`;
      let timer: NodeJS.Timeout | undefined;
      const heard = new Promise<number | undefined>((resolve) => {
        waiting = { body, arrived: resolve };
        timer = setTimeout(() => resolve(undefined), 1000);
      });
      const t0 = performance.now();
      await sender.ok("msg", { id: `p${process.pid}-${i}`, to: to.user, body, token: from.token });
      const t1 = await heard;
      clearTimeout(timer);
      waiting = undefined;
      if (t1 === undefined) lost++;
      else samples.push((t1 - t0) * 1000);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    sender.close();
    await Promise.all([reader.stop(), own.stop()]);
  }
  return { samples, lost };
}

/**
 * Closed-loop private messages: each pair's sender sends the next message
 * as soon as the previous one is answered; every account's inbox is read
 * as a client would. Counts the messages that reached their recipients.
 */
export class PrivateLoop {
  private delivered = 0;
  private errors = 0;
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly readers: InboxReader[] = [];

  constructor(endpoint: string, pairs: [BenchAccount, BenchAccount][]) {
    for (const [from, to] of pairs) {
      this.readers.push(new InboxReader(endpoint, to, (item) => void (item.from === from.user && this.delivered++)));
      this.readers.push(new InboxReader(endpoint, from, () => {}));
      this.loops.push(this.sender(endpoint, from, to));
    }
  }

  mark(): { count: number; errors: number; atMs: number } {
    return { count: this.delivered, errors: this.errors, atMs: performance.now() };
  }

  async stop(): Promise<{ count: number; errors: number }> {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all(this.readers.map((r) => r.stop()));
    return { count: this.delivered, errors: this.errors };
  }

  private async sender(endpoint: string, from: BenchAccount, to: BenchAccount): Promise<void> {
    const c = new Conn(endpoint, 5000);
    const body = "y".repeat(100);
    try {
      for (let i = 0; this.running; i++) {
        const [status] = await c.ask("msg", { id: `l${process.pid}-${from.user}-${i}`, to: to.user, body, token: from.token });
        if (status!.toString() !== "ok") this.errors++;
      }
    } catch {
      this.errors++;
    } finally {
      c.close();
    }
  }
}

/**
 * Sends `count` 100-byte private messages from `from` to `to` round robin
 * (the recipients offline: nobody reads their inboxes), `window` in flight;
 * the sender's own copies are read so that its inbox never fills.
 */
export async function queuePrivate(endpoint: string, from: BenchAccount, to: string[], count: number, window: number): Promise<{ sent: number; errors: number }> {
  const own = new InboxReader(endpoint, from, () => {});
  const conns = Array.from({ length: window }, () => new Conn(endpoint));
  const body = "z".repeat(100);
  let next = 0;
  let sent = 0;
  let errors = 0;
  try {
    await own.caughtUp;
    await Promise.all(conns.map(async (c) => {
      for (let i = next++; i < count; i = next++) {
        const [status] = await c.ask("msg", { id: `q${process.pid}-${i}`, to: to[i % to.length]!, body, token: from.token });
        if (status!.toString() === "ok") sent++;
        else errors++;
      }
    }));
  } finally {
    conns.forEach((c) => c.close());
    await own.stop();
  }
  return { sent, errors };
}

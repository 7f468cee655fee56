/**
 * A subscriber that shows every message of the channels it follows exactly
 * once and in order, the way zguide's Clone pattern does it:
 *
 * 1. subscribe to the channel's topic, then to a private sync topic, and
 *    wait for the server's sync event: from then on nothing published is
 *    missed live (no slow-joiner window);
 * 2. ask the server for recent history, show it, and remember the newest
 *    number; live messages held meanwhile that the history covered are
 *    dropped, the rest follow;
 * 3. when a live message skips a number (a high-water-mark drop on a slow
 *    subscriber, a reconnect), hold it, fetch the missing range from
 *    history, then go on. Heartbeats carry the newest numbers, so a loss at
 *    the end of a burst is noticed within a heartbeat too.
 *
 * Without a requester (part 2's pub_client has only the PUB port) the feed
 * shows live messages as they come, dropping only duplicates.
 *
 * A channel is tracked by seq; ALL by gseq, since it interleaves channels.
 *
 * Where ZeroMQ drops on the way here, and what catches it:
 * - before the server has seen a subscription (the slow joiner): the sync
 *   event, step 1;
 * - at the server's XPUB high-water mark for a subscriber that has fallen
 *   behind, and while the SUB is reconnecting (messages published
 *   meanwhile are gone): the numbering, step 3;
 * - with the server itself (killed with messages queued): step 3 again once
 *   it is back with its store; an in-memory restart is a new epoch, and
 *   the feed starts over (a post retried into it is recognised by its id).
 * High-water marks therefore only trade memory for history requests, never
 * for lost messages.
 */
import { randomBytes } from "node:crypto";
import { Subscriber } from "zeromq";
import {
  channelTopic, decodeHistoryAnswer, decodePublication, encodeControl, syncTopic, EVENTS_TOPIC,
  type ChatMessage, type Heartbeat, type Presence,
} from "../../codec.js";
import { ClosedError, CodecError, type HandshakeError } from "../../errors.js";
import { watchHandshakes } from "../../handshake-watch.js";
import { ALL, HISTORY_MAX } from "../../limits.js";
import { isIpv6Endpoint } from "../../endpoint.js";
import type { ReliableRequester } from "../../requester.js";
import type { CurveClientKeys } from "../../curve.js";

export type FeedNotice =
  /** Following `channel` from now on; the `history` messages just shown were its history. */
  | { type: "ready"; channel: string; history: number }
  | { type: "silent"; sinceMs: number }
  | { type: "back" }
  | { type: "restarted" }
  | { type: "lost"; channel: string; count: number }
  | { type: "presence"; presence: Presence };

export interface FeedOptions {
  pub: string;
  queries?: ReliableRequester | undefined;
  /** Messages of history shown when a channel is followed. */
  history: number;
  curve?: CurveClientKeys | undefined;
  /** The server's heartbeat interval; silence is three of them. */
  heartbeatMs?: number;
  /** Messages held by the SUB socket before libzmq stops reading (then the PUB side drops). */
  receiveHighWaterMark?: number;
  onMessage: (message: ChatMessage, fromHistory: boolean) => void;
  onNotice: (notice: FeedNotice) => void;
  /** Hears, once, that the SUB socket's handshake can never succeed (wrong or missing server key). */
  onFailure?: (err: HandshakeError) => void;
}

/*
 * Posts that can be in flight when a server dies: one per posting client.
 * Remembering the last 1,000 ids shown covers a thousand clients posting
 * at the moment of the crash, for 1,000 short strings of memory.
 */
const RECENT_IDS = 1000;

export class Feed {
  private readonly sub: Subscriber;
  private readonly followed = new Set<string>();
  private readonly lastSeq = new Map<string, number>();
  private lastG = 0;
  private epoch: string | undefined;
  private readonly syncs = new Map<string, () => void>();
  /** Live messages held while history is being fetched. */
  private held: ChatMessage[] = [];
  private busy = 0;
  /** Ids of the newest messages shown, to recognise a post retried into a restarted server. */
  private readonly recent: string[] = [];
  private recentAt = 0;
  /** After a restart without a store: ids shown before it. */
  private before = new Set<string>();
  private heardAt = Date.now();
  private silent = false;
  private readonly timer: NodeJS.Timeout;
  private readonly loop: Promise<void>;

  constructor(private readonly options: FeedOptions) {
    const { curve } = options;
    this.sub = new Subscriber({
      linger: 0,
      ipv6: isIpv6Endpoint(options.pub),
      /*
       * As deep as the server's send side: a 16,000-message burst fits
       * whole while this process is busy printing (~250 bytes a message,
       * so at most ~25 MB); past it libzmq stops reading and the server
       * drops for us, which step 3 repairs from history.
       */
      receiveHighWaterMark: options.receiveHighWaterMark ?? 100_000,
      ...(curve ? { curveServerKey: curve.serverKey, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey } : {}),
    });
    this.sub.subscribe(EVENTS_TOPIC);
    watchHandshakes(this.sub, options.pub, curve !== undefined, (err) => options.onFailure?.(err));
    this.sub.connect(options.pub);
    this.loop = this.receive();
    const beat = options.heartbeatMs ?? 1000;
    this.timer = setInterval(() => {
      if (!this.silent && Date.now() - this.heardAt > 3 * beat) {
        this.silent = true;
        options.onNotice({ type: "silent", sinceMs: this.heardAt });
      }
    }, beat).unref();
  }

  /** The channels (and ALL) being followed. */
  get channels(): string[] {
    return [...this.followed];
  }

  /** Whether the server has been heard from lately. */
  get isSilent(): boolean {
    return this.silent;
  }

  /**
   * Starts following a channel, or ALL; resolves once its subscription is
   * active and its history shown.
   */
  async follow(channel: string): Promise<void> {
    if (this.followed.has(channel)) return;
    this.followed.add(channel);
    this.busy++;
    try {
      this.sub.subscribe(channel === ALL ? "" : channelTopic(channel));
      await this.sync();
      const history = await this.loadHistory(channel);
      this.options.onNotice({ type: "ready", channel, history });
    } finally {
      this.busy--;
      this.release();
    }
  }

  /** Stops following a channel, or ALL. */
  unfollow(channel: string): void {
    if (!this.followed.delete(channel)) return;
    this.sub.unsubscribe(channel === ALL ? "" : channelTopic(channel));
  }

  close(): void {
    clearInterval(this.timer);
    if (!this.sub.closed) this.sub.close();
    for (const wake of this.syncs.values()) wake();
  }

  /** Resolves when the receive loop has ended (after close). */
  closed(): Promise<void> {
    return this.loop;
  }

  private async receive(): Promise<void> {
    try {
      for await (const frames of this.sub) {
        let p;
        try {
          p = decodePublication(frames);
        } catch (err) {
          if (err instanceof CodecError) continue; // not ours to show; a bad server or a stray peer
          throw err;
        }
        this.heard();
        if (p.type === "message") this.live(p.message);
        else if (p.type === "heartbeat") this.beat(p.heartbeat, p.sync);
        else if (this.followed.has(ALL) || this.followed.has(p.presence.channel)) {
          this.options.onNotice({ type: "presence", presence: p.presence });
        }
      }
    } catch (err) {
      if (!this.sub.closed) throw err;
    }
  }

  private heard(): void {
    this.heardAt = Date.now();
    if (this.silent) {
      this.silent = false;
      this.options.onNotice({ type: "back" });
    }
  }

  /** Waits until every subscription made so far is active at the server. */
  private sync(): Promise<void> {
    const token = randomBytes(6).toString("hex");
    const topic = syncTopic(token);
    return new Promise<void>((resolve) => {
      this.syncs.set(token, () => {
        this.syncs.delete(token);
        if (!this.sub.closed) this.sub.unsubscribe(topic);
        resolve();
      });
      this.sub.subscribe(topic);
    });
  }

  /** Shows a channel's recent history; returns how many messages that was. */
  private async loadHistory(channel: string): Promise<number> {
    const queries = this.options.queries;
    if (!queries) return 0;
    // With ALL followed, ALL's stream already covers this channel: only learn its head.
    const limit = channel !== ALL && this.followed.has(ALL) ? 0 : Math.min(this.options.history, HISTORY_MAX);
    const answer = decodeHistoryAnswer(await queries.request(encodeControl({ op: "history", query: { channel, limit } })));
    this.checkEpoch(answer.epoch);
    let shown = 0;
    for (const m of answer.messages) if (this.show(m, true)) shown++;
    this.advance(channel, answer.head);
    return shown;
  }

  private live(m: ChatMessage): void {
    this.checkEpoch(m.epoch);
    if (this.busy > 0) {
      this.held.push(m);
      return;
    }
    const stream = this.streamOf(m);
    const last = this.lastOf(stream);
    const n = stream === ALL ? m.gseq : m.seq;
    if (n <= last) return; // already shown
    if (n === last + 1 || !this.options.queries) {
      this.show(m, false);
      return;
    }
    this.held.push(m);
    void this.fill(stream, n - 1);
  }

  private beat(hb: Heartbeat, sync: string | undefined): void {
    this.checkEpoch(hb.epoch);
    if (sync !== undefined) this.syncs.get(sync)?.();
    if (this.busy > 0 || !this.options.queries) return;
    if (this.followed.has(ALL)) {
      if (hb.gseq > this.lastG) void this.fill(ALL, hb.gseq);
      return;
    }
    for (const channel of this.followed) {
      const head = hb.heads[channel];
      if (head !== undefined && this.lastSeq.has(channel) && head > this.lastOf(channel)) void this.fill(channel, head);
    }
  }

  /** Fetches a stream's messages up to `upTo` from history and shows them. */
  private async fill(stream: string, upTo: number): Promise<void> {
    const queries = this.options.queries!;
    this.busy++;
    try {
      while (this.lastOf(stream) < upTo && this.followed.has(stream)) {
        const after = this.lastOf(stream);
        const limit = Math.min(upTo - after, HISTORY_MAX);
        const answer = decodeHistoryAnswer(
          await queries.request(encodeControl({ op: "history", query: { channel: stream, after, limit } })),
        );
        if (this.checkEpoch(answer.epoch)) return;
        for (const m of answer.messages) this.show(m, false);
        const reached = this.lastOf(stream);
        if (reached < Math.min(upTo, after + limit)) {
          // The server no longer has them (or never had): say so rather than wait forever.
          const end = Math.min(upTo, answer.head);
          if (end > reached) this.options.onNotice({ type: "lost", channel: stream, count: end - reached });
          this.advance(stream, Math.max(end, reached));
          if (answer.head < upTo) return;
        }
      }
    } catch (err) {
      /*
       * Closed: the client is quitting. Anything else (a refusal, a bad
       * answer) would come back on every retry: count the range as lost and
       * go on, rather than hold live messages for ever or crash.
       */
      if (err instanceof ClosedError || this.sub.closed) {
        // Nothing can be fetched any more: drop what waits on it, or release() would retry for ever (a spin).
        this.held = [];
        return;
      }
      const reached = this.lastOf(stream);
      if (upTo > reached) this.options.onNotice({ type: "lost", channel: stream, count: upTo - reached });
      this.advance(stream, upTo);
    } finally {
      this.busy--;
      this.release();
    }
  }

  /** Shows held messages once no history request is under way. */
  private release(): void {
    if (this.busy > 0 || this.held.length === 0) return;
    const held = this.held.sort((a, b) => a.gseq - b.gseq);
    this.held = [];
    for (const m of held) {
      this.live(m);
      if (this.busy > 0) {
        const i = held.indexOf(m);
        this.held.push(...held.slice(i + 1));
        return;
      }
    }
  }

  /** Shows a message unless it was shown already; returns whether it was. */
  private show(m: ChatMessage, fromHistory: boolean): boolean {
    const stream = this.streamOf(m);
    const n = stream === ALL ? m.gseq : m.seq;
    if (n <= this.lastOf(stream)) return false;
    if (!this.followed.has(m.channel) && !this.followed.has(ALL)) return false;
    this.lastG = Math.max(this.lastG, m.gseq);
    this.lastSeq.set(m.channel, Math.max(this.lastSeq.get(m.channel) ?? 0, m.seq));
    // A post whose ack died with the old server was retried into the new one: shown already.
    if (this.before.size > 0 && this.before.has(m.id)) return false;
    this.recent[this.recentAt] = m.id;
    this.recentAt = (this.recentAt + 1) % RECENT_IDS;
    this.options.onMessage(m, fromHistory);
    return true;
  }

  private streamOf(m: ChatMessage): string {
    return this.followed.has(ALL) ? ALL : m.channel;
  }

  private lastOf(stream: string): number {
    return stream === ALL ? this.lastG : (this.lastSeq.get(stream) ?? 0);
  }

  private advance(stream: string, to: number): void {
    if (stream === ALL) this.lastG = Math.max(this.lastG, to);
    else this.lastSeq.set(stream, Math.max(this.lastSeq.get(stream) ?? 0, to));
  }

  /** A new epoch means the server restarted without a store: numbering starts over. Returns true then. */
  private checkEpoch(epoch: string): boolean {
    if (this.epoch === epoch) return false;
    const restarted = this.epoch !== undefined;
    this.epoch = epoch;
    if (!restarted) return false;
    this.lastG = 0;
    for (const c of this.lastSeq.keys()) this.lastSeq.set(c, 0);
    this.before = new Set(this.recent);
    this.held = this.held.filter((m) => m.epoch === epoch);
    this.options.onNotice({ type: "restarted" });
    return true;
  }
}

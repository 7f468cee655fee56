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
 * This file holds the SUB socket, the sync subscription and the history
 * requests; the numbering, holding and merging of steps 2 and 3 are the
 * socket-free sequencer.ts.
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
import { channelTopic, decodePublication, syncTopic, EVENTS_TOPIC, type ChatMessage, type PresenceEvent } from "../../protocol/index.js";
import { curveClientOptions, type CurveClientKeys } from "../../transport/curve.js";
import { isIpv6Endpoint } from "../../transport/endpoint.js";
import { endpointOf, onMove, type EndpointLike } from "../../transport/moving-endpoint.js";
import { type HandshakeError } from "../../errors.js";
import { CodecError } from "../../protocol/errors.js";
import { watchHandshakes } from "../../transport/handshake-watch.js";
import { ALL, HISTORY_MAX } from "../../protocol/limits.js";
import type { Queries } from "../queries.js";
import { Sequencer, type SequencerNotice } from "./sequencer.js";

/** What the feed tells the person about: the sequencer's news, the server going quiet and coming back, presence. */
export type FeedNotice =
  | SequencerNotice
  | { type: "silent"; sinceMs: number }
  | { type: "back" }
  | { type: "presence"; presence: PresenceEvent };

/** Where the feed listens and whom it tells. */
export interface FeedOptions {
  /** The server's PUB endpoint; one that moves (moving-endpoint.ts) takes the SUB socket with it, subscriptions kept. */
  pub: EndpointLike;
  /** Asks for history; without it (part 2) messages are shown as they come. */
  queries?: Queries | undefined;
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

/** The channels followed, from the PUB port, in order and once each. */
export class Feed {
  private readonly sub: Subscriber;
  private readonly sequencer: Sequencer;
  private readonly syncs = new Map<string, () => void>();
  private heardAt = Date.now();
  private silent = false;
  private readonly timer: NodeJS.Timeout;
  private readonly loop: Promise<void>;
  private readonly stopFollowing: () => void;
  /** Where the SUB socket is connected now. */
  private connected: string;

  constructor(private readonly options: FeedOptions) {
    const { curve, queries } = options;
    this.sequencer = new Sequencer({
      onMessage: options.onMessage,
      onNotice: options.onNotice,
      fetch: queries && ((query) => queries.request({ op: "history", query })),
    });
    this.sub = new Subscriber({
      linger: 0,
      ipv6: isIpv6Endpoint(endpointOf(options.pub)),
      /*
       * As deep as the server's send side: a 16,000-message burst fits
       * whole while this process is busy printing (~250 bytes a message,
       * so at most ~25 MB); past it libzmq stops reading and the server
       * drops for us, which step 3 repairs from history.
       */
      receiveHighWaterMark: options.receiveHighWaterMark ?? 100_000,
      ...curveClientOptions(curve),
    });
    this.sub.subscribe(EVENTS_TOPIC);
    watchHandshakes(this.sub, () => this.connected, curve !== undefined, (err) => options.onFailure?.(err));
    this.connected = endpointOf(options.pub);
    this.sub.connect(this.connected);
    /*
     * Moved to another server: the SUB socket keeps its subscriptions and
     * sends them to the new peer; what was published meanwhile is a gap
     * the next heartbeat shows, filled from history (step 3).
     */
    this.stopFollowing = onMove(options.pub, () => {
      if (this.sub.closed) return;
      this.sub.disconnect(this.connected);
      this.connected = endpointOf(options.pub);
      this.sub.connect(this.connected);
    });
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
    return this.sequencer.channels;
  }

  /** Whether message `seq` of `channel` (`gseq` overall) has been shown or passed over (sequencer.ts). */
  passed(channel: string, seq: number, gseq: number): boolean {
    return this.sequencer.passed(channel, seq, gseq);
  }

  /** Whether the server has been heard from lately. */
  get isSilent(): boolean {
    return this.silent;
  }

  /**
   * Starts following a channel, or ALL; resolves once its subscription is
   * active and its history shown.
   */
  follow(channel: string): Promise<void> {
    return this.sequencer.follow(channel, async () => {
      this.sub.subscribe(channel === ALL ? "" : channelTopic(channel));
      await this.sync();
      const queries = this.options.queries;
      if (!queries) return undefined;
      // With ALL followed, ALL's stream already covers this channel: only learn its head.
      const limit = channel !== ALL && this.sequencer.shows(ALL) ? 0 : Math.min(this.options.history, HISTORY_MAX);
      return queries.request({ op: "history", query: { channel, limit } });
    });
  }

  /** Stops following a channel, or ALL. */
  unfollow(channel: string): void {
    if (this.sequencer.unfollow(channel)) this.sub.unsubscribe(channel === ALL ? "" : channelTopic(channel));
  }

  /** Closes the SUB socket; a follow waiting for its sync goes on (and its history request fails as the requester does). */
  close(): void {
    clearInterval(this.timer);
    this.stopFollowing();
    this.sequencer.close();
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
        if (p.type === "message") this.sequencer.live(p.message);
        else if (p.type === "heartbeat") {
          this.sequencer.heartbeat(p.heartbeat);
          if (p.sync !== undefined) this.syncs.get(p.sync)?.();
        } else if (this.sequencer.shows(p.presence.channel)) {
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
}

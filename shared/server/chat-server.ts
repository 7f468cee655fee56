/**
 * The chat server every part runs: a ROUTER socket takes posts and control
 * requests, an XPUB socket publishes what was recorded. Part 1 runs it
 * without the XPUB, parts 2 and 3 with it and one channel, part 4 with
 * channels (and optionally a durable store, CURVE and other limits).
 *
 * ROUTER rather than REP: replies can go out in any order, which lets a
 * durable store acknowledge a batch of posts after one commit.
 */
import { Router, XPublisher } from "zeromq";
import {
  decodeRequest, encodeControlAnswer, encodeError, encodeHeartbeat, encodeMessage, encodePostAck,
  encodePresence, encodeSync, channelTopic, type ControlRequest, type Heartbeat, type PostFrames, type PresenceEvent,
} from "../protocol/index.js";
import { BindError, zmqErrorCode } from "../errors.js";
import { CodecError } from "../protocol/errors.js";
import { DEFAULT_CHANNEL, MAX_FRAME_BYTES } from "../protocol/limits.js";
import { isIpv6Endpoint } from "../transport/endpoint.js";
import { SendQueue } from "../transport/send-queue.js";
import type { CurveServerKeys } from "../transport/curve.js";
import { MemoryStore } from "./memory-store.js";
import { answerControl } from "./control.js";
import { Presence } from "./presence.js";
import { RateLimiter } from "./rate-limiter.js";
import { RecordPrinter } from "./record-printer.js";
import type { Numbers, Store } from "./store.js";

export interface ServerOptions {
  /** Endpoint of the post (request) socket, e.g. tcp://127.0.0.1:5555. */
  post: string;
  /** Endpoint of the publish socket; none in part 1. */
  pub?: string | undefined;
  /** Whether posts may name any channel (part 4) or only `general`. */
  channels: boolean;
  store?: Store | undefined;
  curve?: CurveServerKeys | undefined;
  /** Posts a second per client (0: unlimited) and the burst allowed. */
  rate?: number;
  burst?: number;
  heartbeatMs?: number;
  /** A client silent this long is no longer present. */
  presenceMs?: number;
  /**
   * Messages queued per subscriber before XPUB drops for that subscriber.
   * A subscriber that falls this far behind loses messages live, and gets
   * them back from history when it sees the gap.
   */
  pubHighWaterMark?: number;
  /** Where the one-line-per-message record goes; default stdout. */
  print?: ((text: string) => void) | undefined;
  /** Lines per second before the record is summarised. */
  printPerSecond?: number;
  /** Hears about failures that are not a client's fault (store errors). */
  onError?: (sentence: string) => void;
}

export interface ChatServer {
  /** The post endpoint actually bound (port 0 resolved). */
  readonly postEndpoint: string;
  readonly pubEndpoint: string | undefined;
  readonly store: Store;
  close(): Promise<void>;
}

interface Pending {
  envelope: Buffer[];
  post: PostFrames;
  numbers: Numbers;
  /** A retry of a post in the same uncommitted batch: ack it with the batch, publish nothing. */
  retry?: boolean;
}

/** Binds the sockets and starts serving; throws BindError when an endpoint is unusable. */
export async function startChatServer(options: ServerOptions): Promise<ChatServer> {
  const store = options.store ?? new MemoryStore();
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const presenceMs = options.presenceMs ?? 30_000;
  const security = options.curve
    ? { curveServer: true, curveSecretKey: options.curve.secretKey, curvePublicKey: options.curve.publicKey }
    : {};
  /*
   * sendTimeout 0: ROUTER and XPUB never block a send (they drop instead), so
   * zeromq.js may skip asking libzmq whether the socket is writable first:
   * one poll() and one getpid() syscall fewer per message sent.
   */
  const router = new Router({ linger: 0, sendTimeout: 0, maxMessageSize: MAX_FRAME_BYTES, ipv6: isIpv6Endpoint(options.post), ...security });
  const xpub = options.pub
    ? new XPublisher({
        linger: 0,
        sendTimeout: 0,
        maxMessageSize: MAX_FRAME_BYTES,
        ipv6: isIpv6Endpoint(options.pub),
        sendHighWaterMark: options.pubHighWaterMark ?? 100_000,
        ...security,
      })
    : undefined;
  const closeAll = () => {
    if (!router.closed) router.close();
    if (xpub && !xpub.closed) xpub.close();
  };
  try {
    await bind(router, options.post);
    if (xpub && options.pub) await bind(xpub, options.pub);
  } catch (err) {
    closeAll();
    throw err;
  }

  const onError = options.onError ?? ((s: string) => process.stderr.write(`${s}\n`));
  const replies = new SendQueue(router, (err) => onError(`could not send a reply: ${String(err)}`));
  const pub = xpub ? new SendQueue(xpub, (err) => onError(`could not publish: ${String(err)}`)) : undefined;
  const presence = new Presence(presenceMs);
  const limiter = new RateLimiter(options.rate ?? 200, options.burst ?? 400);
  const printer = new RecordPrinter(options.print ?? ((t) => process.stdout.write(t)), options.printPerSecond);
  const topics = new Map<string, Buffer>();
  /** Channels with new messages lately, for the heads in heartbeats. */
  const changed = new Map<string, number>();
  let pending: Pending[] = [];

  const topicOf = (channel: string): Buffer => {
    let t = topics.get(channel);
    if (!t) topics.set(channel, (t = channelTopic(channel)));
    return t;
  };

  const heartbeat = (): Heartbeat => {
    const now = Date.now();
    const heads: Record<string, number> = {};
    for (const [channel, at] of changed) {
      if (now - at > 10 * heartbeatMs) changed.delete(channel);
      else heads[channel] = store.head(channel);
    }
    return { epoch: store.epoch, gseq: store.gseq, heads, time: new Date(now).toISOString() };
  };

  const announce = (events: PresenceEvent[]) => {
    if (pub) for (const e of events) pub.send(encodePresence(e));
  };

  const deliver = (envelope: Buffer[], post: PostFrames, n: Numbers) => {
    /* Named fields, not { ...post, epoch, ... }: that spread cost V8 several µs a post. */
    const meta = { kind: post.kind, epoch: store.epoch, seq: n.seq, gseq: n.gseq, id: post.id, user: post.user, time: post.time };
    pub?.send(encodeMessage(topicOf(post.channel), meta, post.body));
    replies.send([...envelope, ...encodePostAck(n.seq, n.gseq)]);
    changed.set(post.channel, Date.now());
    printer.print(() => recordLine(post, n, options.channels));
  };

  const commit = () => {
    const batch = pending;
    pending = [];
    try {
      store.commit();
    } catch (err) {
      onError(`could not store ${batch.length} messages: ${err instanceof Error ? err.message : String(err)}`);
      for (const p of batch) {
        replies.send([...p.envelope, ...encodeError("unavailable", "the server could not store the message; try again")]);
      }
      return;
    }
    for (const p of batch) {
      if (p.retry) replies.send([...p.envelope, ...encodePostAck(p.numbers.seq, p.numbers.gseq)]);
      else deliver(p.envelope, p.post, p.numbers);
    }
  };

  const handlePost = (envelope: Buffer[], post: PostFrames) => {
    if (!options.channels && post.channel !== DEFAULT_CHANNEL) {
      replies.send([...envelope, ...encodeError("no-channels",
        `this server has one channel, ${DEFAULT_CHANNEL}; channels need part 4's mc_server`)]);
      return;
    }
    const known = store.lookup(post.id);
    if (known) {
      // A retry of a recorded post: same answer, nothing new published; never before it is stored.
      if (pending.some((p) => p.post.id === post.id)) pending.push({ envelope, post, numbers: known, retry: true });
      else replies.send([...envelope, ...encodePostAck(known.seq, known.gseq)]);
      return;
    }
    const wait = limiter.rate > 0 ? limiter.take(envelope[0]!.toString("latin1"), Date.now()) : 0;
    if (wait > 0) {
      replies.send([...envelope, ...encodeError("slow-down",
        `too many messages: at most ${limiter.rate} a second (bursts of ${limiter.burst}); retry in ${wait} ms`, wait)]);
      return;
    }
    const numbers = store.append(post);
    if (!store.durable) {
      deliver(envelope, post, numbers);
      return;
    }
    if (pending.length === 0) setImmediate(commit);
    pending.push({ envelope, post, numbers });
  };

  const handleControl = (envelope: Buffer[], request: ControlRequest) => {
    // History answers from committed messages only: flush a pending batch first.
    if (request.op === "history" && pending.length > 0) commit();
    const { answer, events } = answerControl(request, { store, presence, heartbeatMs, presenceMs, now: Date.now() });
    announce(events);
    replies.send([...envelope, ...encodeControlAnswer(answer)]);
  };

  const serveRequests = async () => {
    for await (const frames of router) {
      // [identity, "", ...request] from REQ; a DEALER may omit the delimiter.
      const split = frames.length > 1 && frames[1]!.length === 0 ? 2 : 1;
      const envelope = frames.slice(0, split);
      try {
        const request = decodeRequest(frames.slice(split));
        if (request.op === "post") handlePost(envelope, request);
        else handleControl(envelope, request);
      } catch (err) {
        if (!(err instanceof CodecError)) onError(`internal error while handling a request: ${String(err)}`);
        const code = err instanceof CodecError ? err.code : "bad-request";
        const sentence = err instanceof CodecError ? err.sentence : "the request could not be handled";
        replies.send([...envelope, ...encodeError(code, sentence)]);
      }
    }
  };

  /*
   * Subscriptions arrive here (XPUB verbose). A topic starting "\0sync-" is
   * a client asking to be told when its subscriptions are in place: the
   * answer can only reach it through that subscription, which was made
   * after its others, so receiving it proves they are all active.
   */
  const serveSubscriptions = async () => {
    if (!xpub || !pub) return;
    for await (const [frame] of xpub) {
      if (frame === undefined || frame[0] !== 1) continue;
      const topic = frame.subarray(1);
      if (topic.length > 6 && topic.length <= 64 && topic.toString("latin1", 0, 6) === "\0sync-") {
        pub.send(encodeSync(topic.toString("latin1", 6), heartbeat()));
      }
    }
  };

  if (xpub) xpub.verbosity = "allSubs";
  const loops = [serveRequests(), serveSubscriptions()].map((p) =>
    p.catch((err) => {
      if (!router.closed) onError(`server loop stopped: ${String(err)}`);
    }),
  );

  const timer = setInterval(() => {
    const now = Date.now();
    pub?.send(encodeHeartbeat(heartbeat()));
    announce(presence.prune(now));
    limiter.prune(now);
  }, heartbeatMs);

  return {
    postEndpoint: router.lastEndpoint ?? options.post,
    pubEndpoint: xpub?.lastEndpoint ?? undefined,
    store,
    async close() {
      clearInterval(timer);
      if (pending.length > 0) commit();
      printer.flush();
      closeAll();
      await Promise.all(loops);
      store.close();
    },
  };
}

async function bind(socket: Router | XPublisher, endpoint: string): Promise<void> {
  try {
    await socket.bind(endpoint);
  } catch (err) {
    throw new BindError(endpoint, zmqErrorCode(err), { cause: err });
  }
}

function recordLine(post: PostFrames, n: Numbers, channels: boolean): string {
  const where = channels ? `[${post.channel} #${n.seq}]` : `[#${n.seq}]`;
  const body = post.body.toString("utf8").replace(/\n/g, " \u21b5 ");
  const text = post.kind === "me" ? `* ${post.user} ${body}` : `${post.user}: ${body}`;
  return `${where} ${text} (${post.time})`;
}

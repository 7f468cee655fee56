/**
 * What happens to one request, in order:
 *
 *   decode → identity → limits → handler → commit → reply
 *
 * decode: frames to a typed request (shared/protocol/), or a refusal.
 * identity: who is asking. A post or hello with a login token is its
 *   account's (the token decides the name); one without is refused when
 *   its name is registered, or when the server requires accounts.
 * limits: the part's channel rule, then the client's rate; a retried post
 *   is recognised first and answered with its original numbers, at no cost.
 *   A post sent behind one of the same client's refused for now is refused
 *   out-of-order (post-order.ts), so a client with several posts in flight
 *   has them recorded in the order sent.
 *   Password requests (register, login, passwd, unregister) have a rate of
 *   their own per client, and a bounded queue for their hashing.
 * Private and group messages (msg) go through identity (a login only),
 *   the retry check (by the sender's id) and the same rate as posts, then
 *   their handler; they are stored in the conversation store, never the
 *   log, and reach their readers only as answers to inbox requests, which
 *   InboxPolls answers at once or holds (inbox-polls.ts).
 * handler: the operation's family in handlers/ makes the answer, presence
 *   events and log entries. Edits and deletions (handlers/edits.ts) write
 *   entries like posts: their own login decides whose messages they may
 *   change, and they are batched, committed and answered the same way.
 * Entries the server writes itself (a file offered to a channel) join the
 *   open batch through record(), and are committed and published the same way.
 * commit: the entries of every post of one event-loop turn are appended to
 *   the log as one batch (group commit) when the engine asks for it, else
 *   each at once; posts that come while a batch is being committed form the
 *   next. The fan-out publishes them from the log's committed tail, not from
 *   here.
 * reply: a post is acknowledged only once its batch is committed, or told
 *   `unavailable` if the commit failed; a request that comes after posts
 *   still being committed is answered after them, so it sees them.
 *
 * A password request is answered once its hash is done (tens of ms, off
 * the event loop): meanwhile later requests of the same client wait behind
 * it, so its replies stay in order, and every other client is served. So
 * is a request that changes accounts, conversations or alerts (logout,
 * msg, group, alerts: handlers' STATE_OPS), whose change a cluster's
 * stores apply in the cluster's order before it is answered (at once with
 * the memory and SQLite stores).
 *
 * Replies go out on the ROUTER. ZeroMQ drops a reply to a client that has
 * gone (it has retried on a new socket by then, and the retry is
 * recognised by its post id), which is why nothing here waits for a send.
 */
import { decodeRequest, encodeControlAnswer, encodeError, encodePostAck, type PostFrames, type PresenceEvent, type Request } from "../protocol/index.js";
import { CodecError, type ErrorCode } from "../protocol/errors.js";
import { printable } from "../protocol/fields.js";
import { ALL, DEFAULT_CHANNEL } from "../protocol/limits.js";
import type { PartFeatures } from "../parts.js";
import type { SendQueue } from "../transport/send-queue.js";
import { answerControl, asker, change, CHANGE_NEEDS_LOGIN, post, SLOW_OPS, STATE_OPS, type AnsweredRequest, type ChangeRequest, type HandlerContext, type Outcome } from "./handlers/index.js";
import type { Accounts } from "./accounts/accounts.js";
import type { Conversations } from "./conversations/index.js";
import { InboxPolls } from "./inbox-polls.js";
import { PostOrder } from "./post-order.js";
import type { MsgRequest } from "../protocol/index.js";
import type { ByeRequest, HelloRequest } from "../protocol/ops/presence.js";
import type { Alerts } from "./alerts/alerts.js";
import { Refusal, STALE_LOGIN } from "./accounts/refusal.js";
import { Batch, PostSlot, type Message } from "./batch.js";
import type { EventLog, LogEntry, Numbers } from "./log/event-log.js";
import type { PresenceTable } from "./presence-table.js";
import type { RateLimiter } from "./rate-limiter.js";

/** What the pipeline works with; the server wires these once. */
export interface PipelineOptions {
  log: EventLog;
  features: PartFeatures;
  presence: PresenceTable;
  limiter: RateLimiter;
  accounts: Accounts;
  /** Private and group conversations, and the inboxes they are delivered to. */
  conversations: Conversations;
  /** Keyword and author alerts: what each account watches. */
  alerts: Alerts;
  /** Password requests per client (register, login, passwd, unregister). */
  authLimiter: RateLimiter;
  heartbeatMs: number;
  presenceMs: number;
  /** The ROUTER's send queue. */
  replies: SendQueue;
  /** Where presence events go (the fan-out; nowhere without a PUB socket). */
  announce: (events: readonly PresenceEvent[]) => void;
  /** Hears about failures that are not a client's fault. */
  onError: (sentence: string) => void;
  /** Hears of every request refused with a code (the server's --log): its op, the code, the name it gave. */
  onRefused?: (op: string, code: string, user?: string) => void;
  /** The file port, which hello answers name; none without one. */
  filePort?: number | undefined;
  /**
   * Hears every hello (its user the account's name, the token gone) and bye
   * this server answered: the cluster's presence bridge forwards them.
   */
  onPresence?: ((request: HelloRequest | ByeRequest) => void) | undefined;
}

const UNAVAILABLE = encodeError("unavailable", "the server could not store the message; try again");
const OUT_OF_ORDER = encodeError("out-of-order", "a message sent before this one was refused: send this one again after it");

/** Takes every request of the ROUTER through the steps above, and sends its reply. */
export class Pipeline {
  /** Posts gathered this turn. */
  private open: Batch | undefined;
  /** The batch being appended; one at a time, since the log numbers a batch from the last committed. */
  private committing: Batch | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  /** Clients with a request being answered later (a password's, a change's), and the requests they sent since (in order). */
  private readonly busy = new Map<string, Buffer[][]>();
  private readonly slow = new Set<Promise<void>>();
  /** Inbox requests: answered at once or held until something arrives. */
  readonly polls: InboxPolls;
  /** Clients whose posts in flight wait for one refused for now. */
  private readonly order = new PostOrder();

  constructor(private readonly o: PipelineOptions) {
    this.polls = new InboxPolls({
      inboxes: o.conversations.inboxes, accounts: o.accounts,
      send: (envelope, frames) => this.reply(envelope, frames),
      onRefused: (op, code) => o.onRefused?.(op, code),
    });
  }

  /** Handles one request as the ROUTER received it: [identity, "", ...request] (a DEALER may omit the ""). */
  handle(frames: Buffer[]): void {
    const waiting = this.busy.size > 0 ? this.busy.get(frames[0]!.toString("latin1")) : undefined;
    if (waiting) {
      /* Behind this client's request answered later; past the bound dropped, as ZeroMQ drops past a high-water mark. */
      if (waiting.length < BACKLOG_MAX) waiting.push(frames);
      return;
    }
    const split = frames.length > 1 && frames[1]!.length === 0 ? 2 : 1;
    const envelope = frames.slice(0, split);
    let request: Request | undefined;
    try {
      request = decodeRequest(frames.slice(split));
      const now = Date.now();
      if (request.op === "post") {
        const author = this.o.accounts.identify(request.user, request.token, now);
        this.post(envelope, request, now, author.user, author.account);
      } else if (request.op === "hello") {
        const author = this.o.accounts.identify(request.hello.user, request.hello.token, now);
        const { session, channels, joined } = request.hello;
        // The token stays here: what the presence table keeps is the account's name.
        this.control(envelope, { op: "hello", hello: { session, user: author.user, channels, ...(joined === undefined ? {} : { joined }) } });
      } else if (request.op === "msg") {
        this.msg(envelope, request, now);
      } else if (request.op === "inbox") {
        this.polls.ask(envelope, request, now);
      } else if (request.op === "edit" || request.op === "delete") {
        this.change(envelope, request, now);
      } else if (SLOW_OPS.has(request.op)) {
        this.answerLater(envelope, request, now);
      } else if (STATE_OPS.has(request.op)) {
        this.later(envelope, request as AnsweredRequest, now);
      } else {
        this.control(envelope, request);
      }
    } catch (err) {
      this.refuse(envelope, err, about(frames[split], request));
    }
  }

  /** Commits what is pending and waits for it, and for password requests being answered (before closing). */
  async drain(): Promise<void> {
    this.polls.release();
    while (this.open || this.committing || this.slow.size > 0) {
      this.flush();
      await Promise.all([this.inFlight, ...this.slow]);
    }
  }

  private post(envelope: Buffer[], p: PostFrames, now: number, user: string, account: boolean): void {
    const { log } = this.o;
    if (!this.o.features.multiChannel && p.channel !== DEFAULT_CHANNEL) {
      this.reply(envelope, encodeError("no-channels",
        `this server has one channel, ${DEFAULT_CHANNEL}; channels need part 4's mc_server`));
      return;
    }
    // A retry: the original's numbers, never before the original is committed.
    if (this.retried(envelope, p.id, this.open) || this.retried(envelope, p.id, this.committing)) return;
    const known = log.lookup(p.id);
    if (known) {
      this.reply(envelope, encodePostAck(known.seq, known.gseq));
      return;
    }

    if (this.order.blocks(envelope[0]!, p.after)) {
      this.reply(envelope, OUT_OF_ORDER);
      return;
    }
    if (this.overRate(envelope, now)) {
      this.order.refused(envelope[0]!);
      return;
    }
    this.enqueue(envelope, post(p, now, user, account));
  }

  /**
   * Appends an entry the server writes itself (a file offered to a
   * channel): batched, numbered and committed like a post, and published
   * by the fan-out from the committed tail like any. Resolves with its
   * numbers once committed (undefined if the commit failed).
   */
  record(entry: LogEntry): Promise<Numbers | undefined> {
    return new Promise((resolve) => this.enqueue([], entry, resolve));
  }

  /** Adds an entry to the open batch; its request is answered (or `done` told) once the batch is committed. */
  private enqueue(envelope: Buffer[], entry: LogEntry, done?: (numbers: Numbers | undefined) => void): void {
    let b = this.open;
    const first = !b;
    if (!b) b = this.open = new Batch();
    b.byId.set(entry.id, b.entries.length);
    b.replies.push(new PostSlot(envelope, b, b.entries.length, done));
    b.entries.push(entry);
    // While a batch is being committed, posts wait for it (its settling flushes them).
    if (this.committing) return;
    if (!this.o.log.groupCommit) this.flush();
    else if (first) setImmediate(this.flush);
  }

  /**
   * A private or group message: only with a login (the token decides the
   * sender); a retry (the sender's id again) is answered with the original
   * numbers before the rate is counted, like a post's; then the handler.
   */
  private msg(envelope: Buffer[], r: MsgRequest, now: number): void {
    const from = asker(r.token, { accounts: this.o.accounts, now });
    const known = this.o.conversations.messages.retried(from, r.id);
    if (known) this.reply(envelope, encodeControlAnswer(known));
    else if (!this.overRate(envelope, now)) this.later(envelope, r, now);
  }

  /**
   * An edit or a deletion: only with a login (the account decides whose
   * messages these are); a retry is recognised by its id like a post's, and
   * it counts against the client's rate like a post. Checked against the
   * log and the batches not yet committed, then appended like a post.
   */
  private change(envelope: Buffer[], r: ChangeRequest, now: number): void {
    const { log } = this.o;
    if (r.token === undefined) throw new Refusal("auth-required", CHANGE_NEEDS_LOGIN);
    const user = this.o.accounts.userOf(r.token, now);
    if (!this.o.features.multiChannel && r.channel !== DEFAULT_CHANNEL) {
      this.reply(envelope, encodeError("no-channels", `this server has one channel, ${DEFAULT_CHANNEL}; channels need part 4's mc_server`));
      return;
    }
    if (this.retried(envelope, r.id, this.open) || this.retried(envelope, r.id, this.committing)) return;
    const known = log.lookup(r.id);
    if (known) {
      this.reply(envelope, ack(log.read(ALL, known.gseq - 1, 1)[0]!, known));
      return;
    }
    if (this.overRate(envelope, now)) return;
    const pending = [...(this.committing?.entries ?? []), ...(this.open?.entries ?? [])];
    this.enqueue(envelope, change(r, user, now, log, pending));
  }

  /**
   * A password request: refused at once when the client is over its rate;
   * otherwise the client waits (its next requests queue behind this one)
   * until the hash is done and the answer sent.
   */
  private answerLater(envelope: Buffer[], request: AnsweredRequest, now: number): void {
    const { authLimiter } = this.o;
    const wait = authLimiter.take(envelope[0]!.toString("latin1"), now);
    if (wait > 0) {
      this.reply(envelope, encodeError("slow-down",
        `too many login requests: at most ${authLimiter.rate} a second (bursts of ${authLimiter.burst}); retry in ${wait} ms`, wait));
      return;
    }
    this.later(envelope, request, now);
  }

  /**
   * A request whose answer is a promise (a password's hash, a change a
   * cluster applies first): the client waits (its next requests queue
   * behind this one) until the answer is sent, so its replies stay in the
   * order of its requests; every other client is served meanwhile.
   */
  private later(envelope: Buffer[], request: AnsweredRequest, now: number): void {
    const client = envelope[0]!.toString("latin1");
    this.busy.set(client, []);
    const done = Promise.resolve()
      .then(() => answerControl(request, this.context(now)))
      .then(({ answer }) => encodeControlAnswer(answer), (err) => this.refusal(err, about(undefined, request)))
      .then((frames) => {
        this.slow.delete(done);
        this.reply(envelope, frames);
        const backlog = this.busy.get(client) ?? [];
        this.busy.delete(client);
        /* In order; one of them may make the client wait again, and the rest then queue behind it. */
        for (const f of backlog) this.handle(f);
      })
      .catch((err) => this.o.onError(`internal error after a request: ${String(err)}`));
    this.slow.add(done);
  }

  /**
   * Sends a reply, or queues it behind the posts still being committed:
   * each client gets its replies in the order of its requests, which a
   * client with several posts in flight (a DEALER) relies on.
   */
  private reply(envelope: Buffer[], frames: Message): void {
    const b = this.open ?? this.committing;
    if (b) b.replies.push([...envelope, ...frames]);
    else this.o.replies.send([...envelope, ...frames]);
  }

  /** Whether the client is over its rate of posts (edits and deletions count too); if so it is told when to retry. */
  private overRate(envelope: Buffer[], now: number): boolean {
    const { limiter } = this.o;
    const wait = limiter.rate > 0 ? limiter.take(envelope[0]!.toString("latin1"), now) : 0;
    if (wait === 0) return false;
    this.reply(envelope, encodeError("slow-down",
      `too many messages: at most ${limiter.rate} a second (bursts of ${limiter.burst}); retry in ${wait} ms`, wait));
    return true;
  }

  /** Whether post `id` is in batch `b`; if so its retry is answered with it, after the replies before it. */
  private retried(envelope: Buffer[], id: string, b: Batch | undefined): boolean {
    const index = b?.byId.get(id);
    if (index === undefined) return false;
    (this.open ?? b!).replies.push(new PostSlot(envelope, b!, index));
    return true;
  }

  private control(envelope: Buffer[], request: AnsweredRequest): void {
    const before = this.open ?? this.committing;
    if (before) before.replies.push(() => this.answer(envelope, request));
    else this.o.replies.send(this.answer(envelope, request));
  }

  /** The reply to a control request, answered from the log as it is now. */
  private answer(envelope: Buffer[], request: AnsweredRequest): Message {
    try {
      const { answer, events } = answerControl(request, this.context(Date.now())) as Outcome;
      this.o.announce(events);
      if (request.op === "hello" || request.op === "bye") this.o.onPresence?.(request);
      return [...envelope, ...encodeControlAnswer(answer)];
    } catch (err) {
      return [...envelope, ...this.refusal(err, about(undefined, request))];
    }
  }

  /** What a handler may read and change, for a request that arrived at `now`. */
  private context(now: number): HandlerContext {
    const { log, presence, accounts, alerts, heartbeatMs, presenceMs, filePort, conversations: { inboxes, messages, groups } } = this.o;
    return { log, presence, accounts, alerts, heartbeatMs, presenceMs, inboxes, messages, groups, now, filePort };
  }

  /** Appends the open batch unless one is still being committed (then its settling does). */
  private readonly flush = (): void => {
    const b = this.open;
    if (this.committing || !b) return;
    this.committing = b;
    this.open = undefined;
    let appended: Promise<Numbers[]>;
    try {
      appended = this.o.log.appendBatch(b.entries);
    } catch (err) {
      appended = Promise.reject(err);
    }
    this.inFlight = appended
      .then((numbers) => this.committed(b, numbers), (err) => this.failed(b, err))
      .catch((err) => this.o.onError(`internal error after a commit: ${String(err)}`));
  };

  private committed(b: Batch, numbers: Numbers[]): void {
    b.numbers = numbers;
    this.settled(b);
  }

  private failed(b: Batch, err: unknown): void {
    this.o.onError(`could not store ${b.entries.length} messages: ${err instanceof Error ? err.message : String(err)}`);
    this.settled(b);
  }

  /** Sends every reply that waited for `b`, in order, then commits what came meanwhile. */
  private settled(b: Batch): void {
    this.committing = undefined;
    for (const r of b.replies) {
      if (!(r instanceof PostSlot)) this.settle(r);
      else if (r.done) r.done(r.batch.numbers?.[r.index]);
      else if (r.batch.numbers) this.o.replies.send([...r.envelope, ...ack(r.batch.entries[r.index]!, r.batch.numbers[r.index]!)]);
      else this.o.replies.send([...r.envelope, ...UNAVAILABLE]);
    }
    this.flush();
  }

  /** Sends a reply that waited for a batch, or answers a request that did. */
  private settle(r: Message | (() => Message)): void {
    this.o.replies.send(typeof r === "function" ? r() : r);
  }

  private refuse(envelope: Buffer[], err: unknown, request: About): void {
    this.reply(envelope, this.refusal(err, request));
  }

  /** The error reply for a request that failed: a client's mistake, or ours (then reported). */
  private refusal(err: unknown, request: About): Message {
    const refused = (code: ErrorCode, sentence: string, retryAfterMs?: number) => {
      this.o.onRefused?.(request.op, code, request.user);
      return encodeError(code, sentence, retryAfterMs);
    };
    /* A token that is not even well formed is one more unknown token, with the same answer. */
    if (err instanceof CodecError && err.field === "token") return refused("auth-failed", STALE_LOGIN);
    if (err instanceof CodecError) return refused(err.code, err.sentence);
    if (err instanceof Refusal) return refused(err.code, err.sentence, err.retryAfterMs);
    this.o.onError(`internal error while handling a request: ${String(err)}`);
    return encodeError("bad-request", "the request could not be handled");
  }
}

/** What the server log says of a refused request: its op, and the name it gave if any (never a password or token). */
interface About {
  op: string;
  user?: string;
}

/** The op of a request (from its first frame when it could not be decoded) and the name it gave. */
function about(first: Buffer | undefined, request?: Request): About {
  if (!request) return { op: first ? printable(first.toString("latin1")) : "" };
  const user = "user" in request ? request.user : request.op === "hello" ? request.hello.user : undefined;
  return user === undefined ? { op: request.op } : { op: request.op, user };
}

/** The reply to a committed entry's request: a post's ack, or an edit's or deletion's answer. */
function ack(entry: LogEntry, n: Numbers): Message {
  return entry.type === "message" ? encodePostAck(n.seq, n.gseq) : encodeControlAnswer({ seq: n.seq, gseq: n.gseq, target: entry.target });
}

/** Requests a client may queue behind its request answered later before more are dropped. */
const BACKLOG_MAX = 100;

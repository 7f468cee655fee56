/**
 * The chat server every part runs, wired together: a ROUTER socket takes
 * requests into the pipeline, which writes posts to the event log; the
 * fan-out publishes what the log commits on an XPUB socket, and the record
 * printer writes one line per committed message, and alerts go to the
 * accounts a committed message matches. Part 1 runs it without the
 * XPUB, parts 2 and 3 with it and one channel, part 4 with channels (and
 * optionally a durable log, CURVE and other limits).
 *
 * Part 4 with file options also binds a file port (files/): a ROUTER of
 * its own on the post port's address, so transfers never queue in front
 * of chat; a file offered to a channel becomes a message through the
 * pipeline like a post.
 *
 * ROUTER rather than REP: replies can go out in any order, which lets a
 * batch of posts be acknowledged after its one commit.
 */
import { Router, XPublisher } from "zeromq";
import { BindError, zmqErrorCode } from "../errors.js";
import { MAX_FRAME_BYTES } from "../protocol/limits.js";
import { isIpv6Endpoint } from "../transport/endpoint.js";
import type { PartFeatures } from "../parts.js";
import { SendQueue } from "../transport/send-queue.js";
import { curveServerOptions, type CurveServerKeys } from "../transport/curve.js";
import { Accounts, type AccountsMode } from "./accounts/accounts.js";
import { MemoryAccountStore } from "./accounts/memory-store.js";
import { Hasher, type HasherOptions } from "./accounts/passwords.js";
import type { AccountStore } from "./accounts/store.js";
import { accountKey } from "./accounts/names.js";
import { conversations as openConversations, type Conversations } from "./conversations/index.js";
import { MemoryConversationStore } from "./conversations/memory-store.js";
import type { ConversationStore } from "./conversations/store.js";
import { Alerts } from "./alerts/alerts.js";
import { alertDelivery, type AlertSink } from "./alerts/delivery.js";
import type { WatchStore } from "./alerts/store.js";
import { Fanout } from "./fanout.js";
import { startFiles, type FileOptions, type Files } from "./files/index.js";
import type { EventLog } from "./log/event-log.js";
import { MemoryLog } from "./log/memory.js";
import { Pipeline } from "./pipeline.js";
import { PresenceTable } from "./presence-table.js";
import { RateLimiter } from "./rate-limiter.js";
import { recordLine, RecordPrinter } from "./record-printer.js";
import { NO_LOG, type ServerLog } from "./server-log.js";
import type { Cluster } from "../cluster/connection.js";

/** How to run a chat server; only `post` is required. */
export interface ServerOptions {
  /** Endpoint of the post (request) socket, e.g. tcp://127.0.0.1:5555. */
  post: string;
  /** Endpoint of the publish socket; needed when the features publish. */
  pub?: string | undefined;
  /** What the part enables (shared/parts.ts); without it: publishing if `pub` is given, one channel. */
  features?: PartFeatures;
  /** Where messages are recorded; a new MemoryLog by default. */
  log?: EventLog | undefined;
  curve?: CurveServerKeys | undefined;
  /** Posts a second per client (0: unlimited) and the burst allowed. */
  rate?: number;
  burst?: number;
  /** Where accounts live; a new MemoryAccountStore by default (mc_server --store: the store file's). */
  accountStore?: AccountStore | undefined;
  /** Where private and group conversations and inboxes live; a new MemoryConversationStore by default (--store: the file's). */
  conversationStore?: ConversationStore | undefined;
  /** What accounts watch and follow; a new MemoryWatchStore by default (mc_server --store: the store file's). */
  watchStore?: WatchStore | undefined;
  /**
   * Resolves once the stores have applied every change made before the
   * call, anywhere (a cluster's stores, shared/server/replicated/): a login
   * right after a registration through another server finds the account.
   */
  sync?: (() => Promise<void>) | undefined;
  /** Where alerts are delivered; the accounts' inboxes by default (a test may listen instead). */
  alertSink?: AlertSink | undefined;
  /** "open" (default): free names post as before, registered ones need their login; "required": every client logs in. */
  accountsMode?: AccountsMode;
  /** Wrong passwords in a row before a name is locked (default 3), and how long (default 10 s). */
  loginAttempts?: number;
  lockoutMs?: number;
  /** How long a login lasts (default 30 days). */
  sessionMs?: number;
  /** scrypt's parameters and how many hashes run at once / wait. */
  hashing?: HasherOptions;
  /** Password requests a second per client, and the burst allowed (default 2 and 10). */
  authRate?: number;
  authBurst?: number;
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
  /** Hears about failures that are not a client's fault (log errors). */
  onError?: (sentence: string) => void;
  /** The server's JSON log (mc_server --log); closed with the server. */
  serverLog?: ServerLog | undefined;
  /** Files between accounts (part 4): the file port beside the post port, and its store and limits. */
  files?: FileOptions | undefined;
  /**
   * The NATS cluster this server shares with others (mc_server --cluster;
   * `log` is then its JetStream log): presence is bridged through it,
   * accounts, conversations and watches are shared through it (unless
   * stores are given), and the server closes the connection when it closes.
   */
  cluster?: Cluster | undefined;
}

/** A running server. */
export interface ChatServer {
  /** The post endpoint actually bound (port 0 resolved). */
  readonly postEndpoint: string;
  readonly pubEndpoint: string | undefined;
  /** The file port's endpoint, when it has one (part 4 with file options). */
  readonly fileEndpoint: string | undefined;
  /** Where it records messages: read it, or append to it to have the fan-out publish. */
  readonly log: EventLog;
  readonly accounts: Accounts;
  /** Private and group conversations; `conversations.inboxes.deliver` is how anything reaches an account privately. */
  readonly conversations: Conversations;
  readonly alerts: Alerts;
  /** The users with a session here now, not those of other servers (what the cluster registry reports). */
  presentUsers(): ReadonlySet<string>;
  /** Calls `listener` with the user of every hello a client of this server sent; returns its removal. */
  onHello(listener: (user: string) => void): () => void;
  /** Commits what is pending, closes the sockets, then the log. */
  close(): Promise<void>;
}

/** Binds the sockets and starts serving; throws BindError when an endpoint is unusable. */
export async function startChatServer(options: ServerOptions): Promise<ChatServer> {
  const log = options.log ?? new MemoryLog();
  const features = options.features ?? { publish: options.pub !== undefined, multiChannel: false };
  if (features.publish && options.pub === undefined) throw new Error("a publishing server needs a pub endpoint");
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const presenceMs = options.presenceMs ?? 30_000;
  const security = curveServerOptions(options.curve);
  const onError = options.onError ?? ((s: string) => process.stderr.write(`${s}\n`));
  /*
   * A cluster's servers share accounts, conversations and watches: every
   * change applied by all in one order (replicated/), replayed before this
   * one serves. Loaded only with a cluster.
   */
  const shared = options.cluster && !options.accountStore
    ? await (await import("./replicated/index.js")).openReplicatedState(options.cluster, { onError })
    : undefined;
  /*
   * sendTimeout 0: ROUTER and XPUB never block a send (they drop instead), so
   * zeromq.js may skip asking libzmq whether the socket is writable first:
   * one poll() and one getpid() syscall fewer per message sent.
   */
  const router = new Router({ linger: 0, sendTimeout: 0, maxMessageSize: MAX_FRAME_BYTES, ipv6: isIpv6Endpoint(options.post), ...security });
  const xpub = features.publish
    ? new XPublisher({
        linger: 0,
        sendTimeout: 0,
        maxMessageSize: MAX_FRAME_BYTES,
        ipv6: isIpv6Endpoint(options.pub!),
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
    if (xpub) await bind(xpub, options.pub!);
  } catch (err) {
    closeAll();
    await shared?.close();
    throw err;
  }

  const fanout = xpub ? new Fanout(xpub, log, heartbeatMs, onError) : undefined;
  const printer = new RecordPrinter(options.print ?? ((t) => process.stdout.write(t)), options.printPerSecond);
  const presence = new PresenceTable(presenceMs);
  const serverLog = options.serverLog ?? NO_LOG;
  const stopPrinting = log.onCommitted(({ entries, numbers }) => {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      printer.print(() => recordLine(e, numbers[i]!, features.multiChannel));
      serverLog.entry(e, numbers[i]!);
      if (e.type === "message") presence.posted(e.user, e.channel, e.received);
    }
  });
  const limiter = new RateLimiter(options.rate ?? 200, options.burst ?? 400);
  const accountStore: AccountStore = options.accountStore ?? shared?.accountStore ?? new MemoryAccountStore();
  const conversationStore = options.conversationStore ?? shared?.conversationStore ?? new MemoryConversationStore();
  const conversations = openConversations(conversationStore, accountStore, (m) => serverLog.message(m));
  /* Alerts are matched on the committed tail and delivered to the watchers' inboxes: private, never on PUB. */
  const alerts = new Alerts(options.watchStore ?? shared?.watchStore);
  const stopAlerts = log.onCommitted(alertDelivery(alerts, options.alertSink ?? conversations.inboxes, onError));
  const accounts = new Accounts({
    store: accountStore,
    /* Groups and accounts share one namespace. */
    reserved: (key) => conversations.groups.has(key),
    hasher: new Hasher(options.hashing),
    mode: options.accountsMode ?? "open",
    attempts: options.loginAttempts ?? 3,
    lockoutMs: options.lockoutMs ?? 10_000,
    sessionMs: options.sessionMs ?? 30 * 86_400_000,
    onEvent: async (e) => {
      serverLog.account(e);
      /*
       * A login that ended: the account's held inbox requests are answered
       * now (auth-failed, their token being checked again), not at the end
       * of their wait; a store shared by a cluster tells every server
       * instead (below). An unregistered account leaves its groups, and its
       * inbox goes: changes made once, by the server that unregistered it.
       */
      if (e.event === "unregister") {
        await conversations.groups.removeAccount(accountKey(e.user), e.user, Date.now());
        await conversations.inboxes.remove(accountKey(e.user));
        await alerts.forget(accountKey(e.user));
      } else if ((e.event === "logout" || e.event === "passwd") && !accountStore.onSessionsEnded) {
        conversations.inboxes.wake(accountKey(e.user));
      }
    },
    ...(options.sync ?? shared ? { sync: options.sync ?? shared!.sync } : {}),
  });
  accountStore.onSessionsEnded?.((key) => conversations.inboxes.wake(key));
  const authLimiter = new RateLimiter(options.authRate ?? 2, options.authBurst ?? 10);
  let files: Files | undefined;
  if (options.files && features.multiChannel) {
    try {
      /* In a cluster, the offers and the files' bytes are the cluster's (files/cluster-offers.ts, files/cluster-blobs.ts). */
      files = await startFiles({ ...options.files, cluster: options.cluster }, router.lastEndpoint ?? options.post, security, {
        userOf: (token, now) => accounts.userOf(token, now),
        account: (key) => accountStore.get(key)?.user,
        group: (key) => conversations.store.group(key),
        deliver: (key, item) => void conversations.inboxes.deliver(key, item).catch((err) => onError(`could not deliver a file offer: ${String(err)}`)),
        /* A channel's offer is a message the server writes: through the pipeline, so it is numbered and published like a post. */
        record: (entry) => pipeline.record(entry),
        onEvent: (e) => serverLog.file(e),
        onError,
      }, (op, code) => serverLog.refused(op, code));
    } catch (err) {
      closeAll();
      throw err;
    }
  }
  /* Loaded only with a cluster: a single server's start does not grow. */
  const bridge = options.cluster
    ? new (await import("./cluster/presence-bridge.js")).PresenceBridge({
        nc: options.cluster.nc, presence, announce: (events) => fanout?.presence(events), onError,
      })
    : undefined;
  const pipeline: Pipeline = new Pipeline({
    log, features, presence, limiter, accounts, conversations, alerts, authLimiter, heartbeatMs, presenceMs,
    replies: new SendQueue(router, (err) => onError(`could not send a reply: ${String(err)}`)),
    announce: (events) => fanout?.presence(events),
    onError,
    onRefused: (op, code, user) => serverLog.refused(op, code, user),
    filePort: files?.port,
    onPresence: bridge && ((request) => bridge.forward(request)),
  });

  const serveRequests = async () => {
    for await (const frames of router) pipeline.handle(frames);
  };
  const loops = [serveRequests(), fanout?.serveSubscriptions()].map((p) =>
    p?.catch((err) => {
      if (!router.closed) onError(`server loop stopped: ${String(err)}`);
    }),
  );

  let beats = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    fanout?.beat();
    fanout?.presence(presence.prune(now));
    limiter.prune(now);
    authLimiter.prune(now);
    /* Expired tokens are refused when used; forgetting them is housekeeping, once a minute. */
    if (++beats % 60 === 0) accounts.prune(now).catch((err) => onError(`could not forget expired logins: ${String(err)}`));
  }, heartbeatMs);

  return {
    postEndpoint: router.lastEndpoint ?? options.post,
    pubEndpoint: xpub?.lastEndpoint ?? undefined,
    fileEndpoint: files?.endpoint,
    log,
    accounts,
    conversations,
    alerts,
    presentUsers: () => presence.localUsers(),
    onHello: (listener) => presence.onHello(listener),
    async close() {
      clearInterval(timer);
      await files?.close();
      await pipeline.drain();
      printer.flush();
      stopPrinting();
      stopAlerts();
      fanout?.stop();
      closeAll();
      await Promise.all(loops);
      await bridge?.close();
      await shared?.close();
      await log.close();
      await options.cluster?.close();
      await serverLog.close();
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

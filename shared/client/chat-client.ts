/**
 * The interactive chat client of parts 3 and 4, wired from its parts: typed
 * lines are posted (outbox.ts) while messages arrive (feed/), concurrently
 * on one event loop; commands (commands/) ask the server through their own
 * requester (queries.ts), and the session (session.ts) keeps this client
 * listed in /who; the account (login.ts) logs in and says who posts. While
 * logged in, the inbox (inbox.ts) brings private and group messages and
 * alerts; /msg and /query lines go out with the posts; files go to and
 * from the server's file port in the background (transfers.ts).
 */
import type { ChatMessage } from "../protocol/index.js";
import type { CurveClientKeys } from "../transport/curve.js";
import { ClosedError, type HandshakeError } from "../errors.js";
import { ALL } from "../protocol/limits.js";
import type { PartFeatures } from "../parts.js";
import { ReliableRequester } from "../transport/requester.js";
import { MovingEndpoint } from "../transport/moving-endpoint.js";
import type { Assignment } from "../protocol/ops/directory.js";
import { Relocation } from "./relocation.js";
import { withPort } from "../transport/endpoint.js";
import { displayTime, nowIso } from "../time.js";
import { describeError } from "../cli.js";
import { complete } from "./commands/complete.js";
import { commandsFor, handleLine } from "./commands/index.js";
import type { CommandContext } from "./commands/types.js";
import { Feed, type FeedNotice } from "./feed/feed.js";
import { Known } from "./known.js";
import { Inbox } from "./inbox.js";
import { conversationKey } from "./inbox-cursor.js";
import { Account, type AccountOptions } from "./login.js";
import { Outbox } from "./outbox.js";
import { OwnLines } from "./own-lines.js";
import { Queries } from "./queries.js";
import { Session } from "./session.js";
import { Transfers } from "./transfers.js";
import { defaultDownloads } from "./files/paths.js";
import { isChange, showChange } from "./ui/edit-notices.js";
import { lineParts, messageFlags, plural, recipient } from "./ui/format.js";
import { awayLine, showInboxItem } from "./ui/inbox-lines.js";
import { sendToQuery } from "./commands/conversations.js";
import { presentLine, showNotice } from "./ui/notices.js";
import { openScreen } from "./ui/open-screen.js";
import { loadStyle } from "./ui/paint.js";

/** A chat client's settings, from its command line. */
export interface ChatClientOptions {
  post: string;
  pub: string;
  user: string;
  channel: string;
  /** What the part offers: part 4's multiChannel brings /join and /leave, and channels shown. */
  features: PartFeatures;
  history: number;
  /** Show each message's number in its channel (--numbers); /numbers turns it on and off. */
  numbers?: boolean;
  curve?: CurveClientKeys | undefined;
  color: boolean;
  /** Ring the terminal's bell when a live message mentions the user (default true; a terminal only). */
  bell?: boolean;
  interactive: boolean;
  /** At end of piped input, how long the server may stay silent before undelivered lines are given up. */
  giveUpMs: number;
  /** --login, --no-save-login and the piped passwords; default: no login at start, saved logins used. */
  account?: AccountOptions;
  /** Where /get saves files (--downloads); default ~/Downloads/mchat. */
  downloads?: string;
  /** Started through the directory (--directory): its address and the server it gave; the client moves when that server goes silent. */
  directory?: { endpoint: string; assignment: Assignment } | undefined;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WriteStream | NodeJS.WritableStream;
  errors?: NodeJS.WritableStream;
}

/** Runs the client until /quit, Ctrl-C, Ctrl-D or end of input; resolves with the exit code. */
export async function runChatClient(o: ChatClientOptions): Promise<number> {
  const errors = o.errors ?? process.stderr;
  const available = commandsFor(o.features);
  const known = new Known(o.user, o.channel);
  const screen = await openScreen({
    input: o.input ?? process.stdin, output: o.output ?? process.stdout, errors, interactive: o.interactive, style: await loadStyle(o.color), bell: o.bell ?? true,
    completer: (line) => complete(line, known.completions(), available),
    onInterrupt: () => quit(),
  });

  /* Where the server is: fixed, unless the directory moves this client to another one (relocation.ts). */
  const post = new MovingEndpoint(o.post);
  const pub = new MovingEndpoint(o.pub);
  // A handshake that can never succeed (wrong or missing --server-key) ends the client with its sentence.
  let failure: HandshakeError | undefined;
  const fail = (err: HandshakeError) => {
    failure ??= err;
    outbox.close();
    queries.close();
    account.close();
    transfers.close();
    void inbox.close(queries, false);
    quit();
  };
  const outbox = new Outbox({
    endpoint: post, curve: o.curve, giveUpMs: o.giveUpMs, onFailure: fail, screen,
    token: () => account.token, refused: (err) => account.postRefused(err), compact: () => account.compactPosts, window: () => account.postWindow,
    onPosted: (post, seq, gseq) => ownLines.acked(post.id, { channel: post.channel, seq, gseq }),
    onSent: (message, a) => {
      const group = a.group === true;
      (group ? known.groups : known.names).add(a.to);
      screen.notice(`to ${recipient({ name: a.to, group })} #${a.seq} at ${displayTime(a.time)}`);
      sentLines.acked(message.id, { key: conversationKey(a.to, group), seq: a.seq });
    },
  });
  const queries = new Queries(new ReliableRequester({ endpoint: post, curve: o.curve, onFailure: fail }), screen);
  // A name the server will not let this client use, or a login at start-up that failed, ends the client with the reason.
  let ended: { sentence: string; code: number } | undefined;
  const account = new Account({
    /* Logins are kept by the directory's address when there is one: they survive a move. */
    server: o.directory?.endpoint ?? o.post, endpoint: post, curve: o.curve, onFailure: fail, user: o.user, screen,
    options: o.account ?? { login: false, save: true, piped: {} },
    end: (sentence, code) => {
      ended ??= { sentence, code };
      quit();
    },
  });

  /* Files wait for the first hello's answer, which says where the file port is. */
  const transfers = new Transfers({
    screen, curve: o.curve, onFailure: fail,
    token: () => account.token,
    loginEnded: () => account.loginEnded(),
    endpoint: async () => {
      await queries.patience(session.greeted, 5000);
      return account.filePort === undefined ? undefined : withPort(post.current, account.filePort);
    },
  });

  let current = o.channel;
  let numbers = o.numbers ?? false;
  let ready = false;
  let away: () => void = () => {};
  /** Resolves once the server has been found silent (not there yet, or gone). */
  const serverAway = new Promise<void>((resolve) => (away = resolve));
  const showChannel = () => o.features.multiChannel && (feed.channels.length > 1 || feed.channels.includes(ALL));
  const feed: Feed = new Feed({
    pub, queries, history: o.history, curve: o.curve, onFailure: fail,
    onMessage: (m: ChatMessage, history: boolean) => {
      // An edit or deletion is news when it arrives; history already shows the message as it is now.
      if (isChange(m)) {
        if (!history) showChange(screen, m, showChannel(), screen.style);
        return;
      }
      known.names.add(m.user);
      screen.message(lineParts(m, showChannel(), numbers), messageFlags(m, account.user, history, account.marksFree));
      ownLines.shown(m.id);
    },
    onNotice: (n: FeedNotice) => {
      if (n.type === "presence") known.presence(n.presence);
      /* The server is back, or restarted: the inbox's held poll went with it. */
      if (n.type === "back" || n.type === "restarted") inbox.poke();
      if (n.type === "restarted") ownLines.restarted();
      else ownLines.check();
      if (n.type === "silent") {
        away();
        relocation?.serverSilent();
      }
      if (n.type === "back") relocation?.serverBack();
      showNotice(screen, n, { pub: pub.current, user: account.user, interactive: o.interactive, ready, current, encrypted: o.curve !== undefined, style: screen.style });
      if (n.type === "ready") ready = true;
    },
  });
  const session = new Session(queries, account, () => feed.channels);
  const relocation = o.directory && new Relocation({
    directory: o.directory.endpoint, assignment: o.directory.assignment, post, pub, screen,
    user: () => account.user,
    moved: () => void session.hello(),
  });
  /* Our own posts, until the feed has shown them: piped input waits for them before leaving. */
  const ownLines = new OwnLines<{ channel: string; seq: number; gseq: number }>((w) => feed.passed(w.channel, w.seq, w.gseq));
  /* Our own private and group messages, until the inbox has shown our copies. */
  const sentLines = new OwnLines<{ key: string; seq: number }>((w) => inbox.passed(w.key, w.seq));
  let query: string | undefined;
  const inbox = new Inbox({
    endpoint: post, curve: o.curve, onFailure: fail,
    token: () => account.token,
    loginEnded: () => account.loginEnded(),
    loginSettled: () => account.settled(),
    warning: (text) => screen.warning(text),
    stopped: () => sentLines.restarted(),
    show: (batch) => {
      const away = batch.away ? awayLine(batch.items, account.user) : undefined;
      if (away) screen.output([away]);
      for (const item of batch.items) {
        if (item.type === "msg") {
          known.names.add(item.from);
          (item.group ? known.groups : known.names).add(item.to);
        } else if (item.type === "group") {
          if (item.user === account.user && (item.event === "removed" || item.event === "left")) known.groups.delete(item.group);
          else known.groups.add(item.group);
        } else if (item.type === "file") {
          known.names.add(item.from);
          /* An offer this client made: its `sent` line says so. */
          if (item.from === account.user && transfers.madeHere(item)) continue;
        }
        showInboxItem(screen, item, account.user, screen.style);
      }
      sentLines.shown();
    },
  });
  /* The inbox runs while logged in; a query needs a login too. */
  account.onLogin((token) => {
    inbox.login(token);
    if (token !== undefined) {
      void account.call({ op: "groups", token }).then((r) => r?.ok && r.answer.groups.forEach((g) => known.groups.add(g.name)));
    } else if (query !== undefined) {
      query = undefined;
      screen.setQuery(undefined);
    }
  });

  /* Settles once the channels followed so far are shown and the server knows this client is in them (so /who lists it). */
  let announced: Promise<void> = Promise.resolve();
  const after = (step: Promise<void>) => void (announced = Promise.all([announced, step]).then(() => undefined));
  const follow = (channel: string) => {
    const following = feed.follow(channel).then(() => session.hello(), (err) => {
      if (!(err instanceof ClosedError)) screen.warning(`could not load ${channel}: ${describeError(err)}`);
    });
    after(following);
    return following;
  };
  /* Once in, say who is here already, as IRC does on joining (a status line: stderr when piped). */
  const present = async () => {
    const who = await queries.ask({ op: "who", channel: current }, true);
    if (!who) return;
    for (const u of who.users) known.names.add(u.user);
    screen.notice(presentLine(current, who.users.map((u) => u.user).filter((u) => u !== account.user), screen.style));
  };
  let quitting = false;
  function quit() {
    quitting = true;
    screen.close();
    outbox.stop(); // Ctrl-C while waiting for acks at end of input stops the wait
  }
  process.on("SIGINT", quit);
  process.on("SIGTERM", quit);
  await account.start(); // --login logs in before anything is joined
  if (!quitting) {
    screen.setChannel(current);
    after(follow(current).then(present));
    void session.hello(); // at once: a name the server refuses ends the client before its first post
  }
  // Tab completion also knows who was here before this client and which channels exist.
  if (o.interactive) void session.greeted.then(() => known.learn(queries, current));

  let counter = 0;
  const commands: CommandContext = {
    get user() {
      return account.user;
    },
    account, screen, available, known,
    get current() {
      return current;
    },
    set current(channel) {
      current = channel;
    },
    get numbers() {
      return numbers;
    },
    get query() {
      return query;
    },
    set query(to) {
      query = to;
    },
    set numbers(on) {
      numbers = on;
    },
    followed: () => feed.channels,
    follow: async (channel) => void (await queries.patience(follow(channel), 5000)),
    unfollow: (channel) => feed.unfollow(channel),
    post: (body, kind) => {
      if (query !== undefined) sendToQuery(commands, query, body, kind);
      else if (current === ALL) screen.warning(`${ALL} is read-only: it shows every channel; /join a channel to post there`);
      else outbox.send({ id: `${session.id}-${++counter}`, channel: current, user: account.user, time: nowIso(), kind, body });
    },
    send: (to, body, kind) => outbox.send({ id: `${session.id}-${++counter}`, to, user: account.user, kind, body }),
    ask: (request) => queries.ask(request),
    settled: async () => void (await queries.patience(Promise.all([outbox.idle(), announced]), 5000)),
    announce: () => after(session.hello()),
    transfers,
    downloads: o.downloads ?? defaultDownloads(),
  };

  /*
   * Piped lines come at once: the first waits until the channel is shown and
   * the server has our hello, so that our posts are shown back to us and
   * come after our join, as typed ones do; not while the server is away
   * (then lines are queued, as typed ones are), nor beyond --give-up.
   */
  if (!o.interactive && !quitting) await queries.patience(Promise.race([Promise.all([announced, inbox.caughtUp()]), serverAway]), o.giveUpMs);
  for await (const line of screen.lines()) {
    /* A long pipe is read about as fast as the server takes it (outbox.room()); Ctrl-C meanwhile ends it. */
    await outbox.room();
    if (quitting || !(await handleLine(commands, line))) break;
  }
  // End of input: piped lines still queued get delivered, within reason; Ctrl-C does not wait.
  if (!quitting) await outbox.drain();
  /* A piped /send or /get finishes while it makes progress; a person leaving a terminal stops it (the same command continues it). */
  if (!quitting && !o.interactive) await transfers.settle(o.giveUpMs);
  else if (transfers.count > 0) screen.notice(`stopped ${plural(transfers.count, "file transfer")}: the same /send or /get continues where it stopped`);
  transfers.close();
  // Every posted message is shown, ours included: wait (within --give-up) for our last ones to come through the feed.
  if (!quitting && !failure && !ended) await queries.patience(Promise.all([ownLines.shownAll(), sentLines.shownAll()]), o.giveUpMs);
  const undelivered = outbox.pending;
  const refused = outbox.notPosted;
  process.off("SIGINT", quit);
  process.off("SIGTERM", quit);
  screen.close();
  outbox.close();
  relocation?.close();
  // Say goodbye so /who forgets us now, but never wait long for it.
  await Promise.all([session.bye(queries.isReachable && !feed.isSilent), inbox.close(queries, queries.isReachable && !feed.isSilent)]);
  queries.close();
  account.close();
  feed.close();
  await feed.closed();
  if (failure) errors.write(`${failure.message}\n`);
  else if (ended) errors.write(`${ended.sentence}\n`);
  else {
    if (undelivered > 0) errors.write(`${outbox.undelivered(undelivered, quitting)}\n`);
    if (refused > 0) errors.write(`${outbox.refusals(refused)}\n`);
    if (undelivered + refused === 0 && screen.interactive) (o.output ?? process.stdout).write("bye\n");
  }
  return failure ? 1 : ended ? ended.code : undelivered + refused + transfers.failed > 0 ? 1 : 0;
}

/**
 * The client's account: the name it chats under and, once logged in, the
 * login token its posts (an eighth frame) and hellos carry. At start-up
 * --login logs in before anything is joined, else a saved login for this
 * server and name is taken up; the account commands (commands/accounts.ts)
 * change it. Tokens are kept in the token file (token-file.ts) unless
 * --no-save-login; a password goes only into the request that needs it.
 *
 * The server decides: a hello or post refused with auth-required before
 * the server ever accepted this client (a registered name, or any name on
 * a server where accounts are required) ends the client with the server's
 * sentence (exit 2); auth-failed on a request carrying the token means the
 * login ended (expired, or revoked by a logout or passwd elsewhere): the
 * token is dropped, with a line saying to log in again. Whatever needs a
 * login to run (the inbox, inbox.ts) hears each change through onLogin.
 */
import { DateTime } from "luxon";
import { ClosedError, isChatError, type HandshakeError } from "../errors.js";
import { postWindow, takesCompactPost, type AnswerOf, type ControlRequest, type HelloAnswer, type LoginAnswer } from "../protocol/index.js";
import { RejectedError } from "../protocol/errors.js";
import type { CurveClientKeys } from "../transport/curve.js";
import { isLoopbackEndpoint } from "../transport/loopback.js";
import { ReliableRequester } from "../transport/requester.js";
import { endpointOf, type EndpointLike } from "../transport/moving-endpoint.js";
import { Passwords, type PipedPasswords } from "./password.js";
import { Queries } from "./queries.js";
import type { Greeter } from "./session.js";
import { TokenFile } from "./token-file.js";
import type { Screen } from "./ui/screen-types.js";

/** The account settings of a client's command line. */
export interface AccountOptions {
  /** --login: log in at start-up. */
  login: boolean;
  /** Keep logins in the token file (false: --no-save-login, which never touches it). */
  save: boolean;
  /** The passwords given to a client without a terminal. */
  piped: PipedPasswords;
}

/** What the account works with. */
export interface AccountContext {
  /** The server's post endpoint: where account requests go, and the server's name in the token file. */
  server: string;
  /** Where account requests go when not `server` (a client of the directory: `server` is then the directory's address). */
  endpoint?: EndpointLike | undefined;
  /** The client's CURVE keys, when the server encrypts. */
  curve?: CurveClientKeys | undefined;
  /** Hears that the handshake can never succeed. */
  onFailure: (err: HandshakeError) => void;
  /** The name from the command line. */
  user: string;
  screen: Screen;
  options: AccountOptions;
  /** Ends the client with a sentence and an exit code. */
  end(sentence: string, code: number): void;
  /** The token file; default the user's own (token-file.ts). */
  tokens?: TokenFile | undefined;
}

/** How a request went: its answer, or the sentence saying why not (and the server's error code). */
export type Outcome<T> = { ok: true; answer: T } | { ok: false; sentence: string; code?: string };

/** The warning for sending a password or token to `server` unencrypted, unless it stays on this machine. */
export function cleartextWarning(server: string, encrypted: boolean): string | undefined {
  if (encrypted || isLoopbackEndpoint(server)) return undefined;
  return `the server at ${server} does not encrypt (no --server-key): your password and login token cross the network in clear`;
}

/** When a login ends, for a person: the date, or the time when it is today. */
export function until(expires: string, now: DateTime = DateTime.now()): string {
  const t = DateTime.fromISO(expires).toLocal();
  if (!t.isValid) return expires;
  return t.hasSame(now, "day") ? `${t.toFormat("HH:mm")} today` : t.toFormat("yyyy-MM-dd");
}

/**
 * How long a password request may take: the server hashes slowly on
 * purpose, and a busy one queues the hashing. One attempt, never a retry,
 * which would register twice or count a wrong password twice.
 */
const PASSWORD_MS = 15_000;
/** How long a request carrying only the token may take. */
const TOKEN_MS = 5000;

/** Who this client is at the server. */
export class Account implements Greeter {
  /** The name posts and hellos carry: the account's as registered once logged in. */
  user: string;
  token: string | undefined;
  expires: string | undefined;
  /** The server's accounts mode once a hello is answered; undefined before, and from servers without accounts. */
  mode: "open" | "required" | undefined;
  /** Whether the server has accepted a hello from this client. */
  greeted = false;
  /** The server's file port, from its hello answer; undefined before, and from servers without one. */
  filePort: number | undefined;
  /** Whether the server's last hello answer said it takes the compact post ("posts": 2); false before, and from older servers. */
  compactPosts = false;
  /** How many posts may be in flight, from the server's last hello answer (its window); 1 before, and from older servers. */
  postWindow = 1;
  readonly passwords: Passwords;
  private readonly tokens: TokenFile | undefined;
  /* Its own requester: a password request's long wait holds up no other question. */
  private readonly queries: Queries;
  private warned = false;
  private readonly listeners: ((token: string | undefined) => void)[] = [];
  /** Settles once the login changes in progress (changing()) are done. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(private readonly c: AccountContext) {
    this.user = c.user;
    this.queries = new Queries(new ReliableRequester({ endpoint: c.endpoint ?? c.server, curve: c.curve, onFailure: c.onFailure, attemptMs: PASSWORD_MS }), c.screen);
    this.passwords = new Passwords(c.screen, c.options.piped);
    this.tokens = c.options.save ? (c.tokens ?? new TokenFile()) : undefined;
  }

  /** Whether messages not from an account are marked: the server has accounts (a server of this version). */
  get marksFree(): boolean {
    return this.mode !== undefined;
  }

  /** At start-up: --login, or else a saved login. A login that fails ends the client (exit 1). */
  async start(): Promise<void> {
    if (!this.c.options.login) return this.resume();
    const password = await this.passwords.current(`password for ${this.user}: `);
    if (password === undefined) return this.c.end(`not logged in: no password given`, 1);
    this.warnCleartext();
    const r = await this.call({ op: "login", user: this.user, password });
    if (!r) return;
    if (!r.ok) return this.c.end(r.sentence, 1);
    this.loggedIn(r.answer);
    this.c.screen.notice(`logged in as ${this.user} until ${until(r.answer.expires)}`);
  }

  /**
   * Takes up the saved login for this server and name once the server
   * confirms it (whoami); one it no longer knows is dropped. A server that
   * does not answer gets the benefit of the doubt: the hellos will tell.
   */
  private async resume(): Promise<void> {
    const saved = this.readSaved();
    if (!saved) return;
    const ended = () => {
      this.drop(saved.user);
      this.c.screen.warning(`the saved login of ${saved.user} has expired or was revoked: log in again (--login, or /login)`);
    };
    if (!(Date.parse(saved.expires) > Date.now())) return ended();
    this.warnCleartext();
    const r = await this.call({ op: "whoami", token: saved.token });
    if (r && !r.ok && r.code === "auth-failed") return ended();
    const { user, expires } = r?.ok ? r.answer : saved;
    Object.assign(this, { user, token: saved.token, expires });
    this.c.screen.notice(`logged in as ${user} until ${until(expires)} (saved login)`);
    this.changed();
  }

  /**
   * Runs a command that ends or replaces this client's login (/logout,
   * /passwd, /unregister): the server revokes the token before the answer
   * is back, so a request refused meanwhile waits for settled() instead of
   * taking the refusal for a login that ended elsewhere.
   */
  changing<T>(change: () => Promise<T>): Promise<T> {
    const done = change();
    this.changes = Promise.all([this.changes, done.catch(() => undefined)]);
    return done;
  }

  /** Resolves once the login changes in progress are done (the token is what they left). */
  async settled(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.changes;
      await seen;
    } while (seen !== this.changes);
  }

  /** Hears every change of login: the token (a login, a saved one taken up, /passwd's new one), or undefined once it ends. */
  onLogin(listener: (token: string | undefined) => void): void {
    this.listeners.push(listener);
  }

  /** A new login (or the one /passwd gives): used from now on and, unless --no-save-login, saved. */
  loggedIn(a: LoginAnswer): void {
    Object.assign(this, { user: a.user, token: a.token, expires: a.expires });
    this.changed();
    try {
      this.tokens?.save({ server: this.c.server, user: a.user, token: a.token, expires: a.expires });
    } catch (err) {
      this.c.screen.warning(`could not save the login in ${this.tokens!.path} (${(err as NodeJS.ErrnoException).code ?? String(err)}): it lasts for this run only`);
    }
  }

  /** Logged out or unregistered: the token is forgotten here and in the token file. */
  loggedOut(): void {
    this.token = this.expires = undefined;
    this.drop(this.user);
    this.changed();
  }

  /** The token was refused (expired or revoked): forgotten, and the person told to log in again. */
  loginEnded(): void {
    this.loggedOut();
    this.c.screen.warning(`your login as ${this.user} has expired or was revoked: log in again (/login, or --login)`);
  }

  /** Says, once, that a password or token is about to cross the network in clear. */
  warnCleartext(): void {
    const warning = this.warned ? undefined : cleartextWarning(endpointOf(this.c.endpoint ?? this.c.server), this.c.curve !== undefined);
    this.warned = true;
    if (warning) this.c.screen.warning(warning);
  }

  /** Sends an account request; undefined once the person has left (or the client closed). */
  async call<R extends ControlRequest>(request: R): Promise<Outcome<AnswerOf<R["op"]>> | undefined> {
    const ms = "password" in request ? PASSWORD_MS : TOKEN_MS;
    try {
      const answer = await this.queries.patience(this.queries.request(request, { timeoutMs: ms }), ms + 1000);
      return answer === undefined ? undefined : { ok: true, answer };
    } catch (err) {
      if (err instanceof ClosedError) return undefined;
      if (err instanceof RejectedError) return { ok: false, sentence: err.reason, code: err.code };
      if (isChatError(err)) return { ok: false, sentence: err.sentence };
      throw err;
    }
  }

  /** Abandons the account requests still waiting. */
  close(): void {
    this.queries.close();
  }

  /** Session: a hello was answered. */
  answered(a: HelloAnswer): void {
    this.greeted = true;
    this.mode = a.accounts;
    this.filePort = a.filePort;
    this.compactPosts = takesCompactPost(a);
    this.postWindow = postWindow(a);
  }

  /** Session: a hello was refused; true when it should be said again at once (without the token that ended). */
  refused(err: RejectedError): boolean {
    if (err.code === "auth-failed" && this.token !== undefined) {
      this.loginEnded();
      return true;
    }
    if (err.code === "auth-required" && !this.greeted) this.c.end(err.reason, 2);
    return false;
  }

  /** Outbox: a post was refused; true when that is handled here (the client ends) and needs no other word. */
  postRefused(err: RejectedError): boolean {
    if (err.code === "auth-failed" && this.token !== undefined) this.loginEnded();
    if (err.code !== "auth-required" || this.greeted) return false;
    this.c.end(err.reason, 2);
    return true;
  }

  private changed(): void {
    for (const listener of this.listeners) listener(this.token);
  }

  private readSaved() {
    try {
      return this.tokens?.find(this.c.server, this.user);
    } catch {
      return undefined;
    }
  }

  private drop(user: string): void {
    try {
      this.tokens?.drop(this.c.server, user);
    } catch (err) {
      this.c.screen.warning(`could not update ${this.tokens!.path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
}

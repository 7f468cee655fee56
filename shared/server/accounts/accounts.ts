/**
 * Accounts: registering a name, logging in and out, and deciding who a
 * post or a hello is from (the pipeline's identity step).
 *
 * Open by default: a free name posts as before; a registered name is
 * protected, usable only with a login token of its account. In "required"
 * mode every post and hello needs a token.
 *
 * Lockout: `attempts` wrong passwords in a row lock a name for `lockoutMs`
 * (its count starts again after); while locked every attempt is refused,
 * the right password included, without hashing. Unknown names are counted
 * and locked alike, so a lock tells nothing about which names exist.
 *
 * Sessions: a login gives a token of 256 random bits; only its SHA-256 is
 * kept. Checking a token is one hash and one map lookup, nothing async.
 */
import { createHash, randomBytes } from "node:crypto";
import type { LoginAnswer } from "../../protocol/index.js";
import { accountKey } from "./names.js";
import type { Hasher } from "./passwords.js";
import { Refusal, STALE_LOGIN, WRONG_LOGIN } from "./refusal.js";
import type { Account, AccountStore } from "./store.js";
import type { AccountEvent } from "../server-log.js";

export type AccountsMode = "open" | "required";

export interface AccountsOptions {
  store: AccountStore;
  hasher: Hasher;
  mode?: AccountsMode;
  /** Wrong passwords in a row that lock a name (default 3). */
  attempts?: number;
  /** How long a lock lasts (default 10 s). */
  lockoutMs?: number;
  /** How long a login lasts (default 30 days). */
  sessionMs?: number;
  /** Whether a name (folded) is taken by something else than an account (a group): registering it is refused. */
  reserved?: (key: string) => boolean;
  /**
   * Hears of registrations, logins, logouts, password changes,
   * unregistrations and lockouts (the server's --log, and what follows an
   * unregistration); the request is answered once it has settled.
   */
  onEvent?: (e: AccountEvent) => void | Promise<void>;
  /**
   * Resolves once this server has applied every change made anywhere
   * before the call (a cluster's stores): a login on one server right after
   * the registration on another finds the account.
   */
  sync?: () => Promise<void>;
}

/** Who a post or a hello is from, once checked. */
export interface Author {
  user: string;
  /** Whether an account's login vouches for it. */
  account: boolean;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export class Accounts {
  readonly store: AccountStore;
  readonly mode: AccountsMode;
  readonly attempts: number;
  readonly lockoutMs: number;
  readonly sessionMs: number;
  private readonly hasher: Hasher;
  private readonly onEvent: (e: AccountEvent) => void | Promise<void>;
  private readonly sync: (() => Promise<void>) | undefined;
  private readonly reserved: (key: string) => boolean;

  constructor(o: AccountsOptions) {
    this.reserved = o.reserved ?? (() => false);
    this.onEvent = o.onEvent ?? (() => {});
    this.sync = o.sync;
    this.store = o.store;
    this.hasher = o.hasher;
    this.mode = o.mode ?? "open";
    this.attempts = o.attempts ?? 3;
    this.lockoutMs = o.lockoutMs ?? 10_000;
    this.sessionMs = o.sessionMs ?? 30 * 86_400_000;
  }

  /**
   * The identity step: who a post or hello claiming `user` (with `token`
   * if logged in) is from. Throws a Refusal for a bad token, a registered
   * name without its login, or any name without a login in required mode.
   */
  identify(user: string, token: string | undefined, now: number): Author {
    if (token !== undefined) return { user: this.session(token, now).user, account: true };
    if (this.mode === "required") {
      throw new Refusal("auth-required", `this server only takes logged-in users: register ${user} and log in, or log in to your account`);
    }
    /* The common case of an open server nobody registered on costs nothing. */
    if (this.store.size > 0 && this.store.get(accountKey(user))) {
      throw new Refusal("auth-required", `${user} is a registered name: log in, or pick another name`);
    }
    return { user, account: false };
  }

  /** The account name a login token stands for; a Refusal when it is unknown, expired or revoked. */
  userOf(token: string, now: number): string {
    return this.session(token, now).user;
  }

  async register(user: string, password: string, now: number): Promise<{ user: string }> {
    const key = accountKey(user);
    if (this.sync) await this.sync();
    const taken = () => new Refusal("name-taken", `${user} is already registered: log in, or pick another name`);
    if (this.store.get(key) || this.reserved(key)) throw taken();
    const hash = await this.hasher.hash(password);
    /* Checked again: another registration of the name (or a group of it) may have come while this one hashed. */
    if (this.reserved(key) || !(await this.store.add({ key, user, password: hash, created: now }))) throw taken();
    await this.onEvent({ event: "register", user });
    return { user };
  }

  async login(user: string, password: string): Promise<LoginAnswer> {
    if (this.sync) await this.sync();
    const account = await this.checkPassword(accountKey(user), user, password);
    await this.onEvent({ event: "login", user: account.user });
    return this.newSession(account, Date.now());
  }

  async logout(token: string, now: number): Promise<Record<string, never>> {
    const { key, user } = this.session(token, now);
    await this.store.endSessions(key);
    await this.onEvent({ event: "logout", user });
    return {};
  }

  whoami(token: string, now: number): { user: string; expires: string } {
    const s = this.session(token, now);
    return { user: s.user, expires: new Date(s.expires).toISOString() };
  }

  /** A new password: every session ends, and the answer is a new one. */
  async passwd(token: string, password: string, newPassword: string, now: number): Promise<LoginAnswer> {
    const { key, user } = this.session(token, now);
    const account = await this.checkPassword(key, user, password);
    const hash = await this.hasher.hash(newPassword);
    if (this.store.get(key) !== account) throw new Refusal("auth-failed", STALE_LOGIN); // unregistered or changed meanwhile
    await this.store.setPassword(key, hash);
    await this.store.endSessions(key);
    await this.onEvent({ event: "passwd", user });
    return this.newSession(this.store.get(key)!, Date.now());
  }

  async unregister(token: string, password: string, now: number): Promise<Record<string, never>> {
    const { key, user } = this.session(token, now);
    const account = await this.checkPassword(key, user, password);
    if (this.store.get(key) === account) {
      await this.store.remove(key);
      await this.onEvent({ event: "unregister", user });
    }
    return {};
  }

  /** Forgets expired sessions (the server's timer). */
  async prune(now: number): Promise<void> {
    await this.store.pruneSessions(now);
  }

  /** The account and session of a token; a Refusal when it is unknown, expired or revoked. */
  private session(token: string, now: number): { key: string; user: string; expires: number } {
    const s = this.store.session(hashToken(token));
    const account = s && s.expires > now ? this.store.get(s.key) : undefined;
    if (!account) throw new Refusal("auth-failed", STALE_LOGIN);
    return { key: account.key, user: account.user, expires: s!.expires };
  }

  private async newSession(account: Account, now: number): Promise<LoginAnswer> {
    const token = randomBytes(32).toString("hex");
    const expires = now + this.sessionMs;
    await this.store.addSession({ tokenHash: hashToken(token), key: account.key, expires });
    return { user: account.user, token, expires: new Date(expires).toISOString() };
  }

  /**
   * Checks a password against the lock and the account, counting failures
   * (for unknown names too); resolves with the account or throws a Refusal.
   */
  private async checkPassword(key: string, user: string, password: string): Promise<Account> {
    this.refuseIfLocked(key, user, Date.now());
    const account = this.store.get(key);
    const ok = await this.hasher.verify(password, account?.password);
    const now = Date.now();
    /* A lock set while this one hashed (a parallel guess) wins, even over the right password. */
    this.refuseIfLocked(key, user, now);
    if (ok && account && this.store.get(key) === account) {
      if (this.store.failures(key)) await this.store.clearFailures(key);
      return account;
    }
    if (await this.store.addFailure(key, now, this.attempts, this.lockoutMs)) await this.onEvent({ event: "lockout", user, ms: this.lockoutMs });
    throw new Refusal("auth-failed", WRONG_LOGIN);
  }

  private refuseIfLocked(key: string, user: string, now: number): void {
    const lockedUntil = this.store.failures(key)?.lockedUntil ?? 0;
    if (lockedUntil <= now) return;
    const ms = lockedUntil - now;
    throw new Refusal("locked", `${user} is locked after ${this.attempts} failed logins: try again in ${Math.ceil(ms / 1000)} s`, ms);
  }
}

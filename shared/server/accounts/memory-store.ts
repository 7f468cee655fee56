/**
 * The accounts store in memory (a server without --store): gone when the
 * process ends. The SQLite engine keeps one of these as its cache and
 * writes every change through to the file.
 */
import { FAILURES_MAX, SESSIONS_PER_ACCOUNT, type Account, type AccountStore, type LoginFailures, type PasswordHash, type Session } from "./store.js";

export class MemoryAccountStore implements AccountStore {
  private readonly accounts = new Map<string, Account>();
  /** Ordered by last change: re-inserted on every update. */
  private readonly failed = new Map<string, LoginFailures>();
  private readonly sessions = new Map<string, Session>();
  /** Token hashes of each account, oldest first. */
  private readonly byAccount = new Map<string, Set<string>>();

  constructor(private readonly failuresMax = FAILURES_MAX) {}

  get size(): number {
    return this.accounts.size;
  }

  get(key: string): Account | undefined {
    return this.accounts.get(key);
  }

  add(account: Account): boolean {
    if (this.accounts.has(account.key)) return false;
    this.accounts.set(account.key, account);
    return true;
  }

  setPassword(key: string, password: PasswordHash): void {
    const a = this.accounts.get(key);
    if (a) this.accounts.set(key, { ...a, password });
  }

  remove(key: string): void {
    this.endSessions(key);
    this.failed.delete(key);
    this.accounts.delete(key);
  }

  failures(key: string): LoginFailures | undefined {
    return this.failed.get(key);
  }

  setFailures(key: string, state: LoginFailures): void {
    this.failed.delete(key);
    this.failed.set(key, { ...state });
    if (this.failed.size - this.accounts.size <= this.failuresMax) return;
    /* Past the bound: the least recently changed name without an account goes (an account's lock never does). */
    for (const old of this.failed.keys()) {
      if (old !== key && !this.accounts.has(old)) {
        this.clearFailures(old);
        return;
      }
    }
  }

  addFailure(key: string, now: number, attempts: number, lockoutMs: number): boolean {
    const failures = (this.failures(key)?.failures ?? 0) + 1;
    const locks = failures >= attempts;
    this.setFailures(key, locks ? { failures: 0, lockedUntil: now + lockoutMs, updated: now } : { failures, lockedUntil: 0, updated: now });
    return locks;
  }

  clearFailures(key: string): void {
    this.failed.delete(key);
  }

  session(tokenHash: string): Session | undefined {
    return this.sessions.get(tokenHash);
  }

  addSession(session: Session): void {
    this.sessions.set(session.tokenHash, { ...session });
    let mine = this.byAccount.get(session.key);
    if (!mine) this.byAccount.set(session.key, (mine = new Set()));
    mine.add(session.tokenHash);
    if (mine.size > SESSIONS_PER_ACCOUNT) this.endSession(mine.values().next().value!);
  }

  endSessions(key: string): number {
    const mine = [...(this.byAccount.get(key) ?? [])];
    for (const hash of mine) this.endSession(hash);
    return mine.length;
  }

  pruneSessions(now: number): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.expires <= now) {
        this.endSession(s.tokenHash);
        n++;
      }
    }
    return n;
  }

  /** Forgets one session; the SQLite engine deletes its row too. */
  protected endSession(tokenHash: string): void {
    const s = this.sessions.get(tokenHash);
    if (!s) return;
    this.sessions.delete(tokenHash);
    const mine = this.byAccount.get(s.key);
    mine?.delete(tokenHash);
    if (mine?.size === 0) this.byAccount.delete(s.key);
  }
}

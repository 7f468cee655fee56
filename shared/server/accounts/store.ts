/**
 * Where accounts live: the accounts, the failed-login counts and locks of
 * names (registered or not), and the sessions. Two engines, memory and
 * SQLite (the store file's own connection), pass one contract suite
 * (shared/testing/account-store-contract.ts).
 *
 * Every read is synchronous and served from memory, so the identity check
 * of a post costs no I/O. A change is synchronous in the memory and SQLite
 * engines; in a cluster's (shared/server/replicated/) it is a promise,
 * settled once the change is applied here in the cluster's order. No password and no token ever
 * reaches a store: only scrypt's output with its salt and parameters, and
 * the SHA-256 of a token.
 */

import type { Changed } from "../changed.js";

/** scrypt's cost parameters, stored beside each hash so that they can be raised later. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  /** Length of the derived key in bytes. */
  keylen: number;
}

/** A password as stored: scrypt(password, salt, params) and what it takes to check it again. */
export interface PasswordHash {
  salt: Buffer;
  hash: Buffer;
  params: ScryptParams;
}

export interface Account {
  /** The name folded for comparison (names.ts). */
  key: string;
  /** The name as registered, shown as the author of the account's messages. */
  user: string;
  password: PasswordHash;
  /** When it was registered, ms since the Unix epoch. */
  created: number;
}

/** Failed logins of one name in a row, and the end of its lock (0: not locked). */
export interface LoginFailures {
  failures: number;
  lockedUntil: number;
  /** When it last changed; the least recently changed of names without an account is dropped first. */
  updated: number;
}

/** A login: the SHA-256 (hex) of its token, the account's key, and when it expires. */
export interface Session {
  tokenHash: string;
  key: string;
  expires: number;
}

export interface AccountStore {
  /** Number of accounts. */
  readonly size: number;
  get(key: string): Account | undefined;
  /** Adds an account; false, and nothing changed, when its key is taken. */
  add(account: Account): Changed<boolean>;
  /** Replaces an account's password hash. */
  setPassword(key: string, password: PasswordHash): Changed<void>;
  /** Removes an account, its sessions and its failure count. */
  remove(key: string): Changed<void>;

  failures(key: string): LoginFailures | undefined;
  /**
   * Records the failures of a name, registered or not. Names without an
   * account are bounded: past the capacity, the least recently changed goes.
   */
  setFailures(key: string, state: LoginFailures): Changed<void>;
  /**
   * One more wrong password for `key` at `now`, counted in one step (so
   * that failures counted on several servers at once all count): its count
   * goes up, and at `attempts` the name is locked until now + lockoutMs and
   * the count starts again. True when this failure locked it.
   */
  addFailure(key: string, now: number, attempts: number, lockoutMs: number): Changed<boolean>;
  clearFailures(key: string): Changed<void>;

  session(tokenHash: string): Session | undefined;
  /** Adds a session; past the per-account bound the account's oldest goes. */
  addSession(session: Session): Changed<void>;
  /** Ends every session of an account; returns how many. */
  endSessions(key: string): Changed<number>;
  /** Forgets sessions expired at `now`; returns how many. */
  pruneSessions(now: number): Changed<number>;
  /**
   * A store shared by several servers tells of every account whose
   * sessions ended (logout, passwd, unregister), whichever server ended
   * them, so that each wakes the account's held inbox requests.
   */
  onSessionsEnded?(listener: (key: string) => void): void;
}

/** Names without an account whose failures are remembered (the lock of an unknown name). */
export const FAILURES_MAX = 10_000;
/** Sessions kept per account. */
export const SESSIONS_PER_ACCOUNT = 32;

/**
 * Where accounts live: the accounts, the failed-login counts and locks of
 * names (registered or not), and the sessions. Two engines, memory and
 * SQLite (the store file's own connection), pass one contract suite
 * (shared/testing/account-store-contract.ts).
 *
 * Every method is synchronous and every read is served from memory, so the
 * identity check of a post costs no I/O. No password and no token ever
 * reaches a store: only scrypt's output with its salt and parameters, and
 * the SHA-256 of a token.
 */

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
  add(account: Account): boolean;
  /** Replaces an account's password hash. */
  setPassword(key: string, password: PasswordHash): void;
  /** Removes an account, its sessions and its failure count. */
  remove(key: string): void;

  failures(key: string): LoginFailures | undefined;
  /**
   * Records the failures of a name, registered or not. Names without an
   * account are bounded: past the capacity, the least recently changed goes.
   */
  setFailures(key: string, state: LoginFailures): void;
  clearFailures(key: string): void;

  session(tokenHash: string): Session | undefined;
  /** Adds a session; past the per-account bound the account's oldest goes. */
  addSession(session: Session): void;
  /** Ends every session of an account; returns how many. */
  endSessions(key: string): number;
  /** Forgets sessions expired at `now`; returns how many. */
  pruneSessions(now: number): number;
}

/** Names without an account whose failures are remembered (the lock of an unknown name). */
export const FAILURES_MAX = 10_000;
/** Sessions kept per account. */
export const SESSIONS_PER_ACCOUNT = 32;

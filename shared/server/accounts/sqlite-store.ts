/**
 * The accounts store in the store file (mc_server --store), on the event
 * log's own connection: the tables of schema version 2 (log/migrations.ts).
 * Everything is loaded at start into a MemoryAccountStore, which serves
 * every read; each change is written through at once (WAL, like the log).
 */
import type Database from "better-sqlite3";
import { MemoryAccountStore } from "./memory-store.js";
import type { Account, LoginFailures, PasswordHash, Session } from "./store.js";

interface AccountRow { key: string; user: string; salt: Buffer; hash: Buffer; n: number; r: number; p: number; created: number }

export class SqliteAccountStore extends MemoryAccountStore {
  private readonly sql: Record<"add" | "setPassword" | "remove" | "setFailures" | "clearFailures" | "addSession" | "endSession" | "endSessions", Database.Statement>;

  /** Takes a connection already migrated to schema version 2 or later; loads what it holds. */
  constructor(db: Database.Database, failuresMax?: number) {
    super(failuresMax);
    this.sql = {
      add: db.prepare("INSERT INTO accounts (key, user, salt, hash, n, r, p, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      setPassword: db.prepare("UPDATE accounts SET salt = ?, hash = ?, n = ?, r = ?, p = ? WHERE key = ?"),
      remove: db.prepare("DELETE FROM accounts WHERE key = ?"),
      setFailures: db.prepare(
        "INSERT INTO login_failures (key, failures, locked_until, updated) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, updated = excluded.updated",
      ),
      clearFailures: db.prepare("DELETE FROM login_failures WHERE key = ?"),
      addSession: db.prepare("INSERT OR REPLACE INTO sessions (token_hash, key, expires) VALUES (?, ?, ?)"),
      endSession: db.prepare("DELETE FROM sessions WHERE token_hash = ?"),
      endSessions: db.prepare("DELETE FROM sessions WHERE key = ?"),
    };
    for (const a of db.prepare("SELECT key, user, salt, hash, n, r, p, created FROM accounts").all() as AccountRow[]) {
      super.add({ key: a.key, user: a.user, created: a.created, password: { salt: a.salt, hash: a.hash, params: { N: a.n, r: a.r, p: a.p, keylen: a.hash.length } } });
    }
    const failures = db.prepare("SELECT key, failures, locked_until AS lockedUntil, updated FROM login_failures ORDER BY updated").all() as (LoginFailures & { key: string })[];
    for (const f of failures) super.setFailures(f.key, { failures: f.failures, lockedUntil: f.lockedUntil, updated: f.updated });
    const sessions = db.prepare("SELECT token_hash AS tokenHash, key, expires FROM sessions ORDER BY expires").all() as Session[];
    for (const s of sessions) super.addSession(s);
  }

  override add(account: Account): boolean {
    if (this.get(account.key)) return false;
    const { salt, hash, params } = account.password;
    this.sql.add.run(account.key, account.user, salt, hash, params.N, params.r, params.p, account.created);
    return super.add(account);
  }

  override setPassword(key: string, password: PasswordHash): void {
    const { salt, hash, params } = password;
    this.sql.setPassword.run(salt, hash, params.N, params.r, params.p, key);
    super.setPassword(key, password);
  }

  override remove(key: string): void {
    this.sql.endSessions.run(key);
    this.sql.clearFailures.run(key);
    this.sql.remove.run(key);
    super.remove(key);
  }

  override setFailures(key: string, state: LoginFailures): void {
    this.sql.setFailures.run(key, state.failures, state.lockedUntil, state.updated);
    super.setFailures(key, state);
  }

  override clearFailures(key: string): void {
    this.sql.clearFailures.run(key);
    super.clearFailures(key);
  }

  override addSession(session: Session): void {
    this.sql.addSession.run(session.tokenHash, session.key, session.expires);
    super.addSession(session);
  }

  protected override endSession(tokenHash: string): void {
    this.sql.endSession.run(tokenHash);
    super.endSession(tokenHash);
  }
}

/**
 * The watch store in the store file (mc_server --store), on the event
 * log's own connection: the tables of schema version 5 (log/migrations.ts).
 * Everything is loaded at start into a MemoryWatchStore, which serves every
 * read; each change is written through at once.
 */
import type Database from "better-sqlite3";
import type { Watch } from "../../protocol/index.js";
import { MemoryWatchStore } from "./memory-store.js";
import { fold } from "./words.js";

export class SqliteWatchStore extends MemoryWatchStore {
  private readonly sql: Record<"addWatch" | "removeWatch" | "addFollow" | "removeFollow" | "forgetWatches" | "forgetFollows", Database.Statement>;
  private readonly forgetAll: (key: string) => void;

  /** Takes a connection already migrated to schema version 5 or later; loads what it holds. */
  constructor(db: Database.Database) {
    super();
    this.sql = {
      addWatch: db.prepare("INSERT OR IGNORE INTO alert_watches (key, folded, channel, keyword) VALUES (?, ?, ?, ?)"),
      removeWatch: db.prepare("DELETE FROM alert_watches WHERE key = ? AND folded = ? AND channel = ?"),
      addFollow: db.prepare("INSERT OR IGNORE INTO alert_follows (key, followee) VALUES (?, ?)"),
      removeFollow: db.prepare("DELETE FROM alert_follows WHERE key = ? AND followee = ?"),
      forgetWatches: db.prepare("DELETE FROM alert_watches WHERE key = ?"),
      forgetFollows: db.prepare("DELETE FROM alert_follows WHERE key = ? OR followee = ?"),
    };
    this.forgetAll = db.transaction((key: string) => {
      this.sql.forgetWatches.run(key);
      this.sql.forgetFollows.run(key, key);
    });
    const watches = db.prepare("SELECT key, channel, keyword FROM alert_watches ORDER BY rowid").all() as { key: string; channel: string; keyword: string }[];
    for (const w of watches) super.addWatch(w.key, w.channel === "" ? { keyword: w.keyword } : { keyword: w.keyword, channel: w.channel });
    const follows = db.prepare("SELECT key, followee FROM alert_follows ORDER BY rowid").all() as { key: string; followee: string }[];
    for (const f of follows) super.addFollow(f.key, f.followee);
  }

  /* The table's primary key is the memory store's sameness: the file decides, then memory follows. */
  override addWatch(key: string, watch: Watch): boolean {
    return this.sql.addWatch.run(key, fold(watch.keyword), watch.channel ?? "", watch.keyword).changes > 0 && super.addWatch(key, watch);
  }

  override removeWatch(key: string, watch: Watch): boolean {
    return this.sql.removeWatch.run(key, fold(watch.keyword), watch.channel ?? "").changes > 0 && super.removeWatch(key, watch);
  }

  override addFollow(key: string, followee: string): boolean {
    return this.sql.addFollow.run(key, followee).changes > 0 && super.addFollow(key, followee);
  }

  override removeFollow(key: string, followee: string): boolean {
    return this.sql.removeFollow.run(key, followee).changes > 0 && super.removeFollow(key, followee);
  }

  override forget(key: string): void {
    this.forgetAll(key);
    super.forget(key);
  }
}

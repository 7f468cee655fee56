/**
 * The durable store (mc_server --store file.db): SQLite through
 * better-sqlite3, in WAL mode. Posts are numbered at once but written in
 * batches: the server calls commit() once per event-loop turn, so one
 * transaction carries every post that arrived meanwhile (group commit), and
 * only then are they published and acknowledged.
 *
 * synchronous=NORMAL in WAL mode: a committed batch survives the server
 * process being killed (kill -9); an operating-system crash or power cut
 * may lose the last batches (synchronous=FULL would cost an fsync each).
 */
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import type { ChatMessage } from "../protocol/index.js";
import { StoreBusyError, UsageError } from "../errors.js";
import { IdIndex } from "./id-index.js";
import { historyRange, type NewMessage, type Numbers, type Store } from "./store.js";

/** A messages row: the post as it arrived, with its numbers. */
type Row = NewMessage & Numbers;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS messages (
    gseq INTEGER PRIMARY KEY, channel TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
    user TEXT NOT NULL, time TEXT NOT NULL, kind TEXT NOT NULL, body BLOB NOT NULL);
  CREATE UNIQUE INDEX IF NOT EXISTS messages_by_channel ON messages (channel, seq);
  CREATE TABLE IF NOT EXISTS channels (name TEXT PRIMARY KEY, head INTEGER NOT NULL);
`;

/** Opens (or creates) a store file; a path that cannot be opened is a usage error. */
export function openSqliteStore(path: string): SqliteStore {
  let db: Database.Database | undefined;
  try {
    // timeout 0: only another server can hold the file, and waiting for it would not help.
    db = new Database(path, { timeout: 0 });
    /*
     * One server per store: EXCLUSIVE locking, set before WAL is entered,
     * and a write at once, so this process holds the file's lock for as long
     * as it runs (and WAL needs no shared-memory index). A second server
     * given the same file fails here instead of numbering alongside the
     * first. The lock dies with the process, kill -9 included.
     */
    db.pragma("locking_mode = EXCLUSIVE");
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(SCHEMA);
    db.exec("BEGIN EXCLUSIVE; COMMIT");
  } catch (err) {
    db?.close();
    if ((err as { code?: unknown }).code === "SQLITE_BUSY") throw new StoreBusyError(path, { cause: err });
    throw new UsageError(`cannot open the store '${path}': ${err instanceof Error ? err.message : String(err)}`);
  }
  return new SqliteStore(db);
}

export class SqliteStore implements Store {
  readonly durable = true;
  readonly epoch: string;
  private count: number;
  private readonly heads = new Map<string, number>();
  private readonly ids = new IdIndex();
  private pending: Row[] = [];
  private readonly pendingIds = new Map<string, Numbers>();
  private readonly insert: Database.Statement;
  private readonly setHead: Database.Statement;
  private readonly byGseq: Database.Statement;
  private readonly allAfter: Database.Statement;
  private readonly channelAfter: Database.Statement;
  private readonly writeBatch: (rows: Row[]) => void;

  constructor(private readonly db: Database.Database) {
    const epoch = db.prepare("SELECT value FROM meta WHERE key = 'epoch'").pluck().get() as string | undefined;
    this.epoch = epoch ?? randomBytes(4).toString("hex");
    if (epoch === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('epoch', ?)").run(this.epoch);
    this.count = (db.prepare("SELECT COALESCE(MAX(gseq), 0) FROM messages").pluck().get() as number);
    for (const c of db.prepare("SELECT name, head FROM channels").all() as { name: string; head: number }[]) {
      this.heads.set(c.name, c.head);
    }
    const recent = db.prepare("SELECT id, gseq FROM messages ORDER BY gseq DESC LIMIT 100000").all() as { id: string; gseq: number }[];
    for (let i = recent.length - 1; i >= 0; i--) this.ids.set(recent[i]!.id, recent[i]!.gseq);

    this.insert = db.prepare("INSERT INTO messages (gseq, channel, seq, id, user, time, kind, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    this.setHead = db.prepare("INSERT INTO channels (name, head) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET head = excluded.head");
    this.byGseq = db.prepare("SELECT id, seq FROM messages WHERE gseq = ?");
    this.allAfter = db.prepare("SELECT * FROM messages WHERE gseq BETWEEN ? AND ? ORDER BY gseq");
    this.channelAfter = db.prepare("SELECT * FROM messages WHERE channel = ? AND seq BETWEEN ? AND ? ORDER BY seq");
    this.writeBatch = db.transaction((rows: Row[]) => {
      const heads = new Map<string, number>();
      for (const row of rows) {
        /* Positional rather than named (@gseq, ...) parameters: about 1 µs a row less to bind. */
        this.insert.run(row.gseq, row.channel, row.seq, row.id, row.user, row.time, row.kind, row.body);
        heads.set(row.channel, row.seq);
      }
      for (const [name, head] of heads) this.setHead.run(name, head);
    });
  }

  get gseq(): number {
    return this.count;
  }

  head(channel: string): number {
    return this.heads.get(channel) ?? 0;
  }

  channels(): { name: string; messages: number }[] {
    return [...this.heads].map(([name, messages]) => ({ name, messages })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  lookup(id: string): Numbers | undefined {
    const waiting = this.pendingIds.get(id);
    if (waiting) return waiting;
    const gseq = this.ids.get(id);
    if (gseq === undefined) return undefined;
    const row = this.byGseq.get(gseq) as { id: string; seq: number } | undefined;
    return row && row.id === id ? { seq: row.seq, gseq } : undefined;
  }

  append(m: NewMessage): Numbers {
    const seq = (this.heads.get(m.channel) ?? 0) + 1;
    const gseq = ++this.count;
    this.heads.set(m.channel, seq);
    this.pending.push({ gseq, seq, channel: m.channel, id: m.id, user: m.user, time: m.time, kind: m.kind, body: m.body });
    this.pendingIds.set(m.id, { seq, gseq });
    return { seq, gseq };
  }

  commit(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.pendingIds.clear();
    try {
      this.writeBatch(rows);
    } catch (err) {
      // Forget the batch: numbering goes back to what the file holds.
      this.count = this.db.prepare("SELECT COALESCE(MAX(gseq), 0) FROM messages").pluck().get() as number;
      for (const row of rows) {
        const head = this.db.prepare("SELECT head FROM channels WHERE name = ?").pluck().get(row.channel) as number | undefined;
        if (head === undefined) this.heads.delete(row.channel);
        else this.heads.set(row.channel, head);
      }
      throw err;
    }
    for (const row of rows) this.ids.set(row.id, row.gseq);
  }

  history(channel: string, after: number | undefined, limit: number): ChatMessage[] {
    const head = channel === "ALL" ? this.count : this.head(channel);
    const [from, to] = historyRange(head, after, limit);
    if (to < from) return [];
    const rows = (channel === "ALL" ? this.allAfter.all(from, to) : this.channelAfter.all(channel, from, to)) as Row[];
    return rows.map((r) => ({
      id: r.id, channel: r.channel, user: r.user, time: r.time, kind: r.kind,
      body: r.body.toString("utf8"), epoch: this.epoch, seq: r.seq, gseq: r.gseq,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

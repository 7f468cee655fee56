/**
 * The durable engine (mc_server --store file.db): SQLite through
 * better-sqlite3, in WAL mode. Each appendBatch() is one transaction, so the
 * server's group commit (every post of one event-loop turn) costs one WAL
 * commit; posts are acknowledged and published only after it. A commit
 * appends each page it changed to the WAL (a 4 KiB frame each), so it
 * changes only what its rows need: the messages go in as multi-row INSERTs
 * (sqlite-inserts.ts), and channel heads are not stored but found in
 * entries at start.
 *
 * synchronous=NORMAL in WAL mode: a committed batch survives the server
 * process being killed (kill -9); an operating-system crash or power cut
 * may lose the last batches (synchronous=FULL would cost an fsync each).
 *
 * Deleting a message empties its body and its edits' in the same
 * transaction. secure_delete overwrites the freed bytes with zeros, and a
 * batch with a deletion ends with a checkpoint that truncates the WAL, so
 * the text lingers neither in free pages nor in older WAL frames.
 */
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { StoreBusyError, UsageError } from "../../errors.js";
import { ALL } from "../../protocol/limits.js";
import { IdIndex } from "../id-index.js";
import { CommitListeners, readRange, sinceRange, type CommittedBatch, type EventLog, type LogEntry, type Numbers, type StoredEntry } from "./event-log.js";
import { migrate } from "./migrations.js";
import { MessageInserts } from "./sqlite-inserts.js";

const COLUMNS = "gseq, channel, seq, id, user, time, kind, body, type, received, account, target";
/* What a read answers: the current text of an edited message is its latest edit's. */
const READ = `SELECT e.gseq, e.channel, e.seq, e.id, e.user, e.time, e.kind, COALESCE(x.body, e.body) AS body, e.type, e.received,
  e.account, e.target, e.edited_by, e.deleted FROM entries e LEFT JOIN entries x ON x.gseq = e.edited_by`;

/*
 * Each channel's head (its largest seq), channel after channel: each step
 * is one search of entries_by_channel (channel, seq), not a scan of entries.
 */
const HEADS = `WITH RECURSIVE c(name) AS (
    SELECT MIN(channel) FROM entries
    UNION ALL SELECT (SELECT MIN(channel) FROM entries WHERE channel > c.name) FROM c WHERE c.name IS NOT NULL)
  SELECT name, (SELECT MAX(seq) FROM entries WHERE channel = c.name) AS head FROM c WHERE name IS NOT NULL`;

type Row = Omit<StoredEntry, "account" | "target" | "edited" | "deleted"> & {
  account?: number | true; target?: number | null; edited_by?: number | null; deleted?: number | true;
};

/** Opens (or creates, or migrates) a store file; a path that cannot be opened is a usage error. */
export function openSqliteLog(path: string): SqliteLog {
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
    /* Freed bytes are zeroed: a deleted message's text does not linger in free pages. */
    db.pragma("secure_delete = ON");
    db.exec("BEGIN EXCLUSIVE; COMMIT");
    migrate(db, path);
  } catch (err) {
    db?.close();
    if ((err as { code?: unknown }).code === "SQLITE_BUSY") throw new StoreBusyError(path, { cause: err });
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot open the store '${path}': ${err instanceof Error ? err.message : String(err)}`);
  }
  return new SqliteLog(db);
}

/** The event log in a SQLite file: epoch, numbering and entries survive restarts. */
export class SqliteLog implements EventLog {
  readonly epoch: string;
  readonly groupCommit: boolean = true;
  /** The connection, for the other tables of the same file (accounts); closed with the log. */
  readonly database: Database.Database;
  private count: number;
  private readonly heads = new Map<string, number>();
  private readonly ids = new IdIndex();
  private readonly listeners = new CommitListeners();
  private readonly byGseq: Database.Statement;
  private readonly allAfter: Database.Statement;
  private readonly channelAfter: Database.Statement;
  private readonly allReceived: Database.Statement;
  private readonly channelReceived: Database.Statement;
  private readonly lastOf: Database.Statement;
  private readonly targetOf: Database.Statement;
  /** The newest receive time stored: receive times never go back along the log. */
  private lastReceived: number;
  private readonly write: (entries: readonly LogEntry[], numbers: Numbers[]) => void;

  /** Takes a database already migrated to the latest schema (see openSqliteLog). */
  constructor(private readonly db: Database.Database) {
    this.database = db;
    const epoch = db.prepare("SELECT value FROM meta WHERE key = 'epoch'").pluck().get() as string | undefined;
    this.epoch = epoch ?? randomBytes(4).toString("hex");
    if (epoch === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('epoch', ?)").run(this.epoch);
    this.count = db.prepare("SELECT COALESCE(MAX(gseq), 0) FROM entries").pluck().get() as number;
    for (const c of db.prepare(HEADS).all() as { name: string; head: number }[]) this.heads.set(c.name, c.head);
    const recent = db.prepare("SELECT id, gseq FROM entries ORDER BY gseq DESC LIMIT 100000").all() as { id: string; gseq: number }[];
    for (let i = recent.length - 1; i >= 0; i--) this.ids.set(recent[i]!.id, recent[i]!.gseq);

    this.lastReceived = db.prepare("SELECT COALESCE(MAX(received), 0) FROM entries").pluck().get() as number;
    const insert = db.prepare(`INSERT INTO entries (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const markEdited = db.prepare("UPDATE entries SET edited_by = ? WHERE channel = ? AND seq = ?");
    const eraseMessage = db.prepare("UPDATE entries SET body = x'', deleted = 1 WHERE channel = ? AND seq = ?");
    const eraseEdits = db.prepare("UPDATE entries SET body = x'', deleted = 1 WHERE channel = ? AND target = ? AND type = 'edit'");
    this.targetOf = db.prepare("SELECT type, deleted FROM entries WHERE channel = ? AND seq = ?");
    this.byGseq = db.prepare("SELECT id, seq FROM entries WHERE gseq = ?");
    this.allAfter = db.prepare(`${READ} WHERE e.gseq BETWEEN ? AND ? ORDER BY e.gseq`);
    this.channelAfter = db.prepare(`${READ} WHERE e.channel = ? AND e.seq BETWEEN ? AND ? ORDER BY e.seq`);
    this.allReceived = db.prepare("SELECT received FROM entries WHERE gseq = ?").pluck();
    this.channelReceived = db.prepare("SELECT received FROM entries WHERE channel = ? AND seq = ?").pluck();
    this.lastOf = db.prepare(`${READ} WHERE e.channel = ? AND e.user = ? AND e.type = 'message' AND e.account = 1 AND e.deleted = 0 ORDER BY e.seq DESC LIMIT 1`);
    const messages = new MessageInserts(db);
    this.write = db.transaction((entries: readonly LogEntry[], numbers: Numbers[]) => {
      messages.clear();
      let received = this.lastReceived;
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        const n = numbers[i]!;
        received = Math.max(received, e.received);
        if (e.type === "message") {
          messages.add(e, n, received);
          continue;
        }
        /* The message it changes may be one of this batch's. */
        messages.flush();
        const target = this.targetOf.get(e.channel, e.target) as { type: string; deleted: number } | undefined;
        if (target?.type !== "message" || target.deleted) throw new Error(`${e.type} of #${e.target} in ${e.channel}: no such message`);
        /* Positional rather than named (@gseq, ...) parameters: about 1 µs a row less to bind. */
        insert.run(n.gseq, e.channel, n.seq, e.id, e.user, e.time, e.kind, e.body, e.type, received, 1, e.target);
        if (e.type === "edit") {
          markEdited.run(n.gseq, e.channel, e.target);
        } else {
          eraseMessage.run(e.channel, e.target);
          eraseEdits.run(e.channel, e.target);
        }
      }
      messages.flush();
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
    const gseq = this.ids.get(id);
    if (gseq === undefined) return undefined;
    const row = this.byGseq.get(gseq) as { id: string; seq: number } | undefined;
    return row && row.id === id ? { seq: row.seq, gseq } : undefined;
  }

  appendBatch(entries: readonly LogEntry[]): Promise<Numbers[]> {
    if (entries.length === 0) return Promise.resolve([]);
    /* Numbered aside and applied only once the transaction commits: a failed batch leaves no trace. */
    const numbers: Numbers[] = new Array(entries.length);
    const heads = new Map<string, number>();
    let gseq = this.count;
    for (let i = 0; i < entries.length; i++) {
      const channel = entries[i]!.channel;
      const seq = (heads.get(channel) ?? this.heads.get(channel) ?? 0) + 1;
      heads.set(channel, seq);
      numbers[i] = { seq, gseq: ++gseq };
    }
    try {
      this.write(entries, numbers);
    } catch (err) {
      return Promise.reject(err);
    }
    for (const e of entries) this.lastReceived = Math.max(this.lastReceived, e.received);
    /* The deleted text is still in earlier WAL frames: copy the WAL into the file and empty it. */
    if (entries.some((e) => e.type === "delete")) this.db.pragma("wal_checkpoint(TRUNCATE)");
    this.count = gseq;
    for (const [name, head] of heads) this.heads.set(name, head);
    for (let i = 0; i < entries.length; i++) this.ids.set(entries[i]!.id, numbers[i]!.gseq);
    const batch: CommittedBatch = { entries, numbers };
    this.listeners.emit(batch);
    return Promise.resolve(numbers);
  }

  onCommitted(listener: (batch: CommittedBatch) => void): () => void {
    return this.listeners.add(listener);
  }

  read(channel: string, after: number | undefined, limit: number, since?: number): StoredEntry[] {
    const all = channel === ALL;
    const head = all ? this.count : this.head(channel);
    const [from, to] = since === undefined
      ? readRange(head, after, limit)
      : sinceRange(head, after, limit, since, (n) => (all ? this.allReceived.get(n) : this.channelReceived.get(channel, n)) as number);
    if (to < from) return [];
    const rows = (all ? this.allAfter.all(from, to) : this.channelAfter.all(channel, from, to)) as Row[];
    return rows.map(toEntry);
  }

  lastMessage(channel: string, user: string): StoredEntry | undefined {
    const row = this.lastOf.get(channel, user) as Row | undefined;
    return row && toEntry(row);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** A row as the entry it was written as: flags only when set (the columns are 0 or 1), `target` only on a change. */
function toEntry(r: Row): StoredEntry {
  if (r.account) r.account = true;
  else delete r.account;
  if (r.target === null) delete r.target;
  if (r.deleted) r.deleted = true;
  else delete r.deleted;
  const edited = r.edited_by !== null && !r.deleted;
  delete r.edited_by;
  const e = r as StoredEntry;
  if (edited) e.edited = true;
  return e;
}

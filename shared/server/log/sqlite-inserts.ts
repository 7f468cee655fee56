/**
 * The messages of a batch go into the SQLite log as multi-row INSERTs:
 * one statement run for up to MAX_ROWS consecutive messages instead of one
 * per message. Per message that saves a call into better-sqlite3 and a
 * statement step and reset; the rows, the indexes and the commit are the
 * same. A statement is prepared once for each row count it is run with.
 */
import type Database from "better-sqlite3";
import type { MessageEntry, Numbers } from "./event-log.js";

/*
 * Only what a message sets: `type` takes its column's default ('message',
 * since schema version 1), `target` and `edited_by` stay NULL, `deleted` 0.
 */
const COLUMNS = "gseq, channel, seq, id, user, time, kind, body, received, account";
const ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/** Rows per statement run (640 variables, far below SQLite's 32,766); a larger batch takes several runs. */
const MAX_ROWS = 64;

/** Gathers messages, then inserts them with as few statement runs as possible; used within one transaction. */
export class MessageInserts {
  private readonly byRows = new Map<number, Database.Statement>();
  private values: unknown[] = [];
  private rows = 0;

  constructor(private readonly db: Database.Database) {}

  /** Adds a message with its numbers and its receive time as stored; inserted by flush() at the latest. */
  add(e: MessageEntry, n: Numbers, received: number): void {
    this.values.push(n.gseq, e.channel, n.seq, e.id, e.user, e.time, e.kind, e.body, received, e.account ? 1 : 0);
    if (++this.rows === MAX_ROWS) this.flush();
  }

  /** Inserts what was added (before anything that reads those rows, and at the end of the transaction). */
  flush(): void {
    if (this.rows === 0) return;
    const values = this.values;
    const rows = this.rows;
    /* Emptied first: after a failed run the next transaction starts clean. */
    this.values = [];
    this.rows = 0;
    /* Spread rather than one array argument: better-sqlite3 binds arguments faster than array elements. */
    this.statement(rows).run(...values);
  }

  /** Forgets rows added but not inserted (their transaction failed). */
  clear(): void {
    this.values = [];
    this.rows = 0;
  }

  private statement(rows: number): Database.Statement {
    let s = this.byRows.get(rows);
    if (!s) {
      s = this.db.prepare(`INSERT INTO entries (${COLUMNS}) VALUES ${Array(rows).fill(ROW).join(", ")}`);
      this.byRows.set(rows, s);
    }
    return s;
  }
}

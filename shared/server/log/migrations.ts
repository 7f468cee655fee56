/**
 * The SQLite log's schema, versioned with `PRAGMA user_version`: version 0
 * is what the first durable release wrote (messages only); each migration
 * moves a file one version up, in one transaction with its version number,
 * so a file is always at exactly one version. Append new migrations at the
 * end; never edit one that has shipped.
 *
 * Versions increase along the list but may skip one: a version is numbered
 * when its branch starts (4 for conversations, 5 for alerts), and a branch
 * may land before the one numbered below it. A file at version v gets every
 * migration numbered above v, in order.
 */
import type Database from "better-sqlite3";
import { UsageError } from "../../errors.js";

/** Version 0: the schema written by releases before the event log (user_version 0). */
export const SCHEMA_V0 = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS messages (
    gseq INTEGER PRIMARY KEY, channel TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
    user TEXT NOT NULL, time TEXT NOT NULL, kind TEXT NOT NULL, body BLOB NOT NULL);
  CREATE UNIQUE INDEX IF NOT EXISTS messages_by_channel ON messages (channel, seq);
  CREATE TABLE IF NOT EXISTS channels (name TEXT PRIMARY KEY, head INTEGER NOT NULL);
`;

/** One step of the schema, from `version - 1` to `version`. */
export interface Migration {
  /** The version a file has once this migration ran. */
  version: number;
  /** What it changes, for a person reading the list. */
  what: string;
  /** The statements, run in one transaction with the new user_version. */
  sql: string;
}

/** In increasing order of version (gaps allowed, see above). */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: "messages become entries of the event log: an entry type and the server's receive time",
    /*
     * Rows written before version 1 have no receive time; the poster's
     * claimed time is the best estimate there is (0 if SQLite cannot read it).
     */
    sql: `
      ALTER TABLE messages RENAME TO entries;
      ALTER TABLE entries ADD COLUMN type TEXT NOT NULL DEFAULT 'message';
      ALTER TABLE entries ADD COLUMN received INTEGER NOT NULL DEFAULT 0;
      UPDATE entries SET received = COALESCE(CAST(ROUND((julianday(time) - 2440587.5) * 86400000) AS INTEGER), 0);
      DROP INDEX messages_by_channel;
      CREATE UNIQUE INDEX entries_by_channel ON entries (channel, seq);
    `,
  },
  {
    version: 2,
    what: "accounts (issue 11): an entry's account flag; accounts with their scrypt hash, salt and parameters; failed logins and locks by name; sessions by the SHA-256 of their token",
    /*
     * key is the name folded for comparison (NFC, case-folded), user the
     * spelling registered. No password and no token is ever written: only
     * scrypt's output with its salt and parameters, and a token's SHA-256.
     */
    sql: `
      ALTER TABLE entries ADD COLUMN account INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE accounts (
        key TEXT PRIMARY KEY, user TEXT NOT NULL, salt BLOB NOT NULL, hash BLOB NOT NULL,
        n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL, created INTEGER NOT NULL);
      CREATE TABLE login_failures (
        key TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until INTEGER NOT NULL, updated INTEGER NOT NULL);
      CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, key TEXT NOT NULL, expires INTEGER NOT NULL);
      CREATE INDEX sessions_by_key ON sessions (key);
    `,
  },
  {
    version: 3,
    what: "edits and deletions (issue 13): an edit's or deletion's target seq, a message's latest edit, the deleted mark",
    /*
     * target: the seq (in the same channel) an edit or deletion changes, NULL
     * for a message. edited_by: a message's latest edit (its gseq), whose body
     * is the current text. deleted: 1 for a deleted message and its edits,
     * whose bodies are then empty. The partial index finds the edits of a
     * message when it is deleted, and costs messages nothing.
     */
    sql: `
      ALTER TABLE entries ADD COLUMN target INTEGER;
      ALTER TABLE entries ADD COLUMN edited_by INTEGER;
      ALTER TABLE entries ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX entries_by_target ON entries (channel, target) WHERE target IS NOT NULL;
    `,
  },
  {
    version: 4,
    what: "private and group conversations (issue 12): conversation messages with their recipients, inbox items and marks per account, groups and their members",
    /*
     * Kept apart from entries on purpose: entries are the channel log that
     * the fan-out publishes and every reader gap-fills on (gseq), and no
     * private message may ever be one of them. conv is 'p:<key>\n<key>'
     * (two account keys, sorted) or 'g:<group key>'; message is the wire's
     * message as JSON; recipients the account keys it went to (a group's
     * history shows a member only what it received). inbox_marks keeps an
     * inbox's newest m and the acknowledged one, so numbering never goes
     * back when old items are forgotten. Keys are names folded (names.ts).
     */
    sql: `
      CREATE TABLE conversation_messages (
        conv TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, from_key TEXT NOT NULL,
        message TEXT NOT NULL, recipients TEXT NOT NULL, PRIMARY KEY (conv, seq)) WITHOUT ROWID;
      CREATE TABLE inbox_items (key TEXT NOT NULL, m INTEGER NOT NULL, item TEXT NOT NULL, PRIMARY KEY (key, m)) WITHOUT ROWID;
      CREATE TABLE inbox_marks (key TEXT PRIMARY KEY, head INTEGER NOT NULL, acked INTEGER NOT NULL, floor INTEGER NOT NULL);
      CREATE TABLE groups (key TEXT PRIMARY KEY, name TEXT NOT NULL, owner TEXT NOT NULL, created INTEGER NOT NULL);
      CREATE TABLE group_members (
        group_key TEXT NOT NULL, key TEXT NOT NULL, user TEXT NOT NULL, since INTEGER NOT NULL, PRIMARY KEY (group_key, key));
    `,
  },

  /* ---- alerts (issue 12): version 5 ---------------------------------------- */
  {
    version: 5,
    what: "alerts (issue 12): the keywords each account watches (in every channel or one) and the accounts it follows",
    /*
     * key is the watching account's key (accounts.key), folded the key of
     * the keyword (the text fold of shared/server/alerts/words.ts), keyword
     * as the account wrote it; channel '' for every channel (a primary key
     * cannot tell NULLs apart). followee is the followed account's key.
     * Rows are listed in rowid order, the order they were added.
     */
    sql: `
      CREATE TABLE alert_watches (
        key TEXT NOT NULL, folded TEXT NOT NULL, channel TEXT NOT NULL, keyword TEXT NOT NULL,
        PRIMARY KEY (key, folded, channel));
      CREATE TABLE alert_follows (key TEXT NOT NULL, followee TEXT NOT NULL, PRIMARY KEY (key, followee));
      CREATE INDEX alert_follows_by_followee ON alert_follows (followee);
    `,
  },
  /* ---- end of alerts --------------------------------------------------------- */
  /* ---- files (issue 14): version 6 ------------------------------------------ */
  {
    version: 6,
    what: "files (issue 14): file offers (sender, recipient, name, size, SHA-256, when made and when they expire); the bytes are files in --files",
    /*
     * id is the offer's number (/get 7); the next one is meta's
     * 'file_offer_next', so a number is never reused. from_key and to_key
     * are folded keys (names.ts; a channel's name as is), from_user and
     * to_name the spellings shown; kind is account, group or channel.
     * Times are ms since the Unix epoch. It touches no other table, so it
     * applies after whichever migrations land before it.
     */
    sql: `
      CREATE TABLE IF NOT EXISTS file_offers (
        id INTEGER PRIMARY KEY, from_key TEXT NOT NULL, from_user TEXT NOT NULL, to_name TEXT NOT NULL, to_key TEXT NOT NULL,
        kind TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS file_offers_by_sha256 ON file_offers (sha256);
    `,
  },
  /* ---- end of files ------------------------------------------------------------ */
  {
    version: 7,
    what: "a channel's head is its newest entry's seq, read from entries at start: the channels table is no longer written with every commit",
    /*
     * Every commit rewrote the channels table's page for its heads: one WAL
     * frame (4 KiB) of the 4 or 5 a commit of a few posts writes. Entries are
     * never removed (a deletion empties a body), so a channel's head is its
     * largest seq, which entries_by_channel finds at start. Dropped rather
     * than left to go stale; a release before this version refuses the file.
     */
    sql: `
      DROP TABLE channels;
    `,
  },
];

/** The version this code writes. */
export const LATEST = MIGRATIONS.at(-1)!.version;

/**
 * Brings an open database to the latest version: a new file gets version 0
 * and then every migration; a file of a newer release is refused.
 */
export function migrate(db: Database.Database, path: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > LATEST) {
    throw new UsageError(`cannot open the store '${path}': it was written by a newer version of the server (schema ${version}; this one knows up to ${LATEST})`);
  }
  if (version === 0) db.exec(SCHEMA_V0);
  for (const m of MIGRATIONS.filter((m) => m.version > version)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

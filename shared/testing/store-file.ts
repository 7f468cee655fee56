/**
 * A store engine on the event log's own connection to a temporary store
 * file, opened and reopened (the way a restarted server does) as the
 * contract suites of the SQLite engines take them.
 */
import type { TestContext } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { openSqliteLog, type SqliteLog } from "../server/log/sqlite.js";

/** `open` makes a store file in a temporary folder; `reopen` closes a store's file and opens it again. */
export function onStoreFile<S extends object, A extends unknown[] = []>(prefix: string, make: (db: Database.Database, ...args: A) => S) {
  const logs = new WeakMap<S, { log: SqliteLog; file: string }>();
  const opened = (t: TestContext, file: string, args: A): S => {
    const log = openSqliteLog(file);
    t.after(() => log.close());
    const store = make(log.database, ...args);
    logs.set(store, { log, file });
    return store;
  };
  return {
    open(t: TestContext, ...args: A): S {
      const dir = mkdtempSync(join(tmpdir(), `mchat-${prefix}-`));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      return opened(t, join(dir, "chat.db"), args);
    },
    reopen(t: TestContext, first: S): S {
      const { log, file } = logs.get(first)!;
      void log.close();
      return opened(t, file, [] as unknown as A);
    },
  };
}

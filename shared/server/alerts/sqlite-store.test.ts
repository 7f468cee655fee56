/**
 * The SQLite watch store: the contract, on the event log's own connection
 * to a store file, reopened the way a restarted server does.
 */
import type { TestContext } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { watchStoreContract } from "../../testing/watch-store-contract.js";
import { openSqliteLog, type SqliteLog } from "../log/sqlite.js";
import { SqliteWatchStore } from "./sqlite-store.js";
import type { WatchStore } from "./store.js";

const logs = new WeakMap<WatchStore, { log: SqliteLog; file: string }>();

function opened(t: TestContext, file: string): WatchStore {
  const log = openSqliteLog(file);
  t.after(() => log.close());
  const store = new SqliteWatchStore(log.database);
  logs.set(store, { log, file });
  return store;
}

watchStoreContract("sqlite", {
  open(t) {
    const dir = mkdtempSync(join(tmpdir(), "mchat-watches-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return opened(t, join(dir, "chat.db"));
  },
  reopen(t, first) {
    const { log, file } = logs.get(first)!;
    void log.close();
    return opened(t, file);
  },
});

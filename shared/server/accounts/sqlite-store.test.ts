/**
 * The SQLite accounts store: the contract, on the event log's own
 * connection to a store file, reopened the way a restarted server does.
 */
import type { TestContext } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accountStoreContract } from "../../testing/account-store-contract.js";
import { openSqliteLog, type SqliteLog } from "../log/sqlite.js";
import { SqliteAccountStore } from "./sqlite-store.js";
import type { AccountStore } from "./store.js";

const logs = new WeakMap<AccountStore, { log: SqliteLog; file: string }>();

function opened(t: TestContext, file: string, failuresMax?: number): AccountStore {
  const log = openSqliteLog(file);
  t.after(() => log.close());
  const store = new SqliteAccountStore(log.database, failuresMax);
  logs.set(store, { log, file });
  return store;
}

accountStoreContract("sqlite", {
  open(t, failuresMax) {
    const dir = mkdtempSync(join(tmpdir(), "mchat-accounts-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return opened(t, join(dir, "chat.db"), failuresMax);
  },
  reopen(t, first) {
    const { log, file } = logs.get(first)!;
    void log.close();
    return opened(t, file);
  },
});

/**
 * The SQLite conversation store: the contract, on the event log's own
 * connection to a store file, reopened the way a restarted server does.
 */
import type { TestContext } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conversationStoreContract } from "../../testing/conversation-store-contract.js";
import { openSqliteLog, type SqliteLog } from "../log/sqlite.js";
import { SqliteConversationStore } from "./sqlite-store.js";
import type { ConversationStore } from "./store.js";

const logs = new WeakMap<ConversationStore, { log: SqliteLog; file: string }>();

function opened(t: TestContext, file: string): ConversationStore {
  const log = openSqliteLog(file);
  t.after(() => log.close());
  const store = new SqliteConversationStore(log.database);
  logs.set(store, { log, file });
  return store;
}

conversationStoreContract("sqlite", {
  open(t) {
    const dir = mkdtempSync(join(tmpdir(), "mchat-conversations-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return opened(t, join(dir, "chat.db"));
  },
  reopen(t, first) {
    const { log, file } = logs.get(first)!;
    void log.close();
    return opened(t, file);
  },
});

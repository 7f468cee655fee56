/**
 * The SQLite conversation store: the contract, on the event log's own
 * connection to a store file, reopened the way a restarted server does.
 */
import { conversationStoreContract } from "../../testing/conversation-store-contract.js";
import { onStoreFile } from "../../testing/store-file.js";
import { SqliteConversationStore } from "./sqlite-store.js";

conversationStoreContract("sqlite", onStoreFile("conversations", (db) => new SqliteConversationStore(db)));

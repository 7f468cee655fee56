/**
 * The SQLite watch store: the contract, on the event log's own connection
 * to a store file, reopened the way a restarted server does.
 */
import { watchStoreContract } from "../../testing/watch-store-contract.js";
import { onStoreFile } from "../../testing/store-file.js";
import { SqliteWatchStore } from "./sqlite-store.js";

watchStoreContract("sqlite", onStoreFile("watches", (db) => new SqliteWatchStore(db)));

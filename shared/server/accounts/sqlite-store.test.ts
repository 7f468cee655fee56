/**
 * The SQLite accounts store: the contract, on the event log's own
 * connection to a store file, reopened the way a restarted server does.
 */
import { accountStoreContract } from "../../testing/account-store-contract.js";
import { onStoreFile } from "../../testing/store-file.js";
import { SqliteAccountStore } from "./sqlite-store.js";

accountStoreContract("sqlite", onStoreFile("accounts", (db, failuresMax?: number) => new SqliteAccountStore(db, failuresMax)));

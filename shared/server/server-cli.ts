/**
 * Server options beyond the assignment's arguments: every server takes
 * --curve; mc_server also --store, --rate, --burst and the accounts' options.
 */
import type { Argv } from "yargs";
import { UsageError } from "../errors.js";
import { loadServerKeys } from "../transport/curve.js";
import type { ServerOptions } from "./chat-server.js";

export interface ServerExtraArgs {
  store?: string;
  curve?: string;
  rate?: string;
  burst?: string;
  accounts?: string;
  "login-attempts"?: string;
  lockout?: string;
  "login-days"?: string;
  log?: string;
  "log-bodies"?: boolean;
}

/** Declares --curve, which every server takes. */
export function curveOption<T>(y: Argv<T>) {
  return y.option("curve", { type: "string", describe: "encrypt with CURVE, using this key file from mc_keygen (clients then need --server-key)" });
}

/** Declares mc_server's options: --curve, --store, --rate, --burst, the accounts' (--accounts, --login-attempts, --lockout, --login-days) and the log's (--log, --log-bodies). */
export function serverOptions<T>(y: Argv<T>) {
  /* Numbers stay strings for yargs (parse-numbers is off), so their defaults are described as numbers. */
  return curveOption(y)
    .option("store", { type: "string", describe: "keep messages in this SQLite file, across restarts (default: in memory)" })
    .option("rate", { type: "string", default: "200", defaultDescription: "200", describe: "posts a second allowed per client (0: no limit)" })
    .option("burst", { type: "string", default: "400", defaultDescription: "400", describe: "posts a client may send at once before --rate applies" })
    .option("accounts", { type: "string", default: "open", defaultDescription: "open", describe: "open: anyone may use a name nobody registered; required: every client logs in" })
    .option("login-attempts", { type: "string", default: "3", defaultDescription: "3", describe: "wrong passwords in a row before a name is locked" })
    .option("lockout", { type: "string", default: "10", defaultDescription: "10", describe: "seconds a name stays locked after --login-attempts failures" })
    .option("login-days", { type: "string", default: "30", defaultDescription: "30", describe: "days a login lasts before it must be renewed (fractions allowed)" })
    .option("log", { type: "string", describe: "append a JSON line per login, logout, lockout, registration, post, edit, deletion, private message (never its text) and refusal to this file" })
    .option("log-bodies", { type: "boolean", default: false, describe: "with --log: include the text of posts and edits" });
}

/**
 * The server options and the readiness-line note for parsed extras; `full`
 * for mc_server, whose note also says where messages are kept.
 */
export async function serverExtras(a: ServerExtraArgs, full: boolean): Promise<{ options: Partial<ServerOptions>; note: string }> {
  const rate = Number(a.rate ?? "200");
  const burst = Number(a.burst ?? "400");
  if (!(rate >= 0) || !(burst >= 1)) throw new UsageError("--rate takes a number from 0 and --burst from 1");
  const attempts = Number(a["login-attempts"] ?? "3");
  const lockout = Number(a.lockout ?? "10");
  const days = Number(a["login-days"] ?? "30");
  const accounts = a.accounts ?? "open";
  if (accounts !== "open" && accounts !== "required") throw new UsageError("--accounts takes open or required");
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw new UsageError("--login-attempts takes a whole number from 1");
  if (!(lockout >= 0) || !Number.isFinite(lockout)) throw new UsageError("--lockout takes a number of seconds from 0");
  if (!(days > 0) || !Number.isFinite(days)) throw new UsageError("--login-days takes a number of days above 0");
  const options: Partial<ServerOptions> = {
    rate, burst, accountsMode: accounts, loginAttempts: attempts, lockoutMs: Math.round(lockout * 1000), sessionMs: Math.round(days * 86_400_000),
  };
  if (a["log-bodies"] && a.log === undefined) throw new UsageError("--log-bodies needs --log FILE");
  if (a.log !== undefined) {
    const { openServerLog } = await import("./server-log.js");
    try {
      options.serverLog = openServerLog(a.log, a["log-bodies"] === true);
    } catch (err) {
      throw new UsageError(`cannot write the log '${a.log}': ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let note = full ? ", messages in memory" : "";
  if (a.store !== undefined) {
    const { openSqliteLog } = await import("./log/sqlite.js");
    const { SqliteAccountStore } = await import("./accounts/sqlite-store.js");
    const { SqliteConversationStore } = await import("./conversations/sqlite-store.js");
    const { SqliteWatchStore } = await import("./alerts/sqlite-store.js");
    const log = openSqliteLog(a.store);
    options.log = log;
    options.accountStore = new SqliteAccountStore(log.database);
    options.conversationStore = new SqliteConversationStore(log.database);
    options.watchStore = new SqliteWatchStore(log.database);
    note = `, messages stored in ${a.store}`;
  }
  if (a.accounts === "required") note += ", accounts required";
  if (a.log !== undefined) note += `, log in ${a.log}${a["log-bodies"] ? " with bodies" : ""}`;
  if (a.curve !== undefined) {
    options.curve = loadServerKeys(a.curve);
    note += `, CURVE on (public key ${options.curve.publicKey})`;
  }
  return { options, note };
}

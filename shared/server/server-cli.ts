/**
 * mc_server's options beyond the assignment's three arguments.
 */
import type { Argv } from "yargs";
import { UsageError } from "../errors.js";
import { loadServerKeys } from "../transport/curve.js";
import type { ServerOptions } from "./chat-server.js";

export interface ServerExtraArgs {
  store?: string;
  curve?: string;
  rate: string;
  burst: string;
  accounts: string;
  "login-attempts": string;
  lockout: string;
  "login-days": string;
  log?: string;
  "log-bodies"?: boolean;
}

export function serverOptions<T>(y: Argv<T>) {
  return y
    .option("store", { type: "string", describe: "keep messages in this SQLite file, across restarts (default: in memory)" })
    .option("curve", { type: "string", describe: "encrypt with CURVE, using this key file from mc_keygen" })
    .option("rate", { type: "string", default: "200", describe: "posts a second allowed per client (0: no limit)" })
    .option("burst", { type: "string", default: "400", describe: "posts a client may send at once before --rate applies" })
    .option("accounts", { type: "string", default: "open", describe: "open: anyone may use a name nobody registered; required: every client logs in" })
    .option("login-attempts", { type: "string", default: "3", describe: "wrong passwords in a row before a name is locked" })
    .option("lockout", { type: "string", default: "10", describe: "seconds a name stays locked after --login-attempts failures" })
    .option("login-days", { type: "string", default: "30", describe: "days a login lasts before it must be renewed (fractions allowed)" })
    .option("log", { type: "string", describe: "append a JSON line per login, logout, lockout, registration, post, edit, deletion and refusal to this file" })
    .option("log-bodies", { type: "boolean", default: false, describe: "with --log: include the text of posts and edits" });
}

/** The server options and the readiness-line note for parsed extras. */
export async function serverExtras(a: ServerExtraArgs): Promise<{ options: Partial<ServerOptions>; note: string }> {
  const rate = Number(a.rate);
  const burst = Number(a.burst);
  if (!(rate >= 0) || !(burst >= 1)) throw new UsageError("--rate takes a number from 0 and --burst from 1");
  const attempts = Number(a["login-attempts"]);
  const lockout = Number(a.lockout);
  const days = Number(a["login-days"]);
  if (a.accounts !== "open" && a.accounts !== "required") throw new UsageError("--accounts takes open or required");
  if (!Number.isSafeInteger(attempts) || attempts < 1) throw new UsageError("--login-attempts takes a whole number from 1");
  if (!(lockout >= 0) || !Number.isFinite(lockout)) throw new UsageError("--lockout takes a number of seconds from 0");
  if (!(days > 0) || !Number.isFinite(days)) throw new UsageError("--login-days takes a number of days above 0");
  const options: Partial<ServerOptions> = {
    rate, burst, accountsMode: a.accounts, loginAttempts: attempts, lockoutMs: Math.round(lockout * 1000), sessionMs: Math.round(days * 86_400_000),
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
  let note = ", messages in memory";
  if (a.store !== undefined) {
    const { openSqliteLog } = await import("./log/sqlite.js");
    const { SqliteAccountStore } = await import("./accounts/sqlite-store.js");
    const log = openSqliteLog(a.store);
    options.log = log;
    options.accountStore = new SqliteAccountStore(log.database);
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

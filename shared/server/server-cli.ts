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
}

export function serverOptions<T>(y: Argv<T>) {
  return y
    .option("store", { type: "string", describe: "keep messages in this SQLite file, across restarts (default: in memory)" })
    .option("curve", { type: "string", describe: "encrypt with CURVE, using this key file from mc_keygen" })
    .option("rate", { type: "string", default: "200", describe: "posts a second allowed per client (0: no limit)" })
    .option("burst", { type: "string", default: "400", describe: "posts a client may send at once before --rate applies" });
}

/** The server options and the readiness-line note for parsed extras. */
export async function serverExtras(a: ServerExtraArgs): Promise<{ options: Partial<ServerOptions>; note: string }> {
  const rate = Number(a.rate);
  const burst = Number(a.burst);
  if (!(rate >= 0) || !(burst >= 1)) throw new UsageError("--rate takes a number from 0 and --burst from 1");
  const options: Partial<ServerOptions> = { rate, burst };
  let note = ", messages in memory";
  if (a.store !== undefined) {
    const { openSqliteLog } = await import("./log/sqlite.js");
    options.log = openSqliteLog(a.store);
    note = `, messages stored in ${a.store}`;
  }
  if (a.curve !== undefined) {
    options.curve = loadServerKeys(a.curve);
    note += `, CURVE on (public key ${options.curve.publicKey})`;
  }
  return { options, note };
}

/**
 * Server options beyond the assignment's arguments: every server takes
 * --curve; mc_server also --store, --rate and --burst.
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
}

/** Declares --curve, which every server takes. */
export function curveOption<T>(y: Argv<T>) {
  return y.option("curve", { type: "string", describe: "encrypt with CURVE, using this key file from mc_keygen (clients then need --server-key)" });
}

/** Declares mc_server's options: --curve, --store, --rate, --burst. */
export function serverOptions<T>(y: Argv<T>) {
  /* Numbers stay strings for yargs (parse-numbers is off), so their defaults are described as numbers. */
  return curveOption(y)
    .option("store", { type: "string", describe: "keep messages in this SQLite file, across restarts (default: in memory)" })
    .option("rate", { type: "string", default: "200", defaultDescription: "200", describe: "posts a second allowed per client (0: no limit)" })
    .option("burst", { type: "string", default: "400", defaultDescription: "400", describe: "posts a client may send at once before --rate applies" });
}

/**
 * The server options and the readiness-line note for parsed extras; `full`
 * for mc_server, whose note also says where messages are kept.
 */
export async function serverExtras(a: ServerExtraArgs, full: boolean): Promise<{ options: Partial<ServerOptions>; note: string }> {
  const rate = Number(a.rate ?? "200");
  const burst = Number(a.burst ?? "400");
  if (!(rate >= 0) || !(burst >= 1)) throw new UsageError("--rate takes a number from 0 and --burst from 1");
  const options: Partial<ServerOptions> = { rate, burst };
  let note = full ? ", messages in memory" : "";
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

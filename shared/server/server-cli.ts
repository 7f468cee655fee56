/**
 * Server options beyond the assignment's arguments: every server takes
 * --curve; mc_server also --store, --rate, --burst, the accounts' options
 * and the files' (--file-port, --files, --max-file-size, --file-quota,
 * --file-rate, --file-ttl).
 */
import type { Argv } from "yargs";
import { UsageError } from "../errors.js";
import { loadServerKeys } from "../transport/curve.js";
import type { ServerOptions } from "./chat-server.js";
import type { FileOptions } from "./files/index.js";
import { FILE_MAX_BYTES } from "../protocol/limits.js";

export interface ServerExtraArgs {
  store?: string;
  cluster?: string;
  curve?: string;
  rate?: string;
  burst?: string;
  accounts?: string;
  "login-attempts"?: string;
  lockout?: string;
  "login-days"?: string;
  log?: string;
  "log-bodies"?: boolean;
  "file-port"?: string;
  files?: string;
  "max-file-size"?: string;
  "file-quota"?: string;
  "file-rate"?: string;
  "file-ttl"?: string;
}

/** Declares --curve, which every server takes. */
export function curveOption<T>(y: Argv<T>) {
  return y.option("curve", { type: "string", describe: "encrypt with CURVE, using this key file from mc_keygen (clients then need --server-key)" });
}

/** Declares mc_server's options: --curve, --store, --rate, --burst, the accounts' (--accounts, --login-attempts, --lockout, --login-days), the log's (--log, --log-bodies) and the files' (fileOptions). */
export function serverOptions<T>(y: Argv<T>) {
  /* Numbers stay strings for yargs (parse-numbers is off), so their defaults are described as numbers. */
  return curveOption(y)
    .option("store", { type: "string", describe: "keep messages in this SQLite file, across restarts (default: in memory)" })
    .option("cluster", { type: "string", describe: "share messages and presence with other servers through this NATS JetStream cluster (nats://host:port, comma-separated); not with --store" })
    .option("rate", { type: "string", default: "200", defaultDescription: "200", describe: "posts a second allowed per client (0: no limit)" })
    .option("burst", { type: "string", default: "400", defaultDescription: "400", describe: "posts a client may send at once before --rate applies" })
    .option("accounts", { type: "string", default: "open", defaultDescription: "open", describe: "open: anyone may use a name nobody registered; required: every client logs in" })
    .option("login-attempts", { type: "string", default: "3", defaultDescription: "3", describe: "wrong passwords in a row before a name is locked" })
    .option("lockout", { type: "string", default: "10", defaultDescription: "10", describe: "seconds a name stays locked after --login-attempts failures" })
    .option("login-days", { type: "string", default: "30", defaultDescription: "30", describe: "days a login lasts before it must be renewed (fractions allowed)" })
    .option("log", { type: "string", describe: "append a JSON line per login, logout, lockout, registration, post, edit, deletion, private message (never its text), file offer and download (never the bytes) and refusal to this file" })
    .option("log-bodies", { type: "boolean", default: false, describe: "with --log: include the text of posts and edits" })
    .option("file-port", { type: "string", default: "0", defaultDescription: "0 (any free port)", describe: "port for file transfers, on the same address as the post port" })
    .option("files", { type: "string", describe: "keep transferred files in this folder (default: <store>.files beside --store, else a temporary folder removed at exit)" })
    .option("max-file-size", { type: "string", default: "100MB", defaultDescription: "100MB", describe: "largest file one may send (bytes, or with kB, MB, GB, KiB, MiB, GiB)" })
    .option("file-quota", { type: "string", default: "1GB", defaultDescription: "1GB", describe: "bytes of unexpired offers and uploads in progress allowed per account" })
    .option("file-rate", { type: "string", default: "50MB", defaultDescription: "50MB", describe: "file bytes a second per account, sent and received (0: no limit)" })
    .option("file-ttl", { type: "string", default: "7d", defaultDescription: "7d", describe: "how long an offer lasts before its file is deleted (seconds, or 90s, 30m, 12h, 7d)" });
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };

/** A number of bytes as options take it: 1500, 100MB, 2.5 GB, 64KiB (kB, MB, GB are powers of 1000). */
export function parseBytes(value: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${option} takes a number of bytes, like 100MB, 2GB or 65536`);
  return Math.round(Number(m[1]) * unit);
}

const SECONDS: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** A duration as --file-ttl takes it, in ms: seconds, or 90s, 30m, 12h, 7d. */
export function parseDuration(value: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/.exec(value.trim());
  const ms = m ? Number(m[1]) * SECONDS[m[2]!]! * 1000 : NaN;
  if (!(ms > 0)) throw new UsageError(`${option} takes a time above 0: seconds, or with s, m, h or d, like 7d or 3600s`);
  return Math.round(ms);
}

/** The file options of parsed arguments (part 4's servers). */
function fileOptions(a: ServerExtraArgs, database: FileOptions["database"]): FileOptions {
  const port = Number(a["file-port"] ?? "0");
  if (!Number.isSafeInteger(port) || port < 0 || port > 65_535 || !/^\d+$/.test(a["file-port"] ?? "0")) throw new UsageError(`--file-port '${a["file-port"]}' is not a port number (0 to 65535)`);
  const maxFileSize = parseBytes(a["max-file-size"] ?? "100MB", "--max-file-size");
  const quota = parseBytes(a["file-quota"] ?? "1GB", "--file-quota");
  if (maxFileSize > FILE_MAX_BYTES) throw new UsageError(`--max-file-size takes at most ${FILE_MAX_BYTES} bytes (1 TiB)`);
  const dir = a.files ?? (a.store === undefined ? undefined : `${a.store}.files`);
  return {
    port, dir, database,
    limits: { maxFileSize, quota, rate: parseBytes(a["file-rate"] ?? "50MB", "--file-rate"), ttlMs: parseDuration(a["file-ttl"] ?? "7d", "--file-ttl") },
  };
}

/**
 * Connects to the cluster a --cluster value names and opens its log (the
 * stream replayed up to now); NATS modules are loaded only here.
 */
async function openCluster(value: string) {
  const { connectCluster, parseClusterUrls } = await import("../cluster/connection.js");
  let urls: string[];
  try {
    urls = parseClusterUrls(value);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const cluster = await connectCluster(urls);
  try {
    const { openJetStreamLog } = await import("./log/jetstream.js");
    return { urls, cluster, log: await openJetStreamLog(cluster) };
  } catch (err) {
    await cluster.close();
    throw err;
  }
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
  if (a.cluster !== undefined && a.store !== undefined) throw new UsageError("--cluster and --store do not go together: with --cluster, messages are kept in the cluster");
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
  let database: FileOptions["database"];
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
    database = log.database;
    note = `, messages stored in ${a.store}`;
  }
  if (a.cluster !== undefined) {
    const { urls, cluster, log } = await openCluster(a.cluster);
    options.cluster = cluster;
    options.log = log;
    note = `, messages in the NATS cluster at ${urls.join(",")}`;
  }
  if (full) options.files = fileOptions(a, database);
  if (a.accounts === "required") note += ", accounts required";
  if (a.log !== undefined) note += `, log in ${a.log}${a["log-bodies"] ? " with bodies" : ""}`;
  if (a.curve !== undefined) {
    options.curve = loadServerKeys(a.curve);
    note += `, CURVE on (public key ${options.curve.publicKey})`;
  }
  return { options, note };
}

/**
 * `npm start`: the part 4 server with the defaults a person running the chat
 * wants: 127.0.0.1, ports 5555 and 5556, messages kept in `data/chat.db` in
 * the project (the folder made if missing), and the client command to type
 * printed once it listens. mc_server's options pass through; `--ports` and
 * `--data` move it.
 */
import { mkdirSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { endpointArg } from "../args.js";
import { runCli } from "../cli.js";
import { UsageError } from "../errors.js";
import { PARTS } from "../parts.js";
import { ROOT_DIR } from "../root.js";
import { serve } from "./serve.js";
import { serverExtras, serverOptions, type ServerExtraArgs } from "./server-cli.js";

const HOST = "127.0.0.1";

type Args = ServerExtraArgs & { ports: string; data?: string };

/** Runs `npm start`'s command line until SIGINT or SIGTERM. */
export async function runStart(): Promise<void> {
  await runCli<Args>(
    "npm start -- [--ports 5555,5556] [--data folder] [--store file.db] [--curve server.key]",
    (y) => serverOptions(y)
      .option("ports", { type: "string", default: "5555,5556", describe: "post port and publish port (0: any free port)" })
      .option("data", { type: "string", describe: "folder for the store, chat.db (default: data in the project; made if missing)" })
      .option("store", { type: "string", describe: "keep messages in this SQLite file instead of chat.db in --data" }),
    start,
  );
}

async function start(a: Args): Promise<void> {
  const [post, pub, ...more] = a.ports.split(",");
  if (pub === undefined || more.length > 0) throw new UsageError(`--ports takes the post port and the publish port, as in --ports 5555,5556`);
  const endpoints = { post: endpointArg(HOST, post!, "post port", true), pub: endpointArg(HOST, pub, "publish port", true) };
  /* A --store of the user's own wins, and then no folder is made; with --cluster the cluster keeps messages. */
  const store = a.cluster !== undefined ? a.store : (a.store ?? shown(join(dataFolder(a.data), "chat.db")));
  const extras = await serverExtras({ ...a, store }, true);
  /* Quoted for the shell the command is pasted into: Z85 has & # > $ but no quote. */
  const key = extras.options.curve ? ` --server-key '${extras.options.curve.publicKey}'` : "";
  const port = (endpoint: string | undefined) => /:(\d+)$/.exec(endpoint ?? "")?.[1];
  // The readiness line is mc_server's, so whoever waits for one waits for the other alike.
  await serve("multi-channel server", { ...endpoints, features: PARTS[4], ...extras.options }, extras.note, (server) =>
    `to chat, in another terminal: node part4/mc_client.js ${HOST} ${port(server.postEndpoint)} ${port(server.pubEndpoint)} general yourname${key}\n`);
}

/** The data folder, made (with its parents) if missing. */
function dataFolder(given: string | undefined): string {
  const folder = given ?? join(ROOT_DIR, "data");
  try {
    mkdirSync(folder, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot make the data folder '${shown(folder)}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return folder;
}

/** A path as a person would type it from here: relative below the current folder, absolute elsewhere. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

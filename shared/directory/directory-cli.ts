/**
 * The directory's command line (part4/mc_directory.js): parse the address,
 * the cluster and the limits, connect, start the directory, print the
 * readiness line, and on Ctrl-C or SIGTERM stop it and the servers it
 * launched.
 */
import type { Argv } from "yargs";
import { onShutdown } from "../cli.js";
import { endpointArg, positional } from "../args.js";
import { UsageError } from "../errors.js";
import { connectCluster, parseClusterUrls } from "../cluster/connection.js";
import { DEFAULT_LAUNCH } from "./launcher.js";
import { startDirectory } from "./directory.js";

export interface DirectoryArgs {
  ip: string;
  port: string;
  cluster: string;
  "users-per-server": string;
  launch: string;
  idle: string;
}

/** Declares the directory's positionals and options. */
export function directoryCommand(y: Argv) {
  return y.command("$0 <ip> <port>", "The directory: sends each client to a chat server with room, launching servers as needed (port 0: any free port)", (c) =>
    positional(positional(c, "ip", "address to listen on (and that launched servers listen on)"), "port", "port clients ask on")
      .option("cluster", { type: "string", demandOption: true, describe: "the NATS cluster's URLs, comma-separated (nats://host:port)" })
      .option("users-per-server", { type: "string", default: "10", defaultDescription: "10", describe: "users a chat server takes before another is used or launched" })
      .option("launch", { type: "string", default: DEFAULT_LAUNCH, defaultDescription: "node part4/mc_server.js {ip} 0 0 --cluster {cluster}", describe: "command that starts a chat server ({ip}, {cluster} filled in; run by sh, e.g. 'ssh host node ...')" })
      .option("idle", { type: "string", default: "60", defaultDescription: "60", describe: "seconds a server may have no users before it is asked to stop" })
      .example("node part4/mc_directory.js 127.0.0.1 5550 --cluster nats://127.0.0.1:4222", "send clients to servers of that cluster")
      .example("node part4/mc_client.js --directory 127.0.0.1:5550 dev kyle", "a client that asks it"));
}

/** Runs the directory until SIGINT or SIGTERM. */
export async function runDirectory(a: DirectoryArgs): Promise<void> {
  const endpoint = endpointArg(a.ip, a.port, "port", true);
  const users = wholeNumber(a["users-per-server"], "--users-per-server");
  const idle = Number(a.idle);
  if (!(idle > 0) || !Number.isFinite(idle)) throw new UsageError("--idle takes a number of seconds above 0");
  if (!a.launch.includes("{cluster}")) throw new UsageError("--launch needs {cluster} in its command, where the server's --cluster goes");
  const urls = parseClusterUrls(a.cluster);
  const cluster = await connectCluster(urls, { name: "mc_directory", timeoutMs: 5000 });
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  let directory;
  try {
    directory = await startDirectory({
      endpoint, ip: a.ip === "*" ? "0.0.0.0" : a.ip, cluster, usersPerServer: users, launch: a.launch, idleMs: idle * 1000,
      say, childOutput: (line) => void process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    await cluster.close().catch(() => {});
    throw err;
  }
  const stopped = new Promise<void>((resolve) => onShutdown(async () => {
    await directory.close();
    await cluster.close().catch(() => {});
    say("directory stopped");
    resolve();
  }));
  say(`directory listening on ${directory.endpoint}, cluster ${urls.join(",")}, ${users} user${users === 1 ? "" : "s"} per server`);
  await stopped;
}

function wholeNumber(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !(n >= 1) || n > 10_000) throw new UsageError(`${option} takes a whole number from 1 to 10000`);
  return n;
}

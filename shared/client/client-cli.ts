/**
 * The options the interactive clients of parts 3 and 4 share, and the step
 * from parsed arguments to a running client. The client itself (chat-client.ts
 * and all it imports) and the directory's are imported once the arguments
 * are good: --help and a usage error load neither (issue 16).
 */
import type { Argv } from "yargs";
import { endpointArg, userArg, serverKeyArg, serverKeyOption } from "../args.js";
import { UsageError } from "../errors.js";
import type { PartFeatures } from "../parts.js";
import { accountArg, accountOptions, type AccountArgs } from "./account-args.js";
import type { ChatClientOptions } from "./chat-client.js";
import { defaultDownloads, expandPath } from "./files/paths.js";
import { useColor } from "./ui/paint.js";

/** The parsed command line of parts 3 and 4 (yargs keeps the numbers as strings). */
export interface ClientArgs extends AccountArgs {
  ip: string;
  post_port: string;
  pub_port: string;
  name: string;
  history: string;
  numbers?: boolean;
  color?: boolean;
  bell?: boolean;
  "server-key"?: string;
  "give-up": string;
  downloads?: string;
  /** --directory ip:port: the server comes from the directory, not from <ip> <post_port> <pub_port>. */
  directory?: string;
}

/** Declares the shared options on a yargs command. */
export function clientOptions<T>(y: Argv<T>) {
  return accountOptions(serverKeyOption(y))
    .option("history", { type: "string", default: "20", defaultDescription: "20", describe: "messages of history to show on joining (0 for none)" })
    .option("numbers", { type: "boolean", describe: "show each message's number in its channel (#12), for /edit and /delete; /numbers turns it on and off" })
    .option("color", { type: "boolean", describe: "colour the output (--no-color turns it off; default: only on a terminal)" })
    .option("bell", { type: "boolean", describe: "ring the terminal bell when a message mentions you (--no-bell turns it off; default: on, in a terminal)" })
    .option("give-up", { type: "string", default: "10", defaultDescription: "10", describe: "seconds to keep trying to deliver piped lines after end of input" })
    .option("downloads", { type: "string", nargs: 1, defaultDescription: "~/Downloads/mchat", describe: "where /get saves files (made, private, if missing)" });
}

/** Declares --directory, for the form without <ip> <post_port> <pub_port>. */
export function directoryOption<T>(y: Argv<T>) {
  return y.option("directory", { type: "string", nargs: 1, demandOption: true, describe: "ask the directory at ip:port which chat server to use (and for another when it stops answering)" });
}

/** The tcp:// endpoint of a --directory ip:port argument. */
export function directoryArg(value: string): string {
  const m = /^(\[[^\]]+\]|[^:]+):([^:]+)$/.exec(value);
  if (!m) throw new UsageError(`--directory '${value}' is not ip:port (e.g. 127.0.0.1:5550)`);
  return endpointArg(m[1]!.replace(/^\[|\]$/g, ""), m[2]!, "--directory port", false);
}

/** Starts the client of a part (its features say whether it has channels) for parsed arguments; resolves with the exit code. */
export async function startClient(a: ClientArgs, channel: string, features: PartFeatures): Promise<number> {
  const history = Number(a.history);
  const giveUp = Number(a["give-up"]);
  /* A dumb terminal cannot move the cursor: it gets plain lines, as a pipe does. */
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && process.env.TERM !== "dumb";
  const directory = a.directory === undefined ? undefined : directoryArg(a.directory);
  const options: ChatClientOptions = {
    post: directory ?? endpointArg(a.ip, a.post_port, "post_port", false),
    pub: directory ?? endpointArg(a.ip, a.pub_port, "pub_port", false),
    user: userArg(a.name),
    channel,
    features,
    numbers: a.numbers === true,
    history: Number.isInteger(history) && history >= 0 && history <= 1000 ? history : usage("--history takes a number from 0 to 1000"),
    giveUpMs: giveUp > 0 ? giveUp * 1000 : usage("--give-up takes a number of seconds"),
    curve: serverKeyArg(a["server-key"]),
    color: useColor({ isTTY: interactive, env: process.env, flag: a.color }),
    bell: a.bell !== false,
    interactive,
    account: accountArg(a, interactive),
    downloads: a.downloads === undefined ? defaultDownloads() : expandPath(a.downloads),
  };
  if (directory !== undefined) {
    /* Asked once the arguments are known to be good: the server it names is then used as if given by <ip> and ports. */
    const { askDirectory } = await import("./directory.js");
    const assignment = await askDirectory(directory, options.user);
    options.directory = { endpoint: directory, assignment };
    options.post = assignment.post;
    options.pub = assignment.pub;
  }
  const { runChatClient } = await import("./chat-client.js");
  return runChatClient(options);
}

function usage(sentence: string): never {
  throw new UsageError(sentence);
}

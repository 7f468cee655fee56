/**
 * The shape every entry point shares: yargs parses the arguments, a usage
 * error prints the usage line and exits 2, an expected failure prints one
 * sentence and exits 1, and nothing prints a stack trace unless CHAT_DEBUG
 * is set. A command line of only positionals is read without loading yargs
 * (plain-args.ts), to the same result.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isChatError, UsageError } from "./errors.js";
import { plainArgs, type Define } from "./plain-args.js";
import { ROOT_DIR } from "./root.js";

/** What --version prints: the release and the wire protocol it speaks. */
function version(): string {
  return `${(JSON.parse(readFileSync(join(ROOT_DIR, "package.json"), "utf8")) as { version: string }).version} (protocol mchat/1)`;
}

/**
 * Parses argv with `define` and runs `main`, mapping errors to exit codes.
 * `usage` is the synopsis shown on a usage error, e.g.
 * `node part1/post_client.js <ip> <port> <username> "message"`.
 */
export async function runCli<T>(
  usage: string,
  // yargs' command() does not carry the positionals' types through, so callers name T.
  define: Define,
  main: (args: T) => Promise<number | void>,
): Promise<void> {
  const fail = (sentence: string): never => {
    process.stderr.write(`${sentence}\nUsage: ${usage}\nRun with --help for details.\n`);
    process.exit(2);
  };
  /* Node's argv is [node, script, ...arguments]. */
  const argv = process.argv.slice(2);
  let args: T;
  try {
    args = (plainArgs(argv, define) ?? (await parseWithYargs(argv, usage, define, fail))) as T;
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
    return;
  }
  try {
    const code = await main(args);
    if (typeof code === "number") process.exitCode = code;
  } catch (err) {
    if (err instanceof UsageError) fail(err.message);
    process.stderr.write(`${describeError(err)}\n`);
    if (process.env.CHAT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  }
}

/** Parses `argv` with yargs, loaded only now; its usage errors go to `fail`. */
export async function parseWithYargs(argv: readonly string[], usage: string, define: Define, fail: (sentence: string) => never): Promise<unknown> {
  const { default: yargs } = await import("yargs");
  const parser = define(
    /*
     * -h as a whole word means --help. Not a yargs alias: yargs would then read
     * an "h" inside a CURVE key given after --server-key ("-7CU…wh30x…") as -h.
     */
    yargs(argv.map((arg) => (arg === "-h" ? "--help" : arg)))
      .usage(`Usage: ${usage}`)
      /*
       * nargs-eats-options: an option declared with nargs takes its value even when it begins with "-" (a CURVE key may).
       * No camel-case expansion: --server-key is the one spelling (no --serverKey).
       */
      .parserConfiguration({ "parse-numbers": false, "parse-positional-numbers": false, "nargs-eats-options": true, "camel-case-expansion": false })
      .strict()
      .help()
      .version(version())
      .wrap(Math.min(100, process.stdout.columns || 100))
      .fail((msg, err) => fail(msg || err?.message || "bad arguments")),
  );
  return parser.parseAsync();
}

/** One line for a person: what went wrong, and what to do where we know. */
export function describeError(err: unknown): string {
  if (isChatError(err)) return err.sentence;
  return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits 0. A second signal exits
 * at once, unless it comes within a second of the first: then it is the same
 * Ctrl-C again (npm passes on to its script the Ctrl-C that the terminal
 * already sent the whole process group) and is ignored.
 */
export function onShutdown(stop: () => Promise<void> | void): void {
  let first: number | undefined;
  const handler = () => {
    if (first !== undefined) {
      if (Date.now() - first > 1000) process.exit(0);
      return;
    }
    first = Date.now();
    Promise.resolve()
      .then(stop)
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}

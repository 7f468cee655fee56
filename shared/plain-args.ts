/**
 * The plain command line read without yargs: `node part4/mc_client.js 127.0.0.1
 * 5555 5556 dev kyle`, only the positionals, is what nearly every run is, and
 * loading yargs costs a start about as much CPU as Node itself (issue 16).
 *
 * The definition an entry point gives runCli is replayed on a recorder
 * instead of yargs, so the positionals and the defaults are declared once.
 * Whatever the recorder does not know for certain how yargs would read
 * (an optional positional, an alias, a check, an option yargs demands, any
 * argument that begins with "-", the words "help" and "$0", more or fewer
 * words than the positionals)
 * makes it answer undefined, and runCli asks yargs. plain-args.test.ts
 * runs the same argument vectors through both and compares.
 */
import type { Argv } from "yargs";

/** What runCli's callers pass: a function that declares the command on a yargs instance. */
export type Define = (y: Argv) => Argv<unknown>;

/** Methods that declare only help text, which a plain parse never shows. */
const HELP_ONLY = new Set(["example", "usage", "epilogue", "epilog"]);
/** Option settings whose effect on a command line without that option is known: a default or nothing. */
const OPTION_KEYS = new Set(["type", "describe", "default", "defaultDescription", "nargs", "hidden"]);
/** Positional settings that a word read as a string satisfies. */
const POSITIONAL_KEYS = new Set(["type", "describe", "demandOption", "array"]);

interface Declared {
  command?: string;
  defaults: Record<string, unknown>;
  /** Set when the definition uses anything this file does not replay. */
  unknown: boolean;
}

/** Replays `define` on a stand-in for yargs that records the command and the option defaults. */
function declared(define: Define): Declared {
  const d: Declared = { defaults: {}, unknown: false };
  const recorder: Argv = new Proxy({} as Argv, {
    get: (_target, method) => (...args: unknown[]) => {
      if (method === "command" && d.command === undefined && typeof args[0] === "string" && (args[2] === undefined || typeof args[2] === "function")) {
        d.command = args[0];
        (args[2] as ((y: Argv) => unknown) | undefined)?.(recorder);
      } else if (method === "option" && typeof args[0] === "string" && settingsWithin(args[1], OPTION_KEYS)) {
        const settings = args[1] as { default?: unknown };
        if ("default" in settings) d.defaults[args[0]] = settings.default;
      } else if (method === "positional" && settingsWithin(args[1], POSITIONAL_KEYS) && (args[1] as { type?: unknown }).type === "string") {
        /* The command string says where it goes. */
      } else if (!(typeof method === "string" && HELP_ONLY.has(method))) {
        d.unknown = true;
      }
      return recorder;
    },
  });
  try {
    define(recorder);
  } catch {
    /* A definition that needs more of yargs than the recorder plays (a value read back, say): yargs reads it. */
    d.unknown = true;
  }
  return d;
}

function settingsWithin(settings: unknown, keys: ReadonlySet<string>): boolean {
  return typeof settings === "object" && settings !== null && Object.keys(settings).every((k) => keys.has(k));
}

/**
 * The parsed arguments, as yargs would give them (less `$0`, the script's
 * name, which no program reads), when `argv` holds only the command's
 * positionals; otherwise undefined.
 */
export function plainArgs(argv: readonly string[], define: Define): Record<string, unknown> | undefined {
  /* Words yargs reads as more than a value: options, its help command ("help" last), its default command's name ("$0" first). */
  if (argv.some((a) => a.startsWith("-") || a === "help" || a === "$0")) return undefined;
  const d = declared(define);
  const words = d.command?.trim().split(/\s+/);
  if (d.unknown || words?.[0] !== "$0") return undefined;
  const names = words.slice(1).map((w) => /^<([^<>.\s]+)(\.\.)?>$/.exec(w));
  /* Only <name> words, and <name..> (one or more, as an array) last. */
  if (names.some((m, i) => m === null || (m[2] !== undefined && i !== names.length - 1))) return undefined;
  const variadic = names.at(-1)?.[2] !== undefined;
  if (variadic ? argv.length < names.length : argv.length !== names.length) return undefined;
  const args: Record<string, unknown> = { _: [], ...d.defaults };
  names.forEach((m, i) => {
    args[m![1]!] = variadic && i === names.length - 1 ? argv.slice(i) : argv[i];
  });
  return args;
}

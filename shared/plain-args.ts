/**
 * The plain command line read without yargs: `node part4/mc_client.js 127.0.0.1
 * 5555 5556 dev kyle`, the positionals and perhaps a few options (`--history
 * 0`, `--login`), is what nearly every run is, and loading yargs costs a
 * start about as much CPU as Node itself (issue 16).
 *
 * The definition an entry point gives runCli is replayed on a recorder
 * instead of yargs, so the positionals, the options and the defaults are
 * declared once. Options are read in the forms whose reading yargs (with
 * runCli's parser configuration) leaves in no doubt: a string option as
 * `--name value` or `--name=value`, its value not beginning with "-"; a
 * boolean as `--name` or `--no-name`, not followed by "true" or "false";
 * each at most once. Whatever the recorder does not know for certain how
 * yargs would read (an optional positional, an alias, a check, an option
 * yargs demands, an option it does not know, any other argument that begins
 * with "-", the words "help" and "$0", more or fewer words than the
 * positionals) makes it answer undefined, and runCli asks yargs.
 * plain-args.test.ts runs the same argument vectors through both and
 * compares.
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
  /** Each option's type: the two read here, or another that only yargs reads. */
  options: Map<string, "string" | "boolean" | "other">;
  /** Set when the definition uses anything this file does not replay. */
  unknown: boolean;
}

/** Replays `define` on a stand-in for yargs that records the command and the option defaults. */
function declared(define: Define): Declared {
  const d: Declared = { defaults: {}, options: new Map(), unknown: false };
  const recorder: Argv = new Proxy({} as Argv, {
    get: (_target, method) => (...args: unknown[]) => {
      if (method === "command" && d.command === undefined && typeof args[0] === "string" && (args[2] === undefined || typeof args[2] === "function")) {
        d.command = args[0];
        (args[2] as ((y: Argv) => unknown) | undefined)?.(recorder);
      } else if (method === "option" && typeof args[0] === "string" && settingsWithin(args[1], OPTION_KEYS)) {
        const settings = args[1] as { default?: unknown; type?: unknown };
        if ("default" in settings) d.defaults[args[0]] = settings.default;
        d.options.set(args[0], settings.type === "string" || settings.type === "boolean" ? settings.type : "other");
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
 * name, which no program reads), when `argv` holds the command's
 * positionals and options in the forms above; otherwise undefined.
 */
export function plainArgs(argv: readonly string[], define: Define): Record<string, unknown> | undefined {
  /* Words yargs reads as more than a value: its help command ("help" last), its default command's name ("$0" first). */
  if (argv.some((a) => a === "help" || a === "$0")) return undefined;
  const d = declared(define);
  const words = d.command?.trim().split(/\s+/);
  if (d.unknown || words?.[0] !== "$0") return undefined;
  const names = words.slice(1).map((w) => /^<([^<>.\s]+)(\.\.)?>$/.exec(w));
  /* Only <name> words, and <name..> (one or more, as an array) last. */
  if (names.some((m, i) => m === null || (m[2] !== undefined && i !== names.length - 1))) return undefined;
  const args: Record<string, unknown> = { _: [], ...d.defaults };
  const given = new Set<string>();
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) {
      values.push(arg);
      continue;
    }
    const o = readOption(arg, argv[i + 1], d.options);
    if (!o || given.has(o.name)) return undefined;
    given.add(o.name);
    args[o.name] = o.value;
    i += o.words - 1;
  }
  const variadic = names.at(-1)?.[2] !== undefined;
  if (variadic ? values.length < names.length : values.length !== names.length) return undefined;
  names.forEach((m, i) => {
    args[m![1]!] = variadic && i === names.length - 1 ? values.slice(i) : values[i];
  });
  return args;
}

/** `arg` (and `next`, when it is the value) as a declared option in a form read here; undefined for any other. */
function readOption(arg: string, next: string | undefined, options: Declared["options"]): { name: string; value: string | boolean; words: 1 | 2 } | undefined {
  const m = /^--([a-z][a-z0-9-]*)(?:=([^]*))?$/.exec(arg);
  if (!m) return undefined;
  const [, name, inline] = m as unknown as [string, string, string | undefined];
  const type = options.get(name);
  if (type === "string") {
    /* yargs would take a value beginning with "-" for the next option, or not (nargs): left to it. */
    if (inline !== undefined) return inline.startsWith("-") ? undefined : { name, value: inline, words: 1 };
    return next === undefined || next.startsWith("-") ? undefined : { name, value: next, words: 2 };
  }
  /* A boolean followed by "true" or "false" takes it as its value in yargs. */
  if (inline !== undefined || next === "true" || next === "false") return undefined;
  if (type === "boolean") return { name, value: true, words: 1 };
  const negated = name.startsWith("no-") ? name.slice(3) : undefined;
  return negated !== undefined && options.get(negated) === "boolean" ? { name: negated, value: false, words: 1 } : undefined;
}

/**
 * The plain command line read without yargs (plain-args.ts) gives what yargs
 * gives: the same argument vectors go through both, with the definitions the
 * entry points give runCli (built from the same shared declarations), and
 * every vector the recorder does not read goes to yargs.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { parseWithYargs } from "./cli.js";
import { plainArgs, type Define } from "./plain-args.js";
import { positional, serverKeyOption } from "./args.js";
import { clientOptions, directoryOption } from "./client/client-cli.js";
import { curveOption, serverOptions } from "./server/server-cli.js";
import { directoryCommand } from "./directory/directory-cli.js";

class YargsUsage extends Error {}
class YargsExit extends Error {}

/** What yargs makes of `argv` (less `$0`), or the usage error it reports, or its exit (after printing help). */
async function viaYargs(t: TestContext, argv: string[], define: Define): Promise<Record<string, unknown> | YargsUsage | YargsExit> {
  const exit = t.mock.method(process, "exit", (code?: number) => {
    throw new YargsExit(`exit ${code}`);
  });
  const log = t.mock.method(console, "log", () => {});
  try {
    const { $0: _, ...args } = (await parseWithYargs(argv, "test", define, (sentence) => {
      throw new YargsUsage(sentence);
    })) as Record<string, unknown>;
    return args;
  } catch (err) {
    if (err instanceof YargsUsage || err instanceof YargsExit) return err;
    throw err;
  } finally {
    exit.mock.restore();
    log.mock.restore();
  }
}

const positionals = (names: string[]) => <T>(c: import("yargs").Argv<T>) => names.reduce((b, n) => positional(b, n, n), c as import("yargs").Argv<unknown>);

/* As in the entry points (partN/*.ts, shared/server/serve.ts): the same shared declarations under the same command strings. */
const DEFINITIONS: Record<string, { define: Define; arity: number; variadic?: boolean }> = {
  "part1/post_client": {
    define: (y) => y.command("$0 <ip> <port> <username> <message..>", "", (c) =>
      serverKeyOption(positionals(["ip", "port", "username"])(c)).positional("message", { type: "string", array: true, demandOption: true, describe: "m" }).example("x", "y")),
    arity: 4, variadic: true,
  },
  "part2/pub_client": { define: (y) => y.command("$0 <ip> <pub_port>", "", (c) => serverKeyOption(positionals(["ip", "pub_port"])(c)).example("x", "y")), arity: 2 },
  "part3/interactive_client": {
    define: (y) => y.command("$0 <ip> <post_port> <pub_port> <name>", "", (c) => clientOptions(positionals(["ip", "post_port", "pub_port", "name"])(c)).example("x", "y")),
    arity: 4,
  },
  "part4/mc_client": {
    define: (y) => y.command("$0 <ip> <post_port> <pub_port> <channel> <name>", "", (c) =>
      clientOptions(positionals(["ip", "post_port", "pub_port", "channel", "name"])(c)).example("x", "y").example("x", "z")),
    arity: 5,
  },
  "part1/post_server": { define: (y) => y.command("$0 <ip> <port>", "", (c) => curveOption(positionals(["ip", "port"])(c)).example("x", "y")), arity: 2 },
  "part4/mc_server": { define: (y) => y.command("$0 <ip> <post_port> <pub_port>", "", (c) => serverOptions(positionals(["ip", "post_port", "pub_port"])(c)).example("x", "y")), arity: 3 },
  "part4/mc_keygen": { define: (y) => y.command("$0 <dir>", "", (c) => positionals(["dir"])(c).example("x", "y")), arity: 1 },
};

/** Words a positional may be: numbers stay strings, and nothing in them is read as an option or a command. */
const WORDS = ["127.0.0.1", "5555", "0", "007", "1e3", "0x10", "-0", "ALL", "#dev", "kyle", "héllo", "a b", "", "true", "false", "null", "help", "version", "completion", "a=b", "--", "-", "-h", "x.y", "__proto__", "constructor", "_", "$0", "a\nb", " "];

function vectors(arity: number): string[][] {
  const base = Array.from({ length: arity }, (_, i) => WORDS[i % 4]!);
  const out: string[][] = [base, base.slice(0, -1), [...base, "extra"], []];
  for (const w of WORDS) for (let i = 0; i < arity; i++) out.push(base.with(i, w));
  out.push([...base, "--history", "5"], [...base, "--no-color"], ["--help"], ["-h"], ["--version"], [...base, "--", "x"]);
  /* Options in every form, known to the program or not, before, among and after the positionals, and with one positional short (a value yargs gives the option must not fill it). */
  for (const o of OPTIONS) out.push([...base, ...o], [...o, ...base], [...base.slice(0, 1), ...o, ...base.slice(1)], [...base.slice(0, -1), ...o]);
  out.push([...base, "--history", "5", "--numbers", "--give-up=3"], ["--login", ...base, "--no-save-login", "--password-file", "p"]);
  return out;
}

/* Options of the clients and servers, and near misses: values beginning with "-", repeats, booleans with values, unknown names. */
const OPTIONS = [
  ["--history", "5"], ["--history=5"], ["--history="], ["--history", ""], ["--history", "-5"], ["--history=-5"], ["--history"],
  ["--history", "5", "--history", "6"], ["--history", "help"], ["--history", "$0"], ["--history", "a b"], ["--history", "é"], ["--history=a=b"],
  ["--history", "true"], ["--history", "--numbers"], ["--no-history"], ["--History", "5"],
  ["--numbers"], ["--no-numbers"], ["--numbers", "false"], ["--numbers", "true"], ["--numbers=false"], ["--numbers", "--numbers"],
  ["--color", "--no-color"], ["--save-login"], ["--no-save-login"], ["--give-up", "3"], ["--give-up=3"],
  ["--server-key", "abc"], ["--server-key", "-DpR"], ["--password-file", "p.txt"], ["--login"], ["--password", "x"],
  ["--store", "x.db"], ["--rate", "0"], ["--rate=0"], ["--log-bodies"], ["--no-log-bodies"], ["--curve", "k"],
  ["--unknown", "x"], ["--unknown"], ["--no-unknown"], ["--constructor"], ["--__proto__", "x"], ["--no-"], ["---history", "5"],
];

for (const [entry, { define, arity, variadic }] of Object.entries(DEFINITIONS)) {
  test(`${entry}: a command line of only positionals reads as yargs reads it, without yargs; anything else goes to yargs`, async (t) => {
    const base = Array.from({ length: arity }, (_, i) => WORDS[i % 4]!);
    assert.notEqual(plainArgs(base, define), undefined, "the plain form is read without yargs");
    for (const argv of [...vectors(arity), ...(variadic ? [[...base, "two", "words"]] : [])]) {
      const plain = plainArgs(argv, define);
      if (plain === undefined) continue;
      assert.deepStrictEqual(plain, await viaYargs(t, argv, define), JSON.stringify(argv));
    }
    for (const argv of [base.slice(0, -1), [...(variadic ? [] : [...base, "extra"])], ["--help"], [...base, "--unknown", "5"], [...base, "-"], [...base.slice(0, -1), "help"], ["$0", ...base.slice(1)]]) {
      if (argv.length > 0) assert.equal(plainArgs(argv, define), undefined, JSON.stringify(argv));
    }
  });
}

test("the options people give are read without yargs too: a client's --history, --login, --numbers, --no-color, a server's --rate and --store", () => {
  const client = DEFINITIONS["part4/mc_client"]!.define;
  const base = ["127.0.0.1", "5555", "5556", "dev", "kyle"];
  assert.deepEqual(plainArgs([...base, "--history", "0", "--login", "--no-color"], client), {
    _: [], ip: "127.0.0.1", post_port: "5555", pub_port: "5556", channel: "dev", name: "kyle",
    history: "0", login: true, color: false, "give-up": "10", "save-login": true,
  });
  assert.notEqual(plainArgs(["--numbers", ...base, "--give-up=3"], client), undefined);
  assert.deepEqual(plainArgs(["127.0.0.1", "0", "0", "--rate", "0", "--store", "chat.db"], DEFINITIONS["part4/mc_server"]!.define)?.rate, "0");
});

test("a definition with anything the recorder does not replay goes to yargs: the directory's demanded --cluster, a client's --directory", () => {
  assert.equal(plainArgs(["127.0.0.1", "5550"], directoryCommand as Define), undefined);
  assert.equal(plainArgs(["dev", "kyle"], (y) => y.command("$0 <channel> <name>", "", (c) => directoryOption(clientOptions(positionals(["channel", "name"])(c))))), undefined);
  assert.equal(plainArgs(["a"], (y) => y.command("$0 [a]", "", (c) => c)), undefined, "an optional positional");
  assert.equal(plainArgs(["a"], (y) => y.command("$0 <a>", "", (c) => positional(c, "a", "a").check(() => true))), undefined, "a check");
  assert.equal(plainArgs([], (y) => y.option("port", { type: "string", default: "5550" })), undefined, "no command");
  assert.equal(plainArgs(["a"], () => {
    throw new Error("needs more of yargs than a recorder");
  }), undefined, "a definition the recorder cannot replay");
});

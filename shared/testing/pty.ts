/**
 * Test support: a CLI run inside a real pseudo-terminal (util-linux
 * `script`), its output drawn on a VirtualTerminal, so a test can type keys
 * and then wait until the screen shows what a person would see. The child
 * is killed when the test ends.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { PATIENCE_MS, ROOT } from "./processes.js";
import { VirtualTerminal } from "./terminal.js";

export interface TerminalProc {
  vt: VirtualTerminal;
  /** Everything the program wrote, escapes included. */
  raw(): string;
  /** Types: bytes as the keyboard sends them ("\r" is Enter, "\x03" Ctrl-C, "\x04" Ctrl-D). */
  type(keys: string): void;
  /** Resolves once `check` holds for the screen; fails the test after PATIENCE_MS, showing the screen. */
  until(what: string, check: (vt: VirtualTerminal) => boolean): Promise<void>;
  /** The program's exit code. */
  exit: Promise<number | string>;
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs `node <script> ...args` from the project root in a `columns` x `rows` terminal. */
export function runInTerminal(
  t: TestContext,
  script: string,
  args: string[],
  { columns = 80, rows = 24, env = {} }: { columns?: number; rows?: number; env?: NodeJS.ProcessEnv } = {},
): TerminalProc {
  const command = `stty cols ${columns} rows ${rows} && exec ${[process.execPath, join(ROOT, script), ...args].map(quote).join(" ")}`;
  // -q: no banner, -f: flush at once, -e: exit with the program's code, -c: the program; the typescript file is not wanted.
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: ROOT,
    env: { ...process.env, TERM: "xterm", TZ: "UTC", NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const vt = new VirtualTerminal(columns, rows);
  let raw = "";
  let waiters: { check: (vt: VirtualTerminal) => boolean; resolve: () => void }[] = [];
  const recheck = () => {
    waiters = waiters.filter((w) => {
      if (!w.check(vt)) return true;
      w.resolve();
      return false;
    });
  };
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    raw += chunk;
    vt.write(chunk);
    recheck();
  });
  child.stdin!.on("error", () => {}); // the program may be gone before the last keys
  const exit = new Promise<number | string>((resolve) => child.on("close", (code, signal) => resolve(code ?? signal ?? -1)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const show = () => `\n--- screen:\n${vt.screen.join("\n")}\n--- cursor: ${JSON.stringify(vt.cursor)}`;
  return {
    vt,
    raw: () => raw,
    type: (keys) => child.stdin!.write(keys),
    exit,
    until: (what, check) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the screen never showed ${what} within ${PATIENCE_MS} ms${show()}`)), PATIENCE_MS);
        waiters.push({ check, resolve: () => { clearTimeout(timer); resolve(); } });
        recheck();
        void exit.then(() => setImmediate(() => {
          if (waiters.some((w) => w.check === check)) {
            clearTimeout(timer);
            reject(new Error(`${script} exited before the screen showed ${what}${show()}`));
          }
        }));
      }),
  };
}

/**
 * Test support: a CLI run inside a real pseudo-terminal (util-linux
 * `script`), its output drawn by a real terminal emulator (xterm.js), so a
 * test can type keys, resize the window, and then wait until the screen
 * shows what a person would see. The child is killed when the test ends.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { PATIENCE_MS, ROOT } from "./processes.js";
import { Emulator } from "./emulator.js";

export interface TerminalProc {
  vt: Emulator;
  /** Everything the program wrote, escapes included. */
  raw(): string;
  /** Types: bytes as the keyboard sends them ("\r" is Enter, "\x03" Ctrl-C, "\x04" Ctrl-D). */
  type(keys: string): void;
  /** Resolves once `check` holds for the screen; fails the test after PATIENCE_MS, showing the screen. */
  until(what: string, check: (vt: Emulator) => boolean): Promise<void>;
  /** Resizes the window: the emulator reflows, then the program gets SIGWINCH with the new size. */
  resize(columns: number, rows: number): Promise<void>;
  /** The program's exit code, once its last output is drawn. */
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
  /* The first line names the pty, so that resize() can set its size from outside (stty -F). */
  const command = `tty && stty cols ${columns} rows ${rows} && exec ${[process.execPath, join(ROOT, script), ...args].map(quote).join(" ")}`;
  // -q: no banner, -f: flush at once, -e: exit with the program's code, -c: the program; the typescript file is not wanted.
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: ROOT,
    env: { ...process.env, TERM: "xterm", TZ: "UTC", NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const vt = new Emulator(columns, rows);
  let raw = "";
  let device: string | undefined;
  let head = "";
  let waiters: { check: (vt: Emulator) => boolean; resolve: () => void }[] = [];
  const recheck = () => {
    waiters = waiters.filter((w) => {
      if (!w.check(vt)) return true;
      w.resolve();
      return false;
    });
  };
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    if (device === undefined) {
      head += chunk;
      const end = head.indexOf("\n");
      if (end === -1) return;
      device = head.slice(0, end).trim();
      chunk = head.slice(end + 1);
    }
    raw += chunk;
    void vt.write(chunk).then(recheck);
  });
  child.stdin!.on("error", () => {}); // the program may be gone before the last keys
  /* Settles once the last output is drawn too. */
  const exit = new Promise<number | string>((resolve) =>
    child.on("close", (code, signal) => void vt.drawn().then(() => resolve(code ?? signal ?? -1))));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const show = () => `\n--- screen:\n${vt.screen.join("\n")}\n--- cursor: ${JSON.stringify(vt.cursor)}`;
  return {
    vt,
    resize: async (c, r) => {
      vt.resize(c, r);
      await promisify(execFile)("stty", ["-F", device!, "cols", String(c), "rows", String(r)]);
    },
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

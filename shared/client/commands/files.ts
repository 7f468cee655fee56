/**
 * Files between users: /send offers a file to an account, a group or a
 * #channel, /get downloads an offer (into --downloads, or the directory
 * given), /files lists the offers still available. Files are for accounts,
 * so without a login the client says so and asks nothing. /send and /get
 * start a transfer in the background (transfers.ts) and return at once:
 * the chat stays usable, and its end is a line of its own.
 */
import { stat } from "node:fs/promises";
import { CodecError } from "../../protocol/errors.js";
import { checkFileTarget } from "../../protocol/index.js";
import { expandPath } from "../files/paths.js";
import { until } from "../login.js";
import { fileLabel } from "../ui/transfer-lines.js";
import type { Command, CommandContext } from "./types.js";

/* Part 3's server has no file port. */
const part4Hint = "files need part 4: this client's server has no file port (part 4's mc_client has /send, /get and /files)";

/** /send, /get, /files. */
export const files: readonly Command[] = [
  { name: "send", args: "<to> <path>", help: "offer a file to a user, a group or a #channel", completes: "conversations", multiChannel: true, part4Hint, run: send },
  { name: "get", args: "<n> [dir]", help: "download file offer n (into --downloads, or dir)", multiChannel: true, part4Hint, run: get },
  { name: "files", args: "", help: "the file offers you can download", multiChannel: true, part4Hint, run: list },
];

function loggedIn(c: CommandContext): boolean {
  if (c.account.token !== undefined) return true;
  c.screen.warning("files are for accounts: /login (or /register) first");
  return false;
}

async function send(c: CommandContext, arg: string): Promise<void> {
  const m = /^(\S+)\s+(.+)$/s.exec(arg);
  if (!m) return c.screen.warning("usage: /send <user|group|#channel> <path>, e.g. /send zoe ~/report.pdf");
  const to = m[1]!;
  try {
    checkFileTarget(to);
  } catch (err) {
    if (err instanceof CodecError) return c.screen.warning(`cannot send to ${to}: ${err.reason}`);
    throw err;
  }
  if (!loggedIn(c)) return;
  const path = expandPath(m[2]!.trim());
  try {
    const info = await stat(path);
    if (info.isDirectory()) return c.screen.warning(`${path} is a directory: /send sends one file`);
    if (!info.isFile()) return c.screen.warning(`${path} is not a regular file`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return c.screen.warning(`no such file: ${path}`);
    if (code === "EACCES") return c.screen.warning(`cannot read ${path}: permission denied`);
    throw err;
  }
  c.transfers.send(to, path);
}

async function get(c: CommandContext, arg: string): Promise<void> {
  const m = /^#?(\d+)(?:\s+(.+))?$/s.exec(arg);
  const offer = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(offer) || offer < 1) return c.screen.warning("usage: /get <n> [dir], e.g. /get 7 (the number a file offer's line ends with)");
  if (!loggedIn(c)) return;
  c.transfers.get(offer, m[2] === undefined ? c.downloads : expandPath(m[2].trim()));
}

async function list(c: CommandContext, arg: string): Promise<void> {
  if (arg !== "") return c.screen.warning("/files takes no arguments");
  if (!loggedIn(c)) return;
  const offers = await c.transfers.list();
  if (!offers) return;
  if (offers.length === 0) return c.screen.output(["no file offers for you"]);
  const width = Math.max(...offers.map((o) => String(o.offer).length));
  c.screen.output([
    `${offers.length === 1 ? "1 file offer" : `${offers.length} file offers`} (/get <n>):`,
    ...offers.map((o) => {
      const to = o.to === c.user ? "" : ` to ${o.to}`;
      return `  ${String(o.offer).padStart(width)}  ${fileLabel(o)} from ${o.from}${to}, until ${until(o.expires)}`;
    }),
  ]);
}

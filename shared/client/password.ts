/**
 * Where a password comes from. In a terminal it is asked for on a prompt
 * that does not echo it and keeps it out of the line history (a new one
 * twice, and the two must match). Without a terminal it comes from
 * --password-file (first line; a second line is the new password for
 * /passwd) or from MCHAT_PASSWORD (MCHAT_NEW_PASSWORD), never from the
 * command line, where every user of the machine could read it in the
 * process list.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.js";
import { CodecError } from "../protocol/errors.js";
import { checkPassword } from "../protocol/validate.js";
import type { Screen } from "./ui/screen-types.js";

/** The passwords a client without a terminal was given. */
export interface PipedPasswords {
  /** The account's password. */
  current?: string | undefined;
  /** The new password, for /passwd. */
  next?: string | undefined;
}

/** How a person without a terminal gives a password; said when none was given. */
export const HOW_TO_GIVE =
  "without a terminal the password comes from a file (--password-file FILE) or the MCHAT_PASSWORD environment variable, never from the command line";
const HOW_TO_GIVE_NEW =
  "without a terminal the new password is the second line of --password-file FILE, or MCHAT_NEW_PASSWORD";

/**
 * The piped passwords from --password-file (its first line, then the second)
 * or else the environment. A file that cannot be read is a usage error.
 */
export function pipedPasswords(file: string | undefined, env: NodeJS.ProcessEnv = process.env): PipedPasswords {
  if (file === undefined) return { current: env.MCHAT_PASSWORD || undefined, next: env.MCHAT_NEW_PASSWORD || undefined };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read the password file '${file}' (${(err as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
  const [current, next] = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (!current) throw new UsageError(`the password file '${file}' is empty: its first line is the password`);
  return { current, next: next || undefined };
}

/** What the screen offers for asking: a terminal's prompt without echo, when there is one. */
export type SecretScreen = Pick<Screen, "warning"> & Partial<Pick<Screen, "secret">>;

/** Gets passwords for the account commands, from the person or from what was piped. */
export class Passwords {
  constructor(
    private readonly screen: SecretScreen,
    private readonly piped: PipedPasswords,
  ) {}

  /** An account's existing password: asked once, or the piped one. Undefined (the person told why) when there is none. */
  async current(prompt: string): Promise<string | undefined> {
    if (this.screen.secret) return nonEmpty(await this.screen.secret(prompt));
    if (this.piped.current === undefined) this.screen.warning(`no password: ${HOW_TO_GIVE}`);
    return this.piped.current;
  }

  /**
   * A new password, `which` the current one or the one after it (/passwd):
   * asked twice (they must match), or the piped one; checked against the
   * protocol's length rule before it goes anywhere.
   */
  async fresh(prompt: string, which: "current" | "next" = "current"): Promise<string | undefined> {
    let password: string | undefined;
    if (this.screen.secret) {
      password = nonEmpty(await this.screen.secret(prompt));
      if (password === undefined) return undefined;
      const again = await this.screen.secret(`${prompt.replace(/:\s*$/, "")} again: `);
      if (again === undefined) return undefined;
      if (again !== password) {
        this.screen.warning("the two passwords differ; nothing was changed");
        return undefined;
      }
    } else {
      password = which === "current" ? this.piped.current : this.piped.next;
      if (password === undefined) {
        this.screen.warning(which === "current" ? `no password: ${HOW_TO_GIVE}` : `no new password: ${HOW_TO_GIVE_NEW}`);
        return undefined;
      }
    }
    try {
      return checkPassword(password);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      this.screen.warning(`the password ${err.reason}`);
      return undefined;
    }
  }
}

/** An empty answer is no answer: Enter alone cancels. */
const nonEmpty = (s: string | undefined) => (s === "" ? undefined : s);

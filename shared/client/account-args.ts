/**
 * The account options of the chat clients: --login, --password-file,
 * --no-save-login, and MCHAT_PASSWORD from the environment. A password is
 * never an argument: the process list shows every argument to every user
 * of the machine, so --password is refused with the ways that are safe.
 */
import type { Argv } from "yargs";
import { UsageError } from "../errors.js";
import type { AccountOptions } from "./login.js";
import { HOW_TO_GIVE, pipedPasswords } from "./password.js";

/** The account options as yargs parses them. */
export interface AccountArgs {
  login?: boolean;
  "password-file"?: string;
  "save-login": boolean;
  /** Declared only to be refused with a sentence. */
  password?: unknown;
}

/** Declares the account options on a yargs command. */
export function accountOptions<T>(y: Argv<T>) {
  return y
    .option("login", { type: "boolean", describe: "log in to your name's account before joining (the password is asked; piped: see --password-file)" })
    .option("password-file", { type: "string", nargs: 1, describe: "without a terminal: a file whose first line is the password (the second: the new one, for /passwd); or set MCHAT_PASSWORD" })
    .option("save-login", { type: "boolean", default: true, describe: "keep the login token for the next start (--no-save-login: for this run only)" })
    .option("password", { type: "string", hidden: true });
}

/** The account settings for parsed arguments; `interactive` when passwords can be asked on the terminal. */
export function accountArg(a: AccountArgs, interactive: boolean, env: NodeJS.ProcessEnv = process.env): AccountOptions {
  if (a.password !== undefined) {
    throw new UsageError(`a password is never taken on the command line, where the process list shows it: ${HOW_TO_GIVE}`);
  }
  const piped = interactive ? {} : pipedPasswords(a["password-file"], env);
  if (a.login && !interactive && piped.current === undefined) throw new UsageError(`--login needs a password: ${HOW_TO_GIVE}`);
  return { login: a.login === true, save: a["save-login"], piped };
}

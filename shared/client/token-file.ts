/**
 * Where a chat client keeps its logins between runs, so that the next start
 * needs only the name: `$XDG_CONFIG_HOME/mchat/logins.json` (else
 * `~/.config/mchat/logins.json`), the directory mode 0700 and the file 0600.
 * One entry per server (its post endpoint) and account; a token, never a
 * password:
 *
 *   {"version": 1, "logins": [{"server": "tcp://127.0.0.1:5555", "user": "kyle",
 *                              "token": "<64 hex digits>", "expires": "2026-12-31T..."}]}
 *
 * Every change rewrites the file whole (a temporary file renamed over it),
 * so a reader never sees half of one.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { randomBytes } from "node:crypto";

/** One saved login. */
export interface SavedLogin {
  /** The server's post endpoint, as the client was given it. */
  server: string;
  /** The account's name as registered. */
  user: string;
  token: string;
  /** When the token expires (ISO 8601). */
  expires: string;
}

const VERSION = 1;

/** The directory of the client's settings: `$XDG_CONFIG_HOME/mchat`, else `~/.config/mchat` (a relative XDG_CONFIG_HOME is ignored, as the XDG spec says). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".config"), "mchat");
}

/** Names are one account whatever their case. */
const sameAccount = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The saved logins of this user of the machine. */
export class TokenFile {
  readonly path: string;

  constructor(readonly dir: string = configDir()) {
    this.path = join(dir, "logins.json");
  }

  /** The saved login for `user` at `server`, if any. */
  find(server: string, user: string): SavedLogin | undefined {
    return this.read().find((l) => l.server === server && sameAccount(l.user, user));
  }

  /** Saves (or replaces) the login of an account at a server. */
  save(login: SavedLogin): void {
    this.write([...this.others(login.server, login.user), login]);
  }

  /** Forgets the login of an account at a server; a no-op when there is none. */
  drop(server: string, user: string): void {
    const before = this.read();
    const after = this.others(server, user, before);
    if (after.length !== before.length) this.write(after);
  }

  private others(server: string, user: string, logins = this.read()): SavedLogin[] {
    return logins.filter((l) => !(l.server === server && sameAccount(l.user, user)));
  }

  /** Every well-formed entry; a missing or unreadable file holds none. */
  private read(): SavedLogin[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8"));
    } catch {
      return [];
    }
    const logins = (parsed as { logins?: unknown })?.logins;
    if (!Array.isArray(logins)) return [];
    return logins.filter((l): l is SavedLogin =>
      typeof l === "object" && l !== null && ["server", "user", "token", "expires"].every((k) => typeof (l as Record<string, unknown>)[k] === "string"));
  }

  private write(logins: SavedLogin[]): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700); // made earlier by something else, perhaps with wider permissions
    const temporary = join(this.dir, `.logins-${randomBytes(4).toString("hex")}.tmp`);
    writeFileSync(temporary, `${JSON.stringify({ version: VERSION, logins }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
  }
}

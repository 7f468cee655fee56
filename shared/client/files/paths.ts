/** Paths a person types: `~` is the home directory, as a shell would have it. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** `path` with a leading `~` as the home directory, made absolute (from the working directory); surrounding quotes go. */
export function expandPath(path: string, home = homedir()): string {
  const unquoted = /^(["'])(.*)\1$/s.exec(path)?.[2] ?? path;
  const expanded = unquoted === "~" ? home : unquoted.startsWith("~/") ? home + unquoted.slice(1) : unquoted;
  return resolve(expanded);
}

/** Where /get saves files unless told otherwise (--downloads). */
export function defaultDownloads(home = homedir()): string {
  return join(home, "Downloads", "mchat");
}

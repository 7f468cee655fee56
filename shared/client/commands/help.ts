/** The /help text, derived from the commands a client offers. */
import type { Command } from "./types.js";

/** The /help text for `user`: one line per command, descriptions in one column, then what Tab completes. */
export function helpLines(available: readonly Command[], user: string): string[] {
  const rows: [string, string][] = [
    ...available.map((c): [string, string] => [c.args === "" ? `/${c.name}` : `/${c.name} ${c.args}`, typeof c.help === "string" ? c.help : c.help(user)]),
    ["//text", "post text that starts with /"],
  ];
  const width = Math.max(...rows.map(([usage]) => usage.length));
  // Names complete everywhere; what else Tab completes comes from the commands offered.
  const kinds = new Set<string>(available.flatMap((c) => c.completes ?? []));
  /* /msg's and /query's names and groups are names to a reader (the line has no room for more). */
  kinds.delete("names");
  kinds.delete("conversations");
  const tab = ["commands", ...kinds, "names"];
  return [
    "Commands:",
    ...rows.map(([usage, help]) => `  ${usage.padEnd(width)}  ${help}`),
    `Tab completes ${tab.slice(0, -1).join(", ")} and ${tab.at(-1)}; Up and Down recall earlier lines.`,
  ];
}

/**
 * What a typed line means: a post, an action, or a command. Lines starting
 * with "/" are commands; "//text" posts "/text".
 */

export interface CommandInfo {
  name: string;
  args: string;
  help: string;
  /** Only where the server has channels (part 4). */
  channels?: boolean;
}

export const COMMANDS: readonly CommandInfo[] = [
  { name: "help", args: "", help: "list the commands" },
  { name: "me", args: "<action>", help: "say what you are doing: /me waves shows as * you waves" },
  { name: "who", args: "", help: "who is in the current channel, and since when" },
  { name: "channels", args: "", help: "every channel with its message and user counts" },
  { name: "history", args: "[N]", help: "the last N messages of the current channel (default 20)" },
  { name: "join", args: "<channel>", help: "follow another channel and post there (ALL: read every channel)", channels: true },
  { name: "leave", args: "<channel>", help: "stop following a channel", channels: true },
  { name: "quit", args: "", help: "leave the chat (Ctrl-D or Ctrl-C do too)" },
];

export type Input =
  | { type: "empty" }
  | { type: "post"; body: string }
  | { type: "me"; body: string }
  | { type: "command"; name: string; arg: string }
  | { type: "unknown"; name: string };

/** Parses one typed line. */
export function parseInput(line: string, available: readonly CommandInfo[] = COMMANDS): Input {
  if (line.trim() === "") return { type: "empty" };
  if (line.startsWith("//")) return { type: "post", body: line.slice(1) };
  if (!line.startsWith("/")) return { type: "post", body: line };
  const match = /^\/(\S*)\s*(.*)$/s.exec(line)!;
  const name = match[1]!.toLowerCase();
  const arg = match[2]!.trim();
  if (name === "me") return arg === "" ? { type: "command", name: "me", arg } : { type: "me", body: arg };
  if (!available.some((c) => c.name === name)) return { type: "unknown", name: match[1]! };
  return { type: "command", name, arg };
}

/** The /help text, one line per command. */
export function helpLines(available: readonly CommandInfo[] = COMMANDS): string[] {
  const width = Math.max(...available.map((c) => `/${c.name} ${c.args}`.length));
  return [
    ...available.map((c) => `  ${`/${c.name} ${c.args}`.padEnd(width)}  ${c.help}`),
    "  //text" + " ".repeat(Math.max(1, width - 5)) + "post a line that starts with /",
  ];
}

/**
 * Completes a half-typed line: command names after "/", else the word under
 * the cursor against `names` (present users). Returns readline's pair.
 */
export function complete(line: string, names: readonly string[], available: readonly CommandInfo[] = COMMANDS): [string[], string] {
  if (/^\/\S*$/.test(line)) {
    const hits = available.map((c) => `/${c.name}`).filter((c) => c.startsWith(line.toLowerCase()));
    return [hits.length === 1 ? [`${hits[0]} `] : hits, line];
  }
  const word = /(\S*)$/.exec(line)![1]!;
  if (word === "") return [[], word];
  const hits = names.filter((n) => n.toLowerCase().startsWith(word.toLowerCase()));
  const atStart = line.length === word.length;
  return [hits.length === 1 ? [atStart ? `${hits[0]}: ` : `${hits[0]} `] : hits, word];
}

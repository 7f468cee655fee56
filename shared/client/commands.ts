/**
 * What a typed line means: a post, an action, or a command. Lines starting
 * with "/" are commands; "//text" posts "/text". Also the /help text and
 * Tab completion, which follow the same list of commands.
 */

export interface CommandInfo {
  name: string;
  args: string;
  help: string;
  /** Only where the server has channels (part 4). */
  channels?: boolean;
}

export const COMMANDS: readonly CommandInfo[] = [
  { name: "help", args: "", help: "this list" },
  { name: "me", args: "<action>", help: "post an action: /me waves shows * you waves" },
  { name: "who", args: "", help: "who is in this channel, and since when" },
  { name: "channels", args: "", help: "every channel, with its messages and users" },
  { name: "history", args: "[N]", help: "the last N messages of this channel (default 20)" },
  { name: "join", args: "<channel>", help: "follow a channel and post there; /join ALL reads all", channels: true },
  { name: "leave", args: "[channel]", help: "stop following a channel (default: this one)", channels: true },
  { name: "quit", args: "", help: "leave the chat (so do Ctrl-D and Ctrl-C)" },
];

/** The commands a client offers: part 3's has no channels to join or leave. */
export function commandsFor(channels: boolean): CommandInfo[] {
  return COMMANDS.filter((c) => channels || !c.channels);
}

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
  if (name === "me" && arg !== "") return { type: "me", body: arg };
  if (!available.some((c) => c.name === name)) return { type: "unknown", name: match[1]! };
  return { type: "command", name, arg };
}

/** The one-line hint for a line that is not a command here. */
export function unknownHint(name: string, available: readonly CommandInfo[] = COMMANDS): string {
  if (name === "") return "a line starting with / is a command; /help lists them (//text posts /text)";
  const lower = name.toLowerCase();
  if (COMMANDS.some((c) => c.name === lower && c.channels) && !available.some((c) => c.name === lower)) {
    return `/${lower} needs channels: this client has one channel (part 4's mc_client has /join and /leave)`;
  }
  return `unknown command /${name}; /help lists the commands (//${name} posts it as text)`;
}

/** The /help text: one line per command, descriptions in one column. */
export function helpLines(available: readonly CommandInfo[] = COMMANDS): string[] {
  const rows: [string, string][] = [
    ...available.map((c): [string, string] => [c.args === "" ? `/${c.name}` : `/${c.name} ${c.args}`, c.help]),
    ["//text", "post text that starts with /"],
  ];
  const width = Math.max(...rows.map(([usage]) => usage.length));
  return [
    "Commands:",
    ...rows.map(([usage, help]) => `  ${usage.padEnd(width)}  ${help}`),
    `Tab completes commands${available.some((c) => c.name === "join") ? ", channels" : ""} and names; Up and Down recall earlier lines.`,
  ];
}

/** What Tab can complete besides command names. */
export interface Completions {
  /** Users present or recently heard, the reader's own name excluded. */
  names: readonly string[];
  /** Channels known to exist, for /join and /leave. */
  channels: readonly string[];
}

/**
 * Completes the word before the cursor: a command name after a leading "/",
 * a channel after /join or /leave, else a user's name ("name: " at
 * the start of a line, as chat clients do). Returns readline's pair: the
 * candidates and the text they replace.
 */
export function complete(line: string, known: Completions, available: readonly CommandInfo[] = COMMANDS): [string[], string] {
  if (/^\/\S*$/.test(line)) {
    const hits = available.map((c) => `/${c.name}`).filter((c) => c.startsWith(line.toLowerCase()));
    return [hits.length === 1 ? [`${hits[0]} `] : hits, line];
  }
  const channelArg = /^\/(?:join|leave)\s+(#?)(\S*)$/i.exec(line);
  if (channelArg) {
    const [, hash, partial] = channelArg;
    const hits = pick(known.channels, partial!).map((c) => hash + c);
    return [hits.length === 1 ? [`${hits[0]} `] : hits, hash! + partial!];
  }
  const [word, at, partial] = /(@?)(\S*)$/.exec(line)!;
  if (partial === "") return [[], word];
  const hits = pick(known.names, partial).map((n) => at + n);
  if (hits.length !== 1) return [hits, word];
  return [[line.length === word.length && at === "" ? `${hits[0]}: ` : `${hits[0]} `], word];
}

/** The candidates starting with `partial`, any case, sorted, once each. */
function pick(candidates: readonly string[], partial: string): string[] {
  const lower = partial.toLowerCase();
  return [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lower)).sort();
}

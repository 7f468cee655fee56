/**
 * The command registry, built from one file per family (as The Lounge builds
 * its input table): what a typed line means, and dispatch to the command's
 * own action. /help (help.ts) and Tab (complete.ts) derive from the same
 * entries. Lines starting with "/" are commands; "//text" posts "/text".
 * Commands run one at a time, in the order typed.
 */
import type { PartFeatures } from "../../parts.js";
import { accounts } from "./accounts.js";
import { alerts } from "./alerts.js";
import { basic, quit } from "./basic.js";
import { channels } from "./channels.js";
import { conversations } from "./conversations.js";
import { groups } from "./groups.js";
import { history } from "./history.js";
import { edits } from "./edits.js";
import { files } from "./files.js";
import { presence } from "./presence.js";
import { since } from "./since.js";
import type { Command, CommandContext } from "./types.js";
import { view } from "./view.js";

/** Every command, in /help's order: /quit last. */
export const COMMANDS: readonly Command[] = [
  ...basic, ...presence, ...history, ...since, ...edits, ...view, ...channels, ...accounts, ...conversations, ...groups, ...alerts, ...files, quit,
];

/** The commands a part's client offers: part 3's has no channels to join or leave. */
export function commandsFor(features: PartFeatures): Command[] {
  return COMMANDS.filter((c) => features.multiChannel || !c.multiChannel);
}

/** What a typed line is. */
export type Input =
  | { type: "empty" }
  | { type: "post"; body: string }
  | { type: "me"; body: string }
  | { type: "command"; name: string; arg: string }
  | { type: "unknown"; name: string };

/** Parses one typed line against the commands offered. */
export function parseInput(line: string, available: readonly Command[] = COMMANDS): Input {
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
export function unknownHint(name: string, available: readonly Command[] = COMMANDS): string {
  if (name === "") return "a line starting with / is a command; /help lists them (//text posts /text)";
  const lower = name.toLowerCase();
  const part4 = COMMANDS.find((c) => c.name === lower && c.multiChannel);
  if (part4 && !available.some((c) => c.name === lower)) {
    return part4.part4Hint ?? `/${lower} needs channels: this client has one channel (part 4's mc_client has /join and /leave)`;
  }
  return `unknown command /${name}; /help lists the commands (//${name} posts it as text)`;
}

/** Handles one typed line: a post, an action, or the command's own action. Resolves false when the person asked to quit. */
export async function handleLine(c: CommandContext, line: string): Promise<boolean> {
  const input = parseInput(line, c.available);
  switch (input.type) {
    case "post":
      c.post(input.body, "say");
      return true;
    case "me":
      c.post(input.body, "me");
      return true;
    case "unknown":
      c.screen.warning(unknownHint(input.name, c.available));
      return true;
    case "command":
      return (await c.available.find((cmd) => cmd.name === input.name)!.run(c, input.arg)) !== "quit";
    case "empty":
      return true;
  }
}

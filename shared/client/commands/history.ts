/**
 * /history [N]: the last N messages of the current channel, or inside a
 * /query of that conversation, asked of the server once the lines typed
 * before it are in.
 */
import { ALL, HISTORY_MAX } from "../../protocol/limits.js";
import { isChange } from "../ui/edit-notices.js";
import { channelLabel, lineParts, messageFlags } from "../ui/format.js";
import { conversationHistory } from "./conversations.js";
import type { Command, CommandContext } from "./types.js";

/** /history. */
export const history: readonly Command[] = [
  { name: "history", args: "[N]", help: "the last N messages here, or of the /query (default 20)", run: showHistory },
];

async function showHistory(c: CommandContext, arg: string): Promise<void> {
  const n = arg === "" ? 20 : Number(arg);
  if (!/^\d*$/.test(arg) || !Number.isInteger(n) || n < 1 || n > HISTORY_MAX) {
    c.screen.warning(`usage: /history [N], N from 1 to ${HISTORY_MAX} (default 20)`);
    return;
  }
  if (c.query !== undefined) return conversationHistory(c, c.query, n);
  await c.settled();
  const channel = c.current;
  const a = await c.ask({ op: "history", query: { channel, limit: n } });
  if (!a) return;
  // Edits and deletions take numbers but are not lines: the messages they changed show as they are now.
  const messages = a.messages.filter((m) => !isChange(m));
  const count = messages.length;
  c.screen.output([count === 0 ? `No messages in ${channelLabel(channel)} yet.` : `Last ${count === 1 ? "message" : `${count} messages`} of ${channelLabel(channel)}:`]);
  for (const m of messages) c.screen.message(lineParts(m, channel === ALL, c.numbers), messageFlags(m, c.user, true, c.account.marksFree));
}

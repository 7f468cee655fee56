/**
 * How an edit or a deletion reads when it arrives live: a status line,
 * `-!- kyle edited #12: new text` and `-!- kyle deleted #12` (`in #dev`
 * after the number where several channels are visible). In history the
 * changes are not lines of their own: the message they changed is shown as
 * it is now, marked `(edited)` or `(deleted)` (format.ts).
 */
import type { ChatMessage } from "../../protocol/index.js";
import type { Screen } from "./screen-types.js";
import type { Style } from "./paint.js";

/** Whether an entry of the log is a change to an earlier message rather than a message. */
export function isChange(m: ChatMessage): boolean {
  return m.kind === "edit" || m.kind === "delete";
}

/** The status line of a change, without the `-!-` mark; `showChannel` names its channel. */
export function changeLine(m: ChatMessage, showChannel: boolean, name: (user: string) => string = (user) => user): string {
  const where = `#${m.target ?? "?"}${showChannel ? ` in #${m.channel}` : ""}`;
  return m.kind === "delete" ? `${name(m.user)} deleted ${where}` : `${name(m.user)} edited ${where}: ${m.body}`;
}

/**
 * Shows a change that arrived live: a notice in a terminal; in plain output
 * a `-!-` line on stdout beside the messages, since it changes what a script
 * reading them has seen.
 */
export function showChange(screen: Pick<Screen, "interactive" | "notice" | "output">, m: ChatMessage, showChannel: boolean, style: Style): void {
  if (screen.interactive) screen.notice(changeLine(m, showChannel, style.name));
  else screen.output([`-!- ${changeLine(m, showChannel, style.color ? style.name : undefined)}`]);
}

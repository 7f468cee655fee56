/**
 * How a message reads. Plain lines are the assignment's
 * `username: message (time)`; `#channel ` goes in front where more than one
 * channel is visible, and an action reads `* username waves (time)`.
 */
import type { ChatMessage } from "../codec.js";
import { displayTime } from "../time.js";

export interface LineParts {
  channel?: string | undefined;
  user: string;
  body: string;
  time: string;
  action: boolean;
}

/** The parts of a message's line; `showChannel` adds its channel. */
export function lineParts(m: ChatMessage, showChannel: boolean): LineParts {
  return { channel: showChannel ? m.channel : undefined, user: m.user, body: m.body, time: displayTime(m.time), action: m.kind === "me" };
}

/** A message as one plain line (newlines in the body are kept). */
export function plainLine(p: LineParts): string {
  const where = p.channel === undefined ? "" : `#${p.channel} `;
  return p.action ? `${where}* ${p.user} ${p.body} (${p.time})` : `${where}${p.user}: ${p.body} (${p.time})`;
}

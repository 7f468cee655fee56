/**
 * /since <time>: the current channel's messages the server received after
 * a time (since-time.ts reads `14:00`, an ISO date-time, `2h` or `30m`),
 * by the server's clock, whatever time a poster's clock claimed. The
 * answer comes in pages of PAGE entries, asked for with `after` until the
 * server has no more; past PAGES pages a line says how to see the rest.
 */
import type { ChatMessage } from "../../protocol/index.js";
import { ALL } from "../../protocol/limits.js";
import { displayTime } from "../../time.js";
import { parseSinceTime, SinceTimeError } from "../since-time.js";
import { isChange } from "../ui/edit-notices.js";
import { channelLabel, lineParts, messageFlags } from "../ui/format.js";
import type { Command, CommandContext } from "./types.js";

/** Entries asked for at a time. */
export const PAGE = 200;
/** Pages shown for one /since before it stops and says how to go on. */
export const PAGES = 5;

/** /since. */
export const since: readonly Command[] = [
  { name: "since", args: "<time>", help: "messages since 14:00, an ISO date-time, or 2h / 30m ago", run: showSince },
];

async function showSince(c: CommandContext, arg: string): Promise<void> {
  let from;
  try {
    from = parseSinceTime(arg);
  } catch (err) {
    if (err instanceof SinceTimeError) return c.screen.warning(err.message);
    throw err;
  }
  await c.settled();
  const channel = c.current;
  const since = from.toISO()!;
  const label = `${channelLabel(channel)} since ${displayTime(since)}`;
  let after: number | undefined;
  let shown = 0;
  let last: ChatMessage | undefined;
  for (let page = 1; ; page++) {
    const a = await c.ask({ op: "history", query: { channel, since, limit: PAGE, ...(after === undefined ? {} : { after }) } });
    if (!a) return;
    const messages = a.messages.filter((m) => !isChange(m));
    if (shown === 0 && messages.length > 0) c.screen.output([`Messages of ${label}:`]);
    for (const m of messages) c.screen.message(lineParts(m, channel === ALL, c.numbers), messageFlags(m, c.user, true, c.account.marksFree));
    shown += messages.length;
    last = a.messages.at(-1) ?? last;
    const reached = last === undefined ? a.head : channel === ALL ? last.gseq : last.seq;
    if (a.messages.length < PAGE || reached >= a.head) break;
    if (page === PAGES) {
      /* The server compares receive times: the last one shown, given back, starts where this stopped. */
      const next = last!.received ?? last!.time;
      c.screen.output([`... ${shown} messages shown, more follow: /since ${next} shows the rest`]);
      return;
    }
    after = reached;
  }
  if (shown === 0) c.screen.output([`No messages in ${label}.`]);
}

/**
 * /since <time>: the current channel's messages the server received after
 * a time (since-time.ts reads `14:00`, an ISO date-time, `2h` or `30m`),
 * by the server's clock, whatever time a poster's clock claimed. The
 * answer comes in pages of PAGE entries, asked for with `after` until the
 * server has no more; after PAGES pages a line says that `/since more`
 * shows the next ones, from the number where it stopped.
 */
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

/** A /since answer being shown: where, from when, and the number of the last entry shown. */
interface Listing {
  channel: string;
  since: string;
  after?: number | undefined;
}

/** Where each client's last /since stopped after PAGES pages, for /since more. */
const unfinished = new WeakMap<CommandContext, Listing>();

async function showSince(c: CommandContext, arg: string): Promise<void> {
  if (arg.toLowerCase() === "more") {
    const listing = unfinished.get(c);
    if (!listing) return c.screen.warning("nothing more to show: /since <time> first");
    return list(c, listing, true);
  }
  let from;
  try {
    from = parseSinceTime(arg);
  } catch (err) {
    if (err instanceof SinceTimeError) return c.screen.warning(err.message);
    throw err;
  }
  await c.settled();
  unfinished.delete(c);
  await list(c, { channel: c.current, since: from.toISO()! }, false);
}

/** Shows up to PAGES pages of a listing from where it stopped; says how to go on if the server has more. */
async function list(c: CommandContext, listing: Listing, more: boolean): Promise<void> {
  const { channel, since } = listing;
  const label = `${channelLabel(channel)} since ${displayTime(since)}`;
  let after = listing.after;
  let shown = 0;
  for (let page = 1; ; page++) {
    const a = await c.ask({ op: "history", query: { channel, since, limit: PAGE, ...(after === undefined ? {} : { after }) } });
    if (!a) return;
    // Edits and deletions take numbers but are not lines: the messages they changed show as they are now.
    const messages = a.messages.filter((m) => !isChange(m));
    if (shown === 0 && messages.length > 0) c.screen.output([`${more ? "More messages" : "Messages"} of ${label}:`]);
    for (const m of messages) c.screen.message(lineParts(m, channel === ALL, c.numbers), messageFlags(m, c.user, true, c.account.marksFree));
    shown += messages.length;
    const last = a.messages.at(-1);
    if (last) after = channel === ALL ? last.gseq : last.seq;
    if (a.messages.length < PAGE || (after ?? 0) >= a.head) break;
    if (page === PAGES) {
      unfinished.set(c, { channel, since, after });
      c.screen.output([`... more messages of ${label}: /since more shows the next`]);
      return;
    }
  }
  unfinished.delete(c);
  if (shown === 0) c.screen.output([more ? `No more messages of ${label}.` : `No messages in ${label}.`]);
}

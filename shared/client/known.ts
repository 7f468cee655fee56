/**
 * What Tab completes besides commands: the names of people heard or seen
 * present, the channels seen, and the reader's groups. Filled as messages,
 * presence events, inbox items and command answers arrive, and once at the
 * start from /who and /channels (and the groups at each login).
 */
import type { PresenceEvent } from "../protocol/index.js";
import { ALL } from "../protocol/limits.js";
import type { Completions } from "./commands/types.js";
import type { Queries } from "./queries.js";

/** Names and channels known to this client. */
export class Known {
  readonly names = new Set<string>();
  readonly channels = new Set<string>();
  readonly groups = new Set<string>();

  /** `user` is the reader, never offered; `channel` is the first channel followed. */
  constructor(
    private readonly user: string,
    channel: string,
  ) {
    if (channel !== ALL) this.channels.add(channel);
  }

  /** Someone joined or left a channel followed. */
  presence(p: PresenceEvent): void {
    if (p.event === "join") this.names.add(p.user);
    else this.names.delete(p.user);
  }

  /** What Tab offers now. */
  completions(): Completions {
    const names = [...this.names].filter((n) => n !== this.user);
    return { names, channels: [...this.channels], conversations: [...names, ...this.groups] };
  }

  /** Learns who was here before this client and which channels exist, without a word to the person. */
  async learn(queries: Queries, channel: string): Promise<void> {
    const who = await queries.ask({ op: "who", channel }, true);
    for (const u of who?.users ?? []) this.names.add(u.user);
    const list = await queries.ask({ op: "channels" }, true);
    for (const c of list?.channels ?? []) this.channels.add(c.name);
  }
}

/**
 * The ids of the newest messages shown, so that a post retried into a
 * server restarted without its store (a new epoch, numbering from 1 again)
 * is not shown twice.
 */

/*
 * Posts that can be in flight when a server dies: one per posting client.
 * Remembering the last 1,000 ids shown covers a thousand clients posting
 * at the moment of the crash, for 1,000 short strings of memory.
 */
const RECENT_IDS = 1000;

/** A ring of the ids shown lately, and those shown before the last restart. */
export class RecentIds {
  private readonly ring: string[] = [];
  private at = 0;
  private before = new Set<string>();

  /** Remembers the id of a message just shown. */
  add(id: string): void {
    this.ring[this.at] = id;
    this.at = (this.at + 1) % RECENT_IDS;
  }

  /** The server restarted without a store: the ids shown so far are the ones a retried post may repeat. */
  restarted(): void {
    this.before = new Set(this.ring);
  }

  /** Whether a message with this id was shown before the restart. */
  shownBeforeRestart(id: string): boolean {
    return this.before.size > 0 && this.before.has(id);
  }
}

/**
 * The server's one line per recorded message, written in batches (at most
 * one write per 20 ms), and capped: past `perSecond` lines in a second the
 * rest are counted and summed up in one line, so a flood of posts cannot
 * turn the server into a terminal-bound process.
 *
 * It prints the channel log's committed entries only: private and group
 * messages are never in that log (conversations/store.ts), so their bodies
 * never reach this output.
 */
import type { LogEntry, Numbers } from "./log/event-log.js";

/**
 * The record line of a committed entry: `[dev #3] amy: hi (time)`, without
 * the channel on a one-channel server; `[dev #4] amy edited #3: hello (time)`,
 * `[dev #5] amy deleted #3 (time)`.
 */
export function recordLine(m: LogEntry, n: Numbers, multiChannel: boolean): string {
  const where = multiChannel ? `[${m.channel} #${n.seq}]` : `[#${n.seq}]`;
  const body = m.body.toString("utf8").replace(/\n/g, " \u21b5 ");
  const text = m.type === "edit" ? `${m.user} edited #${m.target}: ${body}`
    : m.type === "delete" ? `${m.user} deleted #${m.target}`
    : m.kind === "me" ? `* ${m.user} ${body}` : `${m.user}: ${body}`;
  return `${where} ${text} (${m.time})`;
}

export class RecordPrinter {
  private lines: string[] = [];
  private scheduled = false;
  private windowStart = 0;
  private shown = 0;
  private hidden = 0;
  private summaryTimer: NodeJS.Timeout | undefined;
  private lastWrite = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly perSecond = 200,
    private readonly gapMs = 20,
  ) {}

  /** Queues one line; `make` is only called when the line will be shown. */
  print(make: () => string): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.flushHidden();
      this.windowStart = now;
      this.shown = 0;
    }
    if (this.shown >= this.perSecond) {
      this.hidden++;
      this.summaryTimer ??= setTimeout(() => {
        this.summaryTimer = undefined;
        this.flushHidden();
      }, 1000).unref();
      return;
    }
    this.shown++;
    this.lines.push(make());
    if (!this.scheduled) {
      this.scheduled = true;
      /*
       * A line after a quiet spell goes out at the end of this turn; lines
       * that keep coming are gathered for up to `gapMs`, so a busy server
       * makes at most 50 writes a second, not one per message: each write
       * wakes whatever reads the output, which competes for the same cores
       * (it cost 10-20% of the median post-to-subscriber latency).
       */
      const wait = this.lastWrite + this.gapMs - now;
      if (wait <= 0) setImmediate(() => this.flush());
      else setTimeout(() => this.flush(), wait).unref();
    }
  }

  /** Writes whatever is pending. */
  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = this.lines.join("\n") + "\n";
    this.lines = [];
    this.lastWrite = Date.now();
    this.write(text);
  }

  private flushHidden(): void {
    if (this.hidden === 0) return;
    this.lines.push(`... ${this.hidden} more messages recorded (not shown: over ${this.perSecond} lines a second)`);
    this.hidden = 0;
    this.flush();
  }
}

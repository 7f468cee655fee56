/**
 * The server's one line per recorded message, written in one batch per
 * event-loop turn, and capped: past `perSecond` lines in a second the rest
 * are counted and summed up in one line, so a flood of posts cannot turn
 * the server into a terminal-bound process.
 */
export class RecordPrinter {
  private lines: string[] = [];
  private scheduled = false;
  private windowStart = 0;
  private shown = 0;
  private hidden = 0;
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly perSecond = 200,
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
      setImmediate(() => this.flush());
    }
  }

  /** Writes whatever is pending. */
  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const text = this.lines.join("\n") + "\n";
    this.lines = [];
    this.write(text);
  }

  private flushHidden(): void {
    if (this.hidden === 0) return;
    this.lines.push(`... ${this.hidden} more messages recorded (not shown: over ${this.perSecond} lines a second)`);
    this.hidden = 0;
    this.flush();
  }
}

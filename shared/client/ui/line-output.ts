/**
 * Lines for a pipe or a file, written in batches: what one event-loop turn
 * prints goes out in one write (or every 64 KiB), not one write per line,
 * which in a burst of thousands of messages is a system call each.
 *
 * Nothing printed is lost or reordered: the batch is written before anything
 * goes to the other stream (flush(), which a screen calls before a stderr
 * line, so a reader of both sees them in the order made), when the screen
 * closes, and at process exit, whatever the exit (Node writes to pipes and
 * files synchronously on Linux and macOS, so a write in the exit handler
 * lands). A reader that goes away (`| head`) shows up as EPIPE: from then on
 * output is dropped quietly, with no stack trace, and `onGone` runs once.
 */

/** A batch this large is written at once rather than at the end of the turn. */
const BATCH_CHARS = 64 * 1024;

/* Every output with something pending, written in the exit handler. */
const open = new Set<LineOutput>();
let exitHook = false;

/** A stream's writer that batches lines until the end of the event-loop turn. */
export class LineOutput {
  private pending = "";
  private scheduled = false;
  private gone = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    /** The reader went away (EPIPE, or any write error): called once. */
    private readonly onGone: () => void = () => {},
  ) {
    stream.on("error", () => {
      if (this.gone) return;
      this.gone = true;
      this.pending = "";
      open.delete(this);
      this.onGone();
    });
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const output of open) output.flush();
      });
    }
  }

  /** Whether the reader went away (output is dropped). */
  get closed(): boolean {
    return this.gone;
  }

  /** Queues text (whole lines, each ending in a newline) for this turn's write. */
  write(text: string): void {
    if (this.gone) return;
    this.pending += text;
    if (this.pending.length >= BATCH_CHARS) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      open.add(this);
      setImmediate(this.flushTurn);
    }
  }

  /** Writes what is queued now. */
  flush(): void {
    if (this.pending === "" || this.gone) return;
    const text = this.pending;
    this.pending = "";
    this.stream.write(text);
  }

  private readonly flushTurn = () => {
    this.scheduled = false;
    open.delete(this);
    this.flush();
  };
}

/** Keeps an error stream's EPIPE (its reader gone) from ending the process with a stack trace: there is no one left to tell. */
export function quietOnError(stream: NodeJS.WritableStream): void {
  if (stream.listenerCount("error") === 0) stream.on("error", () => {});
}

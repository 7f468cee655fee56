/**
 * How a transfer is going: bytes done of the total, the rate over the last
 * few seconds (so a pause or a burst shows soon, and one slow start does
 * not drag the whole figure), and the time left at that rate.
 */

/** A transfer's state for a progress display. */
export interface ProgressReport {
  done: number;
  total: number;
  /** Bytes per second over the last RATE_WINDOW_MS; 0 until two samples exist. */
  rate: number;
  /** Milliseconds left at that rate; undefined while the rate is unknown. */
  leftMs: number | undefined;
  /** Bytes that were there already when the transfer started (resumed), part of `done`. */
  resumed: number;
}

/** The span the rate is measured over. */
const RATE_WINDOW_MS = 5000;

/** Measures one transfer's progress. */
export class Progress {
  private samples: { at: number; done: number }[] = [];
  private doneBytes: number;

  constructor(
    readonly total: number,
    /** Bytes already there at the start (a resumed transfer). */
    readonly resumed = 0,
    private readonly now: () => number = Date.now,
  ) {
    this.doneBytes = resumed;
    this.samples.push({ at: now(), done: resumed });
  }

  get done(): number {
    return this.doneBytes;
  }

  /** Counts `bytes` more as done. */
  add(bytes: number): void {
    this.doneBytes += bytes;
    const at = this.now();
    this.samples.push({ at, done: this.doneBytes });
    /* Keep one sample older than the window, so that the window is always spanned. */
    while (this.samples.length > 2 && this.samples[1]!.at <= at - RATE_WINDOW_MS) this.samples.shift();
  }

  /** Where the transfer stands now. */
  report(): ProgressReport {
    const first = this.samples[0]!;
    const elapsed = this.now() - first.at;
    const rate = elapsed > 0 && this.samples.length > 1 ? ((this.doneBytes - first.done) * 1000) / elapsed : 0;
    const left = this.total - this.doneBytes;
    return { done: this.doneBytes, total: this.total, rate, leftMs: rate > 0 ? (left * 1000) / rate : left === 0 ? 0 : undefined, resumed: this.resumed };
  }
}

/**
 * The screen of an interactive terminal: a readline prompt that incoming
 * lines never break. Each line is printed above the prompt area, which is
 * then drawn again below it: the rows that belong to the moment (lines
 * still on their way to the server, Tab's candidates) and the prompt with
 * the half-typed input and the cursor where they were, however many rows
 * the input wraps onto.
 */
import * as readline from "node:readline";
import stringWidth from "string-width";
import wrapAnsi from "wrap-ansi";
import { ALL } from "../../protocol/limits.js";
import { listingCompleter } from "./candidates.js";
import { channelLabel, type LineParts, type MessageFlags } from "./format.js";
import { atPromptRow, cursorRows, rowsBelowPrompt } from "./readline-rows.js";
import { PENDING_SHOWN, type PendingPost, type ProgressRow, type Screen, type ScreenOptions } from "./screen-types.js";
import { askSecret } from "./secret-prompt.js";
import { styledLine, type Style } from "./style.js";

/** The mark of a line not yet taken by the server. */
export const PENDING_MARK = "…";
/** A progress row is redrawn at most this often. */
const PROGRESS_MS = 200;

/** The Screen for a terminal that understands cursor movement. */
export class TerminalScreen implements Screen {
  readonly interactive = true;
  readonly style: Style;
  readonly left: Promise<void>;
  private readonly rl: readline.Interface;
  private readonly typed: AsyncIterator<string>;
  private readonly out: NodeJS.WriteStream;
  private readonly bell: boolean;
  private closed = false;
  private pendingRows: string[] = [];
  private candidates: string | undefined;
  /** Running transfers' rows, drawn above the pending lines. */
  private readonly progressRows = new Map<string, ProgressRow>();
  private progressTimer: NodeJS.Timeout | undefined;
  /** The display widths of the rows drawn above the prompt, as they are on the screen now. */
  private drawn: number[] = [];
  /* Lines that arrive while a password is asked, shown once it is in. */
  private held: string[] | undefined;
  private channel = "";
  /* The conversation of a /query, shown in the prompt instead of the channel. */
  private query: string | undefined;

  constructor(o: ScreenOptions) {
    this.style = o.style;
    this.out = o.output as NodeJS.WriteStream;
    this.bell = o.bell ?? true;
    const completer = o.completer && listingCompleter(o.completer, (hits) => this.showCandidates(hits));
    this.rl = readline.createInterface({
      input: o.input,
      output: this.out,
      terminal: true,
      historySize: 200,
      removeHistoryDuplicates: true,
      ...(completer ? { completer } : {}),
    });
    /*
     * readline's count of rows is brought up to date before it handles a key
     * and after (its redraws, on a later key or a resize of the window, move
     * up by that count); after a key, Tab's candidates go.
     */
    const before = () => void (this.closed || cursorRows(this.rl));
    const after = (_: unknown, key?: { name?: string }) => {
      if (this.closed) return;
      cursorRows(this.rl);
      if (this.candidates !== undefined && key?.name !== "tab") {
        this.candidates = undefined;
        this.redraw("");
      }
    };
    o.input.prependListener("keypress", before);
    o.input.on("keypress", after);
    // In raw mode Ctrl-C is a key, not a signal.
    this.rl.on("SIGINT", () => {
      o.onInterrupt?.();
      this.rl.close();
    });
    /* Registered before anyone iterates the lines, so it runs while the screen is still as readline left it. */
    this.rl.on("line", (line: string) => this.submitted(line));
    // Ctrl-D, Ctrl-C or close(): take the prompt area away so the goodbye starts a clean line.
    this.left = new Promise((resolve) => this.rl.once("close", () => {
      this.erasePrompt();
      this.closed = true;
      o.input.off("keypress", before);
      o.input.off("keypress", after);
      resolve();
    }));
    this.typed = this.rl[Symbol.asyncIterator]();
  }

  message(parts: LineParts, flags: MessageFlags): void {
    /* A live message that names the reader rings once; history never does. */
    const ring = this.bell && !flags.history && flags.mentions.length > 0;
    this.above(styledLine(parts, flags, this.style, this.columns), ring);
  }

  notice(text: string): void {
    this.above(this.style.notice(text));
  }

  warning(text: string): void {
    this.above(this.style.warning(text));
  }

  output(lines: string[]): void {
    for (const line of lines) this.above(line);
  }

  pending(newest: readonly PendingPost[], total = newest.length): void {
    /* PENDING_SHOWN rows: the newest lines, the first row counting the rest when there are more. */
    const shown = total > PENDING_SHOWN ? PENDING_SHOWN - 1 : total;
    this.pendingRows = [
      ...(total > shown ? [`${PENDING_MARK} ${total - shown} more not sent yet`] : []),
      ...newest.slice(newest.length - shown).map((p) => `${PENDING_MARK} ${pendingText(p)}`),
    ].map((row) => this.style.dim(row));
    if (!this.closed) this.redraw("");
  }

  progress(id: string, row: ProgressRow | undefined): void {
    if (row) this.progressRows.set(id, row);
    else this.progressRows.delete(id);
    /* A row that goes is taken away at once; a changed one waits for the next redraw, at most PROGRESS_MS away. */
    if (!row) return this.redrawNow();
    this.progressTimer ??= setTimeout(() => this.redrawNow(), PROGRESS_MS).unref();
  }

  private redrawNow(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    if (!this.closed && !this.held) this.redraw("");
  }

  setChannel(channel: string): void {
    this.channel = channel;
    this.setPrompt();
  }

  setQuery(to: string | undefined): void {
    this.query = to;
    this.setPrompt();
  }

  lines(): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.typed };
  }

  async secret(prompt: string): Promise<string | undefined> {
    if (this.closed) return undefined;
    this.erasePrompt();
    this.held = [];
    const answer = await askSecret(this.rl, this.style.prompt(prompt));
    const held = this.held;
    this.held = undefined;
    // The password's prompt row gives way to what arrived meanwhile, then the chat's prompt.
    const text = held.map((line) => `${line}\n`).join("");
    if (this.closed) this.out.write(text);
    else this.redraw(text);
    return answer;
  }

  close(): void {
    this.rl.close();
  }

  private setPrompt(): void {
    const { channel, query } = this;
    const prompt = query !== undefined
      ? this.style.private(`[${query}]`)
      : this.style.prompt(`[${channelLabel(channel)}${channel === ALL ? " read-only" : ""}]`);
    this.rl.setPrompt(`${prompt} `);
    if (!this.closed) this.redraw("");
  }

  private get columns(): number {
    return this.out.columns || 80;
  }

  /** Prints a line above the prompt area; `ring`s the bell with it. */
  private above(text: string, ring = false): void {
    const line = `${text}\n${ring ? "\x07" : ""}`;
    if (this.held) this.held.push(`${text}${ring ? "\x07" : ""}`);
    else if (this.closed) this.out.write(line);
    else this.redraw(line);
  }

  private showCandidates(hits: string[]): void {
    this.candidates = this.style.dim(hits.join("  "));
    this.redraw("");
  }

  /** Clears the prompt area, writes `text` in its place, and draws the area again below it, the cursor where it was. */
  private redraw(text: string): void {
    this.erasePrompt();
    this.out.write(text);
    this.drawPromptArea();
  }

  /** The rows above the prompt, each cut to one row, then the prompt and the input (readline draws those). */
  private drawPromptArea(): void {
    clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    const progress = [...this.progressRows.values()].map((row) => row(this.columns, stringWidth));
    const rows = [...progress, ...this.pendingRows, ...(this.candidates === undefined ? [] : [this.candidates])].map((row) => fit(row, this.columns));
    for (const row of rows) this.out.write(`${row}\n`);
    this.drawn = rows.map((row) => stringWidth(row));
    atPromptRow(this.rl);
    this.rl.prompt(true);
  }

  /** Clears the prompt area: the rows above the prompt, the prompt and the input (every row it wraps onto). */
  private erasePrompt(): void {
    if (this.closed) return;
    /* A terminal that reflows on a resize has re-wrapped each row drawn above the prompt. */
    const above = this.drawn.reduce((n, width) => n + Math.max(1, Math.ceil(width / this.columns)), 0);
    readline.moveCursor(this.out, 0, -(cursorRows(this.rl) + above));
    readline.cursorTo(this.out, 0);
    readline.clearScreenDown(this.out);
    this.drawn = [];
  }

  /**
   * Enter: readline has echoed the line and moved below it. The line comes
   * back from the server as a message (or is a command), so the echo is
   * taken away, Tab's candidates too, and a fresh prompt drawn where it was.
   */
  private submitted(line: string): void {
    readline.moveCursor(this.out, 0, -(rowsBelowPrompt(this.rl, line) + 1));
    atPromptRow(this.rl);
    this.candidates = undefined;
    this.redraw("");
  }
}

/** A pending line as it will read: `kyle: hi`, `* kyle waves`, `kyle->zoe: hi`, on one row. */
function pendingText(p: PendingPost): string {
  const who = p.to === undefined ? p.user : `${p.user}->${p.to}`;
  return `${p.kind === "me" ? `${p.to === undefined ? "" : `${who}: `}* ${p.user} ` : `${who}: `}${p.body.replaceAll("\n", " ")}`;
}

/** `row` cut to one row of the terminal (by display width), marked where it was cut. */
function fit(row: string, columns: number): string {
  if (stringWidth(row) <= columns) return row;
  return `${wrapAnsi(row, columns - 1, { hard: true, trim: false }).split("\n")[0]}…`;
}

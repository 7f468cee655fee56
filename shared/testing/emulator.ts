/**
 * Test support: what a person would see on a terminal, given the bytes a
 * program wrote to it, as xterm.js (@xterm/headless) draws them: cursor
 * moves, erases, autowrap, reflow on resize, wide characters, the bell.
 * This file only reads xterm's buffer back as rows of text.
 *
 * xterm.js ships the Unicode 6 width table, where emoji are one cell wide;
 * terminals today draw them two cells wide (Unicode 9 and later), and so do
 * readline and string-width. The emulator is given that table (string-width's
 * answer per code point) instead.
 */
import xterm from "@xterm/headless";
import stringWidth from "string-width";

const { Terminal } = xterm;

/** Where the cursor is: column and row of the visible screen, from 0. */
export interface Cursor {
  x: number;
  y: number;
}

/* xterm's packing of a character's properties: width in bits 1-2, "joins the preceding character" in bit 0. */
const UNICODE_WIDE_EMOJI: xterm.IUnicodeVersionProvider = {
  version: "string-width",
  wcwidth: (codepoint) => Math.min(2, stringWidth(String.fromCodePoint(codepoint))) as 0 | 1 | 2,
  charProperties(codepoint, preceding) {
    let width = this.wcwidth(codepoint);
    const joins = width === 0 && preceding !== 0 && ((preceding >> 1) & 3) !== 0;
    if (joins) width = Math.max(width, (preceding >> 1) & 3) as 0 | 1 | 2;
    return ((width & 3) << 1) | (joins ? 1 : 0);
  },
};

/** A headless xterm and a reading of its screen. */
export class Emulator {
  readonly term: xterm.Terminal;
  /** How many times the program rang the bell. */
  bells = 0;

  /**
   * `convertEol`: a bare LF also returns to column 0, as a tty with onlcr
   * delivers it (for output written straight to the emulator, not through a pty).
   */
  constructor(columns: number, rows: number, { convertEol = false } = {}) {
    this.term = new Terminal({ cols: columns, rows, convertEol, scrollback: 10_000, allowProposedApi: true });
    this.term.unicode.register(UNICODE_WIDE_EMOJI);
    this.term.unicode.activeVersion = UNICODE_WIDE_EMOJI.version;
    this.term.onBell(() => this.bells++);
  }

  get columns(): number {
    return this.term.cols;
  }

  /** Feeds output to the terminal; resolves once it is drawn. */
  write(data: string): Promise<void> {
    return new Promise((resolve) => this.term.write(data, resolve));
  }

  /** Resolves once everything written so far is drawn. */
  drawn(): Promise<void> {
    return this.write("");
  }

  /** As a window resized by the person: xterm reflows wrapped rows. */
  resize(columns: number, rows: number): void {
    this.term.resize(columns, rows);
  }

  /** The visible rows, trailing blanks (written spaces too: nobody sees them) trimmed (blank rows at the bottom kept, as empty strings). */
  get screen(): string[] {
    const b = this.term.buffer.active;
    return Array.from({ length: this.term.rows }, (_, y) => b.getLine(b.viewportY + y)?.translateToString(true).trimEnd() ?? "");
  }

  /** Everything shown so far: the rows scrolled off the top, then the screen, trailing empty rows dropped. */
  get transcript(): string[] {
    const b = this.term.buffer.active;
    const all = Array.from({ length: b.length }, (_, y) => b.getLine(y)!.translateToString(true).trimEnd());
    while (all.length > 0 && all.at(-1) === "") all.pop();
    return all;
  }

  get cursor(): Cursor {
    const b = this.term.buffer.active;
    return { x: b.cursorX, y: b.cursorY };
  }

  /** The row the cursor is on, trimmed. */
  get cursorRow(): string {
    return this.screen[this.cursor.y]!;
  }
}

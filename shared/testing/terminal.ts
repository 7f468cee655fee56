/**
 * Test support: what a person would see on a terminal, given the bytes a
 * program wrote to it. Understands what the clients and readline write:
 * printable text with autowrap, CR, LF (as a tty with onlcr delivers it:
 * back to column 0 as well), backspace, tab, the cursor moves CSI A B C D
 * G H, and the erases CSI K and J. Colours and other escapes are dropped.
 * Every character takes one cell, so tests stick to narrow characters.
 */

/** Where the cursor is: column and row, from 0. */
export interface Cursor {
  x: number;
  y: number;
}

export class VirtualTerminal {
  private grid: string[][];
  private readonly scrolled: string[] = [];
  private x = 0;
  private y = 0;
  /* After writing the last column the cursor stays there until the next character wraps, as xterm does. */
  private pendingWrap = false;
  private partial = "";

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    this.grid = Array.from({ length: rows }, () => this.blankRow());
  }

  /** Feeds output to the terminal; an escape sequence may be split across calls. */
  write(data: string): void {
    const text = this.partial + data;
    this.partial = "";
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === "\x1b") {
        const used = this.escape(text, i);
        if (used === 0) {
          this.partial = text.slice(i);
          return;
        }
        i += used;
        continue;
      }
      i++;
      if (ch === "\r") this.moveTo(0, this.y);
      else if (ch === "\n") this.lineFeed();
      else if (ch === "\b") this.moveTo(this.x - 1, this.y);
      else if (ch === "\t") this.moveTo(Math.min(this.columns - 1, (Math.floor(this.x / 8) + 1) * 8), this.y);
      else if (ch >= " " && ch !== "\x7f") this.put(ch);
    }
  }

  /** The visible rows, trailing blanks trimmed (blank rows at the bottom kept, as empty strings). */
  get screen(): string[] {
    return this.grid.map((row) => row.join("").trimEnd());
  }

  /** Everything shown so far: the rows scrolled off the top, then the screen, trailing empty rows dropped. */
  get transcript(): string[] {
    const all = [...this.scrolled, ...this.screen];
    while (all.length > 0 && all.at(-1) === "") all.pop();
    return all;
  }

  get cursor(): Cursor {
    return { x: this.x, y: this.y };
  }

  /** The row the cursor is on, trimmed. */
  get cursorRow(): string {
    return this.screen[this.y]!;
  }

  private blankRow(): string[] {
    return Array.from({ length: this.columns }, () => " ");
  }

  private put(ch: string): void {
    if (this.pendingWrap) {
      this.x = 0;
      this.lineFeed();
    }
    this.grid[this.y]![this.x] = ch;
    if (this.x === this.columns - 1) this.pendingWrap = true;
    else this.x++;
  }

  private lineFeed(): void {
    this.x = 0;
    this.pendingWrap = false;
    if (this.y < this.rows - 1) {
      this.y++;
      return;
    }
    this.scrolled.push(this.grid.shift()!.join("").trimEnd());
    this.grid.push(this.blankRow());
  }

  private moveTo(x: number, y: number): void {
    this.x = Math.max(0, Math.min(this.columns - 1, x));
    this.y = Math.max(0, Math.min(this.rows - 1, y));
    this.pendingWrap = false;
  }

  /** Applies the escape sequence at `i`; returns its length, or 0 when it is incomplete. */
  private escape(text: string, i: number): number {
    const next = text[i + 1];
    if (next === undefined) return 0;
    if (next === "]") {
      // OSC (a window title): up to BEL or ST.
      const end = text.slice(i).search(/\x07|\x1b\\/);
      if (end === -1) return 0;
      return end + (text[i + end] === "\x07" ? 1 : 2);
    }
    if (next !== "[") return 2;
    const m = /^\x1b\[([?>]?)([\d;]*)([@-~])/.exec(text.slice(i));
    if (!m) return /^\x1b\[[?>]?[\d;]*$/.test(text.slice(i)) ? 0 : 2;
    if (m[1] === "") this.csi(m[3]!, m[2]!.split(";").map((p) => (p === "" ? undefined : Number(p))));
    return m[0].length;
  }

  private csi(final: string, p: (number | undefined)[]): void {
    const n = p[0] ?? 1;
    switch (final) {
      case "A": return this.moveTo(this.x, this.y - n);
      case "B": return this.moveTo(this.x, this.y + n);
      case "C": return this.moveTo(this.x + n, this.y);
      case "D": return this.moveTo(this.x - n, this.y);
      case "G": return this.moveTo(n - 1, this.y);
      case "H":
      case "f": return this.moveTo((p[1] ?? 1) - 1, n - 1);
      case "K": return this.eraseInRow(p[0] ?? 0);
      case "J": return this.eraseInScreen(p[0] ?? 0);
    }
  }

  private eraseInRow(mode: number): void {
    const row = this.grid[this.y]!;
    const [from, to] = mode === 0 ? [this.x, this.columns] : mode === 1 ? [0, this.x + 1] : [0, this.columns];
    for (let x = from; x < to; x++) row[x] = " ";
  }

  private eraseInScreen(mode: number): void {
    if (mode === 0) {
      this.eraseInRow(0);
      for (let y = this.y + 1; y < this.rows; y++) this.grid[y] = this.blankRow();
    } else if (mode === 1) {
      this.eraseInRow(1);
      for (let y = 0; y < this.y; y++) this.grid[y] = this.blankRow();
    } else {
      this.grid = Array.from({ length: this.rows }, () => this.blankRow());
    }
  }
}

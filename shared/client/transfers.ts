/**
 * The client's file transfers (/send, /get, /files): each runs in the
 * background on the file port (files/file-link.ts, one DEALER for all of
 * them), so the chat stays usable and several run at once. A terminal
 * shows each as a progress row above the prompt; when one ends, one line
 * says so (`sent ...`, `saved ...`) or why not, which plain output prints
 * as its only line about it.
 *
 * At the end of piped input the client waits for running transfers
 * (settle): as long as they make progress, and no longer than --give-up
 * after the last progress of any of them. Ctrl-C stops them at once;
 * what arrived stays for the same command to continue.
 *
 * The file machinery (file-link.ts, upload.ts, download.ts and their
 * chunks, part files and windows) is imported with the first transfer or
 * listing: most runs send no file, and a client's start loads only what
 * it needs (issue 16).
 */
import { ClosedError, isChatError, type HandshakeError } from "../errors.js";
import type { FileOffer } from "../protocol/index.js";
import { RejectedError } from "../protocol/errors.js";
import type { CurveClientKeys } from "../transport/curve.js";
import type { FileLink } from "./files/file-link.js";
import type { ProgressReport } from "./files/progress.js";
import { StalledError } from "./files/transfer-errors.js";
import { progressRow, resumingLine, savedLine, sentLine, shownName } from "./ui/transfer-lines.js";
import type { Screen } from "./ui/screen-types.js";

/** What the transfers work with. */
export interface TransfersOptions {
  screen: Screen;
  /** The file port's endpoint once the server has said it (its hello answer); undefined for a server without one. */
  endpoint: () => Promise<string | undefined>;
  curve?: CurveClientKeys | undefined;
  onFailure: (err: HandshakeError) => void;
  /** The login token now. */
  token: () => string | undefined;
  /** The server refused the token: the login ended. */
  loginEnded: () => void;
}

interface Running {
  /** Its key in the running table, and its progress row's id. */
  key: string;
  done: Promise<void>;
  abort: AbortController;
  /** When it last moved (or started). */
  moved: number;
}

/** The transfers of one client. */
export class Transfers {
  private link: FileLink | undefined;
  private readonly running = new Map<string, Running>();
  private counter = 0;
  private closed = false;
  /** What this client sends or sent (recipient and hash, in lower case): the inbox items of those offers need no line here (its `sent` line says it). */
  private readonly sending = new Set<string>();
  /** Transfers that ended without doing their job. */
  failed = 0;

  constructor(private readonly o: TransfersOptions) {}

  /** Transfers running now. */
  get count(): number {
    return this.running.size;
  }

  /** Starts sending the file at `path` (absolute) to `to` in the background. */
  send(to: string, path: string): void {
    const label = `${shownName(path.split("/").pop() ?? path)} to ${to}`;
    this.start(async (link, r) => {
      const { upload } = await import("./files/upload.js");
      const up = await upload({
        ops: link, path, to, signal: r.abort.signal,
        onHashed: (h) => this.sending.add(`${to} ${h.sha256}`.toLowerCase()),
        onStart: (s) => {
          r.moved = Date.now();
          if (s.resumed > 0 && s.resumed < s.size) this.o.screen.notice(resumingLine("send", s.name, s.resumed, s.size));
        },
        onProgress: (p) => this.moved(r, "send", label, p),
      });
      this.o.screen.output([sentLine(up, to)]);
    }, (sentence) => `could not send ${label}: ${sentence}`);
  }

  /** Starts fetching offer `offer` into `dir` (absolute) in the background. */
  get(offer: number, dir: string): void {
    if (this.running.has(`get ${offer}`)) return this.o.screen.warning(`offer ${offer} is being fetched already`);
    let label = `offer ${offer}`;
    this.start(async (link, r) => {
      const { download } = await import("./files/download.js");
      const got = await download({
        ops: link, offer, dir, signal: r.abort.signal,
        onStart: (s) => {
          label = `${shownName(s.name)} from ${s.from}`;
          r.moved = Date.now();
          if (s.resumed > 0 && s.resumed < s.size) this.o.screen.notice(resumingLine("get", s.name, s.resumed, s.size));
        },
        onProgress: (p) => this.moved(r, "get", label, p),
      });
      this.o.screen.output([savedLine(got, got.path)]);
    }, (sentence) => `could not get ${label}: ${sentence}`, `get ${offer}`);
  }

  /** Whether an offer (an inbox item) is one this client made. */
  madeHere(o: Pick<FileOffer, "to" | "sha256">): boolean {
    return this.sending.has(`${o.to} ${o.sha256}`.toLowerCase());
  }

  /** The offers this account may download; undefined once the person has been told why not. */
  async list(): Promise<FileOffer[] | undefined> {
    const link = await this.connect();
    if (!link) return undefined;
    try {
      return (await link.files()).files;
    } catch (err) {
      this.refused(err, (s) => `could not list the files: ${s}`);
      return undefined;
    }
  }

  /**
   * Resolves once every running transfer has ended, or once none has moved
   * for `giveUpMs` (those are stopped, each with its line).
   */
  async settle(giveUpMs: number): Promise<void> {
    while (this.running.size > 0) {
      const all = [...this.running.values()];
      const last = Math.max(...all.map((r) => r.moved));
      const wait = last + giveUpMs - Date.now();
      if (wait <= 0) {
        for (const r of all) r.abort.abort(new StalledError(Date.now() - r.moved));
        await Promise.all(all.map((r) => r.done));
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.race(all.map((r) => r.done)), new Promise((resolve) => (timer = setTimeout(resolve, Math.min(wait, 1000))))]);
      clearTimeout(timer);
    }
  }

  /** Stops every transfer (what arrived stays) and closes the file port's socket. */
  close(): void {
    this.closed = true;
    for (const r of this.running.values()) r.abort.abort(new ClosedError());
    this.link?.close();
  }

  private start(work: (link: FileLink, r: Running) => Promise<void>, failure: (sentence: string) => string, key = `#${++this.counter}`): void {
    const r: Running = { key, done: Promise.resolve(), abort: new AbortController(), moved: Date.now() };
    this.running.set(key, r);
    r.done = (async () => {
      try {
        const link = await this.connect();
        if (!link) return void this.failed++;
        await work(link, r);
      } catch (err) {
        if (!this.refused(err, failure)) return;
        this.failed++;
      } finally {
        this.running.delete(key);
        this.o.screen.progress(key, undefined);
      }
    })();
  }

  /** Tells why a request failed; false when there is nothing to tell (the client is closing). */
  private refused(err: unknown, failure: (sentence: string) => string): boolean {
    if (err instanceof ClosedError || (this.closed && !(err instanceof StalledError))) return false;
    if (err instanceof RejectedError) {
      if (err.code === "auth-failed") this.o.loginEnded();
      this.o.screen.warning(failure(err.reason));
    } else if (isChatError(err)) {
      this.o.screen.warning(failure(err.sentence));
    } else {
      this.o.screen.warning(failure(fileError(err)));
    }
    return true;
  }

  private moved(r: Running, direction: "send" | "get", label: string, p: ProgressReport): void {
    r.moved = Date.now();
    if (p.done < p.total) this.o.screen.progress(r.key, (columns, width) => progressRow(direction, label, p, columns, width));
  }

  /** The file port's link, made once the server has said where it is; undefined (and said why) without one. */
  private async connect(): Promise<FileLink | undefined> {
    if (this.link) return this.link;
    if (this.o.token() === undefined) {
      this.o.screen.warning("files are for accounts: /login (or /register) first");
      return undefined;
    }
    const endpoint = await this.o.endpoint();
    if (this.link) return this.link;
    if (endpoint === undefined) {
      this.o.screen.warning("this server has no file port: it does not take files (or has not answered yet)");
      return undefined;
    }
    const { FileLink } = await import("./files/file-link.js");
    if (this.link) return this.link;
    this.link = new FileLink({ endpoint, curve: this.o.curve, token: this.o.token, onFailure: this.o.onFailure });
    return this.link;
  }
}

/** A file system error as one line: `no such file or directory: /x/y`. */
function fileError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const where = e.path ? `: ${e.path}` : "";
  switch (e.code) {
    case "ENOENT":
      return `no such file or directory${where}`;
    case "EACCES":
    case "EPERM":
      return `permission denied${where}`;
    case "ENOSPC":
      return `no space left on the disk${where}`;
    case "EISDIR":
      return `is a directory${where}`;
    case "ENOTDIR":
      return `not a directory${where}`;
    default:
      return `unexpected error: ${e.message ?? String(err)}`;
  }
}

/**
 * Uploads in progress: one per (account, recipient, sha256), so offering
 * the same file to the same recipient again resumes it. Each knows which
 * chunks arrived; the offer answer lists the ones still missing as index
 * ranges. The bookkeeping is written beside the part file (blob-store.ts)
 * after chunks land, at most every SAVE_EVERY_MS per upload: a server
 * killed meanwhile has the bytes but not the record of the last few
 * chunks, and asks for them again (never the reverse: a chunk is recorded
 * only once written). So a server with --files on disk resumes uploads
 * across its own restart.
 */
import { randomBytes } from "node:crypto";
import { chunkCount } from "../../protocol/index.js";
import { MISSING_RANGES_MAX } from "../../protocol/limits.js";

/** An upload in progress. */
export interface Upload {
  /** 32 hex digits, random: a put names it (with its account's token). */
  id: string;
  /** The uploading account: its key (names.ts) and registered name. */
  key: string;
  user: string;
  /** The recipient as the offer names it, and its folded key (accounts and groups folded, "#<channel>" as is). */
  to: string;
  toKey: string;
  name: string;
  size: number;
  sha256: string;
  /** Which chunks arrived, one flag per chunk. */
  have: Uint8Array;
  /** How many flags are set. */
  count: number;
  created: number;
  /** Last offer or put (ms): an upload idle longer than the file TTL is swept. */
  touched: number;
}

/** The bookkeeping as it is saved. */
type Saved = Omit<Upload, "have" | "count"> & { have: number[] };

/** Writes of one upload's bookkeeping are at most this often (ms). */
export const SAVE_EVERY_MS = 500;

/** The key uploads are found by: the same account, recipient and file resume one upload. */
export const uploadKey = (key: string, toKey: string, sha256: string) => `${key}\n${toKey}\n${sha256}`;

export class Uploads {
  private readonly byId = new Map<string, Upload>();
  private readonly byKey = new Map<string, Upload>();
  private readonly saving = new Map<string, NodeJS.Timeout>();
  private readonly writes = new Map<string, Promise<void>>();

  /** `save` writes an upload's bookkeeping (as JSON); `discard` deletes its files. */
  constructor(private readonly save: (id: string, json: string) => Promise<void>, private readonly onError: (sentence: string) => void = () => {}) {}

  /** Starts a new upload (no chunk yet). */
  start(u: Omit<Upload, "id" | "have" | "count">): Upload {
    const upload: Upload = { ...u, id: randomBytes(16).toString("hex"), have: new Uint8Array(chunkCount(u.size)), count: 0 };
    this.add(upload);
    this.saveSoon(upload);
    return upload;
  }

  /** The upload of `key` to `toKey` of this file, if one is in progress. */
  find(key: string, toKey: string, sha256: string): Upload | undefined {
    return this.byKey.get(uploadKey(key, toKey, sha256));
  }

  get(id: string): Upload | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Upload> {
    return this.byId.values();
  }

  /** Records that chunk `index` was written. */
  arrived(u: Upload, index: number, now: number): void {
    if (u.have[index] === 0) {
      u.have[index] = 1;
      u.count++;
    }
    u.touched = now;
    this.saveSoon(u);
  }

  /** Forgets every chunk (the whole file did not match its hash). */
  restart(u: Upload, now: number): void {
    u.have.fill(0);
    u.count = 0;
    u.touched = now;
    this.saveSoon(u);
  }

  /** Whether every chunk arrived. */
  complete = (u: Upload): boolean => u.count === u.have.length;

  /**
   * Forgets an upload (finished, or swept); its files are the caller's, to
   * delete once the returned promise settles (a bookkeeping write in flight
   * would otherwise bring its file back).
   */
  remove(u: Upload): Promise<void> {
    this.byId.delete(u.id);
    this.byKey.delete(uploadKey(u.key, u.toKey, u.sha256));
    clearTimeout(this.saving.get(u.id));
    this.saving.delete(u.id);
    return this.writes.get(u.id) ?? Promise.resolve();
  }

  /** Loads uploads saved by an earlier run (BlobStore.loadMetas); bookkeeping it cannot read is skipped. */
  load(metas: Map<string, string>): void {
    for (const [id, json] of metas) {
      try {
        const s = JSON.parse(json) as Saved;
        const have = new Uint8Array(chunkCount(s.size));
        for (const i of s.have) if (i >= 0 && i < have.length) have[i] = 1;
        if (s.id !== id) continue;
        this.add({ ...s, have, count: have.reduce((n, b) => n + b, 0) });
      } catch {
        this.onError(`could not read the bookkeeping of upload ${id}; it starts over when offered again`);
      }
    }
  }

  /** Writes every pending bookkeeping now (the server is stopping). */
  async flush(): Promise<void> {
    const pending = [...this.saving.keys()];
    for (const id of pending) clearTimeout(this.saving.get(id));
    this.saving.clear();
    await Promise.all(pending.map((id) => this.byId.get(id)).filter((u): u is Upload => !!u).map((u) => this.write(u)));
  }

  private add(u: Upload): void {
    this.byId.set(u.id, u);
    this.byKey.set(uploadKey(u.key, u.toKey, u.sha256), u);
  }

  private saveSoon(u: Upload): void {
    if (this.saving.has(u.id)) return;
    const timer = setTimeout(() => {
      this.saving.delete(u.id);
      if (this.byId.get(u.id) === u) void this.write(u);
    }, SAVE_EVERY_MS);
    timer.unref();
    this.saving.set(u.id, timer);
  }

  private write(u: Upload): Promise<void> {
    const done = this.writeNow(u).finally(() => {
      if (this.writes.get(u.id) === done) this.writes.delete(u.id);
    });
    this.writes.set(u.id, done);
    return done;
  }

  private async writeNow(u: Upload): Promise<void> {
    await this.writes.get(u.id);
    const { have, count: _count, ...rest } = u;
    const saved: Saved = { ...rest, have: [] };
    for (let i = 0; i < have.length; i++) if (have[i]) saved.have.push(i);
    try {
      await this.save(u.id, JSON.stringify(saved));
    } catch (err) {
      /* Harmless: the chunks it would have recorded are asked for again. */
      if (this.byId.get(u.id) === u) this.onError(`could not save upload ${u.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The chunk ranges [first, last] an upload still needs, ascending, at most MISSING_RANGES_MAX. */
export function missingRanges(have: Uint8Array): [number, number][] {
  const ranges: [number, number][] = [];
  let i = 0;
  while (i < have.length && ranges.length < MISSING_RANGES_MAX) {
    if (have[i]) {
      i++;
      continue;
    }
    const first = i;
    while (i < have.length && !have[i]) i++;
    ranges.push([first, i - 1]);
  }
  return ranges;
}

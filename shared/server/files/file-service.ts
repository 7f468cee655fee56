/**
 * What the file port does with each request (shared/protocol/ops/files.ts):
 * offers and their uploads, chunk by chunk, verified; downloads for the
 * offer's recipients only; the list of what one may download; and the
 * sweep that ends expired offers and deletes bytes nobody refers to.
 *
 * Decisions, for the record:
 * - Offering the same file (sha256) to the same recipient while an offer
 *   of it is still live answers that offer again, without a second notice:
 *   a /send run again after its last answer was lost is no new offer.
 * - An offer to a non-recipient, like one that never was, is not-found
 *   "no file offer 7"; an expired one is "offer 7 has expired", to its
 *   recipients only. A group's offer is for its members as they are now.
 * - The quota counts the account's live offers and uploads in progress,
 *   each by its size, whether or not its bytes are shared with another.
 * - Each request checks its token (a map lookup): a login that ends stops
 *   its transfers at the next chunk.
 * - In a cluster (deps.shared, cluster-blobs.ts, and the offers in
 *   cluster-offers.ts) the bytes of a completed upload are in the
 *   cluster's object store before its offer is made; a download of a file
 *   this server lacks fetches it first (once, however many ask at once).
 */
import { createHash, randomBytes } from "node:crypto";
import {
  chunkCount, chunkLength, encodeControlAnswer, encodeFetchAnswer, formatBytes, offerBody, targetChannel,
  type FileNotice, type FileRequest, type OfferRequest, type PutRequest, type FilesAnswer,
} from "../../protocol/index.js";
import { CHUNK_BYTES, FILES_LIST_MAX } from "../../protocol/limits.js";
import { accountKey } from "../accounts/names.js";
import { Refusal } from "../accounts/refusal.js";
import type { Message } from "../batch.js";
import type { Group } from "../conversations/store.js";
import type { MessageEntry } from "../log/event-log.js";
import { RateLimiter } from "../rate-limiter.js";
import type { BlobStore } from "./blob-store.js";
import type { SharedBlobs } from "./cluster-blobs.js";
import { wireOffer, type OfferRecord, type OfferStore, type TargetKind } from "./offers.js";
import { missingRanges, Uploads, type Upload } from "./uploads.js";

/** The limits of mc_server's file options. */
export interface FileLimits {
  /** --max-file-size, bytes. */
  maxFileSize: number;
  /** --file-quota: bytes of live offers and uploads in progress per account. */
  quota: number;
  /** --file-rate: bytes a second per account, puts and fetches together (0: no limit). */
  rate: number;
  /** --file-ttl: how long an offer lasts, and an idle upload is kept (ms). */
  ttlMs: number;
}

/** What happened to a file, for the server's --log (never its contents). */
export interface FileEvent {
  event: "file-offer" | "file-download";
  offer: number;
  from: string;
  to: string;
  name: string;
  size: number;
  sha256: string;
  /** Who downloads (file-download). */
  user?: string;
}

/** What the service needs from the rest of the server. */
export interface FileDeps {
  blobs: BlobStore;
  offers: OfferStore;
  /** In a cluster: the files every server can fetch (the local `blobs` being this server's copy). */
  shared?: SharedBlobs | undefined;
  /** The account a token stands for; throws a Refusal (auth-failed) for a stale one. */
  userOf(token: string, now: number): string;
  /** An account's registered name by key, if it exists. */
  account(key: string): string | undefined;
  group(key: string): Group | undefined;
  /** Adds an item to an account's inbox (Inboxes.deliver). */
  deliver(key: string, item: FileNotice): void;
  /** Appends a channel message through the pipeline; resolves once it is committed (and published). */
  record(entry: MessageEntry): Promise<unknown>;
  onEvent?: (e: FileEvent) => void;
  onError?: (sentence: string) => void;
}

export const FILES_NEED_LOGIN = "files are for accounts: register and log in";
const noOffer = (n: number) => `no file offer ${n}`;

export class FileService {
  readonly uploads: Uploads;
  private readonly limiter: RateLimiter;
  /** Uploads finished lately, by id: a put retried after its answer was lost is answered with the offer again. */
  private readonly finished = new Map<string, { key: string; offer: number; at: number }>();
  /** One upload's puts are written one after another (a chunk, then the completion). */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Files being made into offers (sha256 -> how many): the sweep leaves their local bytes alone. */
  private readonly pinned = new Map<string, number>();
  /** Files being fetched from the cluster, by sha256: one fetch however many downloads wait for it. */
  private readonly fetching = new Map<string, Promise<boolean>>();

  constructor(private readonly d: FileDeps, readonly limits: FileLimits) {
    this.uploads = new Uploads((id, json) => d.blobs.saveMeta(id, json), d.onError);
    /* A second's worth of bytes at once, and never less than a chunk, which must always fit. */
    this.limiter = new RateLimiter(limits.rate, Math.max(limits.rate, CHUNK_BYTES));
  }

  /** Loads the uploads in progress a previous run left in the directory. */
  async open(): Promise<void> {
    this.uploads.load(await this.d.blobs.loadMetas());
  }

  /** The reply (after the envelope) to one request of the file port; throws a Refusal or CodecError. */
  async handle(r: FileRequest, now: number): Promise<Message> {
    if (r.token === undefined) throw new Refusal("auth-required", FILES_NEED_LOGIN);
    const user = this.d.userOf(r.token, now);
    const key = accountKey(user);
    switch (r.op) {
      case "offer": return encodeControlAnswer(await this.offer(user, key, r, now));
      case "put": return encodeControlAnswer(await this.put(key, r, now));
      case "get": {
        const o = await this.readable(key, r.offer, now);
        this.d.onEvent?.({ event: "file-download", ...eventOf(o), user });
        return encodeControlAnswer({ ...wireOffer(o), chunk: CHUNK_BYTES });
      }
      case "fetch": {
        const o = await this.readable(key, r.offer, now);
        if (r.index >= chunkCount(o.size)) throw new Refusal("bad-field", `offer ${o.offer} has ${chunkCount(o.size)} chunks, numbered from 0`);
        const length = chunkLength(o.size, r.index);
        this.throttle(key, length, now);
        const bytes = await this.d.blobs.readChunk(o.sha256, r.index, length).catch((err: NodeJS.ErrnoException) => {
          /* The sweep deleted it between the check and the read: it expired just now. */
          throw err.code === "ENOENT" ? new Refusal("not-found", `offer ${o.offer} has expired`) : err;
        });
        return encodeFetchAnswer({ offer: o.offer, index: r.index, sha256: sha256(bytes), bytes });
      }
      case "files": return encodeControlAnswer(await this.list(key, now));
    }
  }

  /**
   * Deletes what has expired: offers past their TTL (their records another
   * TTL later), bytes no live offer refers to, uploads idle for a TTL.
   */
  async sweep(now: number): Promise<void> {
    const { offers, blobs } = this.d;
    const live = new Set<string>(this.pinned.keys());
    const removals: Promise<void>[] = [];
    for (const o of [...offers.all()]) {
      if (o.expires > now) live.add(o.sha256);
      else if (o.expires + this.limits.ttlMs <= now) removals.push(offers.remove(o.offer));
    }
    /* Decided now, in one turn: an offer made meanwhile sees the blob gone and uploads it again. */
    const doomed = blobs.list().filter((sha) => !live.has(sha));
    removals.push(...doomed.map((sha) => blobs.remove(sha)));
    for (const u of [...this.uploads.all()]) {
      if (u.touched + this.limits.ttlMs <= now) removals.push(this.drop(u));
    }
    for (const [id, f] of this.finished) if (f.at + this.limits.ttlMs <= now) this.finished.delete(id);
    this.limiter.prune(now);
    await Promise.all(removals);
    if (this.d.shared) await this.sweepShared(now);
  }

  /**
   * The cluster's copies of files no live offer refers to, decided on a
   * copy of the offers caught up with the cluster's (settle): an offer made
   * through another server a moment ago keeps its file. Objects younger
   * than a TTL are kept: an upload's bytes are stored before its offer.
   */
  private async sweepShared(now: number): Promise<void> {
    await this.d.offers.settle?.();
    const live = new Set<string>(this.pinned.keys());
    for (const o of this.d.offers.all()) if (o.expires > now) live.add(o.sha256);
    await this.d.shared!.sweep(live, now, this.limits.ttlMs);
  }

  /** Writes the uploads' bookkeeping (the server is stopping). */
  close(): Promise<void> {
    return this.uploads.flush();
  }

  /** Bytes the account's live offers and uploads in progress take from its quota (`except` an upload being resumed). */
  used(key: string, now: number, except?: Upload): number {
    let bytes = 0;
    for (const o of this.d.offers.all()) if (o.fromKey === key && o.expires > now) bytes += o.size;
    for (const u of this.uploads.all()) if (u.key === key && u !== except) bytes += u.size;
    return bytes;
  }

  private async offer(user: string, key: string, r: OfferRequest, now: number) {
    const { maxFileSize, quota } = this.limits;
    if (r.size > maxFileSize) {
      throw new Refusal("too-big", `${r.name} is ${formatBytes(r.size)}: this server takes files of at most ${formatBytes(maxFileSize)}`);
    }
    const target = this.target(key, r.to);
    const upload = this.uploads.find(key, target.toKey, r.sha256);
    const made = this.liveOffer(key, target.toKey, r.sha256, now);
    if (made) return { upload: upload?.id ?? newUploadId(), chunk: CHUNK_BYTES, missing: [], offer: made.offer };
    const used = this.used(key, now, upload);
    if (used + r.size > quota) {
      throw new Refusal("quota", `${r.name} (${formatBytes(r.size)}) would take your files past your quota of ${formatBytes(quota)} (${formatBytes(used)} in use): wait for your offers to expire`);
    }
    const fields = { key, user, to: target.to, toKey: target.toKey, name: r.name, size: r.size, sha256: r.sha256 };
    const stored = await this.pin(r.sha256, async () => {
      /* Stored once by its SHA-256 (here, or in the cluster): no chunk needed, whoever uploaded it. */
      if (!(await this.stored(r.sha256))) return undefined;
      if (upload) await this.drop(upload);
      return this.make(fields, target.kind, now);
    });
    if (stored) return { upload: upload?.id ?? newUploadId(), chunk: CHUNK_BYTES, missing: [], offer: stored.offer };
    const u = upload ?? this.uploads.start({ ...fields, created: now, touched: now });
    u.touched = now;
    if (this.uploads.complete(u)) {
      const offer = await this.locked(u.id, async () => (this.uploads.get(u.id) === u ? this.finish(u, now) : this.finished.get(u.id)?.offer));
      return { upload: u.id, chunk: CHUNK_BYTES, missing: [], ...(offer === undefined ? {} : { offer }) };
    }
    return { upload: u.id, chunk: CHUNK_BYTES, missing: missingRanges(u.have) };
  }

  private async put(key: string, r: PutRequest, now: number) {
    const u = this.uploads.get(r.upload);
    if (!u || u.key !== key) {
      const f = this.finished.get(r.upload);
      if (f && f.key === key) return { upload: r.upload, index: r.index, offer: f.offer };
      throw new Refusal("not-found", `no upload ${r.upload.slice(0, 8)} in progress: offer the file again`);
    }
    const count = chunkCount(u.size);
    if (r.index >= count) throw new Refusal("bad-field", `${u.name} has ${count} chunks, numbered from 0`);
    const length = chunkLength(u.size, r.index);
    if (r.bytes.length !== length) throw new Refusal("bad-chunk", `chunk ${r.index} of ${u.name} has ${length} bytes, not ${r.bytes.length}: send it again`);
    this.throttle(key, length, now);
    if (sha256(r.bytes) !== r.sha256) throw new Refusal("bad-chunk", `chunk ${r.index} of ${u.name} does not match its sha256: send it again`);
    const offer = await this.locked(u.id, async () => {
      if (this.uploads.get(u.id) !== u) return this.finished.get(u.id)?.offer;
      if (!u.have[r.index]) {
        await this.d.blobs.writeChunk(u.id, r.index, r.bytes);
        this.uploads.arrived(u, r.index, now);
      } else {
        u.touched = now;
      }
      return this.uploads.complete(u) ? this.finish(u, now) : undefined;
    });
    return { upload: u.id, index: r.index, ...(offer === undefined ? {} : { offer }) };
  }

  /** Every chunk arrived: the whole file is checked, becomes a blob, and the offer is made; bad-file starts it over. */
  private async finish(u: Upload, now: number): Promise<number> {
    return this.pin(u.sha256, async () => {
      /* Already a blob: a finish that failed at the cluster's store, tried again (or the same file uploaded meanwhile). */
      if (!this.d.blobs.has(u.sha256) && !(await this.d.blobs.complete(u.id, u.sha256, u.size))) {
        this.uploads.restart(u, now);
        throw new Refusal("bad-file", `${u.name} does not match its sha256 ${u.sha256.slice(0, 8)} once put together: every chunk is needed again`);
      }
      /* In a cluster, kept by the cluster before the offer is made; if that fails the upload stays, complete, for the next put or offer. */
      await this.d.shared?.put(u.sha256, this.d.blobs);
      await this.drop(u);
      const o = await this.make(u, this.kindOf(u.toKey), now);
      this.finished.set(u.id, { key: u.key, offer: o.offer, at: now });
      return o.offer;
    });
  }

  /** Whether the file's bytes are kept already: here (then in the cluster's store too, made sure of), or in the cluster's store. */
  private async stored(sha: string): Promise<boolean> {
    if (this.d.blobs.has(sha)) {
      await this.d.shared?.put(sha, this.d.blobs);
      return true;
    }
    return (await this.d.shared?.has(sha)) ?? false;
  }

  /** Whether the file's bytes are here, fetched from the cluster's store when they are not. */
  private async local(sha: string): Promise<boolean> {
    if (this.d.blobs.has(sha)) return true;
    if (!this.d.shared) return false;
    let fetched = this.fetching.get(sha);
    if (!fetched) {
      fetched = this.d.shared.fetch(sha, this.d.blobs).finally(() => this.fetching.delete(sha));
      this.fetching.set(sha, fetched);
    }
    return fetched;
  }

  /** Runs `job` with the file's local bytes kept from the sweep. */
  private async pin<T>(sha: string, job: () => Promise<T>): Promise<T> {
    this.pinned.set(sha, (this.pinned.get(sha) ?? 0) + 1);
    try {
      return await job();
    } finally {
      const n = this.pinned.get(sha)! - 1;
      if (n === 0) this.pinned.delete(sha);
      else this.pinned.set(sha, n);
    }
  }

  /** Records an offer and tells its recipients: their inboxes, or the channel. */
  private async make(f: { key: string; user: string; to: string; toKey: string; name: string; size: number; sha256: string }, kind: TargetKind, now: number): Promise<OfferRecord> {
    const o = await this.d.offers.add({
      fromKey: f.key, from: f.user, to: f.to, toKey: f.toKey, kind, name: f.name, size: f.size, sha256: f.sha256,
      created: now, expires: now + this.limits.ttlMs,
    });
    this.d.onEvent?.({ event: "file-offer", ...eventOf(o) });
    const channel = targetChannel(o.to);
    if (channel !== undefined) {
      const time = new Date(now).toISOString();
      await this.d.record({
        type: "message", id: `file-${o.offer}-${now}`, channel, user: o.from, time, kind: "me",
        body: Buffer.from(offerBody(o), "utf8"), received: now, account: true,
      });
    } else {
      const notice: FileNotice = { type: "file", ...wireOffer(o) };
      const group = kind === "group" ? this.d.group(o.toKey) : undefined;
      const keys = new Set(group ? group.members.map((m) => m.key) : [o.toKey]);
      keys.add(o.fromKey);
      for (const k of keys) this.d.deliver(k, notice);
    }
    return o;
  }

  /** What `to` names, for `key` sending: a channel, a group it is in, or an account. */
  private target(key: string, to: string): { to: string; toKey: string; kind: TargetKind } {
    if (targetChannel(to) !== undefined) return { to, toKey: to, kind: "channel" };
    const toKey = accountKey(to);
    const group = this.d.group(toKey);
    if (group) {
      if (!group.members.some((m) => m.key === key)) throw new Refusal("not-found", `no account or group named ${to}`);
      return { to: group.name, toKey, kind: "group" };
    }
    const name = this.d.account(toKey);
    if (name === undefined) throw new Refusal("not-found", `no account or group named ${to}`);
    return { to: name, toKey, kind: "account" };
  }

  private kindOf(toKey: string): TargetKind {
    return targetChannel(toKey) !== undefined ? "channel" : this.d.group(toKey) ? "group" : "account";
  }

  /** A live offer of this file by `key` to `toKey`, if one was made already. */
  private liveOffer(key: string, toKey: string, sha: string, now: number): OfferRecord | undefined {
    for (const o of this.d.offers.all()) if (o.fromKey === key && o.toKey === toKey && o.sha256 === sha && o.expires > now) return o;
    return undefined;
  }

  /** Whether account `key` may download offer `o`. */
  private mayRead(o: OfferRecord, key: string): boolean {
    if (o.fromKey === key || o.kind === "channel") return true;
    if (o.kind === "account") return o.toKey === key;
    return this.d.group(o.toKey)?.members.some((m) => m.key === key) ?? false;
  }

  /** Offer `n` for `key` to download; not-found when it may not (as if it never was) or it expired. */
  private async readable(key: string, n: number, now: number): Promise<OfferRecord> {
    const o = this.d.offers.get(n) ?? (await this.settled()).get(n);
    if (!o || !this.mayRead(o, key)) throw new Refusal("not-found", noOffer(n));
    if (o.expires <= now || !(await this.local(o.sha256))) throw new Refusal("not-found", `offer ${n} has expired`);
    return o;
  }

  private async list(key: string, now: number): Promise<FilesAnswer> {
    const files = [];
    for (const o of [...(await this.settled()).all()].reverse()) {
      if (files.length >= FILES_LIST_MAX) break;
      if (o.expires > now && this.mayRead(o, key)) files.push(wireOffer(o));
    }
    return { files };
  }

  /**
   * The offers, with every offer made before now in them (in a cluster, an
   * offer acknowledged through another server a moment ago). When the
   * cluster does not answer, the copy as it is: it misses at most the
   * latest offers.
   */
  private async settled(): Promise<OfferStore> {
    await this.d.offers.settle?.().catch(() => {});
    return this.d.offers;
  }

  /** Counts `bytes` against the account's --file-rate; slow-down when over it. */
  private throttle(key: string, bytes: number, now: number): void {
    const wait = this.limiter.take(key, now, bytes);
    if (wait > 0) {
      throw new Refusal("slow-down", `transfers are limited to ${formatBytes(this.limiter.rate)}/s per account; retry in ${wait} ms`, wait);
    }
  }

  /** Forgets an upload and deletes its part file and bookkeeping. */
  private async drop(u: Upload): Promise<void> {
    await this.uploads.remove(u);
    await this.d.blobs.discard(u.id);
  }

  /** Runs `job` after every earlier job of upload `id`. */
  private locked<T>(id: string, job: () => Promise<T>): Promise<T> {
    const before = this.locks.get(id) ?? Promise.resolve();
    const run = before.catch(() => {}).then(job);
    const tail = run.catch(() => {});
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const newUploadId = () => randomBytes(16).toString("hex");
const eventOf = (o: OfferRecord) => ({ offer: o.offer, from: o.from, to: o.to, name: o.name, size: o.size, sha256: o.sha256 });

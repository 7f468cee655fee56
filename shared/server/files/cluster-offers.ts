/**
 * File offers in a cluster: the OfferStore engine kept in the cluster's KV
 * bucket (NAMES.offersBucket, as many replicas as the cluster keeps), so an
 * offer made through any server is listed and downloaded through every
 * other, under one number.
 *
 *   offer.<n>     offer n as JSON (OfferRecord); deleted by the sweep,
 *                 which leaves a delete marker under the key
 *
 * A number is claimed by writing its offer only if `offer.<n>` never held
 * anything (expected last sequence 0), starting after the highest number
 * the copy has seen, deleted ones included, and trying n + 1 when another
 * server was first. A swept offer's marker keeps its number taken, so
 * numbers are never given twice, nor again.
 *
 * Not a counter updated with the revision it was read at: on nats-server
 * 2.9.10, two such updates sent at once to an R3 bucket can both succeed
 * (measured: 29 of 30 rounds of four concurrent updates), while writes
 * expecting last sequence 0 never did (0 of 200 rounds of six).
 *
 * Every server keeps a copy of the bucket in memory, kept current by a KV
 * watch, so the service's reads stay synchronous; its own writes are in
 * the copy as soon as they are acknowledged (by a quorum of the bucket's
 * replicas), the other servers' writes a moment later (settle() waits for
 * them).
 *
 * Where NATS can drop: a write whose answer is lost (a node dies, a
 * timeout) is checked: if the record is there it is ours, else the next
 * number is tried (the lost one may stay unused). A write that fails for
 * good rejects, and the request that made it is answered "try again"
 * without an offer. The watch is an ordered consumer, which the client
 * recreates after a reconnect from where it was.
 *
 * Limit: each swept offer leaves its delete marker in the bucket (about a
 * hundred bytes), on purpose: it is what keeps the number taken.
 */
import { Kvm, type KV, type KvWatchEntry } from "@nats-io/kv";
import type { QueuedIterator } from "@nats-io/nats-core";
import { ClusterError, NAMES, type Cluster } from "../../cluster/connection.js";
import type { OfferRecord, OfferStore } from "./offers.js";

const offerKey = (n: number) => `offer.${n}`;
const OFFER_KEY = /^offer\.(\d+)$/;
/** Numbers tried before giving up (each waits for the cluster's answer, or the client's timeout). */
const ATTEMPTS = 50;
/** How long the copy may take to catch up with the bucket before settle() gives up. */
const SETTLE_MS = 10_000;

export class ClusterOffers implements OfferStore {
  private byNumber = new Map<number, OfferRecord>();
  /** The highest revision (the bucket stream's sequence) the copy has applied. */
  private seen = 0;
  /** The highest offer number the copy has seen, deleted ones included: the next claim starts after it. */
  private highest = 0;
  private readonly waiting = new Set<{ revision: number; resolve: () => void }>();
  private readonly following: Promise<void>;

  private constructor(private readonly kv: KV, private readonly watch: QueuedIterator<KvWatchEntry>, private readonly onError: (sentence: string) => void) {
    this.following = (async () => {
      for await (const e of watch) this.apply(e);
    })().catch((err) => onError(`the file offers' watch stopped: ${String(err)}`));
  }

  /** Opens (making it if missing) the offers bucket and loads it; rejects with ClusterError when the cluster does not answer. */
  static async open(cluster: Cluster, onError: (sentence: string) => void = () => {}): Promise<ClusterOffers> {
    try {
      const kv = await new Kvm(cluster.js).create(NAMES.offersBucket, { replicas: cluster.replicas, history: 1 });
      const offers = new ClusterOffers(kv, await kv.watch({ key: ">" }), onError);
      await offers.settle();
      return offers;
    } catch (err) {
      if (err instanceof ClusterError) throw err;
      throw new ClusterError(`could not open the cluster's file offers (${(err as Error).message})`, { cause: err });
    }
  }

  async add(o: Omit<OfferRecord, "offer">): Promise<OfferRecord> {
    for (let attempt = 1; ; attempt++) {
      const record: OfferRecord = { ...o, offer: this.highest + 1 };
      const json = JSON.stringify(record);
      try {
        /* Only if offer.<n> never was: a swept offer's delete marker keeps its number taken. */
        await this.kv.put(offerKey(record.offer), json, { previousSeq: 0 });
        this.insert(record);
        return record;
      } catch (err) {
        /* Its answer lost, the put may have landed: then the record there is ours. */
        const there = await this.kv.get(offerKey(record.offer)).catch(() => null);
        if (there?.operation === "PUT" && there.string() === json) {
          this.insert(record);
          return record;
        }
        /* Taken (by another server, or lost and not there): the next number. */
        this.highest = Math.max(this.highest, record.offer);
        if (attempt >= ATTEMPTS) throw new ClusterError(`could not record a file offer in the cluster (${(err as Error).message})`, { cause: err });
      }
    }
  }

  get(offer: number): OfferRecord | undefined {
    return this.byNumber.get(offer);
  }

  all(): IterableIterator<OfferRecord> {
    return this.byNumber.values();
  }

  /** Deletes offer `n` (any server's sweep may, at the same time: a second delete changes nothing). */
  async remove(offer: number): Promise<void> {
    await this.kv.delete(offerKey(offer));
    this.byNumber.delete(offer);
  }

  async settle(): Promise<void> {
    const last = (await this.kv.status()).streamInfo.state.last_seq;
    if (this.seen >= last) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      const w = { revision: last, resolve };
      this.waiting.add(w);
      timer = setTimeout(() => {
        this.waiting.delete(w);
        reject(new ClusterError(`the file offers' copy did not catch up with the cluster within ${SETTLE_MS / 1000} s`));
      }, SETTLE_MS);
    }).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    this.watch.stop();
    await this.following;
  }

  /** One change the watch delivers, from any server (this one's too). */
  private apply(e: KvWatchEntry): void {
    const m = OFFER_KEY.exec(e.key);
    if (m) {
      const n = Number(m[1]);
      if (e.operation !== "PUT") this.byNumber.delete(n);
      else {
        try {
          this.insert(e.json<OfferRecord>());
        } catch (err) {
          this.onError(`file offer ${n} in the cluster is not readable JSON, skipped (${(err as Error).message})`);
        }
      }
      /* A deleted offer's number is taken too. */
      this.highest = Math.max(this.highest, n);
    }
    this.seen = Math.max(this.seen, e.revision);
    for (const w of this.waiting) {
      if (w.revision <= this.seen) {
        this.waiting.delete(w);
        w.resolve();
      }
    }
  }

  /**
   * Into the copy, kept in number order (offers of several servers may
   * arrive out of it). Our own writes go in once acknowledged, not when the
   * watch brings them back.
   */
  private insert(record: OfferRecord): void {
    const inOrder = this.byNumber.has(record.offer) || record.offer > this.highest;
    this.byNumber.set(record.offer, record);
    this.highest = Math.max(this.highest, record.offer);
    if (!inOrder) this.byNumber = new Map([...this.byNumber].sort(([a], [b]) => a - b));
  }
}

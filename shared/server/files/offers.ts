/**
 * File offers: the OfferStore the file service reads and writes, and its
 * single-server engine. In a cluster the engine is cluster-offers.ts (the
 * cluster's KV bucket, numbers claimed cluster-wide).
 *
 * This engine numbers offers from 1 on this server, kept in memory and, with
 * --store, written through to the store file's `file_offers` table
 * (schema 6, log/migrations.ts) and loaded at start. The next number is
 * kept in the `meta` table, so a number is never given twice, even once
 * its offer is deleted.
 *
 * An offer is kept past its expiry (as expired, its bytes deleted by the
 * sweep) for another TTL, so its recipients are told "offer 7 has expired"
 * rather than that it never was.
 */
import type Database from "better-sqlite3";
import type { FileOffer } from "../../protocol/index.js";

/** What `to` names: an account, a group, or a channel ("#<channel>"). */
export type TargetKind = "account" | "group" | "channel";

export interface OfferRecord {
  offer: number;
  /** The sender: its account key (names.ts) and registered name. */
  fromKey: string;
  from: string;
  /** The recipient as answers show it; `toKey` its folded key (a channel's name as is). */
  to: string;
  toKey: string;
  kind: TargetKind;
  name: string;
  size: number;
  sha256: string;
  /** Ms since the Unix epoch. */
  created: number;
  expires: number;
}

/** An offer as the wire carries it. */
export function wireOffer(o: OfferRecord): FileOffer {
  return {
    offer: o.offer, from: o.from, to: o.to, ...(o.kind === "group" ? { group: true as const } : {}), name: o.name, size: o.size,
    sha256: o.sha256, time: new Date(o.created).toISOString(), expires: new Date(o.expires).toISOString(),
  };
}

/**
 * Where offers are kept. Reads are synchronous (the service checks them
 * on every request: a local copy in every engine); writes resolve once the
 * offer is kept (in a cluster: replicated).
 */
export interface OfferStore {
  /** Numbers and records a new offer; its number is never given to another. */
  add(o: Omit<OfferRecord, "offer">): Promise<OfferRecord>;
  get(offer: number): OfferRecord | undefined;
  /** Every offer, by number, oldest first. */
  all(): Iterable<OfferRecord>;
  remove(offer: number): Promise<void>;
  /** Resolves once this copy has every offer made (anywhere) before the call; the sweep's decisions wait for it. */
  settle?(): Promise<void>;
  close?(): Promise<void>;
}

type Row = { id: number; from_key: string; from_user: string; to_name: string; to_key: string; kind: TargetKind; name: string; size: number; sha256: string; created: number; expires: number };

export class Offers implements OfferStore {
  private readonly byNumber = new Map<number, OfferRecord>();
  private next = 1;
  private readonly sql: { insert: Database.Statement; remove: Database.Statement; next: Database.Statement } | undefined;

  /** In memory, or written through to `db` (migrated to schema 6) and loaded from it. */
  constructor(db?: Database.Database) {
    if (!db) return;
    this.sql = {
      insert: db.prepare(`INSERT INTO file_offers (id, from_key, from_user, to_name, to_key, kind, name, size, sha256, created, expires)
        VALUES (@offer, @fromKey, @from, @to, @toKey, @kind, @name, @size, @sha256, @created, @expires)`),
      remove: db.prepare("DELETE FROM file_offers WHERE id = ?"),
      next: db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('file_offer_next', ?)"),
    };
    for (const r of db.prepare("SELECT * FROM file_offers ORDER BY id").all() as Row[]) {
      this.byNumber.set(r.id, {
        offer: r.id, fromKey: r.from_key, from: r.from_user, to: r.to_name, toKey: r.to_key, kind: r.kind,
        name: r.name, size: r.size, sha256: r.sha256, created: r.created, expires: r.expires,
      });
    }
    const saved = db.prepare("SELECT value FROM meta WHERE key = 'file_offer_next'").get() as { value: string } | undefined;
    this.next = Math.max(Number(saved?.value ?? 1), ...[...this.byNumber.keys()].map((n) => n + 1));
  }

  /** Numbers and records a new offer. */
  async add(o: Omit<OfferRecord, "offer">): Promise<OfferRecord> {
    const record: OfferRecord = { ...o, offer: this.next++ };
    this.sql?.insert.run(record);
    this.sql?.next.run(String(this.next));
    this.byNumber.set(record.offer, record);
    return record;
  }

  get(offer: number): OfferRecord | undefined {
    return this.byNumber.get(offer);
  }

  /** Every offer, oldest first. */
  all(): IterableIterator<OfferRecord> {
    return this.byNumber.values();
  }

  async remove(offer: number): Promise<void> {
    this.sql?.remove.run(offer);
    this.byNumber.delete(offer);
  }
}

/**
 * The directory's picture of the cluster, fed by watches on the servers
 * and slots buckets (registry-records.ts): which servers are alive (a beat
 * within LIVE_MS), how many slots each has taken, who holds which slot,
 * and what is stale. Socket-free: the directory (directory.ts) feeds it
 * and acts on its answers, so the choices are tested without NATS.
 */
import { CLAIM_MS, LIVE_MS, parseSlotKey, type ServerRecord, type SlotRecord } from "../cluster/registry-records.js";

/** A server whose beat is this old is gone: its record and slots are deleted. */
export const DEAD_MS = 10_000;

export interface HeldSlot {
  key: string;
  server: string;
  n: number;
  slot: SlotRecord;
  revision: number;
}

export class ServerTable {
  private readonly servers = new Map<string, { record: ServerRecord; revision: number }>();
  private readonly slots = new Map<string, HeldSlot>();
  private listeners = new Set<() => void>();

  /** A server record put (or, with undefined, deleted). */
  server(key: string, record: ServerRecord | undefined, revision: number): void {
    if (record) this.servers.set(key, { record, revision });
    else this.servers.delete(key);
    this.changed();
  }

  /** A slot put (or, with undefined, deleted). */
  slot(key: string, slot: SlotRecord | undefined, revision: number): void {
    const where = parseSlotKey(key);
    if (slot && where) this.slots.set(key, { key, ...where, slot, revision });
    else this.slots.delete(key);
    this.changed();
  }

  /** The record of a server, if known. */
  record(id: string): ServerRecord | undefined {
    return this.servers.get(id)?.record;
  }

  /** Whether a server beat within LIVE_MS. */
  isLive(id: string, now: number): boolean {
    const s = this.servers.get(id);
    return s !== undefined && now - s.record.beat <= LIVE_MS;
  }

  /** Live servers, least loaded first (then oldest first, so the same one fills up). */
  live(now: number): ServerRecord[] {
    return [...this.servers.values()]
      .map((s) => s.record)
      .filter((r) => now - r.beat <= LIVE_MS)
      .sort((a, b) => this.load(a.id) - this.load(b.id) || a.started - b.started || (a.id < b.id ? -1 : 1));
  }

  /** Slots taken on a server. */
  load(id: string): number {
    let n = 0;
    for (const s of this.slots.values()) if (s.server === id) n++;
    return n;
  }

  /** The slot numbers below `capacity` not taken on a server. */
  freeSlots(id: string, capacity: number): number[] {
    const taken = new Set([...this.slots.values()].filter((s) => s.server === id).map((s) => s.n));
    return Array.from({ length: capacity }, (_, n) => n).filter((n) => !taken.has(n));
  }

  /** The slots a user holds. */
  held(user: string): HeldSlot[] {
    return [...this.slots.values()].filter((s) => s.slot.user === user);
  }

  /** Slots to free: claimed but never used within CLAIM_MS, or on a server gone (no beat within DEAD_MS, or no record). */
  staleSlots(now: number): HeldSlot[] {
    return [...this.slots.values()].filter((s) => {
      const server = this.servers.get(s.server);
      if (!server) return now - s.slot.claimed > LIVE_MS; // a record not seen yet, or deleted
      return now - server.record.beat > DEAD_MS || (!s.slot.used && now - s.slot.claimed > CLAIM_MS);
    });
  }

  /** Records of servers gone (no beat within DEAD_MS), with the revision a deletion names. */
  deadServers(now: number): { id: string; revision: number }[] {
    return [...this.servers].filter(([, s]) => now - s.record.beat > DEAD_MS).map(([id, s]) => ({ id, revision: s.revision }));
  }

  /** Calls `listener` after every change; returns its removal. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }
}

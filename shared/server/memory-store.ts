/**
 * The in-memory store (the assignment's "in-memory data structure").
 * Messages are packed one after another into 4 MiB arena chunks instead of
 * one JS object each: a 100-byte post costs about its own bytes plus a
 * 12-byte header and 12 bytes of index, not the ~350 bytes of an object
 * holding five strings.
 *
 *   record: kind u8 | idLen u8 | userLen u8 | timeLen u8 | channel u32 | bodyLen u32
 *           | id | user | time | body
 */
import { randomBytes } from "node:crypto";
import type { ChatMessage } from "../protocol/index.js";
import { IdIndex } from "./id-index.js";
import { historyRange, type NewMessage, type Numbers, type Store } from "./store.js";

const CHUNK = 4 * 1024 * 1024;
const HEADER = 12;

interface Channel {
  name: string;
  /** gseq of each message of the channel, by seq - 1. */
  gseqs: Uint32Array;
  count: number;
}

export class MemoryStore implements Store {
  readonly epoch = randomBytes(4).toString("hex");
  readonly durable = false;
  private chunks: Buffer[] = [Buffer.allocUnsafe(CHUNK)];
  private used = 0;
  /** Arena position of each message, by gseq - 1: chunk * CHUNK + offset. */
  private offsets = new Float64Array(1024);
  private count = 0;
  private readonly byName = new Map<string, number>();
  private readonly list: Channel[] = [];
  private readonly ids = new IdIndex();

  get gseq(): number {
    return this.count;
  }

  head(channel: string): number {
    const i = this.byName.get(channel);
    return i === undefined ? 0 : this.list[i]!.count;
  }

  channels(): { name: string; messages: number }[] {
    return this.list.map((c) => ({ name: c.name, messages: c.count })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  lookup(id: string): Numbers | undefined {
    const gseq = this.ids.get(id);
    if (gseq === undefined) return undefined;
    const m = this.read(gseq);
    return m.id === id ? { seq: m.seq, gseq } : undefined;
  }

  append(message: NewMessage): Numbers {
    const ci = this.channelIndex(message.channel);
    const channel = this.list[ci]!;
    const size = HEADER + 64 + 128 + 64 + message.body.length;
    let chunk = this.chunks[this.chunks.length - 1]!;
    if (this.used + size > CHUNK) {
      chunk = Buffer.allocUnsafe(CHUNK);
      this.chunks.push(chunk);
      this.used = 0;
    }
    const start = this.used;
    let p = start + HEADER;
    const idLen = chunk.write(message.id, p, "latin1");
    p += idLen;
    const userLen = chunk.write(message.user, p, "utf8");
    p += userLen;
    const timeLen = chunk.write(message.time, p, "latin1");
    p += timeLen;
    p += message.body.copy(chunk, p);
    chunk[start] = message.kind === "me" ? 1 : 0;
    chunk[start + 1] = idLen;
    chunk[start + 2] = userLen;
    chunk[start + 3] = timeLen;
    chunk.writeUInt32LE(ci, start + 4);
    chunk.writeUInt32LE(message.body.length, start + 8);
    this.used = p;

    if (this.count === this.offsets.length) this.offsets = grow(this.offsets);
    this.offsets[this.count++] = (this.chunks.length - 1) * CHUNK + start;
    if (channel.count === channel.gseqs.length) channel.gseqs = grow(channel.gseqs);
    channel.gseqs[channel.count++] = this.count;
    this.ids.set(message.id, this.count);
    return { seq: channel.count, gseq: this.count };
  }

  commit(): void {}

  history(channel: string, after: number | undefined, limit: number): ChatMessage[] {
    const out: ChatMessage[] = [];
    if (channel === "ALL") {
      const [from, to] = historyRange(this.count, after, limit);
      for (let g = from; g <= to; g++) out.push(this.read(g));
      return out;
    }
    const i = this.byName.get(channel);
    if (i === undefined) return out;
    const c = this.list[i]!;
    const [from, to] = historyRange(c.count, after, limit);
    for (let s = from; s <= to; s++) out.push(this.read(c.gseqs[s - 1]!, s));
    return out;
  }

  close(): void {}

  /** Decodes message `gseq`; `seq` is passed when the caller knows it. */
  private read(gseq: number, seq?: number): ChatMessage {
    const pos = this.offsets[gseq - 1]!;
    const chunk = this.chunks[Math.floor(pos / CHUNK)]!;
    let p = pos % CHUNK;
    const kind = chunk[p] === 1 ? "me" : "say";
    const idLen = chunk[p + 1]!;
    const userLen = chunk[p + 2]!;
    const timeLen = chunk[p + 3]!;
    const channel = this.list[chunk.readUInt32LE(p + 4)]!;
    const bodyLen = chunk.readUInt32LE(p + 8);
    p += HEADER;
    const id = chunk.toString("latin1", p, (p += idLen));
    const user = chunk.toString("utf8", p, (p += userLen));
    const time = chunk.toString("latin1", p, (p += timeLen));
    const body = chunk.toString("utf8", p, p + bodyLen);
    return {
      id, channel: channel.name, user, time, kind, body, epoch: this.epoch,
      seq: seq ?? seqOf(channel, gseq), gseq,
    };
  }

  private channelIndex(name: string): number {
    let i = this.byName.get(name);
    if (i === undefined) {
      i = this.list.length;
      this.list.push({ name, gseqs: new Uint32Array(64), count: 0 });
      this.byName.set(name, i);
    }
    return i;
  }
}

/** Binary search of a channel's gseq list. */
function seqOf(channel: Channel, gseq: number): number {
  let lo = 0;
  let hi = channel.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const g = channel.gseqs[mid]!;
    if (g === gseq) return mid + 1;
    if (g < gseq) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

function grow<T extends Float64Array | Uint32Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}

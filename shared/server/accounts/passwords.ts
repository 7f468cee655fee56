/**
 * Password hashing: scrypt from node:crypto, asynchronous (it runs on
 * libuv's thread pool, so the event loop keeps serving chat), a random
 * 16-byte salt per password, the parameters stored beside the hash, and
 * comparison with timingSafeEqual.
 *
 * Every hash goes through one queue: at most `concurrency` at a time (so a
 * flood of logins leaves the other core to chat), at most `queueMax`
 * waiting; past that the request is refused with slow-down. An unknown
 * name costs a hash too (against a dummy), so a wrong name and a wrong
 * password take about the same time.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";
import { Refusal } from "./refusal.js";
import type { PasswordHash, ScryptParams } from "./store.js";

/** N = 2^15 (32 MiB of memory per hash), r 8, p 1: OWASP's minimum for scrypt. */
export const SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };
const SALT_BYTES = 16;

/** The bytes hashed: NFC, so that one password typed on two systems is one password. */
const bytesOf = (password: string) => Buffer.from(password.normalize("NFC"), "utf8");

function derive(password: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    /* maxmem: scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is exactly N = 2^15's need, too tight. */
    scrypt(bytesOf(password), salt, p.keylen, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export interface HasherOptions {
  params?: ScryptParams;
  /** Hashes computed at once (default: all cores but one, at least 1). */
  concurrency?: number;
  /** Hashes waiting beyond those (default 16). */
  queueMax?: number;
}

/** Hashes and checks passwords through the bounded queue above. */
export class Hasher {
  readonly params: ScryptParams;
  private readonly concurrency: number;
  private readonly queueMax: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** A moving average of one hash's time, for the slow-down's retry delay. */
  private costMs = 100;
  private readonly dummy: PasswordHash;

  constructor(o: HasherOptions = {}) {
    this.params = o.params ?? SCRYPT;
    this.concurrency = o.concurrency ?? Math.max(1, availableParallelism() - 1);
    this.queueMax = o.queueMax ?? 16;
    this.dummy = { salt: randomBytes(SALT_BYTES), hash: randomBytes(this.params.keylen), params: this.params };
  }

  /** The average time of one hash lately, in ms. */
  get averageMs(): number {
    return this.costMs;
  }

  /** A new salted hash of `password`. */
  async hash(password: string): Promise<PasswordHash> {
    const salt = randomBytes(SALT_BYTES);
    const hash = await this.queued(() => derive(password, salt, this.params));
    return { salt, hash, params: this.params };
  }

  /** Whether `password` matches `stored`; without `stored` (an unknown name) it checks a dummy, as slowly, and says no. */
  async verify(password: string, stored: PasswordHash | undefined): Promise<boolean> {
    const s = stored ?? this.dummy;
    const key = await this.queued(() => derive(password, s.salt, s.params));
    return timingSafeEqual(key, s.hash) && stored !== undefined;
  }

  /** Runs `work` when a slot is free; refuses at once when the queue is full. */
  private async queued<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueMax) {
        const wait = Math.ceil(((this.waiting.length + 1) * this.costMs) / this.concurrency);
        throw new Refusal("slow-down", `the server is busy checking passwords; retry in ${wait} ms`, wait);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.costMs = this.costMs * 0.8 + (performance.now() - started) * 0.2;
      /* The slot passes straight to the next waiter, so `running` counts it still. */
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

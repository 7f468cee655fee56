/**
 * The queue against a plain array doing the same: random runs of pushes and
 * shifts, long enough to cross the point where the queue cuts its array,
 * agree on every item taken, the length, at() and newest().
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Fifo } from "./fifo.js";

/* A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("pushes and shifts give what an array gives, across the cuts of its storage", () => {
  for (const seed of [1, 2, 3, 4]) {
    const next = random(seed);
    const fifo = new Fifo<number>();
    const model: number[] = [];
    let n = 0;
    for (let step = 0; step < 20_000; step++) {
      /* Phases that mostly grow, then mostly drain, so the queue runs long and runs empty. */
      const grow = Math.floor(step / 2_500) % 2 === 0 ? 0.7 : 0.3;
      if (next() < grow) {
        fifo.push(n);
        model.push(n++);
      } else {
        assert.equal(fifo.shift(), model.shift(), `seed ${seed}, step ${step}`);
      }
      assert.equal(fifo.length, model.length);
      if (step % 97 === 0) {
        const i = Math.floor(next() * (model.length + 2)) - 1;
        assert.equal(fifo.at(i), model[i], `at(${i})`);
        assert.deepEqual(fifo.newest(5), model.slice(-5));
      }
    }
    while (model.length > 0) assert.equal(fifo.shift(), model.shift());
    assert.equal(fifo.shift(), undefined);
    assert.equal(fifo.length, 0);
    assert.deepEqual(fifo.newest(5), []);
  }
});

/**
 * The watch store's contract (alerts): one suite every engine must pass,
 * like account-store-contract.ts. A test file calls `watchStoreContract`
 * with a way to open its engine and, for a durable one, to reopen it.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { WatchStore } from "../server/alerts/store.js";

export interface WatchEngine {
  /** Opens a new, empty store, closed after the test. */
  open(t: TestContext): WatchStore | Promise<WatchStore>;
  /** For a durable engine: closes `first` and opens a second store on what it wrote. */
  reopen?(t: TestContext, first: WatchStore): WatchStore | Promise<WatchStore>;
}

const none = { watches: [], follows: [] };
const everything = (s: WatchStore) => Object.fromEntries([...s.all()].map(([key, subs]) => [key, { watches: [...subs.watches], follows: [...subs.follows] }]));

/** Registers the contract's tests for `engine`, named after it. */
export function watchStoreContract(name: string, engine: WatchEngine): void {
  test(`${name}: watches are kept per account in the order added, once per keyword (whatever its case) and channel`, async (t) => {
    const s = await engine.open(t);
    assert.deepEqual(s.get("zoe"), none);
    assert.equal(await s.addWatch("zoe", { keyword: "Deploy" }), true);
    assert.equal(await s.addWatch("zoe", { keyword: "deploy", channel: "dev" }), true, "in one channel is another watch");
    assert.equal(await s.addWatch("zoe", { keyword: "DEPLOY" }), false, "the same keyword folded, in every channel");
    assert.equal(await s.addWatch("zoe", { keyword: "straße", channel: "ops" }), true);
    assert.equal(await s.addWatch("amy", { keyword: "deploy" }), true, "another account's watch is its own");
    assert.deepEqual(s.get("zoe").watches, [{ keyword: "Deploy" }, { keyword: "deploy", channel: "dev" }, { keyword: "straße", channel: "ops" }]);
    assert.equal(await s.removeWatch("zoe", { keyword: "STRASSE", channel: "ops" }), true, "removed by the keyword folded");
    assert.equal(await s.removeWatch("zoe", { keyword: "deploy", channel: "ops" }), false, "not watched in that channel");
    assert.equal(await s.removeWatch("zoe", { keyword: "deploy" }), true);
    assert.deepEqual(s.get("zoe").watches, [{ keyword: "deploy", channel: "dev" }]);
    assert.deepEqual(s.get("amy").watches, [{ keyword: "deploy" }]);
    await s.removeWatch("zoe", { keyword: "deploy", channel: "dev" });
    assert.deepEqual(everything(s), { amy: { watches: [{ keyword: "deploy" }], follows: [] } }, "an account with nothing left is not listed");
  });

  test(`${name}: follows are kept once each, in order, and listed by followee`, async (t) => {
    const s = await engine.open(t);
    assert.equal(await s.addFollow("zoe", "kyle"), true);
    assert.equal(await s.addFollow("zoe", "amy"), true);
    assert.equal(await s.addFollow("zoe", "kyle"), false);
    assert.equal(await s.addFollow("otto", "kyle"), true);
    assert.deepEqual(s.get("zoe").follows, ["kyle", "amy"]);
    assert.deepEqual([...s.followers("kyle")].sort(), ["otto", "zoe"]);
    assert.equal(await s.removeFollow("zoe", "kyle"), true);
    assert.equal(await s.removeFollow("zoe", "kyle"), false);
    assert.deepEqual(s.followers("kyle"), ["otto"]);
    assert.deepEqual(s.get("zoe").follows, ["amy"]);
  });

  test(`${name}: forgetting an account removes its watches and follows, and every follow of it`, async (t) => {
    const s = await engine.open(t);
    await s.addWatch("kyle", { keyword: "deploy" });
    await s.addFollow("kyle", "zoe");
    await s.addFollow("zoe", "kyle");
    await s.addFollow("zoe", "amy");
    await s.addFollow("otto", "kyle");
    await s.addWatch("otto", { keyword: "kyle" });
    await s.forget("kyle");
    assert.deepEqual(s.get("kyle"), none);
    assert.deepEqual(s.followers("kyle"), []);
    assert.deepEqual(s.followers("zoe"), []);
    assert.deepEqual(everything(s), {
      zoe: { watches: [], follows: ["amy"] },
      otto: { watches: [{ keyword: "kyle" }], follows: [] },
    });
    await s.forget("nobody"); // nothing to forget: nothing happens
  });

  const reopen = engine.reopen;
  if (reopen) {
    test(`${name}: reopened, every watch and follow is there, in order, and nothing removed comes back`, async (t) => {
      const first = await engine.open(t);
      await first.addWatch("zoe", { keyword: "Deploy" });
      await first.addWatch("zoe", { keyword: "café", channel: "dev" });
      await first.addWatch("zoe", { keyword: "gone" });
      await first.addWatch("amy", { keyword: "node.js", channel: "ops" });
      await first.addFollow("zoe", "kyle");
      await first.addFollow("zoe", "amy");
      await first.addFollow("kyle", "zoe");
      await first.removeWatch("zoe", { keyword: "GONE" });
      await first.addWatch("zoe", { keyword: "later" });
      await first.forget("kyle");
      const before = everything(first);
      const second = await reopen(t, first);
      assert.deepEqual(everything(second), before);
      assert.deepEqual(second.get("zoe"), {
        watches: [{ keyword: "Deploy" }, { keyword: "café", channel: "dev" }, { keyword: "later" }], follows: ["amy"],
      });
      assert.deepEqual(second.followers("amy"), ["zoe"]);
      assert.equal(await second.addWatch("zoe", { keyword: "deploy" }), false, "the same keyword still counts as watched");
      assert.equal(await second.addWatch("zoe", { keyword: "gone" }), true);
    });
  }
}

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
  open(t: TestContext): WatchStore;
  /** For a durable engine: closes `first` and opens a second store on what it wrote. */
  reopen?(t: TestContext, first: WatchStore): WatchStore;
}

const none = { watches: [], follows: [] };
const everything = (s: WatchStore) => Object.fromEntries([...s.all()].map(([key, subs]) => [key, { watches: [...subs.watches], follows: [...subs.follows] }]));

/** Registers the contract's tests for `engine`, named after it. */
export function watchStoreContract(name: string, engine: WatchEngine): void {
  test(`${name}: watches are kept per account in the order added, once per keyword (whatever its case) and channel`, (t) => {
    const s = engine.open(t);
    assert.deepEqual(s.get("zoe"), none);
    assert.equal(s.addWatch("zoe", { keyword: "Deploy" }), true);
    assert.equal(s.addWatch("zoe", { keyword: "deploy", channel: "dev" }), true, "in one channel is another watch");
    assert.equal(s.addWatch("zoe", { keyword: "DEPLOY" }), false, "the same keyword folded, in every channel");
    assert.equal(s.addWatch("zoe", { keyword: "straße", channel: "ops" }), true);
    assert.equal(s.addWatch("amy", { keyword: "deploy" }), true, "another account's watch is its own");
    assert.deepEqual(s.get("zoe").watches, [{ keyword: "Deploy" }, { keyword: "deploy", channel: "dev" }, { keyword: "straße", channel: "ops" }]);
    assert.equal(s.removeWatch("zoe", { keyword: "STRASSE", channel: "ops" }), true, "removed by the keyword folded");
    assert.equal(s.removeWatch("zoe", { keyword: "deploy", channel: "ops" }), false, "not watched in that channel");
    assert.equal(s.removeWatch("zoe", { keyword: "deploy" }), true);
    assert.deepEqual(s.get("zoe").watches, [{ keyword: "deploy", channel: "dev" }]);
    assert.deepEqual(s.get("amy").watches, [{ keyword: "deploy" }]);
    s.removeWatch("zoe", { keyword: "deploy", channel: "dev" });
    assert.deepEqual(everything(s), { amy: { watches: [{ keyword: "deploy" }], follows: [] } }, "an account with nothing left is not listed");
  });

  test(`${name}: follows are kept once each, in order, and listed by followee`, (t) => {
    const s = engine.open(t);
    assert.equal(s.addFollow("zoe", "kyle"), true);
    assert.equal(s.addFollow("zoe", "amy"), true);
    assert.equal(s.addFollow("zoe", "kyle"), false);
    assert.equal(s.addFollow("otto", "kyle"), true);
    assert.deepEqual(s.get("zoe").follows, ["kyle", "amy"]);
    assert.deepEqual([...s.followers("kyle")].sort(), ["otto", "zoe"]);
    assert.equal(s.removeFollow("zoe", "kyle"), true);
    assert.equal(s.removeFollow("zoe", "kyle"), false);
    assert.deepEqual(s.followers("kyle"), ["otto"]);
    assert.deepEqual(s.get("zoe").follows, ["amy"]);
  });

  test(`${name}: forgetting an account removes its watches and follows, and every follow of it`, (t) => {
    const s = engine.open(t);
    s.addWatch("kyle", { keyword: "deploy" });
    s.addFollow("kyle", "zoe");
    s.addFollow("zoe", "kyle");
    s.addFollow("zoe", "amy");
    s.addFollow("otto", "kyle");
    s.addWatch("otto", { keyword: "kyle" });
    s.forget("kyle");
    assert.deepEqual(s.get("kyle"), none);
    assert.deepEqual(s.followers("kyle"), []);
    assert.deepEqual(s.followers("zoe"), []);
    assert.deepEqual(everything(s), {
      zoe: { watches: [], follows: ["amy"] },
      otto: { watches: [{ keyword: "kyle" }], follows: [] },
    });
    s.forget("nobody"); // nothing to forget: nothing happens
  });

  const reopen = engine.reopen;
  if (reopen) {
    test(`${name}: reopened, every watch and follow is there, in order, and nothing removed comes back`, (t) => {
      const first = engine.open(t);
      first.addWatch("zoe", { keyword: "Deploy" });
      first.addWatch("zoe", { keyword: "café", channel: "dev" });
      first.addWatch("zoe", { keyword: "gone" });
      first.addWatch("amy", { keyword: "node.js", channel: "ops" });
      first.addFollow("zoe", "kyle");
      first.addFollow("zoe", "amy");
      first.addFollow("kyle", "zoe");
      first.removeWatch("zoe", { keyword: "GONE" });
      first.addWatch("zoe", { keyword: "later" });
      first.forget("kyle");
      const before = everything(first);
      const second = reopen(t, first);
      assert.deepEqual(everything(second), before);
      assert.deepEqual(second.get("zoe"), {
        watches: [{ keyword: "Deploy" }, { keyword: "café", channel: "dev" }, { keyword: "later" }], follows: ["amy"],
      });
      assert.deepEqual(second.followers("amy"), ["zoe"]);
      assert.equal(second.addWatch("zoe", { keyword: "deploy" }), false, "the same keyword still counts as watched");
      assert.equal(second.addWatch("zoe", { keyword: "gone" }), true);
    });
  }
}

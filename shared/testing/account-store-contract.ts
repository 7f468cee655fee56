/**
 * The accounts store's contract: one suite every engine must pass (like
 * log-contract.ts for the event log). A test file calls `accountStoreContract`
 * with a way to open its engine and, for a durable one, to reopen it.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { FAILURES_MAX, SESSIONS_PER_ACCOUNT, type Account, type AccountStore } from "../server/accounts/store.js";

export interface AccountEngine {
  /** Opens a new, empty store, closed after the test; `failuresMax` bounds the names without an account. */
  open(t: TestContext, failuresMax?: number): AccountStore | Promise<AccountStore>;
  /** For a durable engine: closes `first` and opens a second store on what it wrote. */
  reopen?(t: TestContext, first: AccountStore): AccountStore | Promise<AccountStore>;
}

const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 };
/** An account with a recognisable (fake) hash; `n` varies the bytes. */
export const account = (key: string, user = key, n = 1): Account => ({
  key, user, created: 1_769_918_400_000 + n,
  password: { salt: Buffer.alloc(16, n), hash: Buffer.alloc(32, n + 100), params: PARAMS },
});
const session = (tokenHash: string, key: string, expires = 2_000_000_000_000) => ({ tokenHash, key, expires });

/** Registers the contract's tests for `engine`, named after it. */
export function accountStoreContract(name: string, engine: AccountEngine): void {
  test(`${name}: accounts are added once per key, read back whole, re-passworded and removed`, async (t) => {
    const s = await engine.open(t);
    assert.equal(s.size, 0);
    assert.equal(await s.add(account("kyle", "Kyle")), true);
    assert.equal(await s.add(account("kyle", "KYLE", 2)), false, "a taken key is refused");
    assert.deepEqual(s.get("kyle"), account("kyle", "Kyle"));
    assert.equal(s.size, 1);
    const newer = account("kyle", "Kyle", 7).password;
    await s.setPassword("kyle", newer);
    assert.deepEqual(s.get("kyle")!.password, newer);
    assert.equal(s.get("amy"), undefined);
    await s.remove("kyle");
    assert.equal(s.get("kyle"), undefined);
    assert.equal(s.size, 0);
  });

  test(`${name}: sessions by token hash; ended per account, pruned when expired, bounded per account`, async (t) => {
    const s = await engine.open(t);
    await s.add(account("kyle"));
    await s.add(account("amy"));
    await s.addSession(session("h1", "kyle"));
    await s.addSession(session("h2", "kyle", 1000));
    await s.addSession(session("h3", "amy"));
    assert.deepEqual(s.session("h1"), session("h1", "kyle"));
    assert.equal(await s.pruneSessions(1000), 1, "expired at 1000");
    assert.equal(s.session("h2"), undefined);
    assert.equal(await s.endSessions("kyle"), 1);
    assert.equal(s.session("h1"), undefined);
    assert.deepEqual(s.session("h3"), session("h3", "amy"), "another account's session stays");
    for (let i = 0; i < SESSIONS_PER_ACCOUNT + 2; i++) await s.addSession(session(`k${i}`, "kyle"));
    assert.equal(s.session("k0"), undefined, "the oldest beyond the bound is gone");
    assert.equal(s.session("k1"), undefined);
    assert.ok(s.session(`k${SESSIONS_PER_ACCOUNT + 1}`));
    await s.remove("kyle");
    assert.equal(s.session(`k${SESSIONS_PER_ACCOUNT + 1}`), undefined, "removing an account ends its sessions");
  });

  test(`${name}: failures of any name; the least recently changed name without an account goes first, an account's never`, async (t) => {
    const s = await engine.open(t, 2);
    await s.add(account("kyle"));
    await s.setFailures("kyle", { failures: 2, lockedUntil: 0, updated: 1 });
    await s.setFailures("ghost1", { failures: 1, lockedUntil: 0, updated: 2 });
    await s.setFailures("ghost2", { failures: 0, lockedUntil: 5000, updated: 3 });
    assert.deepEqual(s.failures("ghost2"), { failures: 0, lockedUntil: 5000, updated: 3 });
    await s.setFailures("ghost1", { failures: 2, lockedUntil: 0, updated: 4 }); // ghost1 is now the most recent
    await s.setFailures("ghost3", { failures: 1, lockedUntil: 0, updated: 5 });
    assert.equal(s.failures("ghost2"), undefined, "past 2 names without an account, the least recently changed goes");
    assert.deepEqual(s.failures("kyle"), { failures: 2, lockedUntil: 0, updated: 1 }, "an account's count is kept, however old");
    assert.deepEqual(s.failures("ghost1"), { failures: 2, lockedUntil: 0, updated: 4 });
    await s.clearFailures("kyle");
    assert.equal(s.failures("kyle"), undefined);
    await s.setFailures("kyle", { failures: 1, lockedUntil: 0, updated: 6 });
    await s.remove("kyle");
    assert.equal(s.failures("kyle"), undefined, "removing an account forgets its count");
  });

  test(`${name}: a failure counted in one step: the count goes up, and at the attempts allowed the name locks and its count starts again`, async (t) => {
    const s = await engine.open(t);
    assert.equal(await s.addFailure("kyle", 100, 3, 5000), false);
    assert.deepEqual(s.failures("kyle"), { failures: 1, lockedUntil: 0, updated: 100 });
    assert.equal(await s.addFailure("kyle", 200, 3, 5000), false);
    assert.equal(await s.addFailure("kyle", 300, 3, 5000), true, "the third locks");
    assert.deepEqual(s.failures("kyle"), { failures: 0, lockedUntil: 5300, updated: 300 });
    assert.equal(await s.addFailure("kyle", 6000, 3, 5000), false, "after the lock, counted from 1 again");
    assert.deepEqual(s.failures("kyle"), { failures: 1, lockedUntil: 0, updated: 6000 });
    assert.equal(await s.addFailure("amy", 1, 1, 0), true, "one attempt allowed: the first locks");
  });

  test(`${name}: the default bound on names without an account is ${FAILURES_MAX.toLocaleString("en-US")}`, async (t) => {
    const s = await engine.open(t);
    const fail = (i: number) => s.setFailures(`n${i}`, { failures: 1, lockedUntil: 0, updated: i });
    /* The first and the last alone; those between a few hundred at once (a cluster's engine: one stream, a round trip each). */
    await fail(0);
    for (let i = 1; i < FAILURES_MAX; i += 250) {
      await Promise.all(Array.from({ length: Math.min(250, FAILURES_MAX - i) }, (_, j) => fail(i + j)));
    }
    await fail(FAILURES_MAX);
    assert.equal(s.failures("n0"), undefined);
    assert.ok(s.failures("n1"));
    assert.ok(s.failures(`n${FAILURES_MAX}`));
  });

  const reopen = engine.reopen;
  if (reopen) {
    test(`${name}: reopened, accounts, failures and locks, and sessions are all there`, async (t) => {
      const first = await engine.open(t);
      await first.add(account("kyle", "Kyle", 3));
      await first.add(account("zoë", "Zoë", 4));
      await first.setFailures("kyle", { failures: 0, lockedUntil: 9_000_000_000_000, updated: 10 });
      await first.setFailures("nobody", { failures: 2, lockedUntil: 0, updated: 11 });
      await first.addSession(session("h1", "kyle"));
      await first.addSession(session("h2", "zoë"));
      await first.remove("zoë");
      const second = await reopen(t, first);
      assert.equal(second.size, 1);
      assert.deepEqual(second.get("kyle"), account("kyle", "Kyle", 3));
      assert.equal(second.get("zoë"), undefined);
      assert.deepEqual(second.failures("kyle"), { failures: 0, lockedUntil: 9_000_000_000_000, updated: 10 });
      assert.deepEqual(second.failures("nobody"), { failures: 2, lockedUntil: 0, updated: 11 });
      assert.deepEqual(second.session("h1"), session("h1", "kyle"));
      assert.equal(second.session("h2"), undefined);
    });
  }
}

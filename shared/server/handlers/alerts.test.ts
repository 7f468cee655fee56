/**
 * The alerts handler driven directly, the way the pipeline calls it: a
 * login is required, each action answers the account's own list after it,
 * watching and unwatching are idempotent, follows need an account, limits
 * refuse, and no account ever sees another's subscriptions.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AlertsAnswer, AlertsRequest } from "../../protocol/index.js";
import { ALERTS_MAX } from "../../protocol/limits.js";
import { Accounts } from "../accounts/accounts.js";
import { MemoryAccountStore } from "../accounts/memory-store.js";
import { Hasher } from "../accounts/passwords.js";
import { Refusal, STALE_LOGIN } from "../accounts/refusal.js";
import { Alerts } from "../alerts/alerts.js";
import { MemoryLog } from "../log/memory.js";
import { PresenceTable } from "../presence-table.js";
import { answerControl, type HandlerContext } from "./index.js";
import { conversations } from "../conversations/index.js";
import { MemoryConversationStore } from "../conversations/memory-store.js";
import { ALERTS_NEED_LOGIN } from "./alerts.js";

const PASSWORD = "correct horse battery staple";

/** An answer, or (with only these two fields) a refusal. */
type Reply = AlertsAnswer & { refused?: string; sentence?: string };

async function setup() {
  const store = new MemoryAccountStore();
  const accounts = new Accounts({ store, hasher: new Hasher({ params: { N: 1024, r: 8, p: 1, keylen: 32 } }) });
  const alerts = new Alerts();
  const { inboxes, messages, groups } = conversations(new MemoryConversationStore(), store);
  const context: HandlerContext = {
    log: new MemoryLog(), presence: new PresenceTable(30_000), accounts, alerts, heartbeatMs: 1000, presenceMs: 30_000,
    inboxes, messages, groups, now: Date.now(),
  };
  const tokens: Record<string, string> = {};
  for (const user of ["Kyle", "Zoë", "amy"]) {
    await accounts.register(user, PASSWORD, Date.now());
    tokens[user] = (await accounts.login(user, PASSWORD)).token;
  }
  /** Asks as `user` (a token of theirs); the answer, or the refusal's code and sentence. */
  const ask = async (user: string | undefined, r: Omit<AlertsRequest, "op" | "token">, token = user && tokens[user]): Promise<Reply> => {
    try {
      const request = { op: "alerts", ...r, ...(token === undefined ? {} : { token }) } as AlertsRequest;
      return (await answerControl(request, { ...context, now: Date.now() })).answer as Reply;
    } catch (err) {
      if (err instanceof Refusal) return { refused: err.code, sentence: err.message } as Reply;
      throw err;
    }
  };
  return { accounts, alerts, tokens, ask };
}

test("every action needs a login: none, or a stale token, is refused", async () => {
  const { ask, accounts, tokens } = await setup();
  assert.deepEqual(await ask(undefined, { action: "list" }), { refused: "auth-required", sentence: ALERTS_NEED_LOGIN });
  assert.deepEqual(await ask(undefined, { action: "watch", keyword: "deploy" }, "0".repeat(64)), { refused: "auth-failed", sentence: STALE_LOGIN });
  await accounts.logout(tokens.Kyle!, Date.now());
  assert.deepEqual(await ask("Kyle", { action: "watch", keyword: "deploy" }), { refused: "auth-failed", sentence: STALE_LOGIN });
});

test("watch and unwatch answer the list after the action, and doing either twice changes nothing", async () => {
  const { ask } = await setup();
  assert.deepEqual(await ask("Kyle", { action: "list" }), { watches: [], follows: [] });
  assert.deepEqual(await ask("Kyle", { action: "watch", keyword: "Deploy" }), { watches: [{ keyword: "Deploy" }], follows: [] });
  assert.deepEqual(await ask("Kyle", { action: "watch", keyword: "deploy" }), { watches: [{ keyword: "Deploy" }], follows: [] }, "the same keyword in another case");
  assert.deepEqual(await ask("Kyle", { action: "watch", keyword: "deploy", channel: "dev" }), { watches: [{ keyword: "Deploy" }, { keyword: "deploy", channel: "dev" }], follows: [] });
  assert.deepEqual((await ask("Kyle", { action: "watch", keyword: "outage", channel: "ops" })).watches.length, 3);
  assert.deepEqual((await ask("Kyle", { action: "unwatch", keyword: "deploy", channel: "dev" })).watches, [{ keyword: "Deploy" }, { keyword: "outage", channel: "ops" }], "with a channel: that channel's watch");
  assert.deepEqual((await ask("Kyle", { action: "unwatch", keyword: "deploy", channel: "dev" })).watches.length, 2, "unwatching what is not watched is not refused");
  await ask("Kyle", { action: "watch", keyword: "outage" });
  assert.deepEqual((await ask("Kyle", { action: "unwatch", keyword: "OUTAGE" })).watches, [{ keyword: "Deploy" }], "without a channel: every watch of the keyword");
  assert.deepEqual(await ask("Kyle", { action: "watch", keyword: "!!!" }), { refused: "bad-field", sentence: "cannot watch !!!: a keyword needs a letter or a digit" });
  assert.deepEqual((await ask("Kyle", { action: "unwatch", keyword: "!!!" })).watches, [{ keyword: "Deploy" }]);
});

test("follow needs an account and answers its registered name; unfollow is idempotent", async () => {
  const { ask } = await setup();
  assert.deepEqual(await ask("Kyle", { action: "follow", user: "zoë" }), { watches: [], follows: ["Zoë"] });
  assert.deepEqual(await ask("Kyle", { action: "follow", user: "ZOË" }), { watches: [], follows: ["Zoë"] });
  assert.deepEqual(await ask("Kyle", { action: "follow", user: "nobody" }), { refused: "not-found", sentence: "nobody has no account: only registered users can be followed" });
  assert.deepEqual((await ask("Kyle", { action: "follow", user: "amy" })).follows, ["Zoë", "amy"]);
  assert.deepEqual((await ask("Kyle", { action: "unfollow", user: "Zoë" })).follows, ["amy"]);
  assert.deepEqual((await ask("Kyle", { action: "unfollow", user: "Zoë" })).follows, ["amy"]);
  assert.deepEqual((await ask("Kyle", { action: "unfollow", user: "nobody" })).follows, ["amy"], "unfollowing a name without an account is not refused either");
});

test(`at most ${ALERTS_MAX} watches and ${ALERTS_MAX} follows; at the limit, what is there may be watched again`, async () => {
  const { ask, accounts } = await setup();
  for (let i = 0; i < ALERTS_MAX; i++) await ask("Kyle", { action: "watch", keyword: `word${i}` });
  assert.deepEqual(await ask("Kyle", { action: "watch", keyword: "one-more" }), {
    refused: "too-many", sentence: `you watch ${ALERTS_MAX} keywords, the most there may be: /unwatch one first`,
  });
  assert.deepEqual((await ask("Kyle", { action: "watch", keyword: "word0", channel: "dev" })).refused, "too-many", "another channel is another watch");
  assert.equal((await ask("Kyle", { action: "watch", keyword: "WORD7" })).watches.length, ALERTS_MAX);
  await ask("Kyle", { action: "unwatch", keyword: "word7" });
  assert.equal((await ask("Kyle", { action: "watch", keyword: "one-more" })).watches.length, ALERTS_MAX);

  for (let i = 0; i < ALERTS_MAX; i++) await accounts.register(`user${i}`, PASSWORD, Date.now());
  for (let i = 0; i < ALERTS_MAX; i++) await ask("Kyle", { action: "follow", user: `user${i}` });
  assert.deepEqual(await ask("Kyle", { action: "follow", user: "amy" }), {
    refused: "too-many", sentence: `you follow ${ALERTS_MAX} users, the most there may be: /unfollow one first`,
  });
  assert.equal((await ask("Kyle", { action: "follow", user: "user3" })).follows.length, ALERTS_MAX);
  assert.equal((await ask("Zoë", { action: "follow", user: "amy" })).follows.length, 1, "the limits are per account");
});

test("an account's list shows only its own watches and follows, whatever another account does", async () => {
  const { ask } = await setup();
  await ask("Kyle", { action: "watch", keyword: "secret-project" });
  await ask("Kyle", { action: "follow", user: "amy" });
  await ask("Zoë", { action: "watch", keyword: "deploy", channel: "dev" });
  assert.deepEqual(await ask("Zoë", { action: "list" }), { watches: [{ keyword: "deploy", channel: "dev" }], follows: [] });
  assert.deepEqual(await ask("amy", { action: "list" }), { watches: [], follows: [] }, "being followed shows nowhere");
  assert.deepEqual(await ask("Zoë", { action: "unwatch", keyword: "secret-project" }), { watches: [{ keyword: "deploy", channel: "dev" }], follows: [] });
  assert.deepEqual((await ask("Zoë", { action: "unfollow", user: "amy" })).follows, []);
  assert.deepEqual(await ask("Kyle", { action: "list" }), { watches: [{ keyword: "secret-project" }], follows: ["amy"] }, "another account's unwatch and unfollow leave Kyle's alone");
});

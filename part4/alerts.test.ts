/**
 * Alerts (issue 12) against a real mc_server process, spoken to with raw
 * ZeroMQ sockets: every action of the `alerts` request round trips, a
 * login is required and a stale one refused, limits refuse, one account
 * never sees another's list, and with --store the lists survive a restart;
 * alerts reach the watchers' inboxes, and only theirs, and wait there while
 * they are away.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Dealer } from "zeromq";
import { ALERTS_MAX } from "../shared/protocol/limits.js";
import { answer, ask, control, dealer } from "../shared/testing/raw-client.js";
import { inbox } from "../shared/testing/private-client.js";
import type { InboxAnswer } from "../shared/protocol/index.js";
import { startServer } from "../shared/testing/processes.js";
import { portsOf, SERVER, tempStore } from "../shared/testing/chat.js";

const PASSWORD = "correct horse battery staple";
const STALE = "your login is unknown, expired or revoked: log in again";

async function account(d: Dealer, user: string): Promise<string> {
  answer(await control(d, "register", { user, password: PASSWORD }));
  return answer(await control(d, "login", { user, password: PASSWORD })).token as string;
}

const alerts = (d: Dealer, token: string | undefined, body: object) => control(d, "alerts", { ...(token === undefined ? {} : { token }), ...body });

test("watch, unwatch, follow, unfollow and list round trip; each answers the account's list after it", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kyle = await account(d, "Kyle");
  await account(d, "Zoë");

  assert.deepEqual(answer(await alerts(d, kyle, { action: "list" })), { watches: [], follows: [] });
  assert.deepEqual(answer(await alerts(d, kyle, { action: "watch", keyword: "deploy" })), { watches: [{ keyword: "deploy" }], follows: [] });
  assert.deepEqual(answer(await alerts(d, kyle, { action: "watch", keyword: "Deploy" })), { watches: [{ keyword: "deploy" }], follows: [] },
    "watching again in another case changes nothing");
  assert.deepEqual(answer(await alerts(d, kyle, { action: "watch", keyword: "outage", channel: "ops" })),
    { watches: [{ keyword: "deploy" }, { keyword: "outage", channel: "ops" }], follows: [] });
  assert.deepEqual(answer(await alerts(d, kyle, { action: "follow", user: "zoë" })),
    { watches: [{ keyword: "deploy" }, { keyword: "outage", channel: "ops" }], follows: ["Zoë"] }, "followed by the registered spelling");
  assert.deepEqual(await alerts(d, kyle, { action: "follow", user: "nobody" }),
    ["err", "not-found", "nobody has no account: only registered users can be followed"]);
  assert.deepEqual(answer(await alerts(d, kyle, { action: "unwatch", keyword: "DEPLOY" })),
    { watches: [{ keyword: "outage", channel: "ops" }], follows: ["Zoë"] });
  assert.deepEqual(answer(await alerts(d, kyle, { action: "unwatch", keyword: "deploy" })),
    { watches: [{ keyword: "outage", channel: "ops" }], follows: ["Zoë"] }, "unwatching what is not watched is not refused");
  assert.deepEqual(answer(await alerts(d, kyle, { action: "unfollow", user: "Zoë" })), { watches: [{ keyword: "outage", channel: "ops" }], follows: [] });
  assert.deepEqual(await alerts(d, kyle, { action: "watch", keyword: "two words" }),
    ["err", "bad-field", "invalid keyword: contains whitespace, control or invisible characters"]);
  assert.deepEqual(await alerts(d, kyle, { action: "watch", keyword: "deploy", channel: "ALL" }),
    ["err", "read-only", "ALL is read-only: it shows every channel but cannot be posted to"]);
  assert.deepEqual(await alerts(d, kyle, { action: "shout" }), ["err", "bad-field", "invalid action: must be one of list, watch, unwatch, follow, unfollow"]);
});

test("no token, a stale one and one that is not even well formed are refused, and nothing changes", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kyle = await account(d, "kyle");
  answer(await alerts(d, kyle, { action: "watch", keyword: "deploy" }));
  assert.deepEqual(await alerts(d, undefined, { action: "list" }),
    ["err", "auth-required", "alerts belong to an account: log in to watch keywords or follow users"]);
  assert.deepEqual(await alerts(d, "f".repeat(64), { action: "watch", keyword: "x" }), ["err", "auth-failed", STALE]);
  assert.deepEqual(await alerts(d, "not-a-token", { action: "list" }), ["err", "auth-failed", STALE]);
  answer(await control(d, "logout", { token: kyle }));
  assert.deepEqual(await alerts(d, kyle, { action: "unwatch", keyword: "deploy" }), ["err", "auth-failed", STALE], "a token after its logout");
  const again = answer(await control(d, "login", { user: "kyle", password: PASSWORD })).token as string;
  assert.deepEqual(answer(await alerts(d, again, { action: "list" })), { watches: [{ keyword: "deploy" }], follows: [] });
});

test(`more than ${ALERTS_MAX} watches or follows are refused with too-many`, async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kyle = await account(d, "kyle");
  for (let i = 0; i < ALERTS_MAX; i++) answer(await alerts(d, kyle, { action: "watch", keyword: `word${i}` }));
  assert.deepEqual(await alerts(d, kyle, { action: "watch", keyword: "more" }),
    ["err", "too-many", `you watch ${ALERTS_MAX} keywords, the most there may be: /unwatch one first`]);
  assert.equal((answer(await alerts(d, kyle, { action: "watch", keyword: "word1" })).watches as unknown[]).length, ALERTS_MAX, "what is watched may be watched again");
  /* Follows: more accounts than hashing wants to register here; the handler test counts them to the limit. */
  await account(d, "zoe");
  assert.deepEqual(answer(await alerts(d, kyle, { action: "follow", user: "zoe" })).follows, ["zoe"]);
});

test("an account's list never shows another's watches or follows", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const kyle = await account(d, "kyle");
  const zoe = await account(d, "zoe");
  answer(await alerts(d, kyle, { action: "watch", keyword: "surprise-party" }));
  answer(await alerts(d, kyle, { action: "follow", user: "zoe" }));
  assert.deepEqual(answer(await alerts(d, zoe, { action: "list" })), { watches: [], follows: [] });
  assert.deepEqual(answer(await alerts(d, zoe, { action: "unwatch", keyword: "surprise-party" })), { watches: [], follows: [] });
  assert.deepEqual(answer(await alerts(d, kyle, { action: "list" })), { watches: [{ keyword: "surprise-party" }], follows: ["zoe"] });
});

test("with --store, watches and follows survive a restart; an unregistered account's are gone", async (t) => {
  const store = tempStore(t);
  const first = await startServer(t, SERVER, ["--store", store]);
  let d = dealer(t, first);
  const kyle = await account(d, "kyle");
  const zoe = await account(d, "zoe");
  const otto = await account(d, "otto");
  answer(await alerts(d, kyle, { action: "watch", keyword: "café", channel: "dev" }));
  answer(await alerts(d, kyle, { action: "follow", user: "zoe" }));
  answer(await alerts(d, kyle, { action: "follow", user: "otto" }));
  answer(await alerts(d, zoe, { action: "watch", keyword: "deploy" }));
  answer(await control(d, "unregister", { token: otto, password: PASSWORD }));
  assert.deepEqual(answer(await alerts(d, kyle, { action: "list" })).follows, ["zoe"], "a follow of an unregistered account ends with it");
  first.kill("SIGTERM");
  await first.exit;

  const second = await startServer(t, SERVER, ["--store", store], portsOf(first));
  d = dealer(t, second);
  assert.deepEqual(answer(await alerts(d, kyle, { action: "list" })), { watches: [{ keyword: "café", channel: "dev" }], follows: ["zoe"] });
  assert.deepEqual(answer(await alerts(d, zoe, { action: "list" })), { watches: [{ keyword: "deploy" }], follows: [] });
  answer(await control(d, "unregister", { token: zoe, password: PASSWORD }));
  const newZoe = await account(d, "zoe");
  assert.deepEqual(answer(await alerts(d, newZoe, { action: "list" })), { watches: [], follows: [] }, "a new account of the name starts with nothing");
  assert.deepEqual(answer(await alerts(d, kyle, { action: "list" })).follows, []);
});

/** A post as an account (its token as the eighth frame); the reply frames. */
const post = (d: Dealer, token: string, channel: string, body: string, id: string) =>
  ask(d, ["post", id, channel, "x", new Date().toISOString(), "say", body, token]);

test("alerts reach the watcher's inbox only: whole words, any case, one channel when asked, followed authors, never one's own; queued while away", async (t) => {
  const server = await startServer(t, SERVER);
  const d = dealer(t, server);
  const [kyle, zoe, amy] = [await account(d, "kyle"), await account(d, "zoe"), await account(d, "amy")];
  answer(await alerts(d, zoe, { action: "watch", keyword: "deploy" }));
  answer(await alerts(d, zoe, { action: "watch", keyword: "outage", channel: "ops" }));
  answer(await alerts(d, zoe, { action: "follow", user: "amy" }));
  answer(await alerts(d, kyle, { action: "watch", keyword: "deploy" }));

  // zoe is away: nobody polls her inbox while these are posted.
  const bodies = ["Deploy at 10", "redeployment is not a word match", "outage in dev", "OUTAGE!", "lunch?", "deploy again, says kyle"];
  const channels = ["dev", "dev", "dev", "ops", "dev", "dev"];
  const authors = [amy, kyle, kyle, kyle, amy, kyle];
  for (let i = 0; i < bodies.length; i++) assert.equal((await post(d, authors[i]!, channels[i]!, bodies[i]!, `a${i}`))[0], "ok");

  const seen = (a: InboxAnswer) => a.items.map((i) => (i.type === "alert" ? `${i.keyword ? `"${i.keyword}"` : i.author} #${i.channel} ${i.from}: ${i.body}` : i.type));
  const z = await inbox(d, zoe);
  assert.deepEqual(seen(z), [
    "amy #dev amy: Deploy at 10", // a followed author comes first
    "\"outage\" #ops kyle: OUTAGE!", // "outage in dev" is not in #ops, "redeployment" not the word
    "amy #dev amy: lunch?",
    "\"deploy\" #dev kyle: deploy again, says kyle",
  ], "zoe's alerts, in the order the messages were posted, each once");
  // kyle watches deploy too, but his own messages never alert him; amy's "Deploy at 10" does.
  assert.deepEqual(seen(await inbox(d, kyle)), ["\"deploy\" #dev amy: Deploy at 10"]);
  assert.deepEqual(seen(await inbox(d, amy)), [], "amy watches nothing: nothing reaches her");
  // Acknowledged: the next poll after the last item gets nothing again.
  assert.deepEqual((await inbox(d, zoe, z.items.at(-1)!.m)).items, []);
});

/**
 * The matcher and the word rule, without a server: whole words in any
 * script and case, punctuation, channel-limited watches, follows, the
 * author's own messages, one alert per account and message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { accountKey } from "../accounts/names.js";
import { Matcher } from "./matcher.js";
import { fold, parseKeyword } from "./words.js";

/** A matcher where each [account, keyword, channel?] is watched. */
function matcher(...watches: [string, string, string?][]): Matcher {
  const m = new Matcher();
  for (const [key, keyword, channel] of watches) m.addKeyword(key, parseKeyword(keyword)!, channel);
  return m;
}

const msg = (body: string, user = "kyle", channel = "dev") => ({ channel, user, body });
/** Who `body` alerts, as "account:keyword" or "account:@author". */
const alerted = (m: Matcher, body: string, user = "kyle", channel = "dev") =>
  m.match(msg(body, user, channel)).map((a) => `${a.key}:${a.keyword ?? `@${a.author}`}`);

test("a keyword matches the whole word, whatever its case and the punctuation around it", () => {
  const m = matcher(["zoe", "deploy"]);
  for (const body of ["Deploy at 10", "deploy!", "#deploy", "we DEPLOY today", "(deploy)", "deploy's log", "ready—deploy", "deploy\nnow", "«deploy»"]) {
    assert.deepEqual(alerted(m, body), ["zoe:deploy"], body);
  }
  for (const body of ["deployment at 10", "redeploy", "deploy_v2", "deploy2", "d e p l o y", "deplo y"]) {
    assert.deepEqual(alerted(m, body), [], body);
  }
});

test("the keyword is reported as its watcher wrote it", () => {
  assert.deepEqual(alerted(matcher(["zoe", "DePloy"]), "deploy"), ["zoe:DePloy"]);
});

test("Unicode: any script, accents in NFC or not, ß and ss, final sigma, and CJK runs", () => {
  assert.deepEqual(alerted(matcher(["zoe", "café"]), "Un CAFÉ ?"), ["zoe:café"]);
  assert.deepEqual(alerted(matcher(["zoe", "café"]), "un cafe\u0301 noir"), ["zoe:café"], "decomposed é is é");
  assert.deepEqual(alerted(matcher(["zoe", "café"]), "cafés"), []);
  assert.deepEqual(alerted(matcher(["zoe", "straße"]), "STRASSE gesperrt"), ["zoe:straße"]);
  assert.deepEqual(alerted(matcher(["zoe", "ΟΔΟΣ"]), "η οδός... όχι, η οδος."), ["zoe:ΟΔΟΣ"]);
  assert.deepEqual(alerted(matcher(["zoe", "Москва"]), "В МОСКВЕ; в москва!"), ["zoe:Москва"]);
  assert.deepEqual(alerted(matcher(["zoe", "東京"]), "東京"), ["zoe:東京"]);
  assert.deepEqual(alerted(matcher(["zoe", "東京"]), "東京都"), [], "a run of letters is one word, in any script");
  assert.deepEqual(alerted(matcher(["zoe", "नमस्ते"]), "नमस्ते दोस्तो"), ["zoe:नमस्ते"], "combining marks belong to the word");
  assert.deepEqual(alerted(matcher(["zoe", "42"]), "answer: 42."), ["zoe:42"]);
  assert.deepEqual(alerted(matcher(["zoe", "deploy"]), "🚀deploy🚀"), ["zoe:deploy"], "emoji separate words");
});

test("a keyword with punctuation matches those characters, starting and ending at word boundaries", () => {
  const m = matcher(["zoe", "node.js"], ["amy", "#ops"], ["bob", "don't"], ["cy", "c++"]);
  assert.deepEqual(alerted(m, "Node.js 22 is out"), ["zoe:node.js"]);
  assert.deepEqual(alerted(m, "node.jsx"), []);
  assert.deepEqual(alerted(m, "node js"), []);
  assert.deepEqual(alerted(m, "see #OPS"), ["amy:#ops"]);
  assert.deepEqual(alerted(m, "see ops"), [], "the # is part of that keyword");
  assert.deepEqual(alerted(m, "I DON’T know"), ["bob:don't"], "the typographic apostrophe is an apostrophe");
  assert.deepEqual(alerted(m, "don"), []);
  assert.deepEqual(alerted(m, "c++ and c"), ["cy:c++"]);
  assert.equal(parseKeyword("!!!"), undefined, "a keyword without a letter or digit cannot be found");
  assert.equal(parseKeyword("🚀"), undefined);
});

test("a keyword watched in one channel alerts only for that channel's messages", () => {
  const m = matcher(["zoe", "deploy", "dev"], ["amy", "deploy"]);
  assert.deepEqual(alerted(m, "deploy", "kyle", "dev"), ["zoe:deploy", "amy:deploy"]);
  assert.deepEqual(alerted(m, "deploy", "kyle", "ops"), ["amy:deploy"]);
  assert.deepEqual(alerted(m, "deploy", "kyle", "devops"), ["amy:deploy"], "channels compare exactly");
});

test("a followed author alerts every follower for every message, in any channel", () => {
  const m = new Matcher();
  m.addFollow("zoe", "kyle");
  m.addFollow("amy", "kyle");
  assert.deepEqual(alerted(m, "anything at all", "Kyle", "ops"), ["zoe:@Kyle", "amy:@Kyle"], "by the account, whatever the case of its name");
  assert.deepEqual(alerted(m, "hello", "otto"), []);
  m.removeFollow("zoe", "kyle");
  assert.deepEqual(alerted(m, "hi", "kyle"), ["amy:@kyle"]);
  m.removeFollow("amy", "kyle");
  assert.equal(m.empty, true);
});

test("the author is never alerted by their own message", () => {
  const m = matcher(["kyle", "deploy"], ["zoe", "deploy"]);
  m.addFollow("kyle", "kyle");
  assert.deepEqual(alerted(m, "deploy now", "KYLE"), ["zoe:deploy"]);
});

test("one alert per account and message: the followed author first, else the first keyword in the message", () => {
  const m = matcher(["zoe", "deploy"], ["zoe", "now"], ["zoe", "deploy", "dev"], ["amy", "now"], ["amy", "deploy"]);
  assert.deepEqual(alerted(m, "now deploy now deploy"), ["zoe:now", "amy:now"]);
  assert.deepEqual(alerted(m, "deploy now"), ["zoe:deploy", "amy:deploy"]);
  m.addFollow("zoe", "kyle");
  assert.deepEqual(alerted(m, "deploy now"), ["zoe:@kyle", "amy:deploy"]);
});

test("removing a watch stops its alerts and leaves the others; nothing watched costs nothing", () => {
  const m = matcher(["zoe", "deploy"], ["zoe", "deploy", "dev"], ["amy", "deploy"]);
  m.removeKeyword("zoe", parseKeyword("DEPLOY")!);
  assert.deepEqual(alerted(m, "deploy", "kyle", "ops"), ["amy:deploy"]);
  assert.deepEqual(alerted(m, "deploy", "kyle", "dev"), ["zoe:deploy", "amy:deploy"], "the #dev watch stays");
  m.removeKeyword("zoe", parseKeyword("deploy")!, "dev");
  m.removeKeyword("amy", parseKeyword("deploy")!);
  m.removeKeyword("amy", parseKeyword("deploy")!); // not there: nothing happens
  assert.equal(m.empty, true);
  assert.deepEqual(alerted(m, "deploy"), []);
});

test("many watchers of one word are all alerted; a message is found through its words", () => {
  const m = new Matcher();
  for (let i = 0; i < 1000; i++) m.addKeyword(`u${i}`, parseKeyword(`word${i}`)!);
  for (let i = 0; i < 1000; i++) m.addKeyword(`v${i}`, parseKeyword("deploy")!);
  const found = m.match(msg("word7 and word999 deploy"));
  assert.equal(found.length, 1002);
  assert.deepEqual(found.slice(0, 2).map((a) => a.key), ["u7", "u999"]);
});

test("folding ASCII by lower-casing alone agrees with the full fold, and folding twice changes nothing", () => {
  fc.assert(fc.property(fc.string({ unit: "binary-ascii" }), (s) => fold(s) === accountKey(s)));
  fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => fold(fold(s)) === fold(s)));
});

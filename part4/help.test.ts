import { test } from "node:test";
import assert from "node:assert/strict";
import { runToExit } from "../shared/testing/processes.js";

// --help of every command: what a person reads before the first run.

const COMMANDS = [
  "part1/post_server.js", "part1/post_client.js", "part2/pub_server.js", "part2/pub_client.js",
  "part3/interactive_server.js", "part3/interactive_client.js", "part4/mc_server.js", "part4/mc_client.js", "part4/mc_keygen.js",
];

test("--help of every command shows an example, defaults as numbers and no internal aliases; every server offers --curve", async (t) => {
  for (const script of COMMANDS) {
    const r = await runToExit(t, script, ["--help"]);
    assert.equal(r.code, 0, script);
    const help = r.out.join("\n");
    assert.match(help, new RegExp(`^Examples:\n  node ${script.replace(".", "\\.")} `, "m"), `${script} has an example:\n${help}`);
    assert.doesNotMatch(help, /\[default: "/, `${script} shows defaults as numbers:\n${help}`);
    assert.doesNotMatch(help, /\[aliases: /, `${script} has no aliases besides -h:\n${help}`);
    if (script.includes("server")) assert.match(help, /^ +--curve +encrypt with CURVE/m, `${script} takes --curve:\n${help}`);
  }
  const mc = (await runToExit(t, "part4/mc_server.js", ["--help"])).out.join("\n");
  assert.match(mc, /--rate .*\[default: 200\]/);
  assert.match(mc, /--burst .*\[default: 400\]/);
});

/**
 * What a start does not load (issue 16: a client starts in <= 0.15 s of
 * CPU): no static import chain from an entry point reaches yargs (loaded
 * only for options, --help and usage errors: cli.ts), and none from a chat
 * client reaches chalk (only for colour: paint.ts), the terminal's screen
 * (only in a terminal: open-screen.ts) or the file machinery (only with a
 * transfer: transfers.ts). shared/cluster/lazy-nats.test.ts does the same
 * for NATS. These read the sources; build/bundle.test.ts checks the same on
 * the bundles the build makes of them, which are what actually runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chainsTo, reachable } from "./testing/static-imports.js";

/* Each entry point, and for the chat clients the client client-cli.ts imports once the arguments are good. */
const CLIENTS = ["part3/interactive_client.ts", "part4/mc_client.ts", "shared/client/chat-client.ts"];
const ENTRIES = [...CLIENTS, "part1/post_server.ts", "part1/post_client.ts", "part2/pub_server.ts", "part2/pub_client.ts", "part3/interactive_server.ts", "part4/mc_server.ts", "part4/mc_keygen.ts"];

test("no entry point loads yargs for a command line of only positionals", () => {
  assert.deepEqual(chainsTo(ENTRIES, (m) => m === "yargs" || m.startsWith("yargs/")), []);
});

test("a chat client loads no chalk, no terminal screen and no file machinery until it needs them", () => {
  assert.ok(reachable(CLIENTS).has("shared/client/transfers.ts"), "the walk reaches the client");
  const later = /^(chalk|string-width|wrap-ansi)$|^shared\/client\/(ui\/(style|terminal-screen)|files\/(upload|download|file-link))\.ts$/;
  assert.deepEqual(chainsTo(CLIENTS, (m) => later.test(m)), []);
});

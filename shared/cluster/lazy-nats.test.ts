/**
 * Without --cluster nothing loads NATS: no module a part's entry point
 * imports statically (following `import ... from`, not `import type` and
 * not `await import()`) imports @nats-io. The cluster's modules are loaded
 * by dynamic import when --cluster (or --directory's directory) needs them.
 * build/bundle.test.ts checks the same on the built bundles.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chainsTo, reachable } from "../testing/static-imports.js";

/* The parts' entry points, and the client they all import once their arguments are good (client-cli.ts). */
const ENTRIES = ["part1/post_server.ts", "part1/post_client.ts", "part2/pub_server.ts", "part2/pub_client.ts", "part3/interactive_server.ts", "part3/interactive_client.ts", "part4/mc_server.ts", "part4/mc_client.ts", "part4/mc_start.ts", "shared/client/chat-client.ts"];

test("a server or client started without --cluster loads no NATS module (every static import chain from the parts' entry points)", () => {
  const seen = reachable(ENTRIES);
  assert.ok(seen.size > 50, `followed ${seen.size} modules`);
  assert.deepEqual(chainsTo(ENTRIES, (m) => m.startsWith("@nats-io/")), []);
});

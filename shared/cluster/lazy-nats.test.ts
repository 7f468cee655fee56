/**
 * Without --cluster nothing loads NATS: no module a part's entry point
 * imports statically (following `import ... from`, not `import type` and
 * not `await import()`) imports @nats-io. The cluster's modules are loaded
 * by dynamic import when --cluster (or --directory's directory) needs them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "../testing/processes.js";

const ENTRIES = ["part1/post_server.ts", "part1/post_client.ts", "part2/pub_server.ts", "part2/pub_client.ts", "part3/interactive_server.ts", "part3/interactive_client.ts", "part4/mc_server.ts", "part4/mc_client.ts", "part4/mc_start.ts"];

/** The static value imports of a module: `import x from "y"`, `import "y"`, `export ... from "y"` (not `import type`). */
function staticImports(source: string): string[] {
  const found: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^;'"]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) found.push(m[1]!);
  return found;
}

test("a server or client started without --cluster loads no NATS module (every static import chain from the parts' entry points)", () => {
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      assert.fail(`cannot read ${relative(ROOT, file)}`);
    }
    for (const spec of staticImports(source)) {
      if (spec.startsWith("@nats-io/")) offenders.push([...chain, relative(ROOT, file), spec].join(" -> "));
      else if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")), [...chain, relative(ROOT, file)]);
    }
  };
  for (const entry of ENTRIES) visit(join(ROOT, entry), []);
  assert.ok(seen.size > 50, `followed ${seen.size} modules`);
  assert.deepEqual(offenders, []);
});

/**
 * What the build (bundle.ts) gives: each program at its own path is its
 * bundle, and what shared/lazy-start.test.ts and lazy-nats.test.ts check on
 * the sources still holds for the bundles that actually run: a piped chat
 * client loads no yargs, chalk, terminal screen, file-transfer code or NATS,
 * and no program loads yargs or NATS before it needs them. Read from
 * esbuild's record of each bundle (its files, each one's static and dynamic
 * imports, and the modules inside it). Run after `npm run build`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Metafile } from "esbuild";
import { ROOT, runToExit } from "../shared/testing/processes.js";
import { staticImports } from "../shared/testing/static-imports.js";
import { BUNDLE_DIR, programs, type Program } from "./programs.js";

const PROGRAMS = programs();
const CLIENTS = PROGRAMS.filter((p) => ["part3/interactive_client.js", "part4/mc_client.js"].includes(p.script));

function meta(p: Program): Metafile {
  const file = join(ROOT, p.meta);
  assert.ok(existsSync(file), `${p.meta} is missing: run npm run build`);
  return JSON.parse(readFileSync(file, "utf8")) as Metafile;
}

/** What loading `from` loads at once: the bundle's files reached by static imports, their modules, and the packages they import. */
function loadedWith(m: Metafile, from: readonly string[]): { files: Set<string>; modules: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const i of m.outputs[file]!.imports) {
      if (i.kind !== "import-statement") continue;
      if (i.external) packages.add(i.path);
      else visit(i.path);
    }
  };
  from.forEach(visit);
  return { files, modules: [...files].flatMap((f) => Object.keys(m.outputs[f]!.inputs)), packages: [...packages] };
}

/** The bundle's file that holds `module` (a path from the root, as tsc wrote it). */
function fileHolding(m: Metafile, module: string): string | undefined {
  return Object.keys(m.outputs).find((f) => module in m.outputs[f]!.inputs);
}

/** A bundled package's modules are named by their path in node_modules. */
const inPackage = (module: string, name: RegExp) => new RegExp(`(^|/)node_modules/${name.source}/`).test(module);

test("each program is bundled at its own path, its other files in .bundle", () => {
  assert.ok(PROGRAMS.some((p) => p.script === "part4/mc_client.js") && PROGRAMS.every((p) => !p.script.includes(".test.")), PROGRAMS.map((p) => p.script).join(", "));
  for (const p of PROGRAMS) {
    assert.ok(p.script in meta(p).outputs, `${p.meta} has no ${p.script}`);
    const own = staticImports(readFileSync(join(ROOT, p.script), "utf8")).filter((s) => s.startsWith("."));
    assert.deepEqual(own.filter((s) => !s.startsWith(`../${BUNDLE_DIR}/`)), [], `${p.script} imports tsc's modules: it is not the bundle (run npm run build)`);
  }
});

test("a piped chat client's bundle loads no yargs, chalk, terminal screen, file-transfer code or NATS", () => {
  const later = /^shared\/client\/(ui\/(style|terminal-screen)|files\/(upload|download|file-link))\.js$/;
  for (const p of CLIENTS) {
    const m = meta(p);
    /* A plain run imports the client itself once the arguments are good (client-cli.ts): that file and all it loads at once. */
    const client = fileHolding(m, "shared/client/chat-client.js");
    assert.ok(client !== undefined && !loadedWith(m, [p.script]).files.has(client), `${p.script}: the client is a chunk of its own, loaded after the arguments`);
    const run = loadedWith(m, [p.script, client]);
    assert.deepEqual(run.modules.filter((mod) => later.test(mod) || inPackage(mod, /(chalk|string-width|wrap-ansi|yargs|@nats-io\/[^/]+)/)), [], p.script);
    assert.deepEqual(run.packages.filter((pkg) => pkg === "yargs" || pkg.startsWith("@nats-io/")), [], p.script);
  }
});

test("no program's bundle loads yargs, nor NATS without --cluster, before it needs them", () => {
  for (const p of PROGRAMS) {
    const start = loadedWith(meta(p), [p.script]).packages;
    assert.deepEqual(start.filter((pkg) => pkg === "yargs" || pkg.startsWith("yargs/")), [], p.script);
    /* The directory always has a cluster (its --cluster is required). */
    if (p.script !== "part4/mc_directory.js") assert.deepEqual(start.filter((pkg) => pkg.startsWith("@nats-io/")), [], p.script);
  }
});

test("every bundled program finds the project's package.json (--version), from its own file and from a chunk", async (t) => {
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  for (const p of PROGRAMS) {
    const r = await runToExit(t, p.script, ["--version"]);
    assert.deepEqual({ code: r.code, out: r.out }, { code: 0, out: [`${version} (protocol mchat/1)`] }, `${p.script}: ${r.err.join("\n")}`);
  }
});

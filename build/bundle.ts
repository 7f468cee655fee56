/**
 * The build's second step, after `tsc -p .` (npm run build, and so prepare,
 * test and bench): each program a user runs (programs.ts) is bundled with
 * esbuild over tsc's output at its own path, part4/mc_client.js and so on, so
 * that a start reads a handful of files instead of ~95 ES modules at about
 * 0.5 ms each (issue 16). The assignment's command lines do not change.
 *
 * What a run loads only when it needs it (`await import()`: chalk and the
 * terminal screen, the file transfers, the chat client after its arguments;
 * yargs and NATS, left as packages) is loaded then, from a chunk in
 * .bundle/<program>/ or from node_modules; build/bundle.test.ts checks that
 * on the bundles' records. Each program is bundled on its own: one build of
 * all twelve split the modules they share into 56 small chunks and gave back
 * about a third of the gain (mc_client 117 against 108 ms of CPU).
 *
 * Code in a bundle runs from another file than its source, so nothing
 * bundled may find files relative to its own `import.meta.url` by counting
 * folders: shared/root.ts finds the project root instead.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { ROOT_DIR } from "../shared/root.js";
import { BUNDLE_DIR, programs, type Program } from "./programs.js";
import { requireCommonJs } from "./require-commonjs.js";

/**
 * Packages left for Node to load from node_modules, as without the bundle.
 * Imported: NATS (ES modules, loaded only with --cluster) and yargs (only for
 * options, --help and usage errors), which finds its translations relative
 * to its own file, so bundled it would print --help in English only.
 * Every other package (chalk, string-width, wrap-ansi, luxon: pure ES
 * modules) is bundled with the code that uses it.
 */
const EXTERNAL = ["@nats-io/*", "yargs"];
/**
 * Required (CommonJS, require-commonjs.ts), also from node_modules: zeromq
 * and better-sqlite3 load native addons from their own folders; pino
 * requires Node's modules and starts worker threads by file path.
 */
const REQUIRED = ["zeromq", "better-sqlite3", "pino"];

async function bundle(p: Program): Promise<void> {
  const result = await build({
    absWorkingDir: ROOT_DIR,
    /*
     * The entry is the .ts source (its .js is about to be replaced); its
     * imports ("../shared/cli.js") resolve to tsc's output, so the bundle is
     * of the code tsc checked and emitted.
     */
    entryPoints: [p.source],
    outdir: ROOT_DIR,
    outbase: ROOT_DIR,
    entryNames: "[dir]/[name]",
    chunkNames: `${p.chunks}/[name]-[hash]`,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    plugins: [requireCommonJs(REQUIRED)],
    metafile: true,
    logLevel: "warning",
  });
  /* A program that imports nothing lazily has no chunks, so the folder may not be there yet. */
  mkdirSync(dirname(join(ROOT_DIR, p.meta)), { recursive: true });
  writeFileSync(join(ROOT_DIR, p.meta), `${JSON.stringify(result.metafile)}\n`);
}

/* Chunks of an earlier build have other names (their hashes): removed, not left to pile up. */
rmSync(join(ROOT_DIR, BUNDLE_DIR), { recursive: true, force: true });
await Promise.all(programs().map(bundle));

/**
 * An esbuild plugin for the bundles (bundle.ts): the CommonJS packages left
 * outside them (zeromq, better-sqlite3, pino) are loaded with `require`
 * instead of `import`. Node imports a CommonJS module into an ES module by
 * first scanning its source for the names it exports; required, it skips
 * that (about 5 ms of every start here, zeromq's share of it most).
 *
 * Each such import is served by a stand-in CommonJS module,
 * `module.exports = req("zeromq")`, which esbuild wraps and gives the
 * importer the same names, the default export being module.exports as Node
 * gives it. `req` is `createRequire` on the bundle file's own URL, so the
 * package is found in node_modules above it, as an import would find it.
 */
import type { Plugin } from "esbuild";

const NAMESPACE = "require-commonjs";
const REQ = "require-commonjs:req";
const IS_REQ = /^require-commonjs:req$/;

/** The plugin for `packages` (and their subpaths: "zeromq/v5-compat"). */
export function requireCommonJs(packages: readonly string[]): Plugin {
  const names = new RegExp(`^(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})(/.*)?$`);
  return {
    name: NAMESPACE,
    setup(b) {
      b.onResolve({ filter: IS_REQ }, (a) => ({ path: a.path, namespace: NAMESPACE }));
      b.onResolve({ filter: names }, (a) => ({ path: a.path, namespace: NAMESPACE }));
      b.onLoad({ filter: IS_REQ, namespace: NAMESPACE }, () => ({
        contents: `import { createRequire } from "node:module";\nexport const req = createRequire(import.meta.url);\n`,
        loader: "js",
      }));
      b.onLoad({ filter: names, namespace: NAMESPACE }, (a) => ({
        contents: `module.exports = require(${JSON.stringify(REQ)}).req(${JSON.stringify(a.path)});\n`,
        loader: "js",
      }));
    },
  };
}

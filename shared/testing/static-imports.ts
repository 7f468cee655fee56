/**
 * Test support: what a module loads on every run, read from the sources.
 * Static value imports (`import x from "y"`, `import "y"`, `export ... from
 * "y"`) are followed; `import type` and `await import()` are not, being
 * what a run loads only when it needs it.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "./processes.js";

/** The static value imports of a module's source. */
export function staticImports(source: string): string[] {
  const found: string[] = [];
  const re = /^\s*(?:import|export)\s+(?!type\b)(?:[^;'"]*?\s+from\s+)?["']([^"']+)["']/gm;
  for (let m = re.exec(source); m; m = re.exec(source)) found.push(m[1]!);
  return found;
}

/**
 * Every module reachable by static imports from `entries` (paths of .ts
 * files from the project root): our own files by their path from the root,
 * packages and built-ins by their specifier; each with the chain that
 * first reached it (entry first).
 */
export function reachable(entries: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const visit = (file: string, chain: string[]) => {
    const name = relative(ROOT, file);
    if (found.has(name)) return;
    found.set(name, chain);
    const source = readFileSync(file, "utf8");
    for (const spec of staticImports(source)) {
      if (spec.startsWith(".")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")), [...chain, name]);
      else if (!found.has(spec)) found.set(spec, [...chain, name]);
    }
  };
  for (const entry of entries) visit(join(ROOT, entry), []);
  return found;
}

/** The chains (a -> b -> ... -> module) by which `entries` reach a module that `matches`. */
export function chainsTo(entries: readonly string[], matches: (module: string) => boolean): string[] {
  return [...reachable(entries)].filter(([m]) => matches(m)).map(([m, chain]) => [...chain, m].join(" -> "));
}

/**
 * The programs the build bundles (build/bundle.ts) and where each bundle's
 * pieces go: every `partN/<name>.ts` that is not a test, the list read from
 * the folders so that a new program is bundled without being named here.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT_DIR } from "../shared/root.js";

/** Where the bundles' chunks and build records go, below the project root (gitignored build output). */
export const BUNDLE_DIR = ".bundle";

export interface Program {
  /** The source, from the project root: part4/mc_client.ts. */
  source: string;
  /** What a user runs, at the path tsc gives it: part4/mc_client.js. */
  script: string;
  /** The folder of the program's chunks (the lazily loaded parts and what they share): .bundle/part4/mc_client. */
  chunks: string;
  /** esbuild's record of the bundle (its files, their imports and the modules in each). */
  meta: string;
}

/** Every partN program, in folder and name order. */
export function programs(): Program[] {
  return readdirSync(ROOT_DIR)
    .filter((dir) => /^part\d+$/.test(dir))
    .sort()
    .flatMap((dir) => readdirSync(join(ROOT_DIR, dir))
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"))
      .sort()
      .map((f) => {
        const name = `${dir}/${f.slice(0, -".ts".length)}`;
        return { source: `${name}.ts`, script: `${name}.js`, chunks: `${BUNDLE_DIR}/${name}`, meta: `${BUNDLE_DIR}/${name}/meta.json` };
      }));
}

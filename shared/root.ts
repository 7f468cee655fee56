/**
 * The project's root folder (where package.json and part4/mc_server.js are),
 * found from this module's own file: the nearest folder above it that holds
 * package.json. Found, not counted ("../.."), because the build
 * (build/bundle.ts) copies this code into each program's bundle, which sits
 * at another depth (part4/mc_client.js, .bundle/part4/mc_client/chunk-….js).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest folder at or above `from` that holds package.json. */
function folderWithPackageJson(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    /* The file system's root: the project has lost its package.json, which no run can repair. */
    if (dirname(dir) === dir) throw new Error(`no package.json in ${from} or any folder above it`);
  }
}

export const ROOT_DIR = folderWithPackageJson(dirname(fileURLToPath(import.meta.url)));

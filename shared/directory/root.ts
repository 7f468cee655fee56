/** The project's root folder (compiled files sit beside their sources): where the default launch finds part4/mc_server.js. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

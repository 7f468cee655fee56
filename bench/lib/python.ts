/**
 * The Python baseline's interpreter: a python3 that can import zmq
 * (Debian's python3-zmq). When none can, the bench installs the package
 * with apt-get if it may (root, as in CI) and otherwise runs without the
 * Python column, saying why.
 */
import { spawnSync } from "node:child_process";

const CANDIDATES = ["/usr/bin/python3", "python3"];

function importsZmq(python: string): boolean {
  return spawnSync(python, ["-c", "import zmq"], { stdio: "ignore" }).status === 0;
}

let found: string | null | undefined;

/** The path of a python3 with pyzmq, installing python3-zmq when possible; null when there is none. */
export function pythonWithZmq(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string | null {
  if (found !== undefined) return found;
  found = CANDIDATES.find(importsZmq) ?? null;
  if (found === null && process.getuid?.() === 0) {
    log("bench: installing python3-zmq for the Python baseline");
    spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
    spawnSync("apt-get", ["install", "-y", "-qq", "python3-zmq"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    found = CANDIDATES.find(importsZmq) ?? null;
  }
  if (found === null) log("bench: no python3 with pyzmq (Debian: apt-get install python3-zmq); the pyzmq column stays empty");
  return found;
}

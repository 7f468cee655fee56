/**
 * CurveZMQ key handling. A server key pair lives in one file of two lines,
 * `public <z85>` and `secret <z85>`; the public key alone is what clients
 * are given (as the 40-character Z85 text or a file holding it).
 */
import { readFileSync } from "node:fs";
import { curveKeyPair } from "zeromq";
import { UsageError } from "../errors.js";

export interface CurveServerKeys {
  publicKey: string;
  secretKey: string;
}
export interface CurveClientKeys {
  serverKey: string;
  publicKey: string;
  secretKey: string;
}

const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

/** Reads a server key pair file written by mc_keygen. */
export function loadServerKeys(path: string): CurveServerKeys {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`cannot read the server key file '${path}'`);
  }
  const field = (name: string) => new RegExp(`^${name}\\s+(\\S{40})\\s*$`, "m").exec(text)?.[1];
  const publicKey = field("public");
  const secretKey = field("secret");
  if (!publicKey || !secretKey || !Z85_KEY.test(publicKey) || !Z85_KEY.test(secretKey)) {
    throw new UsageError(`'${path}' is not a server key file (expected 'public <key>' and 'secret <key>' lines)`);
  }
  return { publicKey, secretKey };
}

/**
 * Client keys for a server public key given as Z85 text or as a file that
 * holds it; the client's own pair is fresh for every run.
 */
export function clientKeys(serverKeyOrFile: string): CurveClientKeys {
  let serverKey = serverKeyOrFile.trim();
  if (!Z85_KEY.test(serverKey)) {
    let text: string;
    try {
      text = readFileSync(serverKeyOrFile, "utf8");
    } catch {
      throw new UsageError(`--server-key '${serverKeyOrFile}' is neither a 40-character key nor a readable file`);
    }
    // The secret half must stay with the server: a client handed server.key says so rather than use it quietly.
    if (/^secret\s+\S{40}\s*$/m.test(text)) {
      throw new UsageError(`'${serverKeyOrFile}' is the server's secret key file: give clients server.pub (the secret stays with the server)`);
    }
    serverKey = (/^(?:public\s+)?(\S{40})\s*$/m.exec(text)?.[1] ?? "").trim();
    if (!Z85_KEY.test(serverKey)) throw new UsageError(`'${serverKeyOrFile}' does not hold a server public key`);
  }
  const own = curveKeyPair();
  return { serverKey, publicKey: own.publicKey, secretKey: own.secretKey };
}

/** The socket options that make a client socket use CURVE with these keys (none without keys). */
export function curveClientOptions(curve: CurveClientKeys | undefined): { curveServerKey?: string; curvePublicKey?: string; curveSecretKey?: string } {
  return curve ? { curveServerKey: curve.serverKey, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey } : {};
}

/** The socket options that make a server socket use CURVE with this key pair (none without keys). */
export function curveServerOptions(curve: CurveServerKeys | undefined): { curveServer?: boolean; curvePublicKey?: string; curveSecretKey?: string } {
  return curve ? { curveServer: true, curveSecretKey: curve.secretKey, curvePublicKey: curve.publicKey } : {};
}

/** A fresh server key pair. */
export function newServerKeys(): CurveServerKeys {
  return curveKeyPair();
}

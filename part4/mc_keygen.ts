// node part4/mc_keygen.js <dir>: writes a CURVE key pair for mc_server --curve (and its public half for clients).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../shared/cli.js";
import { positional } from "../shared/args.js";
import { newServerKeys } from "../shared/transport/curve.js";

await runCli<{ dir: string }>(
  "node part4/mc_keygen.js <dir>",
  (y) => y.command("$0 <dir>", "Write a server key pair: <dir>/server.key (secret, for --curve) and <dir>/server.pub (for --server-key)", (c) =>
    positional(c, "dir", "directory to write server.key and server.pub in (created if missing; its parent must exist)")
      .example("node part4/mc_keygen.js keys", "then: mc_server ... --curve keys/server.key, clients ... --server-key keys/server.pub")),
  async (a) => {
    const keys = newServerKeys();
    const secretFile = join(a.dir, "server.key");
    const publicFile = join(a.dir, "server.pub");
    // Never overwrite a key pair that a running server and its clients may depend on.
    if (existsSync(secretFile) || existsSync(publicFile)) {
      process.stderr.write(`${a.dir} already holds a server key; remove server.key and server.pub first, or choose another directory\n`);
      return 1;
    }
    try {
      // Not { recursive: true }: on Node 20 that spins for ever where mkdir says ENOENT under an existing dir (/proc).
      if (!existsSync(a.dir)) mkdirSync(a.dir, { mode: 0o700 });
      writeFileSync(secretFile, `public ${keys.publicKey}\nsecret ${keys.secretKey}\n`, { mode: 0o600, flag: "wx" });
      writeFileSync(publicFile, `public ${keys.publicKey}\n`, { mode: 0o644, flag: "wx" });
    } catch (err) {
      process.stderr.write(`cannot write the keys in ${a.dir}: ${(err as Error).message}\n`);
      return 1;
    }
    process.stdout.write(
      `wrote ${secretFile} (secret: for mc_server --curve) and ${publicFile} (for clients' --server-key)\n` +
      /* Quoted for a shell: Z85 keys hold characters a shell reads (] ^ / < } #), but never a quote. */
      `public key: '${keys.publicKey}'\n` +
      `clients: --server-key ${publicFile} (the easy way), or --server-key '${keys.publicKey}'\n`,
    );
  },
);

/**
 * What every server entry point does once its arguments are parsed: start
 * the server, print where it listens (the line tests and people wait for),
 * and stop cleanly on Ctrl-C or SIGTERM.
 */
import { onShutdown } from "../cli.js";
import { startChatServer, type ServerOptions } from "./chat-server.js";

/** Runs a server until SIGINT or SIGTERM; `describe` names it in the readiness line. */
export async function serve(describe: string, options: ServerOptions, storeNote = ""): Promise<void> {
  const server = await startChatServer(options);
  const where = server.pubEndpoint
    ? `posts on ${server.postEndpoint}, publishing on ${server.pubEndpoint}`
    : `posts on ${server.postEndpoint}`;
  process.stdout.write(`${describe} listening: ${where}${storeNote} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => onShutdown(async () => {
    await server.close();
    process.stdout.write(`stopped after recording ${server.store.gseq} messages\n`);
    resolve();
  }));
}

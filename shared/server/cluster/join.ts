/**
 * The step from a running server to a cluster member the directory can
 * use (mc_server --cluster): register it (registry.ts), and return the stop
 * that undoes it: the record and slots are deleted before the server
 * closes (which closes the cluster connection). When the directory asks
 * this idle server to stop, it says so in one line and exits 0.
 */
import type { Cluster } from "../../cluster/connection.js";
import type { ChatServer } from "../chat-server.js";
import { registerServer } from "./registry.js";

/** Registers `server`; resolves with a stop that unregisters, then runs `stop`. */
export async function joinRegistry(server: ChatServer, cluster: Cluster, stop: () => Promise<void>): Promise<() => Promise<void>> {
  let stopping: Promise<void> | undefined;
  const leave = () => (stopping ??= (async () => {
    await registration.close();
    await stop();
  })());
  const registration = await registerServer({
    cluster,
    server,
    onStop: () => {
      process.stdout.write("stopping: idle, asked by the directory\n");
      void leave().finally(() => process.exit(0));
    },
    onError: (sentence) => process.stderr.write(`${sentence}\n`),
  });
  return leave;
}

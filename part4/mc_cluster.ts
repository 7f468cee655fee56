// npm run cluster: three NATS nodes, the directory and a server on this machine (shared/cluster/local-cluster.ts).
import { onShutdown, runCli } from "../shared/cli.js";
import { UsageError } from "../shared/errors.js";
import { startLocalCluster } from "../shared/cluster/local-cluster.js";

type Args = { port: string; "users-per-server": string; idle: string };

await runCli<Args>(
  "npm run cluster -- [--port 5550] [--users-per-server 10] [--idle 60]",
  (y) => y
    .option("port", { type: "string", default: "5550", describe: "the directory's port (0: any free port)" })
    .option("users-per-server", { type: "string", default: "10", describe: "users per server before the directory starts another" })
    .option("idle", { type: "string", default: "60", describe: "seconds a server may have no users before it is stopped" }),
  async (a) => {
    const port = Number(a.port);
    const users = Number(a["users-per-server"]);
    const idle = Number(a.idle);
    if (!/^\d+$/.test(a.port) || port > 65_535) throw new UsageError(`--port '${a.port}' is not a port number (0 to 65535)`);
    if (!Number.isSafeInteger(users) || users < 1) throw new UsageError("--users-per-server takes a whole number from 1");
    if (!(idle > 0)) throw new UsageError("--idle takes a number of seconds above 0");
    const cluster = await startLocalCluster({ port, usersPerServer: users, idle, print: (l) => process.stdout.write(`${l}\n`) });
    onShutdown(() => cluster.stop());
    process.stdout.write(`cluster ready; to chat, in another terminal: node part4/mc_client.js --directory ${cluster.directory} general yourname\n(Ctrl-C stops the directory, the servers and the NATS nodes)\n`);
    await new Promise<never>(() => {});
  },
);

// node part2/pub_client.js <ip> <pub_port>: prints every published message as `username: message (time)`.
import { runCli } from "../shared/cli.js";
import { endpointArg, positional, serverKeyArg, serverKeyOption } from "../shared/args.js";
import { printFeed } from "../shared/client/print-feed.js";

await runCli<{ ip: string; pub_port: string; "server-key"?: string }>(
  "node part2/pub_client.js <ip> <pub_port>",
  (y) => y.command("$0 <ip> <pub_port>", "Print every message published, until Ctrl-C", (c) =>
    serverKeyOption(positional(positional(c, "ip", "server address"), "pub_port", "server's publish port"))
      .example("node part2/pub_client.js 127.0.0.1 5556", "print what the server with pub port 5556 publishes")),
  async (a) => printFeed({ pub: endpointArg(a.ip, a.pub_port, "pub_port", false), curve: serverKeyArg(a["server-key"]) }),
);

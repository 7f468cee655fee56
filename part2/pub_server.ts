// node part2/pub_server.js <ip> <post_port> <pub_port>: records posts and publishes each one.
import { runCli } from "../shared/cli.js";
import { endpointArg, positional } from "../shared/args.js";
import { serve } from "../shared/server/serve.js";

await runCli<{ ip: string; post_port: string; pub_port: string }>(
  "node part2/pub_server.js <ip> <post_port> <pub_port>",
  (y) => y.command("$0 <ip> <post_port> <pub_port>", "Record posts and publish them (ports 0: any free port)", (c) =>
    positional(positional(positional(c, "ip", "address to listen on"), "post_port", "port for posts"), "pub_port", "port subscribers connect to")),
  async (a) => serve("pub server", {
    post: endpointArg(a.ip, a.post_port, "post_port", true),
    pub: endpointArg(a.ip, a.pub_port, "pub_port", true),
    channels: false,
  }),
);

// node part4/mc_client.js <ip> <post_port> <pub_port> <channel> <name>: chat in a channel (ALL reads every channel).
import { runCli } from "../shared/cli.js";
import { channelArg, positional } from "../shared/args.js";
import { clientOptions, startClient, type ClientArgs } from "../shared/client/client-cli.js";
import { PARTS } from "../shared/parts.js";

await runCli<ClientArgs & { channel: string }>(
  "node part4/mc_client.js <ip> <post_port> <pub_port> <channel> <name>",
  (y) => y.command("$0 <ip> <post_port> <pub_port> <channel> <name>", "Chat in a channel; ALL shows every channel, read-only", (c) =>
    clientOptions(positional(positional(positional(positional(positional(c, "ip", "server address"), "post_port", "server's post port"), "pub_port", "server's publish port"), "channel", "channel to join (ALL: every channel, read-only)"), "name", "your name"))
    .example("node part4/mc_client.js 127.0.0.1 5555 5556 dev kyle", "chat in #dev as kyle")
    .example("node part4/mc_client.js 127.0.0.1 5555 5556 ALL watcher", "read every channel")
    .example("node part4/mc_client.js 127.0.0.1 5555 5556 dev kyle --server-key keys/server.pub", "with a server started with --curve")),
  (a) => startClient(a, channelArg(a.channel), PARTS[4]),
);

// node part4/mc_client.js <ip> <post_port> <pub_port> <channel> <name>: chat in a channel (ALL reads every channel).
import { runCli } from "../shared/cli.js";
import { channelArg, positional } from "../shared/args.js";
import { clientOptions, startClient, type ClientArgs } from "../shared/client/client-cli.js";
import { PARTS } from "../shared/parts.js";

await runCli<ClientArgs & { channel: string }>(
  "node part4/mc_client.js <ip> <post_port> <pub_port> <channel> <name>",
  (y) => y.command("$0 <ip> <post_port> <pub_port> <channel> <name>", "Chat in a channel; ALL shows every channel, read-only", (c) =>
    clientOptions(positional(positional(positional(positional(positional(c, "ip", "server address"), "post_port", "server's post port"), "pub_port", "server's publish port"), "channel", "channel to join (ALL: every channel, read-only)"), "name", "your name"))),
  (a) => startClient(a, channelArg(a.channel), PARTS[4]),
);

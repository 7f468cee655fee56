// node part1/post_client.js <ip> <port> <username> "message": posts one message.
import { runCli } from "../shared/cli.js";
import { endpointArg, positional, userArg } from "../shared/args.js";
import { postOnce } from "../shared/client/post-once.js";
import { DEFAULT_CHANNEL } from "../shared/protocol/limits.js";
import { checkBody } from "../shared/protocol/validate.js";
import { UsageError } from "../shared/errors.js";
import { CodecError } from "../shared/protocol/errors.js";

await runCli<{ ip: string; port: string; username: string; message: string }>(
  'node part1/post_client.js <ip> <port> <username> "message"',
  (y) => y.command("$0 <ip> <port> <username> <message>", "Post one message and wait for the server's ack", (c) =>
    positional(positional(positional(positional(c, "ip", "server address"), "port", "server's post port"), "username", "your name"), "message", "the message (quote it)")),
  async (a) => {
    const endpoint = endpointArg(a.ip, a.port, "port", false);
    const user = userArg(a.username);
    try {
      checkBody(a.message);
    } catch (err) {
      if (err instanceof CodecError) throw new UsageError(`invalid message: it ${err.reason}`);
      throw err;
    }
    const { seq } = await postOnce({ endpoint, user, channel: DEFAULT_CHANNEL, body: a.message });
    process.stdout.write(`posted as message #${seq}\n`);
  },
);

// node part4/mc_directory.js <ip> <port> --cluster nats://...: the login server that sends each client to a chat server with room.
import { runCli } from "../shared/cli.js";
import { directoryCommand, runDirectory, type DirectoryArgs } from "../shared/directory/directory-cli.js";

await runCli<DirectoryArgs>(
  "node part4/mc_directory.js <ip> <port> --cluster nats://127.0.0.1:4222[,...] [--users-per-server 10] [--launch \"cmd\"] [--idle 60]",
  directoryCommand,
  runDirectory,
);

/**
 * The arguments the assignment's commands share, declared once for yargs
 * and checked once: <ip>, ports, names.
 */
import type { Argv } from "yargs";
import { UsageError } from "./errors.js";
import { CodecError } from "./protocol/errors.js";
import { parseHost, parsePort, tcpEndpoint } from "./transport/endpoint.js";
import { checkName, checkViewChannel } from "./protocol/validate.js";

/** Declares a string positional. */
export function positional<T>(y: Argv<T>, name: string, describe: string) {
  return y.positional(name, { type: "string", describe, demandOption: true });
}

/** The endpoint for <ip> and a port argument. */
export function endpointArg(ip: string, port: string, portName: string, server: boolean): string {
  return tcpEndpoint(parseHost(ip, { server }), parsePort(port, portName, { server }));
}

/** A user name argument, normalised to NFC and validated. */
export function userArg(name: string): string {
  return validated(() => checkName("user", name.normalize("NFC")));
}

/** A channel argument (ALL allowed), normalised and validated. */
export function channelArg(name: string): string {
  return validated(() => checkViewChannel(name.replace(/^#/, "").normalize("NFC")));
}

function validated(check: () => string): string {
  try {
    return check();
  } catch (err) {
    if (err instanceof CodecError) throw new UsageError(err.sentence);
    throw err;
  }
}

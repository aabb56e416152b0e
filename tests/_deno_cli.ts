/**
 * Running the `deno` executable of this test run on the repository (doc, check, publish…),
 * for tests that hold the module to what the CLI says about it.
 * @module
 */
import { join } from "node:path";

/** The repository's root folder. */
export const ROOT: string = join(import.meta.dirname!, "..");

/** What a `deno` subcommand printed and how it exited. */
export interface DenoRun {
  /** Exit code. */
  code: number;
  /** Standard output alone (e.g. JSON). */
  stdout: string;
  /** Standard output then standard error, for assertion messages. */
  output: string;
}

/** Run `deno <args>` in the repository root, without colours. */
export async function deno(args: string[]): Promise<DenoRun> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  const out = decoder.decode(stdout);
  return { code, stdout: out, output: out + decoder.decode(stderr) };
}

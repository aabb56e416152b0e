/**
 * The sandbox as its own process for the benchmarks (so its memory and CPU are its own):
 * `lib/sandbox/main.ts` on a free port, read back from its `PROTEINIQ_*` lines.
 * @module
 */
import { propertiesRequest } from "../tests/_client_support.ts";
import { fileURLToPath } from "node:url";

/** A sandbox server process. */
export interface SandboxProcess extends AsyncDisposable {
  url: string;
  apiKey: string;
  pid: number;
  child: Deno.ChildProcess;
}

/**
 * Start `lib/sandbox/main.ts` with `args` (plus `--port 0 --quiet`) and wait for its URL.
 * Extra `deno run` flags come from the `SANDBOX_DENO_FLAGS` environment variable.
 *
 * @example
 * ```ts
 * await using server = await spawnSandbox(["--pace", "instant"]);
 * console.log(server.url);
 * ```
 */
export async function spawnSandbox(args: string[]): Promise<SandboxProcess> {
  const main = fileURLToPath(new URL("../lib/sandbox/main.ts", import.meta.url));
  const child = new Deno.Command(Deno.execPath(), {
    // SANDBOX_DENO_FLAGS="--cpu-prof --cpu-prof-dir=prof" profiles the server process.
    args: [
      "run",
      "-A",
      ...(Deno.env.get("SANDBOX_DENO_FLAGS")?.split(/\s+/).filter(Boolean) ?? []),
      main,
      "--port",
      "0",
      "--quiet",
      ...args,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/PROTEINIQ_API_KEY=\S+\n/.test(text)) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`sandbox exited early: ${text}`);
    text += value;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    while (!(await lines.read()).done) { /* drain */ }
  })().catch(() => undefined);
  return {
    url: /PROTEINIQ_BASE_URL=(\S+)/.exec(text)![1],
    apiKey: /PROTEINIQ_API_KEY=(\S+)/.exec(text)![1],
    pid: child.pid,
    child,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await child.status;
    },
  };
}

/**
 * Run `total` requests made by `request` from `clients` concurrent loops; returns each
 * request's latency in ms and the wall time.
 *
 * @example
 * ```ts
 * const { latencies, seconds } = await load(1000, 8, () => fetch(url).then((r) => r.text()));
 * ```
 */
export async function load(
  total: number,
  clients: number,
  request: () => Promise<unknown>,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (issued < total) {
      issued++;
      const at = performance.now();
      await request();
      latencies.push(performance.now() - at);
    }
  }));
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** Flags of a sandbox that answers as fast as it can: no pacing, no rate limit. */
export const UNPACED_SANDBOX_ARGS: readonly string[] = [
  "--pace",
  "instant",
  "--per-job-poll-ms",
  "0",
  "--rate-limit",
  "1000000000",
];

/** The bench proteins' FASTA: hen egg-white lysozyme's first 60 residues. */
export const LYSOZYME_FASTA = ">seq\nKVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSR";

/** Submit one job to `server` and return the authorised status URL the benches hammer. */
export async function statusTarget(
  server: SandboxProcess,
  name: string,
): Promise<{ headers: Record<string, string>; statusUrl: string }> {
  const headers = { Authorization: `Bearer ${server.apiKey}` };
  const submitted = await fetch(`${server.url}/api/v1/jobs`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(propertiesRequest(name, LYSOZYME_FASTA)),
  });
  const job = await submitted.json() as { id: string };
  return { headers, statusUrl: `${server.url}/api/v1/jobs/${job.id}/status` };
}

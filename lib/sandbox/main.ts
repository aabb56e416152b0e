/**
 * The sandbox as a standalone server: `deno task sandbox` (or
 * `deno run -A lib/sandbox/main.ts --help`). It prints its base URL and API key as
 * `PROTEINIQ_BASE_URL=…` and `PROTEINIQ_API_KEY=…` lines, serves until SIGINT or SIGTERM,
 * and then shuts down cleanly. Unlike the embedded sandbox, it enforces the documented
 * 5-second per-job pace on `/status` and `/results` unless `--per-job-poll-ms` says otherwise.
 *
 * @example
 * ```sh
 * deno task sandbox --port 8787 --db sandbox.sqlite --pace instant
 * deno task sandbox --faults '{"errorRate":0.2,"dropAfterCommitRate":0.1,"seed":1}'
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { parseFaultProfile, type SandboxOptions, startSandbox } from "./mod.ts";
import { PACES } from "./_context.ts";

const HELP = `ProteinIQ sandbox: a local, ProteinIQ-compatible API server.

Usage: deno run -A lib/sandbox/main.ts [options]

Options:
  --port <n>              Port to listen on (default 8787; 0 picks a free one)
  --host <name>           Interface to listen on (default 127.0.0.1)
  --db <path>             SQLite database file (default :memory:, gone when the server stops)
  --key <key>             Use this API key for the default workspace (pq_live_<keyId>_<secret>)
  --pace demo|instant     How long jobs take to move through their states (default demo)
  --per-job-poll-ms <n>   Minimum time between two /status or /results reads of one job by
                          one key (default 5000, as documented; 0 turns it off)
  --credits <n>           Credits of the default workspace when the database is new (default 500)
  --max-concurrent <n>    Jobs the default workspace may run at once (default 3)
  --rate-limit <n>        Requests per key per 60 s window (default 120, as documented)
  --billing-minute-ms <n> Real milliseconds per billing minute of minute-billed tools (default 60000)
  --max-upload <size>     Largest file POST /api/v1/files accepts, in bytes or with a K, M or G
                          suffix (default 10M); uploads stream to disk next to the database
  --faults <json>         A fault profile, e.g. '{"errorRate":0.2,"dropAfterCommitRate":0.1}'
                          (latencyMs, errorRate, errorStatuses, retryAfterSeconds,
                          dropAfterCommitRate, cutEventsAfter, routes, seed)
  --quiet                 Print only the two PROTEINIQ_* lines
  --help                  Show this help
`;

/** Why the command line was refused. */
class UsageError extends Error {}

function integer(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new UsageError(`--${name} must be a whole number of at least ${min}, not "${value}"`);
  }
  return parsed;
}

/** A size in bytes: a whole number, optionally with a K, M or G suffix (powers of 1024). */
function byteSize(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\s*([KMG]?)i?B?$/i.exec(value.trim());
  if (!match || Number(match[1]) < 1) {
    throw new UsageError(`--${name} must be a size such as 500M or 2G, not "${value}"`);
  }
  const scale = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2].toUpperCase()] ?? 1;
  return Number(match[1]) * scale;
}

/**
 * Turn command-line arguments into sandbox options.
 *
 * @example
 * ```ts
 * import { optionsFromArgs } from "./main.ts";
 * optionsFromArgs(["--pace", "instant", "--port", "0"]).options.pace; // "instant"
 * ```
 */
export function optionsFromArgs(
  args: string[],
): { options: SandboxOptions; help: boolean; quiet: boolean } {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      db: { type: "string" },
      key: { type: "string" },
      pace: { type: "string" },
      "per-job-poll-ms": { type: "string" },
      credits: { type: "string" },
      "max-concurrent": { type: "string" },
      "rate-limit": { type: "string" },
      "billing-minute-ms": { type: "string" },
      "max-upload": { type: "string" },
      faults: { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const pace = values.pace ?? "demo";
  if (!(pace in PACES)) {
    throw new UsageError(`--pace must be one of ${Object.keys(PACES).join(", ")}, not "${pace}"`);
  }
  let faults: SandboxOptions["faults"];
  if (values.faults !== undefined) {
    try {
      faults = parseFaultProfile(JSON.parse(values.faults));
    } catch (error) {
      throw new UsageError(`--faults: ${(error as Error).message}`);
    }
  }
  const credits = integer("credits", values.credits);
  const maxConcurrent = integer("max-concurrent", values["max-concurrent"], 1);
  const rateLimit = integer("rate-limit", values["rate-limit"], 1);
  const billingMinuteMs = integer("billing-minute-ms", values["billing-minute-ms"], 1);
  const maxUploadBytes = byteSize("max-upload", values["max-upload"]);
  const options: SandboxOptions = {
    port: integer("port", values.port) ?? 8787,
    hostname: values.host ?? "127.0.0.1",
    database: values.db ?? ":memory:",
    apiKey: values.key,
    pace: pace as keyof typeof PACES,
    workspace: {
      ...(credits !== undefined ? { credits } : {}),
      ...(maxConcurrent !== undefined ? { maxConcurrentJobs: maxConcurrent } : {}),
      ...(rateLimit !== undefined ? { rateLimit } : {}),
    },
    settings: {
      perJobPollMs: integer("per-job-poll-ms", values["per-job-poll-ms"]) ?? 5000,
      ...(billingMinuteMs !== undefined ? { billingMinuteMs } : {}),
      ...(maxUploadBytes !== undefined ? { maxUploadBytes } : {}),
    },
    ...(faults !== undefined ? { faults } : {}),
  };
  return { options, help: values.help ?? false, quiet: values.quiet ?? false };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof optionsFromArgs>;
  try {
    parsed = optionsFromArgs(Deno.args);
  } catch (error) {
    console.error(`sandbox: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const { options, quiet } = parsed;
  const sandbox = await startSandbox(options);
  // Limits are settings, so they follow the flags on every start; credits are a balance, set
  // only when the database is new (a restart must not refill or reset them).
  const { maxConcurrentJobs, rateLimit } = options.workspace ?? {};
  if (maxConcurrentJobs !== undefined || rateLimit !== undefined) {
    sandbox.updateWorkspace(sandbox.workspaceId, { maxConcurrentJobs, rateLimit });
  }
  if (!quiet) {
    console.log(`ProteinIQ sandbox listening on ${sandbox.url} (API under /api/v1)`);
    console.log(`  database: ${options.database}`);
    console.log(
      `  pace: ${options.pace}; per-job poll interval: ${options.settings?.perJobPollMs} ms`,
    );
    if (options.faults) console.log(`  faults: ${JSON.stringify(options.faults)}`);
  }
  console.log(`PROTEINIQ_BASE_URL=${sandbox.url}`);
  console.log(`PROTEINIQ_API_KEY=${sandbox.apiKey}`);

  const { promise: stopped, resolve } = Promise.withResolvers<string>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, () => resolve(signal));
  const signal = await stopped;
  if (!quiet) console.log(`sandbox: ${signal}, shutting down`);
  await sandbox.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main());

/**
 * First-import time of the module as a user outside the repository gets it, side by side in
 * one run: a script in a temporary folder (no `deno.json`) imports `mod.ts` and calls
 * `connect()` until the embedded sandbox answers, then exits. Measured wall time of the whole
 * `deno run`, median of the runs:
 *
 * - **in repo**: the script inside the checkout, with its `deno.json` and `node_modules/`;
 * - **by path**: from the temporary folder, by absolute path;
 * - **by URL (first)**: over HTTP from a static server, on a port never seen before, so Deno
 *   fetches and compiles every module afresh (npm packages already in the cache);
 * - **by URL (cached)**: the same URL again.
 *
 * With `--cold`, also **by path, empty DENO_DIR**: the very first use on a machine, npm
 * packages downloaded from the registry (network-bound).
 *
 * Run: `deno run -A bench/import_bench.ts [--runs=5] [--cold]`
 * @module
 */
import { join } from "node:path";
import { serveFolder } from "../tests/_static_server.ts";

const ROOT = join(import.meta.dirname!, "..");
const runs = Number(Deno.args.find((arg) => arg.startsWith("--runs="))?.slice(7) ?? 5);
const cold = Deno.args.includes("--cold");

const script = (specifier: string) =>
  `import { connect } from ${JSON.stringify(specifier)};
const piq = await connect();
await piq.account.get();
await piq.close();
`;

async function timeRun(
  folder: string,
  file: string,
  extraEnv: Record<string, string> = {},
): Promise<number> {
  const { PROTEINIQ_API_KEY: _key, PROTEINIQ_BASE_URL: _url, ...inherited } = Deno.env.toObject();
  const db = await Deno.makeTempFile({ suffix: ".sqlite" });
  await Deno.remove(db);
  const started = performance.now();
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", file],
    cwd: folder,
    clearEnv: true,
    env: { ...inherited, ...extraEnv, NO_COLOR: "1", PROTEINIQ_SANDBOX_DB: db },
    stdout: "null",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  await Deno.remove(db).catch(() => {});
  await Deno.remove(`${db}-wal`).catch(() => {});
  await Deno.remove(`${db}-shm`).catch(() => {});
  if (code !== 0) throw new Error(new TextDecoder().decode(stderr).slice(-2000));
  return elapsed;
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[values.length >> 1];

const outside = await Deno.makeTempDir({ prefix: "piq-import-bench-" });
const inRepo = join(ROOT, "bench", "_import_probe.ts");
await Deno.writeTextFile(inRepo, script("../mod.ts"));
await Deno.writeTextFile(join(outside, "by_path.ts"), script(join(ROOT, "mod.ts")));
const server = serveFolder(ROOT);
const rows: [string, number[]][] = [];
try {
  // One untimed run each, so every variant starts with the npm cache filled.
  await timeRun(ROOT, inRepo);
  await timeRun(outside, "by_path.ts");
  const samples = { repo: [] as number[], path: [] as number[], first: [] as number[] };
  const cached: number[] = [];
  for (let run = 0; run < runs; run++) {
    samples.repo.push(await timeRun(ROOT, inRepo));
    samples.path.push(await timeRun(outside, "by_path.ts"));
    // A fresh prefix: every module of the graph is a URL Deno has never fetched.
    const url = `http://127.0.0.1:${server.addr.port}/fresh-${crypto.randomUUID()}/mod.ts`;
    await Deno.writeTextFile(join(outside, "by_url.ts"), script(url));
    samples.first.push(await timeRun(outside, "by_url.ts"));
    cached.push(await timeRun(outside, "by_url.ts"));
  }
  rows.push(["in repo (deno.json, node_modules)", samples.repo]);
  rows.push(["by path, from another folder", samples.path]);
  rows.push(["by URL, first import", samples.first]);
  rows.push(["by URL, cached", cached]);
  if (cold) {
    const denoDir = await Deno.makeTempDir({ prefix: "piq-deno-dir-" });
    try {
      rows.push([
        "by path, empty DENO_DIR (downloads npm)",
        [await timeRun(outside, "by_path.ts", { DENO_DIR: denoDir })],
      ]);
    } finally {
      await Deno.remove(denoDir, { recursive: true });
    }
  }
} finally {
  await server.shutdown();
  await Deno.remove(inRepo).catch(() => {});
  await Deno.remove(outside, { recursive: true });
}

const base = median(rows[0][1]);
console.log(
  `import + connect() to a ready sandbox, median of ${runs} run(s), Deno ${Deno.version.deno}`,
);
for (const [name, values] of rows) {
  const ms = median(values);
  console.log(`${name.padEnd(42)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / base).toFixed(2)}×`);
}

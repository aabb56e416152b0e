/**
 * Memory under steady load: the sandbox as its own process answers authenticated status
 * GETs (`GET /api/v1/jobs/{id}/status`, 8 concurrent clients); its RSS (`/proc/PID/status`
 * VmRSS) after the first 1 000 requests against after all of them (default 100 000), and
 * after 2 s idle. Goal: growth ≤ 64 MB.
 *
 * Run: `deno run -A bench/sandbox_memory_bench.ts` (about a minute). Options: `--requests N`
 * (default 100000), `--clients N` (default 8).
 * @module
 */
import { option, rssOf } from "./_stats.ts";
import { load, spawnSandbox, statusTarget, UNPACED_SANDBOX_ARGS } from "./_sandbox_process.ts";

const REQUESTS = option("requests", 100_000);
const CLIENTS = option("clients", 8);
const MB = 1024 * 1024;

await using server = await spawnSandbox([...UNPACED_SANDBOX_ARGS]);
const { headers, statusUrl } = await statusTarget(server, "memory");
const get = async () => {
  const response = await fetch(statusUrl, { headers });
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  await response.arrayBuffer();
};

const before = await rssOf(server.pid);
await load(1000, CLIENTS, get);
const afterFirst = await rssOf(server.pid);
const rest = await load(REQUESTS - 1000, CLIENTS, get);
const afterAll = await rssOf(server.pid);
await new Promise((resolve) => setTimeout(resolve, 2000));
const idle = await rssOf(server.pid);

console.log(`${REQUESTS} status GETs, ${CLIENTS} clients, sandbox pid ${server.pid}`);
console.log(`RSS at start          ${(before / MB).toFixed(1)} MB`);
console.log(`RSS after 1 000       ${(afterFirst / MB).toFixed(1)} MB`);
console.log(
  `RSS after ${REQUESTS}   ${(afterAll / MB).toFixed(1)} MB  (${
    ((REQUESTS - 1000) / rest.seconds).toFixed(0)
  } req/s)`,
);
console.log(`RSS after 2 s idle    ${(idle / MB).toFixed(1)} MB`);
console.log(
  `growth after the first 1 000: ${((afterAll - afterFirst) / MB).toFixed(1)} MB (goal ≤ 64 MB), ${
    ((afterAll - afterFirst) / Math.max(1, REQUESTS - 1000)).toFixed(0)
  } bytes per request`,
);

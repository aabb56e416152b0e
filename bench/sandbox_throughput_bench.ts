/**
 * Throughput of authenticated status GETs (`GET /api/v1/jobs/{id}/status`) with 32
 * concurrent clients: the sandbox as its own process against a bare `Deno.serve` process
 * answering the same JSON body, alternating phases so load from elsewhere hits both alike.
 * Goal: ratio ≥ 0.4, sandbox p99 < 10 ms.
 *
 * Run: `deno run -A bench/sandbox_throughput_bench.ts` (about 30 s). Options: `--requests N`
 * per phase (default 10000), `--phases N` per side (default 3), `--clients N` (default 32).
 * @module
 */
import { median, option, percentile } from "./_stats.ts";
import { load, spawnSandbox, statusTarget, UNPACED_SANDBOX_ARGS } from "./_sandbox_process.ts";

const REQUESTS = option("requests", 10_000);
const PHASES = option("phases", 3);
const CLIENTS = option("clients", 32);

await using server = await spawnSandbox([...UNPACED_SANDBOX_ARGS]);
const { headers, statusUrl } = await statusTarget(server, "throughput");
await new Promise((resolve) => setTimeout(resolve, 500));
const body = await (await fetch(statusUrl, { headers })).text();

// The bare server: its own process, one fixed JSON body.
const bare = new Deno.Command(Deno.execPath(), {
  args: [
    "eval",
    `const body = ${JSON.stringify(body)};
     Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: (a) => console.log("PORT=" + a.port) },
       () => new Response(body, { headers: { "Content-Type": "application/json" } }));`,
  ],
  stdout: "piped",
}).spawn();
const bareLines = bare.stdout.pipeThrough(new TextDecoderStream()).getReader();
let bareText = "";
while (!/PORT=\d+\n/.test(bareText)) bareText += (await bareLines.read()).value ?? "";
const bareUrl = `http://127.0.0.1:${/PORT=(\d+)/.exec(bareText)![1]}/`;

const sides = {
  sandbox: async () => {
    const response = await fetch(statusUrl, { headers });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    await response.arrayBuffer();
  },
  bare: async () => {
    const response = await fetch(bareUrl, { headers });
    await response.arrayBuffer();
  },
};
// Warm both (JIT on both sides).
for (const request of Object.values(sides)) await load(2000, CLIENTS, request);
const figures = { sandbox: [] as number[], bare: [] as number[] };
const latencies = { sandbox: [] as number[], bare: [] as number[] };
for (let phase = 0; phase < PHASES; phase++) {
  for (const side of phase % 2 ? ["bare", "sandbox"] as const : ["sandbox", "bare"] as const) {
    const run = await load(REQUESTS, CLIENTS, sides[side]);
    figures[side].push(REQUESTS / run.seconds);
    latencies[side].push(...run.latencies);
  }
}
bare.kill("SIGTERM");
await bare.status;

console.log(`${CLIENTS} clients, ${PHASES} phases of ${REQUESTS} requests per side, alternating`);
for (const side of ["sandbox", "bare"] as const) {
  console.log(
    `${side.padEnd(8)} ${median(figures[side]).toFixed(0)} req/s (phases ${
      figures[side].map((f) => f.toFixed(0)).join(", ")
    }); p50 ${percentile(latencies[side], 0.5).toFixed(2)} ms, p99 ${
      percentile(latencies[side], 0.99).toFixed(2)
    } ms`,
  );
}
console.log(
  `ratio sandbox/bare ${
    (median(figures.sandbox) / median(figures.bare)).toFixed(2)
  } (goal ≥ 0.4); ` +
    `sandbox p99 ${percentile(latencies.sandbox, 0.99).toFixed(2)} ms (goal < 10 ms)`,
);

/**
 * The whole test run (`deno task test`): static checks (format, lint, types), then every test
 * file under `tests/` (unit, sandbox-over-loopback, browser and notebook tests). Ends with
 * one line, `N passed, N failed`, counting each static check and each test.
 * @module
 */

const encoder = new TextEncoder();
const env = { NO_COLOR: "1" };

interface Step {
  name: string;
  args: string[];
}

const STATIC_CHECKS: Step[] = [
  { name: "deno fmt --check", args: ["fmt", "--check"] },
  { name: "deno lint", args: ["lint"] },
  { name: "deno check", args: ["check", "mod.ts", "lib/", "tests/", "bench/", "examples/"] },
];

async function run(args: string[], echo: boolean): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      output += chunk;
      if (echo) await sink.write(encoder.encode(chunk));
    }
  };
  const [status] = await Promise.all([
    child.status,
    pump(child.stdout, Deno.stdout),
    pump(child.stderr, Deno.stderr),
  ]);
  return { code: status.code, output };
}

let passed = 0;
let failed = 0;

for (const check of STATIC_CHECKS) {
  const { code, output } = await run(check.args, false);
  if (code === 0) {
    passed++;
    console.log(`static: ${check.name} ... ok`);
  } else {
    failed++;
    console.log(`static: ${check.name} ... FAILED\n${output.slice(-6000)}`);
  }
}

const extra = Deno.args;
const { code, output } = await run(["test", "-A", "--parallel", ...extra, "tests/"], true);
// Deno's summary: "ok | 12 passed (3 steps) | 0 failed (4s)" or "FAILED | 10 passed | 2 failed".
const summary = [...output.matchAll(/(?:^|\n)(?:ok|FAILED) \| (\d+) passed[^|]*\| (\d+) failed/g)]
  .at(-1);
if (summary) {
  passed += Number(summary[1]);
  failed += Number(summary[2]);
} else {
  // No summary means the run itself broke (a module that does not load, say).
  failed++;
  console.log("deno test ended without a summary");
}
if (code !== 0 && summary && Number(summary[2]) === 0) failed++;

console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);

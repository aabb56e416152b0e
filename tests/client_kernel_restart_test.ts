/**
 * Issue scenario "kernel restart mid-wait", in a real Deno Jupyter kernel driven by
 * `jupyter_client` (tests/fixtures/kernel_restart.py): a cell connects to the embedded sandbox
 * (a database file in the notebook's folder), submits a job and waits; the kernel is restarted
 * while the job is PENDING; the same cell runs again. With remembered submissions the re-run
 * re-attaches to the first job and follows it to COMPLETED: one job, one charge. With them
 * turned off (the behaviour before), the re-run pays for a second job — the check that this
 * test can fail.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const DRIVER = new URL("./fixtures/kernel_restart.py", import.meta.url).pathname;
const MOD = new URL("../mod.ts", import.meta.url).href;
const PYTHON = "/usr/bin/python3";

async function kernelAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(PYTHON, {
      args: [
        "-c",
        "import jupyter_client.kernelspec as k; k.KernelSpecManager().get_kernel_spec('deno')",
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

function cell(remember: boolean): string {
  return `
import { connect } from ${JSON.stringify(MOD)};
const piq = await connect({
  quiet: true,
  display: false,
  ${remember ? "" : "rememberSubmits: false,"}
  sandbox: {
    database: Deno.env.get("PROTEINIQ_SANDBOX_DB"),
    pace: { pendingMs: 2500, queuedMs: 200, minProcessingMs: 500, retryDelayMs: 0 },
  },
});
const job = await piq.jobs.submit({
  tool: "protein-properties",
  name: "restart mid-wait",
  input: { inputs: [{ id: "seqs_1", slotId: "protein", kind: "protein", format: "fasta",
    content: ">a\\nMKTAYIAKQRQISFVKSHFSRQ\\n", source: { type: "text" } }] },
});
console.log(JSON.stringify({ id: job.id, reattached: job.reattached, status: job.status }));
await job.wait({ display: false });
const jobs = await piq.jobs.list().take(100);
const account = await piq.account.get();
console.log(JSON.stringify({
  done: job.status, jobs: jobs.length, credits: account.workspace.credits.available,
}));
`;
}

interface Run {
  lines: string[];
  errors: string[];
  idle: boolean;
}

async function restartMidWait(remember: boolean): Promise<{ first: Run; second: Run }> {
  const workDir = await Deno.makeTempDir({ prefix: "piq-kernel-restart-" });
  try {
    const cellFile = join(workDir, "cell.ts");
    await Deno.writeTextFile(cellFile, cell(remember));
    const { PROTEINIQ_API_KEY: _key, PROTEINIQ_BASE_URL: _url, ...inherited } = Deno.env
      .toObject();
    const { success, stdout, stderr } = await new Deno.Command(PYTHON, {
      args: [DRIVER, workDir, cellFile],
      clearEnv: true,
      env: { ...inherited, PROTEINIQ_SANDBOX_DB: join(workDir, "sandbox.sqlite"), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "";
    assert.ok(success, new TextDecoder().decode(stderr).slice(-3000));
    return JSON.parse(out);
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
}

const haveKernel = await kernelAvailable();

Deno.test({
  name:
    "a real kernel restarted mid-wait: the re-run cell re-attaches to the first job (one job, one charge)",
  ignore: !haveKernel,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { first, second } = await restartMidWait(true);
    assert.deepEqual([first.errors, second.errors], [[], []]);
    assert.equal(first.idle, false, "the kernel was restarted while the cell was waiting");
    const submitted = JSON.parse(first.lines[0]);
    assert.equal(submitted.status, "PENDING");
    assert.equal(submitted.reattached, false);
    const [again, done] = second.lines.map((line) => JSON.parse(line));
    assert.equal(again.id, submitted.id, "the same job");
    assert.equal(again.reattached, true);
    assert.equal(done.done, "COMPLETED");
    assert.equal(done.jobs, 1, "one job in the workspace");
    assert.equal(done.credits, 8000 - 1, "one charge (the embedded workspace starts at 8000)");
  },
});

Deno.test({
  name:
    "the same restart with remembered submissions off pays for a second job (the issue as filed)",
  ignore: !haveKernel,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { first, second } = await restartMidWait(false);
    const submitted = JSON.parse(first.lines[0]);
    const [again, done] = second.lines.map((line) => JSON.parse(line));
    assert.notEqual(again.id, submitted.id);
    assert.equal(done.jobs, 2);
    assert.equal(done.credits, 8000 - 2);
  },
});

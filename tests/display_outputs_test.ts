/**
 * No empty `Out[n]:`: a cell whose last expression is a job wait or a display shows exactly
 * one output, in a notebook executed by real Jupyter (`jupyter nbconvert --execute` with the
 * Deno kernel) that imports this worktree's `mod.ts` by absolute path. Displays are repeated
 * so that a result published after the cell's `idle` (and lost by nbconvert) would show.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { denoNotebook, executeNotebook } from "./_notebook_json.ts";

const MOD = pathToFileURL(join(import.meta.dirname!, "..", "mod.ts")).href;
const STRUCTURE = join(import.meta.dirname!, "fixtures", "structures", "complex.pdb");

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

async function jupyterAvailable(): Promise<boolean> {
  try {
    const { success, stdout } = await new Deno.Command("jupyter", {
      args: ["kernelspec", "list"],
      stdout: "piped",
      stderr: "null",
    }).output().catch(() => ({ success: false, stdout: new Uint8Array() }));
    if (success) return /\bdeno\b/.test(new TextDecoder().decode(stdout));
    const nbconvert = await new Deno.Command("jupyter", {
      args: ["nbconvert", "--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return nbconvert.success;
  } catch {
    return false;
  }
}

async function execute(cells: string[]): Promise<Output[][]> {
  const dir = await Deno.makeTempDir({ prefix: "piq-outputs-" });
  try {
    const path = join(dir, "outputs.ipynb");
    await Deno.writeTextFile(path, denoNotebook(cells));
    const { PROTEINIQ_API_KEY: _key, PROTEINIQ_BASE_URL: _url, ...inherited } = Deno.env
      .toObject();
    const executed = await executeNotebook<Output>("outputs.ipynb", {
      cwd: dir,
      env: { ...inherited, NO_COLOR: "1" },
    });
    return executed.cells.map((cell) => cell.outputs);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function text(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join("") : value ?? "";
}

const REPEATS = 8;

Deno.test({
  name: "a cell ending in a job wait or a display shows exactly one output, never an empty one",
  ignore: !(await jupyterAvailable()),
  async fn() {
    const cells = [
      `import { connect, fastaInput, MultiJobProgress, residueProfile, structureView } from "${MOD}";
const piq = await connect({ sandbox: { database: ":memory:" }, quiet: true });
const request = { tool: "protein-properties", name: "Outputs", input: fastaInput(">a\\nMKTAYIAKQRQISFVKSHFSRQ") };`,
      `const job = await piq.jobs.submit(request);
await job.wait();`,
      ...Array.from({ length: REPEATS }, () => "job"),
      "await piq.jobs.quote(request)",
      "await job.result()",
      `const board = new MultiJobProgress({ title: "Board" });
board.update(job);
await board.finish(job);`,
      "board",
      // A big display (a 400-row board, about half a megabyte) is the most likely to be lost.
      `const big = new MultiJobProgress({ title: "Big", maxRows: 400, jupyter: false, write: () => {} });
big.update(Array.from({ length: 400 }, (_, i) => ({ id: \`job_\${i}\`, status: "PROCESSING", progress: i % 100 })));`,
      ...Array.from({ length: REPEATS }, () => "big"),
      // Charts and structures render asynchronously (cellOutputAsync).
      `residueProfile([0.1, 0.5, 0.9, 0.4, 0.2])`,
      `await structureView("${STRUCTURE}")`,
      "await piq.close();",
    ];
    const outputs = await execute(cells);
    const [setup, wait, ...rest] = outputs;
    const jobs = rest.slice(0, REPEATS);
    const [quote, result, live, board, bigSetup] = rest.slice(REPEATS);
    const bigs = rest.slice(REPEATS + 5, REPEATS + 5 + REPEATS);
    const [chart, structure, close] = rest.slice(-3);
    assert.deepEqual(bigSetup, []);
    assert.deepEqual(setup, [], "connecting shows nothing");
    assert.deepEqual(close, [], "closing shows nothing");
    // The wait: the live card only (updated in place to its final state), no execute_result.
    assert.equal(wait.length, 1, JSON.stringify(wait.map((o) => o.output_type)));
    assert.equal(wait[0].output_type, "display_data");
    assert.match(text(wait[0].data?.["text/plain"]), /Completed/);
    assert.equal(live.length, 1, "the board's live display, nothing after it");
    assert.equal(live[0].output_type, "display_data");
    const shown: (readonly [string, typeof wait])[] = [
      ...jobs.map((cell, i) => [`job #${i}`, cell] as const),
      ["quote", quote],
      ["result", result],
      ["board", board],
      ...bigs.map((cell, i) => [`big board #${i}`, cell] as const),
      ["chart", chart],
      ["structure", structure],
    ];
    for (const [name, cell] of shown) {
      assert.equal(cell.length, 1, `${name}: ${JSON.stringify(cell.map((o) => o.output_type))}`);
      assert.equal(cell[0].output_type, "execute_result", name);
      assert.ok(text(cell[0].data?.["text/html"]).length > 0, `${name}: has its card`);
      assert.ok(text(cell[0].data?.["text/plain"]).length > 0, `${name}: has its text`);
    }
  },
});

/**
 * How many cell results a batch runner loses, with and without `cellOutput`'s hold, side by
 * side in one notebook run by real Jupyter (`jupyter nbconvert --execute`, Deno kernel).
 *
 * The Deno kernel can publish a cell's `execute_result` after the cell's `idle`, and
 * nbconvert stops reading at `idle`. Each cell's value is an object whose `[$display]`
 * returns a bundle of `--kb` kilobytes either through `cellOutput` (which holds the cell's
 * thread until the kernel has sent it) or as it is; the two kinds alternate cell by cell so
 * load from anything else on the machine hits both alike. A cell with no output lost its
 * result.
 *
 * Run: `deno run -A bench/cell_output_bench.ts` (about 20 s). Options: `--cells N` cells of
 * each kind (default 20), `--kb N` bundle size (default 200), `--runs N` notebook runs
 * (default 2).
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { denoNotebook, executeNotebook } from "../tests/_notebook_json.ts";

function option(name: string, fallback: number): number {
  const index = Deno.args.indexOf(`--${name}`);
  return index >= 0 ? Number(Deno.args[index + 1]) : fallback;
}

const CELLS = option("cells", 20);
const KB = option("kb", 200);
const RUNS = option("runs", 2);
const JUPYTER = pathToFileURL(join(import.meta.dirname!, "..", "lib", "display", "_jupyter.ts"))
  .href;

const setup = `import { cellOutput } from "${JUPYTER}";
const payload = "x".repeat(${KB * 1000});
const shown = (held: boolean, n: number) => ({
  [Symbol.for("Jupyter.display")]() {
    const bundle = { "text/plain": \`result \${n}\`, "text/html": \`<b>\${n}</b>\${payload}\` };
    return held ? cellOutput(bundle) : bundle;
  },
});`;

const cells = [setup];
for (let i = 0; i < CELLS; i++) {
  cells.push(`shown(true, ${2 * i})`, `shown(false, ${2 * i + 1})`);
}

const notebook = denoNotebook(cells);

let heldLost = 0;
let plainLost = 0;
for (let run = 0; run < RUNS; run++) {
  const dir = await Deno.makeTempDir({ prefix: "piq-cell-output-" });
  try {
    await Deno.writeTextFile(join(dir, "bench.ipynb"), notebook);
    const executed = await executeNotebook("bench.ipynb", { cwd: dir });
    const outputs = executed.cells.slice(1).map((cell) => cell.outputs);
    outputs.forEach((cell, index) => {
      if (cell.length > 0) return;
      if (index % 2 === 0) heldLost++;
      else plainLost++;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const total = CELLS * RUNS;
console.log(`${KB} KB results, ${RUNS} runs of ${CELLS} cells of each kind:`);
console.log(`  lost without the hold: ${plainLost}/${total}`);
console.log(`  lost with cellOutput:  ${heldLost}/${total}`);

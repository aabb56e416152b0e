/**
 * A notebook file (nbformat 4.5, Deno kernel) with one code cell per source, outputs empty:
 * what the notebook tests and benches execute with nbconvert.
 * @module
 */

/** The `.ipynb` text of a Deno notebook with these code cells. */
export function denoNotebook(cells: readonly string[]): string {
  return JSON.stringify({
    cells: cells.map((source) => ({
      cell_type: "code",
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    })),
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

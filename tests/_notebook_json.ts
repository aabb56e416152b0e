/**
 * Notebooks for the tests and benches: a Deno notebook file built from cell sources, and its
 * execution through real Jupyter (`jupyter nbconvert --execute`).
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

/** Where and how {@linkcode executeNotebook} runs nbconvert. */
export interface ExecuteOptions {
  /** Folder of the notebook; the executed copy is written there. */
  cwd: string;
  /** File name of the executed copy. Default `executed.ipynb`. */
  output?: string;
  /** The whole environment of nbconvert and its kernel (the caller's by default). */
  env?: Record<string, string>;
  /** Seconds a cell may run. Default 300. */
  timeoutSeconds?: number;
}

/**
 * Execute `notebook` (a file name in `options.cwd`) with `jupyter nbconvert --execute` on the
 * Deno kernel; throws with nbconvert's log when it fails, else returns the executed notebook.
 */
export async function executeNotebook<Output = unknown>(
  notebook: string,
  options: ExecuteOptions,
): Promise<{ cells: { outputs: Output[] }[] }> {
  const output = options.output ?? "executed.ipynb";
  const { success, stderr } = await new Deno.Command("jupyter", {
    args: [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      `--ExecutePreprocessor.timeout=${options.timeoutSeconds ?? 300}`,
      "--ExecutePreprocessor.kernel_name=deno",
      "--output",
      output,
      notebook,
    ],
    cwd: options.cwd,
    ...(options.env ? { clearEnv: true, env: options.env } : {}),
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) {
    throw new Error(`nbconvert failed:\n${new TextDecoder().decode(stderr).slice(-4000)}`);
  }
  return JSON.parse(await Deno.readTextFile(`${options.cwd}/${output}`));
}

/**
 * Jupyter for the notebook tests and the display bench: a private Jupyter environment (its own
 * kernel spec for this Deno, config, data and runtime directories, so nothing of the user's is
 * read or written and every run starts untrusted), Debian's classic Notebook 6 server on a free
 * local port, and nbconvert.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { BrowserElement, BrowserGlobals } from "./_browser_globals.ts";

/** The repository's root directory. */
export const ROOT: string = join(import.meta.dirname!, "..");

/** A private Jupyter environment under a temporary directory. */
export interface JupyterHome {
  /** The temporary directory (notebooks go in `dir/work`). */
  dir: string;
  /** Where notebooks are put. */
  work: string;
  /** Environment for Jupyter commands: no API key (the embedded sandbox runs), no colours. */
  env: Record<string, string>;
}

/** Make a private Jupyter environment with a `deno` kernel that runs this Deno. */
export async function jupyterHome(prefix: string): Promise<JupyterHome> {
  const dir = await Deno.makeTempDir({ prefix });
  const work = join(dir, "work");
  const kernel = join(dir, "share", "kernels", "deno");
  await Deno.mkdir(work, { recursive: true });
  await Deno.mkdir(kernel, { recursive: true });
  await Deno.writeTextFile(
    join(kernel, "kernel.json"),
    JSON.stringify({
      argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
      display_name: "Deno",
      language: "typescript",
    }),
  );
  const { PROTEINIQ_API_KEY: _key, PROTEINIQ_BASE_URL: _url, ...inherited } = Deno.env.toObject();
  return {
    dir,
    work,
    env: {
      ...inherited,
      JUPYTER_PATH: join(dir, "share"),
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_CONFIG_DIR: join(dir, "config"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      PROTEINIQ_SANDBOX_DB: join(dir, "sandbox.sqlite"),
      NO_COLOR: "1",
    },
  };
}

/** A notebook (nbformat JSON). */
export interface Notebook {
  cells: {
    cell_type: string;
    source: string | string[];
    outputs?: unknown[];
    [key: string]: unknown;
  }[];
  metadata: Record<string, unknown>;
  [key: string]: unknown;
}

/** A cell's source as one string. */
export function sourceOf(cell: Notebook["cells"][number]): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/**
 * A repository notebook, ready to run elsewhere: outputs cleared, and relative imports and
 * paths into the repository (`"../mod.ts"`, `"../tests/fixtures/…"`) made absolute.
 */
export async function portableNotebook(name: string): Promise<Notebook> {
  const notebook = JSON.parse(
    await Deno.readTextFile(join(ROOT, "notebooks", name)),
  ) as Notebook;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    cell.source = sourceOf(cell).replace(/(["'`])\.\.\//g, `$1${ROOT}/`);
    cell.outputs = [];
    cell.execution_count = null;
  }
  return notebook;
}

/** A free local TCP port. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A running Notebook 6 server. */
export interface NotebookServer {
  /** Base URL, e.g. `http://127.0.0.1:8931/`. */
  url: string;
  token: string;
  /** The server's log so far (for failure messages). */
  log(): string;
  /** Shut down the kernels and the server (bounded; kills it if it does not stop). */
  stop(): Promise<void>;
}

/** Start Debian's classic Notebook server on a free port, serving `home.work`. */
export async function startNotebookServer(
  home: JupyterHome,
  options: { timeoutMs?: number } = {},
): Promise<NotebookServer> {
  const port = freePort();
  const token = crypto.randomUUID().replaceAll("-", "");
  const child = new Deno.Command("jupyter", {
    args: [
      "notebook",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${home.work}`,
      // CI containers run as root, which the server refuses without this.
      ...(Deno.uid() === 0 ? ["--allow-root"] : []),
    ],
    clearEnv: true,
    env: home.env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log = (log + decoder.decode(chunk)).slice(-20_000);
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const url = `http://127.0.0.1:${port}/`;
  let exitedEarly = false;
  child.status.then(() => exitedEarly = true);
  const stop = async () => {
    try {
      await fetch(`${url}api/shutdown`, {
        method: "POST",
        headers: { authorization: `token ${token}` },
        signal: AbortSignal.timeout(5000),
      }).then((response) => response.body?.cancel());
    } catch { /* not up, or already going */ }
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000)),
    ]);
    if (!exited) {
      child.kill("SIGKILL");
      await child.status;
    }
    await drained.catch(() => {});
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      const response = await fetch(`${url}api/status`, {
        headers: { authorization: `token ${token}` },
        signal: AbortSignal.timeout(2000),
      });
      await response.body?.cancel();
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline || exitedEarly) {
      await stop();
      throw new Error(`the notebook server did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, token, log: () => log, stop };
}

/** Run `jupyter nbconvert` in `home.work` (bounded), failing with its log. */
export async function nbconvert(home: JupyterHome, args: string[]): Promise<void> {
  const { success, stderr } = await new Deno.Command("jupyter", {
    args: ["nbconvert", ...args],
    clearEnv: true,
    env: home.env,
    cwd: home.work,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(600_000),
  }).output();
  assert.ok(success, `nbconvert failed:\n${new TextDecoder().decode(stderr).slice(-4000)}`);
}

/** The classic front end's objects a test reads (`Jupyter.notebook`, cells, output areas). */
export interface ClassicOutput {
  output_type: string;
  data?: Record<string, unknown>;
}
export interface ClassicCell {
  cell_type: string;
  input_prompt_number?: number | string | null;
  get_text(): string;
  output_area: { outputs: ClassicOutput[]; element: ArrayLike<BrowserElement> };
}
export interface ClassicNotebook {
  _fully_loaded?: boolean;
  trusted: boolean;
  dirty: boolean;
  kernel?: { is_connected(): boolean; info_reply?: { status?: string } } | null;
  get_cells(): ClassicCell[];
  execute_all_cells(): void;
  save_notebook(): Promise<unknown>;
}
/** What a page of the classic front end has. */
export type ClassicPage = BrowserGlobals & {
  Jupyter: { notebook: ClassicNotebook };
  setInterval(fn: () => void, ms: number): number;
  clearInterval(id: number): void;
};

/** Open a notebook in the classic front end and wait until its kernel is connected. */
export async function openClassic(page: Page, url: string, timeout: number): Promise<void> {
  await page.goto(url, { timeout });
  await page.waitForFunction(
    () => {
      const { Jupyter } = globalThis as unknown as Partial<ClassicPage>;
      const notebook = Jupyter?.notebook;
      return Boolean(notebook?._fully_loaded && notebook.kernel?.is_connected());
    },
    undefined,
    { timeout, polling: 200 },
  );
}

/** Wait until every code cell has run (each has its execution count). */
export async function waitForRunAll(page: Page, timeout: number): Promise<void> {
  await page.waitForFunction(
    () => {
      const { Jupyter } = globalThis as unknown as ClassicPage;
      return Jupyter.notebook.get_cells().filter((cell) => cell.cell_type === "code")
        .every((cell) => typeof cell.input_prompt_number === "number");
    },
    undefined,
    { timeout, polling: 250 },
  );
}

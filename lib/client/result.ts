/**
 * `Result`: a job's structured output and its files. Shown in a notebook as a table whose
 * columns come from the tool's output fields; files download to disk as streams.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";
 * const piq = await connect();
 * const job = await piq.jobs.submit({
 *   tool: "protein-properties", name: "demo", input: fastaInput(">a\nMKTAYIAKQR"),
 * });
 * await job.wait({ display: false });
 * const result = await job.result();
 * console.log(result.records[0].molecular_weight);
 * const saved = await result.download("properties.csv", { dir: "downloads" });
 * console.log(saved.path);
 * ```
 * @module
 */
import { join } from "node:path";
import { ROUTES } from "../contract/routes.ts";
import type { OutputField, ToolDetail } from "../contract/tools.ts";
import type { ClientContext } from "./_context.ts";
import { type ClientJob, ClientJobResult } from "./_schemas.ts";
import type { RequestOptions } from "./_core.ts";
import { type DownloadedFile, downloadToFile, safeLocalName } from "./_download.ts";
import { ProteinIQError } from "./errors.ts";
import { $display, type MimeBundle } from "../display/_jupyter.ts";
import { renderTable } from "../display/table.ts";

/** Options of {@linkcode Result.download}. */
export interface ResultDownloadOptions extends RequestOptions {
  /** Folder to write into (created if missing). Default: the current directory. */
  dir?: string;
  /** Exact path to write (overrides `dir`). */
  path?: string;
}

// Field names and types come from the wire schema; the class adds behaviour.
export interface Result extends Readonly<ClientJobResult> {}

/** A job's result. */
export class Result {
  readonly #ctx: ClientContext;
  #data: ClientJobResult;
  readonly #contract?: ToolDetail;
  readonly #job?: ClientJob;

  /** Wrap a result resource. */
  constructor(
    ctx: ClientContext,
    data: ClientJobResult,
    options: { contract?: ToolDetail; job?: ClientJob } = {},
  ) {
    this.#ctx = ctx;
    this.#data = data;
    this.#contract = options.contract;
    this.#job = options.job;
    Object.assign(this, data);
  }

  /** The result resource as the API sent it. */
  get data(): ClientJobResult {
    return this.#data;
  }

  /** The rows of `results.records` (empty when the tool returns no records). */
  get records(): Record<string, unknown>[] {
    const records = this.#data.results.records;
    return Array.isArray(records) ? records as Record<string, unknown>[] : [];
  }

  /** The tool's output fields (the table's columns), when the contract is known. */
  get fields(): OutputField[] {
    return this.#contract?.output.fields ?? [];
  }

  /** Fetch the result again (fresh signed URLs). */
  async refresh(options: RequestOptions = {}): Promise<this> {
    const { data } = await this.#ctx.core.call(ROUTES.getResult, ClientJobResult, {
      ...options,
      params: { jobId: this.#data.job_id },
    });
    this.#data = data;
    Object.assign(this, data);
    return this;
  }

  /**
   * Download one file (by name; default the first) to disk, streamed.
   * An expired signed URL is renewed by fetching the result again.
   */
  async download(name?: string, options: ResultDownloadOptions = {}): Promise<DownloadedFile> {
    const file = name === undefined
      ? this.#data.files[0]
      : this.#data.files.find((candidate) => candidate.name === name);
    if (!file) {
      const names = this.#data.files.map((f) => f.name).join(", ") || "none";
      throw new ProteinIQError(
        name === undefined
          ? `Job ${this.#data.job_id} has no result files`
          : `Job ${this.#data.job_id} has no result file "${name}"; its files are: ${names}`,
      );
    }
    if (!file.url) {
      throw new ProteinIQError(
        `Result file "${file.name}" has no download URL (not downloadable through the API)`,
      );
    }
    const path = options.path ?? join(options.dir ?? ".", safeLocalName(file.name));
    return await downloadToFile(
      this.#ctx.core,
      {
        name: file.name,
        url: file.url,
        contentType: file.content_type,
        sizeBytes: file.size_bytes,
      },
      path,
      {
        ...options,
        refresh: async () => {
          await this.refresh(options);
          const fresh = this.#data.files.find((candidate) => candidate.name === file.name);
          if (!fresh?.url) {
            throw new ProteinIQError(`Result file "${file.name}" is no longer listed`);
          }
          return {
            name: fresh.name,
            url: fresh.url,
            contentType: fresh.content_type,
            sizeBytes: fresh.size_bytes,
          };
        },
      },
    );
  }

  /** Download every file into `dir`. */
  async downloadAll(options: ResultDownloadOptions = {}): Promise<DownloadedFile[]> {
    const saved: DownloadedFile[] = [];
    for (const file of this.#data.files) saved.push(await this.download(file.name, options));
    return saved;
  }

  /** Jupyter display: the records as a table, with the files listed under it. */
  [$display](): MimeBundle {
    const columns = this.fields.length > 0
      ? this.fields.filter((field) => this.records.some((record) => field.id in record))
      : undefined;
    const title = `${
      this.#job?.name ? `${this.#job.name} — ` : ""
    }${this.#data.tool} · ${this.#data.status} · ${this.records.length} record${
      this.records.length === 1 ? "" : "s"
    }`;
    const files = this.#data.files.map((f) =>
      `${f.name} (${f.content_type}${f.size_bytes !== undefined ? `, ${f.size_bytes} bytes` : ""})`
    ).join(", ");
    return renderTable(this.records, {
      columns,
      title,
      footer: files ? `Files: ${files} — result.download(name) saves one to disk.` : undefined,
    });
  }
}

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
import { dirname, join } from "node:path";

import { ROUTES } from "../contract/routes.ts";

import type { ClientContext } from "./_context.ts";

import { ClientJobResult as ClientJobResultSchema } from "./_schemas.ts";
import type { RequestOptions } from "./_core.ts";

import { type DownloadedFile, downloadToFile, safeLocalName } from "./_download.ts";

import { APIError, ProteinIQError } from "./errors.ts";

import { $display, cellOutput, type MimeBundle } from "../display/_jupyter.ts";

import type { Column } from "../display/table.ts";

import { type CsvOptions, recordsToCSV, type ResultExport } from "../display/export.ts";

import { renderResultView } from "../display/result_view.ts";
import type { ClientJob, OutputField, ToolDetail } from "../contract/_wire.ts";
import type { ClientJobResult } from "../contract/_wire.ts";

/** Options of {@linkcode Result.exportTo}. */
export interface ResultExportOptions extends CsvOptions {
  /** `csv` or `json`; default from the file's extension. */
  format?: "csv" | "json";
}

/** Options of {@linkcode Result.download}. */
export interface ResultDownloadOptions extends RequestOptions {
  /** Folder to write into (created if missing). Default: the current directory. */
  dir?: string;
  /** Exact path to write (overrides `dir`). */
  path?: string;
}

// Field names and types come from the wire schema; the class adds behaviour.
/** The result resource's fields, e.g. `result.status`, `result.files`, `result.results`. */
export interface Result extends Readonly<ClientJobResult> {}

/**
 * A job's result.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";
 *
 * const piq = await connect();
 * const job = await piq.jobs.submit({
 *   tool: "protein-properties",
 *   name: "Insulin B chain",
 *   input: fastaInput(">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"),
 * });
 * await job.wait({ display: false });
 * const result = await job.result();
 * console.log(result.records[0].molecular_weight, result.files.map((file) => file.name));
 * await result.downloadAll({ dir: "downloads" }); // streamed to disk
 * await result.exportTo("downloads/insulin_b.json"); // the web app's JSON export
 * ```
 */
export class Result {
  readonly #ctx: ClientContext;
  #data: ClientJobResult;
  readonly #contract?: ToolDetail;
  readonly #job?: ClientJob;
  readonly #settings?: Record<string, unknown>;

  /**
   * Wrap a result resource. `request` is the payload the job was submitted with, when known:
   * its settings (over the tool's defaults) go into the JSON export.
   */
  constructor(
    ctx: ClientContext,
    data: ClientJobResult,
    options: {
      contract?: ToolDetail;
      job?: ClientJob;
      request?: { settings?: Record<string, unknown> | null };
    } = {},
  ) {
    this.#ctx = ctx;
    this.#data = data;
    this.#contract = options.contract;
    this.#job = options.job;
    // The client remembers what it submitted; jobs from another session have no request.
    const request = options.request ?? ctx.requests?.get(data.job_id);
    if (request) {
      const defaults = Object.fromEntries(
        (options.contract?.input.settings ?? []).map((setting) => [setting.id, setting.default]),
      );
      this.#settings = { ...defaults, ...(request.settings ?? {}) };
    }
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

  /**
   * The table's columns: the output fields that occur in the records, in the contract's
   * order (as the web app's CSV export builds them), then any other record keys.
   */
  get columns(): Column[] {
    const present = new Set<string>();
    for (const record of this.records.slice(0, 1000)) {
      for (const key of Object.keys(record)) present.add(key);
    }
    const columns: Column[] = this.fields.filter((field) => present.has(field.id)).map((field) => ({
      id: field.id,
      label: field.label,
      unit: field.unit,
      digits: field.digits,
      description: field.description,
    }));
    const known = new Set(columns.map((column) => column.id));
    for (const key of present) if (!known.has(key)) columns.push({ id: key });
    return columns;
  }

  /**
   * The records as CSV: a header row of field ids (labels with `header: "label"`), one row per
   * record, numbers in full precision, CRLF line ends.
   *
   * @example
   * ```ts ignore
   * await Deno.writeTextFile("properties.csv", result.toCSV());
   * ```
   */
  toCSV(options: CsvOptions = {}): string {
    return recordsToCSV(this.records, { columns: this.columns, ...options });
  }

  /**
   * The JSON export: the structured output wrapped in an envelope with the job's name, the
   * tool, the settings and the time of export. `JSON.stringify(result)` gives the same.
   *
   * @example
   * ```ts ignore
   * const envelope = result.toJSON();
   * console.log(envelope.job.name, envelope.tool.id, envelope.settings, envelope.exported_at);
   * ```
   */
  toJSON(): ResultExport {
    const job = this.#job;
    return {
      object: "job_result_export",
      exported_at: new Date().toISOString(),
      job: {
        id: this.#data.job_id,
        name: job?.name ?? null,
        status: this.#data.status,
        created_at: job?.created_at ?? null,
        completed_at: this.#data.completed_at ?? job?.completed_at ?? null,
        credits_used: job?.credits_used ?? null,
      },
      tool: {
        id: this.#data.tool,
        name: this.#contract?.name ?? null,
        version: this.#contract?.version ?? null,
      },
      settings: this.#settings ? structuredClone(this.#settings) : null,
      fields: this.fields.map((field) => ({
        id: field.id,
        label: field.label,
        type: field.type,
        ...(field.unit ? { unit: field.unit } : {}),
      })),
      results: structuredClone(this.#data.results),
      files: this.#data.files.map((file) => ({
        name: file.name,
        content_type: file.content_type,
        ...(file.size_bytes !== undefined ? { size_bytes: file.size_bytes } : {}),
      })),
    };
  }

  /**
   * Write the CSV (`.csv`, `.tsv`) or JSON (`.json`) export to a file; `format` overrides the
   * extension. Returns the path written.
   *
   * @example
   * ```ts ignore
   * await result.exportTo("downloads/lysozyme.json");
   * ```
   */
  async exportTo(path: string, options: ResultExportOptions = {}): Promise<string> {
    const { format: explicit, ...csvOptions } = options;
    const format = explicit ??
      (/\.json$/i.test(path) ? "json" : /\.(csv|tsv)$/i.test(path) ? "csv" : undefined);
    if (!format) {
      throw new ProteinIQError(
        `Cannot tell the export format of "${path}": use a .csv, .tsv or .json name, or pass { format }`,
      );
    }
    const tabs = /\.tsv$/i.test(path) && csvOptions.delimiter === undefined;
    const text = format === "json"
      ? `${JSON.stringify(this.toJSON(), null, 2)}\n`
      : this.toCSV(tabs ? { ...csvOptions, delimiter: "\t" } : csvOptions);
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, text);
    return path;
  }

  /**
   * The content of one result file (by name; default the first) as text, fetched from its
   * signed URL, renewed once if it expired. Big files: prefer {@linkcode Result.download},
   * which streams to disk.
   *
   * @example
   * ```ts ignore
   * const csv = await result.text("properties.csv");
   * ```
   */
  async text(name?: string, options: RequestOptions = {}): Promise<string> {
    const file = this.#file(name);
    const fetchText = async (url: string) => {
      const response = await this.#ctx.core.fetchUrl(url, { ...options });
      return await response.text();
    };
    try {
      return await fetchText(this.#urlOf(file));
    } catch (error) {
      if (!(error instanceof APIError) || ![400, 401, 403, 410].includes(error.status)) throw error;
      await this.refresh(options);
      return await fetchText(this.#urlOf(this.#file(file.name)));
    }
  }

  #file(name?: string): ClientJobResult["files"][number] {
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
    return file;
  }

  #urlOf(file: ClientJobResult["files"][number]): string {
    if (!file.url) {
      throw new ProteinIQError(
        `Result file "${file.name}" has no download URL (not downloadable through the API)`,
      );
    }
    return file.url;
  }

  /** Fetch the result again (fresh signed URLs). */
  async refresh(options: RequestOptions = {}): Promise<this> {
    const { data } = await this.#ctx.core.call(ROUTES.getResult, ClientJobResultSchema, {
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
    const file = this.#file(name);
    const url = this.#urlOf(file);
    const path = options.path ?? join(options.dir ?? ".", safeLocalName(file.name));
    return await downloadToFile(
      this.#ctx.core,
      {
        name: file.name,
        url,
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

  /** Jupyter display: the records as a table, other output described, the files listed. */
  [$display](): MimeBundle | Promise<MimeBundle> {
    const count = this.records.length;
    const title = `${
      this.#job?.name ? `${this.#job.name} — ` : ""
    }${this.#data.tool} · ${this.#data.status} · ${count.toLocaleString("en-US")} record${
      count === 1 ? "" : "s"
    }`;
    const csvFile = this.#data.files.find((file) => /\.csv$/i.test(file.name));
    return cellOutput(renderResultView({
      title,
      records: this.records,
      columns: this.columns,
      results: this.#data.results,
      files: this.#data.files,
      moreHint: `Every row: result.records, result.toCSV() or result.exportTo("rows.csv")${
        csvFile ? `, or result.download(${JSON.stringify(csvFile.name)})` : ""
      }.`,
    }));
  }
}

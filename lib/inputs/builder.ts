/**
 * Input builders: the `input.inputs[]` entries of a job (`id`, `slotId`, `kind`, `format`,
 * `content` or `source`) from FASTA text, a local file, an uploaded (saved) file, or a
 * previous job's output file — each checked against the tool's input contract
 * (`GET /api/v1/tools/{toolId}`) as it is added, so a wrong slot, kind, format, count or
 * content is an {@linkcode InvalidRequestError} naming the problem before anything is sent
 * or any credit is spent.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";

 * const piq = await connect();
 * const input = await piq.inputs("protein-properties");
 * input.fasta(">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT");
 * const saved = await piq.files.upload({ content: ">ubq\nMQIFVKTLTGK\n" }, { name: "ubq.fasta" });
 * await input.savedFile(saved);
 * const job = await piq.jobs.submit({ tool: "protein-properties", name: "two", input: input.build() });
 * ```
 * @module
 */
import { basename } from "node:path";

import type { Issue } from "../contract/issues.ts";

import { InvalidRequestError, ProteinIQError } from "../client/errors.ts";

import { APIError } from "../client/errors.ts";

import type { HttpCore, RequestOptions } from "../client/_core.ts";

import type { Files, SavedFile } from "../client/files.ts";

import { Job } from "../client/job.ts";

import type { Result } from "../client/result.ts";

import { checkJobRequest, type ItemFacts, itemIssues } from "../contract/check.ts";
import type { InputItem, InputSlot, ToolDetail } from "../contract/_wire.ts";

/** Options of every builder method. */
export interface ItemOptions {
  /** The slot to fill. Default: the only slot that accepts the item's format. */
  slot?: string;
  /** The item id. Default: `<slot>_<n>`. */
  id?: string;
  /** A display label. */
  label?: string;
  /** The format (lowercase, e.g. `fasta`, `pdb`). Default: from the file name or the slot. */
  format?: string;
}

/** Options of {@linkcode InputBuilder.file}. */
export interface LocalFileOptions extends ItemOptions, RequestOptions {
  /**
   * Upload the file to the workspace's Files and reference it (`source.file_id`) instead of
   * sending its text inline. Default false.
   */
  upload?: boolean;
}

/** Options of {@linkcode InputBuilder.jobOutput}. */
export interface JobOutputOptions extends ItemOptions, RequestOptions {
  /** The output file's name. Default: the first file the slot accepts. */
  file?: string;
}

/** What the builder needs from the client. */
export interface BuilderServices {
  core: HttpCore;
  files: Files;
}

const EXTENSION_FORMATS: Record<string, string[]> = {
  fasta: ["fasta"],
  fa: ["fasta"],
  faa: ["fasta"],
  fna: ["fasta"],
  fas: ["fasta"],
  fastq: ["fastq"],
  fq: ["fastq"],
  pdb: ["pdb"],
  ent: ["pdb"],
  cif: ["cif", "mmcif"],
  mmcif: ["mmcif", "cif"],
  sdf: ["sdf"],
  mol: ["mol", "sdf"],
  mol2: ["mol2"],
  smi: ["smiles"],
  smiles: ["smiles"],
  gb: ["genbank"],
  gbk: ["genbank"],
  csv: ["csv"],
  tsv: ["tsv"],
  txt: ["txt", "text"],
  json: ["json"],
};

/**
 * Formats a file name's extension may mean, most likely first.
 *
 * @example
 * ```ts
 * import { formatsOfName } from "./builder.ts";

 * formatsOfName("model.cif"); // ["cif", "mmcif"]
 * ```
 */
export function formatsOfName(name: string): string[] {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension ? EXTENSION_FORMATS[extension] ?? [extension] : [];
}

/**
 * Builds a tool's `input` item by item, checking each against the tool's contract.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";
 *
 * const piq = await connect();
 * const built = await piq.jobs.submit({
 *   tool: "peptide-builder",
 *   name: "Designed helix",
 *   input: fastaInput(">helix\nAEAAAKEAAAKA"),
 * });
 * await built.wait({ display: false });
 * const input = await piq.inputs("structure-analysis");
 * await input.jobOutput(built); // the PDB file the peptide builder wrote
 * const analysis = await piq.jobs.submit({
 *   tool: "structure-analysis",
 *   name: "Helix geometry",
 *   input: input.build(),
 * });
 * ```
 */
export class InputBuilder {
  /** The tool's contract the items are checked against. */
  readonly tool: ToolDetail;
  readonly #services: BuilderServices;
  readonly #items: InputItem[] = [];
  readonly #facts = new Map<string, ItemFacts>();

  /** A builder for `tool`. */
  constructor(tool: ToolDetail, services: BuilderServices) {
    this.tool = tool;
    this.#services = services;
  }

  /** The items so far (copies). */
  get inputs(): InputItem[] {
    return structuredClone(this.#items);
  }

  /** Inline text content in a given format (default: the slot's only format). */
  text(content: string, options: ItemOptions = {}): this {
    const { slot, format } = this.#place(options, options.format ? [options.format] : []);
    return this.#add({
      id: this.#idFor(slot, options.id),
      slotId: slot.id,
      kind: slot.kind,
      format,
      content,
      source: { type: "text" },
      ...(options.label ? { label: options.label } : {}),
    });
  }

  /** Inline FASTA text (one or more records, or a bare sequence). */
  fasta(content: string, options: Omit<ItemOptions, "format"> = {}): this {
    const text = content.endsWith("\n") ? content : `${content}\n`;
    return this.text(text, { ...options, format: "fasta" });
  }

  /**
   * A local file: its text inline (default), or uploaded to Files and referenced
   * (`{ upload: true }`). The format comes from the extension unless given.
   */
  async file(path: string | URL, options: LocalFileOptions = {}): Promise<this> {
    const name = basename(typeof path === "string" ? path : path.pathname);
    if (options.upload) {
      const saved = await this.#services.files.upload(path, { ...requestOnly(options) });
      return await this.savedFile(saved, options);
    }
    const { slot, format } = this.#place(
      options,
      options.format ? [options.format] : formatsOfName(name),
    );
    let size: number;
    try {
      size = (await Deno.stat(path)).size;
    } catch (error) {
      throw new InvalidRequestError("The input", [
        { path: "file", message: `cannot read ${String(path)}: ${(error as Error).message}` },
      ]);
    }
    const maxBytes = this.tool.limits.max_input_bytes;
    if (maxBytes !== undefined && size > maxBytes) {
      throw new InvalidRequestError("The input", [
        {
          path: "file",
          message: `${name} is ${size} bytes; "${this.tool.id}" takes at most ${maxBytes}`,
        },
      ]);
    }
    const content = await Deno.readTextFile(path);
    return this.#add({
      id: this.#idFor(slot, options.id),
      slotId: slot.id,
      kind: slot.kind,
      format,
      content,
      source: { type: "text" },
      label: options.label ?? name,
    });
  }

  /**
   * A file saved in the workspace's Files (an upload), referenced by id
   * (`source: { type: "file", file_id }`). Give the file resource, or its id (then its
   * metadata is fetched to learn its format).
   */
  async savedFile(
    file: SavedFile | string,
    options: ItemOptions & RequestOptions = {},
  ): Promise<this> {
    const saved = typeof file === "string"
      ? await this.#services.files.get(file, requestOnly(options))
      : file;
    const candidates = options.format ? [options.format] : [
      ...(saved.format ? [saved.format.toLowerCase()] : []),
      ...formatsOfName(saved.original_name),
      ...formatsOfName(saved.filename),
    ];
    const { slot, format } = this.#place(options, candidates);
    const id = this.#idFor(slot, options.id);
    this.#facts.set(id, { sizeBytes: saved.size_bytes });
    return this.#add({
      id,
      slotId: slot.id,
      kind: slot.kind,
      format,
      source: { type: "file", file_id: saved.id },
      label: options.label ?? saved.original_name,
    });
  }

  /**
   * An output file of a previous job (a {@linkcode Job} that reached a result-ready status, or
   * its {@linkcode Result}), downloaded from its signed URL (re-signed if expired) and sent
   * inline.
   */
  async jobOutput(source: Job | Result, options: JobOutputOptions = {}): Promise<this> {
    const result = source instanceof Job ? await source.result(requestOnly(options)) : source;
    const files = result.data.files;
    const wanted = options.file;
    const file = wanted !== undefined
      ? files.find((candidate) => candidate.name === wanted)
      : files.find((candidate) => {
        try {
          this.#place(
            { ...options },
            options.format ? [options.format] : formatsOfName(candidate.name),
          );
          return true;
        } catch {
          return false;
        }
      });
    if (!file) {
      const names = files.map((f) => f.name).join(", ") || "none";
      throw new InvalidRequestError("The input", [{
        path: "file",
        message: wanted !== undefined
          ? `job ${result.data.job_id} has no output file "${wanted}"; its files are: ${names}`
          : `no output file of job ${result.data.job_id} fits "${this.tool.id}"; its files are: ${names}`,
      }]);
    }
    const { slot, format } = this.#place(
      options,
      options.format ? [options.format] : formatsOfName(file.name),
    );
    const content = await this.#download(result, file.name, requestOnly(options));
    return this.#add({
      id: this.#idFor(slot, options.id),
      slotId: slot.id,
      kind: slot.kind,
      format,
      content,
      source: { type: "text" },
      label: options.label ?? `${result.data.job_id}/${file.name}`,
    });
  }

  /**
   * The `input` of a job request, checked as a whole (every required slot filled, item counts,
   * record and size limits).
   */
  build(): { inputs: InputItem[] } {
    const issues = checkJobRequest(this.tool, {
      tool: this.tool.id,
      input: { inputs: this.#items.length > 0 ? this.#items : [] },
    }, { facts: this.#facts }).filter((issue) => !issue.path.startsWith("settings."));
    if (this.#items.length === 0) {
      issues.unshift({ path: "input.inputs", message: "no inputs were added" });
    }
    if (issues.length > 0) throw new InvalidRequestError(`The input of "${this.tool.id}"`, issues);
    return { inputs: this.inputs };
  }

  /** The slot (and the format it accepts) an item goes to. */
  #place(options: ItemOptions, candidates: string[]): { slot: InputSlot; format: string } {
    const slots = this.tool.input.slots;
    const fail = (message: string): never => {
      throw new InvalidRequestError(`The input of "${this.tool.id}"`, [
        { path: options.slot ? "slot" : "format", message },
      ]);
    };
    const accepts = (slot: InputSlot, format: string) =>
      slot.formats.some((accepted) => accepted.toLowerCase() === format.toLowerCase());
    if (options.slot !== undefined) {
      const slot = slots.find((s) => s.id === options.slot) ??
        fail(
          `"${this.tool.id}" has no input slot "${options.slot}"; its slots are: ${
            slots.map((s) => s.id).join(", ")
          }`,
        );
      if (candidates.length === 0) return { slot, format: slot.formats[0] };
      const format = candidates.find((candidate) => accepts(slot, candidate)) ??
        fail(
          `slot "${slot.id}" accepts ${slot.formats.join(", ")}, not ${candidates.join(" or ")}`,
        );
      return { slot, format: format.toLowerCase() };
    }
    if (candidates.length === 0) {
      if (slots.length === 1) return { slot: slots[0], format: slots[0].formats[0] };
      return fail(
        `cannot tell which slot this goes to; give { slot } (one of ${
          slots.map((s) => s.id).join(", ")
        }) or { format }`,
      );
    }
    const fitting = slots.flatMap((slot) =>
      candidates.filter((candidate) => accepts(slot, candidate)).slice(0, 1).map((format) => ({
        slot,
        format: format.toLowerCase(),
      }))
    );
    if (fitting.length === 1) return fitting[0];
    if (fitting.length === 0) {
      return fail(
        `"${this.tool.id}" takes ${
          slots.map((s) => `${s.id} (${s.formats.join(", ")})`).join("; ")
        }, not ${candidates.join(" or ")}`,
      );
    }
    return fail(
      `several slots accept ${candidates[0]}: ${
        fitting.map((f) => f.slot.id).join(", ")
      }; give { slot }`,
    );
  }

  #idFor(slot: InputSlot, given: string | undefined): string {
    if (given !== undefined) return given;
    const taken = new Set(this.#items.map((item) => item.id));
    for (let n = 1;; n++) {
      const id = `${slot.id}_${n}`;
      if (!taken.has(id)) return id;
    }
  }

  /** Check one item against its slot and the content rules, then keep it. */
  #add(item: InputItem): this {
    const index = this.#items.length;
    const slot = this.tool.input.slots.find((s) => s.id === item.slotId)!;
    const issues: Issue[] = [...itemIssues(slot, item, `input.inputs[${index}]`)];
    if (this.#items.some((existing) => existing.id === item.id)) {
      issues.push({
        path: `input.inputs[${index}].id`,
        message: `duplicate input id "${item.id}"`,
      });
    }
    // Content rules (FASTA parse errors, lengths) come from the whole-request check.
    const contentIssues = checkJobRequest(this.tool, {
      tool: this.tool.id,
      input: { inputs: [item] },
    }).filter((issue) => issue.path === "input.inputs[0].content");
    issues.push(
      ...contentIssues.map((issue) => ({ ...issue, path: `input.inputs[${index}].content` })),
    );
    const count = this.#items.filter((existing) => existing.slotId === slot.id).length + 1;
    if (count > slot.max_items) {
      issues.push({
        path: "input.inputs",
        message:
          `slot "${slot.id}" takes at most ${slot.max_items} input(s); this would be ${count}`,
      });
    }
    if (issues.length > 0) throw new InvalidRequestError(`The input of "${this.tool.id}"`, issues);
    this.#items.push(item);
    return this;
  }

  /** A result file's text, renewing the signed URL when it was refused. */
  async #download(result: Result, name: string, options: RequestOptions): Promise<string> {
    for (let attempt = 0;; attempt++) {
      const file = result.data.files.find((candidate) => candidate.name === name);
      if (!file?.url) {
        throw new ProteinIQError(`Result file "${name}" has no download URL`);
      }
      try {
        const response = await this.#services.core.fetchUrl(file.url, options);
        return await response.text();
      } catch (error) {
        const refused = error instanceof APIError && [400, 401, 403, 410].includes(error.status);
        if (!refused || attempt >= 1) throw error;
        await result.refresh(options);
      }
    }
  }
}

function requestOnly(options: RequestOptions): RequestOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries };
}

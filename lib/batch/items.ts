/**
 * Batch items: many inputs, each with a stable key. The key is what a re-run recognises an
 * item by (with the payload's hash), so it should not change when the list is edited:
 * FASTA records are keyed by their identifiers, files by their names, and a plain list of
 * sequences by their position (give keys explicitly when the order may change).
 *
 * @example
 * ```ts
 * import { fastaTexts } from "./items.ts";
 * const items = fastaTexts(">a first\nMKTAYIAKQR\n>b\nGSHMLEDP\n");
 * console.log(items.map((item) => item.key)); // ["a", "b"]
 * ```
 * @module
 */
import { basename } from "node:path";
import { formatFasta, parseFasta } from "../bio/fasta.ts";
import { InvalidRequestError } from "../client/errors.ts";

/** One item of a batch: a key and what to submit for it (or why it cannot be submitted). */
export interface BatchItem<P> {
  /** Unique within the batch. */
  key: string;
  /** What is submitted. Absent when the input could not be turned into a request. */
  payload?: P;
  /** Why the item cannot be submitted (shown in its row; nothing is sent for it). */
  error?: string;
}

/** A keyed FASTA text: one job's input. */
export interface FastaText {
  /** The item's key. */
  key: string;
  /** Its FASTA text (or a bare sequence). */
  fasta: string;
}

/**
 * The inputs a tool batch accepts:
 * - one FASTA text: **one item per record**, keyed by the record's identifier;
 * - a list of FASTA texts or bare sequences: one item each, keyed by the first record's
 *   identifier when the text has a header, else `item_<n>`;
 * - `{ key: text }`: one item per entry;
 * - `{ files: [paths] }`: one item per file (its whole content), keyed by the file name.
 */
export type BatchInputs =
  | string
  | readonly string[]
  | Readonly<Record<string, string>>
  | { readonly files: readonly string[] };

/** Keys made unique: a repeated key gets `#2`, `#3`… */
function uniqueKeys(texts: FastaText[]): FastaText[] {
  const seen = new Map<string, number>();
  return texts.map((text) => {
    const count = (seen.get(text.key) ?? 0) + 1;
    seen.set(text.key, count);
    return count === 1 ? text : { ...text, key: `${text.key}#${count}` };
  });
}

/**
 * Split a multi-record FASTA text into one keyed text per record. Text that is not FASTA
 * throws {@linkcode InvalidRequestError} naming the lines, before anything is sent.
 *
 * @example
 * ```ts
 * import { fastaTexts } from "../../mod.ts";
 *
 * const texts = fastaTexts(">hen lysozyme C\nKVFGRCELAA\n>ubq\nMQIFVKTLTGK\n>ubq\nMQIFVKTLTG\n");
 * texts.map((text) => text.key); // ["hen", "ubq", "ubq#2"]
 * ```
 */
export function fastaTexts(text: string): FastaText[] {
  const parsed = parseFasta(text);
  const errors = parsed.issues.filter((issue) => issue.severity === "error");
  if (errors.length > 0 || parsed.records.length === 0) {
    throw new InvalidRequestError(
      "The batch's FASTA input",
      errors.length > 0
        ? errors.map((issue) => ({ path: `line ${issue.line}`, message: issue.message }))
        : [{ path: "(input)", message: "no sequences found" }],
    );
  }
  return uniqueKeys(parsed.records.map((record) => ({
    key: record.id,
    fasta: formatFasta([record], { width: 60 }),
  })));
}

/**
 * Keyed texts from any {@linkcode BatchInputs}. Files are read here.
 *
 * @example
 * ```ts
 * import { inputTexts } from "../../mod.ts";
 *
 * const texts = await inputTexts(["MKTAYIAKQR", ">insulin_b\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT"]);
 * texts.map((text) => text.key); // ["item_1", "insulin_b"]
 * ```
 */
export async function inputTexts(inputs: BatchInputs): Promise<FastaText[]> {
  if (typeof inputs === "string") return fastaTexts(inputs);
  if (Array.isArray(inputs)) {
    return uniqueKeys((inputs as readonly string[]).map((text, index) => {
      const header = /^\s*>(\S+)/.exec(text);
      return { key: header ? header[1] : `item_${index + 1}`, fasta: text };
    }));
  }
  if ("files" in inputs && Array.isArray(inputs.files)) {
    const texts: FastaText[] = [];
    for (const path of inputs.files as readonly string[]) {
      texts.push({ key: basename(path), fasta: await Deno.readTextFile(path) });
    }
    return uniqueKeys(texts);
  }
  return Object.entries(inputs as Record<string, string>).map(([key, fasta]) => ({ key, fasta }));
}

/**
 * Input builders: the `input.inputs[]` entries of a job from FASTA text.
 * Problems a parser can see (not FASTA, empty records) are refused here, before anything is
 * sent or any credit is spent.
 *
 * @example
 * ```ts
 * import { fastaInput } from "./fasta.ts";

 * const input = fastaInput(">lysozyme\nKVFGRCELAAAMKRHGLDNY");
 * // { inputs: [{ id: "seqs_1", slotId: "protein", kind: "protein", format: "fasta", content: "…", source: { type: "text" } }] }
 * ```
 * @module
 */
import { parseFasta } from "../bio/fasta.ts";

import { InvalidRequestError } from "../client/errors.ts";
import type { InputItem } from "../contract/_wire.ts";

/** Options of {@linkcode fastaItem} and {@linkcode fastaInput}. */
export interface FastaItemOptions {
  /** Item id. Default `seqs_1`. */
  id?: string;
  /** The tool's slot. Default `protein`. */
  slotId?: string;
  /** Input kind. Default `protein`. */
  kind?: string;
  /** Display label. */
  label?: string;
}

/**
 * One inline FASTA input item; throws {@linkcode InvalidRequestError} for text that is not FASTA.
 *
 * @example
 * ```ts
 * import { fastaItem } from "../../mod.ts";
 *
 * // pairwise-alignment takes two slots: one query, and the targets.
 * const input = {
 *   inputs: [
 *     fastaItem(">query\nHEAGAWGHEE", { id: "query", slotId: "query", kind: "sequence" }),
 *     fastaItem(">t1\nPAWHEAE\n>t2\nHEAGAWGHEA", {
 *       id: "targets", slotId: "targets", kind: "sequence",
 *     }),
 *   ],
 * };
 * ```
 */
export function fastaItem(text: string, options: FastaItemOptions = {}): InputItem {
  const parsed = parseFasta(text);
  const errors = parsed.issues.filter((issue) => issue.severity === "error");
  if (errors.length > 0 || parsed.records.length === 0) {
    throw new InvalidRequestError(
      "The FASTA input",
      errors.length > 0
        ? errors.map((issue) => ({ path: `line ${issue.line}`, message: issue.message }))
        : [{ path: "content", message: "no sequences found" }],
    );
  }
  return {
    id: options.id ?? "seqs_1",
    slotId: options.slotId ?? "protein",
    kind: options.kind ?? "protein",
    format: "fasta",
    content: text.endsWith("\n") ? text : `${text}\n`,
    source: { type: "text" },
    ...(options.label ? { label: options.label } : {}),
  };
}

/**
 * A job `input` with one inline FASTA item.
 *
 * @example
 * ```ts
 * import { connect, fastaInput } from "../../mod.ts";
 *
 * const piq = await connect();
 * const job = await piq.jobs.submit({
 *   tool: "hydropathy-profile",
 *   name: "Rhodopsin N-terminus",
 *   input: fastaInput(">rho_bovin\nMNGTEGPNFYVPFSNKTGVVRSPFEAPQYYLAEPWQFSMLAAYMFLLIMLGFPINFLTLYV"),
 * });
 * ```
 */
export function fastaInput(text: string, options: FastaItemOptions = {}): { inputs: InputItem[] } {
  return { inputs: [fastaItem(text, options)] };
}

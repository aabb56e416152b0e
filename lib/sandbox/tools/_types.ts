/**
 * What a sandbox tool is: its public contract plus the code that validates, prices and runs it.
 * Tools run inside a worker, so `run` must be pure computation on its arguments.
 * @module
 */
import type { ToolDefinition } from "../../contract/tools.ts";

export type { ToolDefinition };

/** One input item after the server resolved its content (inline text or a saved file). */
export interface ResolvedInput {
  id: string;
  slotId: string;
  kind: string;
  format: string;
  label?: string;
  content: string;
  /** Index of the item in `input.inputs`, for error paths. */
  index: number;
}

/** Settings after defaults were applied and types checked against the contract. */
export type ResolvedSettings = Record<string, string | number | boolean | null>;

/** A problem with the request, reported as a `validation_error` or a quote's blocking error. */
export interface ValidationIssue {
  /** Where the problem is, e.g. `input.inputs[0].content` or `settings.window`. */
  path: string;
  message: string;
}

/** A file the tool produced. */
export interface ToolOutputFile {
  name: string;
  content_type: string;
  data: string | Uint8Array;
}

/** What a finished run returns. */
export interface ToolOutput {
  /** Structured output; `records` (an array of flat rows keyed by output field id) by convention. */
  results: Record<string, unknown>;
  files: ToolOutputFile[];
}

/** Passed to `run` so long computations can report how far they are. */
export interface ToolRunContext {
  /** Fraction done, 0 to 1. Cheap to call often; the runner throttles. */
  progress(fraction: number): void;
}

/** A sandbox tool. */
export interface SandboxTool {
  definition: ToolDefinition;
  /**
   * Tool-specific checks beyond the contract (slots, formats, counts and settings are checked
   * generically). Must be cheap: it runs on every quote and submission.
   */
  validate(inputs: ResolvedInput[], settings: ResolvedSettings): ValidationIssue[];
  /** How many billing units the request has (sequences, residues…), for per-unit pricing. */
  units(inputs: ResolvedInput[], settings: ResolvedSettings): number;
  /** The computation. Throwing fails the job with the error's message. */
  run(
    inputs: ResolvedInput[],
    settings: ResolvedSettings,
    context: ToolRunContext,
  ): ToolOutput | Promise<ToolOutput>;
}

/**
 * Structure-file inputs (PDB, mmCIF) for sandbox tools: a quick scan for validation and
 * pricing (one pass over the lines, no structure built, so quotes stay fast) and the full
 * parse for runs.
 * @module
 */
import { parseStructure, type StructureFormat } from "../../bio/structure/analysis.ts";
import { scanMmcif } from "../../bio/structure/mmcif.ts";
import type { Structure } from "../../bio/structure/model.ts";
import { scanPdb, type StructureScan } from "../../bio/structure/pdb.ts";
import type { ResolvedInput, ValidationIssue } from "./_types.ts";
import { contentPath, formatCount, inputsPath, utf8Length } from "./_common.ts";

/** Limits of a structure tool. */
export interface StructureLimits {
  max_input_bytes: number;
  /** Residues (Cα atoms) per structure. */
  max_residues: number;
}

/** The format of an input as the parsers know it. */
export function structureFormat(input: ResolvedInput): StructureFormat {
  return input.format === "pdb" ? "pdb" : "mmcif";
}

/** Scan one input. */
export function scanStructure(input: ResolvedInput): StructureScan {
  return structureFormat(input) === "pdb" ? scanPdb(input.content) : scanMmcif(input.content);
}

/** A name for an input in results: its label, else its id. */
export function inputName(input: ResolvedInput): string {
  return input.label?.trim() || input.id;
}

/**
 * Validation issues of structure inputs: size, files that are not the declared format,
 * unreadable coordinates, no atoms, too many residues.
 */
export function structureIssues(
  inputs: readonly ResolvedInput[],
  limits: StructureLimits,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const totalBytes = inputs.reduce((sum, input) => sum + utf8Length(input.content), 0);
  if (totalBytes > limits.max_input_bytes) {
    return [{
      path: inputsPath(inputs),
      message: `the input is ${formatCount(totalBytes)} bytes; at most ` +
        `${formatCount(limits.max_input_bytes)} bytes are allowed`,
    }];
  }
  for (const input of inputs) {
    const path = contentPath(input);
    const name = `structure "${inputName(input)}"`;
    const declared = structureFormat(input);
    const head = input.content.slice(0, 200_000);
    const looksLikeCif = /^\s*data_/m.test(head) && /^_atom_site\./m.test(input.content);
    const looksLikePdb = !looksLikeCif && /^(ATOM {2}|HETATM)/m.test(head);
    if (declared === "pdb" && looksLikeCif) {
      issues.push({
        path,
        message: `${name} looks like mmCIF, not PDB; send it with format "cif"`,
      });
      continue;
    }
    if (declared === "mmcif" && looksLikePdb) {
      issues.push({
        path,
        message: `${name} looks like PDB, not mmCIF; send it with format "pdb"`,
      });
      continue;
    }
    const scan = scanStructure(input);
    for (const problem of scan.problems) issues.push({ path, message: `${name}: ${problem}` });
    if (scan.alphaCarbons > limits.max_residues) {
      issues.push({
        path,
        message: `${name} has ${formatCount(scan.alphaCarbons)} residues (Cα atoms) in its first ` +
          `model; at most ${formatCount(limits.max_residues)} are allowed`,
      });
    }
  }
  return issues;
}

/** Residues (Cα atoms of the first model) over all inputs, for per-residue pricing. */
export function countStructureResidues(inputs: readonly ResolvedInput[]): number {
  return inputs.reduce((sum, input) => sum + scanStructure(input).alphaCarbons, 0);
}

/** Parse an input, naming it in the error when it fails. */
export function readStructure(input: ResolvedInput): Structure {
  try {
    return parseStructure(input.content, structureFormat(input));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`structure "${inputName(input)}" (input ${input.index + 1}): ${message}`);
  }
}

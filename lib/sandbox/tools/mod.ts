/**
 * The sandbox's tool catalog: every tool module, registered once.
 * @module
 */
import type { SandboxTool } from "./_types.ts";
import { backTranslateTool } from "./back_translate.ts";
import { esmfoldTool } from "./esmfold.ts";
import { fastqToFasta } from "./fastq_to_fasta.ts";
import { hydropathyProfile } from "./hydropathy_profile.ts";
import { pairwiseAlignment } from "./pairwise_alignment.ts";
import { pdbToFasta } from "./pdb_to_fasta.ts";
import { peptideBuilder } from "./peptide_builder.ts";
import { proteinParameters } from "./protein_parameters.ts";
import { proteinProperties } from "./protein_properties.ts";
import { structureAnalysis } from "./structure_analysis.ts";
import { translateTool } from "./translate.ts";
import { workloadSimulator } from "./workload.ts";

/**
 * Every tool the sandbox offers, in catalog order: first the tools of ProteinIQ's own catalog
 * (same ids and contracts, so notebooks run unchanged against a workspace), then the teaching
 * tools.
 */
export const TOOLS: readonly SandboxTool[] = [
  esmfoldTool,
  proteinParameters,
  proteinProperties,
  hydropathyProfile,
  translateTool,
  backTranslateTool,
  pairwiseAlignment,
  pdbToFasta,
  fastqToFasta,
  peptideBuilder,
  structureAnalysis,
  workloadSimulator,
];

const BY_ID = new Map(TOOLS.map((tool) => [tool.definition.id, tool]));

/** The tool with this id, if any. */
export function findTool(id: string): SandboxTool | undefined {
  return BY_ID.get(id);
}

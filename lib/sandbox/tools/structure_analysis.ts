/**
 * The "Structure analysis" sandbox tool: for PDB or mmCIF structures (uploaded, pasted or a
 * previous job's output), the chains and their residues, atoms, ligands and waters, the radius
 * of gyration, per-residue B-factors, φ/ψ, a Cα contact map and secondary structure assigned
 * from backbone hydrogen bonds with the DSSP algorithm (mkdssp 4's H, G, I, E, B, T, S, P and
 * the three-state H/E/C reduction). Values follow Biopython's `Bio.PDB` conventions.
 *
 * Results: `records` (one row per chain), `structures` (one summary per input), `residues`
 * (one row per amino-acid residue) and `contact_maps` (per input: residue labels and the
 * contacting pairs with their distance).
 *
 * @example
 * ```ts
 * import { structureAnalysis } from "./structure_analysis.ts";
 * // inputs: [{ slotId: "structure", kind: "structure", format: "pdb", content: pdbText, … }]
 * // const output = await structureAnalysis.run(inputs, { contact_cutoff: 8, min_separation: 3 }, …);
 * // output.results.records[0].secondary_structure → "CHHHHHHHHHHHHHHHHHHC"
 * ```
 * @module
 */
import { analyzeStructure } from "../../bio/structure/analysis.ts";
import type { OutputField } from "../../contract/tools.ts";
import type { ResolvedInput, SandboxTool, ToolDefinition, ToolOutput } from "./_types.ts";
import { toCsv } from "./_common.ts";
import {
  countStructureResidues,
  inputName,
  readStructure,
  structureIssues,
} from "./_structure_inputs.ts";

const LIMITS = { max_items: 5, max_input_bytes: 10_000_000, max_residues: 5_000 };

const OUTPUT_FIELDS = [
  { id: "structure", label: "Structure", type: "string", description: "Input label or id" },
  { id: "chain", label: "Chain", type: "string" },
  { id: "molecule", label: "Molecule", type: "string" },
  {
    id: "residues",
    label: "Residues",
    type: "integer",
    digits: 0,
    description: "Amino acids with coordinates",
  },
  { id: "atoms", label: "Atoms", type: "integer", digits: 0 },
  {
    id: "ligands",
    label: "Ligands",
    type: "integer",
    digits: 0,
    description: "Hetero groups other than water",
  },
  { id: "waters", label: "Waters", type: "integer", digits: 0 },
  {
    id: "radius_of_gyration",
    label: "Radius of gyration",
    type: "number",
    unit: "Å",
    digits: 2,
    description: "Mass-weighted, over the chain's amino-acid atoms",
  },
  { id: "mean_b_factor", label: "Mean B-factor", type: "number", unit: "Å²", digits: 1 },
  {
    id: "helix_percent",
    label: "Helix",
    type: "number",
    unit: "%",
    digits: 1,
    description: "DSSP H, G, I",
  },
  {
    id: "strand_percent",
    label: "Strand",
    type: "number",
    unit: "%",
    digits: 1,
    description: "DSSP E, B",
  },
  { id: "sequence", label: "Sequence", type: "string" },
  {
    id: "secondary_structure",
    label: "Secondary structure",
    type: "string",
    description: "One letter per residue: H helix, E strand, C coil (- without a full backbone)",
  },
] as const satisfies readonly OutputField[];

/** One row of `results.records`. */
export interface ChainRow {
  structure: string;
  chain: string;
  molecule: string;
  residues: number;
  atoms: number;
  ligands: number;
  waters: number;
  radius_of_gyration: number | null;
  mean_b_factor: number | null;
  helix_percent: number | null;
  strand_percent: number | null;
  sequence: string;
  secondary_structure: string;
}

const RESIDUE_COLUMNS = [
  "structure",
  "chain",
  "number",
  "insertion",
  "name",
  "letter",
  "b_factor",
  "ca_b_factor",
  "phi",
  "psi",
  "dssp",
  "secondary_structure",
  "contacts",
] as const;

const definition: ToolDefinition = {
  id: "structure-analysis",
  name: "Structure analysis",
  description: "Chains, residues, radius of gyration, per-residue B-factors, φ/ψ, a Cα " +
    "contact map and DSSP secondary structure (from backbone hydrogen bonds) of PDB or mmCIF " +
    "structures.",
  category: "structure",
  tags: ["structure", "pdb", "mmcif", "dssp", "secondary-structure", "contact-map", "b-factor"],
  credit_model: {
    is_free: false,
    type: "per_residue",
    base_credits: 1,
    per_unit_credits: 0.01,
    unit: "residue",
    description: "1 credit per job plus 1 per 100 residues (rounded up)",
  },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "structure",
      label: "Structures",
      description: "PDB or PDBx/mmCIF files (uploaded, pasted or a previous job's output); the " +
        "first model is analysed",
      kind: "structure",
      formats: ["pdb", "cif", "mmcif"],
      required: true,
      min_items: 1,
      max_items: LIMITS.max_items,
    }],
    settings: [
      {
        id: "contact_cutoff",
        label: "Contact distance",
        type: "number",
        description: "Cα–Cα distance at or below which two residues are in contact, Å",
        default: 8,
        minimum: 3,
        maximum: 20,
      },
      {
        id: "min_separation",
        label: "Minimum sequence separation",
        type: "integer",
        description: "Residues of the same chain closer than this in sequence are not counted " +
          "as contacts (neighbours always are close)",
        default: 3,
        minimum: 1,
        maximum: 100,
      },
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [
      {
        name: "residues.csv",
        content_type: "text/csv",
        description: `One row per residue: ${RESIDUE_COLUMNS.join(", ")}`,
      },
      {
        name: "contacts.csv",
        content_type: "text/csv",
        description: "One row per Cα contact: structure, residue_1, residue_2, distance",
      },
    ],
    results: {
      structures: "Per input: name, id, title, models, chains, residues, atoms, " +
        "radius_of_gyration (mass-weighted, Å), radius_of_gyration_ca, helix_percent, " +
        "strand_percent, contacts, warnings",
      residues: `One row per amino-acid residue: ${RESIDUE_COLUMNS.join(", ")}`,
      contact_maps: "Per input: { structure, cutoff, min_separation, labels (A:ALA12…), " +
        "pairs: [i, j, distance] with indices into labels }",
    },
  },
  limits: { ...LIMITS, time_limit_seconds: 120 },
};

/** The "Structure analysis" tool. */
export const structureAnalysis: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[]) {
    return structureIssues(inputs, LIMITS);
  },

  units(inputs: ResolvedInput[]) {
    return countStructureResidues(inputs);
  },

  run(inputs, settings, context): ToolOutput {
    const cutoff = Number(settings.contact_cutoff ?? 8);
    const minSeparation = Number(settings.min_separation ?? 3);
    const rows: ChainRow[] = [];
    const structures: Record<string, unknown>[] = [];
    const residueRows: Record<(typeof RESIDUE_COLUMNS)[number], unknown>[] = [];
    const contactMaps: Record<string, unknown>[] = [];
    const contactRows: {
      structure: string;
      residue_1: string;
      residue_2: string;
      distance: number;
    }[] = [];
    inputs.forEach((input, index) => {
      const name = inputName(input);
      const structure = readStructure(input);
      const analysis = analyzeStructure(structure, {
        contactCutoff: cutoff,
        minSeparation,
        onProgress: (fraction) => context.progress((index + fraction) / inputs.length),
      });
      const percent = (value: number | null) => value === null ? null : 100 * value;
      for (const chain of analysis.chains) {
        if (chain.residues === 0 && chain.waters + chain.ligands === 0) continue;
        rows.push({
          structure: name,
          chain: chain.chain,
          molecule: chain.molecule,
          residues: chain.residues,
          atoms: chain.atoms,
          ligands: chain.ligands,
          waters: chain.waters,
          radius_of_gyration: chain.radiusOfGyration,
          mean_b_factor: chain.meanBFactor,
          helix_percent: percent(chain.helixFraction),
          strand_percent: percent(chain.strandFraction),
          sequence: chain.sequence,
          secondary_structure: chain.secondaryStructure,
        });
      }
      const assigned = analysis.residues.filter((r) => r.secondaryStructure !== null);
      const share = (code: "H" | "E") =>
        assigned.length === 0
          ? null
          : 100 * assigned.filter((r) => r.secondaryStructure === code).length / assigned.length;
      structures.push({
        name,
        id: analysis.id,
        title: analysis.title,
        models: analysis.models,
        chains: analysis.chains.length,
        residues: analysis.residues.length,
        atoms: analysis.atoms,
        radius_of_gyration: analysis.radiusOfGyration,
        radius_of_gyration_ca: analysis.radiusOfGyrationCa,
        helix_percent: share("H"),
        strand_percent: share("E"),
        contacts: analysis.contacts.length,
        warnings: analysis.warnings,
      });
      const labels = analysis.residues.map((r) => `${r.chain}:${r.name}${r.number}${r.insertion}`);
      for (const residue of analysis.residues) {
        residueRows.push({
          structure: name,
          chain: residue.chain,
          number: residue.number,
          insertion: residue.insertion,
          name: residue.name,
          letter: residue.letter,
          b_factor: residue.bFactor,
          ca_b_factor: residue.caBFactor,
          phi: residue.phi,
          psi: residue.psi,
          dssp: residue.dssp,
          secondary_structure: residue.secondaryStructure,
          contacts: residue.contacts,
        });
      }
      contactMaps.push({
        structure: name,
        cutoff,
        min_separation: minSeparation,
        labels,
        pairs: analysis.contacts,
      });
      for (const [i, j, d] of analysis.contacts) {
        contactRows.push({
          structure: name,
          residue_1: labels[i],
          residue_2: labels[j],
          distance: d,
        });
      }
      context.progress((index + 1) / inputs.length);
    });
    return {
      results: { records: rows, structures, residues: residueRows, contact_maps: contactMaps },
      files: [
        {
          name: "residues.csv",
          content_type: "text/csv",
          data: toCsv(RESIDUE_COLUMNS, residueRows),
        },
        {
          name: "contacts.csv",
          content_type: "text/csv",
          data: toCsv(["structure", "residue_1", "residue_2", "distance"], contactRows),
        },
      ],
    };
  },
};

/**
 * The "Peptide builder" sandbox tool: 3D coordinates of peptides from their sequence and a
 * backbone conformation — α-helix, β-strand and other named ones, one (φ, ψ) for all residues,
 * or a (φ, ψ) per residue — with ideal bond lengths and angles (Engh & Huber), all backbone
 * atoms (N, Cα, C, O, OXT) and Cβ, written as PDB files a structure viewer shows.
 *
 * @example
 * ```ts
 * import { peptideBuilder } from "./peptide_builder.ts";
 * const inputs = [{ id: "p", slotId: "protein", kind: "protein", format: "fasta", index: 0,
 *   content: ">helix\nAEAAAKEAAAKA\n" }];
 * const settings = { conformation: "alpha_helix", phi: -57, psi: -47, angles: "", omega: 180,
 *   terminal_oxygen: true };
 * const output = await peptideBuilder.run(inputs, settings, { progress() {} });
 * // output.files[0].name → "peptide.pdb"; output.results.records[0].rise_per_residue ≈ 1.5
 * ```
 * @module
 */
import { buildPeptide, CONFORMATIONS, peptideToPdb } from "../../bio/structure/builder.ts";
import { distance, radiusOfGyration } from "../../bio/structure/geometry.ts";
import { THREE_LETTER } from "../../bio/structure/model.ts";
import type { OutputField } from "../../contract/tools.ts";
import type {
  ResolvedInput,
  ResolvedSettings,
  SandboxTool,
  ToolDefinition,
  ToolOutput,
  ToolOutputFile,
  ValidationIssue,
} from "./_types.ts";
import { describeRecord, PDB_CONTENT_TYPE, readFastaInputs, safeFileName } from "./_common.ts";

const LIMITS = { max_records: 20, max_sequence_length: 1000, max_input_bytes: 100_000 };

const OUTPUT_FIELDS = [
  { id: "id", label: "ID", type: "string", description: "First word of the FASTA header" },
  { id: "length", label: "Length", type: "integer", unit: "aa", digits: 0 },
  { id: "conformation", label: "Conformation", type: "string" },
  {
    id: "phi",
    label: "φ",
    type: "number",
    unit: "°",
    digits: 1,
    description: "Empty when per residue",
  },
  {
    id: "psi",
    label: "ψ",
    type: "number",
    unit: "°",
    digits: 1,
    description: "Empty when per residue",
  },
  { id: "atoms", label: "Atoms", type: "integer", digits: 0 },
  {
    id: "end_to_end",
    label: "End-to-end distance",
    type: "number",
    unit: "Å",
    digits: 2,
    description: "Between the first and last Cα",
  },
  {
    id: "rise_per_residue",
    label: "Rise per residue",
    type: "number",
    unit: "Å",
    digits: 2,
    description: "End-to-end distance over the number of residue steps (1.5 Å in an α-helix, " +
      "about 3.3 Å in a β-strand)",
  },
  {
    id: "radius_of_gyration",
    label: "Radius of gyration (Cα)",
    type: "number",
    unit: "Å",
    digits: 2,
  },
  { id: "file", label: "File", type: "string", description: "The PDB file of this peptide" },
] as const satisfies readonly OutputField[];

/** One row of `results.records`. */
export interface PeptideRow {
  id: string;
  length: number;
  conformation: string;
  phi: number | null;
  psi: number | null;
  atoms: number;
  end_to_end: number;
  rise_per_residue: number | null;
  radius_of_gyration: number;
  file: string;
}

const definition: ToolDefinition = {
  id: "peptide-builder",
  name: "Peptide builder",
  description: "Build 3D models of peptides from their sequence and a backbone conformation " +
    "(α-helix, β-strand, polyproline II…, or your own φ/ψ per residue) with ideal bond " +
    "geometry: backbone atoms and Cβ, as PDB files for the structure viewer.",
  category: "structure",
  tags: ["peptide", "structure", "pdb", "phi-psi", "helix", "strand", "modelling"],
  credit_model: {
    is_free: false,
    type: "fixed",
    base_credits: 2,
    description: "2 credits per job",
  },
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "protein",
      label: "Peptide sequences",
      description: "FASTA with one or more peptides (up to 20, each up to 1,000 residues), or a " +
        "bare sequence; the 20 standard amino acids, U (SEC) and O (PYL)",
      kind: "protein",
      formats: ["fasta"],
      required: true,
      min_items: 1,
      max_items: 1,
    }],
    settings: [
      {
        id: "conformation",
        label: "Conformation",
        type: "enum",
        description: "Backbone conformation: a named one, custom (the φ and ψ settings for every " +
          "residue), or per_residue (the angles setting)",
        default: "alpha_helix",
        options: [
          ...Object.entries(CONFORMATIONS).map(([value, c]) => ({
            value,
            label: `${c.label} (φ ${c.phi}°, ψ ${c.psi}°)`,
          })),
          { value: "custom", label: "Custom φ/ψ for every residue" },
          { value: "per_residue", label: "φ/ψ per residue" },
        ],
      },
      {
        id: "phi",
        label: "φ (custom)",
        type: "number",
        description: "φ in degrees for every residue when the conformation is custom",
        default: -57,
        minimum: -180,
        maximum: 180,
      },
      {
        id: "psi",
        label: "ψ (custom)",
        type: "number",
        description: "ψ in degrees for every residue when the conformation is custom",
        default: -47,
        minimum: -180,
        maximum: 180,
      },
      {
        id: "angles",
        label: "φ/ψ per residue",
        type: "string",
        description: 'When the conformation is per_residue: one "φ,ψ" pair per residue, ' +
          'separated by ";" or new lines, e.g. "-60,-45; -60,-45; -120,130" (the first φ ' +
          "and last ψ have no atoms to act on but are still required)",
        default: "",
      },
      {
        id: "omega",
        label: "ω",
        type: "number",
        description: "Peptide-bond dihedral in degrees (180 = trans, 0 = cis)",
        default: 180,
        minimum: -180,
        maximum: 180,
      },
      {
        id: "terminal_oxygen",
        label: "C-terminal OXT",
        type: "boolean",
        description: "Add the second oxygen of the C-terminal carboxylate",
        default: true,
      },
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [
      {
        name: "peptide.pdb",
        content_type: PDB_CONTENT_TYPE,
        description: "The first (or only) peptide",
      },
      {
        name: "{id}.pdb",
        content_type: PDB_CONTENT_TYPE,
        description: "With several peptides: one more file per peptide, named after its record " +
          "id (letters, digits, . _ - kept)",
      },
    ],
  },
  limits: { ...LIMITS, time_limit_seconds: 60 },
};

/** The "Peptide builder" tool. */
export const peptideBuilder: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[], settings: ResolvedSettings): ValidationIssue[] {
    const { records, issues } = readFastaInputs(inputs, LIMITS, { letters: builderLetterIssues });
    if (issues.length > 0) return issues;
    if (settings.conformation === "per_residue") {
      const parsed = parseAngles(String(settings.angles ?? ""));
      if (typeof parsed === "string") return [{ path: "settings.angles", message: parsed }];
      if (records.length !== 1) {
        return [{
          path: "settings.angles",
          message: `per-residue angles describe one peptide; the input has ${records.length}`,
        }];
      }
      const { record } = records[0];
      if (parsed.length !== record.sequence.length) {
        return [{
          path: "settings.angles",
          message: `${describeRecord(record)} has ${record.sequence.length} residues but ` +
            `"angles" has ${parsed.length} φ,ψ pairs; give one pair per residue`,
        }];
      }
    } else if (String(settings.angles ?? "").trim() !== "") {
      return [{
        path: "settings.angles",
        message: `"angles" is used only when "conformation" is "per_residue"`,
      }];
    }
    return [];
  },

  units() {
    return 1;
  },

  run(inputs, settings, context): ToolOutput {
    const conformation = String(settings.conformation ?? "alpha_helix");
    const omega = Number(settings.omega ?? 180);
    const { records } = readFastaInputs(inputs, {});
    const rows: PeptideRow[] = [];
    const files: ToolOutputFile[] = [];
    const taken = new Set(["peptide.pdb"]);
    records.forEach(({ record }, index) => {
      let phi: number | number[];
      let psi: number | number[];
      let label: string;
      if (conformation === "per_residue") {
        const pairs = parseAngles(String(settings.angles ?? ""));
        if (typeof pairs === "string") throw new Error(pairs);
        phi = pairs.map(([value]) => value);
        psi = pairs.map(([, value]) => value);
        label = "per residue";
      } else if (conformation === "custom") {
        phi = Number(settings.phi ?? -57);
        psi = Number(settings.psi ?? -47);
        label = `custom φ ${phi}°, ψ ${psi}°`;
      } else {
        const named = CONFORMATIONS[conformation];
        phi = named.phi;
        psi = named.psi;
        label = named.label;
      }
      const peptide = buildPeptide(record.sequence, {
        phi,
        psi,
        omega,
        terminalOxygen: settings.terminal_oxygen !== false,
      });
      const alphas = peptide.residues.map((residue) => residue.atoms[1].position);
      const endToEnd = distance(alphas[0], alphas[alphas.length - 1]);
      const pdb = peptideToPdb(peptide, {
        remarks: [
          // PDB files are ASCII: no Greek letters here.
          `Built by the proteiniq sandbox peptide builder from ideal geometry (Engh & Huber ` +
          `1991): conformation ${conformation}` +
          (typeof phi === "number" ? ` (phi ${phi}, psi ${psi})` : " (phi/psi per residue)") +
          `, omega ${omega}.`,
          `Sequence ${record.id}: ${record.sequence.toUpperCase()}`,
        ],
        secondaryStructure: ["alpha_helix", "helix_3_10"].includes(conformation)
          ? "helix"
          : ["beta_strand", "parallel_beta"].includes(conformation)
          ? "strand"
          : "none",
      });
      const name = index === 0 ? "peptide.pdb" : safeFileName(record.id, "pdb", taken);
      files.push({ name, content_type: PDB_CONTENT_TYPE, data: pdb });
      if (index === 0 && records.length > 1) {
        files.push({
          name: safeFileName(record.id, "pdb", taken),
          content_type: PDB_CONTENT_TYPE,
          data: pdb,
        });
      }
      rows.push({
        id: record.id,
        length: record.sequence.length,
        conformation: label,
        phi: typeof phi === "number" ? phi : null,
        psi: typeof psi === "number" ? psi : null,
        atoms: peptide.residues.reduce((sum, residue) => sum + residue.atoms.length, 0),
        end_to_end: endToEnd,
        rise_per_residue: alphas.length > 1 ? endToEnd / (alphas.length - 1) : null,
        radius_of_gyration: radiusOfGyration(alphas),
        file: name,
      });
      context.progress((index + 1) / records.length);
    });
    return { results: { records: rows }, files };
  },
};

function builderLetterIssues(sequence: string): { message: string }[] {
  const issues: { message: string }[] = [];
  for (let index = 0; index < sequence.length && issues.length < 10; index++) {
    const letter = sequence[index];
    if (THREE_LETTER[letter.toUpperCase()] !== undefined) continue;
    issues.push({
      message: "XBZJ".includes(letter.toUpperCase())
        ? `"${letter}" at position ${index + 1} is ambiguous; the builder needs a specific ` +
          `amino acid`
        : `${JSON.stringify(letter)} at position ${index + 1} is not an amino acid`,
    });
  }
  return issues;
}

/** "φ,ψ; φ,ψ" → pairs, or a message saying what is wrong. */
function parseAngles(text: string): [number, number][] | string {
  const entries = text.split(/[;\n]/).map((entry) => entry.trim()).filter((entry) => entry !== "");
  if (entries.length === 0) {
    return `"angles" is empty; give one "φ,ψ" pair per residue, e.g. "-60,-45; -120,130"`;
  }
  const pairs: [number, number][] = [];
  for (const [index, entry] of entries.entries()) {
    const parts = entry.split(/[,\s]+/).filter((part) => part !== "");
    const values = parts.map(Number);
    if (parts.length !== 2 || values.some((value) => !Number.isFinite(value))) {
      return `"angles" pair ${index + 1} (${JSON.stringify(entry)}) is not two numbers "φ,ψ"`;
    }
    if (values.some((value) => value < -180 || value > 180)) {
      return `"angles" pair ${index + 1} (${JSON.stringify(entry)}) has an angle outside ` +
        `−180…180°`;
    }
    pairs.push([values[0], values[1]]);
  }
  return pairs;
}

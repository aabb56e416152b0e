/**
 * The "Hydropathy profile" sandbox tool: a sliding-window amino-acid scale profile
 * (Kyte–Doolittle by default) for every protein record, as Biopython's
 * `ProteinAnalysis.protein_scale` computes it, with the stretches above a threshold — with
 * Kyte–Doolittle, a window of 19 and a threshold of 1.6, candidate transmembrane helices.
 *
 * Results: `records` (one summary row per sequence), `profiles` (per-residue series:
 * `{ id, sequence, positions, values, … }` — positions are the 1-based centre residues of the
 * windows) and `segments` (one row per stretch above the threshold).
 *
 * @example
 * ```ts
 * import { hydropathyProfile } from "./hydropathy_profile.ts";
 * const inputs = [{ id: "in1", slotId: "protein", kind: "protein", format: "fasta", index: 0,
 *   content: ">m13 coat\nAEGDDPAKAAFNSLQASATEYIGYAWAMVVVIVGATIGIKLFKKFTSKAS\n" }];
 * const settings = { scale: "kyte_doolittle", window: 19, edge: 1, threshold: 1.6 };
 * const output = await hydropathyProfile.run(inputs, settings, { progress() {} });
 * // output.results.segments → [{ id: "m13", start: 21, end: 46, … }]
 * ```
 * @module
 */
import { SCALE_DATA } from "../../bio/_scale_data.ts";
import { SCALE_IDS, scaleProfile, thresholdSegments } from "../../bio/hydropathy.ts";
import type { OutputField } from "../../contract/tools.ts";
import type {
  ResolvedInput,
  ResolvedSettings,
  SandboxTool,
  ToolDefinition,
  ToolOutput,
} from "./_types.ts";
import { countFastaRecords, ONE_CREDIT_PER_SEQUENCE, readFastaInputs, toCsv } from "./_common.ts";

const LIMITS = { max_records: 200, max_sequence_length: 20_000, max_input_bytes: 2_000_000 };
const KNOWN_LETTERS = /^[ACDEFGHIKLMNPQRSTVWYUOXBZJ]$/i;

const OUTPUT_FIELDS = [
  { id: "id", label: "ID", type: "string", description: "First word of the FASTA header" },
  { id: "length", label: "Length", type: "integer", unit: "aa", digits: 0 },
  { id: "scale", label: "Scale", type: "string" },
  { id: "window", label: "Window", type: "integer", unit: "aa", digits: 0 },
  {
    id: "mean",
    label: "Mean of profile",
    type: "number",
    digits: 3,
    description: "Mean of the window values; empty when the sequence is shorter than the window",
  },
  { id: "max_value", label: "Highest window", type: "number", digits: 3 },
  {
    id: "max_position",
    label: "Highest at",
    type: "integer",
    digits: 0,
    description: "Centre residue of the highest window (1-based)",
  },
  { id: "min_value", label: "Lowest window", type: "number", digits: 3 },
  { id: "min_position", label: "Lowest at", type: "integer", digits: 0 },
  {
    id: "segments",
    label: "Segments above threshold",
    type: "integer",
    digits: 0,
    description: "Stretches of windows at or above the threshold (candidate transmembrane " +
      "helices with Kyte–Doolittle, window 19, threshold 1.6)",
  },
  {
    id: "segment_ranges",
    label: "Segment residues",
    type: "string",
    description: 'Residues the segments\' windows cover, e.g. "21–46"',
  },
  {
    id: "notes",
    label: "Notes",
    type: "string",
    description: "Letters without a value on the scale, which count as nothing (Biopython's rule)",
  },
] as const satisfies readonly OutputField[];

/** One row of `results.segments`. */
export interface SegmentRow {
  id: string;
  start: number;
  end: number;
  peak: number;
  peak_position: number;
}

/** One row of `results.records`. */
export interface HydropathyRow {
  id: string;
  length: number;
  scale: string;
  window: number;
  mean: number | null;
  max_value: number | null;
  max_position: number | null;
  min_value: number | null;
  min_position: number | null;
  segments: number;
  segment_ranges: string;
  notes: string;
}

const definition: ToolDefinition = {
  id: "hydropathy-profile",
  name: "Hydropathy profile",
  description: "Sliding-window hydropathy (Kyte–Doolittle) or another amino-acid scale along " +
    "each protein, per residue for plotting, with the stretches above a threshold — candidate " +
    "transmembrane helices (values match Biopython's protein_scale).",
  category: "sequence-analysis",
  tags: ["protein", "hydropathy", "kyte-doolittle", "transmembrane", "profile"],
  credit_model: ONE_CREDIT_PER_SEQUENCE,
  version: "1.0.0",
  beta: false,
  processing: { mode: "async", time_class: "seconds" },
  input: {
    slots: [{
      id: "protein",
      label: "Protein sequences",
      description: "FASTA with one or more protein records, or a bare sequence, any case. " +
        "Letters without a value on the scale (U, O, X, B, Z, J) are allowed and count as " +
        "nothing in their windows.",
      kind: "protein",
      formats: ["fasta"],
      required: true,
      min_items: 1,
      max_items: 10,
    }],
    settings: [
      {
        id: "scale",
        label: "Scale",
        type: "enum",
        description: "Amino-acid scale. Kyte–Doolittle and Eisenberg: hydrophobic is positive; " +
          "Hopp–Woods: hydrophilic is positive (antigenic sites); the others describe " +
          "flexibility and surface exposure.",
        default: "kyte_doolittle",
        options: SCALE_IDS.map((id) => ({ value: id, label: SCALE_DATA[id].name })),
      },
      {
        id: "window",
        label: "Window size",
        type: "integer",
        description: "Residues per window, odd. 19 finds transmembrane helices; 5–9 show " +
          "surface loops and local detail.",
        default: 9,
        minimum: 3,
        maximum: 51,
      },
      {
        id: "edge",
        label: "Window edge weight",
        type: "number",
        description: "Weight of the window's end residues relative to its centre (1 = all " +
          "equal; weights fall linearly towards the ends when lower)",
        default: 1,
        minimum: 0,
        maximum: 1,
      },
      {
        id: "threshold",
        label: "Segment threshold",
        type: "number",
        description: "Window value at or above which residues belong to a reported segment " +
          "(1.6 with Kyte–Doolittle and window 19 for transmembrane helices)",
        default: 1.6,
        minimum: -100,
        maximum: 100,
      },
    ],
  },
  output: {
    fields: [...OUTPUT_FIELDS],
    files: [
      {
        name: "profile.csv",
        content_type: "text/csv",
        description: "One row per window: id, position (centre residue), residue, value",
      },
      {
        name: "segments.csv",
        content_type: "text/csv",
        description: "One row per segment: id, start, end, peak, peak_position",
      },
    ],
    results: {
      profiles: "Per sequence: { id, sequence, scale, window, edge, threshold, positions, " +
        "values } — positions are the 1-based centre residues of the windows",
      segments: "One row per segment above the threshold: id, start, end, peak, peak_position",
    },
  },
  limits: { ...LIMITS, time_limit_seconds: 60 },
};

/** The "Hydropathy profile" tool. */
export const hydropathyProfile: SandboxTool = {
  definition,

  validate(inputs: ResolvedInput[], settings: ResolvedSettings) {
    const issues = readFastaInputs(inputs, LIMITS, { letters: letterIssues }).issues;
    const window = settings.window;
    if (typeof window === "number" && window % 2 === 0) {
      issues.push({
        path: "settings.window",
        message: `"window" must be odd so that each window has a centre residue, not ${window}`,
      });
    }
    return issues;
  },

  units(inputs: ResolvedInput[]) {
    return countFastaRecords(inputs);
  },

  run(inputs, settings, context): ToolOutput {
    const scale = String(settings.scale ?? "kyte_doolittle");
    const window = Number(settings.window ?? 9);
    const edge = Number(settings.edge ?? 1);
    const threshold = Number(settings.threshold ?? 1.6);
    const { records } = readFastaInputs(inputs, {});
    const rows: HydropathyRow[] = [];
    const profiles: Record<string, unknown>[] = [];
    const segments: SegmentRow[] = [];
    const profileRows: { id: string; position: number; residue: string; value: number }[] = [];
    records.forEach(({ record }, index) => {
      const profile = scaleProfile(record.sequence, { scale, window, edge });
      const found = thresholdSegments(profile, threshold);
      const { values, positions } = profile;
      let maxIndex = -1;
      let minIndex = -1;
      let sum = 0;
      values.forEach((value, k) => {
        sum += value;
        if (maxIndex === -1 || value > values[maxIndex]) maxIndex = k;
        if (minIndex === -1 || value < values[minIndex]) minIndex = k;
      });
      const missing = profile.missing;
      rows.push({
        id: record.id,
        length: record.sequence.length,
        scale,
        window,
        mean: values.length === 0 ? null : sum / values.length,
        max_value: maxIndex === -1 ? null : values[maxIndex],
        max_position: maxIndex === -1 ? null : positions[maxIndex],
        min_value: minIndex === -1 ? null : values[minIndex],
        min_position: minIndex === -1 ? null : positions[minIndex],
        segments: found.length,
        segment_ranges: found.map((segment) => `${segment.start}–${segment.end}`).join(", "),
        notes: [
          values.length === 0
            ? `the sequence (${record.sequence.length} aa) is shorter than the window`
            : "",
          missing.length === 0 ? "" : `no ${SCALE_DATA[scale].name} value for ` +
            missing.slice(0, 10).map((m) => `${m.letter} at ${m.position}`).join(", ") +
            (missing.length > 10 ? ` and ${missing.length - 10} more` : "") +
            "; they count as nothing",
        ].filter((note) => note !== "").join("; "),
      });
      profiles.push({
        id: record.id,
        sequence: record.sequence,
        scale,
        window,
        edge,
        threshold,
        positions,
        values,
      });
      for (const segment of found) {
        segments.push({
          id: record.id,
          start: segment.start,
          end: segment.end,
          peak: segment.peak,
          peak_position: segment.peakPosition,
        });
      }
      values.forEach((value, k) =>
        profileRows.push({
          id: record.id,
          position: positions[k],
          residue: record.sequence[positions[k] - 1],
          value,
        })
      );
      context.progress((index + 1) / records.length);
    });
    return {
      results: { records: rows, profiles, segments },
      files: [
        {
          name: "profile.csv",
          content_type: "text/csv",
          data: toCsv(["id", "position", "residue", "value"], profileRows),
        },
        {
          name: "segments.csv",
          content_type: "text/csv",
          data: toCsv(["id", "start", "end", "peak", "peak_position"], segments),
        },
      ],
    };
  },
};

function letterIssues(sequence: string): { message: string }[] {
  const issues: { message: string }[] = [];
  for (let index = 0; index < sequence.length; index++) {
    const letter = sequence[index];
    if (KNOWN_LETTERS.test(letter)) continue;
    issues.push({
      message: letter === "*"
        ? `"*" at position ${index + 1} is a stop; only one final "*" is allowed`
        : `${JSON.stringify(letter)} at position ${index + 1} is not an amino acid letter`,
    });
    if (issues.length > 20) break;
  }
  return issues;
}

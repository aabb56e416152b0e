/**
 * What the pipeline sandbox computes for each job type — small, real sequence calculations,
 * so a notebook reads numbers that mean something and a bad variant fails the way a real
 * pipeline would (with an `error_message`), never with a server error:
 *
 * - `humanization`: closest human V gene of a small germline panel (global alignment with free
 *   end gaps, BLOSUM62) and the identity to it; fails when no germline aligns at ≥ 50 %.
 * - `structure`: secondary-structure propensity fractions (Biopython's
 *   `secondary_structure_fraction`) and mean backbone flexibility (Vihinen 1994); it does not
 *   fold the chain. Fails on residues other than the 20 standard ones.
 * - `stability`: instability index, GRAVY, pI, aliphatic index (Ikai 1980); fails likewise.
 * - `immunogenicity`: 9-mer windows matching a hydrophobic P1/P4/P6/P9 anchor motif (an
 *   MHC class II binding-core heuristic), per 100 residues, with a risk class; fails on
 *   chains shorter than one 9-mer or with non-standard residues.
 * @module
 */
import type { JobType } from "./contract.ts";
import { alignPair } from "../bio/align.ts";
import {
  aromaticity,
  gravy,
  instabilityIndex,
  isoelectricPoint,
  molecularWeight,
  STANDARD_AMINO_ACIDS,
} from "../bio/protparam.ts";
import { scaleProfile } from "../bio/hydropathy.ts";

/** A pipeline's flat output. */
export type PipelineOutput = Record<string, string | number | boolean | null>;

/** A pipeline ran and rejected its input. */
export class PipelineFailure extends Error {}

/** Human V-gene germline proteins (framework 1 to framework 3), IMGT alleles *01. */
const GERMLINES: Readonly<Record<string, string>> = {
  "IGHV3-23":
    "EVQLLESGGGLVQPGGSLRLSCAASGFTFSSYAMSWVRQAPGKGLEWVSAISGSGGSTYYADSVKGRFTISRDNSKNTLYLQMNSLRAEDTAVYYCAK",
  "IGHV1-69":
    "QVQLVQSGAEVKKPGSSVKVSCKASGGTFSSYAISWVRQAPGQGLEWMGGIIPIFGTANYAQKFQGRVTITADESTSTAYMELSSLRSEDTAVYYCAR",
  "IGKV1-39":
    "DIQMTQSPSSLSASVGDRVTITCRASQSISSYLNWYQQKPGKAPKLLIYAASSLQSGVPSRFSGSGSGTDFTLTISSLQPEDFATYYCQQSYSTP",
  "IGKV3-20":
    "EIVLTQSPGTLSLSPGERATLSCRASQSVSSSYLAWYQQKPGQAPRLLIYGASSRATGIPDRFSGSGSGTDFTLTISRLEPEDFAVYYCQQYGSSP",
};

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function requireStandard(sequence: string, what: string): string {
  const residues = sequence.toUpperCase();
  for (let index = 0; index < residues.length; index++) {
    if (!STANDARD_AMINO_ACIDS.includes(residues[index])) {
      throw new PipelineFailure(
        `${what} failed: unsupported residue ${JSON.stringify(sequence[index])} at position ${
          index + 1
        }; only the 20 standard amino acids are accepted`,
      );
    }
  }
  if (residues.length === 0) {
    throw new PipelineFailure(`${what} failed: the variant has no sequence`);
  }
  return residues;
}

function humanization(sequence: string): PipelineOutput {
  const residues = sequence.toUpperCase().replace(/[^A-Z]/g, "");
  let best: { gene: string; identity: number; mismatches: number; aligned: number } | undefined;
  for (const [gene, germline] of Object.entries(GERMLINES)) {
    const alignment = alignPair(residues, germline, { endGaps: "free" });
    // Identity over the germline's length: a variable domain covers all of it.
    const identity = alignment.identities / germline.length;
    const aligned = alignment.length - alignment.gaps;
    if (!best || identity > best.identity) {
      best = { gene, identity, mismatches: aligned - alignment.identities, aligned };
    }
  }
  if (!best || best.identity < 0.5) {
    throw new PipelineFailure(
      `humanization failed: no human V gene aligns at 50 % identity or more (best ${
        best ? `${round(best.identity * 100, 1)} % to ${best.gene}` : "none"
      }); the variant does not look like an antibody variable domain`,
    );
  }
  const percent = round(best.identity * 100, 1);
  return {
    closest_germline: best.gene,
    germline_identity_percent: percent,
    mutations_from_germline: best.mismatches,
    humanness: percent >= 85 ? "high" : percent >= 70 ? "medium" : "low",
  };
}

function structure(sequence: string): PipelineOutput {
  const residues = requireStandard(sequence, "structure");
  const fraction = (letters: string) =>
    [...residues].filter((letter) => letters.includes(letter)).length / residues.length;
  const flexibility = residues.length >= 9
    ? scaleProfile(residues, { scale: "flexibility", window: 9 }).values
    : [];
  return {
    length: residues.length,
    helix_fraction: round(fraction("VIYFWL"), 4),
    turn_fraction: round(fraction("NPGS"), 4),
    sheet_fraction: round(fraction("EMAL"), 4),
    mean_flexibility: flexibility.length
      ? round(flexibility.reduce((sum, value) => sum + value, 0) / flexibility.length, 4)
      : null,
    method: "propensity estimate (no 3D model)",
  };
}

function stability(sequence: string): PipelineOutput {
  const residues = requireStandard(sequence, "stability");
  const share = (letter: string) =>
    100 * [...residues].filter((residue) => residue === letter).length / residues.length;
  const instability = instabilityIndex(residues);
  return {
    instability_index: round(instability, 2),
    stable: instability < 40,
    gravy: round(gravy(residues), 4),
    isoelectric_point: round(isoelectricPoint(residues), 2),
    aliphatic_index: round(share("A") + 2.9 * share("V") + 3.9 * (share("I") + share("L")), 2),
    aromaticity: round(aromaticity(residues), 4),
    molecular_weight: round(molecularWeight(residues), 2),
  };
}

const ANCHOR = "FWYLIVM";

function immunogenicity(sequence: string): PipelineOutput {
  const residues = requireStandard(sequence, "immunogenicity");
  if (residues.length < 9) {
    throw new PipelineFailure(
      `immunogenicity failed: the variant has ${residues.length} residues; at least 9 are needed for one binding core`,
    );
  }
  let epitopes = 0;
  const windows = residues.length - 8;
  for (let start = 0; start < windows; start++) {
    const core = residues.slice(start, start + 9);
    const anchors = [0, 3, 5, 8].filter((offset) => ANCHOR.includes(core[offset])).length;
    if (ANCHOR.includes(core[0]) && anchors >= 3) epitopes++;
  }
  const density = round((100 * epitopes) / residues.length, 2);
  return {
    windows_scanned: windows,
    predicted_epitopes: epitopes,
    epitopes_per_100_residues: density,
    risk: density < 3 ? "low" : density < 6 ? "medium" : "high",
  };
}

const PIPELINES: Readonly<Record<JobType, (sequence: string) => PipelineOutput>> = {
  humanization,
  structure,
  stability,
  immunogenicity,
};

/** Run one pipeline; throws {@linkcode PipelineFailure} when the variant cannot be processed. */
export function runPipeline(jobType: JobType, sequence: string): PipelineOutput {
  return PIPELINES[jobType](sequence);
}

/**
 * Pairwise alignment against Biopython's `PairwiseAligner` (tests/fixtures/sequences.json,
 * section "align"): for every pair and scoring the score must equal Biopython's optimal score,
 * the alignment returned must be one of Biopython's optimal alignments (all of them are in
 * the fixture when there are at most 200), and its identities, similarities and gaps must be
 * Biopython's for that alignment. Then the "Pairwise alignment" tool through the sandbox.
 *
 * Tolerance: scores within 1e-9 (sums of halves are exact in binary); everything else exact.
 */
import assert from "node:assert/strict";
import { connect } from "../mod.ts";
import { type AlignmentScoring, alignPair, scoreAlignment } from "../lib/bio/align.ts";

const SCORE_TOLERANCE = 1e-9;

interface AlignCase {
  name: string;
  a: string;
  b: string;
  results: {
    mode: "global" | "local";
    scoring: AlignmentScoring;
    gap_open: number;
    gap_extend: number;
    end_gaps: "penalize" | "free";
    score: number;
    count: number;
    alignments: {
      a: string;
      b: string;
      identities: number;
      similarities: number;
      gaps: number;
      length: number;
    }[];
  }[];
}
const FIXTURES = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sequences.json", import.meta.url)),
) as { align: AlignCase[] };

/** Biopython aligns after this project's letter rules (upper case; U as T or as X). */
function prepared(sequence: string, scoring: AlignmentScoring): string {
  const upper = sequence.toUpperCase();
  return scoring.type === "matrix" ? upper.replace(/[UOJ]/g, "X") : upper.replaceAll("U", "T");
}

for (const testCase of FIXTURES.align) {
  Deno.test(`alignment matches Biopython: ${testCase.name}`, () => {
    for (const expected of testCase.results) {
      const where = `${expected.mode} ${JSON.stringify(expected.scoring)} gaps ` +
        `${expected.gap_open}/${expected.gap_extend} end ${expected.end_gaps}`;
      const options = {
        mode: expected.mode,
        scoring: expected.scoring,
        gapOpen: expected.gap_open,
        gapExtend: expected.gap_extend,
        endGaps: expected.end_gaps,
      };
      const alignment = alignPair(testCase.a, testCase.b, options);
      assert.ok(
        Math.abs(alignment.score - expected.score) <= SCORE_TOLERANCE,
        `${where}: score ${alignment.score} vs ${expected.score}`,
      );
      if (expected.count === 0) {
        assert.equal(alignment.length, 0, `${where}: no alignment with a positive score`);
        continue;
      }
      const a = prepared(alignment.alignedA, expected.scoring);
      const b = prepared(alignment.alignedB, expected.scoring);
      // Whatever the tie-breaking, the alignment must score what it claims.
      const rescored = scoreAlignment(a, b, options);
      assert.ok(
        Math.abs(rescored - expected.score) <= SCORE_TOLERANCE,
        `${where}: rescored ${rescored}`,
      );
      if (expected.count <= expected.alignments.length) {
        const match = expected.alignments.find((candidate) =>
          candidate.a === a && candidate.b === b
        );
        assert.ok(
          match,
          `${where}: ${a} / ${b} is one of Biopython's ${expected.count} optimal alignments`,
        );
        assert.equal(alignment.identities, match.identities, `${where}: identities`);
        assert.equal(alignment.similarities, match.similarities, `${where}: similarities`);
        assert.equal(alignment.gaps, match.gaps, `${where}: gaps`);
        assert.equal(alignment.length, match.length, `${where}: length`);
      }
      // Coordinates: the aligned residues are exactly the stated ranges of the inputs.
      assert.equal(
        a.replaceAll("-", ""),
        prepared(testCase.a, expected.scoring).slice(alignment.startA - 1, alignment.endA),
      );
      assert.equal(
        b.replaceAll("-", ""),
        prepared(testCase.b, expected.scoring).slice(alignment.startB - 1, alignment.endB),
      );
    }
  });
}

Deno.test("fixtures: proteins and DNA, global and local, several matrices and gap schemes", () => {
  const runs = FIXTURES.align.flatMap((c) => c.results);
  assert.ok(FIXTURES.align.length >= 12 && runs.length >= 25);
  assert.ok(runs.some((r) => r.mode === "local") && runs.some((r) => r.mode === "global"));
  assert.ok(runs.some((r) => r.scoring.type === "match"));
  assert.ok(runs.some((r) => r.end_gaps === "free"));
  const matrices = new Set(
    runs.flatMap((r) => r.scoring.type === "matrix" ? [r.scoring.matrix] : []),
  );
  assert.deepEqual([...matrices].sort(), ["BLOSUM45", "BLOSUM62", "BLOSUM80", "PAM250"]);
});

Deno.test("alignPair reports progress and refuses letters the scoring cannot use", () => {
  const seen: number[] = [];
  alignPair("HEAGAWGHEE".repeat(50), "PAWHEAE".repeat(50), { onProgress: (f) => seen.push(f) });
  assert.equal(seen.at(-1), 1);
  assert.throws(
    () => alignPair("MK1", "MK"),
    /first sequence: "1" at position 3 is not in BLOSUM62's alphabet/,
  );
  assert.throws(
    () => alignPair("ACGT", "ACGE", { scoring: { type: "match", match: 1, mismatch: -1 } }),
    /not a nucleotide code/,
  );
});

function item(slotId: string, content: string, id = slotId) {
  return {
    id,
    slotId,
    kind: "sequence",
    format: "fasta",
    content,
    source: { type: "text" as const },
  };
}

Deno.test("pairwise-alignment tool: query against targets, statistics and files", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const hb = FIXTURES.align.find((c) => c.name.startsWith("haemoglobin alpha / beta"))!;
  const myo = FIXTURES.align.find((c) => c.name.startsWith("haemoglobin alpha / sperm"))!;
  const request = {
    tool: "pairwise-alignment",
    name: "globins",
    input: {
      inputs: [
        item("query", `>HBA human haemoglobin alpha\n${hb.a}\n`),
        item("targets", `>HBB\n${hb.b}\n>MYG sperm whale myoglobin\n${myo.b}\n`),
      ],
    },
    settings: { mode: "global", gap_open: 10, gap_extend: 0.5 },
  };
  const quote = await piq.jobs.quote(request);
  assert.deepEqual(quote.blocking_errors, []);
  assert.equal(
    quote.estimated_credits,
    1 + Math.ceil((2 * hb.a.length + hb.b.length + myo.b.length) * 0.001),
  );
  const job = await piq.jobs.submit(request);
  await job.wait({ display: false });
  assert.equal(job.status, "COMPLETED");
  const result = await job.result();
  const [beta, myoglobin] = result.records;
  assert.equal(beta.score, hb.results[0].score);
  assert.equal(beta.scoring, "BLOSUM62, gaps 10/0.5");
  assert.equal(
    beta.identity_percent,
    (100 * (beta.identities as number)) / (beta.length as number),
  );
  assert.ok(
    (beta.identity_percent as number) > 40 && (beta.identity_percent as number) < 50,
    "α and β globins are ~43% identical",
  );
  assert.equal(myoglobin.target_id, "MYG");
  assert.equal((beta.aligned_query as string).length, beta.length);
  const dir = await Deno.makeTempDir();
  const text = await Deno.readTextFile((await result.download("alignments.txt", { dir })).path);
  assert.match(text, /# Query: {6}HBA\n# Target: {5}HBB\n/);
  assert.match(text, /\nHBA +1 [A-Z-]{60} \d+\n {21}[|:. ]{60}\nHBB +1 [A-Z-]{60} \d+\n/);
  const fasta = await Deno.readTextFile((await result.download("alignments.fasta", { dir })).path);
  assert.ok(fasta.startsWith(`>HBA aligned to HBB score=${beta.score}\n${beta.aligned_query}\n`));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pairwise-alignment tool: DNA detection, local mode and validation messages", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const job = await piq.jobs.submit({
    tool: "pairwise-alignment",
    name: "dna",
    input: { inputs: [item("query", "GATTACA"), item("targets", ">t\nGCATGCT\n")] },
    settings: { mode: "local", match_score: 1, mismatch_score: -1, gap_open: 1, gap_extend: 1 },
  });
  await job.wait({ display: false });
  const [row] = (await job.result()).records;
  assert.equal(row.scoring, "match 1/mismatch -1, gaps 1/1");
  assert.equal(row.score, 2);
  const quote = await piq.jobs.quote({
    tool: "pairwise-alignment",
    input: { inputs: [item("query", ">q1\nMKT\n>q2\nMKV\n"), item("targets", ">t\nMKT\n")] },
  });
  assert.deepEqual(quote.blocking_errors.map((e) => e.message), [
    'the query must be one sequence; this input has 2 records (put the others in "targets")',
  ]);
  const dnaWithProtein = await piq.jobs.quote({
    tool: "pairwise-alignment",
    input: { inputs: [item("query", ">q\nACGTACGT\n"), item("targets", ">t\nMKWLE\n")] },
    settings: { sequence_type: "dna" },
  });
  assert.match(
    dnaWithProtein.blocking_errors[0].message,
    /^record "t" \(line 1\): "L" at position 4 is not a nucleotide code; .*set "sequence_type" to "protein"/,
  );
  const huge = "A".repeat(6000);
  const tooBig = await piq.jobs.quote({
    tool: "pairwise-alignment",
    input: { inputs: [item("query", `>q\n${huge}\n`), item("targets", `>t\n${huge}\n`)] },
  });
  assert.match(
    tooBig.blocking_errors[0].message,
    /needs 36,000,000 matrix cells; at most 25,000,000 are allowed/,
  );
});

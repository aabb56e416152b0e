/**
 * Hydropathy and other scale profiles against Biopython's `ProteinAnalysis.protein_scale`
 * (tests/fixtures/sequences.json, section "hydropathy"), then the "Hydropathy profile" tool
 * through the sandbox, including finding the transmembrane helix of the M13 coat protein.
 *
 * Tolerance: 1e-9 per window value (the same sums in the same order; only the last bits of
 * floating point may differ).
 */
import assert from "node:assert/strict";
import { connect } from "../mod.ts";
import { scaleProfile, thresholdSegments } from "../lib/bio/hydropathy.ts";

const TOLERANCE = 1e-9;

interface HydropathyCase {
  name: string;
  sequence: string;
  profiles: { scale: string; window: number; edge: number; values: number[] }[];
}
const FIXTURES = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sequences.json", import.meta.url)),
) as { hydropathy: HydropathyCase[] };

for (const testCase of FIXTURES.hydropathy) {
  Deno.test(`profile matches Biopython: ${testCase.name}`, () => {
    for (const expected of testCase.profiles) {
      const profile = scaleProfile(testCase.sequence, expected);
      const where = `${expected.scale} window ${expected.window} edge ${expected.edge}`;
      assert.equal(profile.values.length, expected.values.length, where);
      profile.values.forEach((value, index) =>
        assert.ok(
          Math.abs(value - expected.values[index]) <= TOLERANCE,
          `${where} window ${index}: ${value} vs ${expected.values[index]}`,
        )
      );
      profile.positions.forEach((position, index) =>
        assert.equal(position, index + Math.floor(expected.window / 2) + 1)
      );
    }
  });
}

Deno.test("segments: Kyte–Doolittle window 19 finds the M13 coat protein's membrane helix", () => {
  const m13 = FIXTURES.hydropathy.find((c) => c.name.startsWith("M13"))!;
  const profile = scaleProfile(m13.sequence, { window: 19 });
  const segments = thresholdSegments(profile, 1.6);
  assert.equal(segments.length, 1);
  const [segment] = segments;
  // The membrane-spanning stretch YAWAMVVVIVGATIGIKLF lies within the reported residues.
  const tm = m13.sequence.indexOf("AWAMVVVIVGATIGI") + 1;
  assert.ok(segment.start <= tm && segment.end >= tm + 14, JSON.stringify(segment));
  assert.ok(segment.peak > 1.9);
  assert.throws(() => scaleProfile("MKT", { window: 4 }), /odd whole number/);
  assert.throws(() => scaleProfile("MKT", { scale: "nope" }), /unknown scale "nope"/);
});

function proteinItem(content: string) {
  return {
    id: "p1",
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    content,
    source: { type: "text" as const },
  };
}

Deno.test("hydropathy tool: records, per-residue profiles, segments and CSV files", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const m13 = FIXTURES.hydropathy.find((c) => c.name.startsWith("M13"))!;
  const lysozyme = FIXTURES.hydropathy.find((c) => c.name.includes("lysozyme"))!;
  const job = await piq.jobs.submit({
    tool: "hydropathy-profile",
    name: "tm scan",
    input: {
      inputs: [
        proteinItem(`>m13 coat\n${m13.sequence}\n>lyz\n${lysozyme.sequence}\n>tiny\nMKUAX\n`),
      ],
    },
    settings: { window: 19, threshold: 1.6 },
  });
  await job.wait({ display: false });
  assert.equal(job.status, "COMPLETED");
  const result = await job.result();
  const [m13Row, lyzRow, tiny] = result.records;
  assert.equal(m13Row.segments, 1);
  assert.match(m13Row.segment_ranges as string, /^\d+–\d+$/);
  assert.equal(lyzRow.segments, 0, "a soluble enzyme has no membrane helix");
  assert.equal(tiny.mean, null);
  assert.match(
    tiny.notes as string,
    /shorter than the window.*no Kyte & Doolittle hydropathy value for U at 3, X at 5/,
  );
  const results = result.data.results as {
    profiles: { id: string; positions: number[]; values: number[] }[];
  };
  const expected = m13.profiles.find((p) => p.window === 19)!.values;
  results.profiles[0].values.forEach((value, index) =>
    assert.ok(Math.abs(value - expected[index]) <= TOLERANCE)
  );
  assert.equal(results.profiles[0].positions[0], 10);
  const dir = await Deno.makeTempDir();
  const profileCsv = await Deno.readTextFile((await result.download("profile.csv", { dir })).path);
  assert.equal(profileCsv.split("\r\n")[0], "id,position,residue,value");
  assert.equal(
    profileCsv.trim().split("\r\n").length,
    1 + (m13.sequence.length - 18) + (lysozyme.sequence.length - 18),
  );
  const segmentsCsv = await Deno.readTextFile(
    (await result.download("segments.csv", { dir })).path,
  );
  assert.match(segmentsCsv, /^id,start,end,peak,peak_position\r\nm13,\d+,\d+,/);
  await Deno.remove(dir, { recursive: true });

  const quote = await piq.jobs.quote({
    tool: "hydropathy-profile",
    input: { inputs: [proteinItem(">bad\nMKT1\n>gap\nMK-T\n")] },
    settings: { window: 8 },
  }, { validate: false }); // the client would refuse the FASTA before sending it
  assert.deepEqual(quote.blocking_errors.map((e) => e.message), [
    'line 2, column 4: "1" is not a sequence character',
    'record "gap" (line 3): "-" at position 3 is not an amino acid letter',
    '"window" must be odd so that each window has a centre residue, not 8',
  ]);
});

/**
 * FASTQ reading against Biopython's `SeqIO` (tests/fixtures/sequences.json, section "fastq"):
 * ids, titles, sequences and Phred qualities of every read, the FASTA text Biopython writes for
 * them, and refusal where Biopython raises. Then the "FASTQ → FASTA" tool with filters.
 *
 * Tolerances: FASTA text exact; qualities exact; mean quality within 1e-12.
 */
import assert from "node:assert/strict";
import { connect } from "../mod.ts";
import {
  countFastqReads,
  meanQuality,
  parseFastq,
  type QualityEncoding,
} from "../lib/bio/fastq.ts";
import { formatFasta } from "../lib/bio/fasta.ts";

interface FastqCase {
  name: string;
  encoding: QualityEncoding;
  fastq: string;
  fasta: string | null;
  reads: {
    id: string;
    description: string;
    sequence: string;
    qualities: number[];
    mean_quality: number | null;
  }[] | null;
  error: string | null;
}
const FIXTURES = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sequences.json", import.meta.url)),
) as { fastq: FastqCase[] };

for (const testCase of FIXTURES.fastq) {
  Deno.test(`FASTQ reading matches Biopython: ${testCase.name}`, () => {
    const { reads, issues } = parseFastq(testCase.fastq, { encoding: testCase.encoding });
    if (testCase.error !== null) {
      assert.ok(issues.length > 0, "Biopython refuses this; so must we");
      assert.match(issues[0].message, /^line \d+: /);
      return;
    }
    assert.deepEqual(issues, []);
    assert.equal(reads.length, testCase.reads!.length);
    reads.forEach((read, index) => {
      const expected = testCase.reads![index];
      assert.equal(read.id, expected.id);
      assert.equal(read.description, expected.description);
      assert.equal(read.sequence, expected.sequence);
      assert.deepEqual(read.qualities, expected.qualities);
      assert.ok(Math.abs(meanQuality(read.qualities)! - expected.mean_quality!) <= 1e-12);
    });
    const fasta = formatFasta(
      reads.map((read) => ({ id: read.description, description: "", sequence: read.sequence })),
    );
    assert.equal(fasta, testCase.fasta);
  });
}

Deno.test("FASTQ problems name their line", () => {
  assert.deepEqual(parseFastq("@r1\nACGTA\n+\nIIII\n").issues, [
    { line: 1, message: 'line 1: read "r1" has 5 bases but 4 quality values' },
  ]);
  assert.match(
    parseFastq(">fasta\nACGT\n").issues[0].message,
    /expected a read title starting with "@".*is this FASTQ\?/,
  );
  assert.match(parseFastq("@r\nAC\n+\n\u0019I\n").issues[0].message, /outside the Phred\+33 range/);
  assert.match(
    parseFastq("@r\nAC\n+x\nII\n").issues[0].message,
    /line 3: the "\+" line repeats "x", not the title "r"/,
  );
  assert.equal(countFastqReads("@a\nAC\n+\nII\n@b\nGT\n+\n@I\n"), 2);
});

function readsItem(content: string, label: string, id: string) {
  return {
    id,
    label,
    slotId: "reads",
    kind: "dna",
    format: "fastq",
    content,
    source: { type: "text" as const },
  };
}

Deno.test("fastq-to-fasta tool: filters, statistics and FASTA like Biopython writes it", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const sanger = FIXTURES.fastq.find((c) => c.name === "three Sanger reads")!;
  const illumina = FIXTURES.fastq.find((c) => c.name.startsWith("Illumina"))!;
  const plain = await piq.jobs.submit({
    tool: "fastq-to-fasta",
    name: "convert",
    input: { inputs: [readsItem(sanger.fastq, "run 1", "r1")] },
  });
  await plain.wait({ display: false });
  const plainResult = await plain.result();
  const dir = await Deno.makeTempDir();
  const fasta = await Deno.readTextFile((await plainResult.download("reads.fasta", { dir })).path);
  assert.equal(fasta, sanger.fasta);
  const [row] = plainResult.records;
  assert.equal(row.input, "run 1");
  assert.equal(row.reads, 3);
  assert.equal(row.kept, 3);
  const means = sanger.reads!.map((read) => read.mean_quality!);
  assert.ok(Math.abs((row.mean_quality as number) - means.reduce((a, b) => a + b) / 3) < 1e-12);

  const filtered = await piq.jobs.submit({
    tool: "fastq-to-fasta",
    name: "filter",
    input: { inputs: [readsItem(sanger.fastq, "run 1", "r1")] },
    settings: { min_mean_quality: 20, min_length: 5, line_width: 4 },
  });
  await filtered.wait({ display: false });
  const [kept] = (await filtered.result()).records;
  assert.deepEqual([kept.kept, kept.removed_quality, kept.removed_length], [2, 1, 0]);

  const phred64 = await piq.jobs.submit({
    tool: "fastq-to-fasta",
    name: "old illumina",
    input: { inputs: [readsItem(illumina.fastq, "old", "r2")] },
    settings: { encoding: "phred64" },
  });
  await phred64.wait({ display: false });
  const [old] = (await phred64.result()).records;
  assert.ok(
    Math.abs(
      (old.mean_quality as number) -
        (illumina.reads![0].mean_quality! + illumina.reads![1].mean_quality!) / 2,
    ) < 1e-12,
  );
  await Deno.remove(dir, { recursive: true });

  const bad = FIXTURES.fastq.find((c) => c.name.startsWith("sequence and quality lengths"))!;
  const quote = await piq.jobs.quote({
    tool: "fastq-to-fasta",
    input: { inputs: [readsItem(bad.fastq, "broken run", "b")] },
  });
  assert.deepEqual(quote.blocking_errors.map((e) => [e.path, e.message]), [
    [
      "input.inputs[0].content",
      'input "broken run": line 1: read "bad" has 5 bases but 4 quality values',
    ],
  ]);
  const wrongEncoding = await piq.jobs.quote({
    tool: "fastq-to-fasta",
    input: { inputs: [readsItem(sanger.fastq, "run 1", "r1")] },
    settings: { encoding: "phred64" },
  });
  assert.match(
    wrongEncoding.blocking_errors[0].message,
    /outside the Phred\+64 range \(try Phred\+33\)/,
  );
});

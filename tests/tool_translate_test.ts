/**
 * Translation against Biopython's `Seq.translate` (tests/fixtures/sequences.json, section
 * "translate", written by scripts/gen_sequence_fixtures.py): every DNA/RNA case, genetic code,
 * reading frame and stop mode must give exactly Biopython's protein, or fail where Biopython
 * raises. Then the "Translate DNA → protein" tool through the sandbox.
 *
 * Tolerance: none — proteins are compared as exact strings.
 */
import assert from "node:assert/strict";
import { connect, InvalidRequestError, ValidationError } from "../mod.ts";
import {
  GENETIC_CODE_IDS,
  geneticCode,
  nucleotideIssues,
  reverseComplement,
  translate,
  TranslationError,
} from "../lib/bio/genetic_code.ts";

interface TranslateCase {
  name: string;
  dna: string;
  results: {
    table: number;
    frame: number;
    mode: "keep" | "truncate" | "cds";
    protein: string | null;
    error: string | null;
  }[];
}
const FIXTURES = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sequences.json", import.meta.url)),
) as { translate: TranslateCase[] };

Deno.test("fixtures: at least 20 DNA/RNA cases with the edge cases the tool must handle", () => {
  assert.ok(FIXTURES.translate.length >= 20);
  const names = FIXTURES.translate.map((c) => c.name).join(" | ");
  for (const word of ["RNA", "lowercase", "ambiguous", "stop", "short", "CDS", "every codon"]) {
    assert.ok(names.includes(word), word);
  }
  const tables = new Set(FIXTURES.translate.flatMap((c) => c.results.map((r) => r.table)));
  assert.deepEqual([...tables].sort((a, b) => a - b), [...GENETIC_CODE_IDS]);
});

for (const testCase of FIXTURES.translate) {
  Deno.test(`translate matches Biopython: ${testCase.name}`, () => {
    for (const expected of testCase.results) {
      const strand = expected.frame < 0 ? reverseComplement(testCase.dna) : testCase.dna;
      const framed = strand.slice(Math.abs(expected.frame) - 1);
      const where = `table ${expected.table}, frame ${expected.frame}, ${expected.mode}`;
      if (expected.error !== null) {
        assert.throws(
          () => translate(framed, { table: expected.table, stops: expected.mode }),
          TranslationError,
          where,
        );
        continue;
      }
      const result = translate(framed, { table: expected.table, stops: expected.mode });
      assert.equal(result.protein, expected.protein, where);
      assert.equal(result.trailingBases, expected.mode === "cds" ? 0 : framed.length % 3, where);
    }
  });
}

Deno.test("genetic codes: names, starts, stops and dual-coding tables", () => {
  assert.equal(geneticCode(1).name, "Standard");
  assert.equal(geneticCode(2).forward.get("TGA"), "W");
  assert.ok(geneticCode(2).stops.has("AGA"));
  assert.deepEqual([...geneticCode(11).starts].sort(), [
    "ATA",
    "ATC",
    "ATG",
    "ATT",
    "CTG",
    "GTG",
    "TTG",
  ]);
  assert.deepEqual(GENETIC_CODE_IDS.filter((id) => geneticCode(id).dualCoding.length > 0), [
    27,
    28,
    31,
  ]);
  assert.throws(() => geneticCode(7), /no NCBI genetic code 7/);
  assert.equal(reverseComplement("ACGTRYKMBDHVNacgu"), "acgtNBDHVKMRYACGT");
  assert.deepEqual(nucleotideIssues("ACGU").length, 0);
  assert.match(
    nucleotideIssues("ACGTU")[0].message,
    /mixes T \(DNA, position 4\) and U \(RNA, position 5\)/,
  );
  assert.match(
    nucleotideIssues("ATGX")[0].message,
    /"X" at position 4 is not a nucleotide code; write N/,
  );
  assert.match(nucleotideIssues("MKWLV")[0].message, /is this a protein sequence\?/);
});

function dnaItem(content: string, id = "d1", index?: number) {
  return {
    id: index === undefined ? id : `${id}${index}`,
    slotId: "dna",
    kind: "dna",
    format: "fasta",
    content,
    source: { type: "text" as const },
  };
}

Deno.test("translate tool: six frames, alternative code, FASTA and CSV, progress", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const testCase = FIXTURES.translate.find((c) => c.name.startsWith("random 300"))!;
  const job = await piq.jobs.submit({
    tool: "translate-dna",
    name: "six frames",
    input: {
      inputs: [
        dnaItem(`>gene random test gene\n${testCase.dna}\n>rna\n${"AUGGCC".repeat(10)}UAA\n`),
      ],
    },
    settings: { table: 11, frames: "all" },
  });
  await job.wait({ display: false });
  assert.equal(job.status, "COMPLETED");
  const result = await job.result();
  assert.equal(result.records.length, 12);
  const byFrame = Object.fromEntries(
    result.records.filter((r) => r.source_id === "gene").map((r) => [r.frame, r.protein]),
  );
  for (const expected of testCase.results.filter((r) => r.table === 11 && r.mode === "keep")) {
    assert.equal(byFrame[expected.frame], expected.protein, `frame ${expected.frame}`);
  }
  assert.deepEqual(result.records.slice(0, 2).map((r) => r.id), ["gene_frame+1", "gene_frame+2"]);
  assert.equal(result.records[6].protein, "MA".repeat(10) + "*", "RNA is read with U as T");
  const dir = await Deno.makeTempDir();
  const fasta = await Deno.readTextFile((await result.download("translation.fasta", { dir })).path);
  assert.ok(fasta.startsWith(">gene_frame+1 frame=+1 table=11 source=gene\n"));
  const csv = await Deno.readTextFile((await result.download("translation.csv", { dir })).path);
  assert.equal(
    csv.split("\r\n")[0],
    "id,source_id,frame,table,nucleotides,length,stops,protein,notes",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("translate tool: stop handling, trailing bases and CDS notes", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const run = async (content: string, settings: Record<string, string | number>) => {
    const job = await piq.jobs.submit({
      tool: "translate-dna",
      name: "t",
      input: { inputs: [dnaItem(content)] },
      settings,
    });
    await job.wait({ display: false });
    return (await job.result()).records;
  };
  const truncated = await run(">a\nATGAAATAGAAATAAG\n", { stops: "truncate" });
  assert.deepEqual([truncated[0].protein, truncated[0].stops], ["MK", 1]);
  assert.match(
    truncated[0].notes as string,
    /1 trailing base\(s\).*ended at the first stop codon \(codon 3\)/,
  );
  const kept = await run(">a\nATGAAATAGAAATAA\n", { stops: "keep", stop_symbol: "-" });
  assert.equal(kept[0].protein, "MK-K-");
  const cds = await run(">a\nATGAAATAGAAATAA\n", { stops: "cds" });
  assert.equal(cds[0].protein, null);
  assert.match(cds[0].notes as string, /not translated: extra in-frame stop codon TAG at codon 3/);
  const mito = await run(">m\nATGAGATGA\n", { table: 2 });
  assert.equal(mito[0].protein, "M*W");
});

Deno.test("translate tool refuses bad input with messages naming the record", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const quote = await piq.jobs.quote({
    tool: "translate-dna",
    input: {
      inputs: [
        dnaItem(">ok\nATGAAA\n>protein a protein\nMKWLVLLA\n>mixed\nATGUUU\n>gapped\nATG---AAA\n"),
      ],
    },
  });
  assert.deepEqual(quote.blocking_errors.map((e) => [e.path, e.message]), [
    [
      "input.inputs[0].content",
      'record "protein" (line 3): letter "L" at position 4 is not a nucleotide code (A, C, G, T or U, or IUPAC R Y S W K M B D H V N); is this a protein sequence?',
    ],
    [
      "input.inputs[0].content",
      'record "protein" (line 3): letter "L" at position 6 is not a nucleotide code (A, C, G, T or U, or IUPAC R Y S W K M B D H V N); is this a protein sequence?',
    ],
    [
      "input.inputs[0].content",
      'record "protein" (line 3): letter "L" at position 7 is not a nucleotide code (A, C, G, T or U, or IUPAC R Y S W K M B D H V N); is this a protein sequence?',
    ],
    [
      "input.inputs[0].content",
      'record "mixed" (line 5): the sequence mixes T (DNA, position 2) and U (RNA, position 4); use one or the other',
    ],
    [
      "input.inputs[0].content",
      'record "gapped" (line 7): gap "-" at position 4 is not a nucleotide; remove gaps',
    ],
    [
      "input.inputs[0].content",
      'record "gapped" (line 7): gap "-" at position 5 is not a nucleotide; remove gaps',
    ],
    [
      "input.inputs[0].content",
      'record "gapped" (line 7): gap "-" at position 6 is not a nucleotide; remove gaps',
    ],
  ]);
  const cds = await piq.jobs.quote({
    tool: "translate-dna",
    input: { inputs: [dnaItem(">short\nATGAAATA\n>nostop\nATGAAAAAA\n>nostart\nAAAAAATAA\n")] },
    settings: { stops: "cds" },
  });
  assert.deepEqual(cds.blocking_errors.map((e) => e.message), [
    'record "short" (line 1) is not a complete coding sequence: its length, 8, is not a multiple of three',
    'record "nostop" (line 3) is not a complete coding sequence: final codon AAA is not a stop codon of table 1',
    'record "nostart" (line 5) is not a complete coding sequence: first codon AAA is not a start codon of table 1',
  ]);
  const dual = await piq.jobs.quote({
    tool: "translate-dna",
    input: { inputs: [dnaItem(">a\nATG\n")] },
    settings: { table: 27, stops: "truncate" },
  });
  assert.match(
    dual.blocking_errors[0].message,
    /genetic code 27 \(Karyorelict Nuclear\) reads TGA as both a stop and an amino acid/,
  );
  const frames = await piq.jobs.quote({
    tool: "translate-dna",
    input: { inputs: [dnaItem(">a\nATGTAA\n")] },
    settings: { frames: "all", stops: "cds" },
  });
  assert.equal(frames.blocking_errors[0].path, "settings.frames");
  // The client checks settings against the contract before sending anything.
  await assert.rejects(
    () =>
      piq.jobs.quote({
        tool: "translate-dna",
        input: { inputs: [dnaItem(">a\nATG\n")] },
        settings: { table: 7 },
      }),
    (error: unknown) =>
      error instanceof InvalidRequestError &&
      /must be one of 1, 2, 3, 4, 5, 6, 9, 10/.test(error.message),
  );
  await assert.rejects(
    () =>
      piq.jobs.submit({
        tool: "translate-dna",
        name: "bad",
        input: { inputs: [dnaItem(">p\nMKWQ\n")] },
      }, { validate: false }),
    (error: unknown) =>
      error instanceof ValidationError && error.status === 400 &&
      /not a nucleotide code/.test(error.issues[0].message),
  );
});

/**
 * Back-translation (tests/fixtures/sequences.json, section "back_translate"): for every
 * protein and host, the most-frequent-codon DNA must be the fixture's (computed in Python from
 * the same Kazusa table), Biopython's `Seq.translate` of it must give back the protein (stops,
 * U and O as the stop codons they are recoded from), and GC content must equal Biopython's
 * `gc_fraction`. Then the weighted strategy and the tool through the sandbox.
 *
 * Tolerances: DNA exact; GC within 1e-12; CAI within 1e-12 of a hand computation.
 */
import assert from "node:assert/strict";
import { connect, fastaInput } from "../mod.ts";
import {
  backTranslate,
  codonAdaptationIndex,
  gcFraction,
  hostCodons,
  HOSTS,
} from "../lib/bio/back_translate.ts";
import { translate } from "../lib/bio/genetic_code.ts";

interface BackCase {
  name: string;
  protein: string;
  hosts: Record<string, { dna: string; gc_fraction: number; translation: string }>;
}
const FIXTURES = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/sequences.json", import.meta.url)),
) as { back_translate: BackCase[] };

for (const testCase of FIXTURES.back_translate) {
  Deno.test(`back-translation matches the reference: ${testCase.name}`, () => {
    for (const [host, expected] of Object.entries(testCase.hosts)) {
      const result = backTranslate(testCase.protein, { host });
      assert.equal(result.dna, expected.dna, host);
      assert.ok(Math.abs(result.gcContent - expected.gc_fraction) <= 1e-12, `${host} GC`);
      assert.equal(translate(result.dna).protein, expected.translation, `${host} round trip`);
      assert.equal(
        expected.translation,
        testCase.protein.toUpperCase().replace(/[UO]/g, "*"),
        "Biopython reads the DNA back as the protein",
      );
    }
  });
}

Deno.test("hosts, ties, weighted draws and the codon adaptation index", () => {
  assert.deepEqual(Object.keys(HOSTS), ["e_coli", "human", "yeast"]);
  for (const host of Object.keys(HOSTS)) {
    const table = hostCodons(host);
    const total = [...table.values()].reduce((sum, choices) => sum + choices.length, 0);
    assert.equal(total, 64, `${host}: all 64 codons`);
  }
  // Human arginine: AGA and AGG are both 0.21; the tie goes to the alphabetically first.
  assert.equal(backTranslate("R", { host: "human" }).dna, "AGA");
  const protein = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQ".repeat(30);
  const a = backTranslate(protein, { host: "yeast", strategy: "weighted", seed: 42 });
  const b = backTranslate(protein, { host: "yeast", strategy: "weighted", seed: 42 });
  const c = backTranslate(protein, { host: "yeast", strategy: "weighted", seed: 43 });
  assert.equal(a.dna, b.dna, "same seed, same DNA");
  assert.notEqual(a.dna, c.dna);
  assert.equal(translate(a.dna).protein, protein);
  assert.ok(a.cai! < 1 && a.cai! > 0.3);
  assert.equal(backTranslate(protein, { host: "yeast" }).cai, 1);
  // Lysine in yeast: AAA 0.58, AAG 0.42 — the draw follows the usage (990 lysines).
  const lysines = backTranslate("K".repeat(990), { host: "yeast", strategy: "weighted", seed: 7 })
    .dna
    .match(/.{3}/g)!;
  const share = lysines.filter((codon) => codon === "AAA").length / lysines.length;
  assert.ok(Math.abs(share - 0.58) < 0.05, `AAA share ${share}`);
  assert.ok(
    Math.abs(codonAdaptationIndex("CTGCTA", { host: "e_coli" })! - Math.sqrt(0.04 / 0.5)) < 1e-12,
  );
  assert.equal(gcFraction("GGNNAT"), 0.5);
  assert.throws(() => backTranslate("MKX"), /"X" at position 3 is ambiguous/);
});

Deno.test("back-translate tool: DNA, GC, CAI, FASTA and the host table", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const ubiquitin = FIXTURES.back_translate.find((c) => c.name === "human ubiquitin")!;
  const job = await piq.jobs.submit({
    tool: "back-translate",
    name: "ubiquitin for E. coli",
    input: {
      inputs: [{
        id: "p",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        content: `>ubq\n${ubiquitin.protein}\n`,
        source: { type: "text" },
      }],
    },
    settings: { host: "e_coli", add_stop: true },
  });
  await job.wait({ display: false });
  assert.equal(job.status, "COMPLETED");
  const result = await job.result();
  const [row] = result.records;
  assert.equal(row.dna, ubiquitin.hosts.e_coli.dna + "TAA");
  assert.equal(row.nucleotides, 3 * ubiquitin.protein.length + 3);
  assert.equal(row.cai, 1);
  const dir = await Deno.makeTempDir();
  const fasta = await Deno.readTextFile(
    (await result.download("back_translated.fasta", { dir })).path,
  );
  assert.match(fasta, /^>ubq host=e_coli strategy=most_frequent gc=\d+\.\d%\nATGCAG/);
  const usage = await Deno.readTextFile((await result.download("codon_usage.csv", { dir })).path);
  assert.equal(usage.trim().split("\r\n").length, 65);
  await Deno.remove(dir, { recursive: true });
  const quote = await piq.jobs.quote({
    tool: "back-translate",
    input: {
      inputs: [{
        id: "p",
        slotId: "protein",
        kind: "protein",
        format: "fasta",
        content: ">amb\nMKBZ\n",
        source: { type: "text" },
      }],
    },
  });
  assert.deepEqual(quote.blocking_errors.map((e) => e.message), [
    'record "amb" (line 1): letter "B" at position 3 is ambiguous and has no single codon; replace it with a specific amino acid',
    'record "amb" (line 1): letter "Z" at position 4 is ambiguous and has no single codon; replace it with a specific amino acid',
  ]);
});

Deno.test("back-translate tool: a written final stop is kept as a codon, with or without add_stop", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const run = async (content: string, addStop: boolean) => {
    const job = await piq.jobs.submit({
      tool: "back-translate",
      name: `stop ${addStop}`,
      input: fastaInput(content),
      settings: { host: "e_coli", add_stop: addStop },
    });
    await job.wait({ display: false });
    assert.equal(job.status, "COMPLETED");
    return (await job.result()).records[0];
  };
  const kept = await run(">p\nMKW*\n", false);
  assert.equal(kept.dna, "ATGAAATGGTAA", "the explicit stop becomes E. coli's TAA");
  assert.equal(translate(String(kept.dna)).protein, "MKW*");
  assert.equal(kept.length, 3, "the stop is not a residue");
  assert.equal(kept.nucleotides, 12);
  // No second stop when add_stop is on and the protein already ends with one.
  assert.equal((await run(">p\nMKW*\n", true)).dna, "ATGAAATGGTAA");
  assert.equal((await run(">p\nMKW\n", false)).dna, "ATGAAATGG");
  assert.equal((await run(">p\nMKW\n", true)).dna, "ATGAAATGGTAA");
  // A bare sequence keeps its stop too.
  assert.equal((await run("MKW*", false)).dna, "ATGAAATGGTAA");
});

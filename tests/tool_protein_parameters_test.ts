/**
 * The "Protein parameters" tool (`protein-parameters`): every field of an ExPASy ProtParam
 * report, checked against ProtParam's published numbers for hen egg-white lysozyme and human
 * ubiquitin (formula, atom count, extinction coefficients, half-life, aliphatic index) and
 * against Biopython 1.80 for the values both compute (molecular weight, pI, instability,
 * GRAVY, via `lib/bio/protparam.ts`), through the sandbox with its CSV.
 */
import assert from "node:assert/strict";
import { connect } from "../mod.ts";
import {
  aliphaticIndex,
  atomicComposition,
  chargedResidues,
  halfLife,
} from "../lib/bio/protparam_expasy.ts";
import { proteinProperties } from "../lib/bio/protparam.ts";

const LYSOZYME = "KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRT" +
  "PGSRNLCNIPCSALLSSDITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL";
const UBIQUITIN = "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG";

Deno.test("ProtParam's own values: formula, atoms, half-life, aliphatic index", () => {
  // ProtParam: lysozyme C613H959N193O185S10, 1960 atoms; ubiquitin C378H629N105O118S1, 1231.
  assert.deepEqual(atomicComposition(LYSOZYME), {
    carbon: 613,
    hydrogen: 959,
    nitrogen: 193,
    oxygen: 185,
    sulfur: 10,
    selenium: 0,
    total: 1960,
    formula: "C613H959N193O185S10",
  });
  assert.equal(atomicComposition(UBIQUITIN).formula, "C378H629N105O118S1");
  assert.equal(atomicComposition(UBIQUITIN).total, 1231);
  // One residue: the free amino acid; one peptide bond removes H2O.
  assert.equal(atomicComposition("G").formula, "C2H5N1O2S0");
  assert.equal(atomicComposition("GG").formula, "C4H8N2O3S0");
  assert.equal(atomicComposition("U").formula, "C3H7N1O2S0Se1");
  assert.throws(() => atomicComposition("MKX"), /"X" at position 3/);
  assert.deepEqual(halfLife(UBIQUITIN), {
    nTerminal: "M",
    mammalian: "30 hours",
    yeast: ">20 hours",
    ecoli: ">10 hours",
  });
  assert.deepEqual(halfLife(LYSOZYME), {
    nTerminal: "K",
    mammalian: "1.3 hours",
    yeast: "3 min",
    ecoli: "2 min",
  });
  assert.equal(halfLife("PEPTIDE").ecoli, null, "ProtParam has no E. coli value for Pro");
  assert.equal(halfLife("UAA").mammalian, null);
  // Ubiquitin: A 2, V 4, I 7, L 9 of 76 → 2.63 + 2.9 × 5.26 + 3.9 × 21.05 = 100.00.
  assert.ok(Math.abs(aliphaticIndex(UBIQUITIN) - 100) < 1e-9);
  assert.ok(Math.abs(aliphaticIndex(LYSOZYME) - 65.11627906976744) < 1e-9);
  assert.deepEqual(chargedResidues(UBIQUITIN), { negative: 11, positive: 11 });
  assert.deepEqual(chargedResidues(LYSOZYME), { negative: 9, positive: 17 });
});

Deno.test("protein-parameters through the sandbox: one row per protein, every field", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const detail = await piq.tools.get("protein-parameters");
  assert.deepEqual(detail.input.slots.map((slot) => [slot.id, slot.kind, slot.formats]), [
    ["protein", "protein", ["fasta"]],
  ]);
  const job = await piq.jobs.submit({
    tool: "protein-parameters",
    name: "ProtParam",
    input: (await piq.inputs("protein-parameters"))
      .fasta(`>lysozyme\n${LYSOZYME}\n>ubiquitin\n${UBIQUITIN}\n>sec\nMKUA`)
      .build(),
  });
  await job.wait({ display: false });
  assert.equal(job.status, "COMPLETED");
  assert.equal(job.credits_used, 3, "1 credit per sequence");
  const result = await job.result();
  const [lysozyme, ubiquitin, sec] = result.records;
  const biopython = proteinProperties(LYSOZYME);
  assert.deepEqual(lysozyme, {
    id: "lysozyme",
    length: 129,
    molecular_weight: biopython.molecular_weight,
    theoretical_pi: biopython.isoelectric_point,
    negative_residues: 9,
    positive_residues: 17,
    // 6 Trp × 5500 + 3 Tyr × 1490 (+ 4 cystines × 125).
    extinction_coefficient_cystines: 37970,
    absorbance_cystines: 37970 / biopython.molecular_weight,
    extinction_coefficient_reduced: 37470,
    absorbance_reduced: 37470 / biopython.molecular_weight,
    formula: "C613H959N193O185S10",
    carbon: 613,
    hydrogen: 959,
    nitrogen: 193,
    oxygen: 185,
    sulfur: 10,
    selenium: 0,
    total_atoms: 1960,
    n_terminal_residue: "K",
    half_life_mammalian: "1.3 hours",
    half_life_yeast: "3 min",
    half_life_ecoli: "2 min",
    instability_index: biopython.instability_index,
    stability: "stable",
    aliphatic_index: aliphaticIndex(LYSOZYME),
    gravy: biopython.gravy,
    notes: "",
  });
  // ProtParam's rounded report for lysozyme: pI 9.32, Abs 0.1 % 2.653, II 16.09, GRAVY −0.472.
  assert.equal(Number(lysozyme.theoretical_pi).toFixed(2), "9.32");
  assert.equal(Number(lysozyme.absorbance_cystines).toFixed(3), "2.653");
  assert.equal(Number(lysozyme.instability_index).toFixed(2), "16.09");
  assert.equal(Number(lysozyme.gravy).toFixed(3), "-0.472");
  assert.equal(ubiquitin.formula, "C378H629N105O118S1");
  assert.equal(Number(ubiquitin.theoretical_pi).toFixed(2), "6.56");
  assert.equal(ubiquitin.half_life_mammalian, "30 hours");
  // Selenocysteine: a formula with Se, no hydropathy or instability values, and why.
  // M C5H11NO2S + K C6H14N2O2 + U C3H7NO2Se + A C3H7NO2 − 3 H2O.
  assert.equal(sec.formula, "C17H33N5O5S1Se1");
  assert.equal(sec.gravy, null);
  assert.equal(sec.stability, null);
  assert.match(String(sec.notes), /gravy: no Kyte–Doolittle hydropathy value for U/);
  const csv = await result.text("parameters.csv");
  const [header, first] = csv.trim().split("\r\n");
  assert.equal(header.split(",")[0], "id");
  assert.ok(header.includes("half_life_ecoli") && header.includes("formula"));
  assert.ok(first.startsWith("lysozyme,129,"));
  const composition = (result.results as { composition: { id: string; count: number }[] })
    .composition.filter((row) => row.id === "lysozyme");
  assert.equal(composition.reduce((sum, row) => sum + row.count, 0), 129);
});

#!/usr/bin/python3
"""Write tests/fixtures/sequences.json: Biopython reference results for the sequence tools.

Run with Debian's Python, which has Biopython installed (the pyenv `python3` on PATH does not):

    /usr/bin/python3 scripts/gen_sequence_fixtures.py && deno fmt tests/fixtures/sequences.json

Sections (each case is computed by Biopython on the input exactly as stored):

- translate: DNA/RNA cases x genetic codes x the six frames, with `Seq.translate` in its three
  stop modes (through stops, `to_stop=True`, `cds=True`); where Biopython raises, the error.
- hydropathy: `ProteinAnalysis.protein_scale` profiles for several scales, windows and edges.
- align: `PairwiseAligner` scores and optimal alignments (global/local, BLOSUM62 and other
  matrices, match/mismatch for DNA, affine gaps, penalised or free end gaps).
- fastq: `SeqIO` FASTQ parsing (Sanger and Illumina 1.3+ encodings), the FASTA Biopython
  writes, per-read mean Phred quality; where Biopython raises, the error.
- back_translate: most-frequent-codon DNA for each host table (lib/bio/codon_usage.json),
  with Biopython's translation of that DNA and `gc_fraction`.

Deterministic: fixed inputs, sequences from a hand-written LCG, sorted keys.
"""

import io
import json
import sys
import warnings
from pathlib import Path

import Bio
from Bio import Align, SeqIO
from Bio.Align import substitution_matrices
from Bio.Data import CodonTable
from Bio.Seq import Seq
from Bio.SeqUtils import gc_fraction
from Bio.SeqUtils import ProtParamData
from Bio.SeqUtils.ProtParam import ProteinAnalysis

warnings.simplefilter("ignore")

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "fixtures" / "sequences.json"
USAGE = json.loads((ROOT / "lib" / "bio" / "codon_usage.json").read_text())

PROTEIN_LETTERS = "ACDEFGHIKLMNPQRSTVWY"
LYSOZYME = (
    "KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRTPGSRNLCNIPCSALLSS"
    "DITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL"
)
UBIQUITIN = "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG"
GFP = (
    "MSKGEELFTGVVPILVELDGDVNGHKFSVSGEGEGDATYGKLTLKFICTTGKLPVPWPTLVTTFSYGVQCFSRYPDHMKQHDFFKSA"
    "MPEGYVQERTIFFKDDGNYKTRAEVKFEGDTLVNRIELKGIDFKEDGNILGHKLEYNYNSHNVYIMADKQKNGIKVNFKIRHNIEDGS"
    "VQLADHYQQNTPIGDGPVLLPDNHYLSTQSALSKDPNEKRDHMVLLEFVTAAGITHGMDELYK"
)
MYOGLOBIN = (
    "MVLSEGEWQLVLHVWAKVEADVAGHGQDILIRLFKSHPETLEKFDRFKHLKTEAEMKASEDLKKHGVTVLTALGAILKKKGHHEAEL"
    "KPLAQSHATKHKIPIKYLEFISEAIIHVLHSRHPGDFGADAQGAMNKALELFRKDIAAKYKELGYQG"
)
HBA = (
    "MVLSPADKTNVKAAWGKVGAHAGEYGAEALERMFLSFPTTKTYFPHFDLSHGSAQVKGHGKKVADALTNAVAHVDDMPNALSALSDL"
    "HAHKLRVDPVNFKLLSHCLLVTLAAHLPAEFTPAVHASLDKFLASVSTVLTSKYR"
)
HBB = (
    "MVHLTPEEKSAVTALWGKVNVDEVGGEALGRLLVVYPWTQRFFESFGDLSTPDAVMGNPKVKAHGKKVLGAFSDGLAHLDNLKGTFAT"
    "LSELHCDKLHVDPENFRLLGNVLVCVLAHHFGKEFTPPVQAAYQKVVAGVANALAHKYH"
)
M13_COAT = "AEGDDPAKAAFNSLQASATEYIGYAWAMVVVIVGATIGIKLFKKFTSKAS"
INSULIN_A = "GIVEQCCTSICSLYQLENYCN"
INSULIN_B = "FVNQHLCGSHLVEALYLVCGERGFFYTPKT"


def lcg(seed, length, alphabet):
    state = seed
    out = []
    for _ in range(length):
        state = (state * 1103515245 + 12345) % 2**31
        out.append(alphabet[(state >> 16) % len(alphabet)])
    return "".join(out)


def most_frequent_dna(protein, host):
    codons = USAGE["hosts"][host]["codons"]
    best = {}
    for codon in sorted(codons):
        amino, fraction = codons[codon]
        if amino not in best or fraction > best[amino][1]:
            best[amino] = (codon, fraction)
    recoded = {"U": "TGA", "O": "TAG"}
    return "".join(recoded.get(a) or best[a][0] for a in protein.upper())


# ---------------------------------------------------------------- translate

ALL_CODONS = "".join(a + b + c for a in "TCAG" for b in "TCAG" for c in "TCAG")
AMBIGUOUS_CODONS = "".join(
    a + b + c for a in "ACGTRYN" for b in "ACGTRYSWKMN" for c in "ACGTRYSWKMBDHVN"
)[:3 * 400]

DNA_CASES = [
    ("random 300 nt", lcg(11, 300, "ACGT"), [1, 11]),
    ("random 301 nt (one trailing base)", lcg(12, 301, "ACGT"), [1]),
    ("random 302 nt lowercase", lcg(13, 302, "acgt"), [1, 2]),
    ("RNA (U instead of T)", lcg(14, 240, "ACGU"), [1]),
    ("ubiquitin back-translated for E. coli", most_frequent_dna(UBIQUITIN, "e_coli"), [1, 11]),
    ("GFP back-translated for human, with stop",
     most_frequent_dna(GFP, "human") + "TGA", [1]),
    ("complete CDS ATG...TAA", "ATG" + most_frequent_dna("KTAYIAKQRQISFVKSHFSRQ", "yeast")
     + "TAA", [1, 2, 11]),
    ("CDS with alternative start TTG", "TTG" + most_frequent_dna("AVKLE", "e_coli") + "TAG",
     [1, 11]),
    ("not a CDS: no stop", "ATG" + most_frequent_dna("AVKLE", "e_coli"), [1]),
    ("not a CDS: internal stop", "ATGAAATAGAAATAA", [1]),
    ("vertebrate mitochondrial codons AGA AGG ATA TGA", "ATGAGAAGGATATGACTGTAA", [1, 2]),
    ("yeast mitochondrial CTN", "ATGCTTCTCCTACTGATATGA", [1, 3]),
    ("ciliate TAA TAG as Q", "ATGTAATAGCAATGA", [1, 6]),
    ("dual-coding stop tables", "ATGTGATAATAGAAATGG", [27, 28, 31]),
    ("every codon once", ALL_CODONS,
     sorted(CodonTable.unambiguous_dna_by_id.keys())),
    ("ambiguous codons", AMBIGUOUS_CODONS, [1, 2]),
    ("all N", "N" * 30, [1]),
    ("selenoprotein-like TGA in frame", "ATGGCTTGAGGTAAATGGTAA", [1]),
    ("very short: one codon", "ATG", [1]),
    ("very short: two bases", "AT", [1]),
    ("GC-rich", lcg(21, 150, "GGCCGCA"), [1]),
    ("AT-rich", lcg(22, 150, "AATTATG"), [1]),
    ("stop codons only", "TAATAGTGATAA", [1]),
]


def frame_sequence(dna, frame):
    seq = Seq(dna)
    if frame < 0:
        seq = seq.reverse_complement()
    return str(seq[abs(frame) - 1:])


def translate_case(dna, table, frame, mode):
    sequence = frame_sequence(dna, frame)
    whole = len(sequence) - len(sequence) % 3
    try:
        if mode == "keep":
            protein = str(Seq(sequence[:whole]).translate(table=table))
        elif mode == "truncate":
            protein = str(Seq(sequence[:whole]).translate(table=table, to_stop=True))
        else:
            protein = str(Seq(sequence).translate(table=table, cds=True))
        return {"protein": protein, "error": None}
    except Exception as error:  # Biopython raises TranslationError / ValueError
        return {"protein": None, "error": type(error).__name__}


def translations():
    cases = []
    for name, dna, tables in DNA_CASES:
        results = []
        for table in tables:
            for frame in (1, 2, 3, -1, -2, -3):
                for mode in ("keep", "truncate", "cds"):
                    if mode == "cds" and frame != 1:
                        continue
                    result = translate_case(dna, table, frame, mode)
                    results.append({"table": table, "frame": frame, "mode": mode, **result})
        cases.append({"name": name, "dna": dna, "results": results})
    return cases


# ---------------------------------------------------------------- hydropathy

SCALES = {"kyte_doolittle": ProtParamData.kd, "hopp_woods": ProtParamData.hw,
          "eisenberg": ProtParamData.es, "flexibility": ProtParamData.Flex,
          "emini": ProtParamData.em, "janin": ProtParamData.ja}
HYDROPATHY_CASES = [
    ("M13 major coat protein", M13_COAT, [("kyte_doolittle", 19, 1.0), ("kyte_doolittle", 9, 1.0),
                                          ("hopp_woods", 7, 0.5)]),
    ("hen egg-white lysozyme", LYSOZYME, [("kyte_doolittle", 9, 1.0), ("eisenberg", 11, 0.3)]),
    ("human ubiquitin", UBIQUITIN, [("kyte_doolittle", 5, 1.0), ("flexibility", 9, 1.0)]),
    ("GFP", GFP, [("kyte_doolittle", 19, 1.0), ("emini", 7, 0.0)]),
    ("sperm whale myoglobin", MYOGLOBIN, [("janin", 9, 0.7)]),
    ("insulin B chain lowercase", INSULIN_B.lower(), [("kyte_doolittle", 3, 1.0)]),
    ("peptide with selenocysteine and X", "MKTLLUAVVXAALAKW", [("kyte_doolittle", 5, 1.0),
                                                             ("kyte_doolittle", 3, 0.5)]),
    ("shorter than the window", "MKTAY", [("kyte_doolittle", 9, 1.0)]),
    ("exactly the window", "MKTAYIAKQ", [("kyte_doolittle", 9, 1.0)]),
    ("synthetic 1000 residues", lcg(31, 1000, PROTEIN_LETTERS), [("kyte_doolittle", 21, 0.25)]),
]


def hydropathy():
    cases = []
    for name, sequence, settings in HYDROPATHY_CASES:
        profiles = []
        for scale, window, edge in settings:
            # ProteinAnalysis upper-cases the sequence itself.
            values = ProteinAnalysis(sequence).protein_scale(SCALES[scale], window, edge)
            profiles.append({"scale": scale, "window": window, "edge": edge, "values": values})
        cases.append({"name": name, "sequence": sequence, "profiles": profiles})
    return cases


# ---------------------------------------------------------------- align

ALIGN_CASES = [
    ("textbook HEAGAWGHEE / PAWHEAE", "HEAGAWGHEE", "PAWHEAE",
     [("global", "BLOSUM62", 10, 0.5, "penalize"), ("local", "BLOSUM62", 10, 0.5, None),
      ("global", "BLOSUM62", 8, 8, "penalize"), ("global", "BLOSUM62", 10, 0.5, "free")]),
    ("haemoglobin alpha / beta", HBA, HBB,
     [("global", "BLOSUM62", 10, 0.5, "penalize"), ("global", "BLOSUM62", 11, 1, "penalize"),
      ("local", "BLOSUM62", 10, 0.5, None), ("global", "BLOSUM45", 14, 2, "free"),
      ("local", "BLOSUM80", 10, 1, None), ("global", "PAM250", 10, 0.5, "penalize")]),
    ("haemoglobin alpha / sperm whale myoglobin", HBA, MYOGLOBIN,
     [("global", "BLOSUM62", 10, 0.5, "free"), ("local", "BLOSUM62", 12, 2, None)]),
    ("insulin A / B chains", INSULIN_A, INSULIN_B,
     [("local", "BLOSUM62", 10, 0.5, None), ("global", "BLOSUM62", 5, 1, "penalize")]),
    ("lysozyme / itself with a deletion", LYSOZYME, LYSOZYME[:40] + LYSOZYME[47:],
     [("global", "BLOSUM62", 10, 0.5, "penalize")]),
    ("lowercase ubiquitin / fragment", UBIQUITIN.lower(), UBIQUITIN[10:60],
     [("global", "BLOSUM62", 10, 0.5, "free"), ("local", "BLOSUM62", 10, 0.5, None)]),
    ("selenocysteine peptide (U scored as X)", "MKRLUGSTAUKW", "MKRLCGSTACKW",
     [("global", "BLOSUM62", 10, 0.5, "penalize")]),
    ("single residues", "W", "W", [("global", "BLOSUM62", 10, 0.5, "penalize"),
                                   ("local", "BLOSUM62", 10, 0.5, None)]),
    ("no positive local score", "A", "W", [("local", "BLOSUM62", 10, 0.5, None),
                                           ("global", "BLOSUM62", 10, 0.5, "penalize")]),
    ("synthetic 300 / 280", lcg(41, 300, PROTEIN_LETTERS), lcg(42, 280, PROTEIN_LETTERS),
     [("global", "BLOSUM62", 10, 0.5, "penalize"), ("local", "BLOSUM62", 10, 0.5, None)]),
    ("DNA GATTACA / GCATGCT", "GATTACA", "GCATGCT",
     [("global", (1, -1), 1, 1, "penalize"), ("local", (1, -1), 1, 1, None)]),
    ("DNA 120 nt with mutations", lcg(51, 120, "ACGT"),
     lcg(51, 120, "ACGT")[:30] + "GGG" + lcg(51, 120, "ACGT")[30:80] + lcg(52, 30, "ACGT"),
     [("global", (5, -4), 10, 0.5, "penalize"), ("global", (5, -4), 10, 0.5, "free"),
      ("local", (2, -3), 5, 2, None)]),
    ("RNA / DNA (U read as T)", "AUGGCUUCGAUCGAUUAG", "ATGGCTTCGTCGATTTAG",
     [("global", (5, -4), 10, 0.5, "penalize")]),
]


def make_aligner(mode, scoring, gap_open, gap_extend, end_gaps):
    aligner = Align.PairwiseAligner()
    aligner.mode = mode
    if isinstance(scoring, str):
        aligner.substitution_matrix = substitution_matrices.load(scoring)
    else:
        aligner.match_score, aligner.mismatch_score = scoring
    aligner.open_gap_score = -gap_open
    aligner.extend_gap_score = -gap_extend
    if mode == "global" and end_gaps == "free":
        aligner.end_gap_score = 0
    return aligner


def prepare(sequence, scoring):
    upper = sequence.upper()
    if isinstance(scoring, str):
        # The project scores U, O and J as X (the matrices have no row for them).
        return upper.replace("U", "X").replace("O", "X").replace("J", "X")
    return upper.replace("U", "T")


def statistics(a, b, scoring):
    matrix = substitution_matrices.load(scoring) if isinstance(scoring, str) else None
    identities = similarities = gaps = 0
    for x, y in zip(a, b):
        if x == "-" or y == "-":
            gaps += 1
            continue
        if x == y:
            identities += 1
            similarities += 1
        elif matrix is not None and matrix[x, y] > 0:
            similarities += 1
    return {"identities": identities, "similarities": similarities, "gaps": gaps,
            "length": len(a)}


def alignments():
    cases = []
    for name, first, second, runs in ALIGN_CASES:
        results = []
        for mode, scoring, gap_open, gap_extend, end_gaps in runs:
            a, b = prepare(first, scoring), prepare(second, scoring)
            aligner = make_aligner(mode, scoring, gap_open, gap_extend, end_gaps)
            found = aligner.align(a, b)
            try:
                count = len(found)
            except OverflowError:
                count = sys.maxsize
            listed = []
            for alignment in found:
                if len(listed) >= 200:
                    break
                listed.append({"a": alignment[0], "b": alignment[1],
                               **statistics(alignment[0], alignment[1], scoring)})
            results.append({
                "mode": mode,
                "scoring": {"type": "matrix", "matrix": scoring} if isinstance(scoring, str)
                else {"type": "match", "match": scoring[0], "mismatch": scoring[1]},
                "gap_open": gap_open, "gap_extend": gap_extend,
                "end_gaps": end_gaps or "penalize",
                "score": found.score, "count": min(count, 10**9), "alignments": listed,
            })
        cases.append({"name": name, "a": first, "b": second, "results": results})
    return cases


# ---------------------------------------------------------------- fastq


def phred33(values):
    return "".join(chr(v + 33) for v in values)


FASTQ_CASES = [
    ("three Sanger reads", "fastq", "@read1 first read\nACGTACGTNN\n+\nIIIIHHHG##\n"
     "@read2\nGGGCCCAAAT\n+read2\n" + phred33([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]) + "\n"
     "@read3 lane=2\nacgtnacgta\n+\n" + phred33([2] * 10) + "\n"),
    ("quality line starting with @", "fastq",
     "@r1\nACGT\n+\n@@@@\n@r2\nTTTT\n+\n@III\n"),
    ("wrapped sequence and quality", "fastq",
     "@wrapped a read on two lines\nACGTACGTAC\nGTACGT\n+\nIIIIIIIIII\nIIIIII\n"),
    ("long read", "fastq", "@long\n" + lcg(61, 150, "ACGT") + "\n+\n"
     + phred33([(k * 7) % 41 for k in range(150)]) + "\n"),
    ("Illumina 1.3+ (Phred+64)", "fastq-illumina", "@ill1\nACGTN\n+\nhhhhB\n@ill2\nTTGCA\n+\n"
     "`abcd\n"),
    ("CRLF line endings", "fastq", "@crlf\r\nACGT\r\n+\r\nIIII\r\n"),
    ("sequence and quality lengths differ", "fastq", "@bad\nACGTA\n+\nIIII\n"),
    ("missing + line", "fastq", "@bad\nACGT\nIIII\n"),
    ("header without @", "fastq", "read1\nACGT\n+\nIIII\n"),
]


def fastq():
    cases = []
    for name, variant, text in FASTQ_CASES:
        try:
            records = list(SeqIO.parse(io.StringIO(text), variant))
            out = io.StringIO()
            SeqIO.write(records, out, "fasta")
            reads = [{
                "id": record.id,
                "description": record.description,
                "sequence": str(record.seq),
                "mean_quality": sum(record.letter_annotations["phred_quality"]) / len(record)
                if len(record) else None,
                "qualities": record.letter_annotations["phred_quality"],
            } for record in records]
            cases.append({"name": name, "encoding": "phred64" if variant == "fastq-illumina"
                          else "phred33", "fastq": text, "fasta": out.getvalue(),
                          "reads": reads, "error": None})
        except Exception as error:
            cases.append({"name": name, "encoding": "phred33", "fastq": text, "fasta": None,
                          "reads": None, "error": type(error).__name__})
    return cases


# ---------------------------------------------------------------- back-translate

BACK_CASES = [
    ("human ubiquitin", UBIQUITIN), ("insulin B chain", INSULIN_B), ("GFP", GFP),
    ("hen egg-white lysozyme", LYSOZYME), ("lowercase peptide", "mktayiakqr"),
    ("with stop", "MKW*"), ("selenocysteine and pyrrolysine", "MKUAOGW"),
    ("every amino acid", PROTEIN_LETTERS), ("single residue", "M"),
]


def back_translations():
    cases = []
    for name, protein in BACK_CASES:
        hosts = {}
        for host in USAGE["hosts"]:
            dna = most_frequent_dna(protein, host)
            hosts[host] = {"dna": dna, "gc_fraction": gc_fraction(dna),
                           "translation": str(Seq(dna).translate())}
        cases.append({"name": name, "protein": protein, "hosts": hosts})
    return cases


def main():
    fixtures = {
        "biopython_version": Bio.__version__,
        "generator": "scripts/gen_sequence_fixtures.py",
        "translate": translations(),
        "hydropathy": hydropathy(),
        "align": alignments(),
        "fastq": fastq(),
        "back_translate": back_translations(),
    }
    OUTPUT.write_text(json.dumps(fixtures, indent=1, sort_keys=True) + "\n")
    counts = {k: len(v) for k, v in fixtures.items() if isinstance(v, list)}
    print(f"wrote {OUTPUT}: {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()

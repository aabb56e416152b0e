#!/usr/bin/python3
"""Write tests/fixtures/protparam.json: Biopython's ProtParam values for varied proteins.

Run with Debian's Python, which has Biopython installed (the pyenv `python3` on PATH does not):

    /usr/bin/python3 scripts/gen_protparam_fixtures.py && deno fmt tests/fixtures/protparam.json

The TypeScript port in lib/bio/protparam.ts is checked against this file by
tests/protparam_test.ts. Every value is computed by Biopython on the sequence exactly as
stored (no stripping, no upper-casing: ProteinAnalysis upper-cases by itself). Where
Biopython raises, the value is null and `biopython_errors` names the exception, so the
tests can check that the port refuses the same inputs.

The output is deterministic (fixed inputs, sorted keys, no timestamps) so it can be
committed and regenerated without noise.
"""

import json
import sys
from pathlib import Path

import Bio
from Bio.SeqUtils.ProtParam import ProteinAnalysis

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "protparam.json"

# pH values for charge_at_pH: neutral, mildly acidic, and the ends of the allowed range.
CHARGE_PHS = (0.0, 5.5, 7.0, 14.0)

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
BSA_FRAGMENT = (
    "DTHKSEIAHRFKDLGEEHFKGLVLIAFSQYLQQCPFDEHVKLVNELTEFAKTCVADESHAGCEKSLHTLFGDELCKVASLRETYGD"
    "MADCCEKQEPERNE"
)
PROTEIN_LETTERS = "ACDEFGHIKLMNPQRSTVWY"


def synthetic_sequence(length, seed):
    """A reproducible pseudo-random protein.

    A hand-written LCG rather than `random`, so the sequence cannot change between
    Python versions.
    """
    state = seed
    letters = []
    for _ in range(length):
        state = (state * 1103515245 + 12345) % 2**31
        letters.append(PROTEIN_LETTERS[(state >> 16) % len(PROTEIN_LETTERS)])
    return "".join(letters)


def every_dipeptide():
    """A de Bruijn sequence of order 2: every ordered pair of standard residues occurs once.

    Its instability index exercises all 400 entries of the DIWV table at once.
    """
    size = len(PROTEIN_LETTERS)
    indices = [0] * (2 * size)
    order = []

    def extend(t, p):
        if t > 2:
            if 2 % p == 0:
                order.extend(indices[1 : p + 1])
        else:
            indices[t] = indices[t - p]
            extend(t + 1, p)
            for j in range(indices[t - p] + 1, size):
                indices[t] = j
                extend(t + 1, t)

    extend(1, 1)
    cyclic = "".join(PROTEIN_LETTERS[i] for i in order)
    return cyclic + cyclic[0]


CASES = [
    ("hen egg-white lysozyme (P00698, mature chain)", LYSOZYME),
    ("human insulin A chain", "GIVEQCCTSICSLYQLENYCN"),
    ("human insulin B chain", "FVNQHLCGSHLVEALYLVCGERGFFYTPKT"),
    ("human ubiquitin", UBIQUITIN),
    ("green fluorescent protein (P42212)", GFP),
    ("sperm whale myoglobin (P02185)", MYOGLOBIN),
    ("bovine serum albumin, first 100 residues of the mature chain", BSA_FRAGMENT),
    ("collagen-like (GPP)10 repeat", "GPP" * 10),
    ("single residue W", "W"),
    ("single residue K", "K"),
    ("dipeptide KD", "KD"),
    ("tripeptide GCY", "GCY"),
    ("lowercase insulin B chain", "fvnqhlcgshlvealylvcgergffytpkt"),
    ("mixed case peptide", "MkTaYiAkQr"),
    ("selenocysteine peptide (U)", "MKRLUGSTAUKW"),
    ("pyrrolysine peptide (O)", "MKTOAGLOKEY"),
    ("peptide with both U and O", "GUOCYW"),
    ("poly-aspartate D10", "D" * 10),
    ("poly-arginine R10", "R" * 10),
    ("synthetic 2000-residue protein", synthetic_sequence(2000, seed=20240611)),
    ("every ordered dipeptide (de Bruijn sequence, 401 residues)", every_dipeptide()),
    ("peptide with a trailing stop", "MKTAYIAKQRQISFVKSHFSRQ*"),
    ("the same peptide without the stop", "MKTAYIAKQRQISFVKSHFSRQ"),
    ("N-terminal A, C-terminal D", "AKLGHWCSPD"),
    ("N-terminal M, C-terminal E", "MSTKRQEYFLE"),
    ("N-terminal S, C-terminal D", "SPQRHKWAYCD"),
    ("N-terminal P, C-terminal E", "PGVNTTKRYWE"),
    ("N-terminal T, C-terminal D", "TKDEHRLLMQD"),
    ("N-terminal V, C-terminal E", "VHLTPEEKSAVE"),
    ("N-terminal E, C-terminal D", "EEKRCCHWYFD"),
    ("ambiguous letters X, B, Z, J", "MKXBZJAGW"),
]


def attempt(errors, field, compute):
    """Return compute(), or None after recording the exception Biopython raised."""
    try:
        return compute()
    except (ValueError, KeyError, ZeroDivisionError, IndexError) as error:
        errors[field] = type(error).__name__
        return None


def analyse(name, sequence):
    protein = ProteinAnalysis(sequence)
    mono = ProteinAnalysis(sequence, monoisotopic=True)
    errors = {}
    extinction = attempt(
        errors, "molar_extinction_coefficient", protein.molar_extinction_coefficient
    )
    return {
        "name": name,
        "sequence": sequence,
        "biopython": {
            "length": protein.length,
            "composition": protein.count_amino_acids(),
            "amino_acids_percent": attempt(
                errors, "amino_acids_percent", protein.get_amino_acids_percent
            ),
            "molecular_weight": attempt(errors, "molecular_weight", protein.molecular_weight),
            "molecular_weight_monoisotopic": attempt(
                errors, "molecular_weight_monoisotopic", mono.molecular_weight
            ),
            "isoelectric_point": attempt(errors, "isoelectric_point", protein.isoelectric_point),
            "gravy": attempt(errors, "gravy", protein.gravy),
            "instability_index": attempt(errors, "instability_index", protein.instability_index),
            "aromaticity": attempt(errors, "aromaticity", protein.aromaticity),
            "molar_extinction_coefficient": None
            if extinction is None
            else {"reduced": extinction[0], "oxidized": extinction[1]},
            "charge_at_pH": {
                f"{ph:.1f}": attempt(
                    errors, f"charge_at_pH({ph:.1f})", lambda: protein.charge_at_pH(ph)
                )
                for ph in CHARGE_PHS
            },
        },
        "biopython_errors": errors,
    }


def main():
    fixtures = {
        "biopython_version": Bio.__version__,
        "generator": "scripts/gen_protparam_fixtures.py",
        "note": "Values computed by Bio.SeqUtils.ProtParam.ProteinAnalysis on `sequence` as "
        "stored; null where Biopython raises (see biopython_errors).",
        "proteins": [analyse(name, sequence) for name, sequence in CASES],
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(fixtures, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {len(CASES)} proteins to {OUTPUT}", file=sys.stderr)


if __name__ == "__main__":
    main()

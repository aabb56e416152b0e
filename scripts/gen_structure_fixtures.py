#!/usr/bin/python3
"""Write small, realistic structure files and Biopython/DSSP reference values for them.

Run with Debian's Python (Biopython) and Debian's `dssp` package (`mkdssp` 4.x):

    apt-get install -y dssp
    /usr/bin/python3 scripts/gen_structure_fixtures.py && deno fmt tests/fixtures/structures.json

There is no network here, so the structures are built, not downloaded: backbones from
ideal geometry (Engh & Huber) and chosen phi/psi, by a numpy implementation independent of
the TypeScript peptide builder, assembled into files with what real entries have:

- tests/fixtures/structures/helix.pdb — one 20-residue alpha-helix.
- tests/fixtures/structures/complex.pdb — HEADER, TITLE, COMPND, SEQRES (with unobserved
  residues), HELIX/SHEET, CRYST1; chain A an alpha-helix with a selenomethionine (HETATM MSE),
  a side-chain atom in two alternate locations, a missing residue and a sulfate; chains B, C
  and D three strands of a mixed beta-sheet (C antiparallel and D parallel to B, placed by a
  search that maximises backbone H-bonds), B with an insertion code; chain E a loop with a
  polyproline II stretch, a 3-10 helix and a selenocysteine (HETATM SEC); waters; B-factors
  rising towards the termini.
- tests/fixtures/structures/complex.cif — the same model as PDBx/mmCIF with _entity,
  _entity_poly, _pdbx_poly_seq_scheme and label/auth _atom_site columns.
- tests/fixtures/structures/complex_biopython.cif — the same model written by Biopython's
  MMCIFIO (a different writer's style: only _atom_site).
- tests/fixtures/structures/nmr.pdb — two MODELs of a helix.

and tests/fixtures/structures.json with, for each file: Biopython's SeqIO sequences
(pdb-seqres, pdb-atom, cif-seqres, cif-atom), the chains of model 1, residues with mean and
Cα B-factors and PPBuilder phi/psi, the mass-weighted and Cα radii of gyration, Cα contacts
(NeighborSearch), and mkdssp's secondary structure letters.

Biopython 1.80 maps SEC and PYL to X; this project maps them to U and O, so the reference
adds those two entries to Biopython's table before reading sequences.
"""

import io
import json
import math
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import Bio
from Bio import SeqIO
from Bio.PDB import MMCIFIO, MMCIFParser, NeighborSearch, PDBParser, PPBuilder
from Bio.PDB.Polypeptide import is_aa
from Bio.SeqIO import PdbIO

warnings.simplefilter("ignore")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "structures"
FIXTURE = ROOT / "tests" / "fixtures" / "structures.json"

BONDS = {"N_CA": 1.458, "CA_C": 1.525, "C_N": 1.329, "C_O": 1.231, "CA_CB": 1.53}
ANGLES = {"N_CA_C": 111.2, "CA_C_N": 116.2, "C_N_CA": 121.7, "CA_C_O": 120.1,
          "N_CA_CB": 110.5, "C_CA_CB": 110.1}
THREE = {"A": "ALA", "R": "ARG", "N": "ASN", "D": "ASP", "C": "CYS", "Q": "GLN", "E": "GLU",
         "G": "GLY", "H": "HIS", "I": "ILE", "L": "LEU", "K": "LYS", "M": "MET", "F": "PHE",
         "P": "PRO", "S": "SER", "T": "THR", "W": "TRP", "Y": "TYR", "V": "VAL", "U": "SEC"}
WATER = {"HOH", "WAT"}

# Biopython 1.80 has no entries for these; the project maps them (see lib/bio/structure/model.ts).
PdbIO._aa3to1_dict["SEC"] = "U"
PdbIO._aa3to1_dict["PYL"] = "O"


# ---------------------------------------------------------------- building


def place(a, b, c, length, angle, torsion):
    """NeRF: the atom d with |cd| = length, angle bcd, dihedral abcd (degrees)."""
    theta, phi = math.radians(angle), math.radians(torsion)
    bc = (c - b) / np.linalg.norm(c - b)
    n = np.cross(b - a, bc)
    n /= np.linalg.norm(n)
    m = np.cross(n, bc)
    d2 = np.array([-length * math.cos(theta), length * math.sin(theta) * math.cos(phi),
                   length * math.sin(theta) * math.sin(phi)])
    return c + bc * d2[0] + m * d2[1] + n * d2[2]


def beta_carbon(n, ca, c):
    u = (n - ca) / np.linalg.norm(n - ca)
    v = (c - ca) / np.linalg.norm(c - ca)
    w = np.cross(u, v)
    w /= np.linalg.norm(w)
    cuv = float(np.dot(u, v))
    cu, cv = math.cos(math.radians(ANGLES["N_CA_CB"])), math.cos(math.radians(ANGLES["C_CA_CB"]))
    det = 1 - cuv * cuv
    a = (cu - cv * cuv) / det
    b = (cv - cu * cuv) / det
    inplane = a * u + b * v
    out = math.sqrt(max(0.0, 1 - float(np.dot(inplane, inplane))))
    return ca + BONDS["CA_CB"] * (inplane + out * w)


def build(sequence, phis, psis, oxt=True):
    """Residues as (letter, [(name, element, xyz)]) with ideal geometry."""
    n0 = np.zeros(3)
    ca0 = np.array([BONDS["N_CA"], 0.0, 0.0])
    t = math.radians(180 - ANGLES["N_CA_C"])
    c0 = ca0 + BONDS["CA_C"] * np.array([math.cos(t), math.sin(t), 0.0])
    backbone = [(n0, ca0, c0)]
    for i in range(1, len(sequence)):
        pn, pca, pc = backbone[-1]
        n = place(pn, pca, pc, BONDS["C_N"], ANGLES["CA_C_N"], psis[i - 1])
        ca = place(pca, pc, n, BONDS["N_CA"], ANGLES["C_N_CA"], 180.0)
        c = place(pc, n, ca, BONDS["CA_C"], ANGLES["N_CA_C"], phis[i])
        backbone.append((n, ca, c))
    residues = []
    for i, (n, ca, c) in enumerate(backbone):
        o = place(n, ca, c, BONDS["C_O"], ANGLES["CA_C_O"], psis[i] + 180.0)
        atoms = [("N", "N", n), ("CA", "C", ca), ("C", "C", c), ("O", "O", o)]
        letter = sequence[i]
        if letter != "G":
            cb = beta_carbon(n, ca, c)
            atoms.append(("CB", "C", cb))
            if letter in "MU":
                # A short side chain for MSE / SEC so the selenium is there.
                if letter == "M":
                    cg = place(n, ca, cb, 1.52, 114.0, -65.0)
                    se = place(ca, cb, cg, 1.95, 112.7, 180.0)
                    ce = place(cb, cg, se, 1.95, 98.9, 70.0)
                    atoms += [("CG", "C", cg), ("SE", "SE", se), ("CE", "C", ce)]
                else:
                    se = place(n, ca, cb, 1.95, 112.0, -60.0)
                    atoms.append(("SE", "SE", se))
        if oxt and i == len(backbone) - 1:
            atoms.append(("OXT", "O", place(n, ca, c, BONDS["C_O"], ANGLES["CA_C_N"], psis[i])))
        residues.append((letter, atoms))
    return residues


def transform(residues, rotation, translation):
    return [(letter, [(name, el, rotation @ xyz + translation) for name, el, xyz in atoms])
            for letter, atoms in residues]


def rotation_about(axis, degrees):
    axis = axis / np.linalg.norm(axis)
    a = math.radians(degrees)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(a) * k + (1 - math.cos(a)) * k @ k


def atom(residues, index, name):
    return next(xyz for n, _, xyz in residues[index][1] if n == name)


def hbond_energy(donor_prev, donor, acceptor):
    """DSSP energy of N-H(donor)...O=C(acceptor), kcal/mol (for the placement search only)."""
    n = atom([donor], 0, "N")
    pc, po = atom([donor_prev], 0, "C"), atom([donor_prev], 0, "O")
    h = n + (pc - po) / np.linalg.norm(pc - po)
    c, o = atom([acceptor], 0, "C"), atom([acceptor], 0, "O")
    d = lambda p, q: max(float(np.linalg.norm(p - q)), 0.5)
    return -27.888 * (1 / d(h, o) - 1 / d(h, c) + 1 / d(n, c) - 1 / d(n, o))


def pair_score(first, second):
    """H-bonds between two strands minus a penalty for clashes."""
    bonds = 0
    for a, b in ((first, second), (second, first)):
        for i in range(1, len(a)):
            for j in range(len(b)):
                if hbond_energy(a[i - 1], a[i], b[j]) < -0.5:
                    bonds += 1
    closest = min(float(np.linalg.norm(p - q)) for _, x in first for _, _, p in x
                  for _, y in second for _, _, q in y)
    return bonds - (100 if closest < 2.9 else 0), closest


def sheet_frame(strand):
    cas = np.array([atom(strand, i, "CA") for i in range(len(strand))])
    axis = cas[-1] - cas[0]
    axis /= np.linalg.norm(axis)
    normal = np.zeros(3)
    for i in range(len(strand)):
        if len(strand[i][1]) > 4:
            v = atom(strand, i, "CB") - atom(strand, i, "CA")
            normal += v if i % 2 == 0 else -v
    normal -= np.dot(normal, axis) * axis
    normal /= np.linalg.norm(normal)
    side = np.cross(axis, normal)
    return cas.mean(axis=0), axis, normal, side


def place_partner(reference, partner, antiparallel, direction):
    """Search the offset of `partner` next to `reference` that makes the most H-bonds."""
    centre, axis, normal, side = sheet_frame(reference)
    pcentre, paxis, pnormal, _ = sheet_frame(partner)
    # Align the partner's frame to the reference's, flipped for antiparallel.
    target_axis = -axis if antiparallel else axis
    src = np.array([paxis, pnormal, np.cross(paxis, pnormal)]).T
    dst = np.array([target_axis, normal, np.cross(target_axis, normal)]).T
    rotation = dst @ src.T
    moved = transform(partner, rotation, -rotation @ pcentre + centre)
    best = None
    for flip in (0.0, 180.0):
        flipped = transform(moved, rotation_about(target_axis, flip), np.zeros(3))
        # rotation about the axis through the centre
        if flip:
            r = rotation_about(target_axis, flip)
            flipped = transform(moved, r, centre - r @ centre)
        for s in np.arange(4.2, 5.41, 0.1):
            for t in np.arange(-3.4, 3.41, 0.2):
                candidate = transform(flipped, np.eye(3), direction * s * side + t * axis)
                score, closest = pair_score(reference, candidate)
                if best is None or score > best[0] or (score == best[0] and closest > best[1]):
                    best = (score, closest, candidate)
    return best[2], best[0]


# ---------------------------------------------------------------- writing


def pdb_atom(serial, name, resname, chain, number, icode, xyz, occ, bfac, element,
             hetero=False, altloc=" "):
    padded = f" {name:<3}" if len(name) < 4 and len(element) < 2 else f"{name:<4}"
    return (f"{'HETATM' if hetero else 'ATOM  '}{serial:>5} {padded}{altloc}{resname:>3} "
            f"{chain}{number:>4}{icode or ' '}   {xyz[0]:8.3f}{xyz[1]:8.3f}{xyz[2]:8.3f}"
            f"{occ:6.2f}{bfac:6.2f}          {element:>2}  ")


def bfactor(index, count, extra):
    centre = (count - 1) / 2
    spread = (abs(index - centre) / max(centre, 1)) ** 2
    wobble = 1.5 * math.sin(1.7 * index + 0.3 * extra)
    return round(12.0 + 28.0 * spread + wobble + extra, 2)


class Entry:
    """A chain to write: residues with numbers, flags and per-atom extras."""

    def __init__(self, chain, molecule, seqres, residues, numbers, hetero=(), skip=()):
        self.chain, self.molecule, self.seqres = chain, molecule, seqres
        self.residues, self.numbers = residues, numbers
        self.hetero, self.skip = set(hetero), set(skip)


def write_pdb(entries, ligands, waters, title, header_id, helix_records, sheet_records,
              altloc_atom=None, models=None):
    lines = [f"HEADER    DE NOVO PROTEIN                         01-JAN-24   {header_id}",
             f"TITLE     {title}"]
    compnd = []
    for mol_id, entry in enumerate(entries, start=1):
        compnd.append(f"MOL_ID: {mol_id};")
        compnd.append(f"MOLECULE: {entry.molecule};")
        compnd.append(f"CHAIN: {entry.chain};")
    for k, text in enumerate(compnd, start=1):
        lines.append(f"COMPND {k if k > 1 else '':>3} {text}".rstrip() if k > 1
                     else f"COMPND    {text}")
    lines.append("REMARK   2 RESOLUTION. NOT APPLICABLE.")
    lines.append("REMARK 250 MODEL BUILT FROM IDEAL GEOMETRY FOR TESTS.")
    for entry in entries:
        names = entry.seqres
        for k in range(0, len(names), 13):
            lines.append(f"SEQRES {k // 13 + 1:>3} {entry.chain} {len(names):>4}  "
                         + " ".join(f"{n:>3}" for n in names[k:k + 13]))
    lines.extend(helix_records)
    lines.extend(sheet_records)
    lines.append("CRYST1  100.000  100.000  100.000  90.00  90.00  90.00 P 1           1")
    model_list = models or [None]
    for model_index, offsets in enumerate(model_list, start=1):
        serial = 0
        if models:
            lines.append(f"MODEL     {model_index:>4}")
        for entry in entries:
            count = len(entry.residues)
            for index, (letter, atoms) in enumerate(entry.residues):
                if index in entry.skip:
                    continue
                number, icode = entry.numbers[index]
                hetero = index in entry.hetero
                resname = {"M": "MSE", "U": "SEC"}[letter] if hetero else THREE[letter]
                for name, element, xyz in atoms:
                    if offsets is not None:
                        xyz = xyz + offsets(entry.chain, index, name)
                    extra = 0.0 if name in ("N", "CA", "C", "O") else 3.0
                    b = bfactor(index, count, extra)
                    if altloc_atom == (entry.chain, index, name):
                        serial += 1
                        lines.append(pdb_atom(serial, name, resname, entry.chain, number, icode,
                                              xyz, 0.60, b, element, hetero, "A"))
                        serial += 1
                        shifted = xyz + np.array([0.45, -0.30, 0.25])
                        lines.append(pdb_atom(serial, name, resname, entry.chain, number, icode,
                                              shifted, 0.40, b + 4.0, element, hetero, "B"))
                        continue
                    serial += 1
                    lines.append(pdb_atom(serial, name, resname, entry.chain, number, icode,
                                          xyz, 1.00, b, element, hetero))
            last = max(i for i in range(count) if i not in entry.skip)
            number, icode = entry.numbers[last]
            serial += 1
            lines.append(f"TER   {serial:>5}      {THREE[entry.residues[last][0]]:>3} "
                         f"{entry.chain}{number:>4}{icode or ' '}")
        for resname, chain, number, atoms, b in ligands + waters:
            for name, element, xyz in atoms:
                serial += 1
                lines.append(pdb_atom(serial, name, resname, chain, number, "", xyz, 1.00, b,
                                      element, True))
        if models:
            lines.append("ENDMDL")
    lines.append("END")
    return "\n".join(line.ljust(80) if line.startswith(("ATOM", "HETATM")) else line
                     for line in lines) + "\n"


def cif_value(value):
    text = str(value)
    if text == "":
        return "?"
    if any(ch.isspace() for ch in text) or text[0] in "_#$'\"[];":
        return f"'{text}'"
    return text


def write_cif(structure, entries, header_id, title):
    """PDBx/mmCIF with entity, poly_seq_scheme and label/auth atom_site columns."""
    lines = [f"data_{header_id}", f"_entry.id {header_id}", f"_struct.title {cif_value(title)}",
             "#", "loop_", "_entity.id", "_entity.type", "_entity.pdbx_description"]
    for k, entry in enumerate(entries, start=1):
        lines.append(f"{k} polymer {cif_value(entry.molecule)}")
    lines += ["#", "loop_", "_entity_poly.entity_id", "_entity_poly.type",
              "_entity_poly.pdbx_strand_id"]
    for k, entry in enumerate(entries, start=1):
        lines.append(f"{k} polypeptide(L) {entry.chain}")
    lines += ["#", "loop_", "_pdbx_poly_seq_scheme.asym_id", "_pdbx_poly_seq_scheme.entity_id",
              "_pdbx_poly_seq_scheme.seq_id", "_pdbx_poly_seq_scheme.mon_id",
              "_pdbx_poly_seq_scheme.pdb_seq_num", "_pdbx_poly_seq_scheme.pdb_strand_id",
              "_pdbx_poly_seq_scheme.pdb_ins_code"]
    seq_ids = {}
    for k, entry in enumerate(entries, start=1):
        offset = len(entry.seqres) - len(entry.residues)
        numbers = [(i + 1, "") for i in range(offset)] + list(entry.numbers)
        for seq_id, (name, (number, icode)) in enumerate(zip(entry.seqres, numbers), start=1):
            seq_ids[(entry.chain, number, icode)] = seq_id
            lines.append(f"{entry.chain} {k} {seq_id} {name} {number} {entry.chain} "
                         f"{icode or '.'}")
    columns = ["group_PDB", "id", "type_symbol", "label_atom_id", "label_alt_id",
               "label_comp_id", "label_asym_id", "label_entity_id", "label_seq_id",
               "pdbx_PDB_ins_code", "Cartn_x", "Cartn_y", "Cartn_z", "occupancy",
               "B_iso_or_equiv", "auth_seq_id", "auth_comp_id", "auth_asym_id", "auth_atom_id",
               "pdbx_PDB_model_num"]
    lines += ["#", "loop_"] + [f"_atom_site.{c}" for c in columns]
    serial = 0
    entity_of = {entry.chain: k for k, entry in enumerate(entries, start=1)}
    for model in structure:
        for chain in model:
            for residue in chain.get_unpacked_list():
                het, number, icode = residue.id
                seq_id = seq_ids.get((chain.id, number, icode.strip()), ".")
                for alt in residue.get_unpacked_list():
                    serial += 1
                    x, y, z = alt.coord
                    group = "ATOM" if het == " " else "HETATM"
                    entity = entity_of.get(chain.id, 9) if het in (" ", "H_MSE", "H_SEC") \
                        else (8 if het == "W" else 7)
                    lines.append(" ".join(cif_value(v) for v in [
                        group, serial, alt.element, alt.get_name(),
                        alt.get_altloc().strip() or ".", residue.get_resname(), chain.id,
                        entity, seq_id if entity < 7 else ".", icode.strip() or "?",
                        f"{x:.3f}", f"{y:.3f}", f"{z:.3f}", f"{alt.get_occupancy():.2f}",
                        f"{alt.get_bfactor():.2f}", number, residue.get_resname(), chain.id,
                        alt.get_name(), model.serial_num]))
    lines.append("#")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- references


def sequences(path, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {record.annotations.get("chain", record.id): str(record.seq)
                for record in SeqIO.parse(str(path), fmt)}


def amino_residue(residue):
    if residue.get_resname() in WATER:
        return False
    if is_aa(residue, standard=False) or residue.get_resname() in ("SEC", "PYL"):
        return True
    return all(name in residue for name in ("N", "CA", "C"))


def run_dssp(pdb_path):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.dssp"
        subprocess.run(["mkdssp", "--output-format", "dssp", str(pdb_path), str(out)],
                       check=True, capture_output=True)
        text = out.read_text().splitlines()
    version = subprocess.run(["mkdssp", "--version"], capture_output=True, text=True).stdout
    start = next(i for i, line in enumerate(text) if line.startswith("  #  RESIDUE"))
    assignment = {}
    for line in text[start + 1:]:
        if line[13] == "!":
            continue  # chain break marker
        number = int(line[5:10])
        icode = line[10].strip()
        chain = line[11]
        code = line[16] if line[16] != " " else "-"
        assignment[f"{chain}:{number}{icode}"] = code
    return assignment, version.strip()


def reference(path, fmt, dssp_source=None):
    parser = PDBParser(QUIET=True) if fmt == "pdb" else MMCIFParser(QUIET=True)
    structure = parser.get_structure("x", str(path))
    model = structure[0]
    residues = []
    chains = []
    for chain in model:
        chain_residues = [r for r in chain if amino_residue(r)]
        chains.append({"chain": chain.id, "residues": len(chain_residues),
                       "atoms": sum(len(r) for r in chain)})
        for residue in chain_residues:
            atoms = list(residue.get_atoms())
            ca = residue["CA"] if "CA" in residue else None
            residues.append({
                "chain": chain.id, "number": residue.id[1], "insertion": residue.id[2].strip(),
                "name": residue.get_resname(),
                "b_factor": float(np.mean([a.get_bfactor() for a in atoms])),
                "ca_b_factor": None if ca is None else float(ca.get_bfactor()),
                "phi": None, "psi": None,
            })
    index = {(r["chain"], r["number"], r["insertion"]): r for r in residues}
    for peptide in PPBuilder().build_peptides(model, aa_only=False):
        for residue, (phi, psi) in zip(peptide, peptide.get_phi_psi_list()):
            key = (residue.get_parent().id, residue.id[1], residue.id[2].strip())
            index[key]["phi"] = None if phi is None else math.degrees(phi)
            index[key]["psi"] = None if psi is None else math.degrees(psi)
    protein_atoms = [a for chain in model for r in chain if amino_residue(r) for a in r]
    coords = np.array([a.coord for a in protein_atoms], dtype=float)
    masses = np.array([a.mass for a in protein_atoms])
    centre = (coords * masses[:, None]).sum(axis=0) / masses.sum()
    rg = math.sqrt(float((masses * ((coords - centre) ** 2).sum(axis=1)).sum() / masses.sum()))
    cas = [r["CA"] for chain in model for r in chain if amino_residue(r) and "CA" in r]
    ca_coords = np.array([a.coord for a in cas], dtype=float)
    rg_ca = math.sqrt(float(((ca_coords - ca_coords.mean(axis=0)) ** 2).sum(axis=1).mean()))
    order = {(r["chain"], r["number"], r["insertion"]): i for i, r in enumerate(residues)}
    contacts = []
    for a, b in NeighborSearch(cas).search_all(8.0):
        ka = (a.get_parent().get_parent().id, a.get_parent().id[1], a.get_parent().id[2].strip())
        kb = (b.get_parent().get_parent().id, b.get_parent().id[1], b.get_parent().id[2].strip())
        i, j = sorted((order[ka], order[kb]))
        if ka[0] == kb[0] and j - i < 3:
            continue
        contacts.append([i, j, float(np.linalg.norm(a.coord.astype(float) - b.coord.astype(float)))])
    contacts.sort()
    result = {
        "models": len(structure), "chains": chains, "residues": residues,
        "radius_of_gyration": rg, "radius_of_gyration_ca": rg_ca, "contacts": contacts,
    }
    if dssp_source is not None:
        assignment, version = run_dssp(dssp_source)
        result["dssp_version"] = version
        for r in residues:
            r["dssp"] = assignment.get(f"{r['chain']}:{r['number']}{r['insertion']}")
    return result


# ---------------------------------------------------------------- the structures


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    helix_seq = "SPEELLKKAEELLKRAEELMKKG"
    n = len(helix_seq)
    phis = [-70.0, -70.0] + [-57.0] * (n - 4) + [-70.0, -70.0]
    psis = [150.0, 140.0] + [-47.0] * (n - 4) + [140.0, 150.0]
    chain_a = build(helix_seq, phis, psis)

    strand = "KVTVEVRVE"
    chain_b = build(strand, [-139.0] * 9, [135.0] * 9)
    chain_c, c_bonds = place_partner(chain_b, build("TYRVEVKVT", [-139.0] * 9, [135.0] * 9),
                                     True, 1.0)
    chain_d, d_bonds = place_partner(chain_b, build("RIEVTVKVE", [-119.0] * 9, [113.0] * 9),
                                     False, -1.0)
    print(f"sheet placement: B-C {c_bonds} H-bonds, B-D {d_bonds} H-bonds", file=sys.stderr)

    loop_seq = "GPPPPSADELLKAUGSW"
    loop_phi = [-75.0] * 5 + [-49.0] * 6 + [-90.0, -80.0, -100.0, -120.0, -70.0, -80.0]
    loop_psi = [145.0] * 5 + [-26.0] * 6 + [10.0, 160.0, 120.0, 130.0, 150.0, 160.0]
    chain_e = build(loop_seq, loop_phi, loop_psi)

    # Put the pieces side by side: the helix near the sheet, the loop further away.
    chain_a = transform(chain_a, rotation_about(np.array([0.0, 0.0, 1.0]), 30.0),
                        np.array([0.0, 11.0, 0.0]))
    chain_e = transform(chain_e, rotation_about(np.array([1.0, 0.0, 0.0]), 60.0),
                        np.array([-24.0, -6.0, 4.0]))

    helix_seqres = ["MET", "GLY"] + [("MSE" if l == "M" else THREE[l]) for l in helix_seq]
    entries = [
        Entry("A", "DESIGNED HELIX", helix_seqres, chain_a,
              [(i + 3, "") for i in range(n)], hetero={helix_seq.index("M")}, skip={14}),
        Entry("B", "SHEET STRAND 1", [THREE[l] for l in strand], chain_b,
              [(50, ""), (51, ""), (52, ""), (52, "A"), (53, ""), (54, ""), (55, ""), (56, ""),
               (57, "")]),
        Entry("C", "SHEET STRAND 2", [THREE[l] for l in "TYRVEVKVT"], chain_c,
              [(i + 1, "") for i in range(9)]),
        Entry("D", "SHEET STRAND 3", [THREE[l] for l in "RIEVTVKVE"], chain_d,
              [(i + 1, "") for i in range(9)]),
        Entry("E", "LOOP WITH SELENOCYSTEINE",
              [("SEC" if l == "U" else THREE[l]) for l in loop_seq], chain_e,
              [(i + 1, "") for i in range(len(loop_seq))], hetero={loop_seq.index("U")}),
    ]
    centre_a = np.mean([xyz for _, atoms in chain_a for _, _, xyz in atoms], axis=0)
    sulfate_centre = centre_a + np.array([0.0, 0.0, 7.5])
    sulfate = [("S", "S", sulfate_centre)] + [
        (f"O{k + 1}", "O", sulfate_centre + 1.47 * np.array(v) / math.sqrt(3))
        for k, v in enumerate([(1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)])]
    ligands = [("SO4", "A", 101, sulfate, 41.5)]
    waters = []
    for k, offset in enumerate([(3.1, 0.4, 6.0), (-3.5, 2.2, 5.1), (0.5, -3.9, 6.4),
                                (6.0, 1.0, -2.0), (-5.5, -1.5, -3.0)]):
        waters.append(("HOH", "A", 201 + k, [("O", "O", centre_a + np.array(offset))],
                       30.0 + 3 * k))
    centre_b = np.mean([xyz for _, atoms in chain_b for _, _, xyz in atoms], axis=0)
    for k, offset in enumerate([(0.0, 0.0, 5.5), (2.0, -1.0, -5.8), (-2.5, 1.5, 6.1)]):
        waters.append(("HOH", "B", 301 + k, [("O", "O", centre_b + np.array(offset))],
                       35.0 + 2 * k))

    helix_records = ["HELIX    1   1 GLU A    5  LYS A   23  1                                  19"]
    sheet_records = [
        "SHEET    1   A 3 LYS B  50  GLU B  57  0",
        "SHEET    2   A 3 THR C   1  THR C   9 -1",
        "SHEET    3   A 3 ARG D   1  GLU D   9  1",
    ]
    complex_text = write_pdb(entries, ligands, waters,
                             "MIXED ALPHA/BETA TEST ASSEMBLY BUILT FROM IDEAL GEOMETRY", "9XYZ",
                             helix_records, sheet_records, altloc_atom=("A", 7, "CB"))
    (OUT / "complex.pdb").write_text(complex_text)

    helix_only = build("A" + "EELLKKAEELLKRAEELLK"[:19], [-57.0] * 20, [-47.0] * 20)
    (OUT / "helix.pdb").write_text(write_pdb(
        [Entry("A", "ALPHA HELIX", ["ALA"] + [THREE[l] for l in "EELLKKAEELLKRAEELLK"],
               helix_only, [(i + 1, "") for i in range(20)])],
        [], [], "IDEAL ALPHA HELIX", "1HLX", [], []))

    nmr = build("MKQLEDKVEELLSK", [-60.0] * 14, [-45.0] * 14)

    def wobble(chain, index, name):
        return np.array([math.sin(index + len(name)), math.cos(2 * index), math.sin(3 * index)]) * 0.3

    (OUT / "nmr.pdb").write_text(write_pdb(
        [Entry("A", "NMR HELIX", [THREE[l] for l in "MKQLEDKVEELLSK"], nmr,
               [(i + 1, "") for i in range(14)])],
        [], [], "TWO-MODEL ENSEMBLE", "2NMR", [], [],
        models=[lambda c, i, nm: np.zeros(3), wobble]))

    structure = PDBParser(QUIET=True).get_structure("9XYZ", str(OUT / "complex.pdb"))
    (OUT / "complex.cif").write_text(write_cif(
        structure, entries, "9XYZ", "MIXED ALPHA/BETA TEST ASSEMBLY BUILT FROM IDEAL GEOMETRY"))
    io_cif = MMCIFIO()
    io_cif.set_structure(structure)
    buffer = io.StringIO()
    io_cif.save(buffer)
    (OUT / "complex_biopython.cif").write_text(buffer.getvalue())

    fixtures = {
        "biopython_version": Bio.__version__,
        "generator": "scripts/gen_structure_fixtures.py",
        "note": "Biopython SeqIO sequences (SEC->U, PYL->O added), PPBuilder phi/psi (degrees), "
        "mass-weighted radius of gyration of amino-acid residues, NeighborSearch CA contacts "
        "(<= 8 A, same-chain separation >= 3), mkdssp secondary structure.",
        "files": {},
    }
    for name, fmt, dssp_from in [("helix.pdb", "pdb", "helix.pdb"),
                                 ("complex.pdb", "pdb", "complex.pdb"),
                                 ("complex.cif", "cif", "complex.pdb"),
                                 ("complex_biopython.cif", "cif", "complex.pdb"),
                                 ("nmr.pdb", "pdb", "nmr.pdb")]:
        path = OUT / name
        entry = reference(path, fmt, OUT / dssp_from)
        if fmt == "pdb":
            entry["seqres"] = sequences(path, "pdb-seqres")
            entry["atom_sequences"] = sequences(path, "pdb-atom")
        else:
            entry["seqres"] = sequences(path, "cif-seqres") if name == "complex.cif" else {}
            entry["atom_sequences"] = sequences(path, "cif-atom")
        entry["format"] = fmt
        fixtures["files"][name] = entry
    FIXTURE.write_text(json.dumps(fixtures, indent=2, sort_keys=True) + "\n")
    print(f"wrote {len(fixtures['files'])} structures to {FIXTURE}", file=sys.stderr)


if __name__ == "__main__":
    main()

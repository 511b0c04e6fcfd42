"""Build the PDF variant of the vendored Vazirmatn, whose text extracts right from a PDF (ADR 0018).

    python tools/build_pdf_fonts.py            # writes static/vendor/vazirmatn/pdf/VazirmatnKhedmatPDF-*.ttf
    python tools/build_pdf_fonts.py --check    # exit 1 when the committed files are not what this script builds

Why: Vazirmatn draws lam + alef («لا», mandatory in Arabic script) as ONE ligature glyph. A PDF maps each glyph
to its text through the font's ToUnicode map, so that glyph maps to the two letters «لا»; pdftotext, PDFBox,
pdfminer and PyMuPDF put the letters of a glyph in visual order inside a right-to-left line and so extract
«صلاحیت» as «صالحیت». Switching the ligature off (`font-feature-settings: "rlig" 0`) extracts right but prints
a lam and an alef side by side, which is wrong Persian.

This build keeps the drawing and changes only how it is cut into glyphs: every two-letter lam-alef ligature
becomes two glyphs, each the shape of ONE letter as far as a PDF is concerned:
- `<ligature>.lam`: the whole ligature outline (a composite of the original glyph, moved), advance = the
  right part of the ligature's width. It is reached from the lam only, so it maps to «ل».
- `<ligature>.alef`: no outline, advance = the left part. It is reached from the alef only, so it maps to «ا»
  (or «آ», «أ», «إ», «ٱ» for the other alef forms).
The ligature lookups are replaced in place by contextual lookups (same lookup flags: right-to-left, marks
ignored) that substitute the lam and the alef in the same context where the ligature applied. The glyphs sit
in the same place as the ligature did, so the printout does not change; the text does.

The «الله» ligature (U+FDF2 in `liga`) is removed: it is four letters in one glyph, and the word written
letter by letter is ordinary Persian typography.

The family is renamed «Vazirmatn Khedmat PDF» (the OFL asks modified versions not to pass as the original;
Vazirmatn declares no Reserved Font Name). Only the PDF renderer uses these files; the site's web fonts stay
the original Vazirmatn.
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from fontTools.otlLib import builder as otl
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables
from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "static" / "vendor" / "vazirmatn"
TARGET = SOURCE / "pdf"
WEIGHTS = ("Regular", "Bold")
FAMILY = "Vazirmatn Khedmat PDF"
PS_FAMILY = "VazirmatnKhedmatPDF"

LAM = 0x0644
ALLAH = 0xFDF2
# Share of the ligature's advance given to the (invisible) alef glyph; only text selection boxes depend on it.
ALEF_SHARE = 0.4


def _lam_forms(font: TTFont) -> set[str]:
    """The glyphs of lam and its contextual forms (and of lam-with-decorations such as U+06B5)."""
    cmap = font.getBestCmap()
    lams = {cmap[c] for c in (LAM, 0x06B5, 0x06B6, 0x06B7, 0x06B8, 0x076A, 0x08A6) if c in cmap}
    # Presentation forms of lam (U+FEDD–U+FEE0) and the .init/.medi/.fina variants named after any lam.
    lams |= {cmap[c] for c in range(0xFEDD, 0xFEE1) if c in cmap}
    order = font.getGlyphOrder()
    return lams | {g for g in order if g.split(".")[0] in lams}


def _single_lookup(mapping: dict[str, str], flag: int) -> otTables.Lookup:
    return otl.buildLookup([otl.buildSingleSubstSubtable(mapping)], flags=flag)


def _coverage(glyph: str) -> otTables.Coverage:
    coverage = otTables.Coverage()
    coverage.glyphs = [glyph]
    return coverage


def _context_subtable(lam: str, alef: str, lam_lookup: int, alef_lookup: int) -> otTables.ChainContextSubst:
    sub = otTables.ChainContextSubst()
    sub.Format = 3
    sub.BacktrackGlyphCount = 0
    sub.BacktrackCoverage = []
    sub.InputGlyphCount = 2
    sub.InputCoverage = [_coverage(lam), _coverage(alef)]
    sub.LookAheadGlyphCount = 0
    sub.LookAheadCoverage = []
    records = []
    for index, lookup in ((0, lam_lookup), (1, alef_lookup)):
        record = otTables.SubstLookupRecord()
        record.SequenceIndex = index
        record.LookupListIndex = lookup
        records.append(record)
    sub.SubstCount = len(records)
    sub.SubstLookupRecord = records
    return sub


def _add_split_glyphs(font: TTFont, ligature: str) -> tuple[str, str]:
    glyf, hmtx = font["glyf"], font["hmtx"]
    advance, _lsb = hmtx[ligature]
    alef_advance = round(advance * ALEF_SHARE)
    lam_name, alef_name = f"{ligature}.lam", f"{ligature}.alef"
    component = GlyphComponent()
    component.glyphName = ligature
    component.x, component.y = -alef_advance, 0
    component.flags = 0x4  # ROUND_XY_TO_GRID
    lam_glyph = Glyph()
    lam_glyph.numberOfContours = -1
    lam_glyph.components = [component]
    glyf[lam_name] = lam_glyph
    glyf[alef_name] = Glyph()  # empty
    # glyf appends new names to the font's glyph order (the same list); make sure, since hmtx and cmap rely on it.
    order = font.getGlyphOrder()
    if lam_name not in order:
        order += [lam_name, alef_name]
    glyf[lam_name].recalcBounds(glyf)
    hmtx[lam_name] = (advance - alef_advance, glyf[lam_name].xMin)
    hmtx[alef_name] = (alef_advance, 0)
    gdef = font["GDEF"].table
    if gdef.GlyphClassDef:
        gdef.GlyphClassDef.classDefs[lam_name] = 1
        gdef.GlyphClassDef.classDefs[alef_name] = 1
    return lam_name, alef_name


def split_lam_alef(font: TTFont) -> dict[str, tuple[str, str]]:
    """Replace every lam + alef ligature by a lam glyph and an alef glyph: {ligature: (lam glyph, alef glyph)}."""
    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    lam_forms = _lam_forms(font)
    split: dict[str, tuple[str, str]] = {}
    for index in range(len(lookups)):
        lookup = lookups[index]
        if lookup.LookupType != 4:
            continue
        entries = [(first, lig) for subtable in lookup.SubTable for first, ligs in subtable.ligatures.items()
                   for lig in ligs]
        if not any(first in lam_forms for first, _lig in entries):
            continue
        if any(first not in lam_forms or len(lig.Component) != 1 for first, lig in entries):
            raise SystemExit(f"lookup {index} mixes lam-alef with other ligatures: not handled by this build")
        pairs = [(first, lig.Component[0], lig.LigGlyph) for first, lig in entries]  # (lam, alef, ligature)
        flag = lookup.LookupFlag
        contexts = []
        for lam, alef, ligature in pairs:
            lam_name, alef_name = _add_split_glyphs(font, ligature)
            lookups.append(_single_lookup({lam: lam_name}, flag))
            lookups.append(_single_lookup({alef: alef_name}, flag))
            contexts.append(_context_subtable(lam, alef, len(lookups) - 2, len(lookups) - 1))
            split[ligature] = (lam_name, alef_name)
        replacement = otl.buildLookup(contexts, flags=flag)
        replacement.LookupType = 6
        lookups[index] = replacement
    gsub.LookupList.LookupCount = len(lookups)
    return split


_GLYPH_ID: dict[str, int] = {}


def _unwrapped(lookup) -> list:
    return [sub.ExtSubTable if lookup.LookupType == 9 else sub for sub in lookup.SubTable]


def _add_to_coverage(coverage, extra: list[str]) -> None:
    """Add glyphs to a coverage that no rule reads by index (format 3 contexts, format 1 adjustments)."""
    coverage.glyphs = list(dict.fromkeys([*coverage.glyphs, *extra]))
    coverage.glyphs.sort(key=_GLYPH_ID.__getitem__)


def carry_contextual_kerning(font: TTFont, split: dict[str, tuple[str, str]]) -> None:
    """Give the split glyphs the ligatures' contextual kerning, so that lines keep their exact widths.

    The space a rule adds next to a ligature is added next to the half that touches the context: the lam half
    (the right one) when the context comes before the ligature, the alef half (the left one) when it follows.
    The nested single adjustments (advance only) then take the same half.
    """
    _GLYPH_ID.clear()
    _GLYPH_ID.update(font.getReverseGlyphMap(rebuild=True))
    lookups = font["GPOS"].table.LookupList.Lookup
    nested: dict[int, set[str]] = {}
    for lookup in lookups:
        for sub in _unwrapped(lookup):
            if sub.__class__.__name__ in ("PairPos", "SinglePos"):
                continue
            if sub.__class__.__name__ != "ChainContextPos" or sub.Format != 3:
                for lig in split:
                    if lig in str(vars(sub)):
                        raise SystemExit(f"GPOS {sub.__class__.__name__} format {sub.Format} mentions {lig}")
                continue
            for position, coverage in enumerate(sub.InputCoverage):
                ligs = [lig for lig in split if lig in coverage.glyphs]
                if not ligs:
                    continue
                before = position > 0 or sub.BacktrackGlyphCount > 0
                after = position < sub.InputGlyphCount - 1 or sub.LookAheadGlyphCount > 0
                if before == after:
                    raise SystemExit("a kerning context on both sides of a lam-alef: not handled by this build")
                half = [split[lig][0 if before else 1] for lig in ligs]
                _add_to_coverage(coverage, half)
                for record in sub.PosLookupRecord:
                    if record.SequenceIndex == position:
                        nested.setdefault(record.LookupListIndex, set()).update(zip(ligs, half, strict=True))
            for coverage in sub.BacktrackCoverage[:1]:  # the ligature just before the input: its alef half
                _add_to_coverage(coverage, [split[lig][1] for lig in split if lig in coverage.glyphs])
            for coverage in sub.LookAheadCoverage[:1]:  # the ligature just after the input: its lam half
                _add_to_coverage(coverage, [split[lig][0] for lig in split if lig in coverage.glyphs])
            if any(lig in c.glyphs for c in [*sub.BacktrackCoverage[1:], *sub.LookAheadCoverage[1:]] for lig in split):
                raise SystemExit("a kerning context with a lam-alef further away: not handled by this build")
    for index, pairs in nested.items():
        for sub in _unwrapped(lookups[index]):
            if not any(lig in sub.Coverage.glyphs for lig, _half in pairs):
                continue
            if sub.__class__.__name__ != "SinglePos" or sub.Format != 1:
                raise SystemExit(f"GPOS lookup {index}: only single adjustments of format 1 are carried")
            _add_to_coverage(sub.Coverage, [half for lig, half in sorted(pairs) if lig in sub.Coverage.glyphs])


def drop_allah_ligature(font: TTFont) -> bool:
    allah = font.getBestCmap().get(ALLAH)
    dropped = False
    for lookup in font["GSUB"].table.LookupList.Lookup:
        if lookup.LookupType != 4:
            continue
        for subtable in lookup.SubTable:
            for first in list(subtable.ligatures):
                kept = [lig for lig in subtable.ligatures[first] if lig.LigGlyph != allah]
                if len(kept) != len(subtable.ligatures[first]):
                    dropped = True
                    if kept:
                        subtable.ligatures[first] = kept
                    else:
                        del subtable.ligatures[first]
    return dropped


def rename(font: TTFont, weight: str) -> None:
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} {weight}"
        elif record.nameID == 6:
            record.string = f"{PS_FAMILY}-{weight}"
        elif record.nameID == 3:
            record.string = f"{PS_FAMILY}-{weight};khedmat"


def build(weight: str) -> bytes:
    font = TTFont(SOURCE / f"Vazirmatn-{weight}.ttf", recalcTimestamp=False)  # reproducible: --check
    split = split_lam_alef(font)
    if not split:
        raise SystemExit(f"Vazirmatn-{weight}: no lam-alef ligature found; has the font changed?")
    carry_contextual_kerning(font, split)
    drop_allah_ligature(font)
    rename(font, weight)
    font.getReverseGlyphMap(rebuild=True)  # new glyphs were added
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    TARGET.mkdir(parents=True, exist_ok=True)
    stale = []
    for weight in WEIGHTS:
        data = build(weight)
        path = TARGET / f"{PS_FAMILY}-{weight}.ttf"
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(str(path))
        else:
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    if stale:
        print("out of date (run tools/build_pdf_fonts.py):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

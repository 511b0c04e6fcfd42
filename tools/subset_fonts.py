#!/usr/bin/env python3
"""Regenerate the web subsets of the vendored Vazirmatn fonts (static/vendor/vazirmatn/*-web.woff2).

The full fonts stay in the repository: the TTFs are what the PDFs embed (docs/adr/0004), the full woff2
files are the source of the subsets. The web pages load only the subsets: every character the site can
show — the text of the templates, the Persian catalogue's translations, the reference data (service
names, holidays, provinces, fees), the whole Persian alphabet with its Arabic variants and marks (names and
addresses typed by people), Persian, Arabic-Indic and Latin digits, Persian punctuation, basic Latin and the
bidi controls. Run it after adding text in a new script or symbol:

    .venv/bin/python tools/subset_fonts.py          # writes the subsets and prints their sizes
    .venv/bin/python tools/subset_fonts.py --check  # exit 1 if a used character is missing from a subset

Needs fontTools with brotli (both come with WeasyPrint).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = ROOT / "static" / "vendor" / "vazirmatn"
FONTS = {"Vazirmatn-Regular.woff2": "Vazirmatn-Regular-web.woff2", "Vazirmatn-Bold.woff2": "Vazirmatn-Bold-web.woff2"}
SOURCES = [
    (ROOT / "templates", ("*.html", "*.txt")),
    (ROOT / "locale", ("*.po",)),
    (ROOT / "khedmat", ("*.yaml", "*.py")),
    (ROOT / "static" / "css", ("*.css",)),
]

PERSIAN_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىيپچژکگیۀەھ"
ARABIC_MARKS = "".join(chr(c) for c in range(0x064B, 0x0656)) + "\u0670\u0654\u0655"  # tashkil, superscript alef, hamza
DIGITS = "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
PUNCTUATION = "،؛؟٪٫٬«»ـ…–—‐‑‘’“”•·×÷№°±‰"
CONTROLS = "\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069\u061c\u00a0\u202f"
LATIN = "".join(chr(c) for c in range(0x20, 0x7F))
BASE_TEXT = PERSIAN_LETTERS + ARABIC_MARKS + DIGITS + PUNCTUATION + CONTROLS + LATIN


def used_characters() -> set[str]:
    """Every character of the site's text sources that the full font can draw (others fall back anyway)."""
    chars = set(BASE_TEXT)
    for directory, patterns in SOURCES:
        for pattern in patterns:
            for path in directory.rglob(pattern):
                if "/tests/" in path.as_posix() or "/migrations/" in path.as_posix():
                    continue
                chars.update(path.read_text(encoding="utf-8", errors="ignore"))
    return {c for c in chars if c.isprintable() or c in CONTROLS}


def drawable(font_path: Path, chars: set[str]) -> set[str]:
    from fontTools.ttLib import TTFont

    cmap = TTFont(font_path).getBestCmap()
    return {c for c in chars if ord(c) in cmap}


def subset(source: Path, target: Path, chars: set[str]) -> None:
    from fontTools import subset as ft

    options = ft.Options()
    options.flavor = "woff2"
    # fontTools' default features: Persian shaping (init/medi/fina, rlig: lam-alef), marks, kerning, ligatures;
    # the stylistic sets, small caps and old-style figures the site never asks for are dropped.
    options.name_IDs = ["*"]  # keep the font's names and its OFL licence notice
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    font = ft.load_font(str(source), options)
    subsetter = ft.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    ft.save_font(font, str(target), options)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the subsets cover the site's characters")
    args = parser.parse_args(argv)
    wanted = used_characters()
    status = 0
    for full, web in FONTS.items():
        source, target = FONT_DIR / full, FONT_DIR / web
        chars = drawable(source, wanted)
        if args.check:
            missing = sorted(chars - drawable(target, chars)) if target.exists() else sorted(chars)
            if missing:
                print(f"{web}: missing {''.join(missing)!r}; run tools/subset_fonts.py", file=sys.stderr)
                status = 1
            continue
        subset(source, target, chars)
        print(f"{web}: {len(chars)} characters, {source.stat().st_size / 1024:.1f} KB → "
              f"{target.stat().st_size / 1024:.1f} KB")
    return status


if __name__ == "__main__":
    sys.exit(main())

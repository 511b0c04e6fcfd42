"""The web fonts are subsets of Vazirmatn (tools/subset_fonts.py) that still draw every character the site
shows; the PDFs keep embedding the full fonts."""
import importlib.util
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont

ROOT = Path(settings.BASE_DIR)
FONTS = ROOT / "static" / "vendor" / "vazirmatn"


def _tool():
    spec = importlib.util.spec_from_file_location("subset_fonts", ROOT / "tools" / "subset_fonts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_subsets_cover_every_character_the_site_uses(capsys):
    assert _tool().main(["--check"]) == 0, capsys.readouterr().err


def test_the_subsets_are_small_and_keep_persian_shaping():
    tool = _tool()
    for full, web in tool.FONTS.items():
        assert (FONTS / web).stat().st_size <= 24 * 1024 < (FONTS / full).stat().st_size
        font = TTFont(FONTS / web)
        cmap = font.getBestCmap()
        assert all(ord(c) in cmap for c in tool.PERSIAN_LETTERS + "۰۱۲۳۴۵۶۷۸۹٬٫٪«»،؛؟\u200c")
        features = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
        assert {"init", "medi", "fina", "rlig"} <= features  # joined letters and the lam-alef
        assert "OFL" in " ".join(str(name) for name in font["name"].names) or font["name"].getDebugName(13)


def test_the_site_loads_the_subsets_and_the_pdfs_the_full_fonts():
    css = (ROOT / "static" / "css" / "khedmat.css").read_text()
    assert "Vazirmatn-Regular-web.woff2" in css and "Vazirmatn-Bold-web.woff2" in css
    assert "Regular.woff2" not in css.replace("Regular-web.woff2", "")
    pdf_css = (ROOT / "static" / "certificates" / "pdf.css").read_text()
    assert "vazirmatn/pdf/VazirmatnKhedmatPDF-Regular.ttf" in pdf_css and "-web." not in pdf_css

"""System checks for invariants a deployment must never lose."""
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def khedmat_invariants(app_configs, **kwargs):
    errors = []
    if not settings.USE_TZ:
        errors.append(Error("USE_TZ must be True: instants are stored in UTC.", id="khedmat.E001"))
    if settings.LANGUAGE_CODE != "fa":
        errors.append(Error("LANGUAGE_CODE must be 'fa'.", id="khedmat.E002"))
    if settings.TIME_ZONE != "Asia/Tehran":
        errors.append(Error("TIME_ZONE must be 'Asia/Tehran' (the working-day zone).", id="khedmat.E003"))
    font = Path(settings.BASE_DIR) / "static" / "vendor" / "vazirmatn" / "Vazirmatn-Regular-web.woff2"
    if not font.exists():
        errors.append(Error("The vendored Vazirmatn web font is missing from static/vendor "
                            "(run tools/subset_fonts.py).", id="khedmat.E004"))
    mo = Path(settings.BASE_DIR) / "locale" / "fa" / "LC_MESSAGES" / "django.mo"
    if not mo.exists():
        errors.append(
            Warning("The Persian catalogue is not compiled (run: make messages).", id="khedmat.W005")
        )
    return errors

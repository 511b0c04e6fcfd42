from urllib.parse import urlsplit

from django.conf import settings
from django.http import FileResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import add_never_cache_headers


class CompressionMiddleware(GZipMiddleware):
    """Gzip what compresses: the pages, JSON, CSS, JavaScript, SVG (a 22 KB page travels as ~5 KB).

    Django's GZipMiddleware, so BREACH is mitigated as Django does it (up to 100 random bytes in every gzip
    header, "Heal the Breach", besides the masked CSRF token). It stands right after SecurityMiddleware and
    before WhiteNoise, so the static files of the embedded profile (served from static/ by the finders) are
    compressed too; in production WhiteNoise answers with the .br/.gz files `collectstatic` made
    (CompressedManifestStaticFilesStorage) and a response that already has a Content-Encoding is left alone.
    Fonts, images, PDFs and office files are compressed already and pass through untouched, and so do
    partial (Range) answers.
    """

    COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml",
                    "application/problem+json", "application/vnd.oai.openapi", "image/svg+xml")

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if response.status_code == 206 or response.has_header("Content-Range") or not content_type.startswith(
                self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)


class ContentSecurityPolicyMiddleware:
    """Every asset is served from this site (government intranets have no CDN), so 'self' only.

    The one other origin is the bank's payment page: paying posts a form that is redirected there,
    and browsers apply form-action to that redirect. Browser tests assert that no CSP violation is
    reported, which catches a stray external asset.
    """

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; form-action 'self'{gateway}; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _gateway_origin() -> str:
        url = urlsplit(getattr(settings, "PAYMENT_GATEWAY_URL", "") or "")
        return f" {url.scheme}://{url.netloc}" if url.scheme in ("http", "https") and url.netloc else ""

    def __call__(self, request):
        response = self.get_response(request)
        # The Django admin uses inline scripts on a few pages; it is staff-only and keeps its own policy.
        if request.path.startswith("/admin/"):
            return response
        policy = self.POLICY.format(gateway=self._gateway_origin())
        if request.path.startswith("/api/docs/"):
            # Swagger UI (served from the vendored sidecar files) sets inline styles.
            policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class PrivateNoStoreMiddleware:
    """`Cache-Control: no-store` on whatever is shown to a signed-in person and on every file download.

    A shared computer's browser cache, or a proxy between the office and the server, must not keep a
    case page, an inbox or a PDF. Public pages for anonymous visitors (the verification pages, the
    registries, the service catalogue) stay cacheable, and so does a download whose view declared
    itself public (`Cache-Control: public`) to an anonymous visitor. Static files are answered by
    WhiteNoise before this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        elif self._is_download(response) and "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _is_download(response) -> bool:
        return (isinstance(response, FileResponse) or response.has_header("Content-Disposition")
                or response.get("Content-Type", "").startswith("application/pdf"))


class PermissionsPolicyMiddleware:
    """No page of Khedmat uses a camera, microphone, location, payment request or device API: say so, so
    that an injected script or a framed page cannot ask for them. Only features Chromium recognises are
    listed (an unknown one is a console error in the browser tests)."""

    POLICY = ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "hid", "idle-detection",
            "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get", "screen-wake-lock",
            "serial", "usb", "xr-spatial-tracking",
        )
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response

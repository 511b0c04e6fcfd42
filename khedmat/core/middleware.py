from urllib.parse import urlsplit

from django.conf import settings


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

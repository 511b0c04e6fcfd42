

class ContentSecurityPolicyMiddleware:
    """Every asset is served from this site (government intranets have no CDN), so 'self' only.

    Browser tests assert that no CSP violation is reported, which catches a stray external asset.
    """

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    # Swagger UI (the API docs page, served from the vendored sidecar files) sets inline styles.
    API_DOCS_POLICY = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")

    def __call__(self, request):
        response = self.get_response(request)
        # The Django admin uses inline scripts on a few pages; it is staff-only and keeps its own policy.
        if request.path.startswith("/admin/"):
            return response
        policy = self.API_DOCS_POLICY if request.path.startswith("/api/docs/") else self.POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        return response



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

    def __call__(self, request):
        response = self.get_response(request)
        # The Django admin uses inline scripts on a few pages; it is staff-only and keeps its own policy.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response

"""Security headers on every response, HTML and JSON alike.

The Content-Security-Policy allows scripts, styles and forms only from this
site and no inline script, so an injected `<script>` does not run; the page
may not be framed (clickjacking), and browsers must not guess content types.
"""
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def register(app):
    @app.after_request
    def _security_headers(response):
        """Each header the view did not set itself. Read once, not with a setdefault per
        header: each of those scans the headers, and a missing one raises a KeyError."""
        present = set(response.headers.keys(lower=True))
        for name, value in HEADERS.items():
            if name.lower() not in present:
                response.headers.add(name, value)
        return response

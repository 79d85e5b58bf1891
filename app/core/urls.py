from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """Only follow redirects to paths on this site, never to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def public_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails and QR codes, on the configured public address."""
    from flask import current_app, url_for

    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)

"""Baseline for Lighthouse: a page with nothing left to improve, served by uvicorn.

A topic of 200 plain messages in semantic HTML (landmarks, headings, a language, a
description, a favicon), a few lines of CSS in a served stylesheet and no script. Lighthouse
on this page, in the same run as on Kring's pages, shows what the machine allows: when it
scores below 100 the machine was busy, not the page slow.

    uvicorn bench.baselines.static_page:application
"""

from __future__ import annotations

from typing import Any

CSS = b"""body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header,main{max-width:48rem;margin:0 auto;padding:1rem}
article{border-bottom:1px solid #ddd;padding:.5rem 0}
a{color:#0b57d0}
time{color:#555;font-size:.875rem}
"""
ICON = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#0b57d0"/></svg>"""


def _page() -> bytes:
    messages = "\n".join(
        f'<article id="m{i}"><h2><a href="#m{i}">Lid {i % 12 + 1}</a></h2>'
        f'<p><time datetime="2026-12-03T10:{i % 60:02d}:00Z">3 december 10:{i % 60:02d}</time></p>'
        f"<p>Wij laten studenten in de eerste week meelopen met een vakman uit het bedrijf ({i}).</p></article>"
        for i in range(1, 201)
    )
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tweehonderd berichten over stages</title>
<meta name="description" content="Een onderwerp met tweehonderd berichten: de basislijn voor Lighthouse.">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/page.css">
</head>
<body>
<header><p><a href="/">Basislijn</a></p></header>
<main><h1>Tweehonderd berichten over stages</h1>
{messages}
</main>
</body>
</html>
""".encode()


PAGE = _page()
FILES = {
    "/": (PAGE, b"text/html; charset=utf-8"),
    "/page.css": (CSS, b"text/css; charset=utf-8"),
    "/favicon.svg": (ICON, b"image/svg+xml"),
    "/robots.txt": (b"User-agent: *\nAllow: /\n", b"text/plain; charset=utf-8"),
}


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    body, kind = FILES.get(scope["path"], (b"not found", b"text/plain; charset=utf-8"))
    status = 200 if scope["path"] in FILES else 404
    headers = [(b"content-type", kind), (b"cache-control", b"max-age=3600")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

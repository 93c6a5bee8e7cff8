"""The patient's take-away summary (issue 15, item 8): one printable page, and the same page as a
PDF, with the pain map, the answers, the result and the advice, to show a clinician.

The printable page links its stylesheet and the Print button's script as static files (the app's
content security policy blocks inline styles and handlers); the PDF has the stylesheet inline."""

from __future__ import annotations

from importlib import resources
from typing import Any

from nervemap.web.templating import render_string


def _css() -> str:
    return resources.files("nervemap.web").joinpath("static/summary.css").read_text("utf-8")


def summary_html(context: dict[str, Any], printable: bool = True) -> str:
    """The summary page: ``context`` is the result page's (see patient.result_context) plus
    ``rows``, the answers in words, and ``emergency_number``."""
    return render_string("summary.html", {**context, "printable": printable, "css": _css()})


def pdf_bytes(html: str) -> bytes:
    from weasyprint import HTML

    document: bytes = HTML(string=html).write_pdf()
    return document

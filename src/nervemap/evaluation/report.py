"""HTML evaluation report: metrics with counts, a confusion matrix, a reliability diagram, misses."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from nervemap.evaluation.metrics import Metrics
from nervemap.evaluation.runner import CaseOutcome, EvaluationResult, format_table

CONFUSION_PNG = "confusion_matrix.png"
RELIABILITY_PNG = "reliability.png"
REPORT_HTML = "index.html"


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_confusion(metrics: Metrics, path: Path) -> Path:
    plt = _plt()
    rows = sorted(metrics.confusion)
    cols = sorted({c for r in metrics.confusion.values() for c in r} | set(rows))
    grid = [[metrics.confusion.get(r, {}).get(c, 0) for c in cols] for r in rows]
    fig_w = max(6.0, 0.35 * len(cols) + 3)
    fig_h = max(4.0, 0.35 * len(rows) + 2.5)
    fig, ax = plt.subplots(figsize=(fig_w, fig_h))
    if rows:
        ax.imshow(grid, cmap="Blues", aspect="auto")
        ax.set_xticks(range(len(cols)))
        ax.set_xticklabels(cols, rotation=90, fontsize=7)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(rows, fontsize=7)
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                if v:
                    ax.text(j, i, str(v), ha="center", va="center", fontsize=7)
    ax.set_xlabel("predicted top-1")
    ax.set_ylabel("expected")
    ax.set_title("Condition confusion (in scope)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_reliability(metrics: Metrics, path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    xs = [b.mean_probability for b in metrics.reliability if b.n]
    ys = [b.accuracy for b in metrics.reliability if b.n]
    ns = [b.n for b in metrics.reliability if b.n]
    ax.plot(xs, ys, marker="o", label="top-1")
    for x, y, n in zip(xs, ys, ns, strict=True):
        if x is not None and y is not None:
            ax.annotate(f"n={n}", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean top-1 probability")
    ax.set_ylabel("observed top-1 accuracy")
    brier = "n/a" if metrics.brier is None else f"{metrics.brier:.3f}"
    ax.set_title(f"Reliability (Brier {brier}, n={metrics.brier_n})")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _site_label(site: str | None, root: str | None, nerve: str | None) -> str:
    """'L5', 'peripheral-nerve common_fibular', 'plexus', or '-'."""
    if root:
        return root
    if site and nerve:
        return f"{site} {nerve}"
    return site or "-"


def _miss_row(o: CaseOutcome) -> str:
    e = o.expectation
    a = o.assessment
    top = ", ".join(f"{i} {p:.2f}" for i, p in o.top(3)) or "-"
    pred_loc = "-"
    pred_src = pred_tri = "-"
    if a is not None:
        loc = a.localization[0] if a.localization else None
        pred_loc = f"{_site_label(str(loc.site), loc.root, loc.nerve)} {loc.side or ''}" if loc else "-"
        pred_src = a.source.verdict
        pred_tri = str(a.triage.level)
    cells = [
        o.id,
        "yes" if o.in_scope else "no",
        f"{e.condition or '-'}",
        top,
        f"{_site_label(e.site, e.root, e.nerve)} {e.side or ''}",
        pred_loc,
        f"{e.source or '-'} / {pred_src}",
        f"{'/'.join(e.triage_ok) or '-'} / {pred_tri}",
        o.error or "",
        o.answer[:160],
    ]
    return "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"


def write_report(result: EvaluationResult, out_dir: str | Path) -> Path:
    """Write index.html with two PNGs into ``out_dir``; returns the HTML path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plot_confusion(result.metrics, out / CONFUSION_PNG)
    plot_reliability(result.metrics, out / RELIABILITY_PNG)
    (out / "result.json").write_text(result.to_json(), encoding="utf-8")
    misses = result.misses
    header = [
        "case",
        "in scope",
        "expected",
        "predicted top-3",
        "expected site (root/nerve) and side",
        "predicted localisation",
        "source exp/pred",
        "triage ok/pred",
        "error",
        "source answer",
    ]
    body = "\n".join(_miss_row(o) for o in misses)
    doc = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nervemap evaluation</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; font-size: 12px; }}
td, th {{ border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }}
pre {{ background: #f6f6f6; padding: 1em; }}
</style></head><body>
<h1>nervemap evaluation</h1>
<p>File: {html.escape(result.path)} &mdash; {len(result.outcomes)} cases,
{len(result.in_scope)} in scope. Headline figures use the in-scope cases only.</p>
<pre>{html.escape(format_table(result))}</pre>
<h2>Confusion matrix</h2><img src="{CONFUSION_PNG}" alt="confusion matrix">
<h2>Reliability diagram</h2><img src="{RELIABILITY_PNG}" alt="reliability diagram">
<h2>Misses ({len(misses)})</h2>
<p>Any case with a wrong top-1 condition, root, side, lesion site (kind and nerve), source or
triage, or an error.</p>
<table><tr>{"".join(f"<th>{h}</th>" for h in header)}</tr>
{body}
</table>
</body></html>
"""
    path = out / REPORT_HTML
    path.write_text(doc, encoding="utf-8")
    return path

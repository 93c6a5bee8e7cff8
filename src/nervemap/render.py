"""A readable terminal summary of an assessment (Rich), drawn only from the evidence record."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from nervemap.engine.assessment import Assessment, Evidence, EvidenceSet
from nervemap.knowledge.models import SiteKind

LEVEL_STYLE = {
    "emergency": "bold white on red",
    "urgent": "bold red",
    "soon": "bold yellow",
    "routine": "green",
    "self-care": "cyan",
}


def _label(item: Evidence) -> str:
    return item.label if item.status == "present" else f"no {item.label[:1].lower()}{item.label[1:]}"


def _evidence_line(evidence: EvidenceSet, limit: int = 4) -> str:
    pros = ", ".join(f"{_label(e)} ({e.weight:+.2f})" for e in evidence.for_[:limit])
    cons = ", ".join(f"{_label(e)} ({e.weight:+.2f})" for e in evidence.against[:limit])
    return f"[green]for:[/] {pros or '—'}\n[red]against:[/] {cons or '—'}"


def render_text(assessment: Assessment, console: Console) -> None:
    triage = assessment.triage
    title = f"nervemap assessment{f' — {assessment.case_id}' if assessment.case_id else ''}"
    header = (
        f"[{LEVEL_STYLE[triage.level.value]}] TRIAGE: {triage.level.value.upper()} [/]  {triage.reason}\n"
        f"Source: [bold]{assessment.source.verdict}[/] (p spinal {assessment.source.p_spinal:.2f})   "
        f"Severity: [bold]{assessment.severity.grade.value}[/] ({'; '.join(assessment.severity.basis)})"
    )
    if triage.suspected:
        # the differential agrees with the triage: what the urgent rules suspect comes first
        suspected = "; ".join(f"{s.name} ({s.level.value}, rule {s.rule})" for s in triage.suspected)
        header = f"[bold red]Suspected:[/] {suspected}\n{header}"
    console.print(Panel(header, title=title, expand=False))
    for flag in triage.red_flags:
        console.print(f"[red]⚑ {flag.name}[/] ({flag.level.value}): {', '.join(flag.findings)}")
    if not assessment.fit.adequate:
        console.print(f"[bold yellow]⚠ Out of model:[/] {assessment.fit.reason}")

    table = Table(title="Where is the lesion?", show_lines=True)
    table.add_column("site")
    table.add_column("p", justify="right")
    table.add_column("evidence (log LR)")
    for site in assessment.localization[:4]:
        if site.side is None and site.site is not SiteKind.NONE:
            # a one-sided site whose side nothing in the case states (engine/assess.py SIDE_TIE)
            name = f"{site.name} (side not stated)"
        else:
            name = site.name + (f" ({site.side})" if site.side and site.side != "bilateral" else "")
        if site.possibly:
            name += f", possibly {', '.join(site.possibly)}"
        table.add_row(name, f"{site.probability:.2f}", _evidence_line(site.evidence))
    console.print(table)
    imaging = assessment.imaging_concordance
    if imaging.status != "no imaging":
        style = "bold yellow" if imaging.status == "discordant" else "bold"
        console.print(f"[{style}]Imaging {imaging.status}:[/] {imaging.note}")

    table = Table(title="Differential", show_lines=True)
    table.add_column("condition")
    table.add_column("ICD-10-CM")
    table.add_column("p", justify="right")
    table.add_column("evidence (log LR)")
    for entry in assessment.differential[:5]:
        table.add_row(
            entry.name,
            ", ".join(entry.icd10),
            f"{entry.probability:.2f}",
            _evidence_line(entry.evidence),
        )
    console.print(table)

    if assessment.plan:
        table = Table(title="Plan", show_lines=False)
        table.add_column("")
        table.add_column("step")
        table.add_column("when")
        table.add_column("source")
        for item in assessment.plan[:12]:
            mark = {"do": "✓", "consider": "?", "do-not": "✗"}[item.recommendation]
            table.add_row(mark, item.step, item.when, item.source)
        console.print(table)
    for note in assessment.notes:
        console.print(f"[yellow]note:[/] {note}")
    console.print(f"[dim]{assessment.disclaimer} Knowledge {assessment.knowledge_version}.[/]")

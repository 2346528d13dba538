"""The conformance matrix: capability x check, pass / fail / skip with the reason.

Built from the JUnit XML that pytest writes, so the matrix and the CI's test report can
never disagree. The capability is the check module's name (``test_sign_in_codes`` ->
``sign_in_codes``). The HTML page is self-contained (inline CSS, no script) and every
value in it is escaped: failure messages carry response bodies from the target.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path


@dataclass(frozen=True)
class Row:
    capability: str
    check: str
    outcome: str  # pass | fail | skip
    detail: str


def rows(junit_xml: str | Path) -> list[Row]:
    found: list[Row] = []
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        module = (case.get("classname") or "").rsplit(".", 1)[-1]
        capability = module.removeprefix("test_")
        outcome, detail = "pass", ""
        for tag, name in (("failure", "fail"), ("error", "fail"), ("skipped", "skip")):
            node = case.find(tag)
            if node is not None:
                outcome = name
                # The message attribute is one line; a failure's text has the whole
                # report: problems, request, response and the curl line.
                text = node.text if name == "fail" else None
                detail = (text or node.get("message") or "").strip()
                break
        found.append(Row(capability, case.get("name") or "?", outcome, detail))
    return sorted(found, key=lambda r: (r.capability, r.check))


def summary(found: list[Row]) -> str:
    counts = Counter(r.outcome for r in found)
    return f"{counts['pass']} pass, {counts['fail']} fail, {counts['skip']} skip"


def _cell(text: str) -> str:
    """One line for a Markdown cell: the first line naming a problem, else the first line."""
    lines = text.splitlines()
    named = [ln for ln in lines if "Error: " in ln or ln.startswith("E ")]
    first = (named[0] if named else lines[0] if lines else "").removeprefix("E").strip()
    return first.replace("|", "\\|")[:160]


def markdown(found: list[Row], target: str) -> str:
    lines = [
        f"# FAPI conformance: {target}",
        "",
        summary(found),
        "",
        "| capability | check | result | reason |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {r.capability} | `{r.check}` | {r.outcome} | {_cell(r.detail)} |" for r in found]
    return "\n".join(lines) + "\n"


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}"
    ".pass{background:#e6f4ea}.fail{background:#fce8e6}.skip{background:#fef7e0}"
    "pre{white-space:pre-wrap;margin:0;font-size:12px}"
)


def html(found: list[Row], target: str) -> str:
    body = "".join(
        f"<tr class='{r.outcome}'><td>{escape(r.capability)}</td><td><code>{escape(r.check)}"
        f"</code></td><td>{r.outcome}</td><td><pre>{escape(r.detail)}</pre></td></tr>"
        for r in found
    )
    title = escape(f"FAPI conformance: {target}")
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1><p>{escape(summary(found))}</p>"
        "<table><tr><th>capability</th><th>check</th><th>result</th><th>reason</th></tr>"
        f"{body}</table></body></html>\n"
    )


def write(junit_xml: str | Path, report: str | Path, target: str) -> tuple[Path, Path]:
    """Write ``report`` as Markdown and the same name with ``.html`` as the page."""
    found = rows(junit_xml)
    md = Path(report).with_suffix(".md")
    page = Path(report).with_suffix(".html")
    md.write_text(markdown(found, target), "utf-8")
    page.write_text(html(found, target), "utf-8")
    return md, page

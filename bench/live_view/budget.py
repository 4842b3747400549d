"""Markdown tables of a performance budget: each row a measured number, its target, PASS/FAIL."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class BudgetTable:
    """One measurement's section: a title, what it measures, a table and notes below it."""
    title: str
    what: str  # one sentence: what is timed, from when to when
    machine: str  # bench.machine.machine_line(...)
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells) -> None:
        self.rows.append([str(cell) for cell in cells])

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", f"- Machine: {self.machine}", f"- Measures: {self.what}"]
        lines += [f"- {note}" for note in self.notes]
        lines += ["", "| " + " | ".join(self.columns) + " |", "|" + "|".join("---" for _ in self.columns) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"


def verdict(value: float | None, limit: float, below: bool = True) -> str:
    """PASS when `value` is within the limit (at most, or at least when below=False); n/a without a value."""
    if value is None:
        return "n/a"
    return "PASS" if (value <= limit if below else value >= limit) else "FAIL"


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def seconds(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def failed_table(title: str, machine: str, error: BaseException) -> str:
    """What the script prints when a measurement raised: the error, never a made-up number."""
    table = BudgetTable(title, "the measurement did not finish", machine, ["Result", "Error"])
    first_line = str(error).splitlines()[0] if str(error) else ""
    table.add("FAIL (error)", f"{type(error).__name__}: {first_line}".replace("|", "\\|"))
    return table.markdown()

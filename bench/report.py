"""The benchmark's output: a line per case, a summary table, docs/PERFORMANCE.md and its chart."""
import os
import platform
import re
import subprocess
import time
from dataclasses import dataclass

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass
class Row:
    label: str
    connections: int
    result: object  # load.Result
    goal: float = None  # the goal for `ratio`, if there is one
    baseline: object = None  # the ceiling's Result, measured just before, at the same concurrency
    scaling: tuple = None  # (ratio, goal, what is compared), for a case measured against another case
    note: str = None  # what else the case observed, printed beneath it and listed under the table

    @property
    def ratio(self):
        return self.result.rps / self.baseline.rps if self.baseline else None

    def goals(self):
        """(what, ratio, goal) for each goal this case answers."""
        found = []
        if self.goal is not None:
            found.append((f"{self.label} vs ceiling", self.ratio, self.goal))
        if self.scaling:
            ratio, goal, what = self.scaling
            found.append((what, ratio, goal))
        return found


def line(row):
    result = row.result
    ratio = f"{row.ratio:6.3f}" if row.ratio is not None else "     -"
    failed = f"  ({result.failed} failed)" if result.failed else ""
    ceiling = f"{row.baseline.rps:6.0f}" if row.baseline else "     -"
    note = f"\n    {row.note}" if row.note else ""
    return (f"{row.label:<38} c={row.connections:<4} {result.rps:7.0f} req/s  p50 {result.p50_ms:7.2f} ms  "
            f"p99 {result.p99_ms:8.2f} ms  ceiling {ceiling} req/s  ratio {ratio}{failed}{note}")


def _verdict(ratio, goal):
    return "met" if ratio >= goal else "**not met**"


def table(rows):
    lines = ["| case | connections | req/s | p50 ms | p99 ms | ceiling req/s (p99 ms) | ratio | goal | |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        r = row.result
        ratio = f"{row.ratio:.3f}" if row.ratio is not None else "1"
        goal = f">= {row.goal:.2f}" if row.goal is not None else ""
        verdict = _verdict(row.ratio, row.goal) if row.goal is not None else ""
        failed = f" ({r.failed} failed)" if r.failed else ""
        ceiling = f"{row.baseline.rps:.0f} ({row.baseline.p99_ms:.0f})" if row.baseline else ""
        lines.append(f"| {row.label}{failed} | {row.connections} | {r.rps:.0f} | {r.p50_ms:.2f} | "
                     f"{r.p99_ms:.2f} | {ceiling} | {ratio} | {goal} | {verdict} |")
    lines += ["", "| goal | measured | goal | |", "| --- | ---: | ---: | --- |"]
    for row in rows:
        for what, ratio, goal in row.goals():
            lines.append(f"| {what} | {ratio:.3f} | >= {goal:.2f} | {_verdict(ratio, goal)} |")
    notes = [f"- {row.label}: {row.note}" for row in rows if row.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def summary(rows):
    goals = [f"{what:<45} {ratio:6.3f}  goal >= {goal:.2f}  {'met' if ratio >= goal else 'NOT MET'}"
             for row in rows for what, ratio, goal in row.goals()]
    return "\n" + "\n".join(goals + [f"{row.label}: {row.note}" for row in rows if row.note])


def _machine(seconds, connections, generator):
    wrk = ""
    if generator == "wrk":
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("[")[0].strip()
    return (f"Run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {os.cpu_count()} cores, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"load from {wrk or generator} on the same machine; {seconds} s per case, "
            f"{connections} connections unless the table says otherwise.")


def write(rows, docs, seconds, connections, generator):
    """Put the figures between the markers of docs/PERFORMANCE.md (creating it if needed), and the chart."""
    os.makedirs(docs, exist_ok=True)
    path = os.path.join(docs, "PERFORMANCE.md")
    section = "\n".join([START, _machine(seconds, connections, generator), "", table(rows), "",
                         "![ratios to the ceiling](performance.png)", END])
    text = open(path).read() if os.path.exists(path) else f"# Performance\n\n{START}\n{END}\n"
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    with open(path, "w") as out:
        out.write(text)
    _chart(rows, os.path.join(docs, "performance.png"))
    print(f"wrote {path}")


def _chart(rows, path):
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed (pip install -r bench/requirements.txt): no chart")
        return
    matplotlib.use("Agg")
    from matplotlib import pyplot

    bars = [(what, ratio, goal) for row in rows for what, ratio, goal in row.goals()]
    bars += [(f"{row.label}, {row.connections} conn. vs ceiling", row.ratio, None)
             for row in rows if row.ratio and row.goal is None]
    figure, axes = pyplot.subplots(figsize=(9, 0.45 * len(bars) + 1.2))
    colours = ["#95a5a6" if goal is None else "#3a7d44" if ratio >= goal else "#c0392b" for _, ratio, goal in bars]
    axes.barh(range(len(bars)), [ratio for _, ratio, _ in bars], color=colours)
    axes.set_yticks(range(len(bars)), [what for what, _, _ in bars])
    for y, (_, ratio, goal) in enumerate(bars):
        if goal is not None:
            axes.plot([goal, goal], [y - 0.4, y + 0.4], color="black", linewidth=2)
        axes.text(ratio + 0.01, y, f"{ratio:.2f}", va="center", fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel("ratio (black tick: the goal; green met, red not met, grey: no goal)")
    axes.set_title("shop vs the ceiling (bare Flask on the same waitress)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)

"""py-spy sampling of a server process while a scenario runs (``python -m bench.run --profile``).

Raw collapsed stacks go to ``bench/results/profile-<db>-<scenario>.txt`` (git-ignored);
:func:`summarize` prints where the time goes: functions by self samples, and
our own (``socialnet/``) functions by inclusive samples.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

RAW_DIR = Path(__file__).resolve().parent / "results"


def start(
    pid: int, seconds: int, name: str, idle: bool = False
) -> tuple[subprocess.Popen, Path] | None:
    """Sample ``pid`` for ``seconds``; ``idle`` keeps waiting frames too (I/O, locks)."""
    binary = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(binary).exists():
        print("   (py-spy missing: pip install py-spy)")
        return None
    RAW_DIR.mkdir(exist_ok=True)
    out = RAW_DIR / f"profile-{name}.txt"
    args = [binary, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200"]
    args += ["--format", "raw", "--output", str(out), "--nonblocking"]
    if idle:
        args.append("--idle")
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out


def finish(handle: tuple[subprocess.Popen, Path] | None, top: int = 25) -> str:
    if handle is None:
        return ""
    process, out = handle
    process.wait(120)
    if not out.exists():
        return ""
    text = summarize(out, top)
    out.with_suffix(".top.txt").write_text(text)
    return text


def _frame(frame: str) -> str:
    return frame.strip()


def summarize(path: Path, top: int = 25) -> str:
    self_samples: Counter = Counter()
    ours: Counter = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_frame(f) for f in stack.split(";")]
        self_samples[frames[-1]] += n
        for f in set(frames):
            if "socialnet/" in f or "site-packages/sqlalchemy" in f and "execute" in f:
                ours[f] += n
    lines = [f"{path.name}: {total} samples", "", "self:"]
    lines += [f"  {n / total * 100:5.1f} %  {f}" for f, n in self_samples.most_common(top)]
    lines += ["", "inclusive (socialnet/ and SQLAlchemy execute):"]
    lines += [f"  {n / total * 100:5.1f} %  {f}" for f, n in ours.most_common(top)]
    return "\n".join(lines) + "\n"

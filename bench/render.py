"""Time and memory of PDF rendering per template, for resumes of one to four pages.

The documents are the shipped sample, the sample with its jobs repeated two, four and six times
(the `pages` column says how many pages each makes in each template), and the sample with a
Chinese name and summary, which loads the CJK font.

Baseline: xhtml2pdf rendering a one-line document in the same process, the floor cost of any PDF.
Each row is the median of `--runs` renders after one warm-up (fonts registered, templates
compiled), and the peak memory tracemalloc sees during one more render, run on its own because
tracing slows everything it watches. Target: under 1 s for a two-page resume.
Run: `.venv/bin/python bench/render.py [--runs 5]`.
"""

from __future__ import annotations

import argparse
import copy
import resource
import time
import tracemalloc
from collections.abc import Callable

from timing import median_ms

from worker.pipeline import export
from worker.pipeline.types import Profile


def longer(profile: Profile, copies: int) -> Profile:
    """The sample with its jobs repeated `copies` times, each under another employer name."""
    longer = copy.deepcopy(profile)
    longer["work"] = [
        {**job, "name": f"{job['name']} ({n})"} for n in range(copies) for job in profile["work"]
    ]
    return longer


def cjk(profile: Profile) -> Profile:
    """The sample with a Chinese name and summary: the documents that load the CJK font."""
    chinese = copy.deepcopy(profile)
    chinese["basics"]["name"] = "李明"
    chinese["basics"]["summary"] = "拥有九年经验的后端工程师，专注于可靠的服务和数据管道。"
    return chinese


def peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    sample = export.sample_profile()
    documents = {
        "sample": sample,
        "sample x2": longer(sample, 2),
        "sample x4": longer(sample, 4),
        "sample x6": longer(sample, 6),
        "sample, CJK": cjk(sample),
    }
    export.render_resume(sample)
    start = time.perf_counter()
    export.render_resume(documents["sample, CJK"])
    cold_cjk = (time.perf_counter() - start) * 1000
    baseline = median_ms(lambda: export.html_to_pdf("<p>baseline</p>"), runs)
    base_peak = peak_mib(lambda: export.html_to_pdf("<p>baseline</p>"))
    print(f"runs per row: {runs}; baseline (one-line PDF) {baseline:.1f} ms, {base_peak:.1f} MiB")
    header = f"{'template':10} {'document':12} {'pages':>5} {'median ms':>10} {'x base':>7}"
    print(f"{header} {'peak MiB':>9} {'x base':>7}")
    for template in export.TEMPLATES:
        for label, profile in documents.items():

            def render(profile: Profile = profile, template: str = template) -> bytes:
                return export.render_resume(profile, template=template).content

            pages = export.page_count(render())
            ms = median_ms(render, runs)
            peak = peak_mib(render)
            print(
                f"{template:10} {label:12} {pages:5} {ms:10.1f} {ms / baseline:7.1f} "
                f"{peak:9.1f} {peak / base_peak:7.1f}"
            )
    letter = ["Dear Hiring Team,", "I build observable systems. " * 20, "Kind regards,", "Avery"]
    ms = median_ms(lambda: export.render_cover_letter(sample, letter), runs)
    print(f"{'classic':10} {'letter':12} {1:5} {ms:10.1f} {ms / baseline:7.1f}")
    ms = median_ms(lambda: export.thumbnail.__wrapped__("modern"), runs)
    print(f"thumbnail (modern, uncached): {ms:.1f} ms")
    print(f"first CJK resume in the process (reads the 3.4 MB font): {cold_cjk:.1f} ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MiB (tracemalloc sees Python allocations only)")


if __name__ == "__main__":
    main()

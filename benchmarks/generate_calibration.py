"""Fit the synthetic generator's logit offsets to the published default rates.

Generates applicants and side tables in memory (no files), then adjusts the per-category logit
offsets and the intercept until the expected default rate of every category in
REFERENCE_DEFAULT_RATES, and the overall rate, match REFERENCE_STATS.md. Expected rates use the
true probabilities, so the fit has no Bernoulli noise. Prints the constants to paste into
scoring/data/synthetic/marginals.py.

    .venv/bin/python benchmarks/generate_calibration.py --applicants 200000
"""

from __future__ import annotations

import argparse
import math
import pprint
from pathlib import Path

import numpy as np
from scipy.special import expit, logit

from scoring.data import synthetic
from scoring.data.synthetic import marginals
from scoring.schema import SENTINEL_DAYS, TABLES

BEGIN, END = "# BEGIN CALIBRATED", "# END CALIBRATED"
# Columns whose published rates cover (almost) every applicant.
FULLY_TARGETED = ("CODE_GENDER", "NAME_CONTRACT_TYPE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=200_000)
    parser.add_argument("--iterations", type=int, default=8)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--write", action="store_true",
                        help="rewrite the calibrated block of scoring/data/synthetic/marginals.py")
    args = parser.parse_args()

    chunks = []
    for index in range(math.ceil(args.applicants / synthetic.CHUNK_SIZE)):
        ids = np.arange(synthetic.CHUNK_SIZE) + index * synthetic.CHUNK_SIZE
        chunk = synthetic.generate_chunk(args.seed, index, ids, np.zeros(ids.size, bool), 0, 0)
        chunks.append((chunk["applicants"], chunk["summaries"]))

    offsets = {k: dict(v) for k, v in marginals.CATEGORY_LOGIT_OFFSETS.items()}
    intercept = marginals.LOGIT_INTERCEPT
    columns = {
        name: np.concatenate([a.columns[name] for a, _ in chunks])
        for name in [*list(synthetic.REFERENCE_DEFAULT_RATES), "DAYS_EMPLOYED"]
    }
    def probabilities() -> np.ndarray:
        marginals.CATEGORY_LOGIT_OFFSETS = offsets
        marginals.LOGIT_INTERCEPT = intercept
        return np.concatenate([expit(synthetic.true_logit(a, s)) for a, s in chunks])

    sentinel = columns["DAYS_EMPLOYED"] == SENTINEL_DAYS
    for iteration in range(args.iterations + 1):
        # One column at a time (Gauss-Seidel), then the intercept: updating every column at once
        # overshoots because each column's shift also moves the overall rate.
        worst = 0.0
        for column, rates in synthetic.REFERENCE_DEFAULT_RATES.items():
            probability = probabilities()
            levels = TABLES["application_train"].column(column).levels or ()
            for level, target in rates.items():
                rate = probability[columns[column] == levels.index(level)].mean()
                worst = max(worst, abs(rate - target))
                if iteration < args.iterations:
                    step = float(logit(target) - logit(rate))
                    offsets[column][level] = round(offsets[column].get(level, 0.0) + step, 3)
            if iteration < args.iterations and column in FULLY_TARGETED:
                # Every level has a target: the column's mean offset is an intercept in disguise.
                shares = {level: float((columns[column] == levels.index(level)).mean())
                          for level in rates}
                mean = sum(offsets[column][level] * share for level, share in shares.items())
                for level in rates:
                    offsets[column][level] = round(offsets[column][level] - mean, 3)
                intercept = round(intercept + mean, 3)
        probability = probabilities()
        overall = float(probability.mean())
        print(f"iteration {iteration}: overall {overall:.4f}, worst category gap {worst:.4f}, "
              f"sentinel {probability[sentinel].mean():.4f} vs {probability[~sentinel].mean():.4f}")
        if iteration < args.iterations:
            step = float(logit(synthetic.REFERENCE_DEFAULT_RATE) - logit(overall))
            intercept = round(intercept + step, 3)
    block = (
        "CATEGORY_LOGIT_OFFSETS: dict[str, dict[str, float]] = "
        + pprint.pformat(offsets, sort_dicts=False, width=100)
        + f"\nLOGIT_INTERCEPT = {intercept}\n"
    )
    print(block)
    if args.write:
        source = Path(marginals.__file__)
        text = source.read_text()
        head, rest = text.split(BEGIN + "\n", 1)
        _, tail = rest.split(END, 1)
        source.write_text(head + BEGIN + "\n" + block + END + tail)
        print(f"written to {source}")


if __name__ == "__main__":
    main()

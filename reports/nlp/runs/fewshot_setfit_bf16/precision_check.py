"""SetFit at the paper's budget with the contrastive phase in float32, then under bfloat16 autocast,
on one few-shot fit (fold 0, draw 0, K examples per class, the same subsample and seed); prints
each accuracy and, when both precisions ran, the share of test texts given the same label.

    python reports/nlp/runs/fewshot_setfit_bf16/precision_check.py DATA_DIR [THREADS] [K] [fp32,bf16]
"""

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))

from nlp.data import load_flipkart, stratified_per_class
from nlp.embeddings import minilm_path
from nlp.encoder_methods import run_setfit
from nlp.fewshot import FewShotConfig, FewShotStudy, draw_seed

torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
corpus = load_flipkart(sys.argv[1])
study = FewShotStudy(corpus, FewShotConfig(methods=["setfit_minilm"]), log=print)
tr, te = study.folds[0]
full, test = corpus.subset(tr), corpus.subset(te)
k = int(sys.argv[3]) if len(sys.argv) > 3 else 8
modes = (sys.argv[4] if len(sys.argv) > 4 else "fp32,bf16").split(",")
seed = draw_seed(42, k, 0, 0)
train = full.subset(stratified_per_class(full.labels, k, seed))
predictions = {}
for bf16 in [m == "bf16" for m in modes]:
    settings = replace(study.setfit_settings(k, len(train)), bf16=bf16)
    result = run_setfit(train, test, minilm_path(), settings, seed=seed)
    predictions[bf16] = result.y_pred
    print(f"bf16={bf16} steps={settings.max_steps} accuracy={np.mean(result.y_pred == test.labels):.4f} "
          f"train={result.train_time_s:.1f}s", flush=True)
if len(predictions) == 2:
    print(f"same label on {np.mean(predictions[False] == predictions[True]):.3f} of {len(test)} test texts")

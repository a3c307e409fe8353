cd "$(dirname "$0")/../../.."  # the repository root
R=reports/nlp/runs
FT="$R/minilm_finetuned_5folds/results.json"
VAR=""
if [ -f $R/minilm_finetuned_meanpool/results.json ]; then FT="$R/minilm_finetuned_meanpool/results.json"; VAR="$R/minilm_finetuned_5folds/results.json"; fi
PART=""
if [ -z "$VAR" ] && [ -f $R/minilm_finetuned_meanpool/results.partial.json ]; then PART="--partial-runs $R/minilm_finetuned_meanpool/results.partial.json"; fi
EXT="$R/t5_external/results.json"
if [ -f $R/t5_external_es/results.json ]; then EXT="$R/t5_external_es/results.json"; VAR="$VAR $R/t5_external/results.json"; fi
FS="$R/fewshot_cheap/fewshot.json"
for f in $R/fewshot_setfit_fp32/fewshot.json $R/fewshot_setfit_fp32/fewshot.partial.json; do [ -f $f ] && FS="$FS $f" && break; done
OUT=${1:-reports/nlp}
nice -n 10 .venv/bin/python -m nlp merge $R/{classic,t5,setfit,t5b,t5_external_tokenizer}/results.json $EXT $FT $R/minilm_logreg_64/results.json \
  --out $OUT --seed-runs $R/e2e_seed1/results.json $R/seed2_setfit/results.json $R/seed2_t5/results.json $R/seed2_t5b/results.json \
  --variant-runs $R/{t5_len128_5folds_xeon,t5_len256_5folds,t5_lr_grid_5folds,minilm_logreg_256}/results.json $VAR \
  --fewshot-runs $FS $PART

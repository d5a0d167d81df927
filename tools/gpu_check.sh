#!/usr/bin/env bash
# The GPU check: one command for a CUDA machine that trains the 200M preset (`llm200m`) for a few minutes per
# configuration through the real CLI (pretraining settings of the README's recipe, on data that needs no network), and
# prints tokens/s, MFU and peak memory (measured, and 00_model's estimate) for each:
#   1. bf16 autocast + torch.compile, micro-batch 32 x 1024 (the H100/A100 recipe)
#   2. the same run resumed from its checkpoint (fused AdamW state and per-GPU random state restored)
#   3. fp16 autocast + GradScaler forced, micro-batch 4 x 1024 (the T4 recipe), with torch.compile
#   4. fp32, micro-batch 8 x 1024: no fused SDPA kernel takes grouped K/V heads in fp32, so K/V are repeated
#   5. Muon for the hidden matrices (--optimizer muon): bf16 + compile at 32 x 1024, and fp16 + GradScaler at 4 x 1024
#   6. torchrun on all GPUs, bf16 + compile (only when there are several)
#   7. the Mamba-2 hybrid of the same size (--preset hybrid-200m, 07_hybrid): bf16 + compile at 16 x 1024, and fp16 +
#      GradScaler at 1 x 1024 (its scan saves ~4x an attention layer's activations: the T4 shape of its plan)
# Data: the embedded pystdlib corpus with a 32000-token BPE, prepared once beforehand (`python -m llm200m.data prepare`).
# Any error, a non-finite loss, or a run that ends without training records makes it exit non-zero.
#
# Usage:  tools/gpu_check.sh [minutes per run, default 1.5]
#         tools/gpu_check.sh --cpu-smoke     the same plumbing on a CPU with the tiny preset (checks the script itself)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TOKENIZERS_PARALLELISM=false PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
work=$(mktemp -d "${TMPDIR:-/tmp}/llm200m-gpu-check.XXXXXX")
cd "$work"   # caches, checkpoints and metrics of the check stay here
echo "== work directory: $work"

if [ "${1:-}" = "--cpu-smoke" ]; then
  minutes=0.15
  model=(--preset tiny --dataset pystdlib --limit 200 --vocab-size 512 --seq-len 64 --device cpu)
  prep=(--dataset pystdlib --limit 200 --vocab-size 512)
  runs=("fp32-cpu:--precision fp32 --optimizer adamw --batch-size 8 --grad-accum 2"
        "muon-fp32-cpu:--precision fp32 --optimizer muon --batch-size 8 --grad-accum 2"
        "hybrid-fp32-cpu:--preset hybrid-tiny --precision fp32 --optimizer muon --batch-size 8 --grad-accum 2")
  resumed="fp32-cpu"
  multi=2; multi_flags="--precision fp32 --optimizer muon --batch-size 8 --grad-accum 1"
else
  minutes=${1:-1.5}
  model=(--preset llm200m --dataset pystdlib --vocab-size 32000 --seq-len 1024)
  prep=(--dataset pystdlib --vocab-size 32000)
  runs=("bf16-compile:--precision bf16 --optimizer adamw --compile --batch-size 32 --grad-accum 4"
        "fp16-scaler-compile:--precision fp16 --optimizer adamw --compile --batch-size 4 --grad-accum 32"
        "fp32-expanded-kv:--precision fp32 --optimizer adamw --batch-size 8 --grad-accum 4"
        "muon-bf16-compile:--precision bf16 --compile --optimizer muon --batch-size 32 --grad-accum 4"
        "muon-fp16-scaler:--precision fp16 --optimizer muon --batch-size 4 --grad-accum 32"
        "hybrid-bf16-compile:--preset hybrid-200m --precision bf16 --optimizer adamw --compile --batch-size 16 --grad-accum 8"
        "hybrid-fp16-scaler:--preset hybrid-200m --precision fp16 --optimizer adamw --batch-size 1 --grad-accum 128")
  resumed="bf16-compile"
  multi=$(python -c "import torch; print(torch.cuda.device_count())"); multi_flags="--precision bf16 --compile --optimizer muon --batch-size 32 --grad-accum 1"
fi

echo "== machine"
python - "${1:-}" <<'PY'
import sys, platform, torch
import llm200m
print(f"python {platform.python_version()} | torch {torch.__version__} | CUDA {torch.version.cuda} | llm200m {llm200m.__version__}")
if sys.argv[1] == "--cpu-smoke": sys.exit(0)
if not torch.cuda.is_available(): sys.exit("no CUDA GPU is visible: this check is for a GPU machine (try --cpu-smoke)")
for i in range(torch.cuda.device_count()):
    p = torch.cuda.get_device_properties(i)
    print(f"cuda:{i} {p.name} | capability {p.major}.{p.minor} | {p.total_memory / 2**30:.1f} GiB | {p.multi_processor_count} SMs")
from torch.nn.attention import sdpa_kernel, SDPBackend
q = torch.randn(1, 12, 1024, 64, device="cuda", dtype=torch.bfloat16); kv = torch.randn(1, 4, 1024, 64, device="cuda", dtype=torch.bfloat16)
for backend in (SDPBackend.FLASH_ATTENTION, SDPBackend.CUDNN_ATTENTION, SDPBackend.EFFICIENT_ATTENTION):
    try:
        with sdpa_kernel([backend]): torch.nn.functional.scaled_dot_product_attention(q, kv, kv, is_causal=True, enable_gqa=True)
        print(f"SDPA {backend.name} with grouped K/V heads (bf16): yes")
    except RuntimeError: print(f"SDPA {backend.name} with grouped K/V heads (bf16): no")
PY

echo "== preparing the data once: python -m llm200m.data prepare ${prep[*]}"
python -m llm200m.data prepare "${prep[@]}"

common=(--max-minutes "$minutes" --warmup-steps 10 --lr 6e-4 --min-lr 6e-5 --eval-every 100000 --eval-batches 4
        --save-every 100000 --log-every 5)
names=()
for run in "${runs[@]}"; do
  name=${run%%:*}; flags=${run#*:}
  echo "== $name: python -m llm200m.pretrain ${model[*]} $flags (${minutes} min)"
  # shellcheck disable=SC2086
  python -m llm200m.pretrain "${model[@]}" $flags "${common[@]}" --out-dir "$name" --stats-dir "$name"
  names+=("$name")
  if [ "$name" = "$resumed" ]; then
    echo "== $name, resumed: python -m llm200m.pretrain --resume --out-dir $name (${minutes} min more)"
    python -m llm200m.pretrain --resume --out-dir "$name" --stats-dir "$name" --max-minutes "$(python -c "print(2 * $minutes)")"
  fi
done
if [ "$multi" -gt 1 ]; then
  name="torchrun-x$multi"
  echo "== $name: torchrun --nproc_per_node=$multi -m llm200m.pretrain ${model[*]} $multi_flags (${minutes} min)"
  # shellcheck disable=SC2086
  python -m torch.distributed.run --standalone --nproc_per_node="$multi" -m llm200m.pretrain "${model[@]}" $multi_flags \
    "${common[@]}" --out-dir "$name" --stats-dir "$name"
  names+=("$name")
fi

echo "== results (records after the first two, which include compiling); estimate: 00_model's training_memory"
python - "${names[@]}" <<'PY'
import json, math, statistics, sys
import torch
from llm200m.model import ModelConfig, training_memory
from llm200m.pretrain import attention_kind
failed = False
print(f"{'run':22} {'device':30} {'prec':5} {'steps':>6} {'tokens/s':>10} {'MFU':>6} {'peak GiB':>9} {'estimate':>9} {'loss first -> last':>19}")
for name in sys.argv[1:]:
    run = json.load(open(f"{name}/training_metrics.json"))["runs"][-1]
    records = [h for h in run["history"] if "train_loss" in h]
    if not records:
        print(f"{name:22} FAILED: no training record ({run['status']}: {run.get('stop_reason')})"); failed = True; continue
    timed = records[2:] or records
    tok_s = statistics.median(h["tokens_per_s"] for h in timed)
    mfu = [h["mfu"] for h in timed if h.get("mfu") is not None]
    peak = max((h.get("peak_memory_gib") or 0) for h in records)
    cfg, tc = ModelConfig(**run["model_config"]), run["train_config"]
    device_type = "cuda" if run["device"].startswith("cuda") else "cpu"
    capability = torch.cuda.get_device_capability() if device_type == "cuda" else None
    estimate = training_memory(cfg, tc["batch_size"], run["seq_len"], run["precision"],
                               attention=attention_kind(cfg, device_type, run["precision"], capability))["total"]
    first, last = records[0]["train_loss"], records[-1]["train_loss"]
    ok = run["status"] in ("completed", "time_budget") and math.isfinite(last) and not run.get("nan_steps_skipped")
    failed |= not ok
    print(f"{name:22} {run['device'][:30]:30} {run['precision']:5} {records[-1]['step']:>6} {tok_s:>10,.0f} "
          f"{(f'{statistics.median(mfu):.1%}' if mfu else '-'):>6} {peak:>9.1f} {estimate:>9.1f} {f'{first:.2f} -> {last:.2f}':>19}"
          f"{'' if ok else '   <- FAILED: ' + run['status']}")
sys.exit(1 if failed else 0)
PY
echo "== the GPU check passed"

"""Sweep and benchmark pretraining recipes for the quick start's time budget, side by side in one process on one machine.

Each run trains through the real CLI (`llm200m.pretrain.main`) on the embedded pystdlib corpus, on a wall-clock budget
(`--max-minutes`, so the schedule is fitted to it), evaluating about every `--eval-seconds` on the same held-out text;
after the run, its final weights are scored on the whole validation split. Results (validation bits per byte against
wall-clock seconds) go to a JSON file that 02_pretrain reads.

    python tools/bench_recipe.py stage1 --minutes 2 --out nbs/bench/recipe_sweep.json   (then stage2)
    python tools/bench_recipe.py benchmark --out nbs/bench/recipe_benchmark.json
"""
import argparse, json, os, platform, time
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")
import torch
import llm200m.model as model_module
from llm200m.model import load_checkpoint
from llm200m.pretrain import main, evaluate, choose_precision, TrainConfig
from llm200m.data import load_tokenizer, prepare_pretraining_data, eval_batches, token_byte_lengths

TODAY = dict(vocab_size=4096, context_length=256, dim=256, n_layers=6, n_heads=8, n_kv_heads=4, ffn_dim=704)  # demo until 2026-12

def full_validation_bpb(checkpoint: Path, precision: str) -> float:
    "Bits per byte of `checkpoint` on the whole validation split of pystdlib (every window, in its own sequence length)"
    model = load_checkpoint(checkpoint).eval()
    tokenizer = load_tokenizer(str(checkpoint))
    _, data = prepare_pretraining_data("pystdlib", tokenizer=str(checkpoint))
    T = model.cfg.context_length
    n_windows = (len(data.val) - 1) // T
    batches = eval_batches(data.val, 16, T, max(1, n_windows // 16))
    return evaluate(model, batches, token_byte_lengths(tokenizer), precision)["val_bpb"]

def run(name: str, shape: dict, flags: list[str], minutes: float | None, scratch: Path, eval_seconds: float, tok_s_guess: float) -> dict:
    "Train one recipe; its evaluations (elapsed seconds, bits per byte) and its final score on the whole validation split"
    preset = "bench-" + "".join(c if c.isalnum() else "-" for c in name)
    model_module.PRESETS[preset] = shape
    out = scratch / preset
    args = dict(zip(flags[::2], flags[1::2]))
    seq, batch = int(args.get("--seq-len", shape["context_length"])), int(args.get("--batch-size", TrainConfig().batch_size))
    step_tokens = seq * batch * int(args.get("--grad-accum", 1))
    argv = ["--preset", preset, "--out-dir", str(out), "--stats-dir", str(out), "--save-every", "1000000"]
    if minutes is not None:  # a budget: evaluate on a cadence of seconds (roughly), on 40,960 tokens as the old demo did
        argv += ["--max-minutes", str(minutes), "--max-steps", "1000000",
                 "--eval-every", str(max(1, round(eval_seconds * tok_s_guess / step_tokens))),
                 "--eval-batches", str(max(1, round(40960 / (seq * batch))))]
    argv += flags
    started = time.perf_counter()
    code = main(argv)
    wall = time.perf_counter() - started
    assert code == 0, (name, code)
    entry = json.loads((out / "training_metrics.json").read_text())["runs"][-1]
    evals = [{"step": h["step"], "elapsed_s": h["elapsed_s"], "val_bpb": h["val_bpb"]} for h in entry["history"] if "val_bpb" in h]
    train = [h for h in entry["history"] if "tokens_per_s" in h]
    result = {"name": name, "shape": shape, "flags": flags, "argv": argv, "params": entry["params"], "precision": entry["precision"],
              "steps": entry["history"][-1]["step"], "tokens": entry["history"][-1]["tokens"], "train_s": evals[-1]["elapsed_s"],
              "wall_s": wall, "tokens_per_s": sum(h["tokens_per_s"] for h in train) / max(1, len(train)), "evals": evals,
              "final_bpb": evals[-1]["val_bpb"], "full_val_bpb": full_validation_bpb(out / "pretrain_latest", entry["precision"])}
    print(f"{name:28s} {result['params'] / 1e6:5.2f}M {result['precision']} {result['steps']:5d} steps {result['tokens']:>10,} tokens "
          f"{result['train_s']:6.1f} s {result['tokens_per_s']:7,.0f} tok/s  bpb {result['final_bpb']:.4f} (whole val {result['full_val_bpb']:.4f})",
          flush=True)
    return result

def shape(**changes) -> dict: return {**TODAY, **changes}

SWEEPS = {  # name: (shape, extra CLI flags); a staged search, each stage starting from the last one's best
    "stage1": {  # (the defaults then: AdamW at 2e-3, batch 16, 30 warm-up steps)
        "adamw-fp32":        (shape(), ["--optimizer", "adamw", "--batch-size", "16", "--precision", "fp32"]),
        "adamw":             (shape(), ["--optimizer", "adamw", "--batch-size", "16"]),
        "adamw-lr4e-3":      (shape(), ["--optimizer", "adamw", "--batch-size", "16", "--lr", "4e-3", "--min-lr", "4e-4"]),
        "muon":              (shape(), ["--batch-size", "16", "--optimizer", "muon"]),
        "muon-lr0.04":       (shape(), ["--batch-size", "16", "--optimizer", "muon", "--muon-lr", "0.04"]),
        "muon-b8":           (shape(), ["--optimizer", "muon", "--batch-size", "8"]),
        "muon-s128-b32":     (shape(context_length=128), ["--optimizer", "muon", "--batch-size", "32"]),
    },
    "stage2": {  # from the best of stage 1: Muon, micro-batches of 8
        "muon-b8-lr0.04":    (shape(), ["--optimizer", "muon", "--batch-size", "8", "--muon-lr", "0.04"]),
        "muon-b4":           (shape(), ["--optimizer", "muon", "--batch-size", "4"]),
        "muon-b8-d256L4":    (shape(n_layers=4), ["--optimizer", "muon", "--batch-size", "8"]),
        "muon-b8-d192L6":    (shape(dim=192, n_heads=6, n_kv_heads=2, ffn_dim=512), ["--optimizer", "muon", "--batch-size", "8"]),
        "muon-b8-d384L4":    (shape(dim=384, n_layers=4, n_heads=6, n_kv_heads=2, ffn_dim=1024), ["--optimizer", "muon", "--batch-size", "8"]),
        "muon-b8-v2048":     (shape(), ["--optimizer", "muon", "--batch-size", "8", "--vocab-size", "2048"]),
        "muon-b8-v8192":     (shape(), ["--optimizer", "muon", "--batch-size", "8", "--vocab-size", "8192"]),
        "muon-b8-wu10":      (shape(), ["--optimizer", "muon", "--batch-size", "8", "--warmup-steps", "10"]),
        "adamw-b8":          (shape(), ["--optimizer", "adamw", "--batch-size", "8"]),
    },
    "stage3": {  # around the best of stage 2: 4 layers of 256
        "muon-b8-d256L3":         (shape(n_layers=3), ["--optimizer", "muon", "--batch-size", "8"]),
        "muon-b8-d384L3":         (shape(dim=384, n_layers=3, n_heads=6, n_kv_heads=2, ffn_dim=1024), ["--optimizer", "muon", "--batch-size", "8"]),
        "muon-b8-d256L4-compile": (shape(n_layers=4), ["--optimizer", "muon", "--batch-size", "8", "--compile"]),
        "muon-b16-d256L4-s128":   (shape(n_layers=4, context_length=128), ["--optimizer", "muon", "--batch-size", "16"]),
        "adamw-b8-d256L4":        (shape(n_layers=4), ["--optimizer", "adamw", "--batch-size", "8"]),
        "adamw-b8-d256L4-lr3e-3": (shape(n_layers=4), ["--optimizer", "adamw", "--batch-size", "8", "--lr", "3e-3", "--min-lr", "3e-4"]),
    },
    "stage5": {  # weight decay, on the shape stage 4 chose (2 minutes)
        "muon-b8-d256L3-wd0":       (shape(n_layers=3), ["--optimizer", "muon", "--batch-size", "8", "--weight-decay", "0"]),
        "muon-b8-d256L3-muonwd0.05": (shape(n_layers=3), ["--optimizer", "muon", "--batch-size", "8", "--muon-weight-decay", "0.05"]),
    },
    "stage4": {  # the two best of stage 3, on the quick start's 4 minutes (run with --minutes 4)
        "muon-b8-d256L3 (4 min)": (shape(n_layers=3), ["--optimizer", "muon", "--batch-size", "8"]),
        "muon-b8-d384L3 (4 min)": (shape(dim=384, n_layers=3, n_heads=6, n_kv_heads=2, ffn_dim=1024), ["--optimizer", "muon", "--batch-size", "8"]),
    },
}

# The benchmark: today's recipe (the demo defaults until 2026-12: 300 steps of 16 x 256, AdamW; fp32, what `auto` chose on
# every CPU then) and the same in bf16, against the new defaults (`python -m llm200m.pretrain` with no flags: Muon) and
# the new recipe with AdamW, each as the quick start runs it (no time budget), evaluated on the same 160 windows.
TODAY_FLAGS = ["--batch-size", "16", "--lr", "2e-3", "--min-lr", "2e-4", "--warmup-steps", "30", "--max-steps", "300",
               "--eval-every", "50", "--eval-batches", "10", "--optimizer", "adamw"]
BENCHMARK = {
    "today (AdamW, fp32)":      (TODAY, TODAY_FLAGS + ["--precision", "fp32"]),
    "today, bf16":              (TODAY, TODAY_FLAGS + ["--precision", "bf16"]),
    "new recipe, AdamW":        (None, ["--optimizer", "adamw"]),
    "new default (Muon)":       (None, []),
}

def machine() -> dict:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    return {"cpu": cpu, "cores": os.cpu_count(), "torch": torch.__version__, "auto_precision": choose_precision("auto", "cpu")}

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("what", help="a stage of SWEEPS, 'benchmark', or a JSON file of {name: [shape, flags]}")
    p.add_argument("--minutes", type=float, default=2.0)
    p.add_argument("--eval-seconds", type=float, default=20.0)
    p.add_argument("--tok-s-guess", type=float, default=6000.0, help="tokens/s, to turn the evaluation cadence into steps")
    p.add_argument("--only", nargs="*", help="run only these names")
    p.add_argument("--scratch", default="/tmp/llm200m-recipes")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if a.what == "benchmark":
        runs, a.minutes = {k: (v[0] or model_module.PRESETS["demo"], v[1]) for k, v in BENCHMARK.items()}, None
    else: runs = SWEEPS[a.what] if a.what in SWEEPS else {k: tuple(v) for k, v in json.loads(Path(a.what).read_text()).items()}
    out = Path(a.out)
    results = json.loads(out.read_text()) if out.exists() else {"machine": machine(), "runs": {}}
    for name, (sh, flags) in runs.items():
        if a.only and name not in a.only: continue
        results["runs"][name] = {**run(name, sh, flags, a.minutes, Path(a.scratch), a.eval_seconds, a.tok_s_guess), "budget_minutes": a.minutes}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1))

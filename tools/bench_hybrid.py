"""07_hybrid's race between attention and the Mamba-2 hybrid, side by side in one script, on one machine.

1. Decoding (`decode`): `llm200m` against `hybrid-200m` (random weights, seed 0, contexts stretched to 16k+), batch 1,
   through the engine's decode step (05's `DecodeStep` on its inference copy), one token at a time after a cache already holding 256, 1k, 4k and 16k
   positions (filled with random keys, values and states: the speed of a step depends on the cache's size, not its
   content). Tokens/s (median of `--rounds`, the two models alternating) and the bytes of the cache at that context.
2. Training throughput (`train`): tokens/s of a full step (forward, backward, AdamW) at sequence length 1024, for
   `demo` against `hybrid-demo` (batch 4) and `llm200m` against `hybrid-200m` (batch 1), alternating.
3. The race (`race`): `python -m llm200m.pretrain` on pystdlib for the same wall-clock minutes, `demo` then
   `hybrid-demo`, the same tokenizer, data, seed and settings; validation bits per byte against time.

    python tools/bench_hybrid.py [--parts decode,train,race] [--rounds 3] [--minutes 4] [--out nbs/bench/hybrid_race.json]
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path

CONTEXTS, NEW_TOKENS = (256, 1024, 4096, 16384), 16


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"): return line.split(":", 1)[1].strip()
    return platform.processor()


def decode(rounds: int) -> list[dict]:
    import torch
    from llm200m.model import Llama, get_config
    from llm200m.engine import DecodeStep, prepare_for_inference
    models = {}
    for preset in ("llm200m", "hybrid-200m"):
        torch.manual_seed(0)
        models[preset] = DecodeStep(prepare_for_inference(Llama(get_config(preset, context_length=CONTEXTS[-1] + NEW_TOKENS + 8))))
    rows = []
    for ctx in CONTEXTS:
        rates = {p: [] for p in models}
        for r in range(rounds):
            for preset in (models if r % 2 == 0 else list(models)[::-1]):
                step = models[preset]
                cache = step.model.make_cache(1, ctx + NEW_TOKENS + 2)
                g = torch.Generator().manual_seed(0)
                for t in (cache.k, cache.v): t[:, :, :, :ctx].normal_(generator=g)
                for name in ("conv", "ssm"):
                    if hasattr(cache, name): getattr(cache, name).normal_(generator=g).mul_(0.1)
                cache.pos, token = ctx, torch.zeros(1, dtype=torch.long)
                with torch.inference_mode():
                    for _ in range(2): step(token, cache)                             # warm-up
                    t0 = time.perf_counter()
                    for _ in range(NEW_TOKENS): step(token, cache)
                    rates[preset].append(NEW_TOKENS / (time.perf_counter() - t0))
                del cache
            print(f"context {ctx}, round {r}: " + ", ".join(f"{p} {v[-1]:.1f} tok/s" for p, v in rates.items()), flush=True)
        for preset in models:
            cache = models[preset].model.make_cache(1, ctx)
            states = sum(getattr(cache, n).nbytes for n in ("conv", "ssm") if hasattr(cache, n))
            rows.append(dict(model=preset, context=ctx, tokens_per_s=statistics.median(rates[preset]),
                             cache_mb=(cache.k.nbytes + cache.v.nbytes + states) / 1e6, state_mb=states / 1e6))
    return rows


def train(rounds: int) -> list[dict]:
    import torch
    from llm200m.model import Llama, get_config
    rows = []
    for pair, B, steps in ((("demo", "hybrid-demo"), 4, 3), (("llm200m", "hybrid-200m"), 1, 3)):
        rates = {p: [] for p in pair}
        for r in range(rounds):
            for preset in (pair if r % 2 == 0 else pair[::-1]):
                torch.manual_seed(0)
                m = Llama(get_config(preset, context_length=1024)).train()
                opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
                x = torch.randint(0, m.cfg.vocab_size, (B, 1024))
                for i in range(steps + 1):                                               # the first: warm-up (allocations)
                    if i == 1: t0 = time.perf_counter()
                    m(x, x)[1].backward(); opt.step(); opt.zero_grad(set_to_none=True)
                rates[preset].append(B * 1024 * steps / (time.perf_counter() - t0))
            print(f"train, round {r}: " + ", ".join(f"{p} {v[-1]:.0f} tok/s" for p, v in rates.items()), flush=True)
        rows += [dict(model=p, batch=B, seq_len=1024, tokens_per_s=statistics.median(v)) for p, v in rates.items()]
    return rows


def race(minutes: float) -> list[dict]:
    work = Path(tempfile.mkdtemp(prefix="llm200m-race-"))
    runs = []
    for preset in ("demo", "hybrid-demo"):
        out = work / preset
        args = [sys.executable, "-m", "llm200m.pretrain", "--preset", preset, "--dataset", "pystdlib", "--max-minutes", str(minutes),
                "--max-steps", "100000", "--eval-every", "50", "--device", "cpu", "--out-dir", str(out), "--stats-dir", str(out)]
        t0 = time.perf_counter()
        done = subprocess.run(args, cwd=work, capture_output=True, text=True, env={**os.environ, "TQDM_DISABLE": "1"})
        if done.returncode: raise SystemExit(f"{preset}: {done.stderr[-3000:]}")
        history = json.loads((out / "training_metrics.json").read_text())["runs"][-1]["history"]
        curve = [dict(elapsed_s=h["elapsed_s"], step=h["step"], tokens=h["tokens"], val_bpb=h["val_bpb"]) for h in history if "val_bpb" in h]
        params = next(line for line in done.stdout.splitlines() if "parameters" in line)
        print(f"{preset}: {len(curve)} evaluations, last val bpb {curve[-1]['val_bpb']:.3f} after {curve[-1]['elapsed_s']:.0f} s "
              f"({curve[-1]['step']} steps); ran {time.perf_counter() - t0:.0f} s | {params.strip()}", flush=True)
        runs.append(dict(model=preset, minutes=minutes, curve=curve))
    return runs


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--parts", default="decode,train,race")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--minutes", type=float, default=4.0)
    p.add_argument("--out", default="nbs/bench/hybrid_race.json")
    a = p.parse_args()
    import torch
    out = Path(a.out)
    result = json.loads(out.read_text()) if out.exists() else {}
    result["machine"] = dict(cpu=cpu_name(), threads=torch.get_num_threads(), torch=torch.__version__, date=time.strftime("%Y-%m-%d"))
    parts = a.parts.split(",")
    if "decode" in parts: result["decode"] = decode(a.rounds)
    if "train" in parts: result["train"] = train(a.rounds)
    if "race" in parts: result["race"] = race(a.minutes)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out}")

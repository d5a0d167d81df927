"""What each part of the engine's decode path is worth: the same 200M model (random weights, seed 0), batch 1,
a 32-token prompt and 64 new tokens, greedy, on `--threads` CPU threads, in these set-ups of `Engine`:

- `fp32 oneDNN-packed, forward`: `pack="onednn"`, every step through the generation copy's `forward` (the engine
  before 2026-12-02, but for the norm gains it now folds)
- `fp32 huge pages, forward`: the default weights (one huge-page arena), every step through `forward`
- `fp32 huge pages, DecodeStep`: the step in PyTorch calls (`kernels=False`)
- `fp32 DecodeStep, C kernels`: the default fp32 engine (products, norms, SwiGLU, RoPE, cache write and attention in C)
- `int8 PyTorch (fbgemm), DecodeStep`: `quantize="int8", kernels=False`
- `int8 C kernel, DecodeStep`: `quantize="int8"`, the default int8 engine

Each measurement runs in a fresh process; the set-ups alternate, the order reversed every other round. Medians of
each run's decode rate; the greedy tokens must agree within a precision (fp32 with fp32, int8 with int8).

    python tools/bench_decode.py [--rounds 2] [--threads 2] [--out nbs/bench/decode_step.json]
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

SETUPS = {"fp32 oneDNN-packed, forward": (None, "onednn", False, False), "fp32 huge pages, forward": (None, True, False, False),
          "fp32 huge pages, DecodeStep": (None, True, True, False), "fp32 DecodeStep, C kernels": (None, True, True, True),
          "int8 PyTorch (fbgemm), DecodeStep": ("int8", True, True, False), "int8 C kernel, DecodeStep": ("int8", True, True, True)}


def worker(name: str, threads: int) -> dict:
    import torch
    from llm200m.engine import Engine
    from llm200m.model import Llama, get_config
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Llama(get_config("llm200m")).eval()
    quantize, pack, step, kernels = SETUPS[name]
    engine = Engine(model, quantize=quantize, pack=pack, kernels=kernels)
    if not step: engine.step = None                       # every decode step through the generation copy's forward
    prompt = torch.randint(0, model.cfg.vocab_size, (32,), generator=torch.Generator().manual_seed(0)).tolist()
    rates = []
    for _ in range(3):
        tokens = engine.generate(prompt, temperature=0, max_new_tokens=64)
        rates.append(engine.stats.decode_tokens_per_s)
    return {"decode": statistics.median(rates), "tokens": tokens}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default="nbs/bench/decode_step.json")
    p.add_argument("--worker")
    a = p.parse_args()
    if a.worker: print(json.dumps(worker(a.worker, a.threads))); return
    names, runs = list(SETUPS), {n: [] for n in SETUPS}
    env = {**os.environ, "OMP_NUM_THREADS": str(a.threads)}
    for r in range(a.rounds):
        for n in (names if r % 2 == 0 else names[::-1]):
            done = subprocess.run([sys.executable, __file__, "--worker", n, "--threads", str(a.threads)], capture_output=True, text=True, env=env)
            if done.returncode: sys.exit(f"{n}: exit {done.returncode}: {done.stderr.strip()[-400:]}")
            runs[n].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"round {r + 1} {n:36} {runs[n][-1]['decode']:6.1f} tokens/s", flush=True)
    reference = {"fp32": runs[names[0]][0]["tokens"], "int8": runs[names[-1]][0]["tokens"]}     # within a precision
    rows = [{"setup": n, "decode tokens/s": statistics.median(x["decode"] for x in runs[n]), "runs": [round(x["decode"], 1) for x in runs[n]],
             "same greedy tokens": all(x["tokens"] == reference[n[:4]] for x in runs[n])} for n in names]
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    facts = {"cpu": cpu, "torch": __import__("torch").__version__, "threads": a.threads, "rounds": a.rounds, "date": time.strftime("%Y-%m-%d")}
    Path(a.out).write_text(json.dumps({"facts": facts, "rows": rows}, indent=1) + "\n")
    for row in rows: print(row)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()

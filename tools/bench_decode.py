"""What each part of the engine's fp32 decode path is worth: the same 200M model (random weights, seed 0), batch 1,
a 32-token prompt and 64 new tokens, greedy, on `--threads` CPU threads, in three set-ups of `Engine`:

- `oneDNN-packed, forward`: `pack="onednn"`, every step through the generation copy's `forward` (the engine before
  2026-12-02, but for the norm gains it now folds)
- `huge pages, forward`: the default weights (one huge-page arena), every step through `forward`
- `huge pages, DecodeStep`: the default engine

Each measurement runs in a fresh process; the set-ups alternate, the order reversed every other round. Medians of
each run's decode rate; the greedy tokens must agree.

    python tools/bench_decode.py [--rounds 2] [--threads 2] [--out nbs/bench/decode_step.json]
"""
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

SETUPS = {"oneDNN-packed, forward": ("onednn", False), "huge pages, forward": (True, False), "huge pages, DecodeStep": (True, True)}


def worker(name: str, threads: int) -> dict:
    import torch
    from llm200m.engine import Engine
    from llm200m.model import Llama, get_config
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = Llama(get_config("llm200m")).eval()
    pack, step = SETUPS[name]
    engine = Engine(model, pack=pack)
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
            print(f"round {r + 1} {n:24} {runs[n][-1]['decode']:6.1f} tokens/s", flush=True)
    reference = runs[names[0]][0]["tokens"]
    rows = [{"setup": n, "decode tokens/s": statistics.median(x["decode"] for x in runs[n]), "runs": [round(x["decode"], 1) for x in runs[n]],
             "same greedy tokens": all(x["tokens"] == reference for x in runs[n])} for n in names]
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    facts = {"cpu": cpu, "torch": __import__("torch").__version__, "threads": a.threads, "rounds": a.rounds, "date": time.strftime("%Y-%m-%d")}
    Path(a.out).write_text(json.dumps({"facts": facts, "rows": rows}, indent=1) + "\n")
    for row in rows: print(row)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()

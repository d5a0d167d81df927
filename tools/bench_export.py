"""Decoding speed of every runtime 06_export writes for, side by side, and what each format costs in held-out loss.

Speed: the `llm200m` preset (random weights, seed 0), batch 1, a 32-token prompt and 128 new tokens, greedy, on
`--threads` CPU threads. Contenders: our engine (fp32, int8), transformers' generate() on the same weights, ONNX
Runtime (fp32, int8, int4) and, when llama-cpp-python is importable (`--llama-cpp SITE_PACKAGES` adds a side venv's
site-packages to the path), llama.cpp on GGUF files (F32, Q8_0, Q4_0). Every measurement runs in a fresh process,
and the contenders alternate, the order reversed every other round (ABC CBA ...): a change in the machine's load hits
all of them alike. Medians of the decode step rate are reported.

Loss: the quick start's checkpoint (`--checkpoint`, default checkpoints/pretrain_best: a trained model, so that a
quantization error shows in the loss), exported to each format, scored on the same held-out windows of its corpus.

    python tools/bench_export.py [--rounds 3] [--threads 2] [--llama-cpp /path/to/site-packages] [--out nbs/bench/export_benchmark.json]
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path

PROMPT_TOKENS, NEW_TOKENS, SEED = 32, 128, 0
ONNX = {"ONNX Runtime fp32": None, "ONNX Runtime int8": "int8", "ONNX Runtime int4": "int4"}
GGUF = {"llama.cpp F32": "f32", "llama.cpp Q8_0": "q8_0", "llama.cpp Q4_0": "q4_0"}
OURS = {"ours fp32": None, "ours int8": "int8"}


def llm200m_model():
    import torch
    from llm200m.model import Llama, get_config
    torch.manual_seed(SEED)
    return Llama(get_config("llm200m")).eval()


def prompt_ids(vocab_size: int) -> list[int]:
    import torch
    return torch.randint(0, vocab_size, (PROMPT_TOKENS,), generator=torch.Generator().manual_seed(SEED)).tolist()


def prepare(scratch: Path, with_gguf: bool) -> dict:
    "Write the ONNX and GGUF files of the seed-0 llm200m model; their sizes"
    from llm200m.data import load_corpus, train_tokenizer
    from llm200m.export import export_onnx, quantize_onnx, write_gguf
    model, sizes = llm200m_model(), {}
    t0 = time.perf_counter()
    fp32 = export_onnx(model, scratch / "fp32.onnx")
    print(f"exported ONNX in {time.perf_counter() - t0:.0f} s", flush=True)
    for name, bits in ONNX.items():
        path = fp32 if bits is None else quantize_onnx(fp32, scratch / f"{bits}.onnx", bits)
        sizes[name] = path.stat().st_size / 1e6
    if with_gguf:
        tokenizer = train_tokenizer(load_corpus("pystdlib", limit=150), 1024)   # any of ours: the weights are random
        for name, dtype in GGUF.items():
            sizes[name] = write_gguf(model, tokenizer, scratch / f"{dtype}.gguf", dtype).stat().st_size / 1e6
    sizes["ours fp32"] = sizes["transformers generate() fp32"] = model.num_params() * 4 / 1e6
    return sizes


def worker(name: str, scratch: Path, threads: int) -> dict:
    "Run one contender once in this process; its decode rate, prefill time and tokens"
    import numpy as np, torch
    torch.set_num_threads(threads)
    if name in OURS:
        from llm200m.engine import Engine
        model = llm200m_model()
        engine = Engine(model, quantize=OURS[name])
        tokens = engine.generate(prompt_ids(model.cfg.vocab_size), temperature=0, max_new_tokens=NEW_TOKENS)
        return {"decode": engine.stats.decode_tokens_per_s, "prefill_s": engine.stats.prefill_s, "tokens": tokens}
    if name.startswith("transformers"):
        from llm200m.engine import time_transformers
        from llm200m.model import to_hf
        model = llm200m_model()
        tokens, clock = time_transformers(to_hf(model), prompt_ids(model.cfg.vocab_size), NEW_TOKENS)
        steps = [b - a for a, b in zip(clock.times, clock.times[1:])]
        return {"decode": 1 / statistics.median(steps), "prefill_s": clock.times[0] - clock.start, "tokens": tokens}
    prompt = prompt_ids(32000)
    if name in ONNX:
        from llm200m.export import OnnxDecoder, onnx_session
        dec = OnnxDecoder(onnx_session(scratch / f"{ONNX[name] or 'fp32'}.onnx", threads))
        t0 = time.perf_counter(); logits, steps, tokens = dec.step([prompt]), [], []
        prefill = time.perf_counter() - t0
        for _ in range(NEW_TOKENS):
            tokens.append(int(logits[0, -1].argmax()))
            t0 = time.perf_counter(); logits = dec.step([[tokens[-1]]]); steps.append(time.perf_counter() - t0)
        return {"decode": 1 / statistics.median(steps[:-1]), "prefill_s": prefill, "tokens": tokens}
    from llama_cpp import Llama
    llm = Llama(str(scratch / f"{GGUF[name]}.gguf"), n_ctx=256, n_batch=64, n_threads=threads, n_threads_batch=threads,
                logits_all=True, verbose=False)
    t0 = time.perf_counter()
    for token in prompt: llm.eval([token])   # token by token: this build's AMX path crashes on a batched Q8_0/Q4_0 eval
    prefill, steps, tokens = time.perf_counter() - t0, [], []
    for _ in range(NEW_TOKENS):
        tokens.append(int(np.argmax(llm.scores[llm.n_tokens - 1])))
        t0 = time.perf_counter(); llm.eval([tokens[-1]]); steps.append(time.perf_counter() - t0)
    return {"decode": 1 / statistics.median(steps[:-1]), "prefill_s": prefill, "tokens": tokens}


def run(name: str, scratch: Path, threads: int, llama_cpp: str | None) -> dict:
    "One measurement of `name` in a fresh process"
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "LLAMA_CPP_SITE": llama_cpp or ""}
    done = subprocess.run([sys.executable, __file__, "--worker", name, "--scratch", str(scratch), "--threads", str(threads)],
                          capture_output=True, text=True, env=env)
    if done.returncode: return {"error": f"exit {done.returncode}: {done.stderr.strip()[-400:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def heldout_losses(checkpoint: Path, scratch: Path, threads: int, with_gguf: bool) -> dict:
    "Held-out loss of the trained checkpoint in every format, on the same windows of its corpus"
    import numpy as np, torch
    import torch.nn.functional as F
    from llm200m.data import eval_batches, load_tokenizer, prepare_tokens
    from llm200m.engine import prepare_for_inference
    from llm200m.export import OnnxDecoder, export_onnx, onnx_session, quantize_onnx, write_gguf
    from llm200m.model import load_checkpoint
    torch.set_num_threads(threads)
    model, tokenizer = load_checkpoint(checkpoint).eval(), load_tokenizer(checkpoint)
    data = prepare_tokens("pystdlib", tokenizer, scratch / "tokens")
    windows = eval_batches(data.val, 4, 255, n_batches=5)
    loss = lambda logits_of: float(np.mean([F.cross_entropy(torch.as_tensor(np.asarray(logits_of(x))).flatten(0, 1).float(), y.flatten())
                                             for x, y in windows]))
    out = {}
    with torch.no_grad():
        out["ours fp32"] = loss(lambda x: model(x)[0])
        int8 = prepare_for_inference(model, "int8")
        out["ours int8"] = loss(lambda x: int8(x)[0])
    fp32 = export_onnx(model, scratch / "demo.onnx")
    for name, bits in ONNX.items():
        dec = OnnxDecoder(onnx_session(fp32 if bits is None else quantize_onnx(fp32, scratch / f"demo-{bits}.onnx", bits), threads))
        def logits_of(x, dec=dec): dec.reset(x.shape[0]); return dec.step(x.numpy())
        out[name] = loss(logits_of)
    if with_gguf:
        from llama_cpp import Llama
        for name, dtype in GGUF.items():
            llm = Llama(str(write_gguf(model, tokenizer, scratch / f"demo-{dtype}.gguf", dtype)), n_ctx=256, n_threads=threads,
                        logits_all=True, verbose=False)
            def logits_of(x, llm=llm):
                rows = []
                for row in x.tolist():
                    llm.reset()
                    for token in row: llm.eval([token])
                    rows.append(np.array(llm.scores[:len(row)]))
                return np.stack(rows)
            out[name] = loss(logits_of)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--llama-cpp", help="a site-packages folder holding llama_cpp (llama-cpp-python), e.g. a side venv's")
    p.add_argument("--checkpoint", default="checkpoints/pretrain_best", help="a trained checkpoint, for the loss column")
    p.add_argument("--out", default="nbs/bench/export_benchmark.json")
    p.add_argument("--worker"); p.add_argument("--scratch")
    a = p.parse_args()
    if a.worker:
        if os.environ.get("LLAMA_CPP_SITE"): sys.path.append(os.environ["LLAMA_CPP_SITE"])   # last: this venv's numpy wins
        print(json.dumps(worker(a.worker, Path(a.scratch), a.threads))); return
    if a.llama_cpp: sys.path.append(a.llama_cpp)
    with_gguf = bool(a.llama_cpp)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        scratch = Path(scratch)
        sizes = prepare(scratch, with_gguf)
        names = [*OURS, "transformers generate() fp32", *ONNX, *(GGUF if with_gguf else {})]
        runs = {n: [] for n in names}
        for r in range(a.rounds):
            for n in (names if r % 2 == 0 else names[::-1]):
                runs[n].append(run(n, scratch, a.threads, a.llama_cpp))
                result = runs[n][-1]
                print(f"round {r + 1} {n:30} " + (result["error"] if "error" in result else f"{result['decode']:6.1f} tokens/s"), flush=True)
        losses = heldout_losses(Path(a.checkpoint), scratch, a.threads, with_gguf) if Path(a.checkpoint).is_dir() else {}
    reference = next(r["tokens"] for r in runs["ours fp32"] if "tokens" in r)
    rows = []
    for n in names:
        ok = [r for r in runs[n] if "error" not in r]
        same = next((i for i, (x, y) in enumerate(zip(ok[0]["tokens"], reference)) if x != y), NEW_TOKENS) if ok else None
        rows.append({"runtime": n, "decode tokens/s": statistics.median(r["decode"] for r in ok) if ok else None,
                     "runs": [round(r["decode"], 1) for r in ok], "prefill s": statistics.median(r["prefill_s"] for r in ok) if ok else None,
                     "MB": sizes.get(n), "same greedy tokens as ours fp32": same, "held-out loss": losses.get(n),
                     "errors": [r["error"] for r in runs[n] if "error" in r]})
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.machine())
    facts = {"cpu": cpu, "torch": __import__("torch").__version__, "onnxruntime": __import__("onnxruntime").__version__, "threads": a.threads, "rounds": a.rounds, "prompt_tokens": PROMPT_TOKENS,
             "new_tokens": NEW_TOKENS, "checkpoint": a.checkpoint, "date": time.strftime("%Y-%m-%d")}
    Path(a.out).write_text(json.dumps({"facts": facts, "rows": rows}, indent=1) + "\n")
    for row in rows: print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items() if k != "runs"})
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()

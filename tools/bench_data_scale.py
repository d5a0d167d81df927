#!/usr/bin/env python
"""Data preparation at real size: time and peak memory of `prepare_tokens` and `prepare_sft` on generated corpora.

Pretraining text (default):
    python tools/bench_data_scale.py --sizes-mb 250 500 1000 --procs 1 2 --mode local --out results.json
    python tools/bench_data_scale.py --sizes-mb 250 500 1000 --procs 1 2 --mode streaming --out results.json
Fine-tuning conversations (opc-sft-stage2's educational_instruct schema):
    python tools/bench_data_scale.py --sft 1000000 --procs 1 2 --out results.json

What it does:
- generates, once, a corpus of the requested size under --scratch (outside the repository): documents recombined
  from phrases of the running Python's standard library (spans of 4-40 words from random places, one word in ten
  replaced by a word drawn at corpus frequency), lengths log-normal (median ~2 kB, 50 B to 200 kB), written as
  JSON lines ({"text": ...}) or as .txt files with <|endoftext|> separators. The text is new at every position, so the
  tokenizer's word cache is hit about as often as on real text (Zipf-distributed words), not on every word;
- trains, once, a 32000-token byte-level BPE on ~20 MB of that text (the tokenizer every run uses);
- runs each measurement in a fresh child process (python this-script --child ...), timing prepare_tokens /
  prepare_sft inside it, while this process samples the memory of the child and all its descendants every 50 ms:
  total RSS, its anonymous part (RSS minus file-backed and shared pages: memory-mapped token files and Arrow tables
  count in RSS but the kernel can drop them), and PSS (shared pages divided among the processes that share them, so
  forked workers are not counted twice);
- writes every result to --out (JSON; results of earlier runs in that file are kept) and prints a table.

The child runs with RAYON_NUM_THREADS=1 by default (--rayon-threads), so "--procs N" means N cores: the Rust
tokenizer's own thread pool would otherwise also use the cores inside a single process.
"""
import argparse, json, os, subprocess, sys, threading, time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the llm200m package of this checkout, installed or not


# ---------------------------------------------------------------- text generation
def stdlib_units() -> list[str]:
    "The standard library's text as a list of words with their following whitespace (the units text is recombined from)"
    import re
    from llm200m.data import read_python_source, reference_topics, stdlib_files
    texts = [read_python_source(p) for _, p in stdlib_files()] + list(reference_topics().values())
    return re.findall(r"\S+\s*", "".join(texts))


class TextGenerator:
    "Documents of recombined standard-library phrases (see the module docstring), deterministic for a seed"
    def __init__(self, seed: int = 0):
        self.units, self.rng = stdlib_units(), np.random.default_rng(seed)
        self.lengths = np.array([len(u) for u in self.units])

    def document(self) -> str:
        rng, n = self.rng, len(self.units)
        target = int(np.clip(rng.lognormal(np.log(2000), 1.2), 50, 200_000))
        n_units = max(1, target // 6)                           # ~6 characters per word and its space
        span_lengths = rng.integers(4, 41, size=n_units // 4 + 1)
        starts = rng.integers(0, n - 41, size=len(span_lengths))
        idx = np.concatenate([np.arange(s, s + k) for s, k in zip(starts, span_lengths)])[:n_units]
        swap = rng.random(len(idx)) < 0.1
        idx[swap] = rng.integers(0, n, size=int(swap.sum()))   # a word drawn at corpus frequency
        units = self.units
        return "".join([units[i] for i in idx.tolist()])


def generate_corpus(folder: Path, size_mb: float, fmt: str, seed: int = 0, file_mb: int = 128) -> Path:
    "A corpus of `size_mb` MB of generated documents in `folder` (JSON lines or .txt), written once"
    done = folder / "generated.info"  # not a .json: the corpus reader would take it for data
    if done.exists(): return folder
    folder.mkdir(parents=True, exist_ok=True)
    gen, total, part, written, t0 = TextGenerator(seed), int(size_mb * 1e6), 0, 0, time.perf_counter()
    f, in_file = None, 0
    while written < total:
        if f is None or in_file >= file_mb * 1e6:
            if f: f.close()
            f, in_file, part = open(folder / f"part-{part:04d}.{fmt}", "w", encoding="utf-8"), 0, part + 1
        doc = gen.document()
        line = json.dumps({"text": doc}) + "\n" if fmt == "jsonl" else doc + "<|endoftext|>"
        f.write(line)
        n = len(doc.encode("utf-8")); written += n; in_file += n
    f.close()
    done.write_text(json.dumps({"size_mb": size_mb, "format": fmt, "seed": seed, "seconds": round(time.perf_counter() - t0, 1)}))
    print(f"generated {written / 1e6:.0f} MB in {folder} ({time.perf_counter() - t0:.0f} s)", flush=True)
    return folder


def generate_sft(path: Path, n: int, seed: int = 0, rows_per_group: int = 20_000) -> Path:
    "`n` conversations in opc-sft-stage2's educational_instruct schema, as Parquet, written once"
    if path.exists(): return path
    import pyarrow as pa, pyarrow.parquet as pq
    gen, rng, t0 = TextGenerator(seed), np.random.default_rng(seed + 1), time.perf_counter()
    schema = pa.schema([("seq_id", pa.string()), ("instruction", pa.string()), ("output", pa.string()), ("code", pa.string()),
                        ("entry_point", pa.string()), ("testcase", pa.list_(pa.string()))])
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for start in range(0, n, rows_per_group):
            rows = {k: [] for k in schema.names}
            for i in range(start, min(n, start + rows_per_group)):
                words = gen.document().split()
                question = " ".join(words[:int(rng.integers(8, 80))])
                code = "\n".join(" ".join(words[j:j + 8]) for j in range(0, int(rng.integers(20, 400)), 8))
                name = f"f{i}"
                rows["seq_id"].append(str(i)); rows["instruction"].append(f"Write a Python function `{name}` that {question}")
                rows["output"].append(f"```python\ndef {name}(x):\n{code}\n```\n\n{' '.join(words[-30:])}")
                rows["code"].append(f"def {name}(x):\n{code}"); rows["entry_point"].append(name)
                rows["testcase"].append([f"assert {name}({k}) == {k}" for k in range(int(rng.integers(1, 4)))])
            writer.write_table(pa.table(rows, schema=schema))
    tmp.rename(path)
    print(f"generated {n:,} conversations in {path} ({time.perf_counter() - t0:.0f} s)", flush=True)
    return path


def bench_tokenizer(scratch: Path, vocab_size: int, fmt: str) -> Path:
    "A byte-level BPE of `vocab_size` tokens trained once on ~20 MB of generated text"
    out = scratch / f"tokenizer-{vocab_size}"
    if (out / "tokenizer.json").exists(): return out
    from llm200m.data import load_corpus, train_tokenizer
    corpus = generate_corpus(scratch / f"corpus-20mb-{fmt}-seed1", 20, fmt, seed=1)
    train_tokenizer(load_corpus(str(corpus), cache_dir=str(scratch / "corpora")), vocab_size, out)
    return out


# ---------------------------------------------------------------- one measurement (child process)
def child(args) -> None:
    "Run one preparation and print its result as one JSON line"
    import shutil, tempfile
    from llm200m.data import load_corpus, load_chat, load_tokenizer, prepare_sft, prepare_tokens
    tokenizer = load_tokenizer(args.tokenizer)
    out = Path(tempfile.mkdtemp(dir=args.scratch, prefix="out-"))  # fresh: every run does all the work
    try:
        if args.task == "load":  # the Arrow copy of a local corpus, made once before the timed runs
            t0 = time.perf_counter()
            ds = load_chat(args.source, cache_dir=args.cache_dir) if args.sft else load_corpus(args.source, cache_dir=args.cache_dir)
            print(json.dumps({"rows": len(ds), "seconds": time.perf_counter() - t0}))
            return
        t0 = time.perf_counter()
        if args.task == "tokens":
            data = prepare_tokens(args.source, tokenizer, out, num_proc=args.num_proc, cache_dir=args.cache_dir,
                                  streaming=args.mode == "streaming")
            result = {"n_bytes": sum(data.meta["n_bytes"].values()), "n_tokens": sum(data.meta["n_tokens"].values()),
                      "n_docs": sum(data.meta["n_docs"].values()), "processes": data.meta["processes"],
                      "sha256": data.meta["sha256"]}
        else:
            sft = prepare_sft(args.source, tokenizer, args.seq_len, out_dir=out, num_proc=args.num_proc, cache_dir=args.cache_dir)
            meta = json.loads((sft.dir / "meta.json").read_text())
            result = {"n_examples": meta["n_examples"], "n_tokens": meta["n_tokens"], "processes": meta["processes"],
                      "sha256": meta["sha256"], "truncated": meta["truncated"]}
        result["seconds"] = time.perf_counter() - t0
        print(json.dumps(result))
    finally:
        shutil.rmtree(out, ignore_errors=True)


# ---------------------------------------------------------------- memory sampling (parent)
def tree_memory(pid: int) -> dict:
    "RSS, anonymous RSS and PSS (bytes) of process `pid` and all its descendants"
    import psutil
    try: root = psutil.Process(pid); procs = [root] + root.children(recursive=True)
    except psutil.NoSuchProcess: return {}
    total = {"rss": 0, "anon": 0, "pss": 0, "processes": 0}
    for p in procs:
        try:
            m = p.memory_info()
            total["rss"] += m.rss; total["anon"] += m.rss - m.shared; total["processes"] += 1
        except psutil.NoSuchProcess: pass
    return total


def add_pss(pid: int, sample: dict) -> None:
    "PSS of `pid` and its descendants, from /proc/PID/smaps_rollup (the kernel walks every mapping to make it: not cheap)"
    import psutil
    try: procs = [psutil.Process(pid)] + psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess: return
    pss = 0
    for p in procs:
        try:
            with open(f"/proc/{p.pid}/smaps_rollup") as f:
                pss += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration): pass
    sample["pss"] = pss


def measure(argv: list[str], env: dict, interval: float = 0.05) -> dict:
    "Run this script as a child with `argv`; its JSON result plus wall time and peak memory of its process tree"
    proc = subprocess.Popen([sys.executable, __file__, "--child", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    peak, t0, k = {"rss": 0, "anon": 0, "pss": 0, "processes": 0}, time.perf_counter(), 0
    stderr = []
    reader = threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True); reader.start()  # never block on a full pipe
    while proc.poll() is None:
        sample = tree_memory(proc.pid)
        if k % 20 == 0: add_pss(proc.pid, sample)  # once a second: reading PSS often slowed the measured processes down
        for key, v in sample.items(): peak[key] = max(peak[key], v)
        k += 1; time.sleep(interval)
    out = proc.stdout.read(); reader.join(timeout=5)
    if proc.returncode != 0: raise RuntimeError(f"child {argv} failed ({proc.returncode}):\n{''.join(stderr)[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    return {**result, "wall_s": time.perf_counter() - t0, "peak_rss_mb": peak["rss"] / 1e6, "peak_anon_mb": peak["anon"] / 1e6,
            "peak_pss_mb": peak["pss"] / 1e6, "max_processes": peak["processes"]}


# ---------------------------------------------------------------- driver
def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes-mb", type=float, nargs="+", default=[250, 500, 1000], help="corpus sizes in MB (pretraining text)")
    p.add_argument("--procs", type=int, nargs="+", default=[1, 2], help="num_proc values to compare")
    p.add_argument("--mode", choices=["local", "streaming"], default="local", help="read the local files as a Dataset, or stream them")
    p.add_argument("--format", choices=["jsonl", "txt"], default="jsonl", help="file format of the generated corpus")
    p.add_argument("--sft", type=int, help="instead of pretraining text: prepare_sft on this many generated conversations")
    p.add_argument("--seq-len", type=int, default=1024, help="seq_len of the SFT examples")
    p.add_argument("--vocab-size", type=int, default=32000)
    p.add_argument("--rayon-threads", type=int, default=1, help="RAYON_NUM_THREADS of the measured process (tokenizers' own threads)")
    p.add_argument("--scratch", type=Path, default=Path("/tmp/llm200m-bench"), help="where corpora and outputs go (outside the repo)")
    p.add_argument("--out", type=Path, default=Path("results.json"))
    args = p.parse_args(argv)
    args.scratch.mkdir(parents=True, exist_ok=True)
    tokenizer = bench_tokenizer(args.scratch, args.vocab_size, args.format)
    env = {**os.environ, "RAYON_NUM_THREADS": str(args.rayon_threads), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "TQDM_DISABLE": "1"}
    common = ["--tokenizer", str(tokenizer), "--scratch", str(args.scratch), "--cache-dir", str(args.scratch / "corpora")]
    results = json.loads(args.out.read_text()) if args.out.exists() else []
    if args.sft:
        jobs = [("sft", args.sft, str(generate_sft(args.scratch / f"opc-educational-{args.sft}.parquet", args.sft)))]
    else:
        jobs = [("tokens", size, str(generate_corpus(args.scratch / f"corpus-{size:g}mb-{args.format}", size, args.format)))
                for size in args.sizes_mb]
    for task, size, source in jobs:
        load = None
        if args.mode == "local" and task == "tokens":  # the Arrow copy, once: not part of the timed runs (prepare_sft streams)
            load = measure(["--task", "load", "--source", source, *common] + (["--sft"] if task == "sft" else []), env)
            print(f"{Path(source).name}: Arrow copy of {load['rows']:,} rows in {load['seconds']:.1f} s "
                  f"(peak RSS {load['peak_rss_mb']:.0f} MB, anonymous {load['peak_anon_mb']:.0f} MB)", flush=True)
        hashes = set()
        for procs in args.procs:
            r = measure(["--task", task, "--source", source, "--num-proc", str(procs), "--mode", args.mode,
                         "--seq-len", str(args.seq_len), *common], env)
            row = {"task": task, "size": size, "mode": args.mode if task == "tokens" else "local", "format": args.format,
                   "procs": procs, "rayon_threads": args.rayon_threads, "vocab_size": args.vocab_size, **r,
                   "load_s": load["seconds"] if load else None, "load_peak_rss_mb": load["peak_rss_mb"] if load else None,
                   "load_peak_anon_mb": load["peak_anon_mb"] if load else None, "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
            hashes.add(json.dumps(r["sha256"], sort_keys=True))
            row["same_files_as_other_procs"] = len(hashes) == 1  # the output does not depend on the number of processes
            if task == "tokens": row["mb_per_s"] = r["n_bytes"] / 1e6 / r["seconds"]
            else: row["conversations_per_s"] = args.sft / r["seconds"]
            results.append(row)
            args.out.write_text(json.dumps(results, indent=1))
            speed = f"{row['mb_per_s']:.2f} MB/s" if task == "tokens" else f"{row['conversations_per_s']:,.0f} conversations/s"
            print(f"{task} {size:g}{' MB' if task == 'tokens' else ' conversations'} {row['mode']} procs={procs}: "
                  f"{r['seconds']:.1f} s, {speed} | peak RSS {r['peak_rss_mb']:.0f} MB, anonymous {r['peak_anon_mb']:.0f} MB, "
                  f"PSS {r['peak_pss_mb']:.0f} MB ({r['max_processes']} processes); "
                  f"files {'identical to' if row['same_files_as_other_procs'] else 'DIFFERENT from'} the other runs", flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        c = argparse.ArgumentParser()
        for flag in ("--task", "--source", "--tokenizer", "--mode", "--cache-dir"): c.add_argument(flag)
        c.add_argument("--scratch", type=Path); c.add_argument("--num-proc", type=int); c.add_argument("--seq-len", type=int, default=1024)
        c.add_argument("--sft", action="store_true")
        child(c.parse_args(sys.argv[2:]))
    else: sys.exit(main())

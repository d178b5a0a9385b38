#!/usr/bin/python3
"""The baseline of bench/bench_lm.sh: a plain python3-torch float32 forward of a language-model
folder (the hand-written HF reference of tests/fixtures/lm/make_lm_reference.py, with its RoPE tables
in float32), on the same token ids as bench_lm. Weights are read from model.safetensors and converted
to float32, as a script without transformers would.

    /usr/bin/python3 bench/lm_forward_baseline.py MODEL_DIR --tokens 512
Prints one JSON line: tokens, seconds, tokens_per_second, peak_rss_bytes.
"""
import argparse
import json
import os
import resource
import struct
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures", "lm"))
import make_lm_reference as ref  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("model")
p.add_argument("--tokens", type=int, default=512)
args = p.parse_args()
torch.set_num_threads(os.cpu_count())

with open(os.path.join(args.model, "config.json")) as f:
    cfg = json.load(f)
sd = {}
with open(os.path.join(args.model, "model.safetensors"), "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    base = 8 + n
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        f.seek(base + a)
        raw = bytearray(f.read(b - a))
        t = torch.frombuffer(raw, dtype=torch.bfloat16).reshape(info["shape"])
        sd[name] = t.float()
        del raw, t

rope = ref.rope_tables
ref.rope_tables = lambda c, T: tuple(t.float() for t in rope(c, T))
# The same ids as bench_lm: 1 .. 1 + (7919 * i) % (vocab - 1).
ids = torch.tensor([[1 + (7919 * i) % (cfg["vocab_size"] - 1) for i in range(args.tokens)]])
with torch.no_grad():
    start = time.perf_counter()
    logits = ref.forward(cfg, sd, ids)
    seconds = time.perf_counter() - start
assert logits.dtype == torch.float32 and torch.isfinite(logits).all()
print(json.dumps({"tokens": args.tokens, "seconds": seconds, "tokens_per_second": args.tokens / seconds,
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "logit_checksum": float(logits[0, -1, :8].sum())}))

#!/usr/bin/python3
"""Writes a random language model of TinyLlama-1.1B's shape (22 layers, hidden 2048, 32 heads, 4 KV
heads, intermediate 5632, vocabulary 32000) in bfloat16 as a Hugging Face folder (config.json +
model.safetensors, written by hand: the format is a JSON header and raw bytes) for bench/bench_lm.sh.

    /usr/bin/python3 bench/make_bench_lm.py OUT_DIR [--layers N]
"""
import argparse
import json
import os
import struct

import torch

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--layers", type=int, default=22)
args = p.parse_args()

cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "torch_dtype": "bfloat16",
       "vocab_size": 32000, "hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": args.layers,
       "num_attention_heads": 32, "num_key_value_heads": 4, "hidden_act": "silu", "max_position_embeddings": 2048,
       "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": False, "bos_token_id": 1,
       "eos_token_id": 2}
D, I, V, hd = 2048, 5632, 32000, 64
kv = 4 * hd
shapes = [("model.embed_tokens.weight", (V, D))]
for i in range(args.layers):
    p_ = "model.layers.%d." % i
    shapes += [(p_ + "input_layernorm.weight", (D,)), (p_ + "self_attn.q_proj.weight", (D, D)),
               (p_ + "self_attn.k_proj.weight", (kv, D)), (p_ + "self_attn.v_proj.weight", (kv, D)),
               (p_ + "self_attn.o_proj.weight", (D, D)), (p_ + "post_attention_layernorm.weight", (D,)),
               (p_ + "mlp.gate_proj.weight", (I, D)), (p_ + "mlp.up_proj.weight", (I, D)),
               (p_ + "mlp.down_proj.weight", (D, I))]
shapes += [("model.norm.weight", (D,)), ("lm_head.weight", (V, D))]

os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, "config.json"), "w") as f:
    json.dump(cfg, f, indent=2)
header, offset = {}, 0
for name, shape in shapes:
    n = 2 * torch.Size(shape).numel()
    header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + n]}
    offset += n
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
gen = torch.Generator().manual_seed(0)
with open(os.path.join(args.out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for name, shape in shapes:
        if name.endswith("norm.weight"):
            t = torch.ones(shape, dtype=torch.bfloat16)
        else:
            t = (torch.randn(shape, generator=gen) * 0.02).to(torch.bfloat16)
        f.write(t.view(torch.int16).numpy().tobytes())
print("wrote %s (%.2f GB)" % (args.out, (offset + len(text) + 8) / 1e9))

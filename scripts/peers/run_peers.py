#!/usr/bin/env python3
"""Runs PyTorch, JAX, SciPy and NumPy's textbook formula on softmax-lab's rows, and writes their
outputs (safetensors) and provenance (JSON) under data/peers/ for `softmax-lab report --only peers`.

What it does, in order:

1. Builds softmax-lab (`swift build -c release --product softmax-lab`), unless --lab gives a
   binary.
2. Exports bundles with `softmax-lab cases export --bundle` in every format: DIR/FORMAT/families
   (every family but huge-n, --rows R --n N) and DIR/FORMAT/huge-n (--rows 1: one row of 32768
   logits), and writes DIR/bug-reports/ (logits.safetensors and rows.json): the rows of the public
   bug reports that no case family holds (TensorFlow 62400, SciPy 19521 in float64, JAX 40384); the
   others (SciPy 18295, PyTorch 113708 = SciPy 19521 in float32, MLX 4169) are rows of the `seed`
   family, and rows.json points at them.
3. Runs each library on every row, one row at a time, on the CPU with one thread, for each
   operation it has (the exact calls are in CALLS and in the provenance): lse, softmax,
   log-softmax, cross-entropy (per row, reduction none) and its gradient (autograd, jax.grad).
   A library with no kernel for a dtype is skipped for it, and the reason is recorded. Every row is
   computed twice; rows whose two calls differ in a bit are recorded as nondeterministic (the first
   call's outputs are kept).
4. Writes SET/LIBRARY-OP.safetensors (one tensor per row, named like the bundle's, in the dtype
   the library returned) and DIR/provenance.json: library versions, CPU, thread count, date,
   Python, the calls, the dtypes returned, the skips.

Run it through scripts/peers/run (which makes the virtual environment .venv-peers/ from
requirements.txt first). Same data in, same bytes out, except provenance.json's date and machine and
the outputs it lists as nondeterministic (JAX's float8-e4m3 gradient on short rows, here).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

# One thread everywhere, set before the libraries load (recorded in the provenance).
THREADS = 1
os.environ.update({
    "OMP_NUM_THREADS": str(THREADS), "MKL_NUM_THREADS": str(THREADS), "OPENBLAS_NUM_THREADS": str(THREADS),
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu", "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3",
})

import numpy as np  # noqa: E402
import ml_dtypes  # noqa: E402
import scipy  # noqa: E402
import scipy.special  # noqa: E402
import safetensors  # noqa: E402
from safetensors.numpy import save_file  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import jax  # noqa: E402
import jaxlib  # noqa: E402

jax.config.update("jax_enable_x64", True)  # float64 is float64, not float32
import jax.numpy as jnp  # noqa: E402

torch.set_num_threads(THREADS)
torch.set_num_interop_threads(THREADS)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

FORMATS = ["float16", "float32", "float64", "bfloat16", "float8-e4m3", "float8-e5m2"]
OPS = ["lse", "softmax", "log-softmax", "cross-entropy", "ce-gradient"]
# Every family but huge-n, whose rows are 32768 to 262144 logits: it gets a bundle of its own, of one row.
FAMILIES = ["moderate", "large-positive", "large-negative", "wide-spread", "near-ties", "confident",
            "temperature", "masked", "special", "seed"]

NUMPY_DTYPES = {
    "float16": np.dtype(np.float16), "float32": np.dtype(np.float32), "float64": np.dtype(np.float64),
    "bfloat16": np.dtype(ml_dtypes.bfloat16), "float8-e4m3": np.dtype(ml_dtypes.float8_e4m3fn),
    "float8-e5m2": np.dtype(ml_dtypes.float8_e5m2),
}
TORCH_DTYPES = {
    "float16": torch.float16, "float32": torch.float32, "float64": torch.float64, "bfloat16": torch.bfloat16,
    "float8-e4m3": torch.float8_e4m3fn, "float8-e5m2": torch.float8_e5m2,
}
# The integer type of the same width, to move bits between torch and NumPy (ml_dtypes) untouched.
BITS = {1: (np.uint8, torch.uint8), 2: (np.int16, torch.int16), 4: (np.int32, torch.int32), 8: (np.int64, torch.int64)}


def to_torch(x):
    """A NumPy (or ml_dtypes) array as a torch tensor of the same dtype, bit for bit."""
    fmt = next(f for f, d in NUMPY_DTYPES.items() if d == x.dtype)
    npint, tint = BITS[x.dtype.itemsize]
    return torch.from_numpy(np.ascontiguousarray(x).view(npint).copy()).view(tint).view(TORCH_DTYPES[fmt])


def from_torch(t):
    """A torch tensor as a NumPy array of the same dtype (ml_dtypes for bfloat16 and float8), bit for bit."""
    t = t.detach().contiguous()
    fmt = next((f for f, d in TORCH_DTYPES.items() if d == t.dtype), None)
    if fmt is None:
        raise TypeError(f"returned {t.dtype}")
    npint, tint = BITS[t.element_size()]
    return t.view(tint).numpy().view(NUMPY_DTYPES[fmt]).copy()


def dtype_name(d):
    """The lab's format name of a NumPy dtype (or its own name when the lab has none)."""
    for f, nd in NUMPY_DTYPES.items():
        if nd == d:
            return f
    return str(d)


# ---- The libraries. Each op is (call text, function of (x, t) on one 1-D row -> array). ----
# x is a NumPy array of the row's dtype (ml_dtypes for bfloat16 and float8); t the target class.

def _torch_grad(x, t):
    z = to_torch(x).requires_grad_(True)
    F.cross_entropy(z[None], torch.tensor([t]), reduction="none").sum().backward()
    return from_torch(z.grad)


TORCH = {
    "lse": ("torch.logsumexp(x, dim=-1)", lambda x, t: from_torch(torch.logsumexp(to_torch(x), dim=-1)[None])),
    "softmax": ("torch.softmax(x, dim=-1)", lambda x, t: from_torch(torch.softmax(to_torch(x), dim=-1))),
    "log-softmax": ("torch.log_softmax(x, dim=-1)", lambda x, t: from_torch(torch.log_softmax(to_torch(x), dim=-1))),
    "cross-entropy": ("torch.nn.functional.cross_entropy(x[None], torch.tensor([t]), reduction='none')",
                      lambda x, t: from_torch(F.cross_entropy(to_torch(x)[None], torch.tensor([t]), reduction="none"))),
    "ce-gradient": ("z = x.requires_grad_(); torch.nn.functional.cross_entropy(z[None], torch.tensor([t]), "
                    "reduction='none').sum().backward(); z.grad", _torch_grad),
}


def _jax_ce(z, t):
    return -jax.nn.log_softmax(z)[t]


_jax_ce_grad = jax.grad(_jax_ce)

JAX = {
    "lse": ("jax.nn.logsumexp(x)", lambda x, t: np.asarray(jax.nn.logsumexp(jnp.asarray(x)))[None]),
    "softmax": ("jax.nn.softmax(x)", lambda x, t: np.asarray(jax.nn.softmax(jnp.asarray(x)))),
    "log-softmax": ("jax.nn.log_softmax(x)", lambda x, t: np.asarray(jax.nn.log_softmax(jnp.asarray(x)))),
    "cross-entropy": ("-jax.nn.log_softmax(x)[t]", lambda x, t: np.asarray(_jax_ce(jnp.asarray(x), t))[None]),
    "ce-gradient": ("jax.grad(lambda z: -jax.nn.log_softmax(z)[t])(x)",
                    lambda x, t: np.asarray(_jax_ce_grad(jnp.asarray(x), t))),
}

SCIPY = {
    "lse": ("scipy.special.logsumexp(x)", lambda x, t: np.asarray(scipy.special.logsumexp(x))[None]),
    "softmax": ("scipy.special.softmax(x)", lambda x, t: np.asarray(scipy.special.softmax(x))),
    "log-softmax": ("scipy.special.log_softmax(x)", lambda x, t: np.asarray(scipy.special.log_softmax(x))),
}


def _naive_softmax(x):
    e = np.exp(x)
    return e / np.sum(e)


def _naive_gradient(x, t):
    g = _naive_softmax(x)
    g[t] -= x.dtype.type(1)
    return g


NUMPY_NAIVE = {
    "lse": ("np.log(np.sum(np.exp(x)))", lambda x, t: np.asarray(np.log(np.sum(np.exp(x))))[None]),
    "softmax": ("np.exp(x) / np.sum(np.exp(x))", lambda x, t: _naive_softmax(x)),
    "log-softmax": ("np.log(np.exp(x) / np.sum(np.exp(x)))", lambda x, t: np.log(_naive_softmax(x))),
    "cross-entropy": ("-np.log(np.exp(x) / np.sum(np.exp(x)))[t]", lambda x, t: -np.log(_naive_softmax(x))[t:t + 1]),
    "ce-gradient": ("p = np.exp(x) / np.sum(np.exp(x)); p[t] -= 1; p", _naive_gradient),
}

LIBRARIES = {"torch": TORCH, "jax": JAX, "scipy": SCIPY, "numpy-naive": NUMPY_NAIVE}
ABOUT = {
    "torch": "PyTorch on the CPU: torch tensors of the row's dtype",
    "jax": "JAX on the CPU (jax_enable_x64 on): jax.numpy arrays of the row's dtype",
    "scipy": "scipy.special on NumPy arrays of the row's dtype (ml_dtypes for bfloat16 and float8)",
    "numpy-naive": "the textbook formula in NumPy, no max shift, in the row's dtype (ml_dtypes for bfloat16 and float8)",
}

# ---- The bug-report rows. ----

def bug_rows():
    """The public bug reports' rows: (entry of rows.json, logits as a NumPy array or None when a
    bundle row holds it)."""
    f32, f64 = np.float32, np.float64
    keras_eps = f32(1e-7)  # tf.keras.backend.epsilon(), as TensorFlow 62400 builds its rows
    eps32, eps64 = f32(np.finfo(f32).eps), f64(np.finfo(f64).eps)
    return [
        (dict(id="scipy-18295", report="SciPy 18295", claim="logsumexp([0, -40]) returned 0",
              format="float64", op="lse", element=0, target=0, set="float64/families", case="seed/4"), None),
        (dict(id="pytorch-113708-a", report="PyTorch 113708, SciPy 19521",
              claim="-log_softmax([1 - log(2 eps), 0])[0] gave 1.19e-7 (eps = 2^-23)",
              format="float32", op="log-softmax", element=0, target=0, set="float32/families", case="seed/5"), None),
        (dict(id="pytorch-113708-b", report="PyTorch 113708, SciPy 19521",
              claim="-log_softmax([1 - log(eps), 0])[0] gave 0 (eps = 2^-23)",
              format="float32", op="log-softmax", element=0, target=0, set="float32/families", case="seed/6"), None),
        (dict(id="tensorflow-62400-a", report="TensorFlow 62400",
              claim="-log_softmax([1 - log(2e-7), 0])[0] gave 1.19e-7 (Keras epsilon 1e-7, float32)",
              format="float32", op="log-softmax", element=0, target=0, set="bug-reports", case="tensorflow-62400-a"),
         np.array([f32(1) - np.log(f32(2) * keras_eps), 0], dtype=f32)),
        (dict(id="tensorflow-62400-b", report="TensorFlow 62400",
              claim="-log_softmax([1 - log(1e-7), 0])[0] gave -0 once the lead is about 17 (float32)",
              format="float32", op="log-softmax", element=0, target=0, set="bug-reports", case="tensorflow-62400-b"),
         np.array([f32(1) - np.log(keras_eps), 0], dtype=f32)),
        (dict(id="scipy-19521-f64-a", report="SciPy 19521",
              claim="-log_softmax([1 - log(2 eps), 0])[0] in float64 (eps = 2^-52): the lead of about 36 where float64 gives up",
              format="float64", op="log-softmax", element=0, target=0, set="bug-reports", case="scipy-19521-f64-a"),
         np.array([f64(1) - np.log(f64(2) * eps64), 0], dtype=f64)),
        (dict(id="scipy-19521-f64-b", report="SciPy 19521",
              claim="-log_softmax([1 - log(eps), 0])[0] in float64 (eps = 2^-52) gave 0",
              format="float64", op="log-softmax", element=0, target=0, set="bug-reports", case="scipy-19521-f64-b"),
         np.array([f64(1) - np.log(eps64), 0], dtype=f64)),
        (dict(id="mlx-4169", report="MLX 4169", claim="x - lse(x) without a shift gave 0 for [1e8, 1e8] (exact -log 2)",
              format="float32", op="log-softmax", element=0, target=0, set="float32/families", case="seed/7"), None),
        (dict(id="jax-40384", report="JAX 40384",
              claim="d/dx of log_softmax(x)[0] at [37.42994775023705, 0] in float64: the component 5.55e-17 came back 0 "
                    "(here the cross-entropy gradient, its negative)",
              format="float64", op="ce-gradient", element=0, target=0, set="bug-reports", case="jax-40384"),
         np.array([37.42994775023705, 0.0], dtype=f64)),
    ]


# ---- Running. ----

def run(cmd):
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def build_lab():
    run(["swift", "build", "-c", "release", "--product", "softmax-lab", "--package-path", ROOT])
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path", "--package-path", ROOT],
                         check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(out, "softmax-lab")


def load_rows(directory):
    """The rows of a bundle (or of bug-reports/) in the manifest's order: [(id, logits, target)]."""
    tensors = load_file(os.path.join(directory, "logits.safetensors"))
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    return [(c["id"], from_torch(tensors[c["id"]]), c["target"]) for c in manifest["cases"]]


def compute(library, op, rows):
    """The outputs of one library's op on every row (each row computed twice: the ids of the rows
    whose two calls gave different bits), or the reason it has none."""
    fn = LIBRARIES[library][op][1]
    outputs, unstable = {}, []
    with np.errstate(all="ignore"):
        for row_id, x, t in rows:
            try:
                y = np.ascontiguousarray(np.asarray(fn(x.copy(), t)).reshape(-1))
                again = np.ascontiguousarray(np.asarray(fn(x.copy(), t)).reshape(-1))
            except Exception as e:  # a library with no kernel for the dtype
                return None, f"{type(e).__name__}: {str(e).strip().splitlines()[0]}", []
            if y.dtype != again.dtype or y.tobytes() != again.tobytes():
                unstable.append(row_id)
            outputs[row_id] = y
    dtypes = {dtype_name(y.dtype) for y in outputs.values()}
    if len(dtypes) != 1:
        return None, f"returned several dtypes: {sorted(dtypes)}", []
    return outputs, None, unstable


def main():
    p = argparse.ArgumentParser(prog="scripts/peers/run", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lab", help="a built softmax-lab (default: build it, release)")
    p.add_argument("--out", default=os.path.join(ROOT, "data", "peers"), help="the folder to write (default data/peers)")
    p.add_argument("--rows", type=int, default=16, help="rows per family (default 16; special and seed have fewer)")
    p.add_argument("--n", type=int, default=64, help="logits per row (default 64; seed rows keep their own)")
    p.add_argument("--seed", type=int, default=1, help="the case families' seed (default 1)")
    p.add_argument("--format", action="append", choices=FORMATS, help="formats (default: all six)")
    p.add_argument("--library", action="append", choices=list(LIBRARIES), help="libraries (default: all four)")
    args = p.parse_args()
    lab = args.lab or build_lab()

    # Everything is written to a temporary folder beside the destination, which replaces it only at
    # the end: a failed run leaves the old data as it was.
    final = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(final), exist_ok=True)
    out = tempfile.mkdtemp(prefix=os.path.basename(final) + ".tmp-", dir=os.path.dirname(final))
    os.chmod(out, 0o755)
    try:
        write_peers(args, lab, out)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    old = None
    if os.path.exists(final):
        old = final + ".old"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(final, old)
    os.rename(out, final)
    if old:
        shutil.rmtree(old)
    print(f"wrote {final}", file=sys.stderr)


def write_peers(args, lab, out):
    """Exports the bundles into `out`, runs every library on them, writes the outputs and provenance.json."""
    formats = args.format or FORMATS
    libraries = args.library or list(LIBRARIES)
    lab_version = subprocess.run([lab, "--version"], check=True, capture_output=True, text=True).stdout.strip()
    started = time.time()

    # Bundles.
    sets = []
    for fmt in formats:
        fam = os.path.join(out, fmt, "families")
        run([lab, "cases", "export", "--bundle", fam, "--format", fmt, "--seed", str(args.seed), "--rows", str(args.rows),
             "--n", str(args.n)] + sum((["--family", f] for f in FAMILIES), []))
        huge = os.path.join(out, fmt, "huge-n")
        run([lab, "cases", "export", "--bundle", huge, "--format", fmt, "--seed", str(args.seed), "--rows", "1",
             "--family", "huge-n"])
        sets += [dict(dir=f"{fmt}/families", format=fmt), dict(dir=f"{fmt}/huge-n", format=fmt)]

    # The bug reports' own rows.
    bugs = bug_rows()
    bug_dir = os.path.join(out, "bug-reports")
    os.makedirs(bug_dir)
    own = [(entry, x) for entry, x in bugs if x is not None]
    save_file({e["case"]: x for e, x in own}, os.path.join(bug_dir, "logits.safetensors"),
              metadata={"about": "the rows of public bug reports that no softmax-lab case family holds"})
    with open(os.path.join(bug_dir, "manifest.json"), "w") as f:
        json.dump({"about": "rows of public bug reports; each library's outputs in LIBRARY-OP.safetensors beside it",
                   "cases": [dict(id=e["case"], format=e["format"], target=e["target"], n=len(x)) for e, x in own]},
                  f, indent=2)
        f.write("\n")
    sets.append(dict(dir="bug-reports", format="mixed"))

    # Every library on every set.
    outputs, skipped, returned, nondeterministic = [], [], {}, []
    for s in sets:
        rows = load_rows(os.path.join(out, s["dir"]))
        fmt_of = {}
        if s["format"] == "mixed":
            fmt_of = {r[0]: dtype_name(r[1].dtype) for r in rows}
        for library in libraries:
            for op in OPS:
                if op not in LIBRARIES[library]:
                    continue
                t0 = time.time()
                # A mixed set (bug-reports) runs per format, so that a dtype without a kernel skips only itself.
                groups = {s["format"]: rows} if not fmt_of else {
                    f: [r for r in rows if fmt_of[r[0]] == f] for f in sorted(set(fmt_of.values()))}
                result = {}
                for fmt, group in groups.items():
                    values, reason, unstable = compute(library, op, group)
                    if unstable:
                        nondeterministic.append(dict(library=library, format=fmt, op=op, set=s["dir"], rows=unstable))
                    if values is None:
                        skipped.append(dict(library=library, format=fmt, op=op, set=s["dir"], reason=reason))
                        continue
                    result.update(values)
                    dt = dtype_name(next(iter(values.values())).dtype)
                    returned.setdefault(library, {}).setdefault(fmt, {})[op] = dt
                if not result:
                    continue
                name = f"{library}-{op}.safetensors"
                # One metadata key: safetensors writes several in no fixed order, and the bytes should not change.
                save_file(result, os.path.join(out, s["dir"], name), metadata={"outputs": f"{library} {op}"})
                outputs.append(dict(set=s["dir"], library=library, op=op, file=f"{s['dir']}/{name}"))
                print(f"{s['dir']} {library} {op}: {len(result)} rows, {time.time() - t0:.1f} s", file=sys.stderr)

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    provenance = {
        "about": "outputs of other libraries on softmax-lab's rows, made by scripts/peers/run_peers.py; read by `softmax-lab report --only peers`",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": " ".join(["scripts/peers/run"] + sys.argv[1:]),
        "softmaxLab": lab_version,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "threads": THREADS,
        "threadSettings": "OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1), "
                          "torch.set_num_interop_threads(1), XLA_FLAGS=--xla_cpu_multi_thread_eigen=false "
                          "intra_op_parallelism_threads=1, JAX_PLATFORMS=cpu",
        "libraries": {"torch": torch.__version__, "jax": jax.__version__, "jaxlib": jaxlib.__version__,
                      "scipy": scipy.__version__, "numpy": np.__version__, "safetensors": safetensors.__version__,
                      "ml_dtypes": ml_dtypes.__version__},
        "seed": args.seed, "rows": args.rows, "n": args.n,
        "about-libraries": {lib: ABOUT[lib] for lib in libraries},
        "calls": {lib: {op: LIBRARIES[lib][op][0] for op in OPS if op in LIBRARIES[lib]} for lib in libraries},
        "returned": returned,
        "sets": sets,
        "outputs": outputs,
        "skipped": skipped,
        # Rows whose outputs differed between two calls in this process (the first call's are kept).
        "nondeterministic": nondeterministic,
        "bugReports": [e for e, _ in bugs],
        "seconds": round(time.time() - started, 1),
    }
    with open(os.path.join(out, "provenance.json"), "w") as f:
        json.dump(provenance, f, indent=2)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(out) for n in ns)
    print(f"{len(outputs)} output files, {len(skipped)} skipped, {size / 1e6:.1f} MB, "
          f"{time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()

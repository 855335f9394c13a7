"""Writes the TensorFiles test fixtures with NumPy and safetensors (see README.md).

Run from this folder: python make_fixtures.py
"""
import numpy as np
from safetensors.numpy import save_file

logits = np.array([[0.5, -2.0, 3.25], [1024.0, -0.0, 0.125]], dtype=np.float32)
half = np.array([1.0, -0.5, 65504.0, 2.0**-24, -np.inf], dtype=np.float16)
targets = np.array([0, 2, 1, -100], dtype=np.int64)
save_file(
    {"logits": logits, "half": half, "targets": targets},
    "python.safetensors",
    metadata={"made_by": "make_fixtures.py"},
)

np.save("logits.npy", np.array([[1.5, -0.25, 8.0], [-3.0, 0.0, 0.0625]], dtype="<f4"))
np.save("targets.npy", np.array([2, 0, 7], dtype="<i8"))
np.save("big_endian.npy", np.array([0.1, -1e300, 5e-324], dtype=">f8"))

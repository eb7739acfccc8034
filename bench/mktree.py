#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""mktree.py ROOT N SEED [--exec]: the benchmarks' file tree.

N distinct files (each starts with its number) of sizes spread
log-uniformly from 128 B to 128 KiB, one in 5000 of 16 MiB as real trees
have, 100 to a directory: ROOT/dNNN/sNN/fNNNNNN. --exec makes them
executable, so an exec-only index hashes them too. SEED fixes the sizes.
"""
import os
import random
import sys

root, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
executable = "--exec" in sys.argv[4:]
random.seed(seed)
blob = os.urandom(1 << 17)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 1000), "s%02d" % (i // 100 % 10))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    size = int(2 ** random.uniform(7, 17))
    if i % 5000 == 4999:
        size = 16 << 20
    head = b"%d\n" % i
    p = os.path.join(d, "f%06d" % i)
    with open(p, "wb") as f:
        f.write(head)
        left = size - len(head)
        while left > 0:
            chunk = blob[: min(left, len(blob))]
            f.write(chunk)
            left -= len(chunk)
    if executable:
        os.chmod(p, 0o755)

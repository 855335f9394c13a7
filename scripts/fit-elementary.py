#!/usr/bin/env python3
"""Refits the minimax coefficients of Sources/SoftmaxKernels/Elementary (pip install mpmath).

A Remez exchange on a grid of midpoints: each polynomial minimizes the largest error relative
to the result, with the leading terms fixed (exp: 1 + r; log: f - f^2/2). Prints the coefficients
(Float ones rounded to Float) and the error after rounding. Takes about a minute.
"""
import struct
import mpmath as mp


def remez(f, w, n, a, b, grid, iters=30):
    """c[0..n-1] minimizing max |w(x) (f(x) - sum c_i x^i)| on [a, b]; returns (c, max error)."""
    pts = [(a + b) / 2 - (b - a) / 2 * mp.cos(mp.pi * (i + mp.mpf('0.37')) / (n + 0.74)) for i in range(n + 1)]
    G = [a + (b - a) * (mp.mpf(i) + mp.mpf('0.5')) / grid for i in range(grid)]
    fG = [f(x) for x in G]
    wG = [w(x) for x in G]
    best = None
    for _ in range(iters):
        A = mp.matrix(n + 1, n + 1)
        rhs = mp.matrix(n + 1, 1)
        for j, x in enumerate(pts):
            for i in range(n):
                A[j, i] = x**i
            A[j, n] = (-1)**j / w(x)
            rhs[j] = f(x)
        sol = mp.lu_solve(A, rhs)
        c = [sol[i] for i in range(n)]
        E = sol[n]
        err = [wG[k] * (fG[k] - sum(c[i] * G[k]**i for i in range(n))) for k in range(len(G))]
        runs, cur = [], [0]
        for k in range(1, len(G)):
            if mp.sign(err[k]) == mp.sign(err[cur[-1]]) or err[k] == 0:
                cur.append(k)
            else:
                runs.append(cur)
                cur = [k]
        runs.append(cur)
        ext = [max(r, key=lambda k: abs(err[k])) for r in runs]
        while len(ext) > n + 1:
            if abs(err[ext[0]]) < abs(err[ext[-1]]):
                ext.pop(0)
            else:
                ext.pop()
        maxerr = max(abs(e) for e in err)
        if len(ext) < n + 1:
            break
        pts = [G[k] for k in ext]
        best = (c, maxerr)
        if abs(maxerr - abs(E)) < abs(E) * mp.mpf('1e-6'):
            break
    return best


def f32(x):
    return struct.unpack('f', struct.pack('f', float(x)))[0]


def report(name, c, rnd, f, w, a, b, grid):
    cr = [mp.mpf(rnd(x)) for x in c]
    G = [a + (b - a) * (mp.mpf(i) + mp.mpf('0.5')) / grid for i in range(grid)]
    e = max(abs(w(x) * (f(x) - sum(cr[i] * x**i for i in range(len(cr))))) for x in G)
    print(f'{name}: error after rounding 2^{mp.nstr(mp.log(e, 2), 4)}')
    for i, x in enumerate(cr):
        print(f'  {i}: {float(x).hex()}')


def exp_fit(degree, delta, dps, grid, rnd, name):
    mp.mp.dps = dps
    h = mp.log(2) / 2 + mp.mpf(delta)
    # e^r = 1 + r + r^2 Q(r): Q fitted for the relative error of e^r.
    f = lambda r: (mp.exp(r) - 1 - r) / r**2
    w = lambda r: r**2 / mp.exp(r)
    c, _ = remez(f, w, degree - 1, -h, h, grid)
    report(name, c, rnd, f, w, -h, h, grid)


def log_fit(degree, delta, dps, grid, rnd, name):
    mp.mp.dps = dps
    a = mp.sqrt(mp.mpf(1) / 2) - 1 - mp.mpf(delta)
    b = mp.sqrt(2) - 1 + mp.mpf(delta)
    # log(1 + f) = f - f^2/2 + f^3 P(f): P fitted for the error relative to log(1 + f).
    f = lambda r: (mp.log1p(r) - r + r * r / 2) / r**3
    w = lambda r: abs(r**3 / mp.log1p(r))
    c, _ = remez(f, w, degree + 1, a, b, grid)
    report(name, c, rnd, f, w, a, b, grid)


exp_fit(6, '1e-4', 60, 4000, f32, 'exp Float: fE2...fE6')
exp_fit(11, '1e-6', 50, 3000, float, 'exp Double: dE2...dE11')
log_fit(7, '1e-6', 40, 3000, f32, 'log Float: fL0...fL7')
log_fit(18, '1e-9', 60, 3000, float, 'log Double: dL0...dL18')

/// Vectorized exp, log and log1p on Swift SIMD vectors of Float16, Float and Double, with no call
/// to libm, no FMA and no fast-math: each is a fixed sequence of IEEE operations, so its results do
/// not depend on build flags, the SIMD width or the platform.
///
/// The algorithms are fdlibm's (Sun Microsystems 1993, as in FreeBSD's msun: e_exp.c, e_expf.c,
/// e_log.c, e_logf.c), written without branches: arguments are clamped or special lanes selected,
/// 2^k is built from bits (the magic-number trick, never a float-to-int conversion), and subnormal
/// results come from one final rounding (y * 2^k1 is exact, * 2^k2 rounds once).
/// - exp: x = k ln2 + r, |r| <= ln2/2 (Cody-Waite, ln2 in two parts); exp(r) = 1 + r + r c/(2 - c)
///   with c = r - r^2 P(r^2), a minimax approximation of r (e^r + 1)/(e^r - 1).
/// - log: x = 2^k (1 + f), 1 + f in [sqrt(1/2), sqrt(2)); log(1 + f) = f - f^2/2 + s (f^2/2 + R),
///   s = f/(2 + f), R a minimax polynomial in s^2.
/// - log1p: u = 1 + x rounded, c its exact rounding error (TwoSum); log1p(x) = log(u) + c/u, the
///   correction folded into log's low-order term.
///
/// Float16 lanes are computed in Float lanes and rounded once.
///
/// Measured error (ULP against the correctly rounded result; `softmax-lab elementary`,
/// reports/elementary.md; held by ElementaryTests on samples): see docs/kernels.md, "Elementary functions".
///
/// Edge Cases: exp(+inf) = +inf, exp(-inf) = +0, exp overflows to +inf above log(largest finite)
/// and underflows gradually to subnormals and +0; log(+-0) = -inf, log(x < 0) = NaN,
/// log(+inf) = +inf; log1p(-1) = -inf, log1p(x < -1) = NaN, log1p(+-0) = +-0; NaN gives NaN.
public enum Elementary {}

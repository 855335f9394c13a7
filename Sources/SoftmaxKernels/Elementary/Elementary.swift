/// Vectorized exp, log and log1p on Swift SIMD vectors of Float16, Float and Double, with no call
/// to libm, no FMA and no fast-math: each is a fixed sequence of IEEE operations, so its results do
/// not depend on build flags, the SIMD width or the platform.
///
/// No division in exp and log; log1p has one (its correction e/u). Written without branches:
/// arguments are clamped or special lanes selected, integers come from the magic-number trick on
/// the bits (never a float-to-int conversion, which Swift SIMD scalarizes), and polynomials are
/// evaluated in Estrin form.
/// - exp: k = round(x/ln2) from x * (1/ln2) + (1.5 * 2^23 or 2^52, plus a bias that the scale
///   factors need) and subtracted again; x = k ln2 + hi - lo with ln2 in two parts (Cody-Waite,
///   fdlibm's split: k ln2Hi and hi exact); e^r = 1 + r + r^2 Q(r), Q of degree 4 (Float) or 9
///   (Double), minimax for the relative error on |r| <= ln2/2, summed as 1 + (hi - (lo - r^2 Q))
///   (Double: 1 + hi as an exact Fast2Sum pair beside the polynomial). e^x = (y 2^k1) 2^k2 with
///   k1 = floor(k/2), k2 = k - k1 taken from the bits of the rounded t: the first product is
///   exact, the second rounds once, into the subnormals too; inf and 0 come from the clamped
///   x (Float [-104, 89], Double [-746, 710]) by IEEE arithmetic.
/// - log: x = 2^k (1 + f), 1 + f in [sqrt(1/2), sqrt(2)) by musl's trick on the bits (subnormal x
///   first times 2^25 or 2^54, exact); log(1 + f) = f - f^2/2 + f^3 P(f), P of degree 7 (Float)
///   or 18 (Double), minimax for the error relative to log(1 + f) on the whole interval; summed in
///   fdlibm's order, k ln2Hi (exact) last. Special lanes: max(r, x - greatest finite) gives +inf
///   and NaN, an OR with the mask x < 0 gives NaN, one select gives -inf at +-0.
/// - log1p: u = 1 + x rounded, e its exact rounding error (TwoSum); log1p(x) = log(u) + e/u, the
///   correction folded into log's low-order term. The division stays: e 2^-k (1 - f + f^2) in its
///   place kept the bound on samples but measured 11% (Float) and 6% (Double) slower here.
///
/// Coefficients: fitted here by `scripts/fit-elementary.py`, a Remez exchange in Python + mpmath
/// (Sollya was not at hand), for the error relative to the result with the leading terms (1 + r,
/// f - f^2/2) fixed, then rounded to the lane type; approximation error after rounding: exp
/// Float 2^-28.0, Double 2^-56.2; log Float 2^-27.0, Double 2^-56.1. ln2Hi/ln2Lo, 1/ln2 and the
/// reduction constants are fdlibm's (Sun Microsystems 1993, FreeBSD msun e_exp.c, e_expf.c,
/// e_log.c, e_logf.c).
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

// Exercises every operation of the MPFR wrapper many times, so that
// `valgrind --leak-check=full .build/debug/mpfr-leak-check` shows whether any mpfr_t or buffer
// escapes its owner. MPFRTests runs it under valgrind when valgrind is installed.
import MPFR

@inline(never)
func exercise(_ round: Int) -> Double {
  let x = BigFloat(Double(round) + 0.375, precision: 80)
  let y = BigFloat(-1.0 / 3.0)
  var acc = 0.0
  for precision in [2, 24, 53, 113, 300] {
    let (s, _) = BigFloat.add(x, y, precision: precision, .nearestEven)
    let (d, _) = BigFloat.subtract(s, y, precision: precision, .down)
    let (p, _) = BigFloat.multiply(d, y, precision: precision, .up)
    let (q, _) = BigFloat.divide(p, x, precision: precision, .towardZero)
    let (e, _) = BigFloat.exp(q, precision: precision, .nearestEven)
    let (l, _) = BigFloat.log(e, precision: precision, .nearestEven)
    let (l1, _) = BigFloat.log1p(e, precision: precision, .nearestEven)
    let (n, _) = BigFloat.negate(l1, precision: precision, .nearestEven)
    let (a, _) = BigFloat.abs(n, precision: precision, .nearestEven)
    let (sc, _) = BigFloat.scaled(a, byPowerOfTwo: -3, precision: precision, .nearestEven)
    let (sum, _) = BigFloat.sum([s, d, p, q, e, l, l1, n, a, sc], precision: precision, .nearestEven)
    let (r, _) = sum.rounded(toPrecision: 20, .nearestEven)
    acc += r.copy().floor().double(.nearestEven) + r.ceil().double(.nearestEven)
    acc += r.nextUp().double(.up) - r.nextDown().double(.down)
    acc += Double(r.hexDescription.count) + (r.fits(inPrecision: 30) ? 1 : 0)
    acc += r.roundedBySubnormalizeRecipe(precision: 11, emin: -14, emax: 15)
    if let (parsed, _) = BigFloat.parse("0x1.8p-3", precision: precision, .nearestEven) {
      acc += parsed.double(.nearestEven)
    }
    _ = BigFloat.parse("not a number", precision: precision, .nearestEven)
  }
  return acc
}

var total = 0.0
for round in 0..<200 { total += exercise(round) }
print("mpfr-leak-check: done (\(total.isFinite ? "finite" : "non-finite") checksum)")

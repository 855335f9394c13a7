import CMPFR

/// An MPFR number: a binary floating-point value with a precision of its own (in bits) and
/// MPFR's exponent range (about 2^±(2^30)), owned by this object.
///
/// The `mpfr_t` is initialized in `init` and cleared in `deinit`; no pointer to it leaves this
/// module. `BigFloat` is a class so that sharing is by reference and copies are explicit
/// (`copy()`): every operation returns a new value and never modifies its operands.
///
/// Every operation names its precision and its rounding at the call site, as MPFR does, and
/// reports its `Ternary` (where the result lies relative to the exact value) so that callers
/// can bound exact results rigorously.
///
/// Thread safety: a `BigFloat` is not shared between threads while one of them modifies it; the
/// values returned here are never modified after they are returned, so reading them from several
/// threads is safe. MPFR itself is built thread-safe on Debian (`mpfr_buildopt_tls_p`).
public final class BigFloat: @unchecked Sendable {
  /// The MPFR number. Internal: no C pointer escapes the wrapper.
  let raw: UnsafeMutablePointer<__mpfr_struct>

  /// The smallest and largest precisions MPFR accepts.
  public static let minPrecision = 1
  public static let maxPrecision = 1 << 30

  /// A NaN of the given precision, the state MPFR initializes numbers to.
  public init(precision: Int) {
    precondition(precision >= Self.minPrecision && precision <= Self.maxPrecision,
                 "BigFloat precision \(precision) out of range")
    raw = .allocate(capacity: 1)
    mpfr_init2(raw, mpfr_prec_t(precision))
  }

  deinit {
    mpfr_clear(raw)
    raw.deallocate()
  }

  /// The exact value of `value` (a Double has 53 bits; `precision` must be at least that to be
  /// exact, which is checked).
  public convenience init(_ value: Double, precision: Int = 53) {
    self.init(precision: precision)
    let t = mpfr_set_d(raw, value, MPFR_RNDN)
    precondition(t == 0, "BigFloat(\(value), precision: \(precision)) is not exact")
  }

  /// The integer `value`, exactly (precision 64 by default).
  public convenience init(_ value: Int, precision: Int = 64) {
    self.init(precision: precision)
    let t = mpfr_set_si(raw, value, MPFR_RNDN)
    precondition(t == 0, "BigFloat(\(value), precision: \(precision)) is not exact")
  }

  /// A copy with its own storage and the same precision and value.
  public func copy() -> BigFloat {
    let r = BigFloat(precision: precision)
    mpfr_set(r.raw, raw, MPFR_RNDN)
    return r
  }

  /// This value rounded to `precision` bits.
  public func rounded(toPrecision precision: Int, _ rounding: Rounding) -> (BigFloat, Ternary) {
    let r = BigFloat(precision: precision)
    let t = mpfr_set(r.raw, raw, rounding.mpfr)
    return (r, Ternary(t))
  }

  /// The precision in bits.
  public var precision: Int { Int(softmax_lab_mpfr_get_prec(raw)) }

  public var isNaN: Bool { softmax_lab_mpfr_nan_p(raw) != 0 }
  public var isInfinite: Bool { softmax_lab_mpfr_inf_p(raw) != 0 }
  public var isZero: Bool { softmax_lab_mpfr_zero_p(raw) != 0 }
  public var isFinite: Bool { !isNaN && !isInfinite }
  /// The sign bit (true for -0, -inf and negative numbers).
  public var signBit: Bool { softmax_lab_mpfr_signbit(raw) != 0 }
  /// -1, 0 or 1 (0 for zeros and NaN).
  public var signum: Int { isNaN ? 0 : Int(softmax_lab_mpfr_sgn(raw)) }

  /// floor(log2 |x|) for a finite nonzero x (MPFR's exponent minus one: MPFR writes x as
  /// m * 2^e with 1/2 <= |m| < 1).
  public var binade: Int {
    precondition(isFinite && !isZero, "binade of \(self)")
    return Int(softmax_lab_mpfr_get_exp(raw)) - 1
  }

  /// True when |x| is a power of two (one significant bit).
  public var isPowerOfTwoMagnitude: Bool {
    guard isFinite && !isZero else { return false }
    let one = BigFloat(precision: 1)
    return mpfr_set(one.raw, raw, MPFR_RNDN) == 0
  }

  /// True when x fits in `bits` significant bits exactly.
  public func fits(inPrecision bits: Int) -> Bool {
    let r = BigFloat(precision: bits)
    return mpfr_set(r.raw, raw, MPFR_RNDN) == 0
  }

  /// x rounded to a Double.
  public func double(_ rounding: Rounding) -> Double { mpfr_get_d(raw, rounding.mpfr) }

  // MARK: Arithmetic: each result is a new value of the given precision.

  public static func add(_ a: BigFloat, _ b: BigFloat, precision: Int, _ rounding: Rounding)
    -> (BigFloat, Ternary)
  {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_add(r.raw, a.raw, b.raw, rounding.mpfr)))
  }

  public static func subtract(_ a: BigFloat, _ b: BigFloat, precision: Int, _ rounding: Rounding)
    -> (BigFloat, Ternary)
  {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_sub(r.raw, a.raw, b.raw, rounding.mpfr)))
  }

  public static func multiply(_ a: BigFloat, _ b: BigFloat, precision: Int, _ rounding: Rounding)
    -> (BigFloat, Ternary)
  {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_mul(r.raw, a.raw, b.raw, rounding.mpfr)))
  }

  public static func divide(_ a: BigFloat, _ b: BigFloat, precision: Int, _ rounding: Rounding)
    -> (BigFloat, Ternary)
  {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_div(r.raw, a.raw, b.raw, rounding.mpfr)))
  }

  /// x * 2^k, exact unless it leaves MPFR's exponent range or `precision` is too small.
  public static func scaled(_ x: BigFloat, byPowerOfTwo k: Int, precision: Int, _ rounding: Rounding)
    -> (BigFloat, Ternary)
  {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_mul_2si(r.raw, x.raw, k, rounding.mpfr)))
  }

  /// -x, exact when `precision` >= x.precision.
  public static func negate(_ x: BigFloat, precision: Int, _ rounding: Rounding) -> (BigFloat, Ternary) {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_neg(r.raw, x.raw, rounding.mpfr)))
  }

  public static func abs(_ x: BigFloat, precision: Int, _ rounding: Rounding) -> (BigFloat, Ternary) {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_abs(r.raw, x.raw, rounding.mpfr)))
  }

  public static func exp(_ x: BigFloat, precision: Int, _ rounding: Rounding) -> (BigFloat, Ternary) {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_exp(r.raw, x.raw, rounding.mpfr)))
  }

  public static func log(_ x: BigFloat, precision: Int, _ rounding: Rounding) -> (BigFloat, Ternary) {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_log(r.raw, x.raw, rounding.mpfr)))
  }

  public static func log1p(_ x: BigFloat, precision: Int, _ rounding: Rounding) -> (BigFloat, Ternary) {
    let r = BigFloat(precision: precision)
    return (r, Ternary(mpfr_log1p(r.raw, x.raw, rounding.mpfr)))
  }

  /// The sum of all `terms`, rounded once (MPFR's `mpfr_sum` is correctly rounded whatever the
  /// number of terms and their exponents). The empty sum is +0.
  public static func sum(_ terms: [BigFloat], precision: Int, _ rounding: Rounding) -> (BigFloat, Ternary) {
    let r = BigFloat(precision: precision)
    var pointers: [mpfr_ptr?] = terms.map { $0.raw }
    let t = pointers.withUnsafeMutableBufferPointer { buffer in
      mpfr_sum(r.raw, buffer.baseAddress, UInt(terms.count), rounding.mpfr)
    }
    withExtendedLifetime(terms) {}
    return (r, Ternary(t))
  }

  /// floor(x) and ceil(x) at the precision of x (exact).
  public func floor() -> BigFloat {
    let r = BigFloat(precision: precision)
    softmax_lab_mpfr_floor(r.raw, raw)
    return r
  }

  public func ceil() -> BigFloat {
    let r = BigFloat(precision: precision)
    softmax_lab_mpfr_ceil(r.raw, raw)
    return r
  }

  /// The next value of this precision toward +inf or -inf (a new value).
  public func nextUp() -> BigFloat {
    let r = copy()
    mpfr_nextabove(r.raw)
    return r
  }

  public func nextDown() -> BigFloat {
    let r = copy()
    mpfr_nextbelow(r.raw)
    return r
  }

  // MARK: Comparison and text

  /// -1, 0 or 1 as a < b, a == b, a > b; nil when either is NaN.
  public static func compare(_ a: BigFloat, _ b: BigFloat) -> Int? {
    if a.isNaN || b.isNaN { return nil }
    return Int(softmax_lab_mpfr_cmp(a.raw, b.raw)).signum()
  }

  /// Compares x with 2^k: -1, 0 or 1 as x < 2^k, x == 2^k, x > 2^k.
  public func compare(toPowerOfTwo k: Int) -> Int {
    Int(mpfr_cmp_ui_2exp(raw, 1, k)).signum()
  }

  /// Reads `text` (decimal, or hexadecimal with a `0x` prefix and a binary `p` exponent) rounded
  /// to `precision` bits; nil unless the whole text is one number.
  public static func parse(_ text: String, precision: Int, _ rounding: Rounding) -> (BigFloat, Ternary)? {
    let r = BigFloat(precision: precision)
    var consumedAll = false
    var ternary: Int32 = 0
    text.withCString { start in
      var end: UnsafeMutablePointer<CChar>? = nil
      ternary = mpfr_strtofr(r.raw, start, &end, 0, rounding.mpfr)
      if let end, end != UnsafeMutablePointer(mutating: start), end.pointee == 0 { consumedAll = true }
    }
    return consumedAll ? (r, Ternary(ternary)) : nil
  }

  /// The exact value in hexadecimal, e.g. "0x1.8p+1", "-0x0p+0", "inf", "nan".
  public var hexDescription: String {
    if isNaN { return "nan" }
    if isInfinite { return signBit ? "-inf" : "inf" }
    if isZero { return signBit ? "-0x0p+0" : "0x0p+0" }
    var exponent: mpfr_exp_t = 0
    guard let digits = mpfr_get_str(nil, &exponent, 16, 0, raw, MPFR_RNDN) else { return "?" }
    defer { mpfr_free_str(digits) }
    var s = String(cString: digits)
    let negative = s.hasPrefix("-")
    if negative { s.removeFirst() }
    // value = 0.s * 16^exponent; write it as 0x1.xxxp+e by normalizing the leading hex digit.
    let lead = Int(String(s.first!), radix: 16)!
    let leadBits = 64 - lead.leadingZeroBitCount  // 1...4
    let bitExponent = 4 * Int(exponent) - (4 - leadBits) - 1
    // Re-express the bits after the leading one.
    var bits = String(lead, radix: 2).dropFirst().map { $0 }
    for c in s.dropFirst() {
      let v = Int(String(c), radix: 16)!
      let b = String(v, radix: 2)
      bits += Array(String(repeating: "0", count: 4 - b.count) + b)
    }
    while bits.last == "0" { bits.removeLast() }
    while bits.count % 4 != 0 { bits.append("0") }
    var frac = ""
    var i = 0
    while i < bits.count {
      frac += String(Int(String(bits[i..<i + 4]), radix: 2)!, radix: 16)
      i += 4
    }
    let sign = negative ? "-" : ""
    let e = bitExponent >= 0 ? "+\(bitExponent)" : "\(bitExponent)"
    return frac.isEmpty ? "\(sign)0x1p\(e)" : "\(sign)0x1.\(frac)p\(e)"
  }
}

extension BigFloat: CustomStringConvertible {
  public var description: String { hexDescription }
}


extension BigFloat {
  /// x rounded to an IEEE-style binary format with precision p and normal exponents
  /// emin...emax (round to nearest even, gradual underflow, overflow to inf), by MPFR's documented
  /// recipe: round to p bits, then `mpfr_check_range` and `mpfr_subnormalize` with MPFR's exponent
  /// range set to the format's (emin - p + 2 ... emax + 1 in MPFR's convention). The exponent range
  /// is this thread's MPFR state (thread-local in a TLS build) and is restored before returning.
  /// Used to cross-check softmax-lab's own rounding.
  public func roundedBySubnormalizeRecipe(precision p: Int, emin: Int, emax: Int) -> Double {
    let savedMin = mpfr_get_emin(), savedMax = mpfr_get_emax()
    defer {
      mpfr_set_emin(savedMin)
      mpfr_set_emax(savedMax)
    }
    let r = BigFloat(precision: p)
    var t = mpfr_set(r.raw, raw, MPFR_RNDN)
    mpfr_set_emin(mpfr_exp_t(emin - p + 2))
    mpfr_set_emax(mpfr_exp_t(emax + 1))
    t = mpfr_check_range(r.raw, t, MPFR_RNDN)
    _ = mpfr_subnormalize(r.raw, t, MPFR_RNDN)
    let d = mpfr_get_d(r.raw, MPFR_RNDN)
    return d
  }

  /// True when this MPFR keeps its state (exponent range, caches) per thread.
  public static var isThreadSafe: Bool { mpfr_buildopt_tls_p() != 0 }
}

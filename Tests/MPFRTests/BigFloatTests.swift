import Foundation
import MPFR
import Testing

@Suite("BigFloat: the MPFR wrapper")
struct BigFloatTests {
  @Test("Doubles convert exactly both ways, sign of zero and infinities included",
        arguments: [0.0, -0.0, 1.0, -1.5, 0.1, .pi, .leastNonzeroMagnitude, -2.2250738585072014e-308, .greatestFiniteMagnitude,
                    .infinity, -.infinity])
  func doubleRoundTrip(_ x: Double) {
    let b = BigFloat(x)
    #expect(b.double(.nearestEven).bitPattern == x.bitPattern)
    #expect(b.signBit == (x.sign == .minus))
    #expect(b.isInfinite == x.isInfinite)
    #expect(b.isZero == (x == 0))
  }

  @Test("a new number is NaN at its precision")
  func initialState() {
    let b = BigFloat(precision: 77)
    #expect(b.isNaN)
    #expect(b.precision == 77)
    #expect(BigFloat.compare(b, b) == nil)
  }

  @Test("arithmetic reports where the rounded result lies (ternary)")
  func ternaries() {
    let one = BigFloat(1.0), three = BigFloat(3.0)
    let (down, td) = BigFloat.divide(one, three, precision: 53, .down)
    let (up, tu) = BigFloat.divide(one, three, precision: 53, .up)
    let (near, tn) = BigFloat.divide(one, three, precision: 53, .nearestEven)
    #expect(td == .below && tu == .above)
    #expect(down.double(.nearestEven) == (1.0 / 3.0).nextDown || down.double(.nearestEven) == 1.0 / 3.0)
    #expect(near.double(.nearestEven) == 1.0 / 3.0)  // IEEE division is correctly rounded
    #expect(tn == .below)  // 1/3 rounds down to 0x1.5555555555555p-2
    #expect(BigFloat.compare(down, up) == -1)
    #expect(up.nextDown().double(.nearestEven) == down.double(.nearestEven))
    let (sum, ts) = BigFloat.add(BigFloat(0.5), BigFloat(0.25), precision: 2, .nearestEven)
    #expect(ts == .exact && sum.double(.nearestEven) == 0.75)
  }

  @Test("elementary functions: exact cases and correctly rounded values")
  func elementary() {
    let (e0, t0) = BigFloat.exp(BigFloat(0.0), precision: 64, .nearestEven)
    #expect(t0 == .exact && e0.double(.nearestEven) == 1)
    let (l0, tl) = BigFloat.log1p(BigFloat(0.0), precision: 64, .nearestEven)
    #expect(tl == .exact && l0.isZero)
    let (e1, _) = BigFloat.exp(BigFloat(1.0), precision: 53, .nearestEven)
    #expect(e1.double(.nearestEven) == M_E)  // M_E is e correctly rounded
    let (ln2, _) = BigFloat.log(BigFloat(2.0), precision: 53, .nearestEven)
    #expect(ln2.double(.nearestEven) == M_LN2)
    let (minusInf, _) = BigFloat.exp(BigFloat(-Double.infinity), precision: 10, .nearestEven)
    #expect(minusInf.isZero && !minusInf.signBit)
  }

  @Test("precision changes round as asked, and a wider precision keeps the value exactly")
  func precisionChanges() {
    let (third, _) = BigFloat.divide(BigFloat(1.0), BigFloat(3.0), precision: 200, .nearestEven)
    #expect(third.precision == 200)
    let (f, t) = third.rounded(toPrecision: 24, .nearestEven)
    #expect(f.precision == 24 && t != .exact)
    #expect(f.double(.nearestEven) == Double(Float(1) / Float(3)))
    let (wide, tw) = f.rounded(toPrecision: 500, .nearestEven)
    #expect(tw == .exact && BigFloat.compare(wide, f) == 0)
    #expect(f.fits(inPrecision: 24) && !third.fits(inPrecision: 199))
  }

  @Test("copies have their own storage and the same value")
  func copies() {
    var original: BigFloat? = BigFloat(-2.75, precision: 90)
    let copy = original!.copy()
    #expect(copy.precision == 90)
    #expect(BigFloat.compare(copy, original!) == 0)
    original = nil  // the original's mpfr_t is cleared; the copy stays valid
    #expect(copy.double(.nearestEven) == -2.75)
  }

  @Test("mpfr_sum is exact across exponents and counts")
  func sums() {
    let terms = [BigFloat(0x1p100), BigFloat(1.0), BigFloat(-0x1p100), BigFloat(0x1p-1000)]
    let (s, t) = BigFloat.sum(terms, precision: 2000, .nearestEven)
    #expect(t == .exact)
    let (expected, _) = BigFloat.add(BigFloat(1.0), BigFloat(0x1p-1000), precision: 2000, .nearestEven)
    #expect(BigFloat.compare(s, expected) == 0)
    let (empty, te) = BigFloat.sum([], precision: 10, .nearestEven)
    #expect(empty.isZero && te == .exact)
  }

  @Test("parsing reads decimal and hexadecimal text and refuses the rest")
  func parsing() {
    #expect(BigFloat.parse("0x1.8p+1", precision: 53, .nearestEven)?.0.double(.nearestEven) == 3)
    #expect(BigFloat.parse("-2.5e-3", precision: 53, .nearestEven)?.0.double(.nearestEven) == -2.5e-3)
    #expect(BigFloat.parse("0.1", precision: 53, .nearestEven)?.1 == .above)  // 0.1 rounds up in binary64
    #expect(BigFloat.parse("abc", precision: 53, .nearestEven) == nil)
    #expect(BigFloat.parse("1.5x", precision: 53, .nearestEven) == nil)
    #expect(BigFloat.parse("", precision: 53, .nearestEven) == nil)
  }

  @Test("hexadecimal text is exact", arguments: [1.0, 0.1, -3.0, .leastNonzeroMagnitude, 0x1.fffffffffffffp+1023])
  func hexText(_ x: Double) {
    let text = BigFloat(x).hexDescription
    #expect(Double(text) == x)  // Swift reads hexadecimal floats exactly
  }

  @Test("binade and powers of two")
  func binades() {
    #expect(BigFloat(1.0).binade == 0)
    #expect(BigFloat(0.75).binade == -1)
    #expect(BigFloat(-8.0).binade == 3 && BigFloat(-8.0).isPowerOfTwoMagnitude)
    #expect(!BigFloat(3.0).isPowerOfTwoMagnitude)
    #expect(BigFloat(0.75).compare(toPowerOfTwo: -1) == 1)
  }

  @Test("MPFR is built thread-safe (per-thread exponent range and caches)")
  func threadSafety() {
    #expect(BigFloat.isThreadSafe)
  }

  /// The leak check: the wrapper's exercise program under valgrind reports no leaked block.
  @Test("the wrapper leaks nothing under valgrind --leak-check=full",
        .enabled(if: LeakCheck.valgrind != nil, "valgrind is not installed"))
  func noLeaks() throws {
    let binary = try #require(LeakCheck.binary, "mpfr-leak-check was not built beside the tests")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LeakCheck.valgrind!)
    process.arguments = ["--leak-check=full", "--errors-for-leak-kinds=definite,indirect",
                         "--error-exitcode=3", "--show-possibly-lost=no", "--quiet", binary]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = Pipe()
    try process.run()
    let report = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "valgrind reported: \(report.suffix(2000))")
  }
}

enum LeakCheck {
  static let valgrind: String? = ["/usr/bin/valgrind", "/usr/local/bin/valgrind"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

  /// The leak-check program, built in the same folder as the test bundle.
  static let binary: String? = {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let path = folder.appendingPathComponent("mpfr-leak-check").path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
  }()
}

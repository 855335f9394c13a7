import Experiments
import Foundation
import Testing

@Suite("reports/low-precision.md")
struct LowPrecisionReportTests {
  @Test("the same bytes on 1 and 3 threads")
  func threads() throws {
    let one = try LowPrecisionStudy.run(exponents: 6...9, threads: 1).files()
    let three = try LowPrecisionStudy.run(exponents: 6...9, threads: 3).files()
    #expect(one.map(\.path) == three.map(\.path) && one.map(\.content) == three.map(\.content))
  }

  @Test("the report on rows of 2^9 ... 2^13: every reported failure has its row, every plot its file")
  func report() throws {
    let one = try LowPrecisionStudy.run(exponents: 9...13, threads: 2).files()
    let md = try #require(one.first { $0.path == "low-precision.md" }).content
    for report in ["ExecuTorch 20090", "ml_dtypes 63", "candle 3727", "tract 2586", "tt-metal 52045", "FlashAttention 2717",
                   "flashinfer 5020", "PyTorch 62897", "PyTorch 24457"]
    {
      #expect(md.contains("| [\(report)]"), "no row for \(report)")
    }
    #expect(md.contains("agree with every closed form"))
    // Every plot the report shows is among the files, and every file is shown.
    let shown = md.components(separatedBy: "](plots/").dropFirst().map { "plots/" + $0.prefix { $0 != ")" } }
    #expect(Set(shown) == Set(one.map(\.path).filter { $0.hasPrefix("plots/") }))
    #expect(one.filter { $0.path.hasSuffix(".svg") }.allSatisfy { $0.content.hasPrefix("<svg") })
  }
}

import Foundation
import SoftmaxSpec
import Testing

@Suite("softmax-lab bench --page, end to end")
struct BenchCommandTests {
  /// The files under `folder`, relative paths, sorted.
  static func files(_ folder: String) -> [String] {
    (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
  }

  @Test("--page writes speed.md and a chart per op, every op, variant, format and policy by default, nothing else")
  func page() throws {
    let folder = temporaryPath("page")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let run = try CLI(["bench", "--page", folder, "--baseline", CheckCommandTests.baseline, "--shape", "2x8",
                       "--threads", "1", "--repeats", "1", "--build", "test build"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("wrote \(folder)/speed.md"))
    #expect(BenchCommandTests.files(folder) == (["plots", "speed.md"] + Op.allCases.map { "plots/speed-accuracy-\($0.rawValue).svg" }).sorted())
    let text = try String(contentsOfFile: folder + "/speed.md", encoding: .utf8)
    #expect(text.contains("| build | test build |") && text.contains("--build …") && !text.contains("'test build'"))
    // One table line per SIMD kernel (they implement every variant): every op x variant that
    // applies x format x distinct policy.
    let kernels = text.split(separator: "\n").filter { $0.hasPrefix("| simd |") }.count
    #expect(kernels == Op.allCases.map { op in Variant.allCases.filter { $0.applies(to: op) }.count }.reduce(0, +)
      * Format.allCases.map { $0.distinctPolicies.count }.reduce(0, +))
    // The table on stdout is the same run.
    #expect(run.stdout.split(separator: "\n").filter { $0.contains(" simd ") }.count == kernels)
  }

  @Test("a missing or unreadable baseline is a one-line error before anything runs, and nothing is written",
        arguments: ["missing", "malformed", "directory"])
  func badBaseline(kind: String) throws {
    let folder = temporaryPath("page")
    let baseline = temporaryPath("baseline.json")
    defer {
      try? FileManager.default.removeItem(atPath: folder)
      try? FileManager.default.removeItem(atPath: baseline)
    }
    switch kind {
    case "malformed": try "{\"groups\": 3}".write(toFile: baseline, atomically: true, encoding: .utf8)
    case "directory": try FileManager.default.createDirectory(atPath: baseline, withIntermediateDirectories: false)
    default: break
    }
    let run = try CLI(["bench", "--page", folder, "--baseline", baseline, "--shape", "2x8", "--repeats", "1"])
    run.expectInputError(baseline)
    #expect(!FileManager.default.fileExists(atPath: folder))
  }
}

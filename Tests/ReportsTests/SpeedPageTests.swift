import Experiments
import Foundation
import SoftmaxSpec
import Testing

@testable import Reports

/// One group of a baseline file: its key and its max ULP error as the file writes it (a decimal
/// string, or null).
struct BaselineGroup {
  var family = "moderate"
  var kernel = "simd"
  let op: Op, variant: Variant, format: Format, policy: Policy
  let maxULP: String?
}

/// A baseline file holding `groups` (the other aggregates zero), read back with `Baseline.parse`.
func baseline(_ groups: [BaselineGroup]) throws -> Baseline {
  let entries = groups.map { g in
    """
    {"family": "\(g.family)", "format": "\(g.format.rawValue)", "kernel": "\(g.kernel)", "op": "\(g.op.rawValue)", \
    "variant": "\(g.variant.rawValue)", "policy": "\(g.policy.rawValue)", "values": 1, "correctlyRounded": 0, \
    "maxULP": \(g.maxULP.map { "\"\($0)\"" } ?? "null"), "p99ULP": null, "meanULP": null, "overflow": 0, \
    "underflow": 0, "nan": 0, "undefined": 0, "worstCase": null, "worstIndex": null}
    """
  }
  return try Baseline.parse("{\"seed\": 1, \"rows\": null, \"n\": null, \"groups\": [\(entries.joined(separator: ", "))]}",
                            name: "test baseline")
}

/// A bench line that took `ms` milliseconds (every run).
func line(_ subject: BenchSubject, _ shape: BenchShape, threads: Int, ms: Double) -> BenchResult {
  BenchResult(subject: subject, shape: shape, threads: threads, seconds: [ms * 1e-3, ms * 1e-3], bytes: 1000)
}

let testMachine = SpeedPage.Machine(date: "2025-01-01 00:00 UTC", command: "softmax-lab bench --page docs", cpu: "Test CPU",
                                    cores: 2, os: "Test OS", build: "release, no flags")

/// Every line `BenchPlan` would time for these ops, variants and formats (both policies), with
/// made-up times: the copy 1 ms, each kernel a different multiple of it.
func lines(_ ops: [Op], _ variants: [Variant], _ formats: [Format], shapes: [BenchShape], threads: [Int]) -> [BenchResult] {
  let plan = BenchPlan(ops: ops, variants: variants, formats: formats, policies: Policy.allCases, shapes: shapes,
                       threads: threads, repeats: 1)
  return shapes.flatMap { shape in
    threads.flatMap { t in
      plan.subjects(threads: t).enumerated().map { i, s in
        if case .copy = s { return line(s, shape, threads: t, ms: 1) }
        return line(s, shape, threads: t, ms: 2 + Double(i))
      }
    }
  }
}

@Suite("the speed page (bench --page)")
struct SpeedPageTests {
  @Test("the page has one table line per bench result, under a heading per shape and thread count",
        arguments: [([BenchShape(rows: 4096, n: 1024)], [1]),
                    (BenchShape.standard, [1, 2]),
                    ([BenchShape(rows: 8, n: 64), BenchShape(rows: 2, n: 512)], [2, 1, 4])])
  func tableLines(shapes: [BenchShape], threads: [Int]) throws {
    let results = lines([.lse, .ceGradient], Variant.allCases, Format.allCases, shapes: shapes, threads: threads)
    let page = SpeedPage(results: results, baseline: try baseline([]), baselineName: "b.json", machine: testMachine,
                         repeats: 1)
    let text = page.markdown(charts: [])
    let tableLines = text.split(separator: "\n").filter { l in ["| simd |", "| copy |", "| textbook |"].contains { l.hasPrefix($0) } }
    #expect(tableLines.count == results.count)
    for shape in shapes {
      for t in threads { #expect(text.contains("\n### \(shape), \(t) thread\(t == 1 ? "" : "s")\n"), "\(shape) \(t)") }
    }
    // Each line's x copy is its time over the copy of its format in the same run.
    let fused = try #require(text.split(separator: "\n").first { $0.hasPrefix("| simd | lse | fused | float32 | wide |") })
    let copy = try #require(results.first { $0.subject == .copy(.float32) }).median
    let kernel = try #require(results.first { $0.subject == .kernel(.lse, .fused, .float32, .wide) }).median
    #expect(fused.hasSuffix("| \(String(format: "%.2f", kernel / copy)) |"))
    #expect(text.contains("| CPU | Test CPU |") && text.contains("| build | release, no flags |")
              && text.contains("`softmax-lab bench --page docs`"))
  }

  @Test("a chart has one point per (variant, format, policy) with both a timing and a baseline max ULP error",
        arguments: Op.allCases)
  func onePointPerConfiguration(op: Op) throws {
    let results = lines(Op.allCases, Variant.allCases, Format.allCases, shapes: [BenchShape.standard[0]], threads: [1, 2])
    // The baseline knows every second configuration; one more has only null max ULP errors; the
    // textbook groups are not bench's SIMD kernels.
    let configurations = results.compactMap { r -> KernelConfiguration? in
      guard r.threads == 1, case let .kernel(o, v, f, p) = r.subject else { return nil }
      return KernelConfiguration(o, v, f, p)
    }
    let known = configurations.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
    let nullOnly = configurations[1]
    let groups = known.map { BaselineGroup(op: $0.op, variant: $0.variant, format: $0.format, policy: $0.policy, maxULP: "1.5") }
      + [BaselineGroup(op: nullOnly.op, variant: nullOnly.variant, format: nullOnly.format, policy: nullOnly.policy, maxULP: nil)]
      + [BaselineGroup(kernel: "textbook", op: op, variant: .fused, format: .float32, policy: .native, maxULP: "0.5")]
    let page = SpeedPage(results: results, baseline: try baseline(groups), baselineName: "b.json", machine: testMachine,
                         repeats: 1)
    let expected = known.filter { $0.op == op }
    let chart = try #require(page.charts().first { $0.op == op })
    #expect(chart.plot.series.count == expected.count)
    #expect(chart.plot.series.allSatisfy { $0.points.count == 1 && $0.scatter })
    #expect(Set(chart.plot.series.map(\.name)) == Set(expected.map { "\($0.variant.rawValue) \($0.format.rawValue) \($0.policy.rawValue)" }))
    // The points are the one-thread times (4096x1024 is timed), x copy.
    for s in chart.plot.series {
      let c = try #require(expected.first { "\($0.variant.rawValue) \($0.format.rawValue) \($0.policy.rawValue)" == s.name })
      let time = try #require(results.first { $0.threads == 1 && $0.subject == .kernel(c.op, c.variant, c.format, c.policy) })
      let copy = try #require(results.first { $0.threads == 1 && $0.subject == .copy(c.format) })
      #expect(s.points[0].x == time.median / copy.median && s.points[0].y == 1.5)
    }
    // The page shows the chart and names the kernels left off it.
    let files = page.files()
    #expect(files.contains { $0.path == "plots/speed-accuracy-\(op.rawValue).svg" && $0.content.hasPrefix("<svg") })
    let text = try #require(files.first { $0.path == "speed.md" }).content
    #expect(text.contains("](plots/speed-accuracy-\(op.rawValue).svg)"))
    #expect(text.contains("\(nullOnly.op.rawValue) \(nullOnly.variant.rawValue) \(nullOnly.format.rawValue) \(nullOnly.policy.rawValue)"))
  }

  @Test("max ULP is the largest over every family, ignoring nulls; none when every family is null",
        arguments: [(["0.5", "3.25", "1"], 3.25 as Double?), (["2", nil, "0.75"], 2), ([nil, "0.5"], 0.5), ([nil, nil], nil),
                    (["1e+300", "inf"], .infinity)])
  func maxOverFamilies(values: [String?], expected: Double?) throws {
    let families = ["moderate", "large-positive", "confident"]
    let groups = values.enumerated().map { i, v in
      BaselineGroup(family: families[i], op: .softmax, variant: .online, format: .float16, policy: .wide, maxULP: v)
    } + [BaselineGroup(family: "moderate", kernel: "textbook", op: .softmax, variant: .online, format: .float16,
                       policy: .wide, maxULP: "99")]
    #expect(try baseline(groups).simdMaxULP()[KernelConfiguration(.softmax, .online, .float16, .wide)] == expected)
  }

  @Test("the charts use 4096x1024 on one thread when timed, else the first shape at its fewest threads",
        arguments: [([BenchShape(rows: 8, n: 64), BenchShape.standard[0]], [2, 1], BenchShape.standard[0], 1),
                    ([BenchShape(rows: 8, n: 64), BenchShape(rows: 2, n: 512)], [2, 4], BenchShape(rows: 8, n: 64), 2),
                    (BenchShape.standard, [2], BenchShape.standard[0], 2)])
  func chartRun(shapes: [BenchShape], threads: [Int], shape: BenchShape, thread: Int) throws {
    let results = lines([.lse], [.fused], [.float32], shapes: shapes, threads: threads)
    let run = try #require(SpeedAccuracy.chartRun(results))
    #expect(run.shape == shape && run.threads == thread)
  }

  @Test("each variant keeps its colour and each format and policy its marker on every chart, and the key names them")
  func key() throws {
    #expect(Set(Variant.allCases.map(SpeedPage.color)).count == Variant.allCases.count)
    let markers = SpeedPage.formatPolicies.map { SpeedPage.marker($0.format, $0.policy) }
    #expect(Set(markers).count == markers.count)
    let results = lines([.softmax], Variant.allCases, Format.allCases, shapes: [BenchShape(rows: 8, n: 64)], threads: [1])
    let groups = Variant.allCases.flatMap { v in
      SpeedPage.formatPolicies.map { BaselineGroup(op: .softmax, variant: v, format: $0.format, policy: $0.policy, maxULP: "2") }
    }
    let page = SpeedPage(results: results, baseline: try baseline(groups), baselineName: "b.json", machine: testMachine,
                         repeats: 1)
    let chart = try #require(page.charts().first)
    let names = Set(chart.plot.legendKey?.map(\.name) ?? [])
    for v in Variant.allCases where v.applies(to: .softmax) { #expect(names.contains(v.rawValue), "\(v)") }
    for fp in SpeedPage.formatPolicies { #expect(names.contains("\(fp.format.rawValue) \(fp.policy.rawValue)")) }
    let svg = chart.plot.svg()
    #expect(svg.contains("variant (colour)") && !svg.contains("overflow / underflow / NaN"))
  }

  @Test("the machine: the CPU model of /proc/cpuinfo and the name in /etc/os-release")
  func machine() {
    let cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13 64-Core Processor\nflags\t\t: fpu\n"
    #expect(SpeedPage.Machine.cpuModel(cpuinfo: cpuinfo) == "AMD EPYC 7B13 64-Core Processor")
    #expect(SpeedPage.Machine.cpuModel(cpuinfo: "processor\t: 0\n") == nil)
    #expect(SpeedPage.Machine.osName(osRelease: "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")
              == "Debian GNU/Linux 12 (bookworm)")
  }
}

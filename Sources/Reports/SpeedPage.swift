import Experiments
import Foundation
import LabSupport
import SoftmaxSpec

/// The speed page (`softmax-lab bench --page docs`, run by `scripts/bench`): the machine and
/// build, the bench table of every run, and per operation a chart of speed (x copy) against
/// accuracy (max ULP error over every family of a baseline). Not part of reports/: speed depends
/// on the machine and the moment.
public struct SpeedPage {
  /// Where and how the bench ran, as the page states it.
  public struct Machine: Sendable, Equatable {
    public var date: String
    public var command: String
    public var cpu: String
    public var cores: Int
    public var os: String
    public var build: String

    public init(date: String, command: String, cpu: String, cores: Int, os: String, build: String) {
      self.date = date
      self.command = command
      self.cpu = cpu
      self.cores = cores
      self.os = os
      self.build = build
    }

    /// This machine now: the CPU model of /proc/cpuinfo, the active cores, /etc/os-release's
    /// name and the kernel, the date and time in UTC.
    public static func current(command: String, build: String) -> Machine {
      func read(_ path: String) -> String { (try? readTextFile(path)) ?? "" }
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = TimeZone(identifier: "UTC")
      formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
      let info = ProcessInfo.processInfo
      let os = [osName(osRelease: read("/etc/os-release")), kernel()].compactMap { $0 }.joined(separator: ", ")
      return Machine(date: formatter.string(from: Date()), command: command,
                     cpu: cpuModel(cpuinfo: read("/proc/cpuinfo")) ?? "unknown (no model name in /proc/cpuinfo)",
                     cores: info.activeProcessorCount, os: os.isEmpty ? "unknown" : os, build: build)
    }

    /// "Linux 6.1.0-18-amd64": the kernel's name and release (uname).
    static func kernel() -> String? {
      var u = utsname()
      guard uname(&u) == 0 else { return nil }
      func text<T>(_ field: T) -> String {
        withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      }
      return text(u.sysname) + " " + text(u.release)
    }

    /// The first "model name" of /proc/cpuinfo's text.
    static func cpuModel(cpuinfo: String) -> String? {
      for line in cpuinfo.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "model name" {
          return parts[1].trimmingCharacters(in: .whitespaces)
        }
      }
      return nil
    }

    /// PRETTY_NAME of /etc/os-release's text, unquoted.
    static func osName(osRelease: String) -> String? {
      for line in osRelease.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
        return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
      }
      return nil
    }
  }

  public static let path = "speed.md"
  static func plotPath(_ op: Op) -> String { "plots/speed-accuracy-\(op.rawValue).svg" }

  public let results: [BenchResult]
  /// Each SIMD configuration's max ULP error over every family (`Baseline.simdMaxULP`).
  public let maxULP: [KernelConfiguration: Double]
  /// The baseline's path as the page names it.
  public let baselineName: String
  public let machine: Machine
  public let repeats: Int

  public init(results: [BenchResult], baseline: Baseline, baselineName: String, machine: Machine, repeats: Int) {
    self.results = results
    maxULP = baseline.simdMaxULP()
    self.baselineName = baselineName
    self.machine = machine
    self.repeats = repeats
  }

  /// The page and its charts, paths relative to the page's folder.
  public func files() -> [ReportFile] {
    let charts = self.charts()
    return [ReportFile(path: SpeedPage.path, content: markdown(charts: charts.map(\.op)))]
      + charts.map { ReportFile(path: SpeedPage.plotPath($0.op), content: $0.plot.svg()) }
  }

  /// The run the charts use (`SpeedAccuracy.chartRun`).
  var chartRun: (shape: BenchShape, threads: Int)? { SpeedAccuracy.chartRun(results) }

  /// The points of the chart run.
  var points: [SpeedAccuracyPoint] {
    guard let run = chartRun else { return [] }
    return SpeedAccuracy.points(results, maxULP: maxULP, shape: run.shape, threads: run.threads)
  }

  /// Each format with its distinct policies, in order: a marker each, the same on every chart.
  static let formatPolicies: [(format: Format, policy: Policy)] =
    Format.allCases.flatMap { f in f.distinctPolicies.map { (format: f, policy: $0) } }

  static func marker(_ format: Format, _ policy: Policy) -> SVGPlot.Marker {
    let i = formatPolicies.firstIndex { $0.format == format && $0.policy == policy } ?? 0
    return SVGPlot.Marker.allCases[i % SVGPlot.Marker.allCases.count]
  }

  /// A variant's colour: its position in `Variant.allCases`, the same on every chart.
  static func color(_ variant: Variant) -> Int { Variant.allCases.firstIndex(of: variant)! }

  /// The top of the charts' y axis: a max ULP error above it is drawn in a band above the chart,
  /// named with its value, so that one huge error (two-pass's float64 log-softmax reaches 10^307)
  /// does not squash every other kernel against the bottom. 10^16 is just above 2^53 ~ 9.0e15,
  /// the error of a float64 result with no correct bit, so every kernel that returns a result
  /// of the right magnitude stays on the chart.
  static let chartTop = 1e16

  /// "1.7e307".
  static func shortValue(_ x: Double) -> String {
    let e = Int(Foundation.log10(x).rounded(.down))
    let m = x / Foundation.pow(10, Double(e))
    if m < 1.05 { return "1e\(e)" }
    return m >= 9.95 ? "1e\(e + 1)" : String(format: "%.1fe%d", m, e)
  }

  /// One chart per operation with at least one point: a marker per (variant, format, policy),
  /// coloured by variant and shaped by format and policy; errors above `chartTop` off the chart,
  /// in the band above it.
  func charts() -> [(op: Op, plot: SVGPlot)] {
    guard let run = chartRun else { return [] }
    let all = points
    return Op.allCases.compactMap { op in
      let points = all.filter { $0.configuration.op == op }
      guard !points.isEmpty else { return nil }
      let series = points.map { p in
        let c = p.configuration
        let off = !(p.maxULP <= SpeedPage.chartTop)
        let name = "\(c.variant.rawValue) \(c.format.rawValue) \(c.policy.rawValue)"
        return SVGPlot.Series(name: off ? "\(name): \(SpeedPage.shortValue(p.maxULP)) ULP" : name,
                              points: [(x: p.timesCopy, y: p.maxULP, failed: off)],
                              color: SpeedPage.color(c.variant), marker: SpeedPage.marker(c.format, c.policy),
                              scatter: true)
      }
      let variants = Variant.allCases.filter { v in points.contains { $0.configuration.variant == v } }
      let formats = SpeedPage.formatPolicies.filter { fp in
        points.contains { $0.configuration.format == fp.format && $0.configuration.policy == fp.policy }
      }
      let key = [SVGPlot.KeyEntry(name: "variant (colour)")]
        + variants.map { SVGPlot.KeyEntry(name: $0.rawValue, color: SpeedPage.color($0)) }
        + [SVGPlot.KeyEntry(name: "format, policy (marker)")]
        + formats.map { SVGPlot.KeyEntry(name: "\($0.format.rawValue) \($0.policy.rawValue)",
                                         marker: SpeedPage.marker($0.format, $0.policy)) }
      let plot = SVGPlot(
        title: "\(op.rawValue): speed against accuracy (\(run.shape), \(SpeedPage.threadsText(run.threads)))",
        xLabel: "time as a multiple of a copy of the same bytes (x copy; lower is faster)", logX: true,
        series: series, marks: [], yLabel: "max ULP error over every family",
        failedLabel: "off the chart (max ULP error above \(SpeedPage.shortValue(SpeedPage.chartTop)))", legendKey: key, failedBand: false,
        scatterSize: 4)
      return (op, plot)
    }
  }

  static func threadsText(_ n: Int) -> String { n == 1 ? "1 thread" : "\(n) threads" }

  /// The SIMD kernel lines of the chart run that are not on a chart: the baseline has no max ULP
  /// error for them.
  var unplotted: [KernelConfiguration] {
    guard let run = chartRun else { return [] }
    return results.compactMap { r in
      guard r.shape == run.shape, r.threads == run.threads, case let .kernel(op, v, f, p) = r.subject else { return nil }
      let c = KernelConfiguration(op, v, f, p)
      return maxULP[c] == nil ? c : nil
    }
  }

  func markdown(charts: [Op]) -> String {
    var out = "# Speed against accuracy\n\n"
    out += "Generated by `scripts/bench` (`softmax-lab bench --page`); never edited by hand. Not part of "
    out += "`reports/`: speed depends on the machine and the moment, accuracy does not.\n\n"
    out += "Each chart is one operation: a marker per SIMD kernel (variant: colour; format and policy: shape), "
    out += "placed across by its time as a multiple of a plain copy of the same bytes timed in the same run "
    out += "(\"x copy\": 1 is the speed of memory; lower is faster) and up by its max ULP error over every case family "
    out += "of `\(baselineName)` (log scale; finite outputs only: overflow, underflow and NaN are counted in `reports/`; "
    out += "an error above \(SpeedPage.shortValue(SpeedPage.chartTop)) ULP, more than a float64 result with no correct bit, is drawn in a band above the "
    out += "chart with its value). "
    out += "Lower left is fast and accurate. Read ratios within one run, never across runs or machines: machines are "
    out += "noisy, and the spread column of the tables below says how noisy this one was.\n\n"

    out += "## How it was made\n\n| | |\n| --- | --- |\n"
    let rows: [(String, String)] = [
      ("date", machine.date), ("command", "`\(machine.command)`"), ("CPU", machine.cpu), ("cores", String(machine.cores)),
      ("OS", machine.os), ("build", machine.build),
      ("timing", "each line the median of \(repeats) run\(repeats == 1 ? "" : "s") after one warm-up; spread = (max - min) / median"),
      ("accuracy", "`\(baselineName)`: each kernel's largest max ULP error over every case family"),
    ]
    for (k, v) in rows { out += "| \(k) | \(SpeedPage.cell(v)) |\n" }

    out += "\n## Speed against accuracy\n\n"
    if let run = chartRun {
      out += "Times from the \(run.shape) run on \(SpeedPage.threadsText(run.threads)).\n\n"
    }
    if charts.isEmpty { out += "No chart: no SIMD kernel line of this run has a max ULP error in the baseline.\n\n" }
    for op in charts { out += "![\(op.rawValue): speed against accuracy](\(SpeedPage.plotPath(op)))\n\n" }
    let missing = unplotted
    if !missing.isEmpty {
      out += "Not on the charts (no max ULP error in `\(baselineName)`; regenerate it with `scripts/report`): "
      out += missing.map { "\($0.op.rawValue) \($0.variant.rawValue) \($0.format.rawValue) \($0.policy.rawValue)" }
        .joined(separator: ", ") + ".\n\n"
    }

    out += "## The bench table\n\n"
    out += "Every line of the run: SIMD kernels, the scalar textbook fused kernel (one thread) and the copy of each "
    out += "format, the yardstick of the x copy column.\n"
    var runs: [(BenchShape, Int)] = []
    for r in results where !runs.contains(where: { $0 == (r.shape, r.threads) }) { runs.append((r.shape, r.threads)) }
    let cells = BenchOutput.cells(results)
    for (shape, threads) in runs {
      out += "\n### \(shape), \(SpeedPage.threadsText(threads))\n\n"
      let header = Array(BenchOutput.header.dropFirst(2))
      out += "| " + header.joined(separator: " | ") + " |\n"
      out += "|" + header.map { _ in " --- |" }.joined() + "\n"
      for (r, row) in zip(results, cells) where r.shape == shape && r.threads == threads {
        out += "| " + row.dropFirst(2).joined(separator: " | ") + " |\n"
      }
    }
    return out
  }

  /// Text safe in a Markdown table cell.
  static func cell(_ s: String) -> String {
    s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }
}

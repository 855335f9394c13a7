import ArgumentParser
import ExactReference
import Foundation
import PrecisionLab
import SoftmaxSpec

/// `softmax-lab loss`: the batch cross-entropy of SPEC.md (weights, ignore index, label smoothing,
/// reduction) and its gradient, by each variant, against the correctly rounded reference.
struct LossCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loss",
    abstract: "Evaluate the batch cross-entropy (framework semantics) and its gradient against the reference.",
    discussion: """
      Rows come from --row (repeated; numbers separated by commas or spaces) with --targets, or \\
      from --file: one row per line, the target first, then the logits ('#' starts a comment). \\
      Decimal inputs, weights and label smoothing are rounded to the format.
      Example: softmax-lab loss --targets 0,1,2 --row 1.1316,-0.7943,0.1328 \\
      --row 0.2654,0.1978,-0.0265 --row -2.8054,0.2867,-0.1517
      """)

  @Option(help: "The format of the logits and results: \(names(Format.self)).")
  var format: Format = .float32

  @Option(parsing: .unconditionalSingleValue, help: "A row of logits, numbers separated by commas or spaces; repeat for each row.")
  var row: [String] = []

  @Option(parsing: .unconditional, help: "The target class of each row, comma-separated (the ignore index skips a row).")
  var targets: String?

  @Option(help: "Rows from a file: 'TARGET x1 x2 ...' per line ('-' for standard input).")
  var file: String?

  @Option(help: "Class weights, comma-separated, one per class (default 1).")
  var weights: String?

  @Option(parsing: .unconditional, help: "Rows whose target equals this are left out.")
  var ignoreIndex: Int = CrossEntropyOptions.defaultIgnoreIndex

  @Option(parsing: .unconditional, help: "Label smoothing eps in [0, 1].")
  var labelSmoothing: Double = 0

  @Option(help: "none, mean or sum.")
  var reduction: Reduction = .mean

  @Option(name: .customLong("variant"), help: "Variants (\(Variant.batchVariants.map(\.rawValue).joined(separator: ", "))); default all.")
  var variants: [String] = []

  @Option(name: .customLong("policy"), help: "Policies (native, wide); default both (float64: native).")
  var policies: [String] = []

  @Flag(help: "Also compare the gradient (its largest ULP error per variant).")
  var gradient = false

  @Flag(help: "Print JSON instead of the table.")
  var json = false

  func numbers(_ text: String, _ what: String) throws -> [Double] {
    try text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map { item in
      guard let v = FormatRounding.parse(String(item), format) else {
        throw InputError("'\(item)' in \(what) is not a number (decimal, hexadecimal such as 0x1.8p+1, inf, -inf or nan)")
      }
      return v
    }
  }

  func integers(_ text: String) throws -> [Int] {
    try text.split(separator: ",").map { item in
      guard let v = Int(item.trimmingCharacters(in: .whitespaces)) else { throw InputError("'\(item)' in --targets is not an integer") }
      return v
    }
  }

  func batch() throws -> ([[Double]], [Int]) {
    guard (file == nil) != row.isEmpty else { throw InputError("give the rows one way: --row (with --targets) or --file") }
    if let file {
      guard targets == nil else { throw InputError("--file holds the targets: drop --targets") }
      var rows: [[Double]] = [], ts: [Int] = []
      for (i, line) in try readText(file).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let items = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        guard let first = items.first else { continue }
        guard let t = Int(first) else { throw InputError("\(file):\(i + 1): '\(first)' is not a target class (an integer)") }
        ts.append(t)
        rows.append(try numbers(items.dropFirst().joined(separator: " "), "\(file):\(i + 1)"))
      }
      return (rows, ts)
    }
    guard let targets else { throw InputError("--row needs --targets (one target class per row)") }
    return (try row.map { try numbers($0, "--row") }, try integers(targets))
  }

  func run() throws {
    let (rows, ts) = try batch()
    let options = CrossEntropyOptions(weights: try weights.map { try numbers($0, "--weights") }, ignoreIndex: ignoreIndex,
                                      labelSmoothing: labelSmoothing, reduction: reduction)
    let variants: [Variant] = self.variants.isEmpty ? Variant.batchVariants : try parseList(self.variants, option: "variant")
    let policies: [Policy] = self.policies.isEmpty ? Policy.distinct(for: format) : try parseList(self.policies, option: "policy")
    let exact: ExactBatch
    var results: [(Variant, Policy, BatchLossResult)] = []
    do {
      exact = try BatchReference.evaluate(rows, targets: ts, format: format, options: options)
      for v in variants {
        for p in policies {
          results.append((v, p, try BatchLoss.evaluate(rows, targets: ts, format: format, variant: v, policy: p,
                                                       options: options, gradient: gradient)))
        }
      }
    } catch let e as BatchError {
      throw InputError(e.description)
    } catch let e as ReferenceError {
      throw InputError(e.description)
    }
    let f = format
    func text(_ v: ExactValue?) -> String { v.map { f.shortestDecimal($0.rounded) } ?? "undefined" }
    func measures(_ computed: [Double], _ reference: [ExactValue?]) -> [Measure] {
      zip(computed, reference).map { c, v in v.map { Measures.measure(computed: c, exact: $0) } ?? .undefined }
    }
    func worst(_ m: [Measure]) -> Double? { m.compactMap(\.ulpError).max() }
    if json {
      let entries: [JSON] = results.map { v, p, r in
        let lossMeasures = measures(r.loss, exact.loss)
        var fields: [(String, JSON)] = [
          ("variant", .string(v.rawValue)), ("policy", .string(p.rawValue)),
          ("loss", .array(r.loss.map { .string(f.shortestDecimal($0)) })),
          ("lossULP", .array(lossMeasures.map { $0.ulpError.map(JSON.number) ?? .null })),
          ("lossStatus", .array(lossMeasures.map { .string($0.status.rawValue) })),
        ]
        if gradient {
          let g = measures(Array(r.gradient.joined()), Array(exact.gradient.joined()))
          fields.append(("gradientMaxULP", worst(g).map(JSON.number) ?? .null))
        }
        return .object(fields)
      }
      var reference: [(String, JSON)] = [("loss", .array(exact.loss.map { .string(text($0)) }))]
      if gradient { reference.append(("gradient", .array(exact.gradient.map { .array($0.map { .string(text($0)) }) }))) }
      let out = JSON.object([("format", .string(f.rawValue)), ("reduction", .string(reduction.rawValue)),
                             ("rows", .int(rows.count)), ("classes", .int(rows[0].count)),
                             ("reference", .object(reference)), ("results", .array(entries))])
      print(out.text())
      return
    }
    var out = "batch: \(rows.count) rows x \(rows[0].count) classes, \(f.rawValue), reduction \(reduction.rawValue)"
    out += ", weights \(weights ?? "1"), ignore index \(ignoreIndex), label smoothing \(f.shortestDecimal(f.round(labelSmoothing)))\n"
    out += "reference (correctly rounded): \(exact.loss.map(text).joined(separator: " "))\n\n"
    out += "variant   policy  loss" + String(repeating: " ", count: 12) + "max ULP  status" + (gradient ? "       gradient max ULP" : "") + "\n"
    func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }
    for (v, p, r) in results {
      let m = measures(r.loss, exact.loss)
      let statuses = Set(m.map(\.status.rawValue)).sorted().joined(separator: ",")
      out += pad(v.rawValue, 10) + pad(p.rawValue, 8) + pad(r.loss.map(f.shortestDecimal).joined(separator: " "), 16)
      out += pad(Report.ulp(worst(m)), 9) + pad(statuses, 13)
      if gradient {
        out += Report.ulp(worst(measures(Array(r.gradient.joined()), Array(exact.gradient.joined()))))
      }
      out += "\n"
    }
    print(out, terminator: "")
  }
}

extension Reduction: ExpressibleByArgument {}

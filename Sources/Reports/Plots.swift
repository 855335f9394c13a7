import Cases
import Experiments
import Foundation
import LabSupport
import SoftmaxSpec

/// The SVG plots of reports/plots/, one per story and format.
struct Plots {
  let files: [ReportFile]
  /// Paths of each plot kind, by format.
  let paths: [String: [Format: String]]

  init(result: RunResult) {
    var files: [ReportFile] = []
    var paths: [String: [Format: String]] = [:]
    func series(_ kernel: KernelKind, _ op: Op, _ variant: Variant, _ format: Format, _ families: [CaseFamily]) -> SVGPlot.Series {
      let points = families.flatMap { family in
        (result.rowsByGroup[GroupKey(kernel: kernel, op: op, variant: variant, format: format, policy: .native, family: family)] ?? [])
          .compactMap { p in p.parameter.map { (x: $0, y: p.maxULP, failed: p.failed) } }
      }
      return SVGPlot.Series(name: (kernel == .textbook ? "textbook " : "") + variant.rawValue, points: points)
    }
    for format in Format.allCases {
      let t = Thresholds(format)
      let plots: [(String, SVGPlot)] = [
        ("lse-scale", SVGPlot(
          title: "lse, \(format.rawValue) native: error against the largest logit (large-positive, large-negative)",
          xLabel: "largest logit of the row", logX: false,
          series: [Variant.naive, .shifted, .fused, .accurate].map { series(.simd, .lse, $0, format, [.largeNegative, .largePositive]) },
          marks: [(t.overflow, "T = \(NumberText.short(t.overflow))"), (t.underflow, "U = \(NumberText.short(t.underflow))")],
          yLabel: "error of lse (ULPs)")),
        ("log-softmax-spread", SVGPlot(
          title: "log-softmax, \(format.rawValue) native: error against the spread sigma (wide-spread)",
          xLabel: "spread sigma (standard deviation of the logits)", logX: true,
          series: [Variant.naive, .shifted, .fused, .accurate].map { series(.simd, .logSoftmax, $0, format, [.wideSpread]) },
          marks: [], yLabel: "largest error in the row (ULPs)")),
        ("confident", SVGPlot(
          title: "cross-entropy, \(format.rawValue) native: error against the lead d of the target (confident)",
          xLabel: "lead d (target logit minus the largest other logit)", logX: true,
          series: [Variant.shifted, .fused, .online, .accurate].map { series(.simd, .crossEntropy, $0, format, [.confident]) },
          marks: [], yLabel: "error of the row's loss (ULPs)")),
        ("huge-n", SVGPlot(
          title: "log-softmax, \(format.rawValue) native: error against the row length (huge-n)",
          xLabel: "row length n (logits)", logX: true,
          series: [series(.textbook, .logSoftmax, .fused, format, [.hugeN])]
            + [Variant.fused, .online, .accurate].map { series(.simd, .logSoftmax, $0, format, [.hugeN]) },
          marks: [], yLabel: "largest error in the row (ULPs)")),
      ]
      for (name, plot) in plots {
        let path = "plots/\(name)-\(format.rawValue).svg"
        files.append(ReportFile(path: path, content: plot.svg()))
        paths[name, default: [:]][format] = path
      }
    }
    self.files = files
    self.paths = paths
  }
}

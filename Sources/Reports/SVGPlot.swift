import Foundation
import LabSupport

/// A small deterministic SVG line chart: by default ULP error (log scale) against a parameter, one
/// series per variant; points whose values overflowed, underflowed or were NaN are drawn in a band
/// above the chart, so the cliffs show. The training curves use a linear y axis and dashes.
struct SVGPlot {
  struct Series {
    let name: String
    let points: [(x: Double, y: Double?, failed: Bool)]
    /// The colour's index (default: the series' position) and an SVG dash pattern.
    var color: Int? = nil
    var dash: String? = nil
  }

  /// The y axis: log10 from 1e-3 up (ULP errors, losses), or linear from 0 to a top value.
  enum YAxis {
    case log
    case linear(top: Double)
  }

  let title: String
  let xLabel: String
  let logX: Bool
  let series: [Series]
  /// Vertical reference lines (x, label), e.g. exp's overflow threshold.
  let marks: [(Double, String)]
  var yAxis = YAxis.log
  var yLabel = "max ULP error of the row"
  var failedLabel = "overflow / underflow / NaN"

  static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

  func svg() -> String {
    let w = 720.0, h = 400.0, left = 70.0, right = 170.0, top = 60.0, bottom = 50.0
    let plotW = w - left - right, plotH = h - top - bottom
    let xs = series.flatMap { $0.points.map(\.x) } + marks.map(\.0)
    func tx(_ x: Double) -> Double { logX ? log10(max(x, 1e-300)) : x }
    let xMin = xs.map(tx).min() ?? 0, xMax = max(xs.map(tx).max() ?? 1, xMin + 1e-9)
    // y: log10 of the ULP error, from 1e-3 (and 0) to the largest seen.
    let ys = series.flatMap { $0.points.compactMap(\.y) }.filter { $0 > 0 }
    let linearTop: Double? = if case .linear(let t) = yAxis { t } else { nil }
    let yMin = linearTop == nil ? -3.0 : 0, yMax = linearTop ?? max(1.0, (ys.map { log10($0) }.max() ?? 0).rounded(.up))
    func px(_ x: Double) -> Double { left + (tx(x) - xMin) / (xMax - xMin) * plotW }
    func ty(_ y: Double) -> Double { linearTop == nil ? max(log10(max(y, 1e-3)), yMin) : min(max(y, 0), yMax) }
    func py(_ y: Double) -> Double { top + plotH - (ty(y) - yMin) / (yMax - yMin) * plotH }
    func f(_ v: Double) -> String { String(Int((v * 10).rounded())) .withDecimal }
    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" font-family=\"sans-serif\" font-size=\"11\">\n"
    out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    out += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\">\(escape(title))</text>\n"
    out += "<text x=\"\(f(left))\" y=\"\(f(top - 14))\" fill=\"#a00\">\(escape(failedLabel))</text>\n"
    out += "<line x1=\"\(f(left))\" y1=\"\(f(top - 6))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top - 6))\" stroke=\"#fcc\"/>\n"
    // Axes and y grid at powers of ten.
    out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#444\"/>\n"
    let gridLines: [(Double, String)] = linearTop == nil
      ? (Int(yMin)...Int(yMax)).map { (Double($0), "1e\($0)") }
      : (0...4).map { i in (yMax * Double(i) / 4, NumberText.short(yMax * Double(i) / 4)) }
    for (v, label) in gridLines {
      let y = top + plotH - (v - yMin) / (yMax - yMin) * plotH
      out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
      out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(label)</text>\n"
    }
    out += "<text x=\"14\" y=\"\(f(top + plotH / 2))\" transform=\"rotate(-90 14 \(f(top + plotH / 2)))\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
    for i in 0...4 {
      let v = xMin + (xMax - xMin) * Double(i) / 4
      let label = logX ? NumberText.short(pow10(v)) : NumberText.short(v)
      out += "<text x=\"\(f(left + plotW * Double(i) / 4))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(label)</text>\n"
    }
    out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(h - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
    for (x, label) in marks {
      out += "<line x1=\"\(f(px(x)))\" y1=\"\(f(top))\" x2=\"\(f(px(x)))\" y2=\"\(f(top + plotH))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
      out += "<text x=\"\(f(px(x) + 3))\" y=\"\(f(top + 12))\" fill=\"#555\">\(escape(label))</text>\n"
    }
    for (k, s) in series.enumerated() {
      let color = SVGPlot.colors[(s.color ?? k) % SVGPlot.colors.count]
      let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
      let sorted = s.points.sorted { $0.x < $1.x }
      // The line breaks at rows that failed, so it never bridges a cliff.
      var path = "", broken = true
      for p in sorted {
        if p.failed {
          broken = true
          continue
        }
        path += (broken ? (path.isEmpty ? "M" : " M") : " L") + "\(f(px(p.x))) \(f(py(p.y ?? 0)))"
        broken = false
      }
      if !path.isEmpty { out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"\(dash)/>\n" }
      for p in sorted where p.failed {
        out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(top - 6))\" r=\"3\" fill=\"\(color)\"/>"
      }
      let ly = top + 14 * Double(k)
      out += s.dash == nil
        ? "\n<rect x=\"\(f(left + plotW + 14))\" y=\"\(f(ly))\" width=\"12\" height=\"3\" fill=\"\(color)\"/>"
        : "\n<line x1=\"\(f(left + plotW + 10))\" y1=\"\(f(ly + 1.5))\" x2=\"\(f(left + plotW + 28))\" y2=\"\(f(ly + 1.5))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>"
      out += "<text x=\"\(f(left + plotW + 32))\" y=\"\(f(ly + 5))\">\(escape(s.name))</text>\n"
    }
    return out + "</svg>\n"
  }

  func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
  }
}

func log10(_ x: Double) -> Double { DeterministicMath.log(x) / DeterministicMath.log(10) }
func pow10(_ x: Double) -> Double { DeterministicMath.exp2(x * DeterministicMath.log2(10)) }

private extension String {
  /// "123" (tenths) -> "12.3".
  var withDecimal: String {
    let negative = hasPrefix("-")
    var digits = negative ? String(dropFirst()) : self
    while digits.count < 2 { digits = "0" + digits }
    return (negative ? "-" : "") + digits.dropLast() + "." + digits.suffix(1)
  }
}

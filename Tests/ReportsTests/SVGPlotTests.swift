import Testing

@testable import Reports

/// A tick value read back from its label: "0.2", "−100" (U+2212), "10" with a superscript "-3"
/// (10^-3), "2×10" with "5" (2 x 10^5).
func tickValue(_ label: SVGPlot.Label) -> Double? {
  let main = label.main.replacingOccurrences(of: "\u{2212}", with: "-")
  guard let sup = label.sup else { return Double(main) }
  guard let e = Double(sup.replacingOccurrences(of: "\u{2212}", with: "-")) else { return nil }
  let base = main.hasSuffix("10") ? String(main.dropLast(2)) : main
  let factor = base.isEmpty ? 1 : Double(base.replacingOccurrences(of: "×", with: "").replacingOccurrences(of: "x", with: ""))
  return factor.map { $0 * pow10(e) }
}

func pow10(_ e: Double) -> Double {
  var p = 1.0
  for _ in 0..<Int(abs(e)) { p *= 10 }
  return e < 0 ? 1 / p : p
}

/// True when v is 1, 2 or 5 times a power of ten (or 0).
func isRound(_ v: Double) -> Bool {
  if v == 0 { return true }
  var m = abs(v)
  while m >= 10 { m /= 10 }
  while m < 1 { m *= 10 }
  return [1, 2, 5].contains { abs(m - $0) < 1e-9 }
}

/// The two families of the lse plot: x in [-207, -52] and [44, 177], as in float32.
func twoClusters() -> [(x: Double, y: Double?, failed: Bool)] {
  (0..<32).map { i in (x: -207 + 5 * Double(i), y: 0.3, failed: false) }
    + (0..<32).map { i in (x: 44 + 4.3 * Double(i), y: 0.4, failed: false) }
}

@Suite("SVG plots")
struct SVGPlotTests {
  @Test("ticks sit at round values: 1-2-5 steps on linear axes, decades on log axes")
  func roundTicks() throws {
    let linear = SVGPlot(title: "t", xLabel: "x", logX: false,
                         series: [.init(name: "a", points: twoClusters())], marks: [(88.72, "T")])
    let labels = linear.makeXAxis().ticks.compactMap(\.label)
    #expect(labels.count >= 4)
    for l in labels { #expect(tickValue(l).map(isRound) == true, "\(l.main)") }
    let values = labels.compactMap(tickValue)
    let steps = Set(zip(values, values.dropFirst()).map { $1 - $0 })
    #expect(steps.count == 1 && isRound(steps.first!))  // one 1-2-5 step

    let log = SVGPlot(title: "t", xLabel: "x", logX: true,
                      series: [.init(name: "a", points: [(1, 0.5, false), (3.297, 12, false), (10.87, 3e4, false),
                                                         (35.84, 2e6, false), (110, 0.01, false)])], marks: [])
    for axis in [log.makeXAxis(), log.makeYAxis()] {
      let values = axis.ticks.compactMap(\.label).compactMap(tickValue)
      #expect(values.count >= 2)
      for v in values { #expect(isRound(v), "\(v)") }
    }
    let decades = log.makeYAxis().ticks.compactMap(\.label).compactMap(tickValue)
    // The y data span 10^-2 to 2 x 10^6: the labels are decades (mantissa 1).
    #expect(Set(decades.map { v -> Double in
      var m = v
      while m >= 10 { m /= 10 }
      while m < 1 { m *= 10 }
      return (m * 1e9).rounded() / 1e9
    }) == [1])
  }

  @Test("series with identical points are drawn once and named together; others stay apart")
  func coincident() {
    let shared: [(x: Double, y: Double?, failed: Bool)] = [(1, 2, false), (2, 3, false), (4, 1, false)]
    let plot = SVGPlot(title: "t", xLabel: "x", logX: true,
                       series: [.init(name: "shifted", points: [(1, 5, false), (2, 6, false)]),
                                .init(name: "fused", points: shared), .init(name: "online", points: shared.reversed()),
                                .init(name: "accurate", points: [(1, 0.5, false)])],
                       marks: [])
    let lines = plot.drawnLines()
    #expect(lines.map(\.names) == [["shifted"], ["fused", "online"], ["accurate"]])
    #expect(plot.svg().contains("fused = online"))
    // Every drawn line differs from the others in dash pattern or marker.
    let styles = lines.map { "\($0.dash ?? "solid") \($0.marker)" }
    #expect(Set(styles).count == lines.count)
  }

  @Test("a line breaks across an x range without data and at failed points")
  func gaps() {
    let segments = SVGPlot.segments(twoClusters(), map: { $0 })
    #expect(segments.count == 2 && segments[0].count == 32 && segments[1].count == 32)
    var points = twoClusters()
    points[10].failed = true
    #expect(SVGPlot.segments(points, map: { $0 }).count == 3)
    // Evenly spaced points on a log axis do not break.
    let even = (0..<20).map { i in (x: pow10(Double(i) / 4), y: Double?(1), failed: false) }
    #expect(SVGPlot.segments(even, map: SVGPlot.log10).count == 1)
  }

  @Test("the same plot gives the same bytes")
  func deterministic() {
    func make() -> String {
      SVGPlot(title: "t", xLabel: "x", logX: false, series: [.init(name: "a", points: twoClusters())],
              marks: [(88.72, "T = 88.72")]).svg()
    }
    #expect(make() == make())
    #expect(make().hasPrefix("<svg") && make().hasSuffix("</svg>\n"))
  }
}

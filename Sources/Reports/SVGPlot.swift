import LabSupport

/// A small deterministic SVG line chart: by default the ULP error (log y) against a parameter,
/// one series per variant. The same input gives the same bytes on every platform: positions use
/// only IEEE arithmetic and `DeterministicMath.log` (no libm, no Foundation), tick values are
/// exact decimals (n x 10^e built from an exact table of powers of ten) and every number is
/// written with integer arithmetic.
///
/// What it draws, and the rules:
/// - Ticks at round values. A linear axis steps by 1, 2 or 5 x 10^e: the coarsest such step
///   that puts at least 4 ticks on the axis. A log axis ticks at decades; when fewer than 3
///   decades fall inside the data, at 1, 2 and 5 x 10^k; when still fewer than 3, at every
///   1...9 x 10^k; and a range too short even for that takes the linear rule's ticks. Short
///   unlabelled minor ticks mark the rest of each decade. An end of the axis moves out to the
///   next tick when that costs at most 12% of the data's span (a log y axis of decades always
///   ends on decades); otherwise the axis ends 3% beyond the data, with the ticks inside.
///   Labels too close to fit are thinned (every 2nd, 3rd ... tick keeps its label). Labels
///   are plain decimals ("0.2", "-100", "50000") unless one of them would need more than 6
///   characters; then the axis is labelled in powers of ten (10^-3, 2x10^5).
/// - Coincident series are drawn once: series whose points are identical (same x, y and failed
///   flags, in x order) become one line in the first one's style, named together in the
///   legend ("fused = online").
/// - Every line is distinct without colour: a series that sets no colour gets its colour, dash
///   pattern and marker from its position; a series that sets its colour is styled by the
///   caller (no dash = solid) and takes the marker of its colour index, so colour and marker
///   say the same thing. About 8 markers per line, at staggered points so that lines over
///   the same points show each marker; a point with no neighbour on its line always has one.
/// - Gaps: a line breaks between consecutive points whose x distance (on the drawn axis, so
///   in decades when x is logarithmic) exceeds 4 times the median of the distances around it
///   (itself and up to 3 on each side, between the series' consecutive points, failed ones
///   included), and at every failed point or point without a value.
/// - Failed points (overflow, underflow, NaN: `failed`) are drawn as markers in a band above
///   the chart, one lane per line with failures, named at its right end; the band says
///   "none" when nothing failed.
/// - Log y axes start at 10^-3 at the lowest: smaller values, zeros included, sit on the bottom
///   edge, whose label then reads "<= 10^-3".
/// - Scatter series (`scatter`): a marker at every point and no line; the legend shows the marker.
/// - Vertical marks: a dashed line at x with its label (thresholds such as exp's overflow).
/// - A legend key (`legendKey`) replaces the legend's line-by-line entries, for scatters whose
///   colour says one thing and marker another: each entry shows a colour, a marker or neither (a
///   heading). `failedBand: false` leaves out the band's "none" when nothing can fail.
/// - The legend sits right of the chart; long merged names wrap after "=", and the canvas
///   widens to fit the widest line.
struct SVGPlot {
  struct Series {
    let name: String
    let points: [(x: Double, y: Double?, failed: Bool)]
    /// The colour's index into `SVGPlot.colors` (default: the series' position) and an SVG dash
    /// pattern (default: solid if the colour is given, else one per position).
    var color: Int? = nil
    var dash: String? = nil
    /// The marker's shape (default: by the colour's index, else by position).
    var marker: Marker? = nil
    /// A scatter: a marker at every point, no line between them.
    var scatter = false
  }

  enum Marker: Int, CaseIterable {
    case circle, square, triangle, diamond, triangleDown, plus, cross, triangleLeft, triangleRight, ring, hollowSquare
  }

  /// One entry of a legend key: a marker in the colour (`color` and `marker`), a marker in grey
  /// (`marker` only: the marker's meaning whatever the colour), a colour swatch (`color` only),
  /// or a heading (neither).
  struct KeyEntry {
    let name: String
    var color: Int? = nil
    var marker: Marker? = nil
  }

  /// The y axis: log10 (ULP errors, losses; 10^-3 at the lowest), or linear from 0 to a top value.
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
  /// The legend, when not one entry per drawn line.
  var legendKey: [KeyEntry]? = nil
  /// Whether the failed band is drawn when nothing failed (it always is when something did).
  var failedBand = true
  /// The size of a scatter's markers (and of the legend key's).
  var scatterSize = 2.4

  static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
  /// The dash patterns given by position (nil: solid).
  static let dashes: [String?] = [nil, "7 3", "2.5 2", "10 3 2.5 3", "4 4", "1.5 3"]
  /// The lowest value a log y axis shows.
  static let logFloor = 1e-3

  // Layout (pixels). The plot area is fixed; the margins, band and legend adapt.
  static let plotW = 480.0, plotH = 290.0, fontSize = 11.0

  init(title: String, xLabel: String, logX: Bool, series: [Series], marks: [(Double, String)],
       yAxis: YAxis = .log, yLabel: String = "max ULP error of the row",
       failedLabel: String = "overflow / underflow / NaN", legendKey: [KeyEntry]? = nil, failedBand: Bool = true,
       scatterSize: Double = 2.4)
  {
    self.title = title
    self.xLabel = xLabel
    self.logX = logX
    self.series = series
    self.marks = marks
    self.yAxis = yAxis
    self.yLabel = yLabel
    self.failedLabel = failedLabel
    self.legendKey = legendKey
    self.failedBand = failedBand
    self.scatterSize = scatterSize
  }

  func svg() -> String {
    let lines = drawnLines()
    let xAxis = makeXAxis(), yAxis = makeYAxis()
    let plotW = SVGPlot.plotW, plotH = SVGPlot.plotH

    // Horizontal layout: y tick labels, chart, legend.
    let yTickWidth = yAxis.ticks.compactMap { $0.label?.width(SVGPlot.fontSize) }.max() ?? 0
    let left = max(56, (30 + yTickWidth).rounded(.up))
    func atX(_ t: Double) -> Double { left + (t - xAxis.lo) / (xAxis.hi - xAxis.lo) * plotW }
    func px(_ x: Double) -> Double { atX(xAxis.map(x)) }
    // Mark labels sit above the chart, centred on their line (kept inside the chart's width); a
    // label that would overlap the one before it goes up a row.
    var markLabels: [(x: Double, label: String, start: Double, row: Int)] = []
    for (x, label) in marks.sorted(by: { $0.0 < $1.0 }) where xAxis.accepts(x) {
      let width = Label(label).width(SVGPlot.fontSize)
      let start = min(max(px(x) - width / 2, left), left + plotW - width)
      var row = 0
      while markLabels.contains(where: { $0.row == row && start < $0.start + Label($0.label).width(SVGPlot.fontSize) + 6 }) { row += 1 }
      markLabels.append((x, label, start, row))
    }
    let markRows = (markLabels.map(\.row).max() ?? -1) + 1
    // Vertical layout: title, failed band (a label, then one lane per line with failures), mark
    // labels, chart.
    let failing = lines.filter { $0.points.contains { $0.failed } }
    let bandLabelY = 40.0, laneStep = 9.0, firstLaneY = 52.0
    let top = (failing.isEmpty ? (failedBand ? 48.0 : 32.0) : firstLaneY + laneStep * Double(failing.count - 1) + 10) + 14 * Double(markRows)
    let legendX = left + plotW + 16, legendTextX = legendX + 36
    let legend = legendKey.map { $0.map { [$0.name] } } ?? lines.map { SVGPlot.wrap($0.names, maxWidth: 200) }
    let legendWidth = max(legend.flatMap { $0 }.map { Label($0).width(SVGPlot.fontSize) }.max() ?? 0,
                          lines.compactMap { $0.note.map { Label($0).width(9) } }.max() ?? 0)
    let laneWidth = failing.map { Label($0.names.joined(separator: " = ")).width(9) }.max() ?? 0
    let w = (max(legendTextX + legendWidth, left + plotW + 8 + laneWidth, left + Label(title).width(13)) + 14).rounded(.up)
    let legendHeight = Double(legend.reduce(0) { $0 + $1.count }) * 14 + Double(max(0, legend.count - 1)) * 4
      + (legendKey == nil ? Double(lines.filter { $0.note != nil }.count) * 12 : 0)
    let h = max(top + plotH + 46, top + 4 + legendHeight + 10).rounded(.up)

    func atY(_ t: Double) -> Double { top + plotH - (t - yAxis.lo) / (yAxis.hi - yAxis.lo) * plotH }
    /// Values beyond the axis (below a log axis' floor, above a linear top) sit on its edge.
    func py(_ y: Double) -> Double { atY(min(max(yAxis.map(yAxis.log ? max(y, SVGPlot.logFloor) : y), yAxis.lo), yAxis.hi)) }
    let f = SVGPlot.number

    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(w))\" height=\"\(f(h))\" viewBox=\"0 0 \(f(w)) \(f(h))\" font-family=\"sans-serif\" font-size=\"11\">\n"
    out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    out += "<text x=\"\(f(left))\" y=\"20\" font-size=\"13\">\(SVGPlot.escape(title))</text>\n"

    // The failed band.
    if failedBand || !failing.isEmpty {
      out += "<text x=\"\(f(left))\" y=\"\(f(bandLabelY))\" fill=\"#a00\">\(SVGPlot.escape(failedLabel + (failing.isEmpty ? ": none" : "")))</text>\n"
    }
    for (i, line) in failing.enumerated() {
      let y = firstLaneY + laneStep * Double(i)
      out += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#f4cccc\"/>"
      out += "<text x=\"\(f(left + plotW + 8))\" y=\"\(f(y + 3))\" font-size=\"9\" fill=\"#555\">\(SVGPlot.escape(line.names.joined(separator: " = ")))</text>\n"
      for p in line.points where p.failed && xAxis.accepts(p.x) {
        out += SVGPlot.markerShape(line.marker, px(p.x), y, size: 2.8, color: line.color)
      }
      out += "\n"
    }

    // Grid, frame, ticks.
    for t in xAxis.ticks {
      out += "<line x1=\"\(f(atX(t.at)))\" y1=\"\(f(top))\" x2=\"\(f(atX(t.at)))\" y2=\"\(f(top + plotH))\" stroke=\"#eee\"/>\n"
    }
    for t in yAxis.ticks {
      out += "<line x1=\"\(f(left))\" y1=\"\(f(atY(t.at)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(atY(t.at)))\" stroke=\"#eee\"/>\n"
    }
    out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#444\"/>\n"
    var tickPath = ""
    for t in xAxis.ticks { tickPath += "M\(f(atX(t.at))) \(f(top + plotH))v5" }
    for t in yAxis.ticks { tickPath += "M\(f(left)) \(f(atY(t.at)))h-5" }
    for m in xAxis.minor { tickPath += "M\(f(atX(m))) \(f(top + plotH))v3" }
    for m in yAxis.minor { tickPath += "M\(f(left)) \(f(atY(m)))h-3" }
    out += "<path d=\"\(tickPath)\" stroke=\"#444\"/>\n"
    for t in xAxis.ticks {
      guard let label = t.label else { continue }
      out += "<text x=\"\(f(atX(t.at)))\" y=\"\(f(top + plotH + 17))\" text-anchor=\"middle\">\(label.svg)</text>\n"
    }
    for t in yAxis.ticks {
      guard let label = t.label else { continue }
      out += "<text x=\"\(f(left - 8))\" y=\"\(f(atY(t.at) + 4))\" text-anchor=\"end\">\(label.svg)</text>\n"
    }
    out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 38))\" text-anchor=\"middle\">\(SVGPlot.escape(xLabel))</text>\n"
    out += "<text x=\"16\" y=\"\(f(top + plotH / 2))\" transform=\"rotate(-90 16 \(f(top + plotH / 2)))\" text-anchor=\"middle\">\(SVGPlot.escape(yLabel))</text>\n"

    // Vertical marks.
    for m in markLabels {
      let mx = px(m.x), labelY = top - 4 - 14 * Double(m.row)
      out += "<line x1=\"\(f(mx))\" y1=\"\(f(labelY + 2))\" x2=\"\(f(mx))\" y2=\"\(f(top + plotH))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
      out += "<text x=\"\(f(m.start))\" y=\"\(f(labelY - 1))\" fill=\"#444\">\(SVGPlot.escape(m.label))</text>\n"
    }

    // The lines, then all markers on top of them.
    var markers = ""
    for (g, line) in lines.enumerated() {
      if line.scatter {
        for p in line.points where !p.failed && p.y != nil && xAxis.accepts(p.x) {
          markers += SVGPlot.markerShape(line.marker, px(p.x), py(p.y!), size: scatterSize, color: line.color)
        }
        markers += "\n"
        continue
      }
      let segments = SVGPlot.segments(line.points, map: xAxis.map)
      var path = ""
      for segment in segments where segment.count > 1 {
        path += (path.isEmpty ? "" : " ") + segment.enumerated().map { k, p in
          (k == 0 ? "M" : "L") + "\(f(px(p.x))) \(f(py(p.y)))"
        }.joined(separator: " ")
      }
      if !path.isEmpty {
        let dash = line.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
        out += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\" stroke-linejoin=\"round\"\(dash)/>\n"
      }
      // About 8 markers per line, staggered between lines; isolated points always.
      let drawn = segments.flatMap { $0 }
      let step = max(1, (drawn.count + 7) / 8), phase = g * step / max(1, lines.count)
      var k = 0
      for segment in segments {
        for p in segment {
          if segment.count == 1 || (k + phase) % step == 0 {
            markers += SVGPlot.markerShape(line.marker, px(p.x), py(p.y), size: 3.2, color: line.color)
          }
          k += 1
        }
      }
      markers += "\n"
    }
    out += markers

    // The legend.
    var ly = top + 4
    if let key = legendKey {
      for entry in key {
        let mid = ly + 6
        let color = entry.color.map { SVGPlot.colors[$0 % SVGPlot.colors.count] } ?? "#555"
        switch (entry.color, entry.marker) {
        case (_, let marker?):
          out += SVGPlot.markerShape(marker, legendX + 15, mid, size: max(3.2, scatterSize), color: color)
        case (_?, nil):
          out += "<rect x=\"\(f(legendX + 9))\" y=\"\(f(mid - 5))\" width=\"12\" height=\"10\" fill=\"\(color)\"/>"
        case (nil, nil):
          break
        }
        let heading = entry.color == nil && entry.marker == nil
        out += "<text x=\"\(f(heading ? legendX : legendTextX))\" y=\"\(f(mid + 4))\"\(heading ? " fill=\"#444\"" : "")>\(SVGPlot.escape(entry.name))</text>\n"
        ly += 18
      }
      return out + "</svg>\n"
    }
    for (line, text) in zip(lines, legend) {
      let mid = ly + 6
      let dash = line.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
      if !line.scatter {
        out += "<line x1=\"\(f(legendX))\" y1=\"\(f(mid))\" x2=\"\(f(legendX + 30))\" y2=\"\(f(mid))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>"
      }
      out += SVGPlot.markerShape(line.marker, legendX + 15, mid, size: 3.2, color: line.color)
      for (i, row) in text.enumerated() {
        out += "<text x=\"\(f(legendTextX))\" y=\"\(f(mid + 4 + 14 * Double(i)))\">\(SVGPlot.escape(row))</text>"
      }
      if let note = line.note {
        out += "<text x=\"\(f(legendTextX))\" y=\"\(f(mid + 4 + 14 * Double(text.count) - 2))\" font-size=\"9\" fill=\"#666\">\(SVGPlot.escape(note))</text>"
      }
      out += "\n"
      ly += 14 * Double(text.count) + 4 + (line.note == nil ? 0 : 12)
    }
    return out + "</svg>\n"
  }

  // MARK: - Lines

  /// One drawn line: one series, or several with identical points.
  struct Line {
    var names: [String]
    let points: [(x: Double, y: Double?, failed: Bool)]
    let color: String
    let dash: String?
    let marker: Marker
    /// "same as fused at 63 of 64 points", when most (not all) points equal an earlier line's.
    var note: String? = nil
    var scatter = false
  }

  /// The series grouped by identical points (x order), each group styled by its first series.
  func drawnLines() -> [Line] {
    var lines: [Line] = []
    for (k, s) in series.enumerated() {
      let points = SVGPlot.sortedByX(s.points)
      if let i = lines.firstIndex(where: { SVGPlot.same($0.points, points) }) {
        lines[i].names.append(s.name)
        continue
      }
      let colorIndex = s.color ?? k
      lines.append(Line(names: [s.name], points: points,
                        color: SVGPlot.colors[colorIndex % SVGPlot.colors.count],
                        dash: s.dash ?? (s.color == nil ? SVGPlot.dashes[k % SVGPlot.dashes.count] : nil),
                        marker: s.marker ?? Marker.allCases[colorIndex % Marker.allCases.count], scatter: s.scatter))
    }
    // Lines that mostly hide an earlier one say so.
    for i in lines.indices {
      let count = lines[i].points.count
      var best: (j: Int, equal: Int)? = nil
      for j in 0..<i where lines[j].points.count == count {
        guard zip(lines[i].points, lines[j].points).allSatisfy({ $0.x == $1.x }) else { continue }
        let equal = zip(lines[i].points, lines[j].points).filter { SVGPlot.same([$0], [$1]) }.count
        if equal > best?.equal ?? 0 { best = (j, equal) }
      }
      if let b = best, 4 * b.equal >= 3 * count {
        lines[i].note = "same as \(lines[b.j].names[0]) at \(b.equal) of \(count) points"
      }
    }
    return lines
  }

  /// A stable sort by x (insertion order kept for equal x).
  static func sortedByX(_ points: [(x: Double, y: Double?, failed: Bool)]) -> [(x: Double, y: Double?, failed: Bool)] {
    points.enumerated().sorted { $0.element.x < $1.element.x || ($0.element.x == $1.element.x && $0.offset < $1.offset) }.map(\.element)
  }

  static func same(_ a: [(x: Double, y: Double?, failed: Bool)], _ b: [(x: Double, y: Double?, failed: Bool)]) -> Bool {
    func eq(_ u: Double, _ v: Double) -> Bool { u == v || u.bitPattern == v.bitPattern }
    guard a.count == b.count else { return false }
    for (p, q) in zip(a, b) {
      guard eq(p.x, q.x), p.failed == q.failed else { return false }
      switch (p.y, q.y) {
      case (nil, nil): continue
      case let (u?, v?) where eq(u, v): continue
      default: return false
      }
    }
    return true
  }

  /// The runs of points joined by a line: broken at failed points, at points without a finite
  /// value, and across x gaps (`isGap`).
  static func segments(_ points: [(x: Double, y: Double?, failed: Bool)], map: (Double) -> Double) -> [[(x: Double, y: Double)]] {
    let t = points.map { map($0.x) }
    let gaps = isGap(t)
    var result: [[(x: Double, y: Double)]] = [], current: [(x: Double, y: Double)] = []
    for (i, p) in points.enumerated() {
      guard !p.failed, let y = p.y, y.isFinite, t[i].isFinite else {
        if !current.isEmpty { result.append(current) }
        current = []
        continue
      }
      if !current.isEmpty && gaps[i - 1] {
        result.append(current)
        current = []
      }
      current.append((p.x, y))
    }
    if !current.isEmpty { result.append(current) }
    return result
  }

  /// For each pair of consecutive positions t[i], t[i + 1] (sorted, on the axis): whether no
  /// data lies between them, i.e. the distance exceeds 4 times the median of the distances
  /// around it (itself and up to 3 on each side; zero distances, from repeated x, left out).
  /// A local median, so that points evenly spaced
  /// in x but drawn on a log axis (distances shrinking steadily) are not broken; a series needs
  /// at least 3 distances for a gap.
  static func isGap(_ t: [Double]) -> [Bool] {
    let d = t.indices.dropFirst().map { t[$0] - t[$0 - 1] }
    guard d.count >= 3 else { return d.map { _ in false } }
    return d.indices.map { i in
      let around = d[max(0, i - 3)...min(d.count - 1, i + 3)].filter { $0.isFinite && $0 > 0 }.sorted()
      guard !around.isEmpty else { return false }
      return d[i] > 4 * around[around.count / 2]
    }
  }

  // MARK: - Axes

  struct Tick {
    /// The position on the axis (the value, or its log10).
    let at: Double
    var label: Label?
  }

  struct Axis {
    let log: Bool
    /// The ends, on the axis (log10 of the values if `log`).
    var lo: Double, hi: Double
    var ticks: [Tick]
    var minor: [Double]

    /// The position of a value (-inf for a value a log axis cannot show).
    func map(_ v: Double) -> Double { log ? (v > 0 ? SVGPlot.log10(v) : -.infinity) : v }
    func accepts(_ v: Double) -> Bool { v.isFinite && (!log || v > 0) }
  }

  func makeXAxis() -> Axis {
    let xs = series.flatMap { $0.points.map(\.x) } + marks.map(\.0)
    let usable = xs.filter { $0.isFinite && (!logX || $0 > 0) }
    let lo = usable.min() ?? (logX ? 1 : 0), hi = usable.max() ?? (logX ? 10 : 1)
    var axis = logX ? SVGPlot.logAxis(lo, hi) : SVGPlot.linearAxis(lo, hi, fixed: false)
    SVGPlot.thin(&axis, length: SVGPlot.plotW, horizontal: true)
    return axis
  }

  func makeYAxis() -> Axis {
    var axis: Axis
    switch yAxis {
    case .linear(let top):
      axis = SVGPlot.linearAxis(0, top, fixed: true)
    case .log:
      let ys = series.flatMap { $0.points.compactMap { $0.failed ? nil : $0.y } }.filter { $0.isFinite }
      let clamped = ys.contains { $0 < SVGPlot.logFloor }
      let lo = max(ys.min() ?? SVGPlot.logFloor, SVGPlot.logFloor), hi = max(ys.max() ?? 1, lo)
      axis = SVGPlot.logAxis(lo, hi, floorAtLo: clamped, decadeEnds: true)
    }
    SVGPlot.thin(&axis, length: SVGPlot.plotH, horizontal: false)
    return axis
  }

  /// Snap an end out to the next tick if that costs at most this share of the data's span;
  /// otherwise pad the end by `pad`.
  static let snap = 0.12, pad = 0.03

  /// A linear axis over [lo, hi]: the coarsest step of 1, 2 or 5 x 10^e with at least 4 ticks
  /// inside (counting those an end may snap out to). `fixed`: the ends are exactly lo and hi.
  static func linearAxis(_ lo0: Double, _ hi0: Double, fixed: Bool) -> Axis {
    var lo = lo0, hi = hi0
    if !(hi > lo) {
      let d = lo == 0 ? 1 : abs(lo) / 10
      lo -= d
      hi += d
    }
    if max(abs(lo), abs(hi)) > 1e12 * (hi - lo) {  // keep k = value / step within Int
      let d = max(abs(lo), abs(hi)) * 1e-9
      lo -= d
      hi += d
    }
    let span = hi - lo
    var e = decade(span), m = 5
    var kLo = 0, kHi = -1
    while true {
      let s = exact(m, e)
      kLo = Int((lo / s).rounded(.up))
      kHi = Int((hi / s).rounded(.down))
      // Count the ticks the ends may snap out to as well.
      let reach = fixed ? 0 : snap * span
      if Int(((hi + reach) / s).rounded(.down)) - Int(((lo - reach) / s).rounded(.up)) + 1 >= 4 { break }
      switch m {
      case 5: m = 2
      case 2: m = 1
      default: m = 5; e -= 1
      }
    }
    var ks = kLo <= kHi ? Array(kLo...kHi) : []
    var axisLo = lo, axisHi = hi
    // Each end: on a tick if the data end there, else out to the next tick if that is cheap,
    // else padded.
    if !fixed && exact(kLo * m, e) != lo {
      let below = exact((kLo - 1) * m, e)
      if lo - below <= snap * span {
        axisLo = below
        ks.insert(kLo - 1, at: 0)
      } else {
        axisLo = lo - pad * span
      }
    }
    if !fixed && exact(kHi * m, e) != hi {
      let above = exact((kHi + 1) * m, e)
      if above - hi <= snap * span {
        axisHi = above
        ks.append(kHi + 1)
      } else {
        axisHi = hi + pad * span
      }
    }
    let scientific = ks.contains { Label.decimal($0 * m, e).main.count > 6 }
    let ticks = ks.map { k in
      Tick(at: exact(k * m, e), label: scientific ? Label.scientific(k * m, e) : Label.decimal(k * m, e))
    }
    return Axis(log: false, lo: axisLo, hi: axisHi, ticks: ticks, minor: [])
  }

  /// A log axis over [lo, hi] (positive): decades; or 1, 2, 5 x 10^k; or 1...9 x 10^k, the
  /// first that has at least 3 ticks inside; or, for a range too short for any, the ticks of a
  /// linear axis. `floorAtLo`: values below lo are drawn at lo, whose tick says "<=".
  /// `decadeEnds`: when the ticks are decades, both ends go out to a decade whatever it costs
  /// (the y axis of ULP errors).
  static func logAxis(_ lo0: Double, _ hi0: Double, floorAtLo: Bool = false, decadeEnds: Bool = false) -> Axis {
    var lo = lo0, hi = hi0
    if !(hi > lo) {
      if floorAtLo {
        hi = lo * 10
      } else {
        lo /= 3.1622776601683795
        hi *= 3.1622776601683795
      }
    }
    let sets: [[Int]] = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]
    let dLo = decade(lo), dHi = decade(hi)
    func candidates(_ set: [Int], _ from: Int, _ to: Int) -> [(c: Int, k: Int)] {
      (from...to).flatMap { k in set.map { (c: $0, k: k) } }
    }
    guard let chosen = sets.first(where: { set in
      candidates(set, dLo, dHi).filter { exact($0.c, $0.k) >= lo && exact($0.c, $0.k) <= hi }.count >= 3
    }) else {
      // Less than about half a decade: the linear axis' ticks, placed on the log axis.
      let linear = linearAxis(lo, hi, fixed: false)
      let a = log10(lo), b = log10(hi)
      return Axis(log: true, lo: linear.lo > 0 ? log10(linear.lo) : a - pad * (b - a), hi: log10(linear.hi),
                  ticks: linear.ticks.map { Tick(at: log10($0.at), label: $0.label) }, minor: [])
    }
    let all = candidates(chosen, dLo - 1, dHi + 1)
    var inside = all.filter { exact($0.c, $0.k) >= lo && exact($0.c, $0.k) <= hi }
    func at(_ t: (c: Int, k: Int)) -> Double { Double(t.k) + log10(Double(t.c)) }
    let a = log10(lo), b = log10(hi), span = b - a
    let snapLimit = decadeEnds && chosen == [1] ? 1.0 : snap
    var axisLo = a - pad * span, axisHi = b + pad * span
    // The lower end: on the first tick if the data start there (or are floored there), else
    // out to the tick below if that is cheap, else padded.
    if let first = inside.first, exact(first.c, first.k) == lo {
      axisLo = at(first)
    } else if let below = all.last(where: { exact($0.c, $0.k) < lo }), a - at(below) <= snapLimit * span {
      axisLo = at(below)
      inside.insert(below, at: 0)
    }
    if let last = inside.last, exact(last.c, last.k) == hi {
      axisHi = at(last)
    } else if let above = all.first(where: { exact($0.c, $0.k) > hi }), at(above) - b <= snapLimit * span {
      axisHi = at(above)
      inside.append(above)
    }
    let plain = inside.allSatisfy { Label.decimal($0.c, $0.k).main.count <= 6 }
    var ticks = inside.map { t in Tick(at: at(t), label: plain ? Label.decimal(t.c, t.k) : Label.scientific(t.c, t.k)) }
    if floorAtLo, !ticks.isEmpty, ticks[0].at == axisLo, var label = ticks[0].label {
      label.main = "≤ " + label.main
      ticks[0].label = label
    }
    // Minor ticks: the rest of 1...9 x 10^k, where a decade is long enough to show them.
    var minor: [Double] = []
    if chosen.count < 9 && (dHi - dLo) <= 12 {
      for t in candidates([2, 3, 4, 5, 6, 7, 8, 9], dLo - 1, dHi + 1) where !chosen.contains(t.c) {
        let p = at(t)
        if p >= axisLo && p <= axisHi { minor.append(p) }
      }
    }
    return Axis(log: true, lo: axisLo, hi: axisHi, ticks: ticks, minor: minor)
  }

  /// Fits the axis to its length in pixels: a label on every r-th tick only, with r the least
  /// that keeps labels apart; minor ticks only where a decade is at least 40 px long.
  static func thin(_ axis: inout Axis, length: Double, horizontal: Bool) {
    let scale = length / (axis.hi - axis.lo)
    if axis.log && scale < 40 { axis.minor = [] }
    guard axis.ticks.count > 2 else { return }
    var r = 1
    func fits(_ r: Int) -> Bool {
      let kept = axis.ticks.enumerated().filter { $0.offset % r == 0 }.map(\.element)
      for (u, v) in zip(kept, kept.dropFirst()) {
        let distance = (v.at - u.at) * scale
        let needed = horizontal
          ? ((u.label?.width(fontSize) ?? 0) + (v.label?.width(fontSize) ?? 0)) / 2 + 8
          : fontSize + 9
        if distance < needed { return false }
      }
      return true
    }
    while r < axis.ticks.count && !fits(r) { r += 1 }
    for i in axis.ticks.indices where i % r != 0 { axis.ticks[i].label = nil }
  }

  // MARK: - Exact decimals

  /// 10^k for k in 0...22: exact doubles (10^22 < 2^53 x 2^22), by repeated multiplication.
  static let powersOfTen: [Double] = {
    var p = [1.0]
    for _ in 1...22 { p.append(p[p.count - 1] * 10) }
    return p
  }()

  static func power(_ k: Int) -> Double {
    if k <= 22 { return powersOfTen[k] }
    var v = powersOfTen[22]
    for _ in 23...k { v *= 10 }
    return v
  }

  /// n x 10^e, correctly rounded when |e| <= 22 (one exact operation on exact operands).
  static func exact(_ n: Int, _ e: Int) -> Double {
    e >= 0 ? Double(n) * power(e) : Double(n) / power(-e)
  }

  /// The k with 10^k <= v < 10^(k+1), for a positive finite v (by comparison with exact decimals).
  static func decade(_ v: Double) -> Int {
    var k = 0
    while k < 308 && exact(1, k + 1) <= v { k += 1 }
    while k > -323 && exact(1, k) > v { k -= 1 }
    return k
  }

  static func log10(_ x: Double) -> Double { DeterministicMath.log(x) / ln10 }
  static let ln10 = DeterministicMath.log(10)

  // MARK: - Text

  /// A tick label: text, and an optional superscript (the exponent of a power of ten).
  struct Label {
    var main: String
    var sup: String? = nil

    init(_ main: String, sup: String? = nil) {
      self.main = main
      self.sup = sup
    }

    var svg: String {
      SVGPlot.escape(main) + (sup.map { "<tspan dy=\"-5\" font-size=\"8\">\(SVGPlot.escape($0))</tspan>" } ?? "")
    }

    /// An estimate of the rendered width (DejaVu Sans-like advances, on the wide side).
    func width(_ size: Double) -> Double {
      SVGPlot.textWidth(main, size) + (sup.map { SVGPlot.textWidth($0, 8) } ?? 0)
    }

    /// n x 10^e as a plain decimal: "0.2", "-100", "50000" (minus sign U+2212).
    static func decimal(_ n: Int, _ e: Int) -> Label {
      if n == 0 { return Label("0") }
      var digits = String(n.magnitude)
      if e >= 0 {
        digits += String(repeating: "0", count: e)
      } else {
        while digits.count <= -e { digits = "0" + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: e))
        while digits.hasSuffix("0") { digits.removeLast() }
        if digits.hasSuffix(".") { digits.removeLast() }
      }
      return Label((n < 0 ? "\u{2212}" : "") + digits)
    }

    /// n x 10^e in powers of ten: "10^5", "2x10^5", "1.5x10^-3", "0".
    static func scientific(_ n: Int, _ e: Int) -> Label {
      if n == 0 { return Label("0") }
      var m = n.magnitude, e = e
      while m % 10 == 0 {
        m /= 10
        e += 1
      }
      var digits = String(m)
      e += digits.count - 1
      if digits.count > 1 { digits.insert(".", at: digits.index(after: digits.startIndex)) }
      let sign = n < 0 ? "\u{2212}" : ""
      let exponent = (e < 0 ? "\u{2212}" : "") + String(e.magnitude)
      return Label(sign + (digits == "1" ? "10" : digits + "\u{00D7}10"), sup: exponent)
    }
  }

  static func textWidth(_ s: String, _ size: Double) -> Double {
    var em = 0.0
    for c in s.unicodeScalars {
      switch c {
      case "0"..."9": em += 0.64
      case " ", ".", ",", ":", ";", "i", "j", "l", "'", "|", "!", "(", ")", "[", "]": em += 0.34
      case "f", "t", "r", "I": em += 0.42
      case "m", "w": em += 0.92
      case "M", "W": em += 0.95
      case "A"..."Z": em += 0.72
      case "=", "+", "\u{2212}", "\u{00D7}", "<", ">", "\u{2264}", "-": em += 0.84
      default: em += 0.62
      }
    }
    return em * size
  }

  /// Names joined by " = ", wrapped after an "=" so that no line is wider than maxWidth (a
  /// single name is never broken).
  static func wrap(_ names: [String], maxWidth: Double) -> [String] {
    var rows: [String] = [], row = ""
    for (i, name) in names.enumerated() {
      let piece = name + (i < names.count - 1 ? " =" : "")
      let candidate = row.isEmpty ? piece : row + " " + piece
      if !row.isEmpty && textWidth(candidate, fontSize) > maxWidth {
        rows.append(row)
        row = piece
      } else {
        row = candidate
      }
    }
    if !row.isEmpty { rows.append(row) }
    return rows
  }

  /// One decimal, from an integer number of tenths: "12.3", "-0.4", "720".
  static func number(_ v: Double) -> String {
    let tenths = Int((v * 10).rounded())
    let sign = tenths < 0 ? "-" : "", m = tenths.magnitude
    return m % 10 == 0 ? sign + String(m / 10) : sign + String(m / 10) + "." + String(m % 10)
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.append(c)
      }
    }
    return out
  }

  /// A marker centred on (x, y): filled shapes with a thin white edge, or a stroked plus/cross.
  static func markerShape(_ marker: Marker, _ x: Double, _ y: Double, size r: Double, color: String) -> String {
    let f = number
    let fill = "fill=\"\(color)\" stroke=\"white\" stroke-width=\"0.7\""
    switch marker {
    case .circle:
      return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" \(fill)/>"
    case .square:
      let s = r * 0.9
      return "<rect x=\"\(f(x - s))\" y=\"\(f(y - s))\" width=\"\(f(2 * s))\" height=\"\(f(2 * s))\" \(fill)/>"
    case .triangle:
      let s = r * 1.25
      return "<path d=\"M\(f(x)) \(f(y - s))L\(f(x + s)) \(f(y + s * 0.8))H\(f(x - s))Z\" \(fill)/>"
    case .triangleDown:
      let s = r * 1.25
      return "<path d=\"M\(f(x)) \(f(y + s))L\(f(x + s)) \(f(y - s * 0.8))H\(f(x - s))Z\" \(fill)/>"
    case .diamond:
      let s = r * 1.3
      return "<path d=\"M\(f(x)) \(f(y - s))L\(f(x + s)) \(f(y))L\(f(x)) \(f(y + s))L\(f(x - s)) \(f(y))Z\" \(fill)/>"
    case .plus:
      let s = r * 1.2
      return "<path d=\"M\(f(x - s)) \(f(y))H\(f(x + s))M\(f(x)) \(f(y - s))V\(f(y + s))\" stroke=\"\(color)\" stroke-width=\"1.8\"/>"
    case .cross:
      let s = r
      return "<path d=\"M\(f(x - s)) \(f(y - s))L\(f(x + s)) \(f(y + s))M\(f(x - s)) \(f(y + s))L\(f(x + s)) \(f(y - s))\" stroke=\"\(color)\" stroke-width=\"1.8\"/>"
    case .triangleLeft:
      let s = r * 1.25
      return "<path d=\"M\(f(x - s)) \(f(y))L\(f(x + s * 0.8)) \(f(y - s))V\(f(y + s))Z\" \(fill)/>"
    case .triangleRight:
      let s = r * 1.25
      return "<path d=\"M\(f(x + s)) \(f(y))L\(f(x - s * 0.8)) \(f(y - s))V\(f(y + s))Z\" \(fill)/>"
    case .ring:
      return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\"/>"
    case .hollowSquare:
      let s = r * 0.9
      return "<rect x=\"\(f(x - s))\" y=\"\(f(y - s))\" width=\"\(f(2 * s))\" height=\"\(f(2 * s))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\"/>"
    }
  }
}

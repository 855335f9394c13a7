import ExactReference
import Foundation
import PrecisionLab
import SoftmaxSpec
import Testing

/// The bytes of an IDX file of unsigned bytes (the MNIST format): 0, 0, 0x08, rank, big-endian
/// dimensions, data.
func idxBytes(_ dimensions: [Int], _ data: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
  var out: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
  for d in dimensions { out += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
  return out + data
}

@Suite("Softmax-regression training")
struct TrainingTests {
  @Test("fused float32 on separable clusters reaches a training error below 1% within 3 epochs")
  func separable() throws {
    // Centres 3 noise standard deviations apart per feature in 16 dimensions: distinct centres
    // are about 3 sqrt(32) = 17 standard deviations apart, so a linear classifier separates them.
    let data = Dataset.synthetic(count: 512, features: 16, classes: 10, scale: 1, separation: 3, seed: 5)
    let run = try Trainer.train(data, TrainingSettings(variant: .fused, format: .float32, epochs: 3))
    #expect(run.firstBreak == nil)
    #expect(run.epochs.count == 3)
    #expect(run.epochs.last!.trainingError < 0.01)
    #expect(run.epochs.last!.meanLoss < run.epochs.first!.meanLoss)
  }

  @Test("naive float16 at feature scale 8 breaks in epoch 1; fused and accurate float16 stay finite",
        arguments: [Variant.naive, .fused, .accurate])
  func float16Breaks(_ variant: Variant) throws {
    // After the first step theta ~ lr X^T (1/k - Y) / B is proportional to the scale, so the
    // second step's logits grow like lr S^2 |x|^2: at S = 8 they exceed float16's exp overflow
    // threshold 11.09 and the naive exp(x) is inf (softmax inf/inf = NaN).
    let data = Dataset.synthetic(count: 256, features: 16, classes: 10, scale: 8, seed: 1)
    let run = try Trainer.train(data, TrainingSettings(variant: variant, format: .float16, policy: .native, epochs: 2))
    if variant == .naive {
      let b = try #require(run.firstBreak)
      #expect(b.epoch == 1)
      #expect(run.epochs.last!.meanLoss.isNaN)
    } else {
      #expect(run.firstBreak == nil)
      #expect(run.epochs.allSatisfy { $0.meanLoss.isFinite })
      #expect(run.epochs.last!.trainingError < 0.5)
    }
  }

  @Test("a run is deterministic for a seed, and another seed gives other data", arguments: [Format.float16, .float32])
  func deterministic(_ f: Format) throws {
    let settings = TrainingSettings(variant: .accurate, format: f, epochs: 2, batchSize: 32)
    let a = try Trainer.train(.synthetic(count: 128, seed: 9), settings)
    let b = try Trainer.train(.synthetic(count: 128, seed: 9), settings)
    #expect(a == b)
    #expect(Dataset.synthetic(count: 128, seed: 9) != Dataset.synthetic(count: 128, seed: 10))
  }

  @Test("the training experiment gives the same runs whatever the thread count")
  func experimentThreads() throws {
    let one = try TrainingExperiment.run(samples: 64, epochs: 2, reductionRows: 100, threads: 1)
    let two = try TrainingExperiment.run(samples: 64, epochs: 2, reductionRows: 100, threads: 2)
    // Compared as text: a broken run's NaN losses are never == themselves.
    #expect("\(one.entries.map(\.run))" == "\(two.entries.map(\.run))")
    #expect(one.files().map(\.content) == two.files().map(\.content))
    #expect(one.files().map(\.path).contains("training.md"))
  }
}

@Suite("IDX (MNIST) reader")
struct IDXTests {
  @Test("a good pair of files: 3 images of 2x2 pixels and their labels")
  func good() throws {
    let pixels: [UInt8] = [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]
    let images = try IDXFile.parse(idxBytes([3, 2, 2], pixels), name: "images")
    let labels = try IDXFile.parse(idxBytes([3], [2, 0, 1]), name: "labels")
    #expect(images.dimensions == [3, 2, 2] && labels.dimensions == [3])
    let data = try IDXFile.dataset(images: images, labels: labels, scale: 2)
    #expect(data.count == 3 && data.features == 4 && data.classes == 3)
    #expect(data.labels == [2, 0, 1])
    #expect(data.x[1] == 2 && data.x[2] == 2 * 51.0 / 255)
    let limited = try IDXFile.dataset(images: images, labels: labels, limit: 2)
    #expect(limited.count == 2 && limited.x.count == 8)
    // From disk, and trained on.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("idx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("images").path
    try Data(idxBytes([3, 2, 2], pixels)).write(to: URL(fileURLWithPath: path))
    #expect(try IDXFile.read(path: path) == images)
    let run = try Trainer.train(data, TrainingSettings(epochs: 2, batchSize: 2))
    #expect(run.epochs.count == 2 && run.firstBreak == nil)
  }

  @Test("malformed files are refused with a clear error")
  func malformed() throws {
    let cases: [([UInt8], IDXError)] = [
      ([0x1f, 0x8b, 8, 0], .gzip("f")),
      ([0, 0], .tooShort("f", 2)),
      ([1, 0, 8, 1, 0, 0, 0, 0], .badMagic("f")),
      ([0, 0, 8, 0], .badMagic("f")),
      (idxBytes([2], [1, 2], type: 0x0D), .unsupportedType("f", 0x0D)),
      ([0, 0, 8, 2, 0, 0, 0, 1], .tooShort("f", 8)),
      (idxBytes([2, 2], [1, 2, 3]), .sizeMismatch("f", dimensions: [2, 2], expected: 4, actual: 3)),
      (idxBytes([2], [1, 2, 3]), .sizeMismatch("f", dimensions: [2], expected: 2, actual: 3)),
    ]
    for (bytes, error) in cases {
      #expect(throws: error) { try IDXFile.parse(bytes, name: "f") }
      #expect(!error.description.contains("\n"))
    }
    #expect(IDXError.unsupportedType("f", 0x0D).description.contains("0xD"))
    let images = try IDXFile.parse(idxBytes([2, 2], [1, 2, 3, 4]), name: "i")
    #expect(throws: IDXError.countMismatch(images: 2, labels: 3)) {
      try IDXFile.dataset(images: images, labels: IDXFile.parse(idxBytes([3], [0, 1, 0]), name: "l"))
    }
    #expect(throws: IDXError.rank("labels", 2, expected: "1")) {
      try IDXFile.dataset(images: images, labels: IDXFile.parse(idxBytes([2, 1], [0, 1]), name: "l"))
    }
    #expect(throws: IDXError.unreadable("/nonexistent/idx")) { try IDXFile.read(path: "/nonexistent/idx") }
  }
}

@Suite("The reduction study")
struct ReductionStudyTests {
  @Test("the exact mean is the correctly rounded mean of the values")
  func exactMean() throws {
    // 1 + 2 + 4 = 7, mean 7/3 (no tie: RN to Double and then to float32 is RN to float32 here).
    let v = try BatchReference.mean(of: [1, 2, 4], format: .float32)
    #expect(v.rounded == Format.float32.round(7.0 / 3.0))
  }

  @Test("float16 accumulators fail on 20000 losses; a compensated float32 sum is within 0.6 ULP")
  func study() throws {
    let s = try ReductionStudy.run(count: 20_000)
    func line(_ v: Format, _ a: Format, _ m: Accumulation) -> ReductionStudy.Line {
      s.lines.first { $0.storage == v && $0.accumulator == a && $0.method == m }!
    }
    let exactSum = s.exact[.float16]!.rounded * 20_000
    #expect(exactSum > 65504)  // so a float16 sum cannot hold it
    // Left to right the float16 sum stagnates: it stops where ulp(s)/2 exceeds every term.
    #expect(line(.float16, .float16, .sequential).sum < exactSum / 2)
    #expect(line(.float16, .float16, .pairwise).sum == .infinity)
    for storage in [Format.float16, .float32] {
      #expect(line(storage, .float32, .compensated).measure.ulpError! <= 0.6)
      #expect(line(storage, .float64, .sequential).measure.ulpError! <= 0.6)
    }
  }
}

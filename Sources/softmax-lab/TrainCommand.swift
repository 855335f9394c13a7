import ArgumentParser
import Foundation
import PrecisionLab
import SoftmaxSpec

/// `softmax-lab train`: softmax regression by mini-batch SGD with a chosen variant, format and policy.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a softmax regression by mini-batch SGD and record where precision breaks it.",
    discussion: """
      theta (features x classes) starts at 0; each step computes the logits X theta, the mean \\
      cross-entropy and its gradient with the chosen variant, and updates theta -= lr / B X^T (P - Y), \\
      batches in order. Data, theta and every product and sum are values of --format, computed in \\
      --policy's format. The data is a seeded set of Gaussian class clusters (--scale multiplies \\
      every feature; large scales drive the logits past exp's overflow threshold), or MNIST-style \\
      IDX files (--images, --labels; uncompressed; pixels scaled to [0, 1] times --scale). \\
      Prints per epoch the mean loss and the training error, and the first epoch and step at \\
      which the loss or theta became inf or NaN.
      Example: softmax-lab train --variant naive --format float16 --scale 8
      """)

  @Option(help: "The loss's variant (\(Variant.batchVariants.map(\.rawValue).joined(separator: ", "))).")
  var variant: Variant = .fused

  @Option(help: "The storage format of data, theta and logits (\(names(Format.self))).")
  var format: Format = .float32

  @Option(help: "The precision policy (native, wide).")
  var policy: Policy = .native

  @Option(help: "Epochs.")
  var epochs: Int = 10

  @Option(help: "Examples per mini-batch (B).")
  var batchSize: Int = 64

  @Option(name: .customLong("lr"), parsing: .unconditional, help: "The learning rate (rounded to the format).")
  var learningRate: Double = 0.05

  @Option(parsing: .unconditional, help: "Label smoothing eps in [0, 1].")
  var labelSmoothing: Double = 0

  @Option(help: "Synthetic data: examples.")
  var samples: Int = 2048

  @Option(help: "Synthetic data: features (n).")
  var features: Int = 16

  @Option(help: "Synthetic data: classes (k).")
  var classes: Int = 10

  @Option(parsing: .unconditional, help: "Feature scale: multiplies every feature (synthetic and IDX data).")
  var scale: Double = 1

  @Option(parsing: .unconditional, help: "Synthetic data: distance of the class centres, in standard deviations of the noise.")
  var separation: Double = 1

  @Option(help: "Synthetic data: the seed.")
  var seed: UInt64 = 1

  @Option(help: "An IDX images file (e.g. MNIST's train-images-idx3-ubyte, uncompressed); needs --labels.")
  var images: String?

  @Option(help: "The IDX labels file that goes with --images.")
  var labels: String?

  @Option(help: "Use only the first N examples of the IDX files.")
  var limit: Int?

  @Option(help: "Also write the run as JSON to this file ('-': standard output instead of the table).")
  var json: String?

  func validate() throws {
    guard Variant.batchVariants.contains(variant) else { throw InputError(BatchError.variant(variant).description) }
    guard epochs >= 1 else { throw InputError("--epochs must be at least 1 (got \(epochs))") }
    guard batchSize >= 1 else { throw InputError("--batch-size must be at least 1 (got \(batchSize))") }
    guard learningRate.isFinite && learningRate > 0 else { throw InputError("--lr must be a positive number (got \(learningRate))") }
    guard (0...1).contains(labelSmoothing) else { throw InputError("--label-smoothing must be in [0, 1] (got \(labelSmoothing))") }
    guard scale.isFinite && scale > 0 else { throw InputError("--scale must be a positive number (got \(scale))") }
    guard (images == nil) == (labels == nil) else { throw InputError("--images and --labels go together") }
    if let limit, limit < 1 { throw InputError("--limit must be at least 1 (got \(limit))") }
    guard samples >= 1, features >= 1, classes >= 2 else {
      throw InputError("synthetic data needs --samples >= 1, --features >= 1 and --classes >= 2")
    }
    guard separation.isFinite && separation >= 0 else { throw InputError("--separation must be >= 0 (got \(separation))") }
  }

  func run() throws {
    let data: Dataset
    if let images, let labels {
      do {
        data = try IDXFile.dataset(images: IDXFile.read(path: images), labels: IDXFile.read(path: labels), scale: scale,
                                   limit: limit, names: (images, labels))
      } catch {
        throw InputError(error.description)
      }
    } else {
      data = Dataset.synthetic(count: samples, features: features, classes: classes, scale: scale,
                               separation: separation, seed: seed)
    }
    let settings = TrainingSettings(variant: variant, format: format, policy: policy, epochs: epochs,
                                    batchSize: batchSize, learningRate: learningRate, labelSmoothing: labelSmoothing)
    let result: TrainingRun
    do {
      result = try Trainer.train(data, settings)
    } catch {
      throw InputError(error.description)
    }
    if let json {
      let text = TrainingOutput.json(result).text() + "\n"
      if json == "-" {
        print(text, terminator: "")
        return
      }
      do { try writeAtomically(text, to: json) } catch { throw InputError("cannot write \(json): \(error.localizedDescription)") }
    }
    print(TrainingOutput.table(result), terminator: "")
  }
}

enum TrainingOutput {
  static func breakdown(_ b: Breakdown?) -> JSON {
    guard let b else { return .null }
    return .object([("epoch", .int(b.epoch)), ("step", .int(b.step)), ("globalStep", .int(b.globalStep))])
  }

  static func json(_ r: TrainingRun) -> JSON {
    let s = r.settings
    return .object([
      ("command", .string("softmax-lab train")),
      ("data", .string(r.source)),
      ("settings", .object([
        ("variant", .string(s.variant.rawValue)), ("format", .string(s.format.rawValue)),
        ("policy", .string(s.policy.rawValue)), ("epochs", .int(s.epochs)), ("batchSize", .int(s.batchSize)),
        ("learningRate", .number(s.format.round(s.learningRate))), ("labelSmoothing", .number(s.labelSmoothing)),
      ])),
      ("epochs", .array(r.epochs.map { e in
        .object([("epoch", .int(e.epoch)), ("meanLoss", .number(e.meanLoss)), ("trainingError", .number(e.trainingError)),
                 ("maxLogit", .number(e.maxLogit))])
      })),
      ("lossBreak", breakdown(r.lossBreak)),
      ("thetaBreak", breakdown(r.thetaBreak)),
      ("finalTrainingError", .number(r.epochs.last?.trainingError ?? .nan)),
    ])
  }

  static func table(_ r: TrainingRun) -> String {
    let s = r.settings
    var out = "softmax regression, \(r.source)\n"
    out += "variant \(s.variant.rawValue), \(s.format.rawValue) \(s.policy.rawValue), batch \(s.batchSize), lr \(s.format.shortestDecimal(s.format.round(s.learningRate)))"
    out += s.labelSmoothing > 0 ? ", label smoothing \(s.labelSmoothing)\n\n" : "\n\n"
    out += "epoch  mean loss      training error  largest |logit|\n"
    func column(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
    for e in r.epochs {
      let loss = e.meanLoss.isFinite ? String(format: "%.6g", e.meanLoss) : e.meanLoss.isNaN ? "nan" : "inf"
      out += column(String(e.epoch), 7) + column(loss, 15) + column(String(format: "%.4f", e.trainingError), 16)
      out += String(format: "%.4g\n", e.maxLogit)
    }
    func say(_ b: Breakdown?, _ what: String) -> String {
      guard let b else { return "\(what) stayed finite\n" }
      return "\(what) first inf/NaN: epoch \(b.epoch), step \(b.step) (step \(b.globalStep) overall)\n"
    }
    return out + "\n" + say(r.lossBreak, "loss") + say(r.thetaBreak, "theta")
  }
}

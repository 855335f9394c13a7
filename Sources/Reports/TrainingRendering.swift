import Experiments
import Foundation
import LabSupport

public enum TrainingOutput {
  static func breakdown(_ b: Breakdown?) -> JSON {
    guard let b else { return .null }
    return .object([("epoch", .int(b.epoch)), ("step", .int(b.step)), ("globalStep", .int(b.globalStep))])
  }

  public static func json(_ r: TrainingRun) -> JSON {
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

  public static func table(_ r: TrainingRun) -> String {
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

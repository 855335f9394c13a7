import Foundation
import Testing

@Suite("softmax-lab train, end to end")
struct TrainCommandTests {
  @Test("synthetic data: a table per epoch, the break of naive float16, JSON with the same numbers")
  func synthetic() throws {
    let args = ["train", "--variant", "naive", "--format", "float16", "--scale", "8", "--samples", "128", "--epochs", "2"]
    let run = try CLI(args)
    #expect(run.status == 0 && run.stderr.isEmpty)
    #expect(run.stdout.contains("epoch  mean loss"))
    #expect(run.stdout.contains("loss first inf/NaN: epoch 1"))
    let json = try CLI(args + ["--json", "-"]).json
    let epochs = try #require(json?["epochs"] as? [[String: Any]])
    #expect(epochs.count == 2)
    let lossBreak = try #require(json?["lossBreak"] as? [String: Any])
    #expect(lossBreak["epoch"] as? Int == 1)
    let fused = try CLI(["train", "--samples", "128", "--epochs", "2", "--json", "-"]).json
    #expect(fused?["lossBreak"] is NSNull && fused?["thetaBreak"] is NSNull)
  }

  @Test("IDX files: trains on them; a malformed file is a one-line error")
  func idx() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
      let path = dir.appendingPathComponent(name).path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      return path
    }
    // 4 images of 1x2 pixels, labels 0 1 0 1, in the IDX header layout (big-endian dimensions).
    let images = try write("images", [0, 0, 8, 3, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2, 255, 0, 0, 255, 250, 10, 5, 240])
    let labels = try write("labels", [0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 0, 1])
    let run = try CLI(["train", "--images", images, "--labels", labels, "--epochs", "3", "--batch-size", "2", "--lr", "1"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("IDX(") && run.stdout.contains("4 examples"))
    let broken = try write("broken", [0, 0, 8, 1, 0, 0, 0, 9, 1])
    try CLI(["train", "--images", images, "--labels", broken]).expectInputError("need 9 data bytes")
  }

  static let badInputs: [([String], String)] = [
    (["train", "--variant", "chained"], "variant 'chained' has no batch loss"),
    (["train", "--format", "float128"], "float128"),
    (["train", "--epochs", "0"], "--epochs must be at least 1"),
    (["train", "--lr", "-1"], "--lr must be a positive number"),
    (["train", "--label-smoothing", "2"], "--label-smoothing must be in [0, 1]"),
    (["train", "--images", "x"], "--images and --labels go together"),
    (["train", "--images", "/nonexistent", "--labels", "/nonexistent"], "cannot read /nonexistent"),
  ]

  @Test("bad input: one line on stderr, nothing on stdout, exit code 2", arguments: badInputs)
  func badInput(_ args: [String], _ message: String) throws {
    try CLI(args).expectInputError(message)
  }
}

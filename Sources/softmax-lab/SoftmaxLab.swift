import Accuracy
import ArgumentParser
import Foundation

/// softmax-lab: accuracy and speed of log-sum-exp, softmax, log-softmax, cross-entropy and its
/// gradient, judged against a correctly rounded MPFR reference.
@main
struct SoftmaxLab: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "softmax-lab",
    abstract: "Measure the accuracy of softmax-family kernels against a correctly rounded MPFR reference.",
    version: "0.1.0",
    subcommands: [ReportCommand.self, CheckCommand.self, EvalCommand.self, RunCommand.self, LossCommand.self, TrainCommand.self, CasesCommand.self, ElementaryCommand.self, SearchCommand.self, MergeCommand.self, BenchCommand.self, ScoreCommand.self])

  /// Runs the command; a usage or input error prints one line on stderr (nothing on stdout) and
  /// exits with code 2.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let code as ExitCode {
      Foundation.exit(code.rawValue)  // a command's own verdict (check: 1 on a regression)
    } catch {
      if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
      FileHandle.standardError.write(Data("softmax-lab: error: \(oneLine(message(for: error)))\n".utf8))
      Foundation.exit(2)
    }
  }
}

/// The parser's message on one line: its first line, then the list it may add below as "- item"
/// lines (the valid values of an option), joined by commas.
func oneLine(_ message: String) -> String {
  let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
  guard let first = lines.first else { return message }
  let items = lines.dropFirst().filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
  return items.isEmpty ? first : first + " " + items.joined(separator: ", ")
}

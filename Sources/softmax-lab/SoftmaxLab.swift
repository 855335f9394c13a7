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
    subcommands: [ReportCommand.self, CheckCommand.self, EvalCommand.self, RunCommand.self, LossCommand.self, TrainCommand.self, CasesCommand.self, ElementaryCommand.self, BenchCommand.self])

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
      let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
      FileHandle.standardError.write(Data("softmax-lab: error: \(message)\n".utf8))
      Foundation.exit(2)
    }
  }
}

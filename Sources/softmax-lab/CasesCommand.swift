import ArgumentParser
import Foundation
import PrecisionLab
import SoftmaxSpec

/// `softmax-lab cases`: the case families, one case, or rows exported for other tools.
struct CasesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cases",
    abstract: "List the case families, show one case, or export cases to JSON or CSV.",
    subcommands: [List.self, Show.self, Export.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The case families with their descriptions and parameters.")

    @OptionGroup var caseOptions: CaseOptions

    func run() throws {
      let settings = try caseOptions.settings()
      var out = "case families (seed \(settings.seed)); a case id is family/index\n"
      for family in CaseFamily.allCases {
        let rows = settings.rows(family), n = settings.length(family)
        let size = family == .hugeN ? "\(rows) rows of 32768 to 262144 logits"
          : family == .seed ? "\(rows) fixed rows" : "\(rows) rows x \(n) logits"
        out += "\n\(family.rawValue): \(family.summary)\n  \(size)\n"
        if let name = family.parameterName {
          let ranges = Format.allCases.compactMap { f in
            family.parameterRange(f, length: n).map { "\(f.rawValue) \($0)" }
          }
          out += "  \(name): " + ranges.joined(separator: "; ") + "\n"
        }
      }
      FileHandle.standardOutput.write(Data(out.utf8))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One case's row: its logits, target and parameter.")

    @Argument(help: "The case id, e.g. wide-spread/17.")
    var id: String

    @Option(help: "The format the row is made in: \(names(Format.self)).")
    var format: Format = .float32

    @OptionGroup var caseOptions: CaseOptions

    func run() throws {
      let c = try generatedCase(id, format: format, settings: try caseOptions.settings())
      var out = "case \(c.id) (\(format.rawValue), seed \(caseOptions.seed)): \(c.note)\n"
      if let name = c.family.parameterName, let p = c.parameter { out += "\(name): \(p)\n" }
      out += "target: \(c.target)\nlogits (\(c.logits.count)):\n"
      for (i, x) in c.logits.enumerated() { out += "  \(i)  \(format.shortestDecimal(x))\n" }
      FileHandle.standardOutput.write(Data(out.utf8))
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write cases to JSON (default) or CSV, for other tools and for `eval --file`.")

    @Option(name: .customLong("family"), help: "Families, repeated or comma-separated; default all.")
    var families: [String] = []

    @Option(help: "The format the rows are made in: \(names(Format.self)).")
    var format: Format = .float32

    @OptionGroup var caseOptions: CaseOptions

    @Flag(help: "Write CSV (id,format,target,index,logit: one line per logit) instead of JSON.")
    var csv = false

    @Option(name: .shortAndLong, help: "Write to this file (through a temporary file and a rename); default standard output.")
    var output: String?

    func run() throws {
      let settings = try caseOptions.settings()
      let families: [CaseFamily] = families.isEmpty ? CaseFamily.allCases : try parseList(families, option: "family")
      let cases = families.flatMap { Generator.cases($0, format: format, settings: settings) }
      let text = csv ? CaseFile.csv(cases, format: format) : CaseFile.json(cases, format: format, settings: settings)
      if let output {
        do {
          try writeAtomically(text, to: output)
        } catch {
          throw InputError("cannot write \(output): \(error.localizedDescription)")
        }
      } else {
        FileHandle.standardOutput.write(Data(text.utf8))
      }
    }
  }
}

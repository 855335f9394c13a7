import ArgumentParser
import Cases
import Experiments
import Foundation
import LabSupport
import Reports
import SoftmaxSpec
import TensorFiles

/// `softmax-lab cases`: the case families, one case, or rows exported for other tools.
struct CasesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cases",
    abstract: "List the case families, show one case, or export cases (JSON, CSV or a safetensors bundle).",
    subcommands: [List.self, Show.self, Export.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The case families with their descriptions and parameters.")

    @OptionGroup var caseOptions: CaseOptions

    func run() throws {
      FileHandle.standardOutput.write(Data(CaseOutput.list(caseOptions.settings).utf8))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One case's row: its logits, target and parameter.")

    @Argument(help: "The case id, e.g. wide-spread/17.")
    var id: String

    @Option(help: "The format the row is made in.")
    var format: Format = .float32

    @OptionGroup var caseOptions: CaseOptions

    func run() throws {
      let c = try Generator.make(id: id, format: format, settings: caseOptions.settings)
      FileHandle.standardOutput.write(Data(CaseOutput.show(c, seed: caseOptions.seed).utf8))
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write cases to JSON (default) or CSV, for other tools and for `eval --file`.")

    @OptionGroup var familyOptions: FamilyOptions

    @Option(help: "The format the rows are made in.")
    var format: Format = .float32

    @OptionGroup var caseOptions: CaseOptions

    @Flag(help: "Write CSV (id,format,target,index,logit: one line per logit) instead of JSON.")
    var csv = false

    @Option(name: .shortAndLong, help: "Write to this file (through a temporary file and a rename); default standard output.")
    var output: String?

    @Option(help: ArgumentHelp(
      "Write a bundle to this directory instead: logits.safetensors (a tensor per case id) and manifest.json (ids, families, targets, format, seed, sizes), for `softmax-lab score --bundle`.",
      valueName: "dir"))
    var bundle: String?

    func validate() throws {
      if bundle != nil && (csv || output != nil) { throw ValidationError("--bundle writes its own files: leave out --csv and --output") }
    }

    func run() throws {
      let settings = caseOptions.settings
      let cases = familyOptions.families.flatMap { Generator.cases($0, format: format, settings: settings) }
      if let bundle {
        do {
          try CaseBundle.write(cases, format: format, settings: settings, version: SoftmaxLab.configuration.version, to: bundle)
        } catch let e as BundleError {
          throw InputError(e.description)
        } catch let e as TensorFileError {
          throw InputError(e.description)
        }
        FileHandle.standardOutput.write(Data("wrote \(cases.count) rows (\(format.rawValue)) to \(bundle): \(CaseBundle.logitsFile), \(CaseBundle.manifestFile)\n".utf8))
        return
      }
      let text = csv ? CaseFile.csv(cases, format: format) : CaseFile.json(cases, format: format, settings: settings)
      try emit(text, to: output ?? "-")
    }
  }
}

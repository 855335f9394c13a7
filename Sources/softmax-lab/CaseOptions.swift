import ArgumentParser
import SoftmaxSpec
import PrecisionLab

/// --seed, --rows, --n: how generated cases are sized (shared by eval, run and cases).
struct CaseOptions: ParsableArguments {
  @Option(help: "The seed of the case generator.")
  var seed: UInt64 = CaseSettings.defaultSeed

  @Option(help: "Rows per family (default: each family's own; special and seed have fixed lists).")
  var rows: Int?

  @Option(help: "Logits per row for families with a default length (huge-n and seed set their own).")
  var n: Int?

  func settings() throws -> CaseSettings {
    do {
      return try CaseSettings(seed: seed, rows: rows, length: n).validated()
    } catch let e as CaseError {
      throw InputError(e.description)
    }
  }
}

/// The case named by `id` in `format` (a one-line error when it does not exist).
func generatedCase(_ id: String, format: Format, settings: CaseSettings) throws -> Case {
  do {
    let (family, index) = try settings.parse(id: id)
    return Generator.make(family, index: index, format: format, settings: settings)
  } catch let e as CaseError {
    throw InputError(e.description)
  }
}

import Accuracy
import ArgumentParser
import Cases
import ExactReference
import Foundation
import SoftmaxSpec

// The names of docs/definitions.md as command-line values: help and shell completion list each
// type's cases.
extension Format: ExpressibleByArgument {}
extension Op: ExpressibleByArgument {}
extension Variant: ExpressibleByArgument {}
extension Policy: ExpressibleByArgument {}
extension KernelKind: ExpressibleByArgument {}
extension CaseFamily: ExpressibleByArgument {}
extension ElementaryFunction: ExpressibleByArgument {}
extension LossReduction: ExpressibleByArgument {}
extension ReferenceMethod: ExpressibleByArgument {}

/// One value of a list option: a value, or several separated by commas (`--op lse,softmax`).
/// Repeating the option adds more (`--op lse --op softmax`).
struct CommaList<Element: ExpressibleByArgument & Sendable>: ExpressibleByArgument {
  let elements: [Element]

  init(_ elements: [Element]) { self.elements = elements }

  init?(argument: String) {
    var elements: [Element] = []
    for item in argument.split(separator: ",", omittingEmptySubsequences: false) {
      guard let e = Element(argument: item.trimmingCharacters(in: .whitespaces)) else { return nil }
      elements.append(e)
    }
    self.elements = elements
  }

  /// "all" when the list holds every value of a `CaseIterable` type, else the values.
  var defaultValueDescription: String {
    if let every = (Element.self as? any CaseIterable.Type)?.allCases.count, every == elements.count, every > 1 { return "all" }
    return elements.map(\.defaultValueDescription).joined(separator: ",")
  }
  static var allValueStrings: [String] { Element.allValueStrings }
  static var defaultCompletionKind: CompletionKind { Element.defaultCompletionKind }
}

extension Array {
  /// The values of a repeated or comma-separated option, each once, in the order given.
  func values<E>() -> [E] where Element == CommaList<E> {
    var out: [E] = []
    for e in flatMap(\.elements) where !out.contains(where: { $0.defaultValueDescription == e.defaultValueDescription }) {
      out.append(e)
    }
    return out
  }
}

/// Where a list option's default comes from (the commands differ: `bench` times log-softmax in
/// float32 unless told otherwise, the others take every value).
protocol ListDefault {
  associatedtype Element
  static var elements: [Element] { get }
}

/// Every value.
enum Every<E: CaseIterable>: ListDefault {
  static var elements: [E] { Array(E.allCases) }
}

/// --kernel: which implementations run.
struct KernelOptions: ParsableArguments {
  @Option(name: .customLong("kernel"),
          help: "Kernels: simd (every variant) and/or textbook (scalar naive, shifted, fused); repeated or comma-separated.")
  var list: [CommaList<KernelKind>] = [CommaList([.simd])]

  var kernels: [KernelKind] { list.values() }
}

/// --op: the operations.
struct OpOptions<Default: ListDefault>: ParsableArguments where Default.Element == Op {
  @Option(name: .customLong("op"), help: "Operations, repeated or comma-separated.")
  var list: [CommaList<Op>] = [CommaList(Default.elements)]

  var ops: [Op] { list.values() }
}

/// --variant: the variants; by default every variant that has a kernel of the chosen kinds.
struct VariantOptions: ParsableArguments {
  @Option(name: .customLong("variant"),
          help: "Variants, repeated or comma-separated (default: every one with a kernel of the chosen kinds).")
  var list: [CommaList<Variant>] = []

  /// The named variants, or those with a kernel of at least one of `kinds`.
  func variants(for kinds: [KernelKind]) -> [Variant] {
    list.isEmpty ? KernelKind.defaultVariants(kinds) : list.values()
  }
}

/// --format, repeated: the formats.
struct FormatOptions<Default: ListDefault>: ParsableArguments where Default.Element == Format {
  @Option(name: .customLong("format"), help: "Formats, repeated or comma-separated.")
  var list: [CommaList<Format>] = [CommaList(Default.elements)]

  var formats: [Format] { list.values() }
}

/// --policy: the precision policies (float64 runs its `wide` as `native`, once).
struct PolicyOptions: ParsableArguments {
  @Option(name: .customLong("policy"),
          help: "Precision policies, repeated or comma-separated (float64's wide is its native and runs once).")
  var list: [CommaList<Policy>] = [CommaList(Policy.allCases)]

  var policies: [Policy] { list.values() }
}

/// --output-format and --output-scale: results delivered in another format than the logits'.
struct OutputOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "Deliver the results in this format instead of the logits' (e.g. float8-e4m3 logits with float32 results, or float32 softmax quantized to float8-e4m3).",
    valueName: "format"))
  var outputFormat: Format?

  @Option(help: ArgumentHelp(
    "Multiply the results by this power of two before rounding them to the output format, e.g. 256 (float8 attention's 2^8). Default: 1.",
    valueName: "power-of-two"))
  var outputScale: String?

  /// k of --output-scale 2^k (0 when it is not given).
  func scaleExponent() throws -> Int {
    guard let text = outputScale else { return 0 }
    guard let s = Double(text), s.isFinite, s > 0, s.significandBitPattern == 0, s.exponent.magnitude <= 64 else {
      throw ValidationError("--output-scale '\(text)' is not a power of two between 2^-64 and 2^64")
    }
    return Int(s.exponent)
  }

  /// The delivery for logits in `logits`: in --output-format, or else `otherwise` (by default the
  /// logits' own format), scaled by --output-scale.
  func delivery(for logits: Format, otherwise: Format? = nil) throws -> ResultFormat {
    ResultFormat(outputFormat ?? otherwise ?? logits, scaleExponent: try scaleExponent())
  }

  /// `delivery`, nil when the results stay in the logits' format, unscaled.
  func resultFormat(for logits: Format) throws -> ResultFormat? {
    let delivery = try delivery(for: logits)
    return delivery.isIdentity(for: logits) ? nil : delivery
  }
}

/// --reference: how the reference is computed.
struct ReferenceOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "How the correctly rounded reference is computed: fast (a double-word first step with a proven error bound, MPFR for the rows it cannot decide) or exact (MPFR only). Both give the same results; exact is slower.",
    valueName: "fast|exact"))
  var reference: ReferenceMethod = .fast
}

/// --family: the case families.
struct FamilyOptions: ParsableArguments {
  @Option(name: .customLong("family"), help: "Case families, repeated or comma-separated (`softmax-lab cases list`).")
  var list: [CommaList<CaseFamily>] = [CommaList(CaseFamily.allCases)]

  var families: [CaseFamily] { list.values() }
}

/// --threads: worker threads; results never depend on it.
struct ThreadOptions: ParsableArguments {
  @Option(help: "Worker threads (default: every core); the results do not depend on it.")
  var threads: Int = ProcessInfo.processInfo.activeProcessorCount

  func validate() throws {
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads))") }
  }
}

/// --seed, --rows, --n: how generated cases are sized (shared by eval, run and cases).
struct CaseOptions: ParsableArguments {
  @Option(help: "The seed of the case generator.")
  var seed: UInt64 = CaseSettings.defaultSeed

  @Option(help: "Rows per family (default: each family's own; special and seed have fixed lists).")
  var rows: Int?

  @Option(help: "Logits per row for families with a default length (huge-n and seed set their own).")
  var n: Int?

  var settings: CaseSettings { CaseSettings(seed: seed, rows: rows, length: n) }

  func validate() throws {
    do {
      _ = try settings.validated()
    } catch {
      throw ValidationError("\(error)")
    }
  }
}

/// An input error found while running (a file that does not parse, a case that does not exist),
/// with a one-line message.
struct InputError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
  init(_ error: any Error) { description = "\(error)" }
}

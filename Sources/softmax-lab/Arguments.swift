import ArgumentParser
import SoftmaxSpec

extension Format: ExpressibleByArgument {}
extension Op: ExpressibleByArgument {}
extension Variant: ExpressibleByArgument {}
extension Policy: ExpressibleByArgument {}

/// Values of a repeated option, each of which may also be a comma list ("--op lse,softmax").
func parseList<E: RawRepresentable & CaseIterable>(_ values: [String], option: String) throws -> [E]
where E.RawValue == String {
  var result: [E] = []
  for item in values.flatMap({ $0.split(separator: ",") }).map({ String($0).trimmingCharacters(in: .whitespaces) }) {
    guard let value = E(rawValue: item) else {
      let known = E.allCases.map(\.rawValue).joined(separator: ", ")
      throw InputError("unknown \(option) '\(item)' (one of: \(known))")
    }
    if !result.contains(where: { $0.rawValue == value.rawValue }) { result.append(value) }
  }
  return result
}

/// The list of names for a help text.
func names<E: RawRepresentable & CaseIterable>(_: E.Type) -> String where E.RawValue == String {
  E.allCases.map(\.rawValue).joined(separator: ", ")
}

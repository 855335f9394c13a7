import Foundation
import LabSupport

/// A problem with a tensor file or with a request for its contents: what the readers and writers
/// throw, never a crash.
///
/// `description` is one line, "PATH: PROBLEM" (any line break in either is printed as "\n"), e.g.
/// `weights.safetensors: tensor "w" has dtype "C64", not supported (supported: F16, ...)`.
public struct TensorFileError: Error, CustomStringConvertible, Sendable {
  /// The file the problem is in (or was to be written to).
  public let path: String
  /// The problem, in words.
  public let problem: String

  public init(_ path: String, _ problem: String) {
    self.path = path
    self.problem = problem
  }

  public var description: String {
    (path + ": " + problem).replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
  }
}

/// `name` in double quotes with JSON's escapes, so that any name prints on one line.
func quoted(_ name: String) -> String { JSON.quote(name) }

/// "[2, 3]".
func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

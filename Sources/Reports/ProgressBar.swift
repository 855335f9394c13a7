import Foundation

/// A progress bar on stderr, drawn only when stderr is a terminal.
public final class ProgressBar: @unchecked Sendable {
  public let isActive = isatty(STDERR_FILENO) != 0
  private let lock = NSLock()
  private var lastDraw = Date.distantPast

  public init() {}

  public func update(_ done: Int, _ total: Int) {
    lock.lock()
    defer { lock.unlock() }
    guard done == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
    lastDraw = Date()
    let width = 30, filled = total == 0 ? width : width * done / total
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) rows".utf8))
  }

  public func finish() {
    guard isActive else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}

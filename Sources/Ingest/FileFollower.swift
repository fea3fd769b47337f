#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// `--follow FILE|-` for the executable: follows a file (or reads standard input) in the background,
/// delivering batches to a sink and telling the caller about refused lines and the end of stdin.
public final class FollowSource: Sendable {
    public enum Event: Sendable {
        /// A line that is not a decodable OTLP/JSON export request (also reported to the sink).
        case badLine(line: Int, reason: String)
        /// Standard input reached its end (files are followed until `stop()`).
        case endOfInput
    }

    private let path: String
    private let sink: any TelemetrySink
    private let onEvent: @Sendable (Event) -> Void
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// - Parameter path: a file to follow, or `-` for standard input.
    public init(path: String, sink: any TelemetrySink, onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.path = path
        self.sink = sink
        self.onEvent = onEvent
    }

    public func start() {
        let (path, sink, onEvent) = (path, sink, onEvent)
        let reader = Task {
            let report: @Sendable (Int, String) -> Void = { onEvent(.badLine(line: $0, reason: $1)) }
            if path == "-" {
                await FileFollower.readJSONLines(into: sink, onBadLine: report)
                onEvent(.endOfInput)
            } else {
                await FileFollower(path: path).run(into: sink, onBadLine: report)
            }
        }
        task.withLock { $0 = reader }
    }

    /// Stops following a file. A blocking read of standard input ends only with the input.
    public func stop() {
        task.withLock { $0?.cancel() }
    }
}

/// Reads OTLP/JSON lines (collector file-exporter format) from a file as it grows, like `tail -F`:
/// an unterminated last line waits for the rest, a truncated file is read again from its start, a
/// replaced (rotated) file is read from its start once the old one is drained, and a file that does
/// not exist yet is waited for.
public struct FileFollower: Sendable {
    public var path: String
    public var pollInterval: Duration
    public var maxLineBytes: Int
    /// Skip what the file holds when following starts.
    public var startAtEnd: Bool

    public init(path: String, pollInterval: Duration = .milliseconds(100),
                maxLineBytes: Int = 64 * 1024 * 1024, startAtEnd: Bool = false) {
        self.path = path
        self.pollInterval = pollInterval
        self.maxLineBytes = maxLineBytes
        self.startAtEnd = startAtEnd
    }

    /// Follows the file until the task is cancelled. `onBadLine` gets the line number and reason of
    /// every refused line (which the sink also hears about).
    public func run(into sink: some TelemetrySink, onBadLine: (Int, String) -> Void = { _, _ in }) async {
        var file: OpenFile?
        var splitter = LineSplitter(maxLineBytes: maxLineBytes)
        var feed = JSONLineFeed(source: path, sink: sink, maxLineBytes: maxLineBytes)
        func deliver(_ line: LineSplitter.Line) {
            if let reason = feed.deliver(line) { onBadLine(feed.lineNumber, reason) }
        }

        while !Task.isCancelled {
            guard var open = file ?? (try? OpenFile(path: path)) else {
                do { try await Task.sleep(for: pollInterval) } catch { return }
                continue
            }
            if file == nil && startAtEnd { open.seekToEnd() }
            let lines = open.readAvailable { splitter.push($0) }
            file = open
            lines.forEach(deliver)
            guard lines.isEmpty else { continue }
            switch open.change(at: path) {
            case .none:
                do { try await Task.sleep(for: pollInterval) } catch { return }
            case .truncated:
                splitter.reset()
                file?.rewind()
            case .replaced(let newFile):
                if let last = splitter.finish() { deliver(last) }
                file = newFile
            }
        }
    }

    /// Reads OTLP/JSON lines from a descriptor (default: standard input) until end of input.
    /// Blocking reads run on a thread of their own, off the concurrency pool.
    public static func readJSONLines(fromDescriptor descriptor: Int32 = STDIN_FILENO, source: String = "stdin",
                                     maxLineBytes: Int = 64 * 1024 * 1024, into sink: some TelemetrySink,
                                     onBadLine: @escaping @Sendable (Int, String) -> Void = { _, _ in }) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                var splitter = LineSplitter(maxLineBytes: maxLineBytes)
                var feed = JSONLineFeed(source: source, sink: sink, maxLineBytes: maxLineBytes)
                func deliver(_ line: LineSplitter.Line) {
                    if let reason = feed.deliver(line) { onBadLine(feed.lineNumber, reason) }
                }
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { break }
                    splitter.push(buffer[..<count]).forEach(deliver)
                }
                if let last = splitter.finish() { deliver(last) }
                continuation.resume()
            }
            thread.name = "tokentop-stdin"
            thread.start()
        }
    }
}

/// An open file descriptor plus the identity of the file it was opened from.
private struct OpenFile {
    enum Change {
        case none
        case truncated
        case replaced(OpenFile)
    }

    struct OpenError: Error {
        let errorNumber: Int32
    }

    private let handle: Handle
    private let inode: UInt64
    private var offset: Int64 = 0

    /// Closes the descriptor when the last copy goes away.
    private final class Handle {
        let descriptor: Int32
        init(_ descriptor: Int32) { self.descriptor = descriptor }
        deinit { close(descriptor) }
    }

    init(path: String) throws(OpenError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OpenError(errorNumber: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = errno
            close(descriptor)
            throw OpenError(errorNumber: error)
        }
        handle = Handle(descriptor)
        inode = UInt64(status.st_ino)
    }

    /// Reads to the current end of the file, passing each chunk to `consume`.
    mutating func readAvailable<Line>(_ consume: (ArraySlice<UInt8>) -> [Line]) -> [Line] {
        var lines: [Line] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(handle.descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            offset += Int64(count)
            lines += consume(buffer[..<count])
        }
        return lines
    }

    mutating func seekToEnd() {
        var status = stat()
        if fstat(handle.descriptor, &status) == 0 { offset = Int64(status.st_size) }
    }

    mutating func rewind() {
        offset = 0
    }

    /// What happened to the file at `path` since it was opened (asked once this one is drained).
    func change(at path: String) -> Change {
        var status = stat()
        guard stat(path, &status) == 0 else { return .none } // mid-rotation: keep the old file until a new one appears
        if UInt64(status.st_ino) != inode {
            return (try? OpenFile(path: path)).map { .replaced($0) } ?? .none
        }
        return Int64(status.st_size) < offset ? .truncated : .none
    }
}

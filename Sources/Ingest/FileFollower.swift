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
        /// What happened to the followed file.
        case file(FileFollower.FileEvent)
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
                await FileFollower(path: path).run(into: sink, onBadLine: report) { onEvent(.file($0)) }
            }
        }
        task.withLock { $0 = reader }
    }

    /// Stops following a file. A blocking read of standard input ends only with the input.
    public func stop() {
        task.withLock { $0?.cancel() }
    }
}

/// Reads OTLP/JSON lines (collector file-exporter format) from a file as it grows, like `tail -F`, and
/// reads every record once however the file is rotated:
/// - an unterminated last line waits for the rest;
/// - renamed away or deleted and created again: the old file is read to its end (and for a while
///   after, for a writer that has not reopened yet), then the new one from its start;
/// - copied and truncated (logrotate's `copytruncate`), even when refilled past where it was read
///   before tokentop looks again: the bytes last read no longer stand before the read offset, so the
///   rest of the old content is read from the copy (a sibling such as `FILE.1` holding those bytes),
///   then the file from its start;
/// - a file that does not exist yet is waited for.
/// It runs on a thread of its own, woken by inotify where available and by a poll otherwise.
public struct FileFollower: Sendable {
    /// What happened to the followed file, for the log and the screen.
    public enum FileEvent: Sendable, Equatable {
        /// Not there (at start, or deleted and not created again for a second).
        case missing
        /// There again after `missing`.
        case found
        /// Another file took its name (rotated by renaming, or deleted and created again).
        case replaced
        /// Truncated; the rest of the old content was read from this copy, if one was found.
        case truncated(restReadFrom: String?)
    }

    public var path: String
    public var pollInterval: Duration
    public var maxLineBytes: Int
    /// Skip what the file holds when following starts.
    public var startAtEnd: Bool
    /// How long a rotated-away file is still read after the new one appears.
    public var retiredFileGrace: Duration
    /// Wake on inotify where available (else only every `pollInterval`).
    public var watchesDirectory = true

    public init(path: String, pollInterval: Duration = .milliseconds(100),
                maxLineBytes: Int = 64 * 1024 * 1024, startAtEnd: Bool = false,
                retiredFileGrace: Duration = .seconds(2)) {
        self.path = path
        self.pollInterval = pollInterval
        self.maxLineBytes = maxLineBytes
        self.startAtEnd = startAtEnd
        self.retiredFileGrace = retiredFileGrace
    }

    /// Follows the file until the task is cancelled. `onBadLine` gets the line number and reason of
    /// every refused line (which the sink also hears about).
    public func run(into sink: some TelemetrySink,
                    onBadLine: @escaping @Sendable (Int, String) -> Void = { _, _ in },
                    onFile: @escaping @Sendable (FileEvent) -> Void = { _ in }) async {
        let stop = StopFlag()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    follow(into: sink, onBadLine: onBadLine, onFile: onFile, stop: stop)
                    continuation.resume()
                }
                thread.name = "tokentop-follow"
                thread.start()
            }
        } onCancel: {
            stop.set()
        }
    }

    private func follow(into sink: some TelemetrySink, onBadLine: (Int, String) -> Void, onFile: (FileEvent) -> Void,
                        stop: StopFlag) {
        var current: FollowedFile?
        var missing = MissingFile()
        var retired: (file: FollowedFile, until: ContinuousClock.Instant)?
        var feed = JSONLineFeed(source: path, sink: sink, maxLineBytes: maxLineBytes)
        func deliver(_ lines: [LineSplitter.Line]) {
            for line in lines {
                if let reason = feed.deliver(line) { onBadLine(feed.lineNumber, reason) }
            }
        }
        let folder = (path as NSString).deletingLastPathComponent
        var watch: DirectoryWatch?
        let wait = { (watch: inout DirectoryWatch?) in
            // The folder may appear later: keep trying to watch it.
            if watch == nil && watchesDirectory { watch = DirectoryWatch(directory: folder) }
            if let watch {
                watch.wait(timeout: max(pollInterval, .milliseconds(500)))
            } else {
                Thread.sleep(forTimeInterval: pollInterval.seconds)
            }
        }

        while !stop.isSet {
            if let (file, until) = retired {
                deliver(file.readAvailable())
                if ContinuousClock.now > until { deliver(file.finish()); retired = nil }
            }
            guard let file = current ?? (try? FollowedFile(path: path, maxLineBytes: maxLineBytes)) else {
                if missing.isGone(now: .now, since: .zero) { onFile(.missing) }
                wait(&watch)
                continue
            }
            if current == nil {
                if startAtEnd { file.seekToEnd() }
                if missing.isBack() { onFile(.found) }
            }
            current = file
            let lines = file.readAvailable()
            deliver(lines)
            if file.wasTruncated {
                // The rest of the old content, from the copy when there is one, then the file from its start.
                let copy = file.rotatedCopy()
                if let copy { deliver(copy.readAvailable()); deliver(copy.finish()) }
                file.rewind()
                onFile(.truncated(restReadFrom: copy?.path))
                continue
            }
            guard lines.isEmpty else { continue }
            if let newFile = file.replacement(at: path) {
                if let (old, _) = retired { deliver(old.finish()) }
                retired = (file, ContinuousClock.now + retiredFileGrace)
                current = newFile
                onFile(missing.isBack() ? .found : .replaced)
                continue
            }
            if FollowedFile.exists(path) {
                missing.isThere()
            } else if missing.isGone(now: .now, since: .seconds(1)) {
                onFile(.missing)
            }
            wait(&watch)
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

/// When the followed name went missing, and whether that was told (once, until it is back).
private struct MissingFile {
    private var since: ContinuousClock.Instant?
    private var told = false

    /// True once when the file has been gone longer than `since`.
    mutating func isGone(now: ContinuousClock.Instant, since grace: Duration) -> Bool {
        let start = since ?? now
        since = start
        guard !told, now - start >= grace else { return false }
        told = true
        return true
    }

    /// The name is there (again, briefly gone during a rotation, say): a later absence counts from then.
    mutating func isThere() {
        if !told { since = nil }
    }

    /// True once when a file missing (and told so) is there again.
    mutating func isBack() -> Bool {
        defer { since = nil; told = false }
        return told
    }
}

private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

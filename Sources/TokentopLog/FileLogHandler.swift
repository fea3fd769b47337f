import Foundation
import Logging
import Synchronization

/// swift-log's handler for `--log-file`: one line per message, appended, flushed as written:
/// `2026-12-05T19:40:01.123Z warning follow: otlp.jsonl:16: not JSON path=/var/log/otel/otlp.jsonl`.
/// Control characters in messages and metadata are escaped, so a line is a line.
public struct FileLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let file: LogFile

    public init(label: String, file: LogFile, level: Logger.Level) {
        self.label = label
        self.file = file
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        event.metadata?.forEach { merged[$0.key] = $0.value }
        let fields = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\(LogFile.escaped("\($0.value)"))" }.joined()
        file.append("\(LogFile.timestamp(Date())) \(event.level) \(label): \(LogFile.escaped(event.message.description))\(fields)\n")
    }
}

/// The log file itself, shared by every logger: opened for appending (created with its folder), and
/// moved to `FILE.1` first when it has grown past `rotateAtBytes`.
public final class LogFile: Sendable {
    public let path: String
    private let handle: Mutex<FileHandle>

    /// Standard error, for `--headless` without `--log-file`: the same lines.
    public static let standardError = LogFile(path: "stderr", handle: FileHandle.standardError)

    private init(path: String, handle: FileHandle) {
        self.path = path
        self.handle = Mutex(handle)
    }

    public init(path: String, rotateAtBytes: UInt64 = 10 << 20) throws(LogFileError) {
        let manager = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            if let size = (try? manager.attributesOfItem(atPath: path))?[.size] as? UInt64, size >= rotateAtBytes {
                try? manager.removeItem(atPath: path + ".1")
                try manager.moveItem(atPath: path, toPath: path + ".1")
            }
            if !manager.fileExists(atPath: path) {
                guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw LogFileError(path: path, reason: "cannot create it")
                }
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            self.handle = Mutex(handle)
        } catch let error as LogFileError {
            throw error
        } catch {
            throw LogFileError(path: path, reason: (error as NSError).localizedDescription)
        }
        self.path = path
    }

    func append(_ line: String) {
        handle.withLock { try? $0.write(contentsOf: Data(line.utf8)) }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Control characters (newlines among them) as `\n`, `\t`, `\u{1b}`.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.properties.generalCategory == .control:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

public struct LogFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "--log-file \(path): \(reason)" }
}

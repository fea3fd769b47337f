import ArgumentParser
import Config
import Foundation
import Logging
import TokentopLog

/// `--log-file` and `--log-level`. Nothing is written to the terminal while the screen is up: with the
/// screen the log goes to a file (`$XDG_STATE_HOME/tokentop/tokentop.log` unless named), headless to
/// standard error unless a file is named.
struct LogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Append the log to this file (default: standard error with --headless, $XDG_STATE_HOME/tokentop/tokentop.log with the screen).",
        valueName: "file"))
    var logFile: String?

    @Option(name: .long, help: ArgumentHelp("Least severe level logged: trace, debug, info, notice, warning, error or critical (default info).",
                                            valueName: "level"))
    var logLevel: String?

    func validate() throws {
        if let logLevel, !TokentopConfig.logLevels.contains(logLevel) {
            throw ValidationError("--log-level is one of \(TokentopConfig.logLevels.joined(separator: ", "))")
        }
    }

    /// Sets up swift-log for the process (once) and returns where problems are told.
    func start(_ config: TokentopConfig, headless: Bool,
               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Notices {
        let level = Logger.Level(rawValue: logLevel ?? config.logLevel ?? "info") ?? .info
        let named = logFile ?? config.logFile
        let file: LogFile?
        do {
            file = try (named ?? (headless ? nil : LogFile.defaultPath(environment: environment))).map { try LogFile(path: $0) }
        } catch {
            // A named file must open; the default one is a convenience.
            if named != nil { throw ValidationError("\(error)") }
            file = nil
        }
        let destination = file ?? (headless ? LogFile.standardError : nil)
        LoggingSystem.bootstrap { label -> any LogHandler in
            guard let destination else { return SwiftLogNoOpLogHandler() }
            return FileLogHandler(label: label, file: destination, level: level)
        }
        var logger = Logger(label: "tokentop")
        logger.logLevel = level
        return Notices(logger: logger)
    }
}

import Logging
import TokentopLog

/// Sets up swift-log for the process (once). Nothing is written to the terminal while the screen is
/// up: with the screen the log goes to a file, headless to standard error unless a file is named.
public enum LogSetup {
    /// Returns where problems are told.
    public static func start(_ settings: ServeSettings) throws(SettingsError) -> Notices {
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        let file: LogFile?
        do {
            file = try settings.logFile.map { try LogFile(path: $0) }
        } catch {
            if settings.logFileNamed { throw .usage("\(error)") }
            file = nil
        }
        let destination = file ?? (settings.headless ? LogFile.standardError : nil)
        LoggingSystem.bootstrap { label -> any LogHandler in
            guard let destination else { return SwiftLogNoOpLogHandler() }
            return FileLogHandler(label: label, file: destination, level: level)
        }
        var logger = Logger(label: "tokentop")
        logger.logLevel = level
        return Notices(logger: logger)
    }
}

import TokentopApp
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
}

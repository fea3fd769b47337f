import TokentopApp
import ArgumentParser
import Config
import Foundation
import Store
import CanvasKit
import Views

/// `--config FILE`, else `$XDG_CONFIG_HOME/tokentop/config.toml` when it exists, under the `TOKENTOP_*`
/// variables. Flags win over both.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A TOML file of settings; TOKENTOP_* variables win over it, command-line flags over both.",
        discussion: "Default: $XDG_CONFIG_HOME/tokentop/config.toml (~/.config/tokentop/config.toml) when it exists. "
            + "Each setting also comes from TOKENTOP_ + its table and key in upper snake case: TOKENTOP_BUDGET, "
            + "TOKENTOP_LISTEN, TOKENTOP_THEME, TOKENTOP_ALERTS_MIN_CALLS, TOKENTOP_KEYS_MOVE_DOWN. See docs/configuration.md.",
        valueName: "file"))
    var config: String?

    /// The file's settings with the environment's over them; only the environment's when the default
    /// file is absent. A bad file or variable is a `ConfigurationError`.
    /// `load()` for a subcommand: a bad file or variable ends it with the error's message.
    func loadOrExit() throws -> TokentopConfig {
        do {
            return try load()
        } catch let error as ConfigurationError {
            throw error.reported
        }
    }

    func load() throws -> TokentopConfig {
        do {
            return try TokentopConfig.load(explicitPath: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ConfigurationError(message: error.description)
        }
    }
}

/// A bad configuration: printed as `Error: FILE:LINE: problem` and ends the command like a bad option
/// (exit status 64), without the usage text.
struct ConfigurationError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }

    /// Prints the message and gives the exit status to throw.
    var reported: ExitCode {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
        return .validationFailure
    }
}

/// A setting that cannot be used. A bad file or variable is told as it is (`Error: FILE:LINE: problem`);
/// a bad combination of flags also shows the usage.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The configuration file, a `TOKENTOP_*` variable or a file it names.
        case configuration
        /// The flags given (or what they name) cannot work together.
        case usage
    }

    public let kind: Kind
    public let message: String
    public var description: String { message }

    public static func configuration(_ message: String) -> SettingsError { SettingsError(kind: .configuration, message: message) }
    public static func usage(_ message: String) -> SettingsError { SettingsError(kind: .usage, message: message) }
}

/// How a run ends other than normally, for the command line to turn into an exit status.
public struct ExitStatus: Error, Sendable, Equatable {
    public let code: Int32

    /// Could not run: a port taken, a file unreadable.
    public static let couldNotRun = ExitStatus(code: 2)
    /// `--fail-on-alert`, and an alert fired.
    public static let alertFired = ExitStatus(code: 3)
}

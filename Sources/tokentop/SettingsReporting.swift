import ArgumentParser
import TokentopApp

extension SettingsError {
    /// A bad file or variable ends the command with its message (status 64); bad flags also show the usage.
    var reported: Error {
        switch kind {
        case .configuration: ConfigurationError(message: message).reported
        case .usage: ValidationError(message)
        }
    }
}

/// Runs a step that resolves settings, turning its `SettingsError` into the command line's error.
func resolving<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as SettingsError { throw error.reported }
}

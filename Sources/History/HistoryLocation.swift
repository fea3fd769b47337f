/// Where the ledger lives by default: `$XDG_STATE_HOME/tokentop/history.sqlite`, else
/// `~/.local/state/tokentop/history.sqlite`.
public enum HistoryLocation {
    public static let defaultRetentionDays = 400

    public static func defaultPath(environment: [String: String]) -> String? {
        stateFolder(environment: environment).map { $0 + "/history.sqlite" }
    }

    /// tokentop's state folder: `$XDG_STATE_HOME/tokentop`, else `~/.local/state/tokentop`.
    public static func stateFolder(environment: [String: String]) -> String? {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.local/state" }
        return base.map { $0 + "/tokentop" }
    }
}

import Foundation
import TOMLKit
import TOMLReading

/// A problem in the configuration file, with its file and line.
public typealias ConfigFileError = TOMLFileError

/// The configuration file, `$XDG_CONFIG_HOME/tokentop/config.toml` or `--config FILE`, and the
/// `TOKENTOP_*` environment variables named after its keys (`TOKENTOP_BUDGET`,
/// `TOKENTOP_ALERTS_MIN_CALLS`), which win over it. Every setting is optional; command-line flags win
/// over both. Values are checked here, so a bad one is reported with the file and line, or the
/// variable, it came from.
public struct TokentopConfig: Sendable, Equatable {
    /// Where the settings came from; nil when there was no file.
    public var file: String?
    public var listen: String?
    public var grpcPort: Int?
    public var httpPort: Int?
    /// `HOST:PORT` for `/metrics`.
    public var prometheus: String?
    /// A theme name or a path (relative paths are taken from the config file's folder).
    public var theme: String?
    public var maxSpans: Int?
    /// A prices file (relative paths are taken from the config file's folder).
    public var prices: String?
    /// USD per day.
    public var budgetUSD: Double?
    /// The history ledger: a path, or `off` (relative paths are taken from the config file's folder).
    public var history: String?
    /// Days of history kept.
    public var historyDays: Int?
    /// The log file (relative paths are taken from the config file's folder).
    public var logFile: String?
    /// `trace` … `critical`.
    public var logLevel: String?
    public var alerts = Alerts()
    public var windows = Windows()
    /// `[keys]`: action name → key names, e.g. `quit = ["q", "ctrl-c"]`. Only the shape is checked here;
    /// the key table gives the names their meaning.
    public var keyOverrides: [String: [String]] = [:]

    public struct Alerts: Sendable, Equatable {
        /// Percentages (0…100).
        public var truncationPercent: Double?
        public var retriesPercent: Double?
        public var errorsPercent: Double?
        /// Calls needed before any alert fires.
        public var minimumCalls: Int?
        /// A firing alert clears when its rate falls below this percentage of its threshold.
        public var clearPercent: Double?
        public init() {}
    }

    public struct Windows: Sendable, Equatable {
        /// Sliding windows in seconds, shortest first.
        public var seconds: [Int]?
        /// Which of them tokens/s, $/h and the Quality pane use; quality nil with `qualitySinceStart`
        /// false means "not set".
        public var burnSeconds: Int?
        public var costSeconds: Int?
        public var qualitySeconds: Int?
        public var qualitySinceStart = false
        public init() {}
    }

    public init() {}

    static let topKeys = ["listen", "grpc_port", "http_port", "prometheus", "theme", "max_spans", "prices", "budget",
                          "history", "history_days", "log_file", "log_level",
                          "windows", "burn_window", "cost_window", "quality_window", "alerts", "keys"]
    /// swift-log's levels, least severe first.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    static let alertKeys = ["truncation", "retries", "errors", "min_calls", "clear_at"]

    /// The default file: `$XDG_CONFIG_HOME/tokentop/config.toml`, else `~/.config/tokentop/config.toml`.
    public static func defaultPath(environment: [String: String]) -> String? {
        TokentopFolders(environment: environment).configFile
    }

    /// The prefix of the environment variables: `TOKENTOP_` + table + key in upper snake case.
    public static let environmentPrefix = "TOKENTOP"

    /// `--config FILE` must exist; the default file may be absent (then only the environment sets anything).
    public static func load(explicitPath: String?, environment: [String: String]) throws(ConfigFileError) -> TokentopConfig {
        guard let path = explicitPath ?? defaultPath(environment: environment),
              FileManager.default.fileExists(atPath: path) else {
            if let explicitPath { throw ConfigFileError(file: explicitPath, line: nil, problem: "no such file") }
            var config = try parse("", file: "", environment: environment)
            config.file = nil
            return config
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigFileError(file: path, line: nil, problem: "cannot read the file")
        }
        return try parse(TOMLFileError.text(of: data, file: path), file: path, environment: environment)
    }

    /// Parses and checks the file's text, with the `TOKENTOP_*` variables of `environment` over it.
    public static func parse(_ text: String, file: String, environment: [String: String] = [:]) throws(ConfigFileError) -> TokentopConfig {
        let document = try TOMLTable.parse(text, file: file)
        let fileFolder = (file as NSString).deletingLastPathComponent
        var top = TableReader(table: document, path: [], file: file, lines: KeyLines(text),
                              environment: EnvironmentSettings(prefix: environmentPrefix, environment: environment))
        /// Relative paths start at the file's folder, or at the working directory when a variable gave them.
        func folder(_ key: String) -> String { top.isFromEnvironment(key) ? "" : fileFolder }
        var config = TokentopConfig()
        config.file = file

        config.listen = try top.string("listen", "an address (e.g. \"127.0.0.1\")")
        if config.listen?.isEmpty == true { throw top.error("listen", "'listen' must not be empty") }
        config.grpcPort = try port(&top, "grpc_port")
        config.httpPort = try port(&top, "http_port")
        if let prometheus = try top.string("prometheus", "\"HOST:PORT\"") {
            guard let colon = prometheus.lastIndex(of: ":"), let port = Int(prometheus[prometheus.index(after: colon)...]),
                  (0...65535).contains(port) else {
                throw top.error("prometheus", "'prometheus' takes \"HOST:PORT\", e.g. \"127.0.0.1:9464\"; got \"\(prometheus)\"")
            }
            config.prometheus = prometheus
        }
        if let theme = try top.string("theme", "a theme name or a path") {
            guard !theme.isEmpty else { throw top.error("theme", "'theme' must not be empty") }
            config.theme = theme.contains("/") ? resolve(theme, folder: folder("theme"), environment: environment) : theme
        }
        if let maxSpans = try top.integer("max_spans") {
            guard maxSpans > 0 else { throw top.error("max_spans", "'max_spans' must be positive") }
            config.maxSpans = maxSpans
        }
        if let prices = try top.string("prices", "a path") {
            guard !prices.isEmpty else { throw top.error("prices", "'prices' must not be empty") }
            config.prices = resolve(prices, folder: folder("prices"), environment: environment)
        }
        if let budget = try top.number("budget", "a number (USD per day)") {
            guard budget > 0, budget.isFinite else { throw top.error("budget", "'budget' must be a positive amount in USD") }
            config.budgetUSD = budget
        }
        if let history = try top.string("history", "a path, or \"off\"") {
            guard !history.isEmpty else { throw top.error("history", "'history' takes a path, or \"off\"") }
            config.history = history == "off" ? history : resolve(history, folder: folder("history"), environment: environment)
        }
        if let days = try top.integer("history_days", "a number of days") {
            guard days >= 1 else { throw top.error("history_days", "'history_days' must be at least 1") }
            config.historyDays = days
        }
        if let logFile = try top.string("log_file", "a path") {
            guard !logFile.isEmpty else { throw top.error("log_file", "'log_file' must not be empty") }
            config.logFile = resolve(logFile, folder: folder("log_file"), environment: environment)
        }
        if let logLevel = try top.string("log_level", "a level") {
            guard logLevels.contains(logLevel) else {
                throw top.error("log_level", "'log_level' is one of \(logLevels.joined(separator: ", ")); got \"\(logLevel)\"")
            }
            config.logLevel = logLevel
        }
        config.windows = try windows(&top)
        if var alerts = try top.subtable("alerts") {
            config.alerts = try Self.alerts(&alerts)
        }
        if var keys = try top.subtable("keys", "a table of action = [\"key\", …]") {
            for action in keys.allKeys() {
                guard let names = try keys.strings(action, "a list of key names"), !names.isEmpty,
                      names.allSatisfy({ !$0.isEmpty }) else {
                    throw keys.error(action, "'\(keys.name(action))' must list at least one key name")
                }
                config.keyOverrides[action] = names
            }
        }
        try top.finish(expected: topKeys)
        return config
    }

    private static func port(_ table: inout TableReader, _ key: String) throws(ConfigFileError) -> Int? {
        guard let port = try table.integer(key, "a port number") else { return nil }
        guard (0...65535).contains(port) else { throw table.error(key, "'\(key)' must be between 0 and 65535") }
        return port
    }

    private static func alerts(_ table: inout TableReader) throws(ConfigFileError) -> Alerts {
        var alerts = Alerts()
        func percent(_ key: String) throws(ConfigFileError) -> Double? {
            guard let value = try table.number(key, "a percentage") else { return nil }
            guard (0...100).contains(value) else {
                throw table.error(key, "'\(table.name(key))' is a percentage between 0 and 100")
            }
            return value
        }
        alerts.truncationPercent = try percent("truncation")
        alerts.retriesPercent = try percent("retries")
        alerts.errorsPercent = try percent("errors")
        if let clear = try percent("clear_at") {
            guard clear > 0 else { throw table.error("clear_at", "'alerts.clear_at' must be above 0") }
            alerts.clearPercent = clear
        }
        if let calls = try table.integer("min_calls") {
            guard calls >= 1 else { throw table.error("min_calls", "'alerts.min_calls' must be at least 1") }
            alerts.minimumCalls = calls
        }
        try table.finish(expected: alertKeys)
        return alerts
    }

    private static func windows(_ table: inout TableReader) throws(ConfigFileError) -> Windows {
        var windows = Windows()
        func length(_ key: String, _ text: String) throws(ConfigFileError) -> Int {
            guard let seconds = WindowLength.seconds(text) else {
                throw table.error(key, "'\(key)': \"\(text)\" is not a duration like \"30s\", \"5m\" or \"1h\"")
            }
            guard WindowLength.allowedSeconds.contains(seconds) else {
                throw table.error(key, "'\(key)': \"\(text)\" is outside 10s to 24h")
            }
            return seconds
        }
        if let texts = try table.strings("windows", "a list of durations like [\"1m\", \"5m\", \"1h\"]") {
            guard (1...WindowLength.maximumCount).contains(texts.count) else {
                throw table.error("windows", "'windows' takes 1 to \(WindowLength.maximumCount) durations")
            }
            var seconds: [Int] = []
            for text in texts {
                let value = try length("windows", text)
                guard !seconds.contains(value) else { throw table.error("windows", "'windows' names \"\(text)\" twice") }
                seconds.append(value)
            }
            windows.seconds = seconds.sorted()
        }
        let available = windows.seconds ?? [60, 300, 3600]
        func chosen(_ key: String) throws(ConfigFileError) -> Int? {
            guard let text = try table.string(key, "one of the windows, e.g. \"5m\"") else { return nil }
            let value = try length(key, text)
            guard available.contains(value) else {
                throw table.error(key, "'\(key)' must be one of the windows (\(available.map(label).joined(separator: ", ")))")
            }
            return value
        }
        windows.burnSeconds = try chosen("burn_window")
        windows.costSeconds = try chosen("cost_window")
        if try table.string("quality_window", "\"start\" or one of the windows") == "start" {
            windows.qualitySinceStart = true
        } else {
            windows.qualitySeconds = try chosen("quality_window")
        }
        return windows
    }

    /// `90` → `1m30s`.
    public static func label(_ seconds: Int) -> String {
        var text = ""
        if seconds >= 3600 { text += "\(seconds / 3600)h" }
        if seconds % 3600 >= 60 { text += "\(seconds % 3600 / 60)m" }
        if seconds % 60 > 0 || seconds == 0 { text += "\(seconds % 60)s" }
        return text
    }

    /// `~/x` from home, relative paths from the config file's folder.
    private static func resolve(_ path: String, folder: String, environment: [String: String]) -> String {
        if path.hasPrefix("~/"), let home = environment["HOME"] { return home + path.dropFirst() }
        if path.hasPrefix("/") || folder.isEmpty { return path }
        return folder + "/" + path
    }
}

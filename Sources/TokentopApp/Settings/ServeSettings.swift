import CanvasKit
import Config
import Foundation
import History
import Ingest
import Semantics
import Store
import Views
import Telemetry

/// Everything a run of the server needs, resolved once: command-line flags over the `TOKENTOP_*`
/// variables over the configuration file over the defaults. Each default is written once, here or in
/// the type it configures.
public struct ServeSettings: Sendable {
    /// What tokentop takes before it stores anything (code, receivers, histograms), measured at start.
    public static let processBaselineMB = 96
    public static let defaultTheme = "default"
    public static let defaultLogLevel = "info"

    public var folders: TokentopFolders

    // Receivers
    public var listen: String
    public var grpcPort: Int
    public var httpPort: Int
    public var token: BearerToken?
    public var tls: ServerTLS?
    public var cors: CORSPolicy
    public var maxConnections: Int
    public var requestTimeout: Duration
    public var idleTimeout: Duration
    public var maxRequestBytes: Int
    public var maxValueDepth: Int
    public var recordLimits: RecordLimits

    // How it runs
    public var headless: Bool
    public var json: Bool
    public var discard: Bool
    public var demo: Bool

    // Other sources
    public var follow: String?
    public var record: String?
    public var replay: String?
    public var replaySpeed: Double

    // Cost and alerts
    public var budgetUSD: Double?
    public var prices: PriceSources
    public var priceTable: PriceTable
    public var alertThresholds: AlertThresholds
    public var onAlert: String?
    public var failOnAlert: Bool

    // Spend history: nil keeps none.
    public var historyPath: String?
    public var historyDays: Int

    // Memory
    public var maxSpans: Int
    public var maxMemoryMB: Int?

    // Forwarding
    public var forward: [ForwardDestination]
    public var forwardQueueBytes: Int

    public var prometheus: HostAndPort?

    // Screen
    /// The theme to start with first, then the others `t` cycles through.
    public var themes: [Theme]
    public var keys: KeyTable
    public var windowSettings: WindowSettings

    // Logs
    /// nil: standard error when headless, nowhere with the screen.
    public var logFile: String?
    /// A file named (by flag or config) must open; the default one is a convenience.
    public var logFileNamed: Bool
    public var logLevel: String

    /// `config` is the file's settings with the environment's over them (`TokentopConfig.load`).
    public static func resolve(_ flags: ServeFlags, config: TokentopConfig,
                               environment: [String: String]) throws(SettingsError) -> ServeSettings {
        let folders = TokentopFolders(environment: environment)
        let token = try bearerToken(flags.token, environment: environment)
        let listen = flags.listen ?? config.listen ?? OTLPPorts.loopbackHost
        let prometheus = try (flags.prometheus ?? config.prometheus).map { text throws(SettingsError) in
            try HostAndPort(parsing: text, flag: "--prometheus")
        }
        if token == nil && !flags.insecureListen {
            let exposed = [("--listen", listen)] + (prometheus.map { [("--prometheus", $0.host)] } ?? [])
            if let (flag, host) = exposed.first(where: { !LoopbackHost.contains($0.1) }) {
                throw .usage("\(flag) \(host) is reachable from other machines: add --token (or TOKENTOP_TOKEN), "
                             + "or --insecure-listen to accept unauthenticated telemetry")
            }
        }
        let prices = PriceSources(named: flags.prices ?? config.prices, folders: folders)
        let keys: KeyTable
        do { keys = try config.overriddenKeys() } catch { throw .configuration(error.message) }
        var shared: [(String, String)] = []
        if flags.forwardEnvironmentHeaders, let text = environment["OTEL_EXPORTER_OTLP_HEADERS"] {
            shared = ForwardHeaders.parse(environment: text)
        }
        let logFile = flags.logFile ?? config.logFile
        return ServeSettings(
            folders: folders,
            listen: listen,
            grpcPort: flags.grpcPort ?? config.grpcPort ?? OTLPPorts.grpc,
            httpPort: flags.httpPort ?? config.httpPort ?? OTLPPorts.http,
            token: token,
            tls: try serverTLS(certificate: flags.tlsCertificate, key: flags.tlsKey),
            cors: try corsPolicy(flags.corsOrigins),
            maxConnections: flags.maxConnections,
            requestTimeout: .milliseconds(Int64(flags.requestTimeoutSeconds * 1000)),
            idleTimeout: .milliseconds(Int64(flags.idleTimeoutSeconds * 1000)),
            maxRequestBytes: flags.maxRequestBytes,
            maxValueDepth: flags.maxValueDepth,
            recordLimits: flags.recordLimits,
            headless: flags.headless, json: flags.json, discard: flags.discard, demo: flags.demo,
            follow: flags.follow, record: flags.record, replay: flags.replay, replaySpeed: flags.replaySpeed,
            budgetUSD: flags.budgetUSD ?? config.budgetUSD,
            prices: prices,
            priceTable: try prices.table(),
            alertThresholds: alertThresholds(truncation: flags.truncationAlertPercent, retries: flags.retryAlertPercent,
                                             errors: flags.errorAlertPercent, config: config.alerts),
            onAlert: flags.onAlert,
            failOnAlert: flags.failOnAlert,
            // The demo's made-up calls stay out of the spend history unless a file is named for them.
            historyPath: flags.discard || (flags.demo && flags.history == nil) ? nil
                : historyPath(flags.history, noHistory: flags.noHistory, config: config, folders: folders),
            historyDays: historyDays(flags.historyDays, config: config),
            maxSpans: flags.maxSpans ?? config.maxSpans ?? StoreLimits.defaultMaxSpans,
            maxMemoryMB: flags.maxMemoryMB,
            forward: flags.forward.map { $0.adding(shared: shared) },
            forwardQueueBytes: flags.forwardQueueMB << 20,
            prometheus: prometheus,
            themes: try themes(asked: flags.theme ?? config.theme, folders: folders),
            keys: keys,
            windowSettings: config.windowSettings,
            logFile: logFile ?? (flags.headless ? nil : folders.log),
            logFileNamed: logFile != nil,
            logLevel: flags.logLevel ?? config.logLevel ?? defaultLogLevel)
    }

    /// The token from `--token`, else from `TOKENTOP_TOKEN`.
    public static func bearerToken(_ flag: String?, environment: [String: String]) throws(SettingsError) -> BearerToken? {
        guard let text = flag ?? environment["TOKENTOP_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        guard let parsed = BearerToken(text) else { throw .usage("--token must be printable ASCII without spaces") }
        return parsed
    }

    public static func corsPolicy(_ origins: [String]) throws(SettingsError) -> CORSPolicy {
        do { return try CORSPolicy(addingOrigins: origins) } catch { throw .usage(error.description) }
    }

    /// The loaded certificate and key, or nil without `--tls-cert`.
    static func serverTLS(certificate: String?, key: String?) throws(SettingsError) -> ServerTLS? {
        guard let certificate, let key else { return nil }
        do { return try ServerTLS(certificatePath: certificate, privateKeyPath: key) } catch { throw .usage(error.description) }
    }

    /// Flags (in percent) over the file's `[alerts]` over the standard thresholds.
    public static func alertThresholds(truncation: Double?, retries: Double?, errors: Double?,
                                       config: TokentopConfig.Alerts) -> AlertThresholds {
        let standard = AlertThresholds()
        return AlertThresholds(
            truncation: (truncation ?? config.truncationPercent).map { $0 / 100 } ?? standard.truncation,
            retries: (retries ?? config.retriesPercent).map { $0 / 100 } ?? standard.retries,
            errors: (errors ?? config.errorsPercent).map { $0 / 100 },
            minimumCalls: config.minimumCalls ?? standard.minimumCalls,
            clearFraction: config.clearPercent.map { $0 / 100 } ?? standard.clearFraction)
    }

    /// The history file, or nil when it is off (`--no-history`, or `history = "off"` in the file).
    public static func historyPath(_ flag: String?, noHistory: Bool, config: TokentopConfig,
                                   folders: TokentopFolders) -> String? {
        if noHistory { return nil }
        if let flag { return flag }
        if let configured = config.history { return configured == "off" ? nil : configured }
        return folders.history
    }

    public static func historyDays(_ flag: Int?, config: TokentopConfig) -> Int {
        flag ?? config.historyDays ?? HistoryLocation.defaultRetentionDays
    }

    /// The theme asked for (by flag or file; it must load), else the one remembered (forgotten quietly
    /// when gone since), else the default; then the built-in and the user's themes for `t`.
    static func themes(asked: String?, folders: TokentopFolders) throws(SettingsError) -> [Theme] {
        let userFolder = folders.userThemes
        let chosen: Theme
        do {
            chosen = try asked.map { name throws(ThemeError) in try Theme.load(name, userFolder: userFolder) }
                ?? RememberedTheme(folders: folders).name.flatMap { try? Theme.load($0, userFolder: userFolder) }
                ?? Theme.load(defaultTheme)
        } catch {
            throw .usage("\(error)")
        }
        return [chosen] + (Theme.builtin + Theme.user(in: userFolder)).filter { $0.name != chosen.name }
    }
}

extension TokentopConfig {
    /// The windows the file chose, over the standard ones.
    public var windowSettings: WindowSettings {
        let standard = WindowSettings.standard
        return WindowSettings(windows: windows.seconds?.map(UsageWindows.Window.init(seconds:)) ?? standard.windows,
                              burn: windows.burnSeconds.map(UsageWindows.Window.init(seconds:)),
                              cost: windows.costSeconds.map(UsageWindows.Window.init(seconds:)),
                              quality: windows.qualitySeconds.map(UsageWindows.Window.init(seconds:)))
    }

    /// The `[keys]` table applied to the standard key table; a bad binding is a configuration error.
    func overriddenKeys() throws(SettingsError) -> KeyTable {
        guard !keyOverrides.isEmpty else { return .standard }
        do {
            return try KeyTable.standard.overriding(keyOverrides)
        } catch {
            throw .configuration("\(file ?? "config"): [keys]: \(error)")
        }
    }
}

/// `127.0.0.1:9464`, `[::1]:9464` or `:9464` (loopback).
public struct HostAndPort: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(parsing text: String, flag: String) throws(SettingsError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw .usage("\(flag) takes HOST:PORT, e.g. \(OTLPPorts.loopbackHost):9464")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? OTLPPorts.loopbackHost : host
        self.port = port
    }
}

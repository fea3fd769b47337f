import TokentopApp
import ArgumentParser
import Config
import Foundation
import History
import Ingest
import Store
import Synchronization
import Terminal
import CanvasKit
import Views

/// The default command: receivers plus the live screen, or `--headless`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Receive OTLP and show it live (the default command).")

    @OptionGroup(title: "Receivers") var receiver: ReceiverAddressOptions

    @OptionGroup(title: "Receivers") var exposure: ExposureOptions

    @OptionGroup(title: "Receivers") var connections: ConnectionOptions

    @OptionGroup(title: "Without the screen") var mode: ModeOptions

    @OptionGroup(title: "Other sources") var sources: SourceOptions

    @OptionGroup(title: "Other sources") var recordReplay: RecordReplayOptions

    @OptionGroup(title: "Cost and alerts") var cost: CostOptions

    @OptionGroup(title: "Cost and alerts") var prices: PricesOption

    @OptionGroup(title: "Cost and alerts") var alertOptions: AlertOptions

    @OptionGroup(title: "Cost and alerts") var alertHooks: AlertHookOptions

    @OptionGroup(title: "Spend history") var historyOptions: HistoryOptions

    @OptionGroup(title: "Memory and limits") var storage: StorageOptions

    @OptionGroup(title: "Memory and limits") var limits: LimitOptions

    @OptionGroup(title: "Forwarding") var forwarding: ForwardOptions

    @OptionGroup(title: "Prometheus") var prometheusOption: PrometheusOption

    @OptionGroup(title: "Screen, settings and logs") var screen: ScreenOptions

    @OptionGroup(title: "Screen, settings and logs") var configOption: ConfigOption

    @OptionGroup(title: "Screen, settings and logs") var logOptions: LogOptions

    var headless: Bool { mode.headless }
    var json: Bool { mode.json }
    var discard: Bool { mode.discard }
    var demo: Bool { mode.demo }
    var follow: String? { sources.follow }
    var theme: String? { screen.theme }
    var maxSpans: Int? { storage.maxSpans }
    var maxMemory: Int? { storage.maxMemory }
    var maxRequestBytes: Int { storage.maxRequestBytes }
    var maxValueDepth: Int { storage.maxValueDepth }
    var budget: Double? { cost.budget }
    var prometheus: String? { prometheusOption.prometheus }

    func validate() throws {
        if let prometheus { _ = try resolving { () throws(SettingsError) in try HostAndPort(parsing: prometheus, flag: "--prometheus") } }
        guard (maxSpans ?? 1) > 0, maxRequestBytes > 0 else { throw ValidationError("limits must be positive") }
        guard ValueDepthLimit.range.contains(maxValueDepth) else {
            throw ValidationError("--max-value-depth must be between \(ValueDepthLimit.range.lowerBound) and \(ValueDepthLimit.range.upperBound)")
        }
        if let maxMemory, maxMemory < 2 * ServeSettings.processBaselineMB {
            throw ValidationError("--max-memory must be at least \(2 * ServeSettings.processBaselineMB) MB")
        }
        if json && !headless { throw ValidationError("--json goes with --headless") }
        if discard && (!headless || demo || follow != nil) { throw ValidationError("--discard goes with --headless only") }
        if let budget, !(budget > 0 && budget.isFinite) { throw ValidationError("--budget must be a positive amount in USD") }
        _ = try resolving { () throws(SettingsError) in
            try ServeSettings.bearerToken(exposure.token, environment: ProcessInfo.processInfo.environment)
        }
    }

    /// The flags as parsed, for `ServeSettings` to put the environment, the file and the defaults under.
    func flags() throws -> ServeFlags {
        var flags = ServeFlags()
        flags.listen = receiver.listen
        flags.grpcPort = receiver.grpcPort
        flags.httpPort = receiver.httpPort
        flags.token = exposure.token
        flags.insecureListen = exposure.insecureListen
        flags.tlsCertificate = exposure.tlsCert
        flags.tlsKey = exposure.tlsKey
        flags.corsOrigins = exposure.corsOrigins
        flags.maxConnections = connections.maxConnections
        flags.requestTimeoutSeconds = connections.requestTimeout
        flags.idleTimeoutSeconds = connections.idleTimeout
        flags.maxRequestBytes = maxRequestBytes
        flags.maxValueDepth = maxValueDepth
        flags.recordLimits = limits.recordLimits
        flags.headless = headless
        flags.json = json
        flags.discard = discard
        flags.demo = demo
        flags.follow = follow
        flags.record = recordReplay.record
        flags.replay = recordReplay.replay
        flags.replaySpeed = recordReplay.speed
        flags.budgetUSD = budget
        flags.prices = prices.prices
        flags.truncationAlertPercent = alertOptions.truncationAlert
        flags.retryAlertPercent = alertOptions.retryAlert
        flags.errorAlertPercent = alertOptions.errorAlert
        flags.onAlert = alertHooks.onAlert
        flags.failOnAlert = alertHooks.failOnAlert
        flags.history = historyOptions.history
        flags.noHistory = historyOptions.noHistory
        flags.historyDays = historyOptions.historyDays
        flags.maxSpans = maxSpans
        flags.maxMemoryMB = maxMemory
        flags.forward = try forwarding.destinations()
        flags.forwardEnvironmentHeaders = forwarding.sendsEnvironmentHeaders
        flags.forwardQueueMB = forwarding.forwardQueueMb
        flags.prometheus = prometheus
        flags.theme = theme
        flags.logFile = logOptions.logFile
        flags.logLevel = logOptions.logLevel
        return flags
    }

    func run() async throws {
        let config = try configOption.loadOrExit()
        let environment = ProcessInfo.processInfo.environment
        let flags = try flags()
        let settings = try resolving { () throws(SettingsError) in
            try ServeSettings.resolve(flags, config: config, environment: environment)
        }
        let notices = try resolving { () throws(SettingsError) in try LogSetup.start(settings) }
        let capability = ColorCapability.detect(environment: environment)
        let session = ServeSession(settings: settings, notices: notices) { theme in
            try CursesTerminal(theme: theme, capability: capability)
        }
        do {
            try await session.run()
        } catch let status as ExitStatus {
            throw ExitCode(status.code)
        } catch let error as SettingsError {
            throw error.reported
        }
    }
}

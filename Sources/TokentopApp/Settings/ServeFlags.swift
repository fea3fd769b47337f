import Ingest

/// What the command line said, parsed and checked but not yet merged with anything: nil (or empty)
/// where no flag was given. `ServeSettings.resolve` puts the environment, the file and the defaults
/// under it.
public struct ServeFlags: Sendable {
    // Receivers
    public var listen: String?
    public var grpcPort: Int?
    public var httpPort: Int?
    public var token: String?
    public var insecureListen = false
    public var tlsCertificate: String?
    public var tlsKey: String?
    public var corsOrigins: [String] = []
    public var maxConnections = OTLPServers.Configuration.defaultMaxConnections
    public var requestTimeoutSeconds = OTLPServers.Configuration.defaultRequestTimeoutSeconds
    public var idleTimeoutSeconds = OTLPServers.Configuration.defaultIdleTimeoutSeconds
    public var maxRequestBytes = OTLPDecoder.defaultMaxBytes
    public var maxValueDepth = ValueDepthLimit.default
    public var recordLimits = RecordLimits.standard

    // How it runs
    public var headless = false
    public var json = false
    public var discard = false
    public var demo = false

    // Other sources
    public var follow: String?
    public var record: String?
    public var replay: String?
    public var replaySpeed = 1.0

    // Cost and alerts
    public var budgetUSD: Double?
    public var prices: String?
    public var truncationAlertPercent: Double?
    public var retryAlertPercent: Double?
    public var errorAlertPercent: Double?
    public var onAlert: String?
    public var failOnAlert = false

    // Spend history
    public var history: String?
    public var noHistory = false
    public var historyDays: Int?

    // Memory
    public var maxSpans: Int?
    public var maxMemoryMB: Int?

    // Forwarding: the targets with their own headers, in command-line order.
    public var forward: [ForwardDestination] = []
    public var forwardEnvironmentHeaders = false
    public var forwardQueueMB = Forwarder.Policy().queueBytes >> 20

    public var prometheus: String?

    // Screen, settings and logs
    public var theme: String?
    public var logFile: String?
    public var logLevel: String?

    public init() {}
}

import TokentopApp
import ArgumentParser
import Ingest
import Store

/// `--headless`, `--json`, `--discard` and `--demo`: how the server runs.
struct ModeOptions: ParsableArguments {
    @Flag(name: .long, help: "No screen: log a status line per second to stderr, print the summary on SIGINT/SIGTERM.")
    var headless = false

    @Flag(name: .long, help: "With --headless: print the summary as JSON.")
    var json = false

    @Flag(name: .long, help: "With --headless: decode every request and drop it, storing nothing (a benchmark baseline).")
    var discard = false

    @Flag(name: .long, help: ArgumentHelp(
        "Play synthetic traffic from made-up agents and apps through the receivers, to see every pane alive.",
        discussion: "Its resources carry service.namespace=\(DemoTraffic.namespace); the header says demo."))
    var demo = false
}

/// `--follow`: telemetry from a file or standard input besides the receivers.
struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Also read a growing OTLP/JSON-lines file (collector file exporter), through rotation, or - for stdin.",
        valueName: "file"))
    var follow: String?
}

/// `--budget`.
struct CostOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Daily budget in USD: the header shows today's spend against it and warns when it is spent or will be at the current pace.",
        valueName: "usd"))
    var budget: Double?
}

/// How much is kept, and how large a request may be.
struct StorageOptions: ParsableArguments {
    @Option(name: .long, help: "Keep at most this many spans (default \(StoreLimits.defaultMaxSpans)); whole oldest traces are evicted past it.")
    var maxSpans: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Keep the resident size under this many MB: whole oldest traces are evicted to make room. The store starts with the MB less \(ServeSettings.processBaselineMB) for the process itself, and its share follows the resident size, measured ten times a second.",
        valueName: "mb"))
    var maxMemory: Int?

    @Option(name: .long, help: "Largest accepted request body in bytes, before and after gzip.")
    var maxRequestBytes = OTLPDecoder.defaultMaxBytes

    @Option(name: .long, help: ArgumentHelp(
        "Levels an attribute value (arrays and maps in arrays and maps) may nest; a request nesting deeper is refused as malformed (\(ValueDepthLimit.range.lowerBound)-\(ValueDepthLimit.range.upperBound)).",
        valueName: "levels"))
    var maxValueDepth = ValueDepthLimit.default
}

/// `--prometheus`.
struct PrometheusOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Serve Prometheus metrics at http://HOST:PORT/metrics (off by default): cost, token and duration series by model.",
        valueName: "host:port"))
    var prometheus: String?
}

/// `--theme`.
struct ScreenOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Theme: default, light, high-contrast, mono, a theme in $XDG_CONFIG_HOME/tokentop/themes/, or a path to a .theme file.",
        valueName: "name"))
    var theme: String?
}

import TokentopApp
import ArgumentParser
import Ingest

/// Bounds on what one record may carry; past them entries are dropped and strings cut, and counted.
struct LimitOptions: ParsableArguments {
    @Option(name: .long, help: "Attributes kept per span, event, link and log record (and elements per array or map value).")
    var maxAttributes = RecordLimits.standard.maxAttributes

    @Option(name: .long, help: "Events kept per span.")
    var maxEvents = RecordLimits.standard.maxEvents

    @Option(name: .long, help: "Links kept per span.")
    var maxLinks = RecordLimits.standard.maxLinks

    @Option(name: .long, help: "Bytes kept of one attribute value; longer values end with a visible …[cut: N bytes] mark.")
    var maxValueBytes = RecordLimits.standard.maxValueBytes

    func validate() throws {
        guard maxAttributes > 0, maxEvents >= 0, maxLinks >= 0, maxValueBytes >= 64 else {
            throw ValidationError("--max-attributes must be at least 1, --max-value-bytes at least 64, and --max-events/--max-links not negative")
        }
    }

    var recordLimits: RecordLimits {
        RecordLimits(maxAttributes: maxAttributes, maxEvents: maxEvents, maxLinks: maxLinks, maxValueBytes: maxValueBytes)
    }
}

/// Bounds on connections to the receivers.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Open connections per receiver; past it new ones get 503 (HTTP) or are closed (gRPC).")
    var maxConnections = 256

    @Option(name: .long, help: ArgumentHelp("An OTLP/HTTP request must arrive whole within this many seconds of its first byte, else 408.",
                                            valueName: "seconds"))
    var requestTimeout = 30.0

    @Option(name: .long, help: ArgumentHelp("Close a connection idle for this many seconds.", valueName: "seconds"))
    var idleTimeout = 120.0

    func validate() throws {
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1") }
        guard requestTimeout > 0, requestTimeout.isFinite, idleTimeout > 0, idleTimeout.isFinite else {
            throw ValidationError("--request-timeout and --idle-timeout must be positive numbers of seconds")
        }
    }

    func apply(to configuration: inout OTLPServers.Configuration) {
        configuration.maxConnections = maxConnections
        configuration.requestTimeout = .milliseconds(Int64(requestTimeout * 1000))
        configuration.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
    }
}

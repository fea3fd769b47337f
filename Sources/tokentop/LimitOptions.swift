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

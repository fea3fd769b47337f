import TokentopApp
import ArgumentParser
import Foundation
import Ingest

/// `--record FILE` and `--replay FILE [--speed N]`.
struct RecordReplayOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Append every accepted request to FILE as OTLP/JSON lines (the collector file exporter's format).",
        valueName: "file"))
    var record: String?

    @Option(name: .long, help: ArgumentHelp(
        "Play FILE (OTLP/JSON lines, or any file report reads) with its original pacing, times moved to now.",
        valueName: "file"))
    var replay: String?

    @Option(name: .long, help: ArgumentHelp("With --replay: play N times faster (0 = all at once).", valueName: "n"))
    var speed = 1.0

    func validate() throws {
        guard speed >= 0, speed.isFinite else { throw ValidationError("--speed must be 0 or more") }
        if let record, record == replay { throw ValidationError("--record and --replay must name different files") }
    }
}

import Foundation
import Ingest
import Semantics
import Telemetry

/// Which forward upstreams started failing, told at most once every 30 seconds each while they keep failing.
public struct ForwardFailures {
    private var told: [String: (failed: Int, at: ContinuousClock.Instant)] = [:]

    public init() {}

    public mutating func news(_ upstreams: [UpstreamCounters], now: ContinuousClock.Instant) -> [String] {
        upstreams.compactMap { upstream in
            let previous = told[upstream.target]
            guard upstream.failedRequests > (previous?.failed ?? 0),
                  previous.map({ now - $0.at >= .seconds(30) }) ?? true else { return nil }
            told[upstream.target] = (upstream.failedRequests, now)
            return "forward to \(upstream.target) failing (\(upstream.failedRequests) requests given up)"
                + (upstream.lastError.map { ": \($0)" } ?? "")
        }
    }
}

import Foundation

/// An alert as `--on-alert` and `--fail-on-alert` see it: the quality alerts the screen shows, and the
/// daily budget once today's spend reaches it.
public struct FiringAlert: Sendable, Equatable {
    public enum Unit: String, Sendable {
        /// A rate between 0 and 1 (shown as a percentage).
        case ratio
        case usd
    }

    public var name: String
    public var value: Double
    public var threshold: Double
    public var unit: Unit
    /// When it started firing (Unix nanoseconds).
    public var sinceNanos: UInt64

    public init(name: String, value: Double, threshold: Double, unit: Unit, sinceNanos: UInt64) {
        self.name = name
        self.value = value
        self.threshold = threshold
        self.unit = unit
        self.sinceNanos = sinceNanos
    }

    /// One line for people: `truncation 7.0% (alert above 5%)`, `budget $25.10 spent today (budget $25.00)`.
    public var message: String {
        switch unit {
        case .ratio: "\(name) \(Self.percent(value)) (alert above \(Self.percent(threshold)))"
        case .usd: "\(name) $\(String(format: "%.2f", value)) spent today (budget $\(String(format: "%.2f", threshold)))"
        }
    }

    /// The value as a hook gets it: a percentage for rates, dollars for the budget.
    public var valueText: String { unit == .ratio ? Self.number(value * 100) : Self.number(value) }
    public var thresholdText: String { unit == .ratio ? Self.number(threshold * 100) : Self.number(threshold) }

    private static func percent(_ ratio: Double) -> String { number(ratio * 100) + "%" }

    private static func number(_ value: Double) -> String {
        let text = String(format: "%.4f", value)
        let trimmed = text.contains(".") ? String(text.reversed().drop { $0 == "0" }.reversed()) : text
        return trimmed.hasSuffix(".") ? String(trimmed.dropLast()) : trimmed
    }
}

extension TraceStore {
    /// The alerts firing now: the live monitor's, and `budget` once today's spend reaches `budgetUSD`.
    public func firingAlerts(nowNanos: UInt64, budgetUSD: Double?) -> [FiringAlert] {
        var firing = alerts.active.map {
            FiringAlert(name: $0.name, value: $0.value, threshold: $0.threshold, unit: .ratio, sinceNanos: $0.sinceNanos)
        }
        if let budgetUSD {
            let spent = burn(nowNanos: nowNanos).spentTodayUSD
            if spent >= budgetUSD {
                firing.append(FiringAlert(name: "budget", value: spent, threshold: budgetUSD, unit: .usd, sinceNanos: nowNanos))
            }
        }
        return firing
    }
}

/// Successive sets of firing alerts turned into what changed: an alert fired, or cleared.
public struct AlertTransitions: Sendable {
    public enum Change: Sendable, Equatable {
        case fired(FiringAlert)
        case cleared(FiringAlert)

        public var alert: FiringAlert {
            switch self {
            case .fired(let alert), .cleared(let alert): alert
            }
        }
    }

    private var firing: [String: FiringAlert] = [:]
    /// Every alert that fired since start, in the order it first fired.
    public private(set) var everFired: [String] = []

    public init() {}

    public mutating func update(_ current: [FiringAlert]) -> [Change] {
        var changes: [Change] = []
        var next: [String: FiringAlert] = [:]
        for var alert in current {
            if let previous = firing[alert.name] {
                alert.sinceNanos = previous.sinceNanos
            } else {
                changes.append(.fired(alert))
                if !everFired.contains(alert.name) { everFired.append(alert.name) }
            }
            next[alert.name] = alert
        }
        for (name, alert) in firing.sorted(by: { $0.key < $1.key }) where next[name] == nil {
            changes.append(.cleared(alert))
        }
        firing = next
        return changes
    }
}

/// The seed's quality alerts, live: truncation above 5 % and retries above 10 % of LLM calls. An alert
/// fires once enough calls were seen and the rate passes its threshold, and clears only when the rate
/// falls below `clearFraction` of it, so a rate hovering at the line does not flap.
public struct AlertMonitor: Sendable {
    public struct Rule: Sendable, Equatable {
        public var name: String
        public var threshold: Double
        /// The alert clears below `threshold × clearFraction`.
        public var clearFraction: Double
        /// Fewer calls than this say nothing yet.
        public var minimumCalls: Int

        public init(name: String, threshold: Double, clearFraction: Double = 0.8, minimumCalls: Int = 20) {
            self.name = name
            self.threshold = threshold
            self.clearFraction = clearFraction
            self.minimumCalls = minimumCalls
        }
    }

    /// A firing alert and when it started.
    public struct Active: Sendable, Equatable {
        public var name: String
        public var value: Double
        public var threshold: Double
        public var sinceNanos: UInt64
    }

    public static let seedRules = rules(AlertThresholds())

    public static func rules(_ thresholds: AlertThresholds) -> [Rule] {
        let named = [("truncation", thresholds.truncation), ("retries", thresholds.retries)]
            + (thresholds.errors.map { [("errors", $0)] } ?? [])
        return named.map { Rule(name: $0.0, threshold: $0.1, clearFraction: thresholds.clearFraction,
                                minimumCalls: thresholds.minimumCalls) }
    }

    public func threshold(_ name: String) -> Double? { rules.first { $0.name == name }?.threshold }

    public let rules: [Rule]
    public private(set) var active: [Active] = []

    public init(rules: [Rule] = AlertMonitor.seedRules) {
        self.rules = rules
    }

    /// `rates` by rule name, with how many calls each rate is over.
    /// `clearWhenTooFewCalls`: over a sliding window, too few calls clear a firing alert (the calls
    /// that raised it have left the window); since start, they only mean nothing is known yet.
    mutating func evaluate(_ rates: [String: (rate: Double, calls: Int)], nowNanos: UInt64,
                           clearWhenTooFewCalls: Bool = false) {
        for rule in rules {
            guard let (rate, calls) = rates[rule.name], calls >= rule.minimumCalls else {
                if clearWhenTooFewCalls { active.removeAll { $0.name == rule.name } }
                continue
            }
            if let index = active.firstIndex(where: { $0.name == rule.name }) {
                if rate < rule.threshold * rule.clearFraction {
                    active.remove(at: index)
                } else {
                    active[index].value = rate
                }
            } else if rate > rule.threshold {
                active.append(Active(name: rule.name, value: rate, threshold: rule.threshold, sinceNanos: nowNanos))
            }
        }
    }
}

/// Where the quality alerts fire: the article's 5 % truncation and 10 % retries unless set otherwise;
/// an error-rate alert only when one is set.
public struct AlertThresholds: Sendable, Equatable {
    public var truncation: Double
    public var retries: Double
    public var errors: Double?
    /// Fewer calls than this say nothing yet.
    public var minimumCalls: Int
    /// A firing alert clears below `threshold × clearFraction`.
    public var clearFraction: Double

    public init(truncation: Double = 0.05, retries: Double = 0.10, errors: Double? = nil, minimumCalls: Int = 20,
                clearFraction: Double = 0.8) {
        self.truncation = truncation
        self.retries = retries
        self.errors = errors
        self.minimumCalls = minimumCalls
        self.clearFraction = clearFraction
    }
}

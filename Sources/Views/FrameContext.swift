import CanvasKit
/// Where the receivers listen, as shown in the header and the empty state (`127.0.0.1:4318`); nil when off.
public struct ListenEndpoints: Sendable, Hashable {
    public var grpc: String?
    public var http: String?
    public init(grpc: String? = nil, http: String? = nil) {
        self.grpc = grpc
        self.http = http
    }
}

/// Facts about the world outside the snapshot that a frame shows.
public struct FrameContext: Sendable {
    public var endpoints: ListenEndpoints
    /// Offset applied to show start times in local time (see `LocalTime`).
    public var utcOffsetSeconds: Int
    public var keys: KeyTable
    /// `--budget`: USD per day; the header shows spend against it and raises the alarm.
    public var dailyBudgetUSD: Double?
    /// While the screen is paused: spans received since, so the header can say what is waiting.
    public var arrivedWhilePaused: Int?
    /// `--demo`: the data on screen is synthetic, and the header says so.
    public var isDemo = false

    public init(endpoints: ListenEndpoints, utcOffsetSeconds: Int = 0, keys: KeyTable = .standard,
                dailyBudgetUSD: Double? = nil) {
        self.endpoints = endpoints
        self.utcOffsetSeconds = utcOffsetSeconds
        self.keys = keys
        self.dailyBudgetUSD = dailyBudgetUSD
    }
}

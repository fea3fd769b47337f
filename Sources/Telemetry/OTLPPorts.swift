/// OTLP's registered ports: where exporters send by default, and where tokentop listens unless told.
public enum OTLPPorts {
    public static let grpc = 4317
    public static let http = 4318
    /// Where a receiver listens unless told: loopback, reachable from this machine only.
    public static let loopbackHost = "127.0.0.1"
}

import Foundation

/// Headers for forwarded requests: `--forward-header NAME=VALUE`, and `OTEL_EXPORTER_OTLP_HEADERS`
/// (`k1=v1,k2=v2`, values percent-decoded, as the OpenTelemetry SDKs read it) with `--forward-env-headers`.
public enum ForwardHeaders {
    public static func parse(option: String) throws(ForwardHeaderError) -> (String, String) {
        guard let equals = option.firstIndex(of: "=") else { throw ForwardHeaderError(text: option) }
        let name = option[..<equals].trimmingWhitespace()
        let value = option[option.index(after: equals)...].trimmingWhitespace()
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }),
              !value.contains(where: { $0.isNewline }) else { throw ForwardHeaderError(text: option) }
        return (String(name), String(value))
    }

    /// Entries that do not parse are skipped, as the SDKs do.
    public static func parse(environment value: String) -> [(String, String)] {
        value.split(separator: ",").compactMap { entry in
            let decoded = String(entry).removingPercentEncoding ?? String(entry)
            return try? parse(option: decoded)
        }
    }
}

public struct ForwardHeaderError: Error, Sendable, CustomStringConvertible {
    public var text: String
    // The value may be a secret: only the name is repeated back.
    public var description: String {
        let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        return "--forward-header takes NAME=VALUE (got a malformed header\(name.isEmpty || name == text ? "" : " named \(name)"))"
    }
}

/// One `--forward` target and the headers meant for it alone: a header given for one upstream (an
/// API key, a tenant) never reaches another.
public struct ForwardDestination: Sendable {
    public var target: OTLPEndpoint
    public var headers: [(String, String)]

    public init(target: OTLPEndpoint, headers: [(String, String)] = []) {
        self.target = target
        self.headers = headers
    }

    /// Pairs each `--forward-header` with the `--forward` before it, reading the command line in order
    /// (`--forward URL` and `--forward=URL` both).
    public static func pair(commandLine arguments: [String]) throws(ForwardPairingError) -> [ForwardDestination] {
        var destinations: [ForwardDestination] = []
        var index = arguments.startIndex
        func value(of option: String) throws(ForwardPairingError) -> String {
            let argument = arguments[index]
            if argument.hasPrefix(option + "=") { return String(argument.dropFirst(option.count + 1)) }
            index += 1
            guard index < arguments.endIndex else { throw .missingValue(option) }
            return arguments[index]
        }
        while index < arguments.endIndex {
            let argument = arguments[index]
            if argument == "--" { break }
            if argument == "--forward" || argument.hasPrefix("--forward=") {
                let text = try value(of: "--forward")
                do { destinations.append(ForwardDestination(target: try OTLPEndpoint(parsing: text))) } catch { throw .target(error) }
            } else if argument == "--forward-header" || argument.hasPrefix("--forward-header=") {
                let text = try value(of: "--forward-header")
                let header: (String, String)
                do { header = try ForwardHeaders.parse(option: text) } catch { throw .header(error) }
                guard !destinations.isEmpty else { throw .headerBeforeTarget(name: header.0) }
                destinations[destinations.count - 1].headers.append(header)
            }
            index += 1
        }
        return destinations
    }

    /// With headers for every target (`--forward-env-headers`) added where the target has none of that name.
    public func adding(shared: [(String, String)]) -> ForwardDestination {
        let own = Set(headers.map { $0.0.lowercased() })
        return ForwardDestination(target: target, headers: shared.filter { !own.contains($0.0.lowercased()) } + headers)
    }
}

public enum ForwardPairingError: Error, Sendable, CustomStringConvertible {
    case missingValue(String)
    case target(OTLPEndpointError)
    case header(ForwardHeaderError)
    case headerBeforeTarget(name: String)

    public var description: String {
        switch self {
        case .missingValue(let option): "\(option) needs a value"
        case .target(let error): error.description
        case .header(let error): error.description
        case .headerBeforeTarget(let name):
            "--forward-header \(name) comes before any --forward; put it after the --forward it is for"
        }
    }
}

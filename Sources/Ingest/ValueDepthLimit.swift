import OTLPWire
import Telemetry

private typealias WireAnyValue = Opentelemetry_Proto_Common_V1_AnyValue
private typealias WireKeyValue = Opentelemetry_Proto_Common_V1_KeyValue

/// How deeply an attribute value (an OTLP `AnyValue` of arrays and maps) may nest: a scalar is one
/// level, each array or map around it one more (an empty one counts as holding a scalar).
///
/// swift-protobuf limits the nesting of messages instead. One value level costs up to three message
/// levels (`AnyValue` → `KeyValueList` → `KeyValue` → `AnyValue`), below the levels that enclose the
/// deepest attribute list of a signal; `messageDepthLimit` is set so that every value within the limit
/// decodes. Trace requests are then checked for the exact value depth.
public enum ValueDepthLimit {
    public static let `default` = 32
    public static let range = 1...64

    /// The swift-protobuf message depth that admits every value of `maxValueDepth` levels.
    public static func messageDepthLimit(for signal: Signal, maxValueDepth: Int) -> Int {
        // Levels down to the first AnyValue of the deepest attribute list, counting the request as 1:
        // traces: request, ResourceSpans, ScopeSpans, Span, Event, KeyValue, AnyValue;
        // logs: request, ResourceLogs, ScopeLogs, LogRecord, KeyValue, AnyValue;
        // metrics: request, ResourceMetrics, ScopeMetrics, Metric, Sum, data point, Exemplar, KeyValue, AnyValue.
        let firstValueLevel = switch signal {
        case .traces: 7
        case .logs: 6
        case .metrics: 9
        }
        return firstValueLevel + 3 * (maxValueDepth - 1)
    }

    static func refusal(limit: Int) -> String {
        "an attribute value nests too deeply (more than \(limit) levels, see --max-value-depth)"
    }

    /// Whether `value` nests deeper than `limit`.
    static func exceeds(_ value: AttributeValue, limit: Int) -> Bool {
        guard limit > 0 else { return true }
        switch value {
        case .array(let items): return limit == 1 || items.contains { exceeds($0, limit: limit - 1) }
        case .map(let entries): return limit == 1 || entries.contains { exceeds($0.value, limit: limit - 1) }
        default: return false
        }
    }

    private static func exceeds(_ value: WireAnyValue, limit: Int) -> Bool {
        guard limit > 0 else { return true }
        switch value.value {
        case .arrayValue(let array)?: return limit == 1 || array.values.contains { exceeds($0, limit: limit - 1) }
        case .kvlistValue(let list)?: return limit == 1 || exceeds(list.values, limit: limit - 1)
        default: return false
        }
    }

    private static func exceeds(_ attributes: [WireKeyValue], limit: Int) -> Bool {
        attributes.contains { exceeds($0.value, limit: limit) }
    }

    /// Refuses a decoded trace request holding a value deeper than `limit` anywhere (resource, scope,
    /// span, event or link attributes), as the scanner does.
    static func check(_ request: ExportTraceRequest, limit: Int, refusalPrefix: String) throws(DecodeError) {
        for resourceSpans in request.resourceSpans {
            var deep = exceeds(resourceSpans.resource.attributes, limit: limit)
            for scopeSpans in resourceSpans.scopeSpans where !deep {
                deep = exceeds(scopeSpans.scope.attributes, limit: limit) || scopeSpans.spans.contains { span in
                    exceeds(span.attributes, limit: limit)
                        || span.events.contains { exceeds($0.attributes, limit: limit) }
                        || span.links.contains { exceeds($0.attributes, limit: limit) }
                }
            }
            if deep { throw .malformed("\(refusalPrefix): \(refusal(limit: limit))") }
        }
    }
}

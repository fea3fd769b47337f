import Foundation
import Semantics
import Telemetry

/// A stored span as an OTLP/JSON `ExportTraceServiceRequest` (hex ids, int64 as strings), with its
/// resource and scope: what `y` copies, ready to paste into a bug report or to POST to `/v1/traces`.
public enum SpanExport {
    public static func otlpJSON(_ span: RawSpan) -> String {
        let resource = JSON.object([("attributes", attributes(span.origin.resource))])
        var scope: [(String, JSON)] = [("name", .string(span.origin.scopeName))]
        if !span.origin.scopeVersion.isEmpty { scope.append(("version", .string(span.origin.scopeVersion))) }
        var fields: [(String, JSON)] = [
            ("traceId", .string(span.traceID.hex)),
            ("spanId", .string(span.spanID.hex)),
        ]
        if !span.parentSpanID.isZero { fields.append(("parentSpanId", .string(span.parentSpanID.hex))) }
        fields += [
            ("name", .string(span.name)),
            ("kind", .int(Int64(span.kind.rawValue))),
            ("startTimeUnixNano", .string(String(span.startNanos))),
            ("endTimeUnixNano", .string(String(span.endNanos))),
            ("attributes", attributes(span.attributes)),
        ]
        if !span.events.isEmpty {
            fields.append(("events", .array(span.events.map { event in
                .object([("timeUnixNano", .string(String(event.timeNanos))), ("name", .string(event.name)),
                         ("attributes", attributes(event.attributes))])
            })))
        }
        if !span.links.isEmpty {
            fields.append(("links", .array(span.links.map { link in
                .object([("traceId", .string(link.traceID.hex)), ("spanId", .string(link.spanID.hex)),
                         ("attributes", attributes(link.attributes))])
            })))
        }
        var status: [(String, JSON)] = [("code", .int(Int64(span.statusCode.rawValue)))]
        if !span.statusMessage.isEmpty { status.append(("message", .string(span.statusMessage))) }
        fields.append(("status", .object(status)))
        let request = JSON.object([("resourceSpans", .array([.object([
            ("resource", resource),
            ("scopeSpans", .array([.object([("scope", .object(scope)), ("spans", .array([.object(fields)]))])])),
        ])]))])
        return request.rendered(indent: nil)
    }

    static func attributes(_ list: [Attribute]) -> JSON {
        .array(list.map { .object([("key", .string($0.key)), ("value", anyValue($0.value))]) })
    }

    static func anyValue(_ value: AttributeValue) -> JSON {
        switch value {
        case .string(let s): .object([("stringValue", .string(s))])
        case .bool(let b): .object([("boolValue", .bool(b))])
        case .int(let i): .object([("intValue", .string(String(i)))])
        case .double(let d): .object([("doubleValue", .double(d))])
        case .bytes(let b): .object([("bytesValue", .string(Data(b).base64EncodedString()))])
        case .array(let items): .object([("arrayValue", .object([("values", .array(items.map(anyValue)))]))])
        case .map(let entries): .object([("kvlistValue", .object([("values", attributes(entries))]))])
        case .empty: .object([])
        }
    }
}

import Semantics
import Store
import XCTest
@testable import Views
import CanvasKit
import Terminal
import Telemetry
import PackedSpans

/// `y` on the trace and span screens asks for the span under the cursor to be copied.
final class CopySpanTests: XCTestCase {
    func testYRequestsTheSelectedOrOpenSpan() throws {
        var store = TraceStore()
        let origin = Origin(resource: [Attribute("service.name", .string("svc"))])
        let trace = TraceID(high: 4, low: 4)
        store.apply(TelemetryBatch(spans: [
            RawSpan(traceID: trace, spanID: SpanID(1), name: "root", startNanos: 1, endNanos: 10, origin: origin),
            RawSpan(traceID: trace, spanID: SpanID(2), parentSpanID: SpanID(1), name: "child", startNanos: 2, endNanos: 5,
                    origin: origin),
        ]), nowNanos: 20)
        let snapshot = store.snapshot(nowNanos: 20)
        let entry = try XCTUnwrap(store.trace(trace))
        let screen = Size(width: 100, height: 20)
        var state = reduce(ViewState(), key: .enter, snapshot: snapshot, screen: screen, openTrace: entry)
        XCTAssertEqual(state.keyContext, .traceView)
        XCTAssertEqual(reduce(state, key: .character("y"), snapshot: snapshot, screen: screen, openTrace: entry).copyRequest,
                       SpanID(1), "the first row is the root")
        state = reduce(state, key: .character("j"), snapshot: snapshot, screen: screen, openTrace: entry)
        state = reduce(state, key: .enter, snapshot: snapshot, screen: screen, openTrace: entry)
        XCTAssertEqual(state.keyContext, .spanView)
        XCTAssertEqual(reduce(state, key: .character("y"), snapshot: snapshot, screen: screen, openTrace: entry).copyRequest,
                       SpanID(2))
    }

    func testOSC52CarriesTheTextInBase64() {
        XCTAssertEqual(MemoryTerminal.osc52("hi"), "\u{1b}]52;c;aGk=\u{07}")
    }
}

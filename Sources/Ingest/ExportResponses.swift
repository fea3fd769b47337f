import OTLPWire
import PackedSpans

/// The `Export*ServiceResponse` of each signal, with `partial_success` when the decoder dropped
/// records; shared by the gRPC and HTTP receivers.
enum ExportResponses {
    typealias Traces = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse
    typealias Metrics = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse
    typealias Logs = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse

    static func traces(_ batch: TelemetryBatch) -> Traces {
        var response = Traces()
        if batch.rejectedSpans > 0 {
            response.partialSuccess.rejectedSpans = Int64(batch.rejectedSpans)
            response.partialSuccess.errorMessage = batch.rejectionReason ?? ""
        }
        return response
    }

    static func metrics(_ batch: TelemetryBatch) -> Metrics {
        var response = Metrics()
        if batch.rejectedMetricPoints > 0 {
            response.partialSuccess.rejectedDataPoints = Int64(batch.rejectedMetricPoints)
            response.partialSuccess.errorMessage = batch.rejectionReason ?? ""
        }
        return response
    }

    static func logs(_ batch: TelemetryBatch) -> Logs {
        var response = Logs()
        if batch.rejectedLogs > 0 {
            response.partialSuccess.rejectedLogRecords = Int64(batch.rejectedLogs)
            response.partialSuccess.errorMessage = batch.rejectionReason ?? ""
        }
        return response
    }
}

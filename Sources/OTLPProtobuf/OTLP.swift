/// Short names for the generated messages (Generated/, named after their protobuf packages), so that callers write
/// `OTLP.Span` rather than `Opentelemetry_Proto_Trace_V1_Span`.
public enum OTLP {
    public typealias ExportTraceServiceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
    public typealias ExportTraceServiceResponse = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse
    public typealias ExportLogsServiceRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
    public typealias ExportLogsServiceResponse = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceResponse
    public typealias ExportMetricsServiceRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
    public typealias ExportMetricsServiceResponse = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceResponse

    public typealias ResourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans
    public typealias ScopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans
    public typealias Span = Opentelemetry_Proto_Trace_V1_Span
    public typealias Status = Opentelemetry_Proto_Trace_V1_Status

    public typealias ResourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs
    public typealias ScopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs
    public typealias LogRecord = Opentelemetry_Proto_Logs_V1_LogRecord
    public typealias SeverityNumber = Opentelemetry_Proto_Logs_V1_SeverityNumber

    public typealias ResourceMetrics = Opentelemetry_Proto_Metrics_V1_ResourceMetrics
    public typealias ScopeMetrics = Opentelemetry_Proto_Metrics_V1_ScopeMetrics
    public typealias Metric = Opentelemetry_Proto_Metrics_V1_Metric
    public typealias NumberDataPoint = Opentelemetry_Proto_Metrics_V1_NumberDataPoint
    public typealias Sum = Opentelemetry_Proto_Metrics_V1_Sum
    public typealias Gauge = Opentelemetry_Proto_Metrics_V1_Gauge
    public typealias Histogram = Opentelemetry_Proto_Metrics_V1_Histogram
    public typealias HistogramDataPoint = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint
    public typealias ExponentialHistogram = Opentelemetry_Proto_Metrics_V1_ExponentialHistogram
    public typealias ExponentialHistogramDataPoint = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint
    public typealias Summary = Opentelemetry_Proto_Metrics_V1_Summary
    public typealias SummaryDataPoint = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint
    public typealias AggregationTemporality = Opentelemetry_Proto_Metrics_V1_AggregationTemporality

    public typealias Resource = Opentelemetry_Proto_Resource_V1_Resource
    public typealias InstrumentationScope = Opentelemetry_Proto_Common_V1_InstrumentationScope
    public typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue
    public typealias AnyValue = Opentelemetry_Proto_Common_V1_AnyValue
    public typealias ArrayValue = Opentelemetry_Proto_Common_V1_ArrayValue
    public typealias KeyValueList = Opentelemetry_Proto_Common_V1_KeyValueList
}

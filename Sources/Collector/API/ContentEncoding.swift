import HTTPServer
import TextFormats

/// The body a request means, after undoing its `Content-Encoding`: OpenTelemetry exporters gzip when
/// `OTEL_EXPORTER_OTLP_COMPRESSION=gzip`. The body limit holds for the decoded size as well (413 above it).
enum ContentEncoding {
    static func decodedBody(_ request: HTTPRequest, limit: Int) throws(APIError) -> [UInt8] {
        let codings = request.head.headers.values("Content-Encoding")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingSpacesAndTabs().lowercased() }
            .filter { !$0.isEmpty && $0 != "identity" }
        guard !codings.isEmpty else { return request.body }
        guard codings.count == 1 else {
            throw APIError(415, "unsupported_content_encoding",
                           "send the body with at most one Content-Encoding (gzip or deflate), not \(codings.joined(separator: ", "))")
        }
        let format: Inflate.Format
        switch codings[0] {
        case "gzip", "x-gzip": format = .gzip
        case "deflate": format = .zlib
        default:
            throw APIError(415, "unsupported_content_encoding",
                           "Content-Encoding \(codings[0]) is not supported; send gzip, deflate or an uncompressed body")
        }
        do {
            return try Inflate.inflate(request.body, format: format, limit: limit)
        } catch {
            switch error {
            case .tooLarge(let limit):
                throw APIError(413, "body_too_large", "the body inflates to more than \(limit) bytes")
            case .truncated:
                throw APIError(400, "invalid_content_encoding", "the \(codings[0]) body ends before its compressed stream does")
            case .corrupt(let reason):
                throw APIError(400, "invalid_content_encoding", "the body is not valid \(codings[0]): \(reason)")
            }
        }
    }
}

/// A request's body through its content encoding and then a decoder: the value, or nil once the client has been
/// answered with what was wrong (413 or 415 from the encoding, 400 or 403 from the decoder).
enum RequestBody {
    static func decode<Value>(
        _ request: HTTPRequest, limit: Int, answeringErrorsTo writer: ResponseWriter,
        _ decode: ([UInt8]) throws(ValidationError) -> Value
    ) -> Value? {
        let body: [UInt8]
        do {
            body = try ContentEncoding.decodedBody(request, limit: limit)
        } catch {
            writer.write(error.response)
            return nil
        }
        do {
            return try decode(body)
        } catch {
            writer.write(APIError(error).response)
            return nil
        }
    }
}

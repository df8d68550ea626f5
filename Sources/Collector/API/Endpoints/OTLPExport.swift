import HTTPServer
import JSON
import OTLPProtobuf

/// The two encodings of OTLP/HTTP.
enum OTLPEncoding: Sendable, Equatable {
    case json, protobuf

    /// The encoding a request's `Content-Type` names (parameters aside); no `Content-Type` is JSON, and another
    /// media type is nil.
    init?(_ head: HTTPRequestHead) {
        guard let type = head.headers["Content-Type"] else {
            self = .json
            return
        }
        switch MediaType(type) {
        case .json: self = .json
        case .protobuf: self = .protobuf
        default: return nil
        }
    }
}

/// One OTLP signal (logs, metrics, traces) as its route needs it: how a request decodes in each encoding into the
/// rows to store and the items refused, and how the answer names them. Everything else about the route (media
/// types, content encoding, limits, the answer in the request's encoding) is `OTLPExport`'s.
protocol OTLPSignal: Sendable {
    associatedtype Rows: Sendable
    /// The `partialSuccess` count field of the JSON answer: `rejectedLogRecords`, `rejectedDataPoints`,
    /// `rejectedSpans`.
    static var rejectedCountField: String { get }
    /// Most items (log records, data points, spans) in one request; more is 413.
    var maxItems: Int { get }
    /// An OTLP/JSON request object.
    func decode(json root: JSONValue, hostID: String, receivedAt: Int64) throws(ValidationError) -> OTLPDecoded<Rows>
    /// An OTLP protobuf request body, already inflated.
    func decode(protobuf body: [UInt8], hostID: String, receivedAt: Int64) throws(OTLPProtobufError) -> OTLPDecoded<Rows>
    /// The protobuf `Export*ServiceResponse`: empty, or `partial_success` with the count and message.
    static func protobufAnswer(rejected: Int, errorMessage: String) -> [UInt8]
}

/// What every OTLP/HTTP route does around its signal, following the OTLP/HTTP specification: JSON or protobuf
/// (415 for other media), gzip or deflate or neither, the body limit (413), an undecodable body (400), and the
/// answer in the request's encoding: 200 with an empty `Export*ServiceResponse`, or `partial_success` counting the
/// refused items with the first reason. The route stores the rows and then gives the answer.
struct OTLPExport<Signal: OTLPSignal>: Sendable {
    let signal: Signal
    let limits: OTLPProtobufLimits
    let jsonLimits: JSONLimits

    /// A request decoded, and the 200 to answer with once its rows are stored (or spooled).
    struct Decoded: Sendable {
        let rows: Signal.Rows
        let rejections: OTLPRejections
        let answer: HTTPResponse
    }

    /// The largest body, compressed or inflated (413 above).
    var bodyLimit: Int { limits.maxBodyBytes }

    func checkContentType(_ head: HTTPRequestHead) -> APIError? {
        let types = head.headers.values("Content-Type")
        guard types.count <= 1 else {
            return APIError(400, "invalid_content_type", "send one Content-Type header, not \(types.count)")
        }
        guard OTLPEncoding(head) == nil, let type = types.first else { return nil }
        return APIError(415, "unsupported_media_type",
                        "send OTLP/HTTP as application/x-protobuf or application/json, not \(type)")
    }

    /// The request's rows and answer; nil once the client has been answered with what was wrong (400, 413).
    func decode(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) -> Decoded? {
        let encoding = OTLPEncoding(request.head) ?? .json
        do throws(APIError) {
            let body = try ContentEncoding.decodedBody(request, limit: limits.maxBodyBytes)
            let decoded = try decode(body, encoding: encoding, hostID: caller.hostID,
                                     receivedAt: Timestamp.nowMicrosecondsSince2000())
            return Decoded(rows: decoded.rows, rejections: decoded.rejections,
                           answer: answer(decoded.rejections, encoding: encoding))
        } catch {
            writer.write(error.response)
            return nil
        }
    }

    func decode(
        _ body: [UInt8], encoding: OTLPEncoding, hostID: String, receivedAt: Int64
    ) throws(APIError) -> OTLPDecoded<Signal.Rows> {
        switch encoding {
        case .protobuf:
            do {
                return try signal.decode(protobuf: body, hostID: hostID, receivedAt: receivedAt)
            } catch {
                throw Self.refusal(error)
            }
        case .json:
            let decoded: OTLPDecoded<Signal.Rows>
            do {
                // Protobuf's JSON mapping lets the last of repeated keys win, and OTLP clients follow it.
                let root = try JSONBody.object(body, limits: jsonLimits, expected: "an OTLP/JSON export request object",
                                               allowDuplicateKeys: true)
                decoded = try signal.decode(json: root.root, hostID: hostID, receivedAt: receivedAt)
            } catch {
                throw APIError(error)
            }
            guard decoded.rejections.total <= signal.maxItems else {
                throw APIError(413, "too_many_items", "more than \(signal.maxItems) \(decoded.rejections.items) in one "
                               + "request: send smaller batches")
            }
            return decoded
        }
    }

    /// 200 with an empty response when everything was taken, else with `partialSuccess` naming the count and the
    /// first reason.
    func answer(_ rejections: OTLPRejections, encoding: OTLPEncoding) -> HTTPResponse {
        let message = rejections.count > 0 ? rejections.message : ""
        switch encoding {
        case .protobuf:
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-protobuf")
            return HTTPResponse(status: 200, headers: headers,
                                body: Signal.protobufAnswer(rejected: rejections.count, errorMessage: message))
        case .json:
            guard rejections.count > 0 else { return .json(status: 200, body: Array("{}".utf8)) }
            // int64 fields are strings in the protobuf JSON mapping; receivers accept both.
            var body: [UInt8] = Array(#"{"partialSuccess":{"\#(Signal.rejectedCountField)":"\#(rejections.count)","errorMessage":"#.utf8)
            JSONText.appendQuoted(message, to: &body)
            body.append(contentsOf: "}}".utf8)
            return .json(status: 200, body: body)
        }
    }

    /// A protobuf body that cannot be decoded: 400, or 413 past a size or count limit.
    static func refusal(_ error: OTLPProtobufError) -> APIError {
        switch error.reason {
        case .bodyTooLarge: APIError(413, "body_too_large", error.message)
        case .tooManyItems: APIError(413, "too_many_items", error.message)
        default: APIError(400, "invalid_protobuf", error.message)
        }
    }
}

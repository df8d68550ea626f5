import HTTPServer
import Logging
import Synchronization
import Testing
@testable import Collector

/// The router's decisions, as Go's httptest checks a handler: a request value in, the answer a recording writer
/// receives out; no socket, no database.
@Suite("Router")
struct RouterTests {
    static let key = "a-key-of-laptop"

    /// Records the caller of each request it is handed.
    final class RecordingEndpoint: Endpoint {
        let path: String
        let methods: [String]
        let requiredScope: KeyScope?
        let bodyLimit = 1024
        let callers = Mutex<[Caller]>([])

        init(path: String, methods: [String] = ["POST"], requiredScope: KeyScope? = .ingest) {
            self.path = path
            self.methods = methods
            self.requiredScope = requiredScope
        }

        func handle(_ request: HTTPRequest, caller: Caller, writer: ResponseWriter) {
            callers.withLock { $0.append(caller) }
            writer.write(HTTPResponse(status: 204))
        }
    }

    final class Answers: Sendable {
        let responses = Mutex<[HTTPResponse]>([])
        var writer: ResponseWriter { ResponseWriter { response in self.responses.withLock { $0.append(response) } } }
        var last: HTTPResponse? { responses.withLock { $0.last } }
        var code: String? {
            guard let body = last?.body else { return nil }
            let text = String(decoding: body, as: UTF8.self)
            return text.split(separator: "\"code\":\"").dropFirst().first?.split(separator: "\"").first.map(String.init)
        }
    }

    let ingest = RecordingEndpoint(path: "/ingest")
    let open = RecordingEndpoint(path: "/open", methods: ["GET", "HEAD"], requiredScope: nil)
    let reading = RecordingEndpoint(path: "/read", methods: ["GET"], requiredScope: .read)
    static let readKey = "a-read-key"

    var router: Router {
        let keys = KeyStore(KeySet([
            KeyDigest(key: Self.key.utf8): KeySet.Entry(holder: KeyHolder(host: "laptop", scope: .ingest), expiresAt: nil),
            KeyDigest(key: Self.readKey.utf8): KeySet.Entry(holder: KeyHolder(host: "read:ha", scope: .read), expiresAt: nil),
        ]))
        return Router(endpoints: [ingest, open, reading], keys: keys,
                      observer: RequestObserver(metrics: SelfMetrics(), logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() }))
    }

    func request(_ method: String, _ path: String, _ headers: [(String, String)] = []) -> HTTPRequest {
        HTTPRequest(head: HTTPRequestHead(method: method, target: path, path: path, query: nil, version: .http1_1,
                                          headers: HTTPHeaders(headers), keepAlive: true, expectsContinue: false,
                                          contentLength: nil, isChunked: false),
                    body: [])
    }

    func answer(_ request: HTTPRequest) -> Answers {
        let answers = Answers()
        router.respond(to: request, writer: answers.writer)
        return answers
    }

    @Test("A known key reaches the endpoint as its host, by X-API-Key or Authorization: Bearer")
    func keyBecomesHost() {
        #expect(answer(request("POST", "/ingest", [("X-API-Key", Self.key)])).last?.status == 204)
        #expect(answer(request("POST", "/ingest", [("Authorization", "Bearer  \(Self.key) ")])).last?.status == 204)
        #expect(ingest.callers.withLock { $0 } == [.host("laptop"), .host("laptop")])
    }

    @Test("No key is 401 missing_api_key, an unknown key 401 invalid_api_key, each saying what to do; the endpoint never runs")
    func badKeys() {
        let missing = answer(request("POST", "/ingest"))
        #expect(missing.last?.status == 401)
        #expect(missing.code == "missing_api_key")
        let unknown = answer(request("POST", "/ingest", [("X-API-Key", "not-a-key")]))
        #expect(unknown.last?.status == 401)
        #expect(unknown.code == "invalid_api_key")
        let message = String(decoding: unknown.last?.body ?? [], as: UTF8.self)
        #expect(message.contains("collector keys create"))
        #expect(ingest.callers.withLock { $0 }.isEmpty)
    }

    @Test("A key of the wrong scope is 403 wrong_key_scope either way; a read key reaches a read route as a reader")
    func scopes() {
        let readOnIngest = answer(request("POST", "/ingest", [("X-API-Key", Self.readKey)]))
        #expect(readOnIngest.last?.status == 403)
        #expect(readOnIngest.code == "wrong_key_scope")
        let ingestOnRead = answer(request("GET", "/read", [("X-API-Key", Self.key)]))
        #expect(ingestOnRead.last?.status == 403)
        #expect(ingestOnRead.code == "wrong_key_scope")
        #expect(answer(request("GET", "/read", [("X-API-Key", Self.readKey)])).last?.status == 204)
        #expect(reading.callers.withLock { $0 } == [.reader])
        #expect(ingest.callers.withLock { $0 }.isEmpty)
    }

    @Test("An unknown path is 404, a wrong method 405 with Allow, before any key is looked at")
    func routing() {
        #expect(answer(request("POST", "/nowhere")).last?.status == 404)
        let wrong = answer(request("GET", "/ingest", [("X-API-Key", Self.key)]))
        #expect(wrong.last?.status == 405)
        #expect(wrong.last?.headers["Allow"] == "POST")
    }

    @Test("A body that is not JSON is 415, two Content-Types 400, and no Content-Type at all is fine")
    func mediaTypes() {
        #expect(answer(request("POST", "/ingest", [("X-API-Key", Self.key), ("Content-Type", "text/plain")])).last?.status == 415)
        #expect(answer(request("POST", "/ingest", [("X-API-Key", Self.key), ("Content-Type", "application/json"),
                                                   ("Content-Type", "application/json")])).last?.status == 400)
        #expect(answer(request("POST", "/ingest", [("X-API-Key", Self.key), ("Content-Type", "Application/JSON; charset=utf-8")]))
            .last?.status == 204)
    }

    @Test("A route that needs no key is called as anonymous, whatever key is sent")
    func openRoute() {
        #expect(answer(request("GET", "/open", [("X-API-Key", "whatever")])).last?.status == 204)
        #expect(open.callers.withLock { $0 } == [.anonymous])
    }

    @Test("Every answer carries an X-Request-Id; the body limit is the endpoint's, none for unknown paths")
    func requestIDAndLimits() {
        #expect(answer(request("POST", "/nowhere")).last?.headers["X-Request-Id"]?.count == 32)
        #expect(router.bodyLimit(for: request("POST", "/ingest").head) == 1024)
        #expect(router.bodyLimit(for: request("POST", "/nowhere").head) == nil)
    }

    @Test("The server's own refusals come back in the API's error shape")
    func refusals() {
        let response = router.response(for: ServerRefusal(status: 503, code: "overloaded", message: "busy", retryAfterSeconds: 3))
        #expect(response.status == 503)
        #expect(response.headers["Retry-After"] == "3")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"busy","code":"overloaded"}"#)
    }
}

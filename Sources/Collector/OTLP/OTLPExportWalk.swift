import JSON
import OTLPProtobuf

/// The two outer levels every OTLP/JSON export shares, `resource<Signal>` then `scope<Signal>` (`resourceLogs` /
/// `scopeLogs`, `resourceMetrics` / `scopeMetrics`): each scope is handed on with its resource, its path for
/// messages and its position for idempotency keys. A resource that cannot be read rejects what is under it;
/// anything but arrays of objects at these levels rejects the whole request.
struct OTLPExportWalk {
    /// `Logs` or `Metrics`, as the field names spell it.
    let signal: String

    struct Scope {
        let object: JSONValue
        let resource: OTLP.Resource
        /// `resourceLogs[0].scopeLogs[1]`.
        let path: String
        /// `0/1`: the resource's and the scope's indices.
        let position: String
    }

    /// `itemsUnder` counts what a scope holds, for the rejections of a resource that cannot be read.
    func forEachScope(
        in root: JSONValue, rejections: inout OTLPRejections, itemsUnder: (JSONValue) -> Int,
        _ body: (Scope, inout OTLPRejections) throws(ValidationError) -> Void
    ) throws(ValidationError) {
        for (resourceIndex, resourceObject) in try OTLPValue.objects(root, "resource\(signal)", path: "").enumerated() {
            let resourcePath = "resource\(signal)[\(resourceIndex)]"
            let scopes = try OTLPValue.objects(resourceObject, "scope\(signal)", path: resourcePath + ".")
            let resource: OTLP.Resource
            do {
                resource = try OTLPJSONMessages.resource(resourceObject.member("resource"))
            } catch {
                rejections.reject(scopes.reduce(0) { $0 + itemsUnder($1) }, at: resourcePath + ".resource", error.message)
                continue
            }
            for (scopeIndex, scope) in scopes.enumerated() {
                try body(Scope(object: scope, resource: resource, path: "\(resourcePath).scope\(signal)[\(scopeIndex)]",
                               position: "\(resourceIndex)/\(scopeIndex)"), &rejections)
            }
        }
    }
}

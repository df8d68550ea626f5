import JSON

/// The bodies of LangSmith's run routes as runs, each merged from the posts and patches the body carries for it:
/// `{"post": [...], "patch": [...]}` (`/runs/batch`), one run (`POST /runs`, `PATCH /runs/{id}`), or a
/// `multipart/form-data` body (`/runs/multipart`) whose parts are `post.{id}` or `patch.{id}` (the run without its
/// big fields), `post.{id}.inputs`, `.outputs`, `.events`, `.extra`, `.error`, `.serialized` (those fields, as
/// JSON) and `attachment.{id}.{name}` (a file; only its name, type and size are kept). Feedback parts
/// (`feedback.{id}`) are skipped: the collector stores runs only.
struct LangSmithRunDecoder: Sendable {
    var fieldMaxBytes: Int
    var maxOperations: Int
    var jsonLimits: JSONLimits

    typealias Runs = [(run: LangSmithRun, traceID: String)]

    func batch(_ body: [UInt8]) throws(ValidationError) -> Runs {
        let root = try JSONBody.object(body, limits: jsonLimits, expected: #"an object {"post": [runs], "patch": [runs]}"#).root
        var operations = newOperations()
        for kind in [RunOperations.Kind.post, .patch] {
            guard let list = root.member(kind.rawValue), !list.isNull else { continue }
            guard list.kind == .array else {
                throw ValidationError("invalid_field", "\(kind.rawValue) must be an array of runs", field: kind.rawValue)
            }
            for (index, run) in list.elements.enumerated() {
                try operations.apply(kind, fields: try Self.fields(run, kind: kind, index: index), index: index)
            }
        }
        return try operations.finished()
    }

    /// `POST /runs` (a post) or `PATCH /runs/{id}` (a patch of the run the path names).
    func single(_ body: [UInt8], kind: RunOperations.Kind, pathID: String?) throws(ValidationError) -> Runs {
        let root = try JSONBody.object(body, limits: jsonLimits, expected: "one run as a JSON object").root
        var operations = newOperations()
        try operations.apply(kind, fields: try Self.fields(root, kind: kind, index: nil), pathID: pathID, index: nil)
        return try operations.finished()
    }

    func multipart(_ body: [UInt8], boundary: String) throws(ValidationError) -> Runs {
        let form: MultipartForm
        do {
            form = try MultipartForm(body, boundary: boundary)
        } catch {
            throw ValidationError("invalid_multipart", error.message)
        }
        // Parts grouped by operation and run, in the order first seen; attachments kept for after the runs.
        var groups: [(kind: RunOperations.Kind, id: String, fields: [(key: String, value: JSONValue)])] = []
        var groupIndex: [String: Int] = [:]
        var attachments: [(id: String, name: String, part: MultipartForm.Part)] = []
        for part in form.parts {
            let pieces = part.name.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard pieces.count >= 2, let id = RunID.parse(pieces[1].utf8) else {
                throw Self.badPart(part.name, "a part's name must be post.{run id}, patch.{run id}, "
                                   + "post.{run id}.{field} or attachment.{run id}.{name}")
            }
            if pieces[0] == "feedback" { continue }
            if pieces[0] == "attachment" {
                guard pieces.count == 3, !pieces[2].isEmpty else {
                    throw Self.badPart(part.name, "an attachment's part name must be attachment.{run id}.{name}")
                }
                attachments.append((id, pieces[2], part))
                continue
            }
            guard let kind = RunOperations.Kind(rawValue: pieces[0]) else {
                throw Self.badPart(part.name, "a part's name must begin with post., patch., attachment. or feedback.")
            }
            let document: JSONDocument
            do {
                document = try JSONDocument.parse(Array(part.body), limits: jsonLimits)
            } catch {
                throw Self.badPart(part.name, "the part is not valid JSON: \(error.description)")
            }
            let key = "\(kind.rawValue).\(id)"
            let position = groupIndex[key] ?? {
                groups.append((kind, id, []))
                groupIndex[key] = groups.count - 1
                return groups.count - 1
            }()
            if pieces.count == 2 {
                groups[position].fields += try Self.fields(document.root, kind: kind, index: nil, partName: part.name)
            } else {
                let field = pieces[2]
                guard Self.fieldParts.contains(field) else {
                    throw Self.badPart(part.name, "a run's field part is one of \(Self.fieldParts.joined(separator: ", "))")
                }
                groups[position].fields.append((field, document.root))
            }
        }
        var operations = newOperations()
        for kind in [RunOperations.Kind.post, .patch] {
            for group in groups where group.kind == kind {
                try operations.apply(kind, fields: group.fields, pathID: group.id, index: nil)
            }
        }
        for attachment in attachments {
            try operations.attach(name: attachment.name, to: attachment.id, contentType: attachment.part.contentType,
                                  size: attachment.part.body.count)
        }
        return try operations.finished()
    }

    /// The fields the SDK sends as parts of their own.
    static let fieldParts = ["inputs", "outputs", "events", "extra", "error", "serialized"]

    private func newOperations() -> RunOperations {
        RunOperations(fieldMaxBytes: fieldMaxBytes, maxOperations: maxOperations)
    }

    private static func fields(
        _ run: JSONValue, kind: RunOperations.Kind, index: Int?, partName: String? = nil
    ) throws(ValidationError) -> [(key: String, value: JSONValue)] {
        guard run.kind == .object else {
            if let partName { throw badPart(partName, "the part must be the run as a JSON object") }
            throw ValidationError("invalid_field", "each \(kind.rawValue) must be a run object", index: index, field: kind.rawValue)
        }
        if let duplicate = run.firstDuplicateKey() {
            throw ValidationError("duplicate_key", "a run has the key \"\(duplicate)\" twice", index: index, field: duplicate)
        }
        return run.members.map { ($0.key.decoded(), $0.value) }
    }

    private static func badPart(_ name: String, _ message: String) -> ValidationError {
        ValidationError("invalid_multipart", "part \(name): \(message)", field: name)
    }
}

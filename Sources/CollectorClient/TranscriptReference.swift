import JSON

/// A transcript to upload: a JSON-lines file (Claude Code's `transcript_path`) and its session. The spool keeps
/// this reference, not the content, so a later try sends the file as it is then (the upload replaces the last).
public struct TranscriptReference: Sendable, Equatable {
    public let file: String
    public let sessionID: String
    public let agentName: String?

    public init(file: String, sessionID: String, agentName: String?) {
        self.file = file
        self.sessionID = sessionID
        self.agentName = agentName
    }

    /// The reference named by a Claude Code hook's input (`transcript_path`, `session_id`).
    public init(hookInput: [UInt8], agentName: String?) throws(ClientError) {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(hookInput)
        } catch {
            throw ClientError("the hook input on stdin is not JSON: \(error)")
        }
        guard let file = document.root.member("transcript_path")?.string?.decoded(), !file.isEmpty,
              let session = document.root.member("session_id")?.string?.decoded(), !session.isEmpty
        else {
            throw ClientError("the hook input on stdin has no transcript_path and session_id")
        }
        self.init(file: file, sessionID: session, agentName: agentName)
    }

    /// The spool's line for this reference.
    public var line: [UInt8] {
        var line: [UInt8] = Array(#"{"file":"#.utf8)
        JSONText.appendQuoted(file, to: &line)
        line.append(contentsOf: #","sessionId":"#.utf8)
        JSONText.appendQuoted(sessionID, to: &line)
        if let agentName {
            line.append(contentsOf: #","agentName":"#.utf8)
            JSONText.appendQuoted(agentName, to: &line)
        }
        line.append(UInt8(ascii: "}"))
        return line
    }

    public init(line: some Collection<UInt8>) throws(ClientError) {
        guard let document = try? JSONDocument.parse(Array(line)),
              let file = document.root.member("file")?.string?.decoded(),
              let session = document.root.member("sessionId")?.string?.decoded()
        else {
            throw ClientError("a spooled transcript line is damaged")
        }
        self.init(file: file, sessionID: session, agentName: document.root.member("agentName")?.string?.decoded())
    }

    /// The body of `POST /api/v1/transcript`: the file's lines as one JSON array. Lines that are not JSON (one
    /// being written at this moment) are left out and counted in `skippedLines`.
    public func uploadBody(maxBytes: Int) throws(ClientError) -> [UInt8] {
        let content = try FileIO.read(file, maxBytes: maxBytes)
        var body: [UInt8] = Array(#"{"sessionId":"#.utf8)
        JSONText.appendQuoted(sessionID, to: &body)
        if let agentName {
            body.append(contentsOf: #","agentName":"#.utf8)
            JSONText.appendQuoted(agentName, to: &body)
        }
        body.append(contentsOf: #","transcriptPath":"#.utf8)
        JSONText.appendQuoted(file, to: &body)
        body.append(contentsOf: #","transcript":["#.utf8)
        var entries = 0
        var skipped = 0
        for line in FileIO.lines(content) where line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
            guard let entry = try? JSONDocument.parse(Array(line)) else {
                skipped += 1
                continue
            }
            if entries > 0 { body.append(UInt8(ascii: ",")) }
            EventLine.appendCompact(entry.root, to: &body)
            entries += 1
        }
        body.append(UInt8(ascii: "]"))
        if skipped > 0 { body.append(contentsOf: #","skippedLines":\#(skipped)"#.utf8) }
        body.append(UInt8(ascii: "}"))
        return body
    }
}

import ArgumentParser
import CollectorClient
import Glibc

struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send events (JSON objects, one per line on stdin or one per argument) or a transcript to the collector.",
        discussion: """
            Fills in timestamp and eventId when an event has none, sends batches of at most 100 with the host's key, \
            and keeps what it cannot deliver in a spool that the next call sends first. Made to be called from \
            agent hooks: it gives up after --timeout seconds and always exits 0, with one line on stderr when \
            something went wrong.

            Settings come from the flags, then the environment, then the config file \
            (~/.config/agent-telemetry/collector.env, lines such as COLLECTOR_URL=https://telemetry.example.com): \
            COLLECTOR_URL, COLLECTOR_API_KEY, COLLECTOR_TIMEOUT, COLLECTOR_SPOOL_DIR, COLLECTOR_SPOOL_MAX_BYTES, \
            COLLECTOR_CA_FILE.
            """)

    @Argument(help: "Events as JSON objects; without any (and without a transcript option), stdin is read.")
    var events: [String] = []

    @Option(help: "Upload this JSON-lines transcript (read into a JSON array) for --session.")
    var transcript: String?

    @Option(help: "The session the --transcript belongs to.")
    var session: String?

    @Flag(help: "Read a Claude Code hook's input on stdin and upload the transcript at its transcript_path for its session_id (for a SessionEnd command hook).")
    var hookTranscript = false

    @Option(help: "agentName stored with an uploaded transcript.")
    var agent: String?

    @Option(help: "The collector, e.g. https://telemetry.example.com ($COLLECTOR_URL).")
    var url: String?

    @Option(help: "Config file of NAME=value lines ($COLLECTOR_CONFIG, default ~/.config/agent-telemetry/collector.env).")
    var config: String?

    @Option(help: "Where undelivered events wait ($COLLECTOR_SPOOL_DIR, default ~/.local/state/agent-telemetry/spool).")
    var spoolDir: String?

    @Option(help: "Seconds before giving up ($COLLECTOR_TIMEOUT, default 5).")
    var timeout: String?

    @Option(help: "PEM file of the CAs to trust for https instead of the system's ($COLLECTOR_CA_FILE).")
    var caFile: String?

    func run() {
        // The collector may close a connection while a request is still being written; that is an error to
        // report, not a reason to die.
        signal(SIGPIPE, SIG_IGN)
        if let line = send() {
            var bytes = Array((line + "\n").utf8)
            _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        }
    }

    /// Does the work; returns the line for stderr, if any. Nothing here ends the process with a failure.
    private func send() -> String? {
        var flags: [SendConfiguration.Name: String] = [:]
        flags[.url] = url
        flags[.config] = config
        flags[.spoolDirectory] = spoolDir
        flags[.timeout] = timeout
        flags[.caFile] = caFile
        let configuration: SendConfiguration
        do {
            configuration = try SendConfiguration.resolve(flags: flags, environment: environment())
        } catch {
            return "collector send: \(error); nothing was sent or kept"
        }

        var transcripts: [TranscriptReference] = []
        var input: [[UInt8]] = events.map { Array($0.utf8) }
        if let transcript {
            guard let session, !session.isEmpty else { return "collector send: --transcript needs --session ID" }
            transcripts.append(TranscriptReference(file: transcript, sessionID: session, agentName: agent))
        } else if session != nil {
            return "collector send: --session goes with --transcript FILE"
        }
        if hookTranscript {
            do {
                transcripts.append(try TranscriptReference(hookInput: try readStandardInput(), agentName: agent ?? "claude-code"))
            } catch {
                return "collector send: \(error)"
            }
        } else if events.isEmpty && transcript == nil && isatty(0) == 0 {
            do {
                input = FileIO.lines(try readStandardInput()).map { Array($0) }
                    .filter { line in line.contains { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D } }
            } catch {
                return "collector send: \(error)"
            }
        }
        return Sender(configuration: configuration).run(events: input, transcripts: transcripts).summaryLine
    }

    private func readStandardInput() throws(ClientError) -> [UInt8] {
        try FileIO.read(fd: 0, path: "stdin", maxBytes: 64 << 20)
    }
}

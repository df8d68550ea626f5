import ArgumentParser
import Collector
import Glibc
import Logging
import Postgres

@main
struct CollectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector",
        abstract: "Receives telemetry from AI agents on many hosts and stores it in PostgreSQL.",
        subcommands: [Serve.self, Migrate.self, Keys.self, Rollups.self, SpoolCommand.self, Send.self],
        defaultSubcommand: Serve.self)
}

/// Prints a message for a person to fd 2 and exits 1: no stack traces for configuration mistakes.
func fail(_ message: String) -> Never {
    var line = Array("collector: \(message)\n".utf8)
    _ = line.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    exit(1)
}

func environment() -> [String: String] {
    var values: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let text = String(cString: entry)
        if let equals = text.firstIndex(of: "=") {
            values[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        pointer += 1
    }
    return values
}

struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URI; defaults to $DATABASE_URL.")
    var databaseURL: String?

    var url: String {
        guard let url = databaseURL ?? environment()["DATABASE_URL"], !url.isEmpty else {
            fail("DATABASE_URL is not set: give it in the environment or as --database-url")
        }
        return url
    }

    func connect() -> PostgresConnection {
        do {
            return try PostgresConnection.connect(
                url: url, applicationName: "collector-cli", connectTimeoutSeconds: 5, statementTimeout: .seconds(60))
        } catch {
            fail("\(error)")
        }
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate the database, then serve the API until SIGTERM or SIGINT (`collector serve --help` lists every setting).")

    @Argument(parsing: .captureForPassthrough, help: "Settings as --name value.")
    var options: [String] = []

    func run() throws {
        if options.contains("--help") || options.contains("-h") {
            print(SettingsHelp.text(), terminator: "")
            return
        }
        let settings: Settings
        do {
            settings = try SettingDefinition.resolve(environment: environment(), arguments: options)
        } catch {
            fail(error.description)
        }
        let level = settings.logLevel
        let format = settings.logFormat
        LoggingSystem.bootstrap { LogLineHandler(label: $0, level: level, format: format) }
        let logger = Logger(label: "collector")
        raiseOpenFileLimit()

        // Only this thread takes SIGTERM and SIGINT: block them before any other thread exists, then wait.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)

        let service: Service
        do {
            service = try Service(settings: settings, logger: logger)
        } catch {
            fail(error.description)
        }
        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("signal received", metadata: ["signal": "\(received == SIGTERM ? "SIGTERM" : "SIGINT")"])
        service.shutdown()
    }

    /// Thousands of kept-alive connections need more descriptors than a shell's default soft limit of 1024.
    private func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations and exit.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .customLong("migrations-dir"),
            help: "Folder of the .sql migrations; defaults to $MIGRATIONS_DIR, else the sql folder beside the binary.")
    var migrationsDirectory: String?

    func run() throws {
        guard let directory = MigrationsLocation.resolve(explicit: migrationsDirectory ?? environment()["MIGRATIONS_DIR"] ?? "")
        else { fail(MigrationsLocation.notFound) }
        let connection = database.connect()
        do {
            let applied = try Migrator(directory: directory).migrate(connection)
            print(applied.isEmpty ? "nothing to apply" : applied.map { "applied \($0)" }.joined(separator: "\n"))
        } catch {
            fail(error.description)
        }
    }
}

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage hosts' ingest keys and read keys (only their SHA-256 hashes are stored).",
        subcommands: [Create.self, List.self, Rotate.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key for a host and print it (only the key, on stdout): API_KEY=$(collector keys create --host laptop)",
            discussion: """
                With --read instead of --host, a read key: it queries and exports every host's telemetry (GET /api/v1/...) \
                and may send nothing. It is listed, rotated and revoked as host read:<name>, the name taken from the \
                description: collector keys create --read --description "HomeAssistant" makes read:homeassistant.
                """)

        @OptionGroup var database: DatabaseOption
        @Option(help: "The host this key belongs to, e.g. laptop.") var host: String?
        @Flag(help: "Make a read key (for the query API) instead of a host's ingest key; needs --description.") var read = false
        @Option(help: "A note for people, e.g. \"Laptop host\".") var description: String?

        func validate() throws {
            if read {
                guard host == nil else { throw ValidationError("a read key belongs to no host: give --read or --host, not both") }
                guard let description, !description.isEmpty else {
                    throw ValidationError("--read needs --description, e.g. --description \"HomeAssistant\"; the key's name comes from it")
                }
            } else {
                guard let host else { throw ValidationError("give --host <name> for a host's key, or --read for a read key") }
                guard !host.isEmpty, host.count <= 128 else { throw ValidationError("--host must be 1 to 128 characters") }
            }
        }

        func run() throws {
            let administration = KeyAdministration(connection: database.connect())
            do {
                if read, let description {
                    print(try administration.create(host: KeyAdministration.readerName(description: description),
                                                    description: description, scope: .read))
                } else if let host {
                    print(try administration.create(host: host, description: description))
                }
            } catch {
                fail("\(error)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys by host, with their scope (hash prefixes, never keys).")

        @OptionGroup var database: DatabaseOption

        func run() throws {
            do {
                let entries = try KeyAdministration(connection: database.connect()).list()
                print("HASH_PREFIX   HOST                 SCOPE   CREATED               LAST_USED             REVOKED               DESCRIPTION")
                for entry in entries {
                    func column(_ text: String?, _ width: Int) -> String {
                        let value = text ?? "-"
                        return value + String(repeating: " ", count: max(1, width - value.count))
                    }
                    print(column(entry.hashPrefix, 14) + column(entry.hostID, 21) + column(entry.scope, 8) + column(entry.createdAt, 22)
                          + column(entry.lastUsedAt, 22) + column(entry.revokedAt, 22) + (entry.description ?? ""))
                }
            } catch {
                fail("\(error)")
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new key for a host and print it; the host's old keys keep working for the grace period, then stop.")

        @OptionGroup var database: DatabaseOption
        @Option(help: "The host whose key to replace.") var host: String
        @Option(name: .customLong("grace-hours"), help: "How long the old keys keep working.") var graceHours: Int = 24
        @Option(help: "A note for people.") var description: String?

        func run() throws {
            guard graceHours >= 0 else { fail("--grace-hours must be 0 or more") }
            do {
                print(try KeyAdministration(connection: database.connect())
                    .rotate(host: host, grace: .seconds(graceHours * 3600), description: description))
            } catch {
                fail("\(error)")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a host's keys, or one key by hash prefix (from `keys list`, at least 6 characters).")

        @OptionGroup var database: DatabaseOption
        @Option(help: "Revoke every active key of this host.") var host: String?
        @Option(name: .customLong("hash-prefix"), help: "Revoke the key whose hash starts with this.") var hashPrefix: String?

        func validate() throws {
            guard (host == nil) != (hashPrefix == nil) else {
                throw ValidationError("give exactly one of --host or --hash-prefix")
            }
        }

        func run() throws {
            do {
                let count = try KeyAdministration(connection: database.connect()).revoke(host: host, hashPrefix: hashPrefix)
                print("revoked \(count) key\(count == 1 ? "" : "s")")
            } catch {
                fail("\(error)")
            }
        }
    }
}

import Glibc

/// Where the collector's migrations are when MIGRATIONS_DIR does not say: in a `sql` folder beside the binary or
/// in one of the folders above it (a build under `.build/` finds the checkout's `sql/`), or in
/// `../share/agent-telemetry/sql` beside an installed binary. Never relative to the working directory, so the
/// binary behaves the same from any folder.
public enum MigrationsLocation {
    /// `explicit` when given, else the first folder found that holds `001_initial.sql`.
    public static func resolve(explicit: String) -> String? {
        if !explicit.isEmpty { return explicit }
        return candidates(executable: executablePath()).first { fileExists("\($0)/001_initial.sql") }
    }

    /// The folders looked in, nearest first.
    public static func candidates(executable: String) -> [String] {
        var folders: [String] = []
        var directory = parent(of: executable)
        folders.append(directory + "/../share/agent-telemetry/sql")
        while true {
            folders.append((directory == "/" ? "" : directory) + "/sql")
            guard directory != "/" else { break }
            directory = parent(of: directory)
        }
        return folders
    }

    /// What `resolve` says when nothing is found.
    public static let notFound = "cannot find the migrations: no sql/001_initial.sql beside the collector binary or "
        + "above it; set MIGRATIONS_DIR (or --migrations-dir) to the project's sql folder"

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    private static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "." }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func fileExists(_ path: String) -> Bool {
        access(path, R_OK) == 0
    }
}

import Glibc

/// Runs each file (or each file in each folder) through `target` once; prints how many.
public func replayCorpus(_ paths: some Sequence<String>, through target: (UnsafeRawBufferPointer) -> Void) throws {
    var count = 0
    for path in paths {
        for file in files(at: path) {
            guard let handle = fopen(file, "rb") else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let read = fread(&chunk, 1, chunk.count, handle)
                if read == 0 { break }
                bytes.append(contentsOf: chunk[0..<read])
            }
            fclose(handle)
            bytes.withUnsafeBytes { target($0) }
            count += 1
        }
    }
    print("replayed \(count) inputs")
}

private func files(at path: String) -> [String] {
    guard let directory = opendir(path) else { return [path] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        if !name.hasPrefix(".") { names.append("\(path)/\(name)") }
    }
    return names.sorted()
}

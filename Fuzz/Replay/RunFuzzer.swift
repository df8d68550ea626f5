#if FUZZING
import CFuzzer
import Glibc

// libFuzzer calls back through a C function pointer, which cannot carry context: the target waits here, set once
// before the driver starts and only read after.
nonisolated(unsafe) private var fuzzTarget: ((UnsafeRawBufferPointer) -> Void)?

/// Hands the process to libFuzzer with `target` as the function under test.
public func runFuzzer(_ target: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    fuzzTarget = target
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzTarget?(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
    exit(status)
}
#endif

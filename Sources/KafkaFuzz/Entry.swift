// libFuzzer's entry points, for the FUZZING build (`Tests/Fuzz/run-fuzz.sh`): the target is
// chosen by KAFKA_FUZZ_TARGET.
#if canImport(Glibc)
import Glibc
#endif

/// The target this process fuzzes; set once by `LLVMFuzzerInitialize`.
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> Int32 {
    let name = getenv("KAFKA_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    if name == "list" {
        for target in FuzzTargets.all { print(target.name) }
        exit(0)
    }
    guard let target = FuzzTargets.named(name) else {
        print("KafkaFuzz: set KAFKA_FUZZ_TARGET to one of: \(FuzzTargets.all.map(\.name).joined(separator: " ")) (or list)")
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected?.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

import Foundation

/// The bytes of a file the test harness reads again and again (a child's captured output), or
/// empty when it cannot be read.
///
/// Not `Data(contentsOf:)`: in this Foundation, reading an empty file that way leaks the 4 KB
/// buffer it allocated (LeakSanitizer in `make test-asan` showed 1.2 MB of them from children whose
/// output files were empty); `FileHandle.readToEnd` frees it.
func fileBytes(_ path: String) -> Data {
    guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
    defer { try? handle.close() }
    return (try? handle.readToEnd()) ?? Data()
}

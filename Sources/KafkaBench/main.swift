// Micro-benchmarks for the record path: CRC-32C, record batch encode/decode per codec, gzip
// implementations, and per-thread codec context reuse. Meaningful only in release:
//
//     swift build -c release --product KafkaBench && .build/release/KafkaBench [--json] [--quick]
import CLZ4
import CZlib
import CZstd
import KafkaProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let sections = ["crc", "batch", "gzip", "contexts", "dashboard"]
let arguments = Array(CommandLine.arguments.dropFirst())
let selected = arguments.filter { $0.hasPrefix("--only=") }.flatMap { $0.dropFirst("--only=".count).split(separator: ",").map(String.init) }
let unknown = arguments.filter { !["--json", "--quick"].contains($0) && !$0.hasPrefix("--only=") } + selected.filter { !sections.contains($0) }
if !unknown.isEmpty {
    print("usage: KafkaBench [--json] [--quick] [--only=\(sections.joined(separator: ","))]")
    print("  --json   print one JSON object instead of a table")
    print("  --quick  shorter timing rounds (noisier)")
    print("  --only   run only these sections")
    exit(arguments.contains("--help") || arguments.contains("-h") ? 0 : 2)
}
let emitJSON = arguments.contains("--json")
let benchmarks = Benchmarks(
    harness: arguments.contains("--quick") ? Harness(roundDuration: .milliseconds(100), rounds: 2) : Harness(roundDuration: .milliseconds(400), rounds: 3),
    progress: { if !emitJSON { print($0) } }
)
let wants = { (section: String) in selected.isEmpty || selected.contains(section) }

var results: [Measurement] = []
do {
    if wants("crc") { results += benchmarks.crc() }
    if wants("batch") { results += try benchmarks.batches() }
    if wants("gzip") { results += try benchmarks.gzip() }
    if wants("contexts") { results += try benchmarks.contexts() }
    if wants("dashboard") { results += benchmarks.dashboard() + benchmarks.dashboardGroups() }
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}

let environment: [(String, String)] = [
    ("crc32c", CRC32C.isHardwareAccelerated ? "sse4.2" : "software"),
    ("zlib", String(cString: zlibVersion())),
    ("zstd", String(cString: ZSTD_versionString())),
    ("lz4", String(cString: LZ4_versionString())),
    ("records per batch", String(Benchmarks.recordsPerBatch)),
]
if emitJSON {
    print(Report.json(results, environment: environment))
} else {
    print("")
    print(Report.table(results, header: "KafkaBench - " + environment.map { "\($0.0): \($0.1)" }.joined(separator: ", ")))
}

import Foundation

/// One line of `kfast consume -J`, with the key, payload and header values decoded to bytes.
struct EnvelopeLine {
    var topic: String
    var partition: Int32
    var offset: Int64
    var tstype: String
    var ts: Int64
    var broker: Int
    var key: Data?
    var payload: Data?
    var headers: [PeerHeader]
    /// The keys of the object in the order printed.
    var fieldOrder: [String]

    static func parseAll(_ stdout: String) throws -> [EnvelopeLine] {
        try stdout.split(separator: "\n").map { try EnvelopeLine(String($0)) }
    }

    init(_ line: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw PeerError(description: "not a JSON object: \(line)")
        }
        func bytes(_ field: String) throws -> Data? {
            guard let text = object[field] as? String else { return nil }
            if object["\(field)_encoding"] as? String == "base64" {
                guard let data = Data(base64Encoded: text) else { throw PeerError(description: "bad base64 in \(line)") }
                return data
            }
            return Data(text.utf8)
        }
        topic = object["topic"] as? String ?? ""
        partition = (object["partition"] as? NSNumber)?.int32Value ?? -1
        offset = (object["offset"] as? NSNumber)?.int64Value ?? -1
        tstype = object["tstype"] as? String ?? ""
        ts = (object["ts"] as? NSNumber)?.int64Value ?? -1
        broker = (object["broker"] as? NSNumber)?.intValue ?? -2
        key = try bytes("key")
        payload = try bytes("payload")
        let flat = object["headers"] as? [Any] ?? []
        let headersBase64 = object["headers_encoding"] as? String == "base64"
        headers = stride(from: 0, to: flat.count - 1, by: 2).map { index in
            let value = (flat[index + 1] as? String).map { headersBase64 ? Data(base64Encoded: $0)! : Data($0.utf8) }
            return PeerHeader(flat[index] as? String ?? "", value)
        }
        // JSONSerialization loses the order: read the keys back from the text.
        let pattern = try NSRegularExpression(pattern: #""([a-z_]+)":"#)
        let knownKeys: Set<String> = ["topic", "partition", "offset", "tstype", "ts", "broker", "headers", "headers_encoding",
                                      "key", "key_encoding", "payload", "payload_encoding"]
        fieldOrder = pattern.matches(in: line, range: NSRange(line.startIndex..., in: line)).compactMap {
            Range($0.range(at: 1), in: line).map { String(line[$0]) }
        }.filter { knownKeys.contains($0) }
    }
}

/// A `kfast` child process the test can signal (Ctrl-C) while it runs.
final class RunningKfast: @unchecked Sendable {
    private let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL

    init(_ args: [String]) throws {
        let folder = (try? TestEnvironment.runDirectory()).map { $0 + "/peer-io" } ?? NSTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = folder + "/kfast-\(UUID().uuidString)"
        stdoutURL = URL(fileURLWithPath: base + ".out")
        stderrURL = URL(fileURLWithPath: base + ".err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: Kfast.path)
        process.arguments = args
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var stdout: String { String(decoding: fileBytes(stdoutURL.path), as: UTF8.self) }
    var stderr: String { String(decoding: fileBytes(stderrURL.path), as: UTF8.self) }

    /// Polls until `condition` holds on the output so far, or `timeout` passes.
    func waitForOutput(timeout: TimeInterval, _ condition: (String) -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(stdout) { return true }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        return condition(stdout)
    }

    func interrupt() { kill(process.processIdentifier, SIGINT) }

    /// Waits for the exit (SIGKILL after `timeout`) and returns the status.
    func wait(timeout: TimeInterval) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw PeerError(description: "kfast did not exit within \(timeout) s; stderr: \(stderr)")
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
    }
}

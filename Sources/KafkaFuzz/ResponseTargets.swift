import KafkaFast
import KafkaProtocol
import NIOCore

/// Every generated response decoder at every version: the first byte picks the version, the
/// rest is the body. Decoding never traps; what decodes encodes back and decodes to the same.
enum ResponseTargets {
    static let all: [FuzzTarget] = allKafkaRequestTypes.map { target(for: $0) }

    static func target(for request: any KafkaRequestMessage.Type) -> FuzzTarget {
        FuzzTarget(name: "response-\(KafkaAPI.name(of: request.apiKey))") { bytes in
            var input = FuzzInput(bytes)
            let versions = request.validVersions
            let version = Int16(input.int(in: Int(versions.lowerBound)...Int(versions.upperBound)))
            roundTrip(request, version: version, body: input.rest())
        }
    }

    static func roundTrip<Request: KafkaRequestMessage>(_: Request.Type, version: Int16, body: ByteBuffer) {
        var body = body
        guard let decoded = try? Request.Response(from: &body, version: version) else { return }
        var encoded = ByteBuffer()
        // A decoded string past Kafka's limit (bytes that were not UTF-8 grow when repaired) may not encode.
        guard (try? decoded.encode(into: &encoded, version: version)) != nil else { return }
        let again: Request.Response
        do {
            again = try Request.Response(from: &encoded, version: version)
        } catch {
            fatalError("fuzz invariant broken: \(Request.Response.self) v\(version) encoded what it cannot decode: \(error)")
        }
        require(again == decoded, "\(Request.Response.self) v\(version) changed in a round trip")
        require(encoded.readableBytes == 0, "\(Request.Response.self) v\(version) left \(encoded.readableBytes) bytes of its own encoding")
    }
}

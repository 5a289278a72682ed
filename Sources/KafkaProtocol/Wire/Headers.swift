import NIOCore

/// The header in front of every request body.
///
/// v0: api key, api version, correlation id. v1 adds the client id. v2 (flexible requests)
/// adds a tagged-field section, but the client id keeps its classic int16 length: the header
/// schema opts that one field out of flexible encoding so a broker can always read it.
public struct RequestHeader: Sendable, Equatable {
    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?

    public init(apiKey: Int16, apiVersion: Int16, correlationId: Int32, clientId: String?) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    public func encode(into buffer: inout ByteBuffer, headerVersion: Int16) throws(KafkaWireError) {
        guard (0...2).contains(headerVersion) else {
            throw .unsupportedVersion(api: apiKey, version: headerVersion)
        }
        buffer.writeKafkaInt16(apiKey)
        buffer.writeKafkaInt16(apiVersion)
        buffer.writeKafkaInt32(correlationId)
        if headerVersion >= 1 {
            try buffer.writeKafkaNullableString(clientId, compact: false, field: "RequestHeader.clientId")
        }
        if headerVersion >= 2 {
            buffer.writeKafkaEmptyTaggedFields()
        }
    }

    /// Decodes a header, as a broker (or a test standing in for one) would.
    public init(from buffer: inout ByteBuffer, headerVersion: Int16) throws(KafkaWireError) {
        guard (0...2).contains(headerVersion) else {
            throw .unsupportedVersion(api: -1, version: headerVersion)
        }
        apiKey = try buffer.readKafkaInt16(field: "RequestHeader.apiKey")
        apiVersion = try buffer.readKafkaInt16(field: "RequestHeader.apiVersion")
        correlationId = try buffer.readKafkaInt32(field: "RequestHeader.correlationId")
        clientId = nil
        if headerVersion >= 1 {
            clientId = try buffer.readKafkaNullableString(compact: false, field: "RequestHeader.clientId")
        }
        if headerVersion >= 2 {
            try buffer.skipKafkaTaggedFields(field: "RequestHeader tagged fields")
        }
    }
}

/// The header in front of every response body: the correlation id, plus (v1) tagged fields.
public struct ResponseHeader: Sendable, Equatable {
    public var correlationId: Int32

    public init(correlationId: Int32) {
        self.correlationId = correlationId
    }

    /// Reads the header; for v1 the tagged fields are read and ignored (none are defined).
    public init(from buffer: inout ByteBuffer, headerVersion: Int16) throws(KafkaWireError) {
        guard headerVersion == 0 || headerVersion == 1 else {
            throw .unsupportedVersion(api: -1, version: headerVersion)
        }
        correlationId = try buffer.readKafkaInt32(field: "ResponseHeader.correlationId")
        if headerVersion == 1 {
            try buffer.skipKafkaTaggedFields(field: "ResponseHeader tagged fields")
        }
    }

    public func encode(into buffer: inout ByteBuffer, headerVersion: Int16) throws(KafkaWireError) {
        guard headerVersion == 0 || headerVersion == 1 else {
            throw .unsupportedVersion(api: -1, version: headerVersion)
        }
        buffer.writeKafkaInt32(correlationId)
        if headerVersion == 1 {
            buffer.writeKafkaEmptyTaggedFields()
        }
    }
}

extension KafkaRequestMessage {
    /// Appends a complete request frame: `int32 size`, the request header (v1 or v2, chosen
    /// from `version`), then this body encoded at `version`.
    ///
    /// On error the buffer is left as it was, so frames already in it can still be sent.
    public func encodeRequestFrame(
        into buffer: inout ByteBuffer, version: Int16, correlationId: Int32, clientId: String?
    ) throws(KafkaWireError) {
        guard Self.validVersions.contains(version) else {
            throw .unsupportedVersion(api: Self.apiKey, version: version)
        }
        let frameStart = buffer.writerIndex
        do throws(KafkaWireError) {
            buffer.writeInteger(Int32(0))  // size placeholder, patched below
            let header = RequestHeader(
                apiKey: Self.apiKey, apiVersion: version, correlationId: correlationId, clientId: clientId)
            try header.encode(into: &buffer, headerVersion: Self.requestHeaderVersion(version))
            try encode(into: &buffer, version: version)
            let size = buffer.writerIndex - frameStart - 4
            guard size <= Int(Int32.max) else {
                throw .tooLarge("request frame of \(size) bytes")
            }
            buffer.setInteger(Int32(size), at: frameStart)
        } catch {
            buffer.moveWriterIndex(to: frameStart)
            throw error
        }
    }

    public func encodeRequestSegments(
        version: Int16, correlationId: Int32, clientId: String?, allocator: ByteBufferAllocator
    ) throws(KafkaWireError) -> [ByteBuffer] {
        [try requestFrame(version: version, correlationId: correlationId, clientId: clientId, allocator: allocator)]
    }

    /// Convenience for `encodeRequestFrame(into:...)` that returns a new buffer.
    public func requestFrame(
        version: Int16, correlationId: Int32, clientId: String?,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(KafkaWireError) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256)
        try encodeRequestFrame(into: &buffer, version: version, correlationId: correlationId, clientId: clientId)
        return buffer
    }

    /// Reads a response frame's header and body (the `int32 size` already stripped by the
    /// frame decoder), using the header version this request's response carries.
    public static func decodeResponseFrame(
        _ buffer: inout ByteBuffer, version: Int16
    ) throws(KafkaWireError) -> (header: ResponseHeader, response: Response) {
        let header = try ResponseHeader(from: &buffer, headerVersion: responseHeaderVersion(version))
        let response = try Response(from: &buffer, version: version)
        return (header, response)
    }
}

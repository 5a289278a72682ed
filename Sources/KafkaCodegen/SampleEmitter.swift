import Foundation

/// Emits test fixtures: for every message and nested struct, a `sample(version:nulls:)` that
/// fills each field present at `version` with a value different from its default (or with nil
/// where `nulls` is set and the version allows it). Round-trip tests encode and decode these at
/// every valid version; the expected bytes of the byte-exact tests are written by hand instead.
struct SampleEmitter {
    let message: MessageDef
    private var counter = 0

    init(message: MessageDef) {
        self.message = message
    }

    mutating func emit(into out: inout CodeWriter) throws {
        out.open("extension \(message.name): RoundTripSample {")
        try emitSample(message.root, qualifiedName: message.name, into: &out)
        out.close()
        for def in message.nested {
            out.line()
            out.open("extension \(message.name).\(def.name) {")
            try emitSample(def, qualifiedName: "\(message.name).\(def.name)", into: &out)
            out.close()
        }
    }

    private mutating func emitSample(_ def: StructDef, qualifiedName: String, into out: inout CodeWriter) throws {
        let code = FieldCode(message: message, def: def)
        out.open("static func sample(version: Int16, nulls: Bool = false) -> \(qualifiedName) {")
        out.line("var value = \(qualifiedName)()")
        for field in def.fields {
            var present = field.versions
            if field.isTagged { present = present.intersection(message.flexibleVersions) }
            let presentCondition = condition(present)
            guard presentCondition != "false" else { continue }
            let sample = try sampleExpression(field.type, field: field, code: code)
            var assignment = "value.\(field.swiftName) = \(sample)"
            if field.isOptional {
                let nullable = condition(field.nullableVersions.intersection(present))
                if nullable != "false" {
                    let whenNull = nullable.map { "nulls && \($0)" } ?? "nulls"
                    assignment = "value.\(field.swiftName) = \(whenNull) ? nil : \(sample)"
                }
            }
            if let presentCondition {
                out.line("if \(presentCondition) { \(assignment) }")
            } else {
                out.line(assignment)
            }
        }
        out.line("return value")
        out.close()
    }

    private func condition(_ range: VersionRange) -> String? {
        let selected = range.intersection(message.validVersions)
        if selected.isEmpty { return "false" }
        if selected == message.validVersions { return nil }
        var parts: [String] = []
        if selected.lowest > message.validVersions.lowest { parts.append("version >= \(selected.lowest)") }
        if selected.highest < message.validVersions.highest { parts.append("version <= \(selected.highest)") }
        return parts.joined(separator: " && ")
    }

    private mutating func nextNumber() -> Int {
        counter += 1
        return counter
    }

    private mutating func sampleExpression(_ type: FieldType, field: Field, code: FieldCode) throws -> String {
        switch type {
        case .array(let element):
            let first = try sampleExpression(element, field: field, code: code)
            let second = try sampleExpression(element, field: field, code: code)
            return "[\(first), \(second)]"
        case .structure(let name):
            return "\(message.name).\(name).sample(version: version, nulls: nulls)"
        case .primitive(let primitive):
            let number = nextNumber()
            switch primitive {
            case .bool: return try code.defaultExpression(field) == "true" ? "false" : "true"
            case .int8: return "Int8(\(10 + number % 100))"
            case .int16: return "Int16(\(1000 + number))"
            case .uint16: return "UInt16(\(40000 + number))"
            case .int32: return "Int32(\(100_000 + number))"
            case .int64: return "Int64(\(10_000_000_000 + number))"
            case .uint32: return "UInt32(\(3_000_000_000 + number))"
            case .float64: return "Double(\(number)) + 0.25"
            case .string: return "\"\(Naming.plain(field.swiftName))-\(number)\""
            case .bytes, .records: return "ByteBuffer(string: \"bytes-\(number)\")"
            case .uuid: return "KafkaUUID(high: \(number), low: 0xFEED_FACE_CAFE_BEEF)"
            }
        }
    }
}

import Foundation

/// Emits one Swift struct: stored properties, memberwise init, encode and decode.
struct StructEmitter {
    let message: MessageDef
    let def: StructDef
    let isRoot: Bool

    private var code: FieldCode { FieldCode(message: message, def: def) }
    private var regularFields: [Field] { def.fields.filter { !$0.isTagged } }
    private var taggedFields: [Field] { def.fields.filter(\.isTagged).sorted { $0.tag! < $1.tag! } }

    /// `Self.apiKey` for API messages; data messages (consumer protocol) have no key.
    private var apiKeyExpression: String {
        guard message.apiKey != nil else { return "-1" }
        return isRoot ? "Self.apiKey" : "\(message.name).apiKey"
    }

    func emit(into out: inout CodeWriter) throws {
        try checkElementsTakeSpace()
        try emitDeclarationHead(into: &out)
        for field in def.fields {
            out.line("public var \(field.swiftName): \(field.swiftType)")
        }
        out.line()
        try emitInit(into: &out)
        out.line()
        try emitEncode(into: &out)
        out.line()
        try emitDecode(into: &out)
        out.close()
    }

    private func emitDeclarationHead(into out: inout CodeWriter) throws {
        guard isRoot else {
            out.open("public struct \(def.name): Sendable, Equatable {")
            return
        }
        let valid = message.validVersions
        let firstFlexible = message.flexibleVersions.isEmpty ? "nil" : String(message.flexibleVersions.lowest)
        switch message.kind {
        case .request:
            guard message.name.hasSuffix("Request") else { throw SchemaError("\(message.name): request without Request suffix") }
            out.open("public struct \(def.name): KafkaRequestMessage, Equatable {")
            out.line("public typealias Response = \(message.name.dropLast("Request".count))Response")
        case .response, .data:
            out.open("public struct \(def.name): KafkaResponseMessage, Equatable {")
        }
        if let apiKey = message.apiKey {
            out.line("public static let apiKey: Int16 = \(apiKey)")
        }
        out.line("public static let validVersions: ClosedRange<Int16> = \(valid.lowest)...\(valid.highest)")
        out.line("public static let firstFlexibleVersion: Int16? = \(firstFlexible)")
        out.line()
    }

    private func emitInit(into out: inout CodeWriter) throws {
        guard !def.fields.isEmpty else {
            out.line("public init() {}")
            return
        }
        out.open("public init(")
        for (index, field) in def.fields.enumerated() {
            let separator = index == def.fields.count - 1 ? "" : ","
            out.line("\(field.swiftName): \(field.swiftType) = \(try code.defaultExpression(field))\(separator)")
        }
        out.reopen(") {")
        for field in def.fields {
            out.line("self.\(field.swiftName) = \(field.swiftName)")
        }
        out.close()
    }

    // MARK: Encode

    private func emitEncode(into out: inout CodeWriter) throws {
        out.open("public func encode(into buffer: inout ByteBuffer, version: Int16) throws(KafkaWireError) {")
        if isRoot {
            out.open("guard Self.validVersions.contains(version) else {")
            out.line("throw .unsupportedVersion(api: \(apiKeyExpression), version: version)")
            out.close()
        }
        let flexible = code.flexibleCondition
        if let flexible, flexible != "false" { out.line("let flexible = \(flexible)") }

        for field in regularFields {
            let present = code.condition(field.versions)
            let presentRange = field.versions.intersection(def.versions)
            if present == "false" {
                try emitAbsentCheck(field, when: nil, into: &out)
                continue
            }
            if let present { out.open("if \(present) {") }
            try code.writeStatements(
                field.type, optional: field.isOptional, value: "self.\(field.swiftName)", buffer: "buffer",
                compact: code.compactArgument(field), nullable: code.nullableArgument(field, present: presentRange),
                label: code.label(field), into: &out)
            if present != nil {
                if !field.ignorable {
                    out.reopen("} else if \(try code.nonDefaultCondition(field, value: "self.\(field.swiftName)")) {")
                    out.line("throw .unsupportedVersion(api: \(apiKeyExpression), version: version)")
                }
                out.close()
            }
        }
        try emitTaggedFieldsEncode(into: &out)
        out.close()
    }

    /// Kafka refuses to silently drop a non-ignorable field that holds a non-default value:
    /// doing so would change the request's meaning (e.g. `validateOnly`).
    private func emitAbsentCheck(_ field: Field, when condition: String?, into out: inout CodeWriter) throws {
        guard !field.ignorable else { return }
        var test = try code.nonDefaultCondition(field, value: "self.\(field.swiftName)")
        if let condition { test = "\(condition) && \(test)" }
        out.open("if \(test) {")
        out.line("throw .unsupportedVersion(api: \(apiKeyExpression), version: version)")
        out.close()
    }

    /// Versions in which a tagged field can be written: tagged, flexible and in this struct.
    private func taggedRange(_ field: Field) -> VersionRange {
        field.taggedVersions.intersection(message.flexibleVersions).intersection(def.versions)
    }

    /// The condition for a tagged field inside `if flexible { ... }`, where flexibility is known.
    private func taggedCondition(_ field: Field) -> String? {
        code.condition(taggedRange(field), within: message.flexibleVersions.intersection(def.versions))
    }

    private func emitTaggedFieldsEncode(into out: inout CodeWriter) throws {
        let flexible = code.flexibleCondition
        for field in taggedFields {
            let written = code.condition(taggedRange(field))
            if written == "false" {
                try emitAbsentCheck(field, when: nil, into: &out)
            } else if let written {
                try emitAbsentCheck(field, when: "!(\(written))", into: &out)
            }
        }
        guard flexible != "false" else { return }
        if flexible != nil { out.open("if flexible {") }
        let known = taggedFields.filter { !taggedRange($0).isEmpty }
        if known.isEmpty {
            out.line("buffer.writeKafkaEmptyTaggedFields()")
        } else {
            out.line("var taggedFieldCount = 0")
            for field in known {
                var test = try code.nonDefaultCondition(field, value: "self.\(field.swiftName)")
                if let written = taggedCondition(field) { test = "\(written) && \(test)" }
                out.line("let \(flagName(field)) = \(test)")
                out.line("if \(flagName(field)) { taggedFieldCount += 1 }")
            }
            out.line("buffer.writeUnsignedVarint(UInt64(taggedFieldCount))")
            for field in known {
                out.open("if \(flagName(field)) {")
                out.line("var value = ByteBuffer()")
                try code.writeStatements(
                    field.type, optional: field.isOptional, value: "self.\(field.swiftName)", buffer: "value",
                    compact: "true", nullable: code.nullableArgument(field, present: taggedRange(field)),
                    label: code.label(field), into: &out)
                out.line("buffer.writeKafkaTaggedField(tag: \(field.tag!), value: value)")
                out.close()
            }
        }
        if flexible != nil { out.close() }
    }

    private func flagName(_ field: Field) -> String {
        let plain = Naming.plain(field.swiftName)
        return "write" + plain.prefix(1).uppercased() + plain.dropFirst()
    }

    // MARK: Decode

    private func emitDecode(into out: inout CodeWriter) throws {
        out.open("public init(from buffer: inout ByteBuffer, version: Int16) throws(KafkaWireError) {")
        if isRoot {
            out.open("guard Self.validVersions.contains(version) else {")
            out.line("throw .unsupportedVersion(api: \(apiKeyExpression), version: version)")
            out.close()
        }
        out.line("self.init()")
        let flexible = code.flexibleCondition
        if let flexible, flexible != "false" { out.line("let flexible = \(flexible)") }
        for field in regularFields {
            let present = code.condition(field.versions)
            if present == "false" { continue }
            if let present { out.open("if \(present) {") }
            try code.readStatements(
                field.type, optional: field.isOptional, target: "self.\(field.swiftName)", buffer: "buffer",
                compact: code.compactArgument(field),
                nullable: code.nullableArgument(field, present: field.versions.intersection(def.versions)),
                label: code.label(field), into: &out)
            if present != nil { out.close() }
        }
        if flexible != "false" {
            if flexible != nil { out.open("if flexible {") }
            try emitTaggedFieldsDecode(into: &out)
            if flexible != nil { out.close() }
        }
        out.close()
    }

    private func emitTaggedFieldsDecode(into out: inout CodeWriter) throws {
        let known = taggedFields.filter { !taggedRange($0).isEmpty }
        guard !known.isEmpty else {
            out.line("try buffer.skipKafkaTaggedFields(field: \"\(def.name)\")")
            return
        }
        out.line("let taggedFieldCount = try buffer.readKafkaTaggedFieldCount(field: \"\(def.name)\")")
        out.open("for _ in 0..<taggedFieldCount {")
        out.line("let (tag, size) = try buffer.readKafkaTaggedFieldHeader(field: \"\(def.name)\")")
        out.line("switch tag {")
        for field in known {
            if let written = taggedCondition(field) {
                out.open("case \(field.tag!) where \(written):")
            } else {
                out.open("case \(field.tag!):")
            }
            out.line("var value = try buffer.readKafkaSlice(length: size, field: \"\(code.label(field))\")")
            try code.readStatements(
                field.type, optional: field.isOptional, target: "self.\(field.swiftName)", buffer: "value",
                compact: "true", nullable: code.nullableArgument(field, present: taggedRange(field)),
                label: code.label(field), into: &out)
            out.dedent()
        }
        out.open("default:")
        out.line("buffer.moveReaderIndex(forwardBy: size)")
        out.close("}")
        out.close()
    }

    // MARK: Checks

    /// Array counts are bounded by `count * 1 <= remaining bytes`; that needs every element of
    /// a struct array to take at least one byte in every non-flexible version.
    private func checkElementsTakeSpace() throws {
        guard !isRoot, !def.versions.isEmpty else { return }
        let last = min(def.versions.highest, message.validVersions.highest)
        guard def.versions.lowest <= last else { return }
        for version in def.versions.lowest...last {
            let single = VersionRange(lowest: version, highest: version)
            if !message.flexibleVersions.intersection(single).isEmpty { continue }
            if regularFields.contains(where: { !$0.versions.intersection(single).isEmpty }) { continue }
            throw SchemaError("\(def.name) encodes to zero bytes at version \(version)")
        }
    }
}

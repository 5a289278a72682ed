import Foundation

/// Version conditions and per-type snippets for one struct being emitted.
struct FieldCode {
    let message: MessageDef
    let def: StructDef

    var context: VersionRange { def.versions }

    /// A Swift condition on `version` selecting `range` within `scope`: nil when it always
    /// holds there, "false" when it never does.
    func condition(_ range: VersionRange, within scope: VersionRange? = nil) -> String? {
        let scope = scope ?? context
        let selected = range.intersection(scope)
        if selected.isEmpty { return "false" }
        if selected == scope { return nil }
        if selected.lowest == selected.highest { return "version == \(selected.lowest)" }
        var parts: [String] = []
        if selected.lowest > scope.lowest { parts.append("version >= \(selected.lowest)") }
        if selected.highest < scope.highest { parts.append("version <= \(selected.highest)") }
        return parts.joined(separator: " && ")
    }

    /// The condition under which this struct is encoded flexibly.
    var flexibleCondition: String? { condition(message.flexibleVersions) }

    /// What to pass as `compact:` for `field` in a regular (untagged) position.
    func compactArgument(_ field: Field) -> String {
        var flexible = message.flexibleVersions
        if let override = field.flexibleOverride { flexible = flexible.intersection(override) }
        let inFlexible = condition(flexible)
        if field.flexibleOverride == nil, inFlexible != nil, inFlexible != "false" { return "flexible" }
        return inFlexible ?? "true"
    }

    /// What to pass as `nullable:` for `field`, given the versions in which it is present.
    func nullableArgument(_ field: Field, present: VersionRange) -> String {
        condition(field.nullableVersions, within: present) ?? "true"
    }

    func label(_ field: Field) -> String { "\(def.name).\(Naming.plain(field.swiftName))" }

    // MARK: Defaults

    func defaultExpression(_ field: Field) throws -> String {
        let given = field.defaultValue
        if field.isOptional, given == nil || given == "null" { return "nil" }
        if given == "null" { throw SchemaError("\(label(field)): default null on a non-nullable field") }
        switch field.type {
        case .array:
            return "[]"
        case .structure(let name):
            return "\(name)()"
        case .primitive(let primitive):
            return try primitiveDefault(primitive, given, field: field)
        }
    }

    private func primitiveDefault(_ primitive: Primitive, _ given: String?, field: Field) throws -> String {
        switch primitive {
        case .bool:
            guard let given else { return "false" }
            guard given == "true" || given == "false" else { throw SchemaError("\(label(field)): bad bool default") }
            return given
        case .int8, .int16, .uint16, .int32, .int64, .uint32:
            guard let given else { return "0" }
            let value: Int64?
            if given.lowercased().hasPrefix("0x") {
                value = Int64(given.dropFirst(2), radix: 16)
            } else {
                value = Int64(given)
            }
            guard let value, fits(value, primitive) else { throw SchemaError("\(label(field)): bad integer default \(given)") }
            return String(value)
        case .float64:
            guard let given else { return "0" }
            guard let value = Double(given) else { throw SchemaError("\(label(field)): bad float default") }
            return String(value)
        case .string:
            return swiftStringLiteral(given ?? "")
        case .bytes, .records:
            guard given == nil else { throw SchemaError("\(label(field)): only null defaults are supported for bytes") }
            return "ByteBuffer()"
        case .uuid:
            return "KafkaUUID.zero"
        }
    }

    private func fits(_ value: Int64, _ primitive: Primitive) -> Bool {
        switch primitive {
        case .int8: return Int64(Int8.min)...Int64(Int8.max) ~= value
        case .int16: return Int64(Int16.min)...Int64(Int16.max) ~= value
        case .uint16: return 0...Int64(UInt16.max) ~= value
        case .int32: return Int64(Int32.min)...Int64(Int32.max) ~= value
        case .uint32: return 0...Int64(UInt32.max) ~= value
        default: return true
        }
    }

    private func swiftStringLiteral(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"\(escaped)\""
    }

    /// A condition that holds when `value` differs from the field's default: tagged fields are
    /// written only then, and a field missing from a version may only be dropped then if ignorable.
    func nonDefaultCondition(_ field: Field, value: String) throws -> String {
        let defaultValue = try defaultExpression(field)
        if field.isOptional { return "\(value) != \(defaultValue)" }
        switch field.type {
        case .array: return "!\(value).isEmpty"
        case .structure: return "\(value) != \(defaultValue)"
        case .primitive(.bytes), .primitive(.records): return "\(value).readableBytes != 0"
        case .primitive: return "\(value) != \(defaultValue)"
        }
    }

    // MARK: Encoding

    func writeStatements(
        _ type: FieldType, optional: Bool, value: String, buffer: String,
        compact: String, nullable: String, label: String, into out: inout CodeWriter
    ) throws {
        switch type {
        case .primitive(let primitive):
            if let helper = primitive.fixedWidthHelper {
                guard !optional else { throw SchemaError("\(label): nullable \(primitive) is not a Kafka type") }
                out.line("\(buffer).writeKafka\(helper)(\(value))")
                return
            }
            let kind = primitive == .string ? "String" : "Bytes"
            if optional {
                out.line("try \(buffer).writeKafkaNullable\(kind)(\(value), compact: \(compact), nullable: \(nullable), field: \"\(label)\")")
            } else {
                out.line("try \(buffer).writeKafka\(kind)(\(value), compact: \(compact), field: \"\(label)\")")
            }
        case .structure:
            out.line("try \(value).encode(into: &\(buffer), version: version)")
        case .array(let element):
            let elements = optional ? "elements" : value
            if optional { out.open("if let elements = \(value) {") }
            out.line("\(buffer).writeKafkaArrayCount(\(elements).count, compact: \(compact))")
            out.open("for element in \(elements) {")
            try writeStatements(
                element, optional: false, value: "element", buffer: buffer,
                compact: compact, nullable: "false", label: label, into: &out)
            out.close()
            if optional {
                out.reopen("} else {")
                out.line("try \(buffer).writeKafkaNullArray(compact: \(compact), nullable: \(nullable), field: \"\(label)\")")
                out.close()
            }
        }
    }

    // MARK: Decoding

    func readExpression(
        _ type: FieldType, optional: Bool, buffer: String, compact: String, nullable: String, label: String
    ) throws -> String {
        switch type {
        case .primitive(let primitive):
            if let helper = primitive.fixedWidthHelper {
                return "try \(buffer).readKafka\(helper)(field: \"\(label)\")"
            }
            let kind = primitive == .string ? "String" : "Bytes"
            if optional {
                return "try \(buffer).readKafkaNullable\(kind)(compact: \(compact), nullable: \(nullable), field: \"\(label)\")"
            }
            return "try \(buffer).readKafka\(kind)(compact: \(compact), field: \"\(label)\")"
        case .structure(let name):
            return "try \(name)(from: &\(buffer), version: version)"
        case .array:
            throw SchemaError("\(label): arrays have no single-expression reader")
        }
    }

    func readStatements(
        _ type: FieldType, optional: Bool, target: String, buffer: String,
        compact: String, nullable: String, label: String, into out: inout CodeWriter
    ) throws {
        guard case .array(let element) = type else {
            let expression = try readExpression(
                type, optional: optional, buffer: buffer, compact: compact, nullable: nullable, label: label)
            out.line("\(target) = \(expression)")
            return
        }
        let minimum = minimumSize(element, compact: compact)
        if optional {
            out.open("if let count = try \(buffer).readKafkaNullableArrayCount(compact: \(compact), nullable: \(nullable), minElementSize: \(minimum), field: \"\(label)\") {")
        } else {
            out.open("do {")
            out.line("let count = try \(buffer).readKafkaArrayCount(compact: \(compact), minElementSize: \(minimum), field: \"\(label)\")")
        }
        out.line("var elements: [\(element.swiftType)] = []")
        out.line("elements.reserveCapacity(count)")
        out.open("for _ in 0..<count {")
        let expression = try readExpression(
            element, optional: false, buffer: buffer, compact: compact, nullable: "false", label: label)
        out.line("elements.append(\(expression))")
        out.close()
        out.line("\(target) = elements")
        if optional {
            out.reopen("} else {")
            out.line("\(target) = nil")
        }
        out.close()
    }

    /// The fewest bytes an element can take. Every struct in these schemas has at least one
    /// field or a tagged-field section in each version, so one byte is a safe floor for structs.
    private func minimumSize(_ element: FieldType, compact: String) -> Int {
        guard case .primitive(let primitive) = element else { return 1 }
        switch compact {
        case "true": return primitive.minimumSize(compact: true)
        case "false": return primitive.minimumSize(compact: false)
        default: return min(primitive.minimumSize(compact: true), primitive.minimumSize(compact: false))
        }
    }
}

/// The header: cluster id, brokers with their connection state, total throughput and the error count.
enum HeaderView {
    static func draw(_ context: RenderContext, compact: Bool, into canvas: inout Canvas) {
        let rect = context.layout.header
        let theme = context.theme
        let state = context.state
        canvas.fill(rect, style: theme[.header])
        var line = HeaderLine(y: rect.y, x: rect.x, limit: rect.maxX, theme: theme)

        let produce = state.producer.total, consume = state.consumer.total
        if compact {
            line.value(state.cluster.clusterID ?? "?", into: &canvas)
            line.separator(into: &canvas)
            line.label("P ", into: &canvas)
            line.value(Format.compact(produce.messagesPerSecond) + "/s ", into: &canvas)
            line.label("C ", into: &canvas)
            line.value(Format.compact(consume.messagesPerSecond) + "/s", into: &canvas)
            line.separator(into: &canvas)
            drawErrors(&line, state, &canvas)
            drawFlags(&line, state, &canvas)
            return
        }

        line.label("kafka-fast", into: &canvas)
        line.separator(into: &canvas)
        if drawConnection(state.connection, line: &line, into: &canvas) { line.separator(into: &canvas) }
        line.label("cluster ", into: &canvas)
        line.value(state.cluster.clusterID ?? "unknown", into: &canvas)
        line.separator(into: &canvas)
        line.label("brokers ", into: &canvas)
        drawBrokers(state.cluster.brokers, room: rect.maxX - line.x, line: &line, into: &canvas)

        line.newLine(y: rect.y + 1, x: rect.x)
        line.label("produce ", into: &canvas)
        line.value(rate(produce), into: &canvas)
        line.separator(into: &canvas)
        line.label("consume ", into: &canvas)
        line.value(rate(consume), into: &canvas)
        line.separator(into: &canvas)
        drawErrors(&line, state, &canvas)
        if let updated = state.clusterUpdatedAtMillis, state.nowMillis - updated > 5000 {
            line.separator(into: &canvas)
            let age = Format.age(millis: state.nowMillis - updated)
            line.colored("metadata \(age) old", role: .warning, into: &canvas)
        }
        drawFlags(&line, state, &canvas)
        // How many metadata refreshes were drawn: shows the data is live, and lets "within two
        // refreshes" be read off the screen.
        if state.brokers.metadataRefreshes > 0 {
            line.separator(into: &canvas)
            line.label("refresh #\(state.brokers.metadataRefreshes)", into: &canvas)
        }
    }

    /// The profile in its colour, then TLS, the SASL mechanism and user, READ-ONLY; false when
    /// there is nothing to say (plaintext without a profile).
    private static func drawConnection(_ identity: ConnectionIdentity, line: inout HeaderLine, into canvas: inout Canvas) -> Bool {
        var drew = false
        if let profile = identity.profile {
            line.profile(profile, color: identity.color.flatMap(TerminalColor.init(name:)), into: &canvas)
            drew = true
        }
        var parts: [String] = []
        if identity.tls { parts.append("TLS") }
        if let mechanism = identity.saslMechanism {
            parts.append("SASL " + mechanism + (identity.user.map { " " + $0 } ?? ""))
        }
        if !parts.isEmpty {
            line.value((drew ? " " : "") + parts.joined(separator: " "), into: &canvas)
            drew = true
        }
        if identity.readOnly {
            line.colored((drew ? " " : "") + "READ-ONLY", role: .warning, into: &canvas)
            drew = true
        }
        return drew
    }

    /// Every broker with its address when that fits; else ids only; else just how many are connected.
    private static func drawBrokers(
        _ brokers: [ClusterSnapshot.Broker], room: Int, line: inout HeaderLine, into canvas: inout Canvas
    ) {
        if brokers.isEmpty { return line.value("none known", into: &canvas) }
        let full = brokers.reduce(0) { $0 + DisplayWidth.of("\($1.id) \($1.address)") + 3 }
        let idsOnly = brokers.reduce(0) { $0 + DisplayWidth.of("\($1.id)") + 2 }
        guard idsOnly <= room else {
            let connected = brokers.filter { $0.state == .connected }.count
            let role: ThemeRole = connected == brokers.count ? .ok : connected == 0 ? .error : .warning
            return line.colored("\(connected)/\(brokers.count) up", role: role, into: &canvas)
        }
        for broker in brokers {
            let (glyph, role): (Character, ThemeRole) =
                switch broker.state {
                case .connected: (canvas.glyphs.connected, .ok)
                case .connecting: (canvas.glyphs.connected, .warning)
                case .disconnected: (canvas.glyphs.disconnected, .error)
                }
            line.colored(String(glyph), role: role, into: &canvas)
            line.value(full <= room ? "\(broker.id) \(broker.address)  " : "\(broker.id) ", into: &canvas)
        }
    }

    private static func rate(_ throughput: Throughput) -> String {
        Format.compact(throughput.messagesPerSecond) + " msg/s " + Format.bytes(throughput.bytesPerSecond) + "/s"
    }

    private static func drawErrors(_ line: inout HeaderLine, _ state: DashboardState, _ canvas: inout Canvas) {
        line.label("errors ", into: &canvas)
        let errors = state.errorCount
        if errors > 0 {
            line.colored(Format.compact(errors), role: .error, into: &canvas)
        } else {
            line.value("0", into: &canvas)
        }
    }

    private static func drawFlags(_ line: inout HeaderLine, _ state: DashboardState, _ canvas: inout Canvas) {
        if state.paused {
            line.separator(into: &canvas)
            line.colored("PAUSED", role: .warning, into: &canvas)
        }
        if state.loadGenerator != nil {
            line.separator(into: &canvas)
            line.colored("LOAD ON", role: .accent, into: &canvas)
        }
        // A read-only profile says so beside its name already.
        if state.readOnly, !state.connection.readOnly {
            line.separator(into: &canvas)
            line.colored("READ-ONLY", role: .warning, into: &canvas)
        }
    }
}

/// Writes header fragments left to right in the header's background.
private struct HeaderLine {
    var y: Int
    var x: Int
    let limit: Int
    let theme: Theme

    mutating func newLine(y: Int, x: Int) {
        self.y = y
        self.x = x
    }

    mutating func label(_ text: String, into canvas: inout Canvas) { write(text, theme[.headerLabel], &canvas) }
    mutating func value(_ text: String, into canvas: inout Canvas) { write(text, theme[.header], &canvas) }
    mutating func separator(into canvas: inout Canvas) {
        write(canvas.glyphs.isASCII ? " | " : " │ ", theme[.header], &canvas)
    }

    /// The profile's name in bold, in the profile's colour when it has one.
    mutating func profile(_ name: String, color: TerminalColor?, into canvas: inout Canvas) {
        var style = theme[.header]
        if let color { style.foreground = color }
        style.attributes.insert(.bold)
        write(name, style, &canvas)
    }

    /// A status colour on the header's background, so the bar stays one piece.
    mutating func colored(_ text: String, role: ThemeRole, into canvas: inout Canvas) {
        var style = theme[role]
        style.background = theme[.header].background
        style.attributes.formUnion(theme[.header].attributes.subtracting(.dim))
        write(text, style, &canvas)
    }

    private mutating func write(_ text: String, _ style: Style, _ canvas: inout Canvas) {
        if x == 0 { x = 1 }  // one column of breathing room at the left edge
        guard x < limit else { return }
        x += canvas.put(text, x: x, y: y, style: style, maxWidth: limit - x)
    }
}

import Testing

@testable import KafkaDashboard

/// A read-only profile: the send pane and the load generator refuse, and say why.
@Suite struct ReadOnlyProfileTests {
    @Test func sendAndLoadAreRefusedWithTheReason() {
        var state = Fixtures.state()
        state.connection = ConnectionIdentity(profile: "prod", color: "red", tls: true, saslMechanism: "PLAIN", user: "alice", readOnly: true)
        state.readOnly = true
        state.readOnlyReason = "profile 'prod'"
        state.press(.character("4"))
        #expect(state.focus == .send)
        let sent = state.apply(.key(.enter))
        #expect(sent.isEmpty)
        #expect(state.status?.message == "read-only (profile 'prod'): sending messages is disabled")
        let load = state.apply(.key(.character("L")))
        #expect(load.isEmpty && state.loadGenerator == nil)

        state.readOnly = false
        #expect(state.apply(.key(.enter)).contains { if case .send = $0 { true } else { false } })
    }
}

import Foundation
import Testing

/// `kfast dash` on a secured profile, in tmux: the header names the profile in its colour, TLS,
/// the SASL mechanism and user; a read-only profile refuses to send or start load and says so;
/// a login that fails is the status line, and the keys keep working.
@Suite(.serialized) struct DashboardSecurityTests {
    @Test func securedReadOnlyProfileInTheHeaderAndTheSendGate() async throws {
        let properties = try SecureServers.properties(.saslSslTansu, .scram512)
        let topic = uniqueTopicName("dash-secure")
        let (arguments, environment) = try CLISecurityTests.connect(properties, via: .profile, name: "dash-profile")
        let profilePath = try #require(environment["KFAST_CONFIG"])
        // The profile is red and read-only.
        let text = try String(contentsOfFile: profilePath, encoding: .utf8)
            .replacingOccurrences(of: "color = \"cyan\"", with: "color = \"red\"\nread-only = true")
        try text.write(toFile: profilePath, atomically: true, encoding: .utf8)
        let created = try await Kfast.run(["create-topic", topic, "-p", "1", "-b", properties["bootstrap.servers"]!]
                                          + SecureServers.arguments(properties), environment: CLISecurityTests.isolated())
        try #require(created.status == 0, "\(created.stderr)")

        let refused = try await Kfast.run(["dash", "-t", topic, "--load", "10"] + arguments, environment: environment)
        #expect(refused.status == 2 && refused.stderr.contains("--load: profile 'test' is read-only"), "\(refused.stderr)")

        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let dash = try await TmuxSession.start(
            ["/usr/bin/env"] + assignments + [Kfast.path, "dash", "-t", topic] + arguments + DashTiming.flags, columns: 200, rows: 50)
        defer { dash.close() }
        try await dash.waitFor("the secured header", timeout: DashTiming.firstScreen) { screen in
            (screen.first ?? "").contains("kafka-fast │ test TLS SASL SCRAM-SHA-512 alice READ-ONLY │ cluster tansu_cluster")
        }
        let styled = try await dash.tmux(["capture-pane", "-e", "-p", "-t", "test"])
        let header = styled.components(separatedBy: "\n").first ?? ""
        let name = try #require(header.range(of: "test"))
        let lastEscape = try #require(header[..<name.lowerBound].range(of: "\u{1B}[", options: .backwards))
        let style = header[lastEscape.upperBound..<name.lowerBound]
        #expect(style.contains("31") || style.contains("38;5;1m") || style.contains("91"), "profile not red: \(style)")

        try await dash.press("4", "Enter")
        try await dash.waitFor("send refused", timeout: DashTiming.keyResponse) { screen in
            screen.contains { $0.contains("read-only (profile 'test'): sending messages is disabled") }
        }
        try await dash.press("Escape", "1", "4", "L")
        try await dash.waitFor("load generator refused", timeout: DashTiming.keyResponse) { screen in
            screen.contains { $0.contains("read-only (profile 'test'): the load generator is disabled") }
                && !(screen.first ?? "").contains("LOAD ON")
        }
        try await dash.press("q")
        #expect(try await dash.waitForExit(timeout: DashTiming.quit) == 0)
    }

    @Test func aFailedLoginIsTheStatusLineAndKeysStillWork() async throws {
        let properties = try SecureServers.properties(.saslSslTansu, .plain, wrong: true)
        let dash = try await TmuxSession.start(
            ["/usr/bin/env", "HOME=/nonexistent", Kfast.path, "dash", "-b", properties["bootstrap.servers"]!]
                + SecureServers.arguments(properties) + DashTiming.flags, columns: 200, rows: 50)
        defer { dash.close() }
        try await dash.waitFor("the login failure", timeout: DashTiming.firstScreen) { screen in
            screen.contains { $0.contains("authentication failed for user 'alice' with PLAIN") }
                && (screen.first ?? "").contains("TLS SASL PLAIN alice")
        }
        let screen = try await dash.screen()
        #expect(!screen.joined().contains("not-alice-secret"))
        try await dash.press("?")
        try await dash.waitFor("help", timeout: DashTiming.keyResponse) { $0.contains { $0.contains("Keys (Esc closes)") } }
        try await dash.press("Escape", "q")
        #expect(try await dash.waitForExit(timeout: DashTiming.quit) == 0)
    }
}

import NIOCore

/// KIP-368: a broker with `connections.max.reauth.ms` gives each SASL login a lifetime and
/// closes a connection that is still used after it. The connection logs in again, in place,
/// between 85% and 95% of the lifetime (as the Java client does): its other requests wait while
/// the SASL exchange runs, since the broker reads that exchange in place of requests.
extension BrokerConnection {
    /// Lifetimes shorter than this are re-authenticated at this pace instead (a broker that gives
    /// a few milliseconds would otherwise keep the connection logging in).
    static let minimumReauthenticationDelayMs: Int64 = 100

    func scheduleReauthentication(sessionLifetimeMs: Int64) {
        guard sessionLifetimeMs > 0 else { return }
        let delay = max(Self.minimumReauthenticationDelayMs, sessionLifetimeMs * Int64.random(in: 85...95) / 100)
        let task = channel.eventLoop.scheduleTask(in: .milliseconds(delay)) { [self] in
            _ = Task { await self.reauthenticate(previousLifetimeMs: sessionLifetimeMs) }
        }
        reauthentication.withLockedValue {
            $0?.cancel()
            $0 = task
        }
        logger.debug("re-authentication scheduled", metadata: [
            "broker": "\(address)", "session_lifetime_ms": "\(sessionLifetimeMs)", "in_ms": "\(delay)",
        ])
    }

    /// Holds the connection's requests, logs in again, lets them go. A failure closes the
    /// connection (the broker would at the end of the session anyway): the requests on it fail
    /// with the reason, and the pool dials a new one, which logs in afresh.
    private func reauthenticate(previousLifetimeMs: Int64) async {
        guard isActive else { return }
        do {
            try await channel.triggerUserOutboundEvent(ReauthenticationGate.hold).get()
        } catch {
            return
        }
        do {
            let lifetime = try await SaslAuthenticator.authenticate(self, security: security, reauthenticating: true)
            channel.triggerUserOutboundEvent(ReauthenticationGate.release, promise: nil)
            logger.debug("re-authenticated", metadata: ["broker": "\(address)", "session_lifetime_ms": "\(lifetime)"])
            scheduleReauthentication(sessionLifetimeMs: lifetime)
        } catch {
            logger.warning("re-authentication failed; closing the connection", metadata: [
                "broker": "\(address)", "reason": "\(error)",
            ])
            channel.pipeline.fireErrorCaught(error)
        }
    }
}

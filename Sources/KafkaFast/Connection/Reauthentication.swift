import NIOCore

/// KIP-368: a broker with `connections.max.reauth.ms` gives each SASL login a lifetime and
/// closes a connection that is still used after it. The connection logs in again, in place,
/// between 85% and 95% of the lifetime (as the Java client does) and at least a second before
/// its end (short sessions, a busy machine): its other requests wait while the SASL exchange
/// runs, since the broker reads that exchange in place of requests.
extension BrokerConnection {
    /// Lifetimes shorter than this are re-authenticated at this pace instead (a broker that gives
    /// a few milliseconds would otherwise keep the connection logging in).
    static let minimumReauthenticationDelayMs: Int64 = 100
    /// Time kept in hand before the session ends, for a late timer or a slow token command.
    static let reauthenticationMarginMs: Int64 = 1_000

    func scheduleReauthentication(_ session: SaslAuthenticator.Session) {
        let sessionLifetimeMs = session.lifetimeMs
        guard sessionLifetimeMs > 0 else { return }
        let delay = max(Self.minimumReauthenticationDelayMs,
                        min(sessionLifetimeMs * Int64.random(in: 85...95) / 100, sessionLifetimeMs - Self.reauthenticationMarginMs))
        // From when the login was sent: the answer's way back does not eat into the margin.
        let task = channel.eventLoop.scheduleTask(deadline: session.startedBy + .milliseconds(delay)) { [self] in
            // Held from the timer on, on the event loop: however late the task below starts on a
            // busy machine, no request reaches the broker after the session ends.
            channel.triggerUserOutboundEvent(ReauthenticationGate.hold, promise: nil)
            _ = Task { await self.reauthenticate() }
        }
        reauthentication.withLockedValue {
            $0?.cancel()
            $0 = task
        }
        logger.debug("re-authentication scheduled", metadata: [
            "broker": "\(address)", "session_lifetime_ms": "\(sessionLifetimeMs)", "in_ms": "\(delay)",
        ])
    }

    /// Logs in again while the connection's requests are held, then lets them go. A failure
    /// closes the connection (the broker would at the end of the session anyway): the requests
    /// on it fail with the reason, and the pool dials a new one, which logs in afresh.
    private func reauthenticate() async {
        guard isActive else { return }
        do {
            let session = try await SaslAuthenticator.authenticate(self, security: security, reauthenticating: true)
            channel.triggerUserOutboundEvent(ReauthenticationGate.release, promise: nil)
            logger.debug("re-authenticated", metadata: ["broker": "\(address)", "session_lifetime_ms": "\(session.lifetimeMs)"])
            scheduleReauthentication(session)
        } catch {
            logger.warning("re-authentication failed; closing the connection", metadata: [
                "broker": "\(address)", "reason": "\(error)",
            ])
            channel.pipeline.fireErrorCaught(error)
        }
    }
}
